//! `handoff`: the server, the demo, user and token administration, and the benchmark.
#![forbid(unsafe_code)]

mod bench;
mod bench_reports;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use handoff_app::{App, Settings, admin, auth, demo, worker};
use handoff_domain::{Role, SystemClock};
use handoff_storage::{DbConfig, Keys, Store};

#[derive(Parser)]
#[command(
    name = "handoff",
    version,
    about = "Handoff: first responder diversion programs (Officer Intervention and more)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (web pages, JSON API and the background worker).
    Serve(ServeArgs),
    /// Run the server with a demo program and a few months of synthetic cases.
    Demo(DemoArgs),
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Check the audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Manage the server's keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Reference codes (NIBRS offenses, drug activity, drug type, units).
    #[command(subcommand)]
    Codes(CodesCommand),
    /// Write an encrypted backup: of the SQLite database (a consistent copy taken while
    /// the server runs), or of whatever comes on standard input (`pg_dump ... |`).
    Backup {
        /// The backup file to write (it must not exist).
        #[arg(long)]
        output: PathBuf,
        /// Encrypt standard input instead of the SQLite database.
        #[arg(long)]
        stdin: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Decrypt a backup made by `handoff backup` (with the same key file) into a file:
    /// for SQLite, a handoff.db to put in a data folder.
    Restore {
        #[arg(long)]
        input: PathBuf,
        /// The file to write (it must not exist).
        #[arg(long)]
        output: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Load the server over HTTP with concurrent officers and print figures.
    Bench(bench::BenchArgs),
    /// Load a program's three years of encounters and time dashboards and exports.
    BenchReports(bench_reports::BenchReportsArgs),
    /// Published reports, for scheduled use.
    #[command(subcommand)]
    Report(ReportCommand),
    /// The fact rows reports count from.
    #[command(subcommand)]
    Facts(FactsCommand),
    /// Data exports, for scheduled use.
    #[command(subcommand)]
    Export(ExportCommand),
}

#[derive(Subcommand)]
enum ExportCommand {
    /// A de-identified research dataset (42 CFR 2.53): one row per encounter, keyed
    /// pseudonyms per recipient, dates reduced to the month or shifted; with its data
    /// dictionary written beside it (FILE.dictionary.md).
    Research {
        #[arg(long)]
        program: Option<String>,
        /// Who receives it (an evaluator or study): pseudonyms differ per recipient.
        #[arg(long)]
        recipient: String,
        /// csv or parquet.
        #[arg(long)]
        format: String,
        /// month (YYYY-MM) or shift (days shifted per person).
        #[arg(long, default_value = "month")]
        dates: String,
        /// First encounter day (default: the first).
        #[arg(long, default_value = "")]
        from: String,
        /// Last encounter day (default: the last).
        #[arg(long, default_value = "")]
        to: String,
        /// The file to write (it must not exist).
        #[arg(long)]
        output: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum ReportCommand {
    /// The quarterly performance report (Illinois deflection and grant measures), with
    /// small numbers suppressed at the program's threshold.
    Quarterly {
        /// The program's name (may be left out when the database holds one program).
        #[arg(long)]
        program: Option<String>,
        /// The quarter, like 2026Q3 (default: the last full quarter).
        #[arg(long, default_value = "")]
        quarter: String,
        #[arg(long, value_enum, default_value_t = ReportFormat::Csv)]
        format: ReportFormat,
        /// Where to write it (default: standard output).
        #[arg(long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum ReportFormat {
    Csv,
    Json,
}

#[derive(Subcommand)]
enum FactsCommand {
    /// Recompute every encounter's fact row from the source rows and say how many
    /// differed (none, unless something went wrong).
    Rebuild {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum CodesCommand {
    /// Import an updated code file (the format of data/nibrs-codes.csv) as a new version:
    /// codes it drops or retires stay readable in old records and can no longer be chosen.
    Import {
        #[arg(long)]
        file: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Replace the data encryption key and re-encrypt every encrypted field with the new
    /// one. Stop the servers first; they need the new key file after.
    Rotate {
        #[command(flatten)]
        db: DbArgs,
    },
}

/// Where the data lives.
#[derive(Args, Clone, Debug)]
pub struct DbArgs {
    /// Folder for the embedded SQLite database (created if missing).
    #[arg(
        long,
        default_value = "./handoff-data",
        conflicts_with = "database_url"
    )]
    data: PathBuf,
    /// A database URL instead: postgres://... (or sqlite://PATH).
    #[arg(long, env = "HANDOFF_DATABASE_URL")]
    database_url: Option<String>,
    /// The server's key file (created on first start if missing; default: handoff.key in
    /// the data folder). Keep it apart from database backups. Several servers over one
    /// database must share it. HANDOFF_KEYS may hold its contents instead.
    #[arg(long, env = "HANDOFF_KEY_FILE")]
    key_file: Option<PathBuf>,
}

impl DbArgs {
    /// The server keys: from HANDOFF_KEYS, else the key file (created if missing).
    pub fn keys(&self) -> Result<Keys> {
        if let Ok(text) = std::env::var("HANDOFF_KEYS") {
            return Keys::parse(&text).map_err(|e| anyhow::anyhow!("HANDOFF_KEYS: {e}"));
        }
        let path = self
            .key_file
            .clone()
            .unwrap_or_else(|| self.data.join("handoff.key"));
        let (keys, created) = Keys::load_or_create(&path).map_err(|e| anyhow::anyhow!(e))?;
        if created {
            eprintln!(
                "Created a new key file at {}: keep it secret and back it up apart from the database.",
                path.display()
            );
        }
        Ok(keys)
    }

    /// The key file's path (an error when the keys come from HANDOFF_KEYS).
    pub fn key_path(&self) -> Result<PathBuf> {
        if std::env::var("HANDOFF_KEYS").is_ok() {
            bail!("the keys come from HANDOFF_KEYS: rotate them in a key file (--key-file)");
        }
        Ok(self
            .key_file
            .clone()
            .unwrap_or_else(|| self.data.join("handoff.key")))
    }

    pub async fn open_store(&self) -> Result<Store> {
        let config = self.config()?;
        let keys = self.keys()?;
        Store::open(&config, &keys)
            .await
            .with_context(|| format!("opening the database ({})", describe(&config)))
    }

    pub fn config(&self) -> Result<DbConfig> {
        match &self.database_url {
            Some(url) => url
                .parse::<DbConfig>()
                .map_err(|e| anyhow::anyhow!("--database-url: {e}")),
            None => Ok(DbConfig::Sqlite {
                path: self.data.join("handoff.db"),
            }),
        }
    }
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Whether every account needs an authenticator code after its password ("required",
    /// as CJIS asks) or only accounts that set one up ("optional").
    #[arg(long, env = "HANDOFF_MFA", default_value = "required", value_parser = ["required", "optional"])]
    mfa: String,
    /// Serve HTTPS with this certificate chain (PEM, leaf first); needs --tls-key.
    #[arg(long, env = "HANDOFF_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The certificate's private key (PEM).
    #[arg(long, env = "HANDOFF_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// A proxy in front serves HTTPS: cookies get Secure and the __Host- prefix, and
    /// responses carry Strict-Transport-Security (implied by --tls-cert).
    #[arg(long, env = "HANDOFF_BEHIND_HTTPS_PROXY")]
    behind_https_proxy: bool,
    /// A proxy (address or network, e.g. 10.0.0.5 or 10.0.0.0/8) whose X-Forwarded-For
    /// header names the client: sign-in throttling and the audit trail then use the
    /// client's address (recorded with the proxy's). Repeat it, or separate with commas.
    #[arg(
        long = "trusted-proxy",
        env = "HANDOFF_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    trusted_proxies: Vec<String>,
    #[command(flatten)]
    db: DbArgs,
}

#[derive(Args)]
struct DemoArgs {
    #[command(flatten)]
    serve: ServeArgs,
    /// How many synthetic encounters to create the first time.
    #[arg(long, default_value_t = 160, value_parser = clap::value_parser!(u32).range(0..=5000))]
    cases: u32,
    /// Prepare the demo database and exit without serving (for scripts).
    #[arg(long)]
    prepare_only: bool,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user with one role at one organization.
    Add {
        #[arg(long)]
        username: String,
        /// Full name, as shown to others.
        #[arg(long)]
        name: String,
        /// Initial password (or the HANDOFF_PASSWORD environment variable).
        #[arg(long, env = "HANDOFF_PASSWORD", hide_env_values = true)]
        password: String,
        /// The organization's exact name.
        #[arg(long)]
        org: String,
        /// officer, supervisor, case_manager, prosecutor, coordinator or administrator.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// The program's name (may be left out when the database holds one program).
        #[arg(long)]
        program: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Unlock an account locked after failed sign-ins, or re-enable one disabled after
    /// 90 days unused.
    Unlock {
        #[arg(long)]
        username: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Clear a user's authenticator (a lost phone) and end their sessions: they set up a
    /// new one at their next sign-in.
    ResetMfa {
        #[arg(long)]
        username: String,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the whole hash chain of the audit trail; names the first record that was
    /// changed, removed or reordered and exits with status 1.
    Verify {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Remove audit records older than the retention period from the start of the chain
    /// (the chain still verifies from a sealed checkpoint). Run it daily, e.g. from cron.
    Prune {
        /// Keep this many days (at least 365; six years by default, as HIPAA keeps
        /// documentation).
        #[arg(long, default_value_t = 2190)]
        retention_days: i64,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token for a user and print it (it is shown once).
    Create {
        #[arg(long)]
        user: String,
        /// Days until it expires (1-366).
        #[arg(long, default_value_t = 90)]
        days: i64,
        #[arg(long, default_value = "api")]
        label: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Revoke a token by its id.
    Revoke {
        #[arg(long)]
        id: uuid::Uuid,
        #[command(flatten)]
        db: DbArgs,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| {
        format!(
            "unknown role {s:?}; use one of: {}",
            Role::ALL
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

#[tokio::main]
async fn main() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("HANDOFF_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .init();
    if let Err(e) = run(Cli::parse()).await {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

async fn user_named(app: &App, username: &str) -> Result<handoff_storage::UserRow> {
    let mut tx = app.store.read().await?;
    let u = tx.user_by_name(&auth::normalize_username(username)).await?;
    tx.rollback().await?;
    u.with_context(|| format!("no user named {username:?}"))
}

async fn open(db: &DbArgs) -> Result<App> {
    open_with(db, Settings::default()).await
}

async fn open_with(db: &DbArgs, settings: Settings) -> Result<App> {
    let store = db.open_store().await?;
    App::new(store, Arc::new(SystemClock), settings)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}

impl ServeArgs {
    fn settings(&self) -> Settings {
        Settings {
            mfa_required: self.mfa == "required",
            ..Settings::default()
        }
    }
}

fn describe(c: &DbConfig) -> String {
    match c {
        DbConfig::Sqlite { path } => format!("SQLite at {}", path.display()),
        DbConfig::Postgres { url } => {
            // Never print a password.
            let shown = match (url.find("://"), url.rfind('@')) {
                (Some(s), Some(at)) if at > s => format!("{}://…@{}", &url[..s], &url[at + 1..]),
                _ => url.clone(),
            };
            format!("PostgreSQL {shown}")
        }
    }
}

async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Serve(args) => {
            let app = open_with(&args.db, args.settings()).await?;
            serve(app, &args, None).await
        }
        Command::Demo(args) => {
            let config = args.serve.db.config()?;
            let store = args.serve.db.open_store().await?;
            eprintln!("Preparing the demo program in {} …", describe(&config));
            let info = demo::seed(&store, &Settings::default(), args.cases as usize)
                .await
                .map_err(|e| anyhow::anyhow!("demo data: {e}"))?;
            if info.created {
                eprintln!("Created {} synthetic encounters.", info.encounters);
            } else {
                eprintln!("The demo program exists already; keeping its data.");
            }
            if args.prepare_only {
                store.close().await;
                return Ok(());
            }
            let app = App::new(store, Arc::new(SystemClock), args.serve.settings())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let mut banner = String::from("\nDemo sign-in (every password is \"");
            banner.push_str(demo::PASSWORD);
            banner.push_str(
                "\"; then a code from an authenticator app holding the user's TOTP key below,\n\
                 or from `oathtool --totp -b KEY`):\n",
            );
            for (user, name, role, _) in demo::USERS {
                banner.push_str(&format!(
                    "  {user:<13} {:<26} {name:<22} {}\n",
                    role.label(),
                    demo::totp_secret(user)
                ));
            }
            serve(app, &args.serve, Some(banner)).await
        }
        Command::User(UserCommand::Add {
            username,
            name,
            password,
            org,
            role,
            program,
            db,
        }) => {
            let app = open(&db).await?;
            let (program_id, org_id) = find_org(&app, program.as_deref(), &org).await?;
            let _ = program_id;
            let u = admin::create_user(
                &app,
                None,
                admin::NewUser {
                    username,
                    display_name: name,
                    password,
                },
                &[(org_id, role)],
            )
            .await
            .map_err(|e| anyhow::anyhow!("{}", explain(e)))?;
            println!(
                "Created user {} ({}) as {} at {org}.",
                u.username,
                u.id,
                role.label()
            );
            Ok(())
        }
        Command::User(UserCommand::Unlock { username, db }) => {
            let app = open(&db).await?;
            let user = user_named(&app, &username).await?;
            admin::unlock_user(&app, None, user.id)
                .await
                .map_err(|e| anyhow::anyhow!("{}", explain(e)))?;
            println!("Unlocked {}.", user.username);
            Ok(())
        }
        Command::User(UserCommand::ResetMfa { username, db }) => {
            let app = open(&db).await?;
            let user = user_named(&app, &username).await?;
            admin::reset_mfa(&app, None, user.id)
                .await
                .map_err(|e| anyhow::anyhow!("{}", explain(e)))?;
            println!(
                "Reset the authenticator of {}: they set up a new one at their next sign-in.",
                user.username
            );
            Ok(())
        }
        Command::Token(TokenCommand::Create {
            user,
            days,
            label,
            db,
        }) => {
            let app = open(&db).await?;
            let (token, row) = auth::create_token(&app, &user, &label, Some(days))
                .await
                .map_err(|e| anyhow::anyhow!("{}", explain(e)))?;
            println!("{token}");
            eprintln!(
                "Token {} for {user}, expires {}. Send it as: Authorization: Bearer <token>",
                row.id,
                row.expires_at.format("%Y-%m-%d")
            );
            Ok(())
        }
        Command::Token(TokenCommand::Revoke { id, db }) => {
            let app = open(&db).await?;
            auth::revoke_token(&app, id)
                .await
                .map_err(|e| anyhow::anyhow!("{}", explain(e)))?;
            println!("Revoked token {id}.");
            Ok(())
        }
        Command::Audit(AuditCommand::Verify { db }) => {
            let store = db.open_store().await?;
            let report = store.verify_audit().await?;
            store.close().await;
            match report.broken {
                None => {
                    println!("audit trail intact: {} records", report.records);
                    if let Some(h) = report.head {
                        println!("last record #{}, seal {}", h.seq, h.hash);
                    }
                    Ok(())
                }
                Some(b) => {
                    println!(
                        "audit trail BROKEN after {} intact records: {b}",
                        report.records
                    );
                    std::process::exit(1);
                }
            }
        }
        Command::Audit(AuditCommand::Prune { retention_days, db }) => {
            let app = open(&db).await?;
            let removed = handoff_app::trail::prune(&app, retention_days)
                .await
                .map_err(|e| anyhow::anyhow!("{}", explain(e)))?;
            app.store.close().await;
            println!("removed {removed} audit records older than {retention_days} days");
            Ok(())
        }
        Command::Report(ReportCommand::Quarterly {
            program,
            quarter,
            format,
            output,
            db,
        }) => {
            if let Some(o) = &output
                && o.exists()
            {
                bail!("{} exists already; choose another file", o.display());
            }
            let app = open(&db).await?;
            let pid = find_program(&app, program.as_deref()).await?;
            let report = handoff_app::reports::quarterly_console(&app, pid, &quarter)
                .await
                .map_err(|e| anyhow::anyhow!("{}", explain(e)))?;
            app.store.close().await;
            let bytes = match format {
                ReportFormat::Csv => handoff_app::reports::report_csv(&report)
                    .map_err(|e| anyhow::anyhow!("{}", explain(e)))?,
                ReportFormat::Json => serde_json::to_vec_pretty(&report)?,
            };
            match output {
                Some(o) => {
                    std::fs::write(&o, &bytes)
                        .with_context(|| format!("cannot write {}", o.display()))?;
                    eprintln!(
                        "Wrote {} ({}) to {}.",
                        report.title,
                        report.program,
                        o.display()
                    );
                }
                None => {
                    use std::io::Write;
                    std::io::stdout().write_all(&bytes)?;
                }
            }
            Ok(())
        }
        Command::Export(ExportCommand::Research {
            program,
            recipient,
            format,
            dates,
            from,
            to,
            output,
            db,
        }) => {
            let spec = handoff_app::research::Spec::parse(&recipient, &format, &dates, &from, &to)
                .map_err(|e| anyhow::anyhow!("{}", explain(e)))?;
            let dictionary_path =
                output.with_extension(format!("{}.dictionary.md", spec.format.extension()));
            for p in [&output, &dictionary_path] {
                if p.exists() {
                    bail!("{} exists already; choose another file", p.display());
                }
            }
            let app = open(&db).await?;
            let pid = find_program(&app, program.as_deref()).await?;
            let file = std::fs::File::create_new(&output)
                .with_context(|| format!("cannot create {}", output.display()))?;
            let started = std::time::Instant::now();
            let mut shown = std::time::Instant::now();
            let mut progress = |done: u64, total: u64| {
                // A progress line on standard error, at most a few times a second.
                if shown.elapsed().as_millis() >= 250 || done == total {
                    shown = std::time::Instant::now();
                    let pct = (done * 100).checked_div(total).unwrap_or(100);
                    let bar = "#".repeat((pct / 5) as usize);
                    eprint!("\r[{bar:<20}] {done} of {total} rows ({pct}%)");
                }
            };
            let written = handoff_app::research::export_to(
                &app,
                &handoff_app::Ctx::console(),
                pid,
                &spec,
                std::io::BufWriter::new(file),
                &mut progress,
            )
            .await;
            eprintln!();
            app.store.close().await;
            let written = match written {
                Ok(w) => w,
                Err(e) => {
                    let _ = std::fs::remove_file(&output);
                    bail!("{}", explain(e));
                }
            };
            std::fs::write(&dictionary_path, &written.dictionary)
                .with_context(|| format!("cannot write {}", dictionary_path.display()))?;
            let secs = started.elapsed().as_secs_f64();
            println!(
                "Exported {} rows to {} in {secs:.1} s ({:.0} rows/s); data dictionary in {}.",
                written.rows,
                output.display(),
                written.rows as f64 / secs.max(1e-9),
                dictionary_path.display()
            );
            Ok(())
        }
        Command::Facts(FactsCommand::Rebuild { db }) => {
            let app = open(&db).await?;
            let (checked, changed) = handoff_app::facts::rebuild(&app)
                .await
                .map_err(|e| anyhow::anyhow!("{}", explain(e)))?;
            app.store.close().await;
            println!(
                "Checked {checked} fact rows; {changed} differed from their sources and were rewritten."
            );
            Ok(())
        }
        Command::Codes(CodesCommand::Import { file, db }) => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let app = open(&db).await?;
            let summary = handoff_app::reference::import_file(&app, &text)
                .await
                .map_err(|e| anyhow::anyhow!("{}: {}", file.display(), explain(e)))?;
            app.store.close().await;
            if summary.unchanged {
                println!(
                    "{} is version {} already: nothing changed.",
                    file.display(),
                    summary.version
                );
            } else {
                println!(
                    "Imported version {} ({} codes). Now selectable: {}. No longer selectable: {}. Servers use it within the hour.",
                    summary.version,
                    summary.codes,
                    if summary.added.is_empty() {
                        "none".into()
                    } else {
                        summary.added.join(", ")
                    },
                    if summary.retired.is_empty() {
                        "none".into()
                    } else {
                        summary.retired.join(", ")
                    },
                );
            }
            Ok(())
        }
        Command::Keys(KeysCommand::Rotate { db }) => {
            let path = db.key_path()?;
            let old = db.keys()?;
            // 1. The new key active, the old one kept: values under either can be read if
            //    this stops half way (run it again to finish).
            let mut keys = old.clone();
            keys.retired.retain(|k| *k != old.data);
            keys.retired.push(old.data.clone());
            keys.data = handoff_storage::Key::random()?;
            keys.save(&path).map_err(|e| anyhow::anyhow!(e))?;
            // 2. Every encrypted field under the new key (Store::open does it).
            let store = Store::open(&db.config()?, &keys).await?;
            let app = App::new(store, Arc::new(SystemClock), Settings::default())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            handoff_app::audit::alone(
                &app,
                &handoff_app::Ctx::console(),
                "keys.rotate",
                "key",
                &keys.data.id(),
                handoff_app::audit::ALLOWED,
                &format!("data key {} replaced", old.data.id()),
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            app.store.close().await;
            // 3. Nothing uses the retired keys any more.
            keys.retired.clear();
            keys.save(&path).map_err(|e| anyhow::anyhow!(e))?;
            println!(
                "Data key {} replaced by {}; every encrypted field re-encrypted. Give the servers the new {}.",
                old.data.id(),
                keys.data.id(),
                path.display()
            );
            Ok(())
        }
        Command::Backup { output, stdin, db } => {
            if output.exists() {
                bail!("{} exists already: choose a new file", output.display());
            }
            let keys = db.keys()?;
            let partial = output.with_extension("partial");
            let mut out = std::io::BufWriter::new(
                std::fs::File::create(&partial)
                    .with_context(|| format!("cannot write {}", partial.display()))?,
            );
            let bytes = if stdin {
                handoff_storage::backup::encrypt(
                    &keys.backup,
                    &mut std::io::stdin().lock(),
                    &mut out,
                )
                .map_err(|e| anyhow::anyhow!(e))?
            } else {
                let store = db.open_store().await?;
                let snap = output.with_extension("snapshot");
                let _ = std::fs::remove_file(&snap);
                store.snapshot(&snap).await?;
                store.close().await;
                let result = std::fs::File::open(&snap)
                    .map_err(|e| e.to_string())
                    .and_then(|f| {
                        handoff_storage::backup::encrypt(
                            &keys.backup,
                            &mut std::io::BufReader::new(f),
                            &mut out,
                        )
                    });
                let _ = std::fs::remove_file(&snap);
                result.map_err(|e| anyhow::anyhow!(e))?
            };
            drop(out);
            std::fs::rename(&partial, &output)?;
            println!(
                "Wrote {} ({bytes} bytes before encryption, backup key {}). Keep the key file apart from it.",
                output.display(),
                keys.backup.id()
            );
            Ok(())
        }
        Command::Restore { input, output, db } => {
            if output.exists() {
                bail!("{} exists already: choose a new file", output.display());
            }
            let keys = db.keys()?;
            let mut inp = std::io::BufReader::new(
                std::fs::File::open(&input)
                    .with_context(|| format!("cannot read {}", input.display()))?,
            );
            let partial = output.with_extension("partial");
            let mut out = std::io::BufWriter::new(std::fs::File::create(&partial)?);
            let result = handoff_storage::backup::decrypt(&[&keys.backup], &mut inp, &mut out);
            drop(out);
            match result {
                Ok(bytes) => {
                    std::fs::rename(&partial, &output)?;
                    println!("Restored {bytes} bytes to {}.", output.display());
                    Ok(())
                }
                Err(e) => {
                    let _ = std::fs::remove_file(&partial);
                    bail!(e)
                }
            }
        }
        Command::Bench(args) => bench::run(args).await,
        Command::BenchReports(args) => bench_reports::run(args).await,
    }
}

fn explain(e: handoff_app::AppError) -> String {
    match e {
        handoff_app::AppError::Invalid(f) => f.to_string(),
        handoff_app::AppError::NotFound => "not found".into(),
        other => other.to_string(),
    }
}

/// The program named, or the only one.
async fn find_program(app: &App, program: Option<&str>) -> Result<uuid::Uuid> {
    let mut tx = app.store.read().await?;
    let programs = tx.programs().await?;
    tx.rollback().await?;
    match program {
        Some(name) => programs
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.id)
            .with_context(|| {
                format!(
                    "no program named {name:?}; there are: {}",
                    programs
                        .iter()
                        .map(|p| p.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }),
        None if programs.len() == 1 => Ok(programs[0].id),
        None if programs.is_empty() => {
            bail!("the database holds no program yet (run `handoff demo` or create one)")
        }
        None => bail!("the database holds several programs; name one with --program"),
    }
}

async fn find_org(app: &App, program: Option<&str>, org: &str) -> Result<(uuid::Uuid, uuid::Uuid)> {
    let pid = find_program(app, program).await?;
    let mut tx = app.store.read().await?;
    let p = tx.program(pid).await?;
    let orgs = tx.orgs(p.id).await?;
    tx.rollback().await?;
    let o = orgs.iter().find(|o| o.name == org).with_context(|| {
        format!(
            "no organization named {org:?} in {}; there are: {}",
            p.name,
            orgs.iter()
                .map(|o| o.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    Ok((p.id, o.id))
}

async fn serve(app: App, args: &ServeArgs, banner: Option<String>) -> Result<()> {
    let listen = args.listen;
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => {
            Some(handoff_web::tls::load_config(cert, key).map_err(|e| anyhow::anyhow!(e))?)
        }
        _ => None,
    };
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    let addr = listener.local_addr()?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let worker_app = app.clone();
    let worker_id = format!("worker-{}", uuid::Uuid::now_v7().simple());
    let worker = tokio::spawn(worker::run_forever(worker_app, worker_id, stop_rx));
    let proxies = handoff_web::auth::TrustedProxies::parse(&args.trusted_proxies)
        .map_err(|e| anyhow::anyhow!("--trusted-proxy: {e}"))?;
    if args.behind_https_proxy && proxies.is_empty() {
        tracing::warn!(
            "--behind-https-proxy without --trusted-proxy: every client is recorded and throttled as the proxy's address"
        );
    }
    let state = handoff_web::AppState {
        app: app.clone(),
        secure_cookies: tls.is_some() || args.behind_https_proxy,
        proxies,
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    println!("Handoff is listening on {scheme}://{addr}");
    if let Some(b) = banner {
        println!("{b}");
    }
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match tls {
        Some(config) => handoff_web::tls::serve(state, listener, config, shutdown).await?,
        None => handoff_web::serve(state, listener, shutdown).await?,
    }
    let _ = stop_tx.send(true);
    let _ = worker.await;
    app.store.close().await;
    Ok(())
}
