//! A real SMTP server for the outbox's tests: `.ci/smtp_sink.py` (aiosmtpd, STARTTLS and
//! AUTH required), started by the harness with a certificate made for it, and the messages
//! it took read back from its folder. Nothing is mocked inside the process.
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

pub struct SmtpServer {
    pub port: u16,
    pub dir: PathBuf,
    pub ca_pem: Vec<u8>,
    child: Child,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub const USER: &str = "handoff";
pub const PASSWORD: &str = "s3cret pass";

impl SmtpServer {
    pub fn start() -> Option<SmtpServer> {
        let py = crate::receivers::python_with("aiosmtpd")?;
        let dir = std::env::temp_dir().join(format!("handoff-smtp-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(dir.join("out")).unwrap();
        let ok = Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            ])
            .args(["-subj", "/CN=127.0.0.1"])
            .args(["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
            // An end-entity certificate (rustls refuses a CA as one), its own trust anchor.
            .args(["-addext", "basicConstraints=critical,CA:FALSE"])
            .args([
                "-addext",
                "keyUsage=critical,digitalSignature,keyEncipherment",
            ])
            .args(["-addext", "extendedKeyUsage=serverAuth"])
            .arg("-keyout")
            .arg(dir.join("key.pem"))
            .arg("-out")
            .arg(dir.join("cert.pem"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "openssl made no certificate");
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut child = Command::new(py)
            .arg(repo.join(".ci/smtp_sink.py"))
            .args([
                "--port",
                &port.to_string(),
                "--user",
                USER,
                "--password",
                PASSWORD,
            ])
            .arg("--cert")
            .arg(dir.join("cert.pem"))
            .arg("--key")
            .arg(dir.join("key.pem"))
            .arg("--out")
            .arg(dir.join("out"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready", "the SMTP server did not start");
        let ca_pem = std::fs::read(dir.join("cert.pem")).unwrap();
        Some(SmtpServer {
            port,
            dir,
            ca_pem,
            child,
        })
    }

    /// Mail settings for this server (the given password, to test a wrong one).
    pub fn settings(&self, password: &str) -> handoff_app::outbox::MailSettings {
        handoff_app::outbox::MailSettings::parse(
            &format!(
                "smtp://{USER}:{}@127.0.0.1:{}",
                password.replace(' ', "%20"),
                self.port
            ),
            "Handoff <pages@handoff.test>",
            Some(self.ca_pem.clone()),
        )
        .unwrap()
    }

    /// Forgets the messages taken (and the mode).
    pub fn clear(&self) {
        let _ = std::fs::remove_dir_all(self.dir.join("out"));
        std::fs::create_dir_all(self.dir.join("out")).unwrap();
    }

    /// How it answers the next messages: accept, refuse (550) or tempfail (451).
    pub fn set_mode(&self, mode: &str) {
        std::fs::write(self.dir.join("out/mode"), mode).unwrap();
    }

    /// The messages taken so far, in order, as text.
    pub fn received(&self) -> Vec<String> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.join("out"))
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|f| quoted_printable(&std::fs::read(f).unwrap()))
            .collect()
    }
}

/// A message as text with quoted-printable undone (soft line breaks and `=XX` bytes), so
/// a test reads what a mail program shows.
fn quoted_printable(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match (raw[i], raw.get(i + 1), raw.get(i + 2)) {
            (b'=', Some(b'\r'), Some(b'\n')) => i += 3,
            (b'=', Some(b'\n'), _) => i += 2,
            (b'=', Some(a), Some(b)) if a.is_ascii_hexdigit() && b.is_ascii_hexdigit() => {
                let hex = [*a, *b];
                out.push(u8::from_str_radix(std::str::from_utf8(&hex).unwrap(), 16).unwrap());
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).to_string()
}

/// A header's value in a received message.
pub fn header<'a>(message: &'a str, name: &str) -> Option<&'a str> {
    message.lines().find_map(|l| {
        l.split_once(": ")
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    })
}

/// A world whose email goes to `server` (emptied first).
pub async fn mailed(b: crate::support::Backend, server: &SmtpServer) -> crate::support::World {
    server.clear();
    crate::support::world_with(
        b,
        handoff_app::Settings {
            mail: Some(server.settings(PASSWORD)),
            ..Default::default()
        },
    )
    .await
}
