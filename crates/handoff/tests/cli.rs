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

fn raw_last_names(db: &Path) -> Vec<String> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c.prepare("SELECT last_name FROM participants").unwrap();
    st.query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

/// Encryption at rest from the operator's side: the demo's people are stored encrypted;
/// `keys rotate` re-encrypts them under a new key (the audit trail still verifies);
/// `backup` writes an encrypted copy that `restore` turns back into a database, and a
/// changed backup is refused.
#[tokio::test]
async fn keys_rotate_backup_and_restore() {
    let dir = std::env::temp_dir().join(format!("handoff-cli-keys-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let data = dir.to_str().unwrap();
    let (keys, _) = handoff_storage::Keys::load_or_create(&dir.join("handoff.key")).unwrap();
    let config = handoff_storage::DbConfig::Sqlite {
        path: dir.join("handoff.db"),
    };
    let store = handoff_storage::Store::open(&config, &keys).await.unwrap();
    handoff_app::demo::seed(&store, &Default::default(), 3)
        .await
        .unwrap();
    store.close().await;
    let before = raw_last_names(&dir.join("handoff.db"));
    assert!(!before.is_empty());
    let old_prefix = format!("e1:{}:", keys.data.id());
    assert!(
        before.iter().all(|n| n.starts_with(&old_prefix)),
        "{before:?}"
    );

    let rotated = handoff(&["keys", "rotate", "--data", data], &[]);
    assert!(rotated.status.success(), "{}", text(&rotated));
    let new_keys =
        handoff_storage::Keys::parse(&std::fs::read_to_string(dir.join("handoff.key")).unwrap())
            .unwrap();
    assert_ne!(new_keys.data, keys.data);
    assert!(
        new_keys.retired.is_empty(),
        "the old key is dropped at the end"
    );
    let after = raw_last_names(&dir.join("handoff.db"));
    let new_prefix = format!("e1:{}:", new_keys.data.id());
    assert!(
        after.iter().all(|n| n.starts_with(&new_prefix)),
        "{after:?}"
    );
    let verify = handoff(&["audit", "verify", "--data", data], &[]);
    assert!(verify.status.success(), "{}", text(&verify));

    let bak = dir.join("backup.bin");
    let b = handoff(
        &["backup", "--output", bak.to_str().unwrap(), "--data", data],
        &[],
    );
    assert!(b.status.success(), "{}", text(&b));
    let bytes = std::fs::read(&bak).unwrap();
    assert!(bytes.starts_with(b"HANDOFF-BACKUP-1\n"));
    assert!(
        !bytes.windows(15).any(|w| w == b"SQLite format 3"),
        "the backup is encrypted"
    );
    let again = handoff(
        &["backup", "--output", bak.to_str().unwrap(), "--data", data],
        &[],
    );
    assert_eq!(again.status.code(), Some(1), "no overwriting");

    let restored = dir.join("restored.db");
    let r = handoff(
        &[
            "restore",
            "--input",
            bak.to_str().unwrap(),
            "--output",
            restored.to_str().unwrap(),
            "--data",
            data,
        ],
        &[],
    );
    assert!(r.status.success(), "{}", text(&r));
    assert!(
        std::fs::read(&restored)
            .unwrap()
            .starts_with(b"SQLite format 3\0")
    );
    assert_eq!(raw_last_names(&restored), after);

    let mut changed = bytes.clone();
    let mid = changed.len() / 2;
    changed[mid] ^= 0x40;
    let bad = dir.join("changed.bin");
    std::fs::write(&bad, &changed).unwrap();
    let out = dir.join("from-changed.db");
    let r = handoff(
        &[
            "restore",
            "--input",
            bad.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
            "--data",
            data,
        ],
        &[],
    );
    assert_eq!(r.status.code(), Some(1), "{}", text(&r));
    assert!(text(&r).contains("damaged or was changed"), "{}", text(&r));
    assert!(!out.exists(), "nothing half-restored is left");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn codes_import_reports_what_changed_and_names_bad_lines() {
    let dir = std::env::temp_dir().join(format!("handoff-cli-codes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.to_str().unwrap();
    let shipped = handoff_app::reference::SHIPPED_NIBRS;
    let updated: String = shipped
        .lines()
        .filter(|l| !l.starts_with("offense,23C,"))
        .map(|l| format!("{l}\n"))
        .collect();
    let file = dir.join("codes.csv");
    std::fs::write(&file, &updated).unwrap();
    let ok = handoff(
        &[
            "codes",
            "import",
            "--file",
            file.to_str().unwrap(),
            "--data",
            data,
        ],
        &[],
    );
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(
        text(&ok).contains("No longer selectable: offense 23C"),
        "{}",
        text(&ok)
    );
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, format!("{shipped}weird,X,Y,,active,\n")).unwrap();
    let r = handoff(
        &[
            "codes",
            "import",
            "--file",
            bad.to_str().unwrap(),
            "--data",
            data,
        ],
        &[],
    );
    assert_eq!(r.status.code(), Some(1));
    assert!(text(&r).contains("field table"), "{}", text(&r));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_new_program_is_set_up_from_the_command_line_and_bad_input_changes_nothing() {
    // Its own folder: the other tests here remove theirs while this one runs.
    let dir = std::env::temp_dir().join(format!("handoff-cli-setup-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let data = dir.to_str().unwrap();
    let run = |args: &[&str]| {
        let mut a = args.to_vec();
        a.extend(["--data", data]);
        handoff(&a, &[("HANDOFF_PASSWORD", "a long enough passphrase 42")])
    };
    // Nothing to add to yet.
    let none = run(&["org", "add", "--kind", "provider", "--name", "Harbor"]);
    assert!(!none.status.success());
    assert!(
        text(&none).contains("handoff program create"),
        "{}",
        text(&none)
    );
    // A time zone that does not exist is refused, and no program is made.
    let bad = run(&[
        "program",
        "create",
        "--name",
        "Lake County",
        "--time-zone",
        "Mars/Olympus",
    ]);
    assert!(!bad.status.success());
    assert!(text(&bad).contains("time_zone"), "{}", text(&bad));
    let ok = run(&[
        "program",
        "create",
        "--name",
        "Lake County",
        "--time-zone",
        "America/Chicago",
    ]);
    assert!(ok.status.success(), "{}", text(&ok));
    // Its organizations; an unknown kind names the kinds; a second "Harbor" is refused.
    let kind = run(&["org", "add", "--kind", "clinic", "--name", "Harbor"]);
    assert!(!kind.status.success());
    assert!(
        text(&kind).contains("law_enforcement, fire_ems"),
        "{}",
        text(&kind)
    );
    for (k, n) in [("law_enforcement", "Lake Police"), ("provider", "Harbor")] {
        let o = run(&[
            "org",
            "add",
            "--kind",
            k,
            "--name",
            n,
            "--hours",
            "Mon-Fri 9-5",
        ]);
        assert!(o.status.success(), "{}", text(&o));
    }
    let twice = run(&["org", "add", "--kind", "provider", "--name", "Harbor"]);
    assert!(!twice.status.success());
    assert!(
        text(&twice).contains("exists in the program"),
        "{}",
        text(&twice)
    );
    let list = run(&["org", "list"]);
    assert_eq!(
        String::from_utf8_lossy(&list.stdout).lines().count(),
        2,
        "{}",
        text(&list)
    );
    // People can now be added to them.
    let user = run(&[
        "user",
        "add",
        "--username",
        "okafor",
        "--name",
        "Officer Okafor",
        "--org",
        "Lake Police",
        "--role",
        "officer",
    ]);
    assert!(user.status.success(), "{}", text(&user));
    let _ = std::fs::remove_dir_all(&dir);
}
