//! `handoff bench-outbox`: the outbox against a real SMTP server (issue 17, ADR 0019).
//! First a backlog of messages drained as fast as the worker can (messages a second);
//! then a steady rate of new messages for a while, each written as an action writes it,
//! with the worker polling as it does in the server (every second), and the latency from
//! the write to the send (p50, p99). A program, not a test: figures depend on the machine
//! and on the SMTP server.
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Args;
use handoff_app::{App, Settings, demo, outbox};
use handoff_domain::SystemClock;
use handoff_storage::{DbConfig, MessageRow, Stmt, Store};

use crate::bench::pct;

#[derive(Args, Debug)]
pub struct BenchOutboxArgs {
    /// The SMTP server to send through: smtp://USER:PASSWORD@HOST:PORT (STARTTLS).
    #[arg(long, env = "HANDOFF_SMTP_URL", hide_env_values = true)]
    smtp_url: String,
    /// A private CA (PEM) the SMTP server's certificate is signed by.
    #[arg(long)]
    smtp_ca: Option<std::path::PathBuf>,
    /// Messages in the backlog drained first.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    backlog: u32,
    /// New messages a second in the steady phase.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    rate: u32,
    /// How long the steady phase lasts, in seconds.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=3600))]
    seconds: u32,
    /// Database; default: a fresh SQLite file in a temporary folder. A PostgreSQL URL
    /// should name an empty database.
    #[arg(long)]
    database_url: Option<String>,
}

fn err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

fn message(program: uuid::Uuid, n: u64, now: chrono::DateTime<chrono::Utc>) -> MessageRow {
    MessageRow {
        program_id: program,
        dedupe_key: format!("bench:{}:{n}", uuid::Uuid::now_v7()),
        channel: "email".into(),
        recipient_kind: "user".into(),
        recipient_id: None,
        address: format!("oncall{}@bench.handoff.invalid", n % 50),
        subject: format!("Warm handoff waiting: HO-BENCH-{n:05}"),
        body: "A warm handoff is waiting.\nAcknowledge: https://handoff.invalid/referrals/x\n"
            .into(),
        cause_kind: "bench".into(),
        cause_id: None,
        ..MessageRow::queued(now)
    }
}

pub async fn run(args: BenchOutboxArgs) -> Result<()> {
    let tmp = std::env::temp_dir().join(format!(
        "handoff-bench-outbox-{}",
        uuid::Uuid::now_v7().simple()
    ));
    std::fs::create_dir_all(&tmp)?;
    let url = match &args.database_url {
        Some(u) => u.clone(),
        None => format!("sqlite://{}", tmp.join("handoff.db").display()),
    };
    let config: DbConfig = url.parse().map_err(|e: String| anyhow::anyhow!(e))?;
    let (keys, _) = handoff_storage::Keys::load_or_create(&tmp.join("handoff.key")).map_err(err)?;
    let store = Store::open(&config, &keys).await?;
    demo::seed(&store, &Settings::default(), 0)
        .await
        .map_err(err)?;
    let ca = match &args.smtp_ca {
        Some(p) => Some(std::fs::read(p).with_context(|| format!("reading {}", p.display()))?),
        None => None,
    };
    let mail =
        outbox::MailSettings::parse(&args.smtp_url, "Handoff bench <bench@handoff.invalid>", ca)
            .map_err(err)?;
    let settings = Settings {
        mail: Some(mail),
        ..Settings::default()
    };
    let app = App::new(store.clone(), Arc::new(SystemClock), settings)
        .await
        .map_err(err)?;
    let program = {
        let mut tx = store.read().await?;
        let p = tx
            .program_by_name(demo::PROGRAM_NAME)
            .await?
            .context("demo program")?;
        tx.rollback().await?;
        p.id
    };
    // The demo's own pages first, so that what follows is the bench's alone.
    outbox::deliver_due(&app, "bench").await.map_err(err)?;

    // 1. A backlog, drained.
    let now = app.now();
    let rows: Vec<Stmt> = (0..u64::from(args.backlog))
        .map(|n| Stmt::message(&message(program, n, now)))
        .collect();
    for chunk in rows.chunks(1000) {
        let mut tx = store.write().await?;
        tx.run(chunk).await?;
        tx.commit().await?;
    }
    let started = Instant::now();
    let mut sent = 0;
    while sent < args.backlog as usize {
        let n = outbox::deliver_due(&app, "bench").await.map_err(err)?;
        if n == 0 {
            break;
        }
        sent += n;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "backlog: {sent} of {} messages sent in {secs:.1} s: {:.0} messages/s",
        args.backlog,
        sent as f64 / secs
    );

    // 2. A steady rate, the worker polling every second as in the server.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let worker = {
        let (app, stop) = (app.clone(), stop.clone());
        tokio::spawn(async move {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                if let Err(e) = outbox::deliver_due(&app, "bench-worker").await {
                    eprintln!("worker: {e}");
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        })
    };
    let total = u64::from(args.rate) * u64::from(args.seconds);
    let every = Duration::from_secs_f64(1.0 / f64::from(args.rate));
    let mut ids = Vec::with_capacity(total as usize);
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    for n in 0..total {
        tick.tick().await;
        let m = message(program, 1_000_000 + n, app.now());
        ids.push(m.id);
        let mut tx = store.write().await?;
        tx.run(&[Stmt::message(&m)]).await?;
        tx.commit().await?;
    }
    // Let the last ones go.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let mut tx = store.read().await?;
        let queued = tx.outbox(program, 1).await?.1;
        tx.rollback().await?;
        let waiting = queued
            .iter()
            .find(|(s, _)| s == "queued")
            .map_or(0, |(_, n)| *n);
        if waiting == 0 || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = worker.await;
    let mut latencies = Vec::with_capacity(ids.len());
    let mut tx = store.read().await?;
    for id in &ids {
        let m = tx.message(*id).await?;
        if let Some(at) = m.sent_at {
            latencies.push((at - m.created_at).to_std().unwrap_or(Duration::ZERO));
        }
    }
    tx.rollback().await?;
    latencies.sort();
    println!(
        "steady: {} messages a second for {} s: {} of {} sent; latency from the write to the send p50 {:.2} s, p99 {:.2} s, max {:.2} s",
        args.rate,
        args.seconds,
        latencies.len(),
        ids.len(),
        pct(&latencies, 0.50) / 1000.0,
        pct(&latencies, 0.99) / 1000.0,
        latencies.last().map_or(0.0, |d| d.as_secs_f64())
    );
    store.close().await;
    let _ = std::fs::remove_dir_all(&tmp);
    Ok(())
}
