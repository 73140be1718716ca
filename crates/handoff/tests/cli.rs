//! The command line as an operator uses it: `handoff audit verify` answers 0 for an
//! intact trail and 1, naming the record, for one tampered with in the database file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

fn handoff(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_handoff"));
    c.args(args)
        .env_remove("HANDOFF_DATABASE_URL")
        .env_remove("HANDOFF_KEYS")
        .env_remove("HANDOFF_KEY_FILE");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run handoff")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn data_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("handoff-cli-{}", std::process::id()))
}

#[test]
fn audit_verify_exits_non_zero_and_names_the_record() {
    let dir = data_dir();
    let _ = std::fs::remove_dir_all(&dir);
    let data = dir.to_str().unwrap();
    let ok = handoff(&["audit", "verify", "--data", data], &[]);
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(
        text(&ok).contains("audit trail intact: 0 records"),
        "{}",
        text(&ok)
    );
    assert!(
        text(&ok).contains("Created a new key file"),
        "the first start makes the key file: {}",
        text(&ok)
    );
    assert!(Path::new(&dir).join("handoff.key").exists());

    // A row written straight into the database file, not through Handoff.
    let db = rusqlite::Connection::open(dir.join("handoff.db")).unwrap();
    db.execute(
        "INSERT INTO audit_log (at, username, action, resource_kind, resource_id, outcome, ip, user_agent, detail, seq, prev_hash, hash) VALUES ('2026-03-02T15:00:00+00:00', 'intruder', 'case.read', 'encounter', 'x', 'allowed', '-', '-', '', 1, ?1, 'forged')",
        [handoff_storage::chain::GENESIS],
    )
    .unwrap();
    drop(db);
    let bad = handoff(&["audit", "verify", "--data", data], &[]);
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad));
    assert!(
        text(&bad).contains("audit record #1 (row id 1) was changed"),
        "{}",
        text(&bad)
    );

    // A key file that is not one is a clear error, not a new key.
    let garbage = dir.join("other.key");
    std::fs::write(&garbage, "audit-hmac = not base64!").unwrap();
    let wrong = handoff(
        &[
            "audit",
            "verify",
            "--data",
            data,
            "--key-file",
            garbage.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        text(&wrong).contains("line 1: not base64"),
        "{}",
        text(&wrong)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn audit_prune_keeps_at_least_a_year_and_reports_what_it_removed() {
    let dir = std::env::temp_dir().join(format!("handoff-cli-prune-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let data = dir.to_str().unwrap();
    let short = handoff(
        &["audit", "prune", "--retention-days", "30", "--data", data],
        &[],
    );
    assert_eq!(short.status.code(), Some(1), "{}", text(&short));
    assert!(
        text(&short).contains("kept at least 365 days"),
        "{}",
        text(&short)
    );
    let ok = handoff(&["audit", "prune", "--data", data], &[]);
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(
        text(&ok).contains("removed 0 audit records older than 2190 days"),
        "{}",
        text(&ok)
    );
    let verify = handoff(&["audit", "verify", "--data", data], &[]);
    assert!(verify.status.success(), "{}", text(&verify));
    let _ = std::fs::remove_dir_all(&dir);
}
