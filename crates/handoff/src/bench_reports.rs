//! `handoff bench-reports`: loads a database with a program's years of encounters (one
//! million by default, over three years) and times what coordinators and evaluators run
//! on it: the dashboard in five scenarios (p50 and p95 after warm-ups), the quarterly and
//! equity reports, and the research export (rows per second, CSV and Parquet). A program,
//! not a test: figures depend on the machine, which it names (cores, commit) first.
//! `--reuse FILE` keeps the loaded database (SQLite: the file, its key beside it; with
//! `--database-url`: the key) so a change can be measured again on the same data.
//!
//! The load writes people, encounters, each encounter's fact row (ADR 0011), which is
//! what dashboards, reports and exports read, and a referral for each accepted offer
//! (what the dashboard's referrals by kind of service read); the decision and offer rows
//! behind the facts are not written.
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use clap::Args;
use handoff_app::dashboard::{self, Filter};
use handoff_app::demo::synthetic::Rng;
use handoff_app::{App, Ctx, Settings, admin, auth, research};
use handoff_domain::eligibility::Rules;
use handoff_domain::reports::Quarter;
use handoff_domain::{OrgKind, Role, SystemClock};
use handoff_storage::{DbConfig, EncounterRow, FactRow, ParticipantRow, ReferralRow, Stmt, Store};
use uuid::Uuid;

#[derive(Args, Debug)]
pub struct BenchReportsArgs {
    /// Encounters to generate, spread over three years up to now.
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    encounters: u32,
    /// Timed requests per dashboard scenario (after three warm-ups).
    #[arg(long, default_value_t = 25, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    samples: u32,
    /// A PostgreSQL URL naming an empty database; default: a fresh SQLite file in a
    /// temporary folder.
    #[arg(long)]
    database_url: Option<String>,
    /// Keep the loaded data for later runs, and reuse it when it is there: the SQLite
    /// database file (its key in FILE.key); with --database-url, the key file (the data
    /// stays in that database).
    #[arg(long, value_name = "FILE")]
    reuse: Option<std::path::PathBuf>,
    /// Time only the research exports (a change to them is measured in a minute).
    #[arg(long)]
    exports_only: bool,
}

const PROGRAM: &str = "Bench reports";

/// The kinds of service referrals are made to (taxonomy codes; "" for a referral to a
/// provider made before services were listed).
const SERVICE_TYPES: [&str; 7] = [
    "sud-withdrawal access-walk-in",
    "moud-buprenorphine",
    "sud-residential",
    "sud-outpatient",
    "housing-shelter",
    "recovery-peer",
    "",
];

/// What the timed part needs of the loaded data.
struct Loaded {
    program: Uuid,
    agency: Uuid,
    officer: Uuid,
    people: usize,
    encounters: u64,
    load_secs: Option<f64>,
}

struct Person {
    id: Uuid,
    sex: &'static str,
    race: &'static str,
    ethnicity: &'static str,
    birth_year: i32,
    encounters: i64,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn err(e: handoff_app::AppError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// The commit the working tree is at ("+" when it has changes), if git can tell.
fn commit() -> String {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    match git(&["rev-parse", "--short=12", "HEAD"]) {
        Some(c) => {
            let dirty = git(&["status", "--porcelain", "--untracked-files=no"])
                .is_some_and(|s| !s.is_empty());
            format!("{c}{}", if dirty { "+" } else { "" })
        }
        None => "unknown".into(),
    }
}

pub async fn run(args: BenchReportsArgs) -> Result<()> {
    let mut tmp = None;
    let (config, key_file) = match (&args.database_url, &args.reuse) {
        (Some(url), reuse) => (
            url.parse::<DbConfig>()
                .map_err(|e| anyhow::anyhow!("--database-url: {e}"))?,
            reuse.clone(),
        ),
        (None, Some(file)) => {
            let mut key = file.clone().into_os_string();
            key.push(".key");
            (DbConfig::Sqlite { path: file.clone() }, Some(key.into()))
        }
        (None, None) => {
            let dir =
                std::env::temp_dir().join(format!("handoff-bench-reports-{}", Uuid::now_v7()));
            std::fs::create_dir_all(&dir)?;
            tmp = Some(dir.clone());
            (
                DbConfig::Sqlite {
                    path: dir.join("handoff.db"),
                },
                None,
            )
        }
    };
    let keys = match &key_file {
        Some(path) => {
            handoff_storage::Keys::load_or_create(path)
                .map_err(|e| anyhow::anyhow!("{e}"))?
                .0
        }
        None => handoff_storage::Keys::generate()?,
    };
    let store = Store::open(&config, &keys).await?;
    let app = App::new(store.clone(), Arc::new(SystemClock), Settings::default())
        .await
        .map_err(err)?;
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "bench-reports on {} ({cores} cores), commit {}",
        match &config {
            DbConfig::Sqlite { .. } => "SQLite",
            _ => "PostgreSQL",
        },
        commit()
    );
    let existing = {
        let mut tx = store.read().await?;
        let p = tx.program_by_name(PROGRAM).await?;
        tx.rollback().await?;
        p
    };
    let loaded = match existing {
        Some(p) if args.reuse.is_some() => find(&app, &store, p.id).await?,
        Some(_) => anyhow::bail!(
            "the database already holds a bench program: name an empty one, or pass --reuse"
        ),
        None => load(&app, &store, &args).await?,
    };
    measure(&app, &store, &args, &loaded).await?;
    store.close().await;
    if let Some(dir) = tmp {
        let _ = std::fs::remove_dir_all(dir);
    }
    Ok(())
}

/// The coordinator's context (the timed reads are theirs).
async fn coordinator(store: &Store) -> Result<Ctx> {
    let mut tx = store.read().await?;
    let user = tx
        .user_by_name("coordinator")
        .await?
        .context("the bench coordinator")?;
    let (actor, display_name) = auth::load_actor_with(&mut tx, &user).await.map_err(err)?;
    tx.rollback().await?;
    Ok(Ctx {
        actor,
        display_name,
        ip: "127.0.0.1".into(),
        user_agent: "bench-reports".into(),
    })
}

/// A database loaded by an earlier run.
async fn find(app: &App, store: &Store, program: Uuid) -> Result<Loaded> {
    let data = app.program_data(program).await.map_err(err)?;
    let agency = data
        .orgs
        .iter()
        .find(|o| o.name == "Agency 0")
        .context("the bench agency")?
        .id;
    let mut tx = store.read().await?;
    let officer = tx
        .user_by_name("officer0x0")
        .await?
        .context("the bench officer")?
        .id;
    let encounters = tx.count_encounters(program).await?;
    let people = tx.count_participants(program).await?;
    tx.rollback().await?;
    println!("reusing the loaded data: {encounters} encounters, {people} people");
    Ok(Loaded {
        program,
        agency,
        officer,
        people: usize::try_from(people).unwrap_or(0),
        encounters: u64::try_from(encounters).unwrap_or(0),
        load_secs: None,
    })
}

async fn load(app: &App, store: &Store, args: &BenchReportsArgs) -> Result<Loaded> {
    let program = admin::create_program(
        app,
        admin::NewProgram {
            name: PROGRAM.into(),
            time_zone: "America/Chicago".into(),
            intake_deadline_days: 30,
            supervisor_approves_overrides: false,
            rules: Rules::default(),
        },
    )
    .await
    .map_err(err)?;
    let org = |kind, name: String| admin::NewOrg {
        program_id: program.id,
        kind,
        name,
        address: "1 Main St".into(),
        phone: "555-0100".into(),
        hours: "24/7".into(),
        what_to_bring: String::new(),
    };
    let mut agencies = Vec::new();
    for (i, kind) in [
        OrgKind::LawEnforcement,
        OrgKind::LawEnforcement,
        OrgKind::LawEnforcement,
        OrgKind::LawEnforcement,
        OrgKind::LawEnforcement,
        OrgKind::FireEms,
        OrgKind::FireEms,
        OrgKind::CrisisResponse,
    ]
    .into_iter()
    .enumerate()
    {
        agencies.push((
            admin::create_org(app, org(kind, format!("Agency {i}")))
                .await
                .map_err(err)?,
            kind,
        ));
    }
    let mut providers = Vec::new();
    for i in 0..6 {
        providers.push(
            admin::create_org(app, org(OrgKind::Provider, format!("Provider {i}")))
                .await
                .map_err(err)?
                .id,
        );
    }
    let coordination = admin::create_org(app, org(OrgKind::Coordination, "Office".into()))
        .await
        .map_err(err)?;
    let password = "bench-reports-password-1";
    let mut officers: Vec<(Uuid, usize)> = Vec::new();
    for (a, (o, _)) in agencies.iter().enumerate() {
        for k in 0..5 {
            let u = admin::create_user(
                app,
                None,
                admin::NewUser {
                    username: format!("officer{a}x{k}"),
                    display_name: format!("Officer {a}-{k}"),
                    password: password.into(),
                },
                &[(o.id, Role::Officer)],
            )
            .await
            .map_err(err)?;
            officers.push((u.id, a));
        }
    }
    let coordinator = admin::create_user(
        app,
        None,
        admin::NewUser {
            username: "coordinator".into(),
            display_name: "Coordinator".into(),
            password: password.into(),
        },
        &[(coordination.id, Role::Coordinator)],
    )
    .await
    .map_err(err)?;

    // The load.
    let tz = app.program_data(program.id).await.map_err(err)?.tz;
    let now = Utc::now();
    let span = 3 * 365 * 24 * 60; // minutes
    let mut rng = Rng::seeded(0x5EED_0005);
    let mut people: Vec<Person> = Vec::new();
    let n = args.encounters as usize;
    let started = Instant::now();
    const CHUNK: usize = 2_000;
    let mut made = 0;
    while made < n {
        // By table, so that each merges into multi-row inserts (people first: keys).
        let (mut new_people, mut encounters, mut facts) = (Vec::new(), Vec::new(), Vec::new());
        let mut referrals = Vec::new();
        for _ in 0..CHUNK.min(n - made) {
            let i = made;
            made += 1;
            // Encounters come in time order, a little busier in later years.
            let frac = (i as f64 + rng.below(1000) as f64 / 1000.0) / n as f64;
            let at: DateTime<Utc> = now - Duration::minutes(span - (frac * span as f64) as i64);
            let person = if !people.is_empty() && rng.chance(35) {
                let k = people.len() - 1 - rng.below(people.len().min(50_000) as u64) as usize;
                &mut people[k]
            } else {
                let p = Person {
                    id: Uuid::now_v7(),
                    sex: if rng.chance(62) { "M" } else { "F" },
                    race: ["W", "W", "W", "B", "B", "A", "I", "U"][rng.below(8) as usize],
                    ethnicity: if rng.chance(20) { "H" } else { "N" },
                    birth_year: 1950 + rng.below(55) as i32,
                    encounters: 0,
                };
                new_people.push(Stmt::participant(&ParticipantRow {
                    id: p.id,
                    program_id: program.id,
                    first_name: format!("First{i}"),
                    last_name: format!("Last{i}"),
                    dob: NaiveDate::from_ymd_opt(p.birth_year, 1 + rng.below(12) as u32, 1)
                        .unwrap_or_default(),
                    sex: p.sex.into(),
                    race: p.race.into(),
                    ethnicity: p.ethnicity.into(),
                    phone: None,
                    email: None,
                    match_key: format!("bench|{i}"),
                    search_name: format!("last{i} first{i}"),
                    created_at: at,
                    created_by: coordinator.id,
                    erased_at: None,
                }));
                people.push(p);
                people.last_mut().context("a person")?
            };
            let (officer, a) = officers[rng.below(officers.len() as u64) as usize];
            let (agency, kind) = (&agencies[a].0, agencies[a].1);
            let pathway = match kind {
                OrgKind::LawEnforcement if rng.chance(70) => "officer_intervention",
                OrgKind::LawEnforcement => "officer_referral",
                OrgKind::FireEms if rng.chance(60) => "naloxone_plus",
                OrgKind::FireEms => "self_referral",
                _ if rng.chance(50) => "community_response",
                _ => "active_outreach",
            };
            let day = at.with_timezone(&tz).date_naive();
            let age = i64::from(chrono::Datelike::year(&day) - person.birth_year);
            let enc = EncounterRow {
                id: Uuid::now_v7(),
                program_id: program.id,
                reference: format!("HO-B{i:08}"),
                pathway: pathway.into(),
                agency_id: agency.id,
                officer_id: officer,
                participant_id: person.id,
                occurred_at: at,
                location: "Bench St".into(),
                incident_number: String::new(),
                age_at_encounter: age,
                sex: person.sex.into(),
                race: person.race.into(),
                ethnicity: person.ethnicity.into(),
                created_at: at,
            };
            let eligible = rng.chance(80);
            let offered = eligible && rng.chance(90);
            let accepted = offered && rng.chance(75);
            let warm = accepted && rng.chance(60);
            let handed = accepted && rng.chance(80);
            let contact = handed.then(|| {
                if warm {
                    10 + rng.below(50) as i64
                } else {
                    60 + rng.below(5 * 24 * 60) as i64
                }
            });
            let intake = (handed && rng.chance(75)).then(|| 60 + rng.below(25 * 24 * 60) as i64);
            let engaged = intake
                .filter(|_| rng.chance(80))
                .map(|m| m + 24 * 60 + rng.below(20 * 24 * 60) as i64);
            let exit = engaged
                .filter(|_| rng.chance(40))
                .map(|m| m + 30 * 24 * 60 + rng.below(60 * 24 * 60) as i64);
            let hold = accepted && pathway == "officer_intervention";
            let deadline = hold.then(|| at + Duration::days(30));
            encounters.push(Stmt::encounter(&enc));
            let provider = accepted.then(|| providers[rng.below(providers.len() as u64) as usize]);
            if let Some(to) = provider {
                // A referral for each accepted offer: a kind of service, and where it got to
                // (served, taken, declined for want of capacity, or waiting).
                let served = intake.is_some();
                let declined = !handed && rng.chance(40);
                let (status, business) = match (served, handed, declined) {
                    (true, _, _) if exit.is_some() => ("completed", "exited"),
                    (true, _, _) => ("in-progress", "intake_completed"),
                    (false, true, _) => ("accepted", "accepted"),
                    (false, false, true) => ("rejected", "closed"),
                    (false, false, false) => ("requested", "awaiting_response"),
                };
                referrals.push(Stmt::referral(&ReferralRow {
                    id: Uuid::now_v7(),
                    encounter_id: enc.id,
                    program_id: program.id,
                    participant_id: person.id,
                    from_org_id: agency.id,
                    to_org_id: to,
                    mode: if warm { "warm" } else { "contact_card" }.into(),
                    status: status.into(),
                    business_status: business.into(),
                    status_reason: None,
                    assigned_to: None,
                    requested_at: at + Duration::minutes(5),
                    contact_deadline: None,
                    arrived_at: None,
                    first_contact_at: contact.map(|m| at + Duration::minutes(m)),
                    intake_at: intake.map(|m| at + Duration::minutes(m)),
                    engaged_at: engaged.map(|m| at + Duration::minutes(m)),
                    exit_kind: exit.map(|_| "completed".to_string()),
                    exit_at: exit.map(|m| at + Duration::minutes(m)),
                    updated_at: at,
                    service_id: None,
                    service_types: SERVICE_TYPES[rng.below(SERVICE_TYPES.len() as u64) as usize]
                        .into(),
                    counts_for_hold: true,
                    status_reason_code: declined.then(|| "no_capacity".to_string()),
                    release_id: None,
                    acknowledged_at: None,
                    acknowledged_by: None,
                }));
            }
            facts.push(Stmt::case_fact(&FactRow {
                encounter_id: enc.id,
                program_id: program.id,
                occurred_at: at,
                day,
                month: day.format("%Y-%m").to_string(),
                pathway: pathway.into(),
                agency_id: agency.id,
                agency_kind: kind.as_str().into(),
                officer_id: officer,
                provider_id: provider,
                participant_id: person.id,
                sex: person.sex.into(),
                race: person.race.into(),
                ethnicity: person.ethnicity.into(),
                age,
                prior_encounters: person.encounters,
                eligible,
                offered,
                accepted,
                referred: accepted,
                screened: intake.is_some() && rng.chance(60),
                handed_off: handed,
                warm_minutes: if warm { contact } else { None },
                contact_minutes: contact,
                intake_minutes: intake,
                engaged_minutes: engaged,
                engaged_at: engaged.map(|m| at + Duration::minutes(m)),
                exit_kind: exit.map(|_| "completed".to_string()),
                exit_minutes: exit,
                deadline_ends_at: deadline,
                deadline_met: deadline.and(intake).map(|m| m < 30 * 24 * 60),
                updated_at: at,
            }));
            person.encounters += 1;
        }
        new_people.append(&mut encounters);
        new_people.append(&mut facts);
        new_people.append(&mut referrals);
        let merged = Stmt::merge_inserts(new_people, 2_000);
        let mut tx = store.write().await?;
        tx.run(&merged).await?;
        tx.commit().await?;
        if made % 100_000 < CHUNK || made == n {
            eprint!(
                "\rloaded {made} of {n} encounters ({} people) in {:.0} s",
                people.len(),
                started.elapsed().as_secs_f64()
            );
        }
    }
    eprintln!();
    Ok(Loaded {
        program: program.id,
        agency: agencies[0].0.id,
        officer: officers[0].0,
        people: people.len(),
        encounters: n as u64,
        load_secs: Some(started.elapsed().as_secs_f64()),
    })
}

async fn measure(app: &App, store: &Store, args: &BenchReportsArgs, l: &Loaded) -> Result<()> {
    let ctx = coordinator(store).await?;
    // The planner's statistics and the tables' visibility as a running server's
    // autovacuum keeps them (a fresh load has none: PostgreSQL would plan for an empty
    // table, and its first reads would set every row's hint bits).
    store.analyze().await?;
    let tz = app.program_data(l.program).await.map_err(err)?.tz;
    let now = Utc::now();
    // The worker's rollups (ADR 0011), as a running server keeps them: a first pass builds
    // what is dirty (every day after a load), and one runs before each scenario as the
    // worker does every minute.
    let t = Instant::now();
    let built = handoff_app::facts::roll_up(app).await.map_err(err)?;
    let rollup_secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let again = handoff_app::facts::roll_up(app).await.map_err(err)?;
    let again_secs = t.elapsed().as_secs_f64();
    // And of the rollups just built.
    store.analyze().await?;
    println!(
        "{} encounters ({} people) over three years{}",
        l.encounters,
        l.people,
        match l.load_secs {
            Some(s) => format!("; loaded in {s:.0} s"),
            None => String::new(),
        }
    );
    println!(
        "rollups: {built} days built in {rollup_secs:.1} s; a worker pass after it: {again} days in {:.0} ms",
        again_secs * 1000.0
    );
    if !args.exports_only {
        dashboards(app, &ctx, args, l, now.with_timezone(&tz).date_naive()).await?;
    }
    for format in ["csv", "parquet"] {
        let spec =
            research::Spec::parse("Bench", "encounters", format, "month", "", "").map_err(err)?;
        let mut secs = Vec::new();
        let mut rows = 0;
        for i in 0..EXPORT_RUNS + 1 {
            let t = Instant::now();
            let w = research::export_to(
                app,
                &Ctx::console(),
                l.program,
                &spec,
                std::io::sink(),
                &mut |_, _| {},
            )
            .await
            .map_err(err)?;
            // The first is a warm-up.
            if i > 0 {
                secs.push(t.elapsed().as_secs_f64());
            }
            rows = w.rows;
        }
        let runs: Vec<String> = secs.iter().map(|s| format!("{s:.2} s")).collect();
        secs.sort_by(|a, b| a.total_cmp(b));
        let median = percentile(&secs, 50.0);
        println!(
            "research export, {format}: {rows} rows in {} (after a warm-up): median {:.0} rows/s",
            runs.join(", "),
            rows as f64 / median.max(1e-9)
        );
    }
    Ok(())
}

/// Exports timed after a warm-up: the median is printed.
const EXPORT_RUNS: usize = 3;

/// The dashboards in five scenarios, and the quarterly and equity reports.
async fn dashboards(
    app: &App,
    ctx: &Ctx,
    args: &BenchReportsArgs,
    l: &Loaded,
    today: NaiveDate,
) -> Result<()> {
    let quarter = Quarter::containing(today).previous();
    let three_years = today - Duration::days(3 * 365);
    let month_start = chrono::Datelike::with_day(&today, 1).unwrap_or(today);
    let scenarios: Vec<(&str, NaiveDate, NaiveDate, Filter)> = vec![
        (
            "whole program, three years",
            three_years,
            today,
            Filter::default(),
        ),
        (
            "whole program, last 90 days",
            today - Duration::days(89),
            today,
            Filter::default(),
        ),
        (
            "one agency, one quarter",
            quarter.first_day(),
            quarter.last_day(),
            Filter {
                agency_id: Some(l.agency),
                ..Filter::default()
            },
        ),
        (
            "one officer, this month",
            month_start,
            today,
            Filter {
                officer_id: Some(l.officer),
                ..Filter::default()
            },
        ),
        (
            "one pathway, one year",
            today - Duration::days(364),
            today,
            Filter {
                pathway: Some(handoff_domain::Pathway::NaloxonePlus),
                ..Filter::default()
            },
        ),
    ];
    let reports: Vec<(&str, ReportRun)> = vec![
        ("quarterly report, last quarter", ReportRun::Quarterly("")),
        (
            "equity report, one year",
            ReportRun::Equity(today - Duration::days(364), today),
        ),
    ];
    // Timed twice: with every rollup current (the worker's pass just before each
    // scenario), then with five days waiting for its next pass, as a coordinator may find
    // them (the worker runs every minute): today and yesterday (changed by actions), and
    // the days 30, 60 and 90 days back (whose counts change as time passes).
    for behind in [false, true] {
        if behind {
            let mut tx = app.store.write().await?;
            for back in [0, 1, 30, 60, 90] {
                tx.mark_fact_day_dirty(l.program, today - Duration::days(back))
                    .await?;
            }
            tx.commit().await?;
            println!("with five days waiting for the worker's next pass:");
        }
        time_views(app, ctx, args, &scenarios, &reports, !behind).await?;
    }
    handoff_app::facts::roll_up(app).await.map_err(err)?;
    Ok(())
}

/// Times the dashboard scenarios and the reports (rolling up before each scenario when
/// `roll`).
async fn time_views(
    app: &App,
    ctx: &Ctx,
    args: &BenchReportsArgs,
    scenarios: &[(&str, NaiveDate, NaiveDate, Filter)],
    reports: &[(&str, ReportRun<'_>)],
    roll: bool,
) -> Result<()> {
    let mut p95s = Vec::new();
    for &(name, from, to, filter) in scenarios {
        if roll {
            handoff_app::facts::roll_up(app).await.map_err(err)?;
        }
        let mut times = Vec::new();
        let mut encounters = 0;
        for i in 0..args.samples + WARM_UPS {
            let t = Instant::now();
            let v = dashboard::dashboard(app, ctx, Some(from), Some(to), filter)
                .await
                .map_err(err)?;
            if i >= WARM_UPS {
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            encounters = v.dashboard.encounters;
        }
        times.sort_by(|a, b| a.total_cmp(b));
        println!(
            "dashboard, {name} ({encounters} encounters): p50 {:.1} ms, p95 {:.1} ms ({} samples)",
            percentile(&times, 50.0),
            percentile(&times, 95.0),
            times.len()
        );
        p95s.push(percentile(&times, 95.0));
    }
    if let [three_years, ninety_days, ..] = p95s[..] {
        println!(
            "three years / 90 days (p95): {:.1}x",
            three_years / ninety_days.max(1e-9)
        );
    }
    for &(name, which) in reports {
        let mut times = Vec::new();
        for i in 0..args.samples + WARM_UPS {
            let t = Instant::now();
            match which {
                ReportRun::Quarterly(q) => {
                    handoff_app::reports::quarterly(app, ctx, q)
                        .await
                        .map_err(err)?;
                }
                ReportRun::Equity(from, to) => {
                    handoff_app::reports::equity(app, ctx, from, to)
                        .await
                        .map_err(err)?;
                }
            }
            if i >= WARM_UPS {
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
        }
        times.sort_by(|a, b| a.total_cmp(b));
        println!(
            "{name}: p50 {:.1} ms, p95 {:.1} ms ({} samples)",
            percentile(&times, 50.0),
            percentile(&times, 95.0),
            times.len()
        );
    }
    Ok(())
}

const WARM_UPS: u32 = 3;

#[derive(Clone, Copy)]
enum ReportRun<'a> {
    Quarterly(&'a str),
    Equity(NaiveDate, NaiveDate),
}
