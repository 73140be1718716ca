//! The pathway planner (issue 4): a public page where a community answers questions about
//! its problems and resources and sees which of the six pathways fit; coordinators also
//! see what their program's numbers suggest.
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use handoff_app::rules;
use handoff_domain::planner::{self, Answers, PATHWAYS, PathwayInfo, Recommendation};

use crate::AppState;
use crate::auth::Session;
use crate::kit::page::error_for;
use crate::kit::render::{Layout, render, staff};

#[derive(Template)]
#[template(path = "planner.html")]
struct PlannerPage {
    layout: Layout,
    asked: bool,
    q: HashMap<String, String>,
    recs: Vec<Recommendation>,
    pathways: &'static [PathwayInfo],
    insights: Option<Vec<String>>,
}

/// The problems asked about: (field, the question's staff key).
const PROBLEMS: &[(&str, &str)] = &[
    ("overdoses", "planner-problem-overdoses"),
    ("offenses", "planner-problem-offenses"),
    ("homelessness", "planner-problem-homelessness"),
    ("crisis", "planner-problem-crisis"),
    ("asking", "planner-problem-asking"),
];

/// The resources asked about: (field, the staff key of what).
const RESOURCES: &[(&str, &str)] = &[
    ("slots", "planner-resource-slots"),
    ("peers", "planner-resource-peers"),
    ("case_managers", "planner-resource-case-managers"),
    ("prosecutor", "planner-resource-prosecutor"),
    ("ems", "planner-resource-ems"),
    ("clinicians", "planner-resource-clinicians"),
    ("outreach", "planner-resource-outreach"),
];

/// (field, its label in the staff catalogue).
fn labelled(list: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    list.iter().map(|(f, k)| (*f, staff(k))).collect()
}

impl PlannerPage {
    fn problems(&self) -> Vec<(&'static str, String)> {
        labelled(PROBLEMS)
    }
    fn resources(&self) -> Vec<(&'static str, String)> {
        labelled(RESOURCES)
    }
    fn level_sel(&self, field: &str, v: &str) -> &'static str {
        if self.q.get(field).map(String::as_str).unwrap_or("0") == v {
            "selected"
        } else {
            ""
        }
    }
    fn has(&self, field: &str) -> &'static str {
        if self.q.get(field).is_some_and(|v| v == "yes") {
            "checked"
        } else {
            ""
        }
    }
}

fn answers(q: &HashMap<String, String>) -> Answers {
    let level = |k: &str| -> u8 {
        match q.get(k).map(String::as_str) {
            Some("2") => 2,
            Some("1") => 1,
            _ => 0,
        }
    };
    let yes = |k: &str| q.get(k).is_some_and(|v| v == "yes");
    Answers {
        overdoses: level("overdoses"),
        repeat_low_level_offenses: level("offenses"),
        homelessness: level("homelessness"),
        crisis_calls: level("crisis"),
        people_asking_for_help: level("asking"),
        treatment_slots: yes("slots"),
        peers: yes("peers"),
        case_managers: yes("case_managers"),
        prosecutor_support: yes("prosecutor"),
        ems_partnership: yes("ems"),
        behavioral_health_responders: yes("clinicians"),
        outreach_team: yes("outreach"),
    }
}

fn page(q: HashMap<String, String>, layout: Layout, insights: Option<Vec<String>>) -> Response {
    let asked = q.contains_key("asked");
    let recs = if asked {
        planner::recommend(&answers(&q))
    } else {
        Vec::new()
    };
    render(
        StatusCode::OK,
        &PlannerPage {
            layout,
            asked,
            q,
            recs,
            pathways: PATHWAYS,
            insights,
        },
    )
}

/// Public: no personal data, no sign-in.
pub async fn public(Query(q): Query<HashMap<String, String>>) -> Response {
    page(q, Layout::anonymous(&staff("planner-title")), None)
}

/// For coordinators: the same, with what the program's numbers suggest.
pub async fn program(
    State(st): State<AppState>,
    s: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match rules::planner_numbers(&st.app, &s.ctx).await {
        Ok(n) => page(
            q,
            Layout::new(staff("planner-title"), &s, None),
            Some(planner::insights(&n)),
        ),
        Err(e) => error_for(&s, &e),
    }
}
