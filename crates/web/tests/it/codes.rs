//! Reference codes as versioned data (issue 4): an updated NIBRS file becomes the version
//! in force; a code it drops or retires stays readable in old records and can no longer
//! be chosen; a bad file is refused with its line and field.
use hyper::StatusCode;

use crate::support::*;

#[tokio::test]
async fn an_updated_code_file_retires_codes_but_old_records_keep_them() {
    for b in backends() {
        let w = world(b.clone()).await;
        let officer = w.sign_in("officer").await;
        let f = encounter_fields(&w.local_now(), "Shoplift", "23C", "", "");
        let r = officer.post("/encounters", &refs(&f)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        let old = r.location_id();

        // The FBI drops 23C and retires 90J.
        let updated: String = handoff_app::reference::SHIPPED_NIBRS
            .lines()
            .filter(|l| !l.starts_with("offense,23C,"))
            .map(|l| {
                if l.starts_with("offense,90J,") {
                    "offense,90J,Trespass of Real Property,B,retired,test\n".to_string()
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        let s = handoff_app::reference::import_file(&w.app, &updated)
            .await
            .unwrap();
        assert!(!s.unchanged);
        assert!(s.retired.contains(&"offense 23C".to_string()), "{s:?}");
        assert!(s.retired.contains(&"offense 90J".to_string()), "{s:?}");
        let again = handoff_app::reference::import_file(&w.app, &updated)
            .await
            .unwrap();
        assert!(again.unchanged);

        // The old record still reads "Shoplifting".
        let page = officer.get(&format!("/encounters/{old}")).await;
        assert!(page.body.contains("Shoplifting"), "{b}: {}", page.body);
        // Neither can be chosen for a new encounter, nor is offered.
        let form = officer.get("/encounters/new").await;
        assert!(!form.body.contains("value=\"23C\"") && !form.body.contains("value=\"90J\""));
        for code in ["23C", "90J"] {
            let f = encounter_fields(&w.local_now(), "Later", code, "", "");
            let r = officer.post("/encounters", &refs(&f)).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {code}");
        }
        // A bad file: refused with its line and field; the version in force stays.
        let bad = format!(
            "{}offense,,No code,A,active,\n",
            handoff_app::reference::SHIPPED_NIBRS
        );
        let e = handoff_app::reference::import_file(&w.app, &bad)
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("field code"), "{e}");
        assert_eq!(w.app.codes().version, s.version);
    }
}
