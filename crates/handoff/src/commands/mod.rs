//! The subcommands other than the server: each group in its own file, and what they share
//! (the database options, opening the app, naming a program or organization).
pub(crate) mod audit;
pub(crate) mod codes;
pub(crate) mod directory;
pub(crate) mod export;
pub(crate) mod facts;
pub(crate) mod keys;
pub(crate) mod org;
pub(crate) mod program;
pub(crate) mod report;
pub(crate) mod token;
pub(crate) mod user;

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::Args;
use handoff_app::{App, Settings, auth};
use handoff_domain::SystemClock;
use handoff_storage::{DbConfig, Keys, Store};

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

    /// The data folder (the languages folder is in it unless named).
    pub fn data_dir(&self) -> &std::path::Path {
        &self.data
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

pub(crate) async fn user_named(app: &App, username: &str) -> Result<handoff_storage::UserRow> {
    let mut tx = app.store.read().await?;
    let u = tx.user_by_name(&auth::normalize_username(username)).await?;
    tx.rollback().await?;
    u.with_context(|| format!("no user named {username:?}"))
}

pub(crate) async fn open(db: &DbArgs) -> Result<App> {
    open_with(db, Settings::default()).await
}

pub(crate) async fn open_with(db: &DbArgs, settings: Settings) -> Result<App> {
    let store = db.open_store().await?;
    App::new(store, Arc::new(SystemClock), settings)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}

pub(crate) fn describe(c: &DbConfig) -> String {
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

pub(crate) fn explain(e: handoff_app::AppError) -> String {
    match e {
        handoff_app::AppError::Invalid(f) => f.to_string(),
        handoff_app::AppError::NotFound => "not found".into(),
        other => other.to_string(),
    }
}

/// The program named, or the only one.
pub(crate) async fn find_program(app: &App, program: Option<&str>) -> Result<uuid::Uuid> {
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
            bail!("the database holds no program yet: create one with `handoff program create`")
        }
        None => bail!("the database holds several programs; name one with --program"),
    }
}

pub(crate) async fn find_org(
    app: &App,
    program: Option<&str>,
    org: &str,
) -> Result<(uuid::Uuid, uuid::Uuid)> {
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
