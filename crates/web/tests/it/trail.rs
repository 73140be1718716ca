//! Coordinators search and export the audit trail of their program's users; reading it
//! is audited; bad searches keep what was typed; other programs' users are not shown.
use hyper::StatusCode;

use crate::support::*;

#[tokio::test]
async fn coordinators_search_and_export_their_programs_audit_trail() {
    for b in backends() {
        let w = world(b.clone()).await;
        let officer = w.sign_in("officer").await;
        let enc = record_encounter(&w, &officer, "Trail").await;
        officer.get(&format!("/encounters/{enc}")).await;
        // Someone else tries the case: denied, and that is on the trail.
        let other = w.sign_in("officer2").await;
        other.get(&format!("/encounters/{enc}")).await;
        // A detail that a spreadsheet would run as a formula.
        let cm2 = w.sign_in("cm2").await;
        cm2.post(
            &format!("/encounters/{enc}/emergency"),
            &[("reason", "=HYPERLINK(\"http://evil.example\") crisis")],
        )
        .await;
        // A user of another program, whose records the coordinator must not see.
        let other = other_program(&w, "Other County").await;
        user_in(
            &w,
            other,
            "elsewhere",
            handoff_domain::OrgKind::LawEnforcement,
            handoff_domain::Role::Officer,
        )
        .await;
        w.post_password("elsewhere", PASSWORD).await;

        let coord = w.sign_in("coordinator").await;
        let page = coord.get("/audit?user=officer2&outcome=denied").await;
        assert_eq!(page.status, StatusCode::OK, "{b}: {}", page.body);
        assert!(page.body.contains("encounter.read") && page.body.contains(&enc.to_string()));
        assert!(!page.body.contains(">officer<"), "only officer2's records");
        let page = coord.get("/audit?action=encounter.&resource=").await;
        assert!(page.body.contains("encounter.create"), "{}", page.body);
        let page = coord.get("/audit?user=elsewhere").await;
        assert!(
            page.body.contains("0 records"),
            "another program's user: {}",
            page.body
        );
        // A bad search: refused by field, typed values kept.
        let page = coord.get("/audit?from=2026-02-30&user=officer").await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.body.contains("Enter a date as YYYY-MM-DD.")
                && page.body.contains("value=\"officer\"")
        );
        // The export: CSV, formula cells defused, and audited with what was asked.
        let csv = coord.get("/audit/export?action=emergency.").await;
        assert_eq!(csv.status, StatusCode::OK);
        assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
        assert!(
            csv.body.starts_with("id,at_utc,user,action,"),
            "{}",
            csv.body
        );
        assert!(csv.body.contains("'=HYPERLINK"), "{}", csv.body);
        assert!(!csv.body.contains(",=HYPERLINK"));
        assert_eq!(w.audited("audit.search", "allowed").await, 3);
        assert_eq!(w.audited("audit.export", "allowed").await, 1);
        // Reading the audit trail is on the trail, and visible there.
        let page = coord.get("/audit?action=audit.").await;
        assert!(page.body.contains("audit.export"), "{}", page.body);
        // Others may not read it.
        let cm = w.sign_in("cm1").await;
        assert_eq!(cm.get("/audit").await.status, StatusCode::NOT_FOUND);
        assert_eq!(cm.get("/audit/export").await.status, StatusCode::NOT_FOUND);
    }
}
