//! `handoff bench`: loads a real server over HTTP with concurrent officers, each
//! recording encounters and warm handoffs through the same forms a phone uses, and prints
//! throughput, latency percentiles and the server's peak memory. A program, not a test:
//! figures depend on the machine.
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use clap::Args;
use handoff_app::{App, Settings, admin, auth, demo, totp};
use handoff_domain::{Role, SystemClock};
use handoff_storage::{DbConfig, Store};
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Concurrent officers.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=1000))]
    officers: u32,
    /// Submissions in all (each: an encounter, then the accepted offer with a warm handoff).
    #[arg(long, default_value_t = 6000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    submissions: u32,
    /// Database for the server; default: a fresh SQLite file in a temporary folder. A
    /// PostgreSQL URL should name an empty database.
    #[arg(long)]
    database_url: Option<String>,
    /// Requests per officer page for the page timings.
    #[arg(long, default_value_t = 200)]
    page_samples: u32,
}

pub(crate) type HttpClient = Client<HttpConnector, Full<Bytes>>;

pub(crate) struct Resp {
    pub(crate) status: StatusCode,
    pub(crate) location: Option<String>,
    pub(crate) cookie: Option<String>,
    pub(crate) body: Bytes,
}

pub(crate) async fn send(
    client: &HttpClient,
    method: Method,
    url: &str,
    cookie: Option<&str>,
    form: Option<String>,
) -> Result<Resp> {
    send_with(client, method, url, cookie, form, &[]).await
}

pub(crate) async fn send_with(
    client: &HttpClient,
    method: Method,
    url: &str,
    cookie: Option<&str>,
    form: Option<String>,
    headers: &[(&str, &str)],
) -> Result<Resp> {
    let mut b = Request::builder().method(method).uri(url);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    if let Some(c) = cookie {
        b = b.header("cookie", c);
    }
    let body = match form {
        Some(f) => {
            b = b.header("content-type", "application/x-www-form-urlencoded");
            Full::new(Bytes::from(f))
        }
        None => Full::new(Bytes::new()),
    };
    let resp = client.request(b.body(body)?).await?;
    let status = resp.status();
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let cookie = resp
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_string);
    let body = resp.into_body().collect().await?.to_bytes();
    Ok(Resp {
        status,
        location,
        cookie,
        body,
    })
}

pub(crate) fn csrf_of(html: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(html).ok()?;
    let i = s.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    let j = s[i..].find('"')?;
    Some(s[i..i + j].to_string())
}

pub(crate) fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx].as_secs_f64() * 1000.0
}

pub(crate) fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

pub async fn run(args: BenchArgs) -> Result<()> {
    let tmp = std::env::temp_dir().join(format!("handoff-bench-{}", uuid::Uuid::now_v7().simple()));
    let url = match &args.database_url {
        Some(u) => u.clone(),
        None => format!("sqlite://{}", tmp.join("handoff.db").display()),
    };
    let config: DbConfig = url.parse().map_err(|e: String| anyhow::anyhow!(e))?;
    // Prepare: the demo program (no cases) and one user per virtual officer.
    std::fs::create_dir_all(&tmp)?;
    let key_file = tmp.join("handoff.key");
    let (keys, _) =
        handoff_storage::Keys::load_or_create(&key_file).map_err(|e| anyhow::anyhow!(e))?;
    let store = Store::open(&config, &keys).await?;
    demo::seed(&store, &Settings::default(), 0)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let app = App::new(store.clone(), Arc::new(SystemClock), Settings::default())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let (agency, provider) = {
        let mut tx = store.read().await?;
        let p = tx
            .program_by_name(demo::PROGRAM_NAME)
            .await?
            .context("demo program")?;
        let orgs = tx.orgs(p.id).await?;
        tx.rollback().await?;
        let find = |n: &str| {
            orgs.iter()
                .find(|o| o.name == n)
                .map(|o| o.id)
                .context("demo organization")
        };
        (
            find("Demo County Police Department")?,
            find("Harbor Recovery Center")?,
        )
    };
    let password = "bench-password-1";
    for i in 0..args.officers {
        let name = format!("bench-officer-{i}");
        let exists = {
            let mut tx = store.read().await?;
            let u = tx.user_by_name(&name).await?;
            tx.rollback().await?;
            u.is_some()
        };
        if !exists {
            let user = admin::create_user(
                &app,
                None,
                admin::NewUser {
                    username: name.clone(),
                    display_name: format!("Bench Officer {i}"),
                    password: password.into(),
                },
                &[(agency, Role::Officer)],
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            // Officers sign in with a code as well, as in production.
            auth::enrol_known_secret(&app, user.id, &demo::totp_secret(&name))
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        }
    }
    store.close().await;

    // The server, as its own process, so its memory is measured alone.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0")?;
        l.local_addr()?.port()
    };
    let exe = std::env::current_exe()?;
    let mut child = tokio::process::Command::new(exe)
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            &url,
            "--key-file",
            &key_file.display().to_string(),
        ])
        .env("HANDOFF_LOG", "warn")
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .context("starting the server")?;
    let pid = child.id().context("server pid")?;
    let base = format!("http://127.0.0.1:{port}");
    let client: HttpClient = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(1024)
        .build_http();
    let started = Instant::now();
    loop {
        if let Ok(r) = send(
            &client,
            Method::GET,
            &format!("{base}/health/ready"),
            None,
            None,
        )
        .await
            && r.status == StatusCode::OK
        {
            break;
        }
        if started.elapsed() > Duration::from_secs(30) {
            bail!("the server did not become ready");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Sign every officer in.
    let mut sessions = Vec::new();
    for i in 0..args.officers {
        let form = serde_urlencoded::to_string([
            ("username", format!("bench-officer-{i}")),
            ("password", password.to_string()),
            ("next", "/".into()),
        ])?;
        let r = send(
            &client,
            Method::POST,
            &format!("{base}/sign-in"),
            None,
            Some(form),
        )
        .await?;
        let pending = r.cookie.context("no session cookie")?;
        let page = send(
            &client,
            Method::GET,
            &format!("{base}/sign-in/code"),
            Some(&pending),
            None,
        )
        .await?;
        let csrf = csrf_of(&page.body).context("no csrf token on the code form")?;
        let key = totp::base32_decode(&demo::totp_secret(&format!("bench-officer-{i}")))
            .context("the bench secret")?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_secs() as i64;
        let form = serde_urlencoded::to_string([
            ("csrf", csrf),
            ("code", totp::code(&key, totp::step_at(now), totp::DIGITS)),
            ("next", "/".into()),
        ])?;
        let r = send(
            &client,
            Method::POST,
            &format!("{base}/sign-in/code"),
            Some(&pending),
            Some(form),
        )
        .await?;
        let cookie = r.cookie.context("no session cookie after the code")?;
        let page = send(
            &client,
            Method::GET,
            &format!("{base}/encounters/new"),
            Some(&cookie),
            None,
        )
        .await?;
        let csrf = csrf_of(&page.body).context("no csrf token on the form")?;
        sessions.push((cookie, csrf));
    }

    let per = args.submissions.div_ceil(args.officers);
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for (i, (cookie, csrf)) in sessions.iter().cloned().enumerate() {
        let client = client.clone();
        let base = base.clone();
        let provider = provider.to_string();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(per as usize);
            let mut last = None;
            for n in 0..per {
                let t = Instant::now();
                let id = submit(
                    &client,
                    &base,
                    &cookie,
                    &csrf,
                    &Person {
                        key: format!("bench-{i}-{n}"),
                        incident: format!("B-{i}-{n}"),
                        first: format!("Bench{i}"),
                        last: format!("Person{n}"),
                        sex: "U",
                    },
                    &provider,
                )
                .await?;
                lat.push(t.elapsed());
                last = Some(id);
            }
            Ok::<_, anyhow::Error>((lat, last, cookie))
        }));
    }
    let mut lat = Vec::new();
    let mut sample = None;
    for t in tasks {
        let (l, last, cookie) = t.await??;
        lat.extend(l);
        if sample.is_none() {
            sample = last.map(|id| (id, cookie));
        }
    }
    let elapsed = t0.elapsed();
    lat.sort();
    let done = lat.len();

    // Officer pages: server time as seen from loopback, and size.
    let (id, cookie) = sample.context("no submission")?;
    let mut pages = Vec::new();
    for (name, path) in [
        ("new encounter form", "/encounters/new".to_string()),
        ("encounter page", format!("/encounters/{id}")),
        ("referral slip", format!("/encounters/{id}/slip")),
        ("my encounters", "/encounters".to_string()),
    ] {
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..args.page_samples {
            let t = Instant::now();
            let r = send_with(
                &client,
                Method::GET,
                &format!("{base}{path}"),
                Some(&cookie),
                None,
                &[("accept-encoding", "gzip")],
            )
            .await?;
            times.push(t.elapsed());
            if r.status != StatusCode::OK {
                bail!("{path}: {}", r.status);
            }
            size = r.body.len();
        }
        times.sort();
        pages.push((name, pct(&times, 0.5), pct(&times, 0.99), size));
    }
    let hwm = vm_hwm_kib(pid);
    let _ = child.kill().await;
    let _ = std::fs::remove_dir_all(&tmp);

    let backend = match config {
        DbConfig::Sqlite { .. } => {
            "SQLite (WAL, synchronous=FULL: every commit fsynced; group commit on one writer thread)"
        }
        DbConfig::Postgres { .. } => "PostgreSQL",
    };
    println!("handoff bench: {backend}");
    println!(
        "officers {}, submissions {done} (each: encounter + accepted offer with warm handoff = 2 POSTs, 1 transaction each)",
        args.officers
    );
    println!(
        "elapsed {:.2} s, throughput {:.0} submissions/s",
        elapsed.as_secs_f64(),
        done as f64 / elapsed.as_secs_f64()
    );
    println!(
        "submission latency ms: p50 {:.2}  p90 {:.2}  p99 {:.2}  max {:.2}",
        pct(&lat, 0.5),
        pct(&lat, 0.9),
        pct(&lat, 0.99),
        pct(&lat, 1.0)
    );
    match hwm {
        Some(k) => println!("server peak resident memory: {:.1} MB", k as f64 / 1024.0),
        None => println!("server peak resident memory: unknown"),
    }
    println!(
        "officer pages ({} requests each, one at a time): p50 / p99 ms, size",
        args.page_samples
    );
    for (name, p50, p99, size) in pages {
        println!(
            "  {name:<20} {p50:>6.2} / {p99:>6.2} ms  {:>6.1} KiB transferred (gzip)",
            size as f64 / 1024.0
        );
    }
    Ok(())
}

/// Who a benchmark encounter is about.
pub(crate) struct Person {
    pub(crate) key: String,
    pub(crate) incident: String,
    pub(crate) first: String,
    pub(crate) last: String,
    pub(crate) sex: &'static str,
}

/// Records an eligible encounter and the accepted offer with a warm handoff to
/// `provider`, through the forms a phone uses; the encounter's id.
pub(crate) async fn submit(
    client: &HttpClient,
    base: &str,
    cookie: &str,
    csrf: &str,
    p: &Person,
    provider: &str,
) -> Result<String> {
    let form = serde_urlencoded::to_string([
        ("csrf", csrf.to_string()),
        ("idempotency_key", p.key.clone()),
        ("q", String::new()),
        ("search_dob", String::new()),
        ("participant_id", String::new()),
        ("occurred_at", chrono::Utc::now().to_rfc3339()),
        ("location", "Bench St & 1st Ave".into()),
        ("incident_number", p.incident.clone()),
        ("offenses[0].code", "35A".into()),
        ("offenses[0].drug_activity", "P".into()),
        ("offenses[0].drug_type", "D".into()),
        ("offenses[0].quantity", "0.5".into()),
        ("offenses[0].unit", "GM".into()),
        ("attestations", "no_violent_history".into()),
        ("attestations", "no_open_warrant".into()),
        ("attestations", "no_pending_specialty_court".into()),
        ("attestations", "no_no_contact_order".into()),
        ("person.first_name", p.first.clone()),
        ("person.last_name", p.last.clone()),
        ("person.dob", "1988-03-04".into()),
        ("person.sex", p.sex.into()),
        ("person.race", "U".into()),
        ("person.ethnicity", "U".into()),
        ("person.phone", String::new()),
        ("person.email", String::new()),
    ])?;
    let r = send(
        client,
        Method::POST,
        &format!("{base}/encounters"),
        Some(cookie),
        Some(form),
    )
    .await?;
    if r.status != StatusCode::SEE_OTHER {
        bail!(
            "encounter: {} {}",
            r.status,
            String::from_utf8_lossy(&r.body)
                .chars()
                .take(300)
                .collect::<String>()
        );
    }
    let loc = r.location.context("no location")?;
    let id = loc
        .trim_start_matches("/encounters/")
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    let form = serde_urlencoded::to_string([
        ("csrf", csrf.to_string()),
        ("response", "accepted".into()),
        ("decline_reason", String::new()),
        ("consent_signed_name", format!("{} {}", p.first, p.last)),
        ("consent_confirmed", "yes".into()),
        ("handoff_mode", "warm".into()),
        ("provider_id", provider.to_string()),
        ("hold_kind", "abeyance".into()),
        ("citation_number", String::new()),
        ("court_date", String::new()),
    ])?;
    let r = send(
        client,
        Method::POST,
        &format!("{base}/encounters/{id}/offer"),
        Some(cookie),
        Some(form),
    )
    .await?;
    if r.status != StatusCode::SEE_OTHER {
        bail!(
            "offer: {} {}",
            r.status,
            String::from_utf8_lossy(&r.body)
                .chars()
                .take(300)
                .collect::<String>()
        );
    }
    Ok(id)
}
