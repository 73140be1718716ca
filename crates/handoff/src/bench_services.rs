//! `handoff bench-services`: the officer's choice of services at scale (issue 15). Imports
//! a generated directory (timed), then, over HTTP through the real handler (session,
//! policy, audit record, template), asks for the services that fit a person's needs while
//! other clients update capacity by API, and prints latency percentiles. A program, not a
//! test: figures depend on the machine.
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use clap::Args;
use handoff_app::{App, Ctx, Settings, admin, auth, demo};
use handoff_domain::{Role, SystemClock};
use handoff_storage::{DbConfig, Store};
use http_body_util::Full;
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use crate::bench::{HttpClient, csrf_of, pct, send, vm_hwm_kib};

#[derive(Args, Debug)]
pub struct BenchServicesArgs {
    /// Services in the generated directory.
    #[arg(long, default_value_t = 5000, value_parser = clap::value_parser!(u32).range(10..=200_000))]
    services: u32,
    /// Requests for the officer's choice page, in all.
    #[arg(long, default_value_t = 400, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    samples: u32,
    /// Officers asking at once.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=64))]
    readers: u32,
    /// Clients updating capacity by API meanwhile, each as fast as it is answered.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(0..=64))]
    updaters: u32,
    /// Database for the server; default: a fresh SQLite file in a temporary folder. A
    /// PostgreSQL URL should name an empty database.
    #[arg(long)]
    database_url: Option<String>,
}

fn err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

pub async fn run(args: BenchServicesArgs) -> Result<()> {
    let tmp = std::env::temp_dir().join(format!(
        "handoff-bench-services-{}",
        uuid::Uuid::now_v7().simple()
    ));
    std::fs::create_dir_all(&tmp)?;
    let url = match &args.database_url {
        Some(u) => u.clone(),
        None => format!("sqlite://{}", tmp.join("handoff.db").display()),
    };
    let config: DbConfig = url.parse().map_err(|e: String| anyhow::anyhow!(e))?;
    let key_file = tmp.join("handoff.key");
    let (keys, _) = handoff_storage::Keys::load_or_create(&key_file).map_err(err)?;
    let store = Store::open(&config, &keys).await?;
    demo::seed(&store, &Settings::default(), 0)
        .await
        .map_err(err)?;
    let app = App::new(store.clone(), Arc::new(SystemClock), Settings::default())
        .await
        .map_err(err)?;
    let (pid, agency, provider) = {
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
            p.id,
            find("Demo County Police Department")?,
            find("Harbor Recovery Center")?,
        )
    };
    // The directory, imported as the command line does.
    let file = handoff_app::demo::directory::generated(args.services as usize, 42, app.now());
    let bytes = serde_json::to_vec(&file)?;
    let t = Instant::now();
    let imported = handoff_app::directory::import::import(
        &app,
        &Ctx::console(),
        pid,
        handoff_app::directory::import::Source::Json(bytes.clone()),
        false,
        true,
        &|_, _| {},
    )
    .await
    .map_err(err)?;
    let import_secs = t.elapsed().as_secs_f64();
    if !imported.applied {
        bail!(
            "the generated directory did not import: {:?}",
            imported.findings.first()
        );
    }
    // An officer without an authenticator (the server runs with --mfa optional), and
    // limits that never refuse the updaters.
    let password = "bench-password-1";
    admin::create_user(
        &app,
        None,
        admin::NewUser {
            username: "bench-officer".into(),
            display_name: "Bench Officer".into(),
            password: password.into(),
        },
        &[(agency, Role::Officer)],
    )
    .await
    .map_err(err)?;
    handoff_app::limits::set(&app, pid, 100_000, 100_000)
        .await
        .map_err(err)?;
    let (token, _) = auth::create_token(&app, "coordinator", "bench", Some(1))
        .await
        .map_err(err)?;
    let capacity_ids: Vec<uuid::Uuid> = {
        let mut tx = store.read().await?;
        let c = tx.capacities(pid).await?;
        tx.rollback().await?;
        c.into_iter().map(|c| c.id).collect()
    };
    store.close().await;

    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0")?;
        l.local_addr()?.port()
    };
    let mut child = tokio::process::Command::new(std::env::current_exe()?)
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            &url,
            "--key-file",
            &key_file.display().to_string(),
            "--mfa",
            "optional",
        ])
        .env("HANDOFF_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .context("starting the server")?;
    let server_pid = child.id().context("server pid")?;
    let base = format!("http://127.0.0.1:{port}");
    let client: HttpClient = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(256)
        .build_http();
    let started = Instant::now();
    while send(
        &client,
        Method::GET,
        &format!("{base}/health/ready"),
        None,
        None,
    )
    .await
    .map(|r| r.status)
    .ok()
        != Some(StatusCode::OK)
    {
        if started.elapsed() > Duration::from_secs(30) {
            bail!("the server did not become ready");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Sign in, record an encounter and the accepted offer, as a phone does.
    let form = serde_urlencoded::to_string([
        ("username", "bench-officer"),
        ("password", password),
        ("next", "/"),
    ])?;
    let r = send(
        &client,
        Method::POST,
        &format!("{base}/sign-in"),
        None,
        Some(form),
    )
    .await?;
    let cookie = r.cookie.context("no session cookie")?;
    let page = send(
        &client,
        Method::GET,
        &format!("{base}/encounters/new"),
        Some(&cookie),
        None,
    )
    .await?;
    let csrf = csrf_of(&page.body).context("no csrf token on the form")?;
    let id = crate::bench::submit(
        &client,
        &base,
        &cookie,
        &csrf,
        &crate::bench::Person {
            key: "bench-services-1".into(),
            incident: "BS-1".into(),
            first: "Bench".into(),
            last: "Services".into(),
            sex: "M",
        },
        &provider.to_string(),
    )
    .await?;
    let path = format!(
        "{base}/encounters/{id}/services?problems=substance_use&language=es&lat=41.88&lon=-87.63"
    );
    let first = send(&client, Method::GET, &path, Some(&cookie), None).await?;
    let html = String::from_utf8_lossy(&first.body);
    let matched: String = html
        .split("services match")
        .next()
        .and_then(|s| s.rsplit('>').next())
        .unwrap_or("?")
        .trim()
        .to_string();

    // Capacity updates meanwhile.
    let stop = Arc::new(AtomicBool::new(false));
    let updates = Arc::new(AtomicU64::new(0));
    let mut updaters = Vec::new();
    for u in 0..args.updaters {
        let (client, base, token, ids, stop, updates) = (
            client.clone(),
            base.clone(),
            token.clone(),
            capacity_ids.clone(),
            stop.clone(),
            updates.clone(),
        );
        updaters.push(tokio::spawn(async move {
            let mut n = u as usize;
            while !stop.load(Ordering::Relaxed) && !ids.is_empty() {
                let id = ids[(n * 7919) % ids.len()];
                n += 1;
                let req = Request::builder()
                    .method(Method::POST)
                    .uri(format!("{base}/api/v1/capacities/{id}"))
                    .header("authorization", format!("Bearer {token}"))
                    .header("content-type", "application/json")
                    .body(Full::new(Bytes::from_static(b"{\"change\":\"confirm\"}")))?;
                let resp = client.request(req).await?;
                if resp.status() != StatusCode::OK {
                    bail!("capacity update: {}", resp.status());
                }
                updates.fetch_add(1, Ordering::Relaxed);
            }
            Ok::<_, anyhow::Error>(())
        }));
    }
    let per = args.samples.div_ceil(args.readers);
    let t0 = Instant::now();
    let mut readers = Vec::new();
    for _ in 0..args.readers {
        let (client, path, cookie) = (client.clone(), path.clone(), cookie.clone());
        readers.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(per as usize);
            for _ in 0..per {
                let t = Instant::now();
                let r = crate::bench::send_with(
                    &client,
                    Method::GET,
                    &path,
                    Some(&cookie),
                    None,
                    &[("accept-encoding", "gzip")],
                )
                .await?;
                lat.push(t.elapsed());
                if r.status != StatusCode::OK {
                    bail!("services page: {}", r.status);
                }
            }
            Ok::<_, anyhow::Error>(lat)
        }));
    }
    let mut lat = Vec::new();
    for r in readers {
        lat.extend(r.await??);
    }
    let elapsed = t0.elapsed();
    stop.store(true, Ordering::Relaxed);
    for u in updaters {
        u.await??;
    }
    lat.sort();
    let hwm = vm_hwm_kib(server_pid);
    let _ = child.kill().await;
    let _ = std::fs::remove_dir_all(&tmp);
    let backend = match config {
        DbConfig::Sqlite { .. } => "SQLite",
        DbConfig::Postgres { .. } => "PostgreSQL",
    };
    println!("handoff bench-services: {backend}");
    println!(
        "HSDS import of {} services ({} KB of JSON): {import_secs:.2} s",
        args.services,
        bytes.len() / 1024
    );
    println!(
        "the choice page for substance use: {matched} services match (the page shows the first 50)"
    );
    println!(
        "{} requests by {} officers at once while {} clients updated capacity ({:.0} updates/s): {:.0} pages/s",
        lat.len(),
        args.readers,
        args.updaters,
        updates.load(Ordering::Relaxed) as f64 / elapsed.as_secs_f64(),
        lat.len() as f64 / elapsed.as_secs_f64()
    );
    println!(
        "choice page latency ms: p50 {:.2}  p90 {:.2}  p99 {:.2}  max {:.2}",
        pct(&lat, 0.5),
        pct(&lat, 0.9),
        pct(&lat, 0.99),
        pct(&lat, 1.0)
    );
    if let Some(k) = hwm {
        println!("server peak resident memory: {:.1} MB", k as f64 / 1024.0);
    }
    Ok(())
}
