//! Referrals to services (issue 15, ADR 0017): what fits the person, ranked with reasons;
//! several referrals at once, each its own FHIR task, each holding a unit of the service's
//! capacity for the program's window; needs recorded with them.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use handoff_domain::directory::choose::{self, Candidate, Person, Room, Rule, Suggestion};
use handoff_domain::directory::is_under;
use handoff_domain::needs::{self, Needs};
use handoff_domain::policy::CaseAction;
use handoff_domain::referral::ReferralStatus;
use handoff_domain::{FieldErrors, HandoffMode, OrgKind, Sex};
use handoff_storage::{CapacityHoldRow, NeedsRow};
use uuid::Uuid;

use super::{Dir, current};
use crate::audit::{self, ALLOWED};
use crate::case::{contact_due, guarded, intake_deadline};
use crate::{App, AppError, AppResult, Ctx};
use handoff_i18n::{staff, staff_with};

/// The suggestions for an encounter, with what they were made from.
pub struct Choices {
    /// The best suggestions (at most `SHOWN`).
    pub suggestions: Vec<Suggestion>,
    /// How many services match the needs in all.
    pub matched: usize,
    /// Shown when nothing fits (a 24-hour crisis line).
    pub fallback: String,
    pub needs: Needs,
    pub rule: Rule,
    /// The program's time zone (the page shows times in it).
    pub tz: chrono_tz::Tz,
    /// The referring agency (the release for a partner names it).
    pub agency: String,
    /// The person's language: the release is read to them in it.
    pub lang: handoff_i18n::Lang,
}

/// Suggestions shown at most: an officer on a phone chooses among the best.
pub const SHOWN: usize = 50;

/// Live room per service: its first capacity, net of units held now.
async fn rooms(
    store: &handoff_storage::Store,
    dir: &Dir,
    program_id: Uuid,
    fresh: i64,
    now: DateTime<Utc>,
) -> AppResult<HashMap<Uuid, Room>> {
    let (caps, held) = store.capacities_now(program_id, now).await?;
    let held: HashMap<Uuid, i64> = held.into_iter().collect();
    // Units are few: each stored form is read once.
    let mut units: HashMap<String, String> = HashMap::new();
    let mut out = HashMap::new();
    for c in caps {
        if out.contains_key(&c.service_id) {
            continue;
        }
        let unit = match units.get(&c.unit) {
            Some(u) => u.clone(),
            None => {
                let name = serde_json::from_str::<handoff_domain::directory::hsds::Unit>(&c.unit)
                    .map(|u| u.name)
                    .unwrap_or_default();
                units.insert(c.unit.clone(), name.clone());
                name
            }
        };
        let window = chrono::Duration::minutes(super::capacity::window(dir, fresh, c.service_id));
        out.insert(
            c.service_id,
            Room {
                capacity_id: c.id,
                free: c.available - held.get(&c.id).copied().unwrap_or(0),
                maximum: c.maximum,
                unit,
                updated: c.updated_at,
                stale: now - c.updated_at > window,
            },
        );
    }
    Ok(out)
}

/// Ranks the directory's services for an encounter's person and needs. Position and
/// language are used for the order only, never stored.
pub async fn choices(
    app: &App,
    ctx: &Ctx,
    encounter_id: Uuid,
    needs: &Needs,
    language: Option<String>,
    here: Option<(f64, f64)>,
) -> AppResult<Choices> {
    let (mut tx, enc, _) = guarded(
        app,
        ctx,
        app.store.read().await?,
        encounter_id,
        CaseAction::ActOnEncounter,
        "directory.choices",
    )
    .await?;
    let data = app.program_data(enc.program_id).await?;
    let dir = current(app, enc.program_id).await?;
    let settings = tx.directory_settings(enc.program_id).await?;
    let now = app.now();
    let lang = crate::consent_terms::person_lang(app, &mut tx, enc.participant_id).await?;
    tx.rollback().await?;
    let room = rooms(
        &app.store,
        &dir,
        enc.program_id,
        settings.capacity_fresh_minutes,
        now,
    )
    .await?;
    let (suggestions, matched) = rank(
        &dir,
        &room,
        &enc,
        needs,
        language,
        here,
        &settings.choice_rule,
        now.with_timezone(&data.tz).naive_local(),
        now,
    );
    // The person's age and sex were read to mark exclusions: the read is audited, through
    // the group commit (on SQLite, one commit for every action waiting).
    let entry = audit::entry(
        app,
        ctx,
        "directory.choices",
        "encounter",
        &enc.id.to_string(),
        ALLOWED,
        &needs.service_types().join(" "),
    );
    app.store
        .write_all(
            &[&[handoff_storage::Stmt::audit(&entry)]],
            "directory.choices",
        )
        .await?;
    Ok(Choices {
        suggestions,
        matched,
        fallback: settings.fallback,
        needs: needs.clone(),
        rule: Rule::parse(&settings.choice_rule).unwrap_or_default(),
        tz: data.tz,
        agency: data
            .orgs
            .iter()
            .find(|o| o.id == enc.agency_id)
            .map(|o| o.name.clone())
            .unwrap_or_default(),
        lang,
    })
}

#[allow(clippy::too_many_arguments)] // the ranking's inputs, each its own
fn rank(
    dir: &Dir,
    room: &HashMap<Uuid, Room>,
    enc: &handoff_storage::EncounterRow,
    needs: &Needs,
    language: Option<String>,
    here: Option<(f64, f64)>,
    rule: &str,
    local: chrono::NaiveDateTime,
    now: DateTime<Utc>,
) -> (Vec<Suggestion>, usize) {
    let orgs: HashMap<Uuid, &str> = dir
        .organizations
        .iter()
        .map(|o| (o.id, o.name.as_str()))
        .collect();
    let candidates: Vec<Candidate<'_>> = dir
        .services
        .iter()
        .zip(&dir.profiles)
        .map(|(s, profile)| Candidate {
            service: s,
            organization: s
                .organization_id
                .and_then(|o| orgs.get(&o).copied())
                .unwrap_or(""),
            profile,
            room: room.get(&s.id).cloned(),
        })
        .collect();
    let person = Person {
        age: Some(enc.age_at_encounter),
        sex: Sex::parse(&enc.sex),
        language,
    };
    choose::suggest(
        &candidates,
        &needs.service_types(),
        &person,
        local,
        now,
        here,
        &Rule::parse(rule).unwrap_or_default(),
        SHOWN,
    )
}

/// Referrals to services, as typed.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ServiceReferralInput {
    pub service_ids: Vec<String>,
    pub handoff_mode: String,
    pub problems: Vec<String>,
    /// AHC answers by question id.
    pub answers: BTreeMap<String, Vec<String>>,
    /// The person's release, needed when a chosen service is not a treatment service.
    #[serde(default)]
    pub release_signed_name: String,
    #[serde(default)]
    pub release_confirmed: String,
}

/// What came of one referral.
#[derive(Debug, Clone, PartialEq)]
pub struct Referred {
    pub referral_id: Uuid,
    pub service: String,
    /// A unit was held until then.
    pub held_until: Option<DateTime<Utc>>,
}

/// Refers the encounter's person to each service chosen, in one transaction with the
/// needs screen and its audit record: each referral its own task to the service's
/// organization, holding a unit where the service publishes capacity and one is free.
pub async fn refer(
    app: &App,
    ctx: &Ctx,
    encounter_id: Uuid,
    input: &ServiceReferralInput,
) -> AppResult<Vec<Referred>> {
    let (mut tx, enc, _) = guarded(
        app,
        ctx,
        app.store.write().await?,
        encounter_id,
        CaseAction::ActOnEncounter,
        "referral.services",
    )
    .await?;
    let mut errors = FieldErrors::new();
    let needs = match needs::evaluate(&input.problems, &input.answers) {
        Ok(n) => n,
        Err(e) => {
            errors = e;
            Needs::default()
        }
    };
    let mode = HandoffMode::parse(input.handoff_mode.trim());
    if mode.is_none() {
        errors.add("handoff_mode", staff("err-directory-refer-handoff-mode"));
    }
    let dir = current(app, enc.program_id).await?;
    let mut chosen = Vec::new();
    for raw in input.service_ids.iter().filter(|s| !s.trim().is_empty()) {
        match Uuid::parse_str(raw.trim())
            .ok()
            .and_then(|id| dir.service(id))
        {
            Some(s) if s.status == "active" => {
                if !chosen
                    .iter()
                    .any(|c: &&handoff_domain::directory::hsds::Service| c.id == s.id)
                {
                    chosen.push(s);
                }
            }
            Some(s) => errors.add(
                "service_ids",
                staff_with(
                    "err-directory-refer-service-inactive",
                    &[
                        ("service", (&s.name).into()),
                        ("status", (&s.status).into()),
                    ],
                ),
            ),
            None => errors.add("service_ids", staff("err-directory-refer-service-unknown")),
        }
    }
    if chosen.is_empty() && errors.get("service_ids").is_none() {
        errors.add("service_ids", staff("err-directory-refer-service-none"));
    }
    if chosen.len() > 10 {
        errors.add("service_ids", staff("err-directory-refer-service-too-many"));
    }
    let codes_of = |s: &handoff_domain::directory::hsds::Service| -> Vec<String> {
        s.attributes
            .iter()
            .filter_map(|a| handoff_domain::directory::term_by_id(a.taxonomy_term_id))
            .map(|t| t.code.clone())
            .collect()
    };
    let partners: Vec<String> = chosen
        .iter()
        .filter(|s| handoff_domain::directory::needs_release(&codes_of(s)))
        .map(|s| s.name.clone())
        .collect();
    let signed_name = crate::releases::check(
        &crate::releases::Typed {
            signed_name: &input.release_signed_name,
            confirmed: &input.release_confirmed,
        },
        &partners,
        &mut errors,
    );
    if !errors.is_empty() {
        tx.rollback().await?;
        return Err(AppError::Invalid(errors));
    }
    let mode = mode.unwrap_or(HandoffMode::ContactCard);
    if !tx.offer(enc.id).await?.is_some_and(|o| o.accepted) {
        tx.rollback().await?;
        return Err(AppError::Rule(staff(
            "err-directory-refer-acceptance-first",
        )));
    }
    let existing = tx.referrals_for_encounter(enc.id).await?;
    for s in &chosen {
        let open = existing.iter().any(|r| {
            r.service_id == Some(s.id)
                && ReferralStatus::parse(&r.status).is_some_and(|st| st.is_open())
        });
        if open {
            errors.add(
                "service_ids",
                staff_with(
                    "err-directory-refer-still-open",
                    &[("service", (&s.name).into())],
                ),
            );
        }
    }
    if !errors.is_empty() {
        tx.rollback().await?;
        return Err(AppError::Invalid(errors));
    }
    let now = app.now();
    let data = app.program_data(enc.program_id).await?;
    let settings = tx.directory_settings(enc.program_id).await?;
    let hold_types: Vec<&str> = settings.hold_service_types.split_whitespace().collect();
    let orgs = tx.orgs(enc.program_id).await?;
    let contact_deadline = if mode == HandoffMode::ContactCard {
        let hold = tx.hold_for_encounter(enc.id).await?;
        Some(contact_due(
            &data,
            now,
            intake_deadline(&data, &enc, hold.as_ref()).last_day,
        ))
    } else {
        None
    };
    let room = rooms(
        &app.store,
        &dir,
        enc.program_id,
        settings.capacity_fresh_minutes,
        now,
    )
    .await?;
    let agency = orgs
        .iter()
        .find(|o| o.id == enc.agency_id)
        .ok_or(AppError::NotFound)?;
    // One release per partner organization, naming the services it is for, in the
    // person's language.
    let mut releases: Vec<(Uuid, Uuid)> = Vec::new();
    let lang = crate::consent_terms::person_lang(app, &mut tx, enc.participant_id).await?;
    let chosen_names: Vec<(Option<Uuid>, String)> = chosen
        .iter()
        .filter(|s| handoff_domain::directory::needs_release(&codes_of(s)))
        .map(|s| (s.organization_id, s.name.clone()))
        .collect();
    let mut out = Vec::new();
    for s in chosen {
        let org = s
            .organization_id
            .and_then(|o| orgs.iter().find(|x| x.id == o))
            .filter(|o| o.kind == OrgKind::Provider.as_str() || o.kind == OrgKind::Partner.as_str())
            .ok_or_else(|| {
                AppError::field(
                    "service_ids",
                    staff_with(
                        "err-directory-refer-no-partner",
                        &[("service", (&s.name).into())],
                    ),
                )
            })?;
        let codes = codes_of(s);
        let release_id = match (
            &signed_name,
            handoff_domain::directory::needs_release(&codes),
        ) {
            (Some(name), true) => match releases.iter().find(|(o, _)| *o == org.id) {
                Some((_, id)) => Some(*id),
                None => {
                    let services: Vec<String> = chosen_names
                        .iter()
                        .filter(|(o, _)| *o == Some(org.id))
                        .map(|(_, n)| n.clone())
                        .collect();
                    let row = crate::releases::row(
                        &enc,
                        (agency, org),
                        &services,
                        crate::consent_terms::Signed {
                            name: name.clone(),
                            by: ctx.actor.user_id,
                            at: now,
                        },
                        &lang,
                    );
                    tx.insert_consent(&row).await?;
                    releases.push((org.id, row.id));
                    Some(row.id)
                }
            },
            _ => None,
        };
        let (mut referral, event) =
            crate::offers::create_referral(&mut tx, app, ctx, &enc, org, mode, contact_deadline)
                .await?;
        referral.service_id = Some(s.id);
        referral.release_id = release_id;
        referral.service_types = codes.join(" ");
        referral.counts_for_hold = codes
            .iter()
            .any(|c| hold_types.iter().any(|h| is_under(c, h)));
        tx.insert_referral(&referral).await?;
        let mut pages =
            crate::paging::first_page(&mut tx, app, &enc, &referral, Some(ctx.actor.user_id))
                .await?;
        pages.extend(
            crate::webhooks::referral_event(&mut tx, app, &referral, "created", None, app.now())
                .await?,
        );
        tx.run(&pages).await?;
        // Only a referral a held charge counts on is the legal side's business; the
        // others are kept out of its view ("care." events, ADR 0017).
        let kind = if referral.counts_for_hold {
            event.kind.clone()
        } else {
            "care.referral_requested".into()
        };
        tx.insert_case_event(&handoff_storage::CaseEventRow {
            summary: format!("{} ({})", event.summary, s.name),
            kind,
            ..event
        })
        .await?;
        let mut held_until = None;
        if let Some(r) = room.get(&s.id) {
            let expires_at = now + choose::hold_window(settings.capacity_hold_minutes);
            let hold = CapacityHoldRow {
                id: Uuid::now_v7(),
                program_id: enc.program_id,
                capacity_id: r.capacity_id,
                referral_id: referral.id,
                held_at: now,
                expires_at,
                state: "held".into(),
                ended_at: None,
            };
            if tx.hold_unit(&hold).await? {
                held_until = Some(expires_at);
            }
        }
        out.push(Referred {
            referral_id: referral.id,
            service: s.name.clone(),
            held_until,
        });
    }
    tx.upsert_needs(&NeedsRow {
        encounter_id: enc.id,
        program_id: enc.program_id,
        problems: needs.problem_codes(),
        positive: needs.positive_codes(),
        safety_score: needs.safety_score.map(i64::from),
        recorded_by: ctx.actor.user_id,
        recorded_at: now,
    })
    .await?;
    let mut detail: Vec<String> = out
        .iter()
        .map(|r| {
            format!(
                "{}{}",
                r.referral_id,
                if r.held_until.is_some() {
                    " (unit held)"
                } else {
                    ""
                }
            )
        })
        .collect();
    detail.extend(releases.iter().map(|(_, id)| format!("release {id}")));
    audit::record(
        &mut tx,
        app,
        ctx,
        "referral.services",
        "encounter",
        &enc.id.to_string(),
        ALLOWED,
        &detail.join(", "),
    )
    .await?;
    crate::facts::refresh(&mut tx, app, enc.id).await?;
    tx.commit().await?;
    Ok(out)
}
