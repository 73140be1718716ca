//! Real HTTP servers for the outbox's tests (`.ci/http_receivers.py`): an SMS gateway with
//! two request shapes that posts delivery reports back, and a webhook receiver that
//! verifies Standard Webhooks signatures with the `standardwebhooks` package. Started by
//! the harness on this machine; what they took is read back from their folder.
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

pub struct Receiver {
    pub port: u16,
    pub dir: PathBuf,
    child: Child,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub const GATEWAY_USER: &str = "AC-handoff";
pub const GATEWAY_PASSWORD: &str = "gw pass:word";
pub const GATEWAY_TOKEN: &str = "tok-123";

/// A Python that can import `module` (CI's venv, HANDOFF_SMTP_PYTHON), or None where there
/// is none: then the test says so and passes only outside CI (CI sets
/// HANDOFF_REQUIRE_SMTP=1, so a missing one fails it).
pub fn python_with(module: &str) -> Option<String> {
    let candidates = [
        std::env::var("HANDOFF_SMTP_PYTHON").ok(),
        Some("/tmp/handoff-ci-venv/bin/python".into()),
        Some("python3".into()),
    ];
    for py in candidates.into_iter().flatten() {
        let ok = Command::new(&py)
            .args(["-c", &format!("import {module}")])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return Some(py);
        }
    }
    assert!(
        std::env::var("HANDOFF_REQUIRE_SMTP").is_err(),
        "HANDOFF_REQUIRE_SMTP is set but no Python has {module}"
    );
    eprintln!("no Python with {module}: these tests do not run here");
    None
}

impl Receiver {
    fn start(module: &str, role: &[&str]) -> Option<Receiver> {
        let py = python_with(module)?;
        let dir = std::env::temp_dir().join(format!("handoff-http-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut child = Command::new(py)
            .arg(repo.join(".ci/http_receivers.py"))
            .args(["--port", &port.to_string()])
            .arg("--out")
            .arg(&dir)
            .args(role)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready", "the HTTP receiver did not start");
        Some(Receiver { port, dir, child })
    }

    /// An SMS gateway: /form (basic authentication) and /json (a bearer token).
    pub fn gateway() -> Option<Receiver> {
        Receiver::start(
            "json",
            &[
                "gateway",
                "--user",
                GATEWAY_USER,
                "--password",
                GATEWAY_PASSWORD,
                "--token",
                GATEWAY_TOKEN,
            ],
        )
    }

    /// A webhook receiver at /hook that verifies signatures with `secret` (set later).
    pub fn webhook() -> Option<Receiver> {
        Receiver::start("standardwebhooks", &["webhook"])
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// How it answers the next requests (see the script).
    pub fn set_mode(&self, mode: &str) {
        std::fs::write(self.dir.join("mode"), mode).unwrap();
    }

    pub fn set_secret(&self, secret: &str) {
        std::fs::write(self.dir.join("secret"), secret).unwrap();
    }

    /// Forgets what it took (and the mode).
    pub fn clear(&self) {
        for f in ["received.jsonl", "reports.jsonl", "mode"] {
            let _ = std::fs::remove_file(self.dir.join(f));
        }
    }

    fn lines(&self, file: &str) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.dir.join(file))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// The requests taken, in order.
    pub fn received(&self) -> Vec<serde_json::Value> {
        self.lines("received.jsonl")
    }

    /// The delivery reports the gateway posted back, once `n` have been (the gateway posts
    /// each after its answer, from its own thread): waits at most 20 s for them.
    pub async fn reports(&self, n: usize) -> Vec<serde_json::Value> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let got = self.lines("reports.jsonl");
            if got.len() >= n || std::time::Instant::now() > deadline {
                return got;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}
