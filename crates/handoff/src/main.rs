//! `handoff`: the server, the demo, user and token administration, and the benchmark.
#![forbid(unsafe_code)]

mod bench;
mod bench_outbox;
mod bench_reports;
mod bench_services;
mod commands;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use handoff_app::{App, Settings, demo, worker};
use handoff_domain::SystemClock;

use commands::{DbArgs, describe, open_with};

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
    User(commands::user::UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(commands::token::TokenCommand),
    /// Create a program; its settings for whoever runs the server (API rate limits).
    #[command(subcommand)]
    Program(commands::program::ProgramCommand),
    /// A program's organizations: agencies, providers, the prosecutor's office.
    #[command(subcommand)]
    Org(commands::org::OrgCommand),
    /// Check the audit trail.
    #[command(subcommand)]
    Audit(commands::audit::AuditCommand),
    /// Manage the server's keys.
    #[command(subcommand)]
    Keys(commands::keys::KeysCommand),
    /// Reference codes (NIBRS offenses, drug activity, drug type, units).
    #[command(subcommand)]
    Codes(commands::codes::CodesCommand),
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
    /// The officer's choice of services over a generated directory, while capacity is
    /// updated; and the directory's import time.
    BenchServices(bench_services::BenchServicesArgs),
    /// The outbox against an SMTP server: a backlog drained, then a steady rate with the
    /// latency from the write to the send.
    BenchOutbox(bench_outbox::BenchOutboxArgs),
    /// Published reports, for scheduled use.
    #[command(subcommand)]
    Report(commands::report::ReportCommand),
    /// The fact rows reports count from.
    #[command(subcommand)]
    Facts(commands::facts::FactsCommand),
    /// Data exports, for scheduled use.
    #[command(subcommand)]
    Export(commands::export::ExportCommand),
    /// The directory of partners' services (Open Referral HSDS 3.1): import, export,
    /// publish.
    #[command(subcommand)]
    Directory(commands::directory::DirectoryCommand),
    /// Check a participant language's catalogue (`<code>.ftl`) before putting it in the
    /// languages folder: every key of the English catalogue, no other, only its
    /// placeholders. Prints each problem with its line and key.
    LanguageCheck {
        /// The catalogue file; its name is the language code (fr.ftl for French).
        file: PathBuf,
    },
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
    /// The folder of participant languages a program adds (`<code>.ftl` files); default:
    /// `languages` in the data folder.
    #[arg(long, env = "HANDOFF_LANGUAGES")]
    languages: Option<PathBuf>,
    /// The SMTP server pages and messages leave through, as smtp://USER:PASSWORD@HOST:PORT
    /// (STARTTLS is always required; percent-encode the password). Without it, messages
    /// wait unsent and the pages say nobody is being paged.
    #[arg(long, env = "HANDOFF_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// The sender of email, e.g. "Handoff <handoff@county.gov>".
    #[arg(
        long,
        env = "HANDOFF_SMTP_FROM",
        default_value = "Handoff <handoff@localhost>"
    )]
    smtp_from: String,
    /// A private CA (PEM file) the SMTP server's certificate is signed by.
    #[arg(long, env = "HANDOFF_SMTP_CA")]
    smtp_ca: Option<PathBuf>,
    /// The SMS gateway texts leave through: its https:// address (http:// only on this
    /// machine or a private network). Without it, texts wait unsent.
    #[arg(long, env = "HANDOFF_SMS_URL")]
    sms_url: Option<String>,
    /// The gateway's request body: form or json.
    #[arg(long, env = "HANDOFF_SMS_FORMAT", default_value = "form")]
    sms_format: String,
    /// The gateway's authentication: basic:USER:PASSWORD or bearer:TOKEN (best from the
    /// environment).
    #[arg(
        long,
        env = "HANDOFF_SMS_AUTH",
        hide_env_values = true,
        default_value = ""
    )]
    sms_auth: String,
    /// The sender of texts: a number in E.164 (+15550100) or the gateway's sender name.
    #[arg(long, env = "HANDOFF_SMS_FROM", default_value = "")]
    sms_from: String,
    /// The gateway's names for the fields, where they differ from the format's usual ones
    /// (form: To, From, Body, StatusCallback; json: to, from, text, callback_url), as
    /// to=NAME,from=NAME,body=NAME,callback=NAME.
    #[arg(long, env = "HANDOFF_SMS_FIELDS", default_value = "")]
    sms_fields: String,
    /// A private CA (PEM file) the gateway's certificate is signed by.
    #[arg(long, env = "HANDOFF_SMS_CA")]
    sms_ca: Option<PathBuf>,
    /// The address staff reach this server at, for links in messages (default: the
    /// listening address).
    #[arg(long, env = "HANDOFF_PUBLIC_URL")]
    public_url: Option<String>,
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

/// A CA file named by a flag, read.
fn read_ca(path: &Option<PathBuf>, flag: &str) -> Result<Option<Vec<u8>>> {
    path.as_ref()
        .map(|p| std::fs::read(p).with_context(|| format!("cannot read {flag} {}", p.display())))
        .transpose()
}

impl ServeArgs {
    fn settings(&self) -> Result<Settings> {
        let mail = match &self.smtp_url {
            Some(url) => {
                let ca = read_ca(&self.smtp_ca, "--smtp-ca")?;
                Some(
                    handoff_app::outbox::MailSettings::parse(url, &self.smtp_from, ca)
                        .map_err(|e| anyhow::anyhow!("--smtp-url: {e}"))?,
                )
            }
            None => None,
        };
        let sms = match &self.sms_url {
            Some(url) => Some(
                handoff_app::channels::sms::SmsSettings::parse(
                    url,
                    &self.sms_format,
                    &self.sms_auth,
                    &self.sms_from,
                    &self.sms_fields,
                    read_ca(&self.sms_ca, "--sms-ca")?,
                )
                .map_err(|e| anyhow::anyhow!("--sms-url: {e}"))?,
            ),
            None => None,
        };
        let scheme = if self.tls_cert.is_some() || self.behind_https_proxy {
            "https"
        } else {
            "http"
        };
        Ok(Settings {
            mfa_required: self.mfa == "required",
            languages: Some(
                self.languages
                    .clone()
                    .unwrap_or_else(|| self.db.data_dir().join("languages")),
            ),
            mail,
            sms,
            public_url: self
                .public_url
                .clone()
                .unwrap_or_else(|| format!("{scheme}://{}", self.listen)),
            ..Settings::default()
        })
    }
}

async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Serve(args) => {
            let app = open_with(&args.db, args.settings()?).await?;
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
            let app = App::new(store, Arc::new(SystemClock), args.serve.settings()?)
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
            for (user, name, role, _) in demo::PARTNER_USERS {
                banner.push_str(&format!(
                    "  {user:<13} {:<26} {name:<22} {}\n",
                    role.label(),
                    demo::totp_secret(user)
                ));
            }
            serve(app, &args.serve, Some(banner)).await
        }
        Command::Export(cmd) => commands::export::run(cmd).await,
        Command::Directory(cmd) => commands::directory::run(cmd).await,
        Command::LanguageCheck { file } => {
            let code = file
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default();
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let texts = handoff_i18n::Texts::shipped().map_err(|e| anyhow::anyhow!("{e}"))?;
            match texts.check(&code, &bytes) {
                Ok(()) if code.starts_with("overrides.") => {
                    println!(
                        "{}: the program's own wording of message templates; put it in the languages folder.",
                        file.display()
                    );
                    Ok(())
                }
                Ok(()) => {
                    println!(
                        "{}: a complete catalogue for \"{code}\"; put it in the languages folder.",
                        file.display()
                    );
                    Ok(())
                }
                Err(findings) => {
                    for f in &findings {
                        eprintln!("{}: {f}", file.display());
                    }
                    bail!("{} refused: {} problems", file.display(), findings.len())
                }
            }
        }
        Command::Report(cmd) => commands::report::run(cmd).await,
        Command::Facts(cmd) => commands::facts::run(cmd).await,
        Command::Codes(cmd) => commands::codes::run(cmd).await,
        Command::Keys(cmd) => commands::keys::run(cmd).await,
        Command::User(cmd) => commands::user::run(cmd).await,
        Command::Audit(cmd) => commands::audit::run(cmd).await,
        Command::Token(cmd) => commands::token::run(cmd).await,
        Command::Program(cmd) => commands::program::run(cmd).await,
        Command::Org(cmd) => commands::org::run(cmd).await,
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
        Command::BenchServices(args) => bench_services::run(args).await,
        Command::BenchOutbox(args) => bench_outbox::run(args).await,
    }
}

async fn serve(app: App, args: &ServeArgs, banner: Option<String>) -> Result<()> {
    let listen = args.listen;
    // A language file that was refused is said at start (and on /admin/languages).
    for r in &app.texts().refused {
        for f in &r.findings {
            tracing::warn!("language file {} refused: {f}", r.file);
        }
    }
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
