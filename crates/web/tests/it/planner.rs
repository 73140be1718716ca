//! The pathway planner (issue 4): public answers give the fitting pathways with why, what
//! they need and what they do not address; coordinators also see their program's numbers.
use hyper::{Method, StatusCode};

use crate::support::*;

#[tokio::test]
async fn the_planner_recommends_pathways_and_reads_the_programs_numbers() {
    let w = world(Backend::Sqlite).await;
    let r = request(
        &w.client,
        Method::GET,
        &format!(
            "{}/planner?asked=1&overdoses=2&ems=yes&peers=yes&slots=yes&offenses=1",
            w.base
        ),
        &[],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "public, no sign-in");
    let body = r.body;
    let first = body.find("<strong>Naloxone Plus</strong> · Strong fit");
    assert!(first.is_some(), "{body}");
    assert!(
        body.contains("Needs: the prosecutor"),
        "Officer Intervention names its need"
    );
    assert!(body.contains("Does not address"));
    assert!(
        body.contains("value=\"2\" selected")
            && body.contains("name=\"ems\" value=\"yes\" checked"),
        "answers kept"
    );
    // All six are described.
    for name in [
        "Self-Referral",
        "Active Outreach",
        "Naloxone Plus",
        "First Responder and Officer Referral",
        "Officer Intervention",
        "Community Response",
    ] {
        assert!(body.contains(name), "{name}");
    }
    let coord = w.sign_in("coordinator").await;
    let page = coord.get("/planner/program").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("numbers suggest"), "{}", page.body);
    let officer = w.sign_in("officer").await;
    assert_eq!(
        officer.get("/planner/program").await.status,
        StatusCode::NOT_FOUND
    );
}
