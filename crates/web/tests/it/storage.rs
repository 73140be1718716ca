//! Storage contract: both migration sets give the same tables and columns, and the
//! basic guarantees hold on each backend.
use handoff_storage::testing::postgres_admin_url;

use crate::support::*;

async fn columns(b: &Backend) -> Vec<(String, String)> {
    let store = open_store(b).await;
    let mut tx = store.read().await.unwrap();
    let cols = tx.schema_columns().await.unwrap();
    tx.rollback().await.unwrap();
    cols
}

#[tokio::test]
async fn both_databases_have_the_same_tables_and_columns() {
    let sqlite = columns(&Backend::Sqlite).await;
    assert!(sqlite.len() > 100, "{sqlite:?}");
    let Some(url) = postgres_admin_url() else {
        assert!(
            std::env::var("HANDOFF_REQUIRE_POSTGRES").is_err(),
            "PostgreSQL is required"
        );
        return;
    };
    let pg = columns(&Backend::Postgres(url)).await;
    let only_sqlite: Vec<_> = sqlite.iter().filter(|c| !pg.contains(c)).collect();
    let only_pg: Vec<_> = pg.iter().filter(|c| !sqlite.contains(c)).collect();
    assert!(
        only_sqlite.is_empty() && only_pg.is_empty(),
        "only in SQLite: {only_sqlite:?}; only in PostgreSQL: {only_pg:?}"
    );
}

#[tokio::test]
async fn reopening_keeps_data_and_migrations_run_once() {
    // SQLite: the data folder survives a restart (the demo relies on it).
    let path = handoff_storage::testing::fresh_sqlite_path();
    let config = handoff_storage::DbConfig::Sqlite { path: path.clone() };
    let store = handoff_storage::Store::open(&config, &handoff_storage::Keys::for_tests())
        .await
        .unwrap();
    let app = handoff_app::App::new(
        store.clone(),
        std::sync::Arc::new(handoff_domain::SystemClock),
        Default::default(),
    )
    .await
    .unwrap();
    handoff_app::admin::create_program(
        &app,
        handoff_app::admin::NewProgram {
            name: "Kept".into(),
            time_zone: "UTC".into(),
            intake_deadline_days: 14,
            supervisor_approves_overrides: false,
            rules: Default::default(),
        },
    )
    .await
    .unwrap();
    store.close().await;
    let store = handoff_storage::Store::open(&config, &handoff_storage::Keys::for_tests())
        .await
        .unwrap();
    let mut tx = store.read().await.unwrap();
    assert!(tx.program_by_name("Kept").await.unwrap().is_some());
    assert!(
        tx.latest_reference_version().await.unwrap().is_some(),
        "NIBRS codes loaded once, kept"
    );
    tx.rollback().await.unwrap();
}

#[tokio::test]
async fn unique_violations_are_conflicts_on_every_backend() {
    for b in backends() {
        let w = world(b).await;
        let err = handoff_app::admin::create_org(
            &w.app,
            handoff_app::admin::NewOrg {
                program_id: w.program,
                kind: handoff_domain::OrgKind::Provider,
                name: "First Provider".into(),
                address: String::new(),
                phone: String::new(),
                hours: String::new(),
                what_to_bring: String::new(),
            },
        )
        .await
        .unwrap_err();
        assert!(matches!(err, handoff_app::AppError::Invalid(_)), "{err:?}");
    }
}

#[tokio::test]
async fn a_hold_written_from_a_stale_copy_is_a_conflict() {
    for b in backends() {
        let w = world(b).await;
        let officer = w.sign_in("officer").await;
        let id = record_encounter(&w, &officer, "Stale").await;
        accept_offer(&w, &officer, id, "contact_card", "p1").await;
        let stale = w.hold_of(id).await;
        // Someone changes the hold (the prosecutor extends the deadline)...
        let mut fresh = stale.clone();
        fresh.deadline_day = stale.deadline_day + chrono::Duration::days(10);
        fresh.updated_at = stale.updated_at + chrono::Duration::seconds(1);
        let mut tx = w.store.write().await.unwrap();
        tx.update_hold(&fresh, &stale).await.unwrap();
        tx.commit().await.unwrap();
        // ...and a write based on the old copy must not overwrite it.
        let mut late = stale.clone();
        late.state = "intake_met".into();
        late.updated_at = stale.updated_at + chrono::Duration::seconds(2);
        let mut tx = w.store.write().await.unwrap();
        let err = tx.update_hold(&late, &stale).await.unwrap_err();
        assert!(
            matches!(err, handoff_storage::StoreError::Conflict(_)),
            "{err:?} on {}",
            w.backend
        );
        tx.rollback().await.unwrap();
        assert_eq!(w.hold_of(id).await.deadline_day, fresh.deadline_day);
    }
}
