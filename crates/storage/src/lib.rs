//! Handoff's storage: one [`Store`] over SQLite (embedded, the default) or PostgreSQL
//! (several app servers over one database). Each query is written once; the `q!` macro
//! runs it on whichever backend the store was opened with, so the two cannot drift.
//! Every user action runs in one [`Tx`].
#![forbid(unsafe_code)]

pub mod backup;
mod batch;
pub mod chain;
mod code;
pub mod crypto;
mod group;
pub mod hex;
mod hist;
pub mod keys;
mod pgcopy;
mod queries;
mod reencrypt;
pub mod rows;
mod scan;
pub mod spans;

use std::path::Path;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

pub use batch::{Stmt, Val};
pub use keys::{AuditKey, Key, Keys};
pub use queries::{Breakdown, DurationHistograms, FactDim, FactDuration, rollup_hist_usable};
pub use rows::*;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("injected failure at {0}")]
    Injected(&'static str),
    #[error("database error: {0}")]
    Db(#[source] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Sqlite(#[source] rusqlite::Error),
    /// The commit shared with other actions failed; nothing of this action was kept.
    #[error("database error (nothing was saved): {0}")]
    GroupFailed(String),
    #[error("the database is closed")]
    Closed,
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        if let rusqlite::Error::SqliteFailure(f, msg) = &e
            && matches!(
                f.extended_code,
                rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                    | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
            )
        {
            return StoreError::Conflict(msg.clone().unwrap_or_else(|| f.to_string()));
        }
        StoreError::Sqlite(e)
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let Some(db) = e.as_database_error()
            && db.is_unique_violation()
        {
            return StoreError::Conflict(db.message().to_string());
        }
        match e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            e => StoreError::Db(e),
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// What a check of the audit chain found.
#[derive(Debug, Clone)]
pub struct AuditVerification {
    /// Records checked and found intact (up to the first break).
    pub records: u64,
    /// The last intact record: write its seal down somewhere else to detect, later, the
    /// removal of the newest records.
    pub head: Option<chain::Head>,
    pub broken: Option<chain::Break>,
}

/// Which database, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbConfig {
    /// A SQLite database file (created if missing).
    Sqlite { path: std::path::PathBuf },
    /// A PostgreSQL URL.
    Postgres { url: String },
}

impl DbConfig {
    pub fn backend(&self) -> Backend {
        match self {
            DbConfig::Sqlite { .. } => Backend::Sqlite,
            DbConfig::Postgres { .. } => Backend::Postgres,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub(crate) enum Pools {
    /// One writer connection (SQLite allows one writer; queueing in the pool is cheaper
    /// than busy retries) and a pool of readers.
    Sqlite {
        writer: SqlitePool,
        reader: SqlitePool,
        /// The hot path's group-commit writer (its own connection and thread).
        group: group::GroupWriter,
        /// Taken by the group writer for each commit and by `write` for each transaction.
        gate: Arc<tokio::sync::Mutex<()>>,
        /// The database file (bulk readers open their own connection: `scan.rs`).
        path: std::path::PathBuf,
    },
    Pg(PgPool),
}

/// Armed failure points, for tests that prove an action leaves nothing behind when it
/// fails half way.
#[derive(Debug, Default)]
pub struct FailPoints(Mutex<Option<&'static str>>);

impl FailPoints {
    pub fn arm(&self, name: &'static str) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(name);
    }
    pub fn disarm(&self) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
    pub(crate) fn hit(&self, name: &'static str) -> bool {
        let g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *g == Some(name)
    }
}

#[derive(Clone)]
pub struct Store {
    pub(crate) pools: Pools,
    pub fail_points: Arc<FailPoints>,
    pub(crate) keys: Arc<Keys>,
}

/// SQLite `synchronous` setting. FULL: a commit survives power loss, which the audit
/// trail and case records need (see docs/adr/0002).
const SQLITE_SYNC: SqliteSynchronous = SqliteSynchronous::Full;

impl Store {
    /// Opens (creating if needed) and migrates the database.
    /// `keys` come from outside the database (a key file or the environment).
    /// A keyed pseudonym of `value` for one purpose (`domain`, e.g. a research export's
    /// recipient): stable for the same domain, unlinkable across domains without the key.
    pub fn pseudonym(&self, domain: &str, value: &str) -> String {
        crypto::pseudonym(&self.keys, domain, value)
    }

    /// The pseudonyms of one domain, made quickly (`crypto::Pseudonyms`).
    pub fn pseudonyms(&self, domain: &str) -> crypto::Pseudonyms {
        crypto::Pseudonyms::new(&self.keys, domain)
    }

    /// Encrypts a value to store in `column` outside the statement builders (a part of
    /// an audit record's detail that names a person).
    pub fn seal_value(&self, column: &str, plain: &str) -> Result<String> {
        crypto::seal(&self.keys, column, plain)
    }

    /// Decrypts what `seal_value` gave.
    pub fn open_value(&self, column: &str, stored: &str) -> Result<String> {
        crypto::open(&self.keys, column, stored)
    }

    pub async fn open(config: &DbConfig, keys: &Keys) -> Result<Store> {
        let keys = Arc::new(keys.clone());
        let pools = match config {
            DbConfig::Sqlite { path } => {
                if let Some(dir) = path.parent()
                    && !dir.as_os_str().is_empty()
                {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        StoreError::Corrupt(format!("cannot create {}: {e}", dir.display()))
                    })?;
                }
                let opts = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SQLITE_SYNC)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
                    // Page cache per connection: 8 MiB (one writer, four readers).
                    .pragma("cache_size", "-8000")
                    // The group writer's checkpointer thread copies the WAL back (group.rs).
                    .pragma("wal_autocheckpoint", "0")
                    .pragma("journal_size_limit", group::WAL_SIZE_LIMIT)
                    // Erased and deleted content is overwritten with zeros, not left in
                    // free pages of the file (identity retention, issue 3).
                    .pragma("secure_delete", "ON");
                let writer = SqlitePoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(opts.clone())
                    .await?;
                sqlx::migrate!("migrations/sqlite").run(&writer).await?;
                let reader = SqlitePoolOptions::new()
                    .max_connections(4)
                    .connect_with(opts.read_only(true))
                    .await?;
                let gate = Arc::new(tokio::sync::Mutex::new(()));
                let group = group::GroupWriter::start(path, gate.clone(), keys.clone())?;
                Pools::Sqlite {
                    writer,
                    reader,
                    group,
                    gate,
                    path: path.to_path_buf(),
                }
            }
            DbConfig::Postgres { url } => {
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect(url)
                    .await?;
                sqlx::migrate!("migrations/postgres").run(&pool).await?;
                Pools::Pg(pool)
            }
        };
        let store = Store {
            pools,
            fail_points: Arc::new(FailPoints::default()),
            keys,
        };
        store.seal_unsealed_audit().await?;
        let n = store.encrypt_all().await?;
        if n > 0 {
            tracing::info!(rows = n, "encrypted fields brought under the active key");
        }
        Ok(store)
    }

    /// Seals audit records written before the chain existed (migration 0002), in the order
    /// they were written.
    async fn seal_unsealed_audit(&self) -> Result<()> {
        let mut tx = self.write().await?;
        let rows = tx.unsealed_audit().await?;
        if rows.is_empty() {
            return tx.rollback().await;
        }
        tx.seal_audit_rows(rows).await?;
        tx.commit().await
    }

    pub fn backend(&self) -> Backend {
        match self.pools {
            Pools::Sqlite { .. } => Backend::Sqlite,
            Pools::Pg(_) => Backend::Postgres,
        }
    }

    /// A `Tx` over `inner`; `gate` is the SQLite writer's turn, held until it ends.
    fn tx(&self, inner: Inner, gate: Option<tokio::sync::OwnedMutexGuard<()>>) -> Tx {
        Tx {
            inner,
            fail_points: self.fail_points.clone(),
            keys: self.keys.clone(),
            audit_head: None,
            pending_audit: Vec::new(),
            _gate: gate,
        }
    }

    /// A transaction that may write. On SQLite it takes the write lock up front
    /// (BEGIN IMMEDIATE) so that a read-then-write action cannot fail half way.
    pub async fn write(&self) -> Result<Tx> {
        let (inner, gate) = match &self.pools {
            Pools::Sqlite { writer, gate, .. } => {
                let gate = gate.clone().lock_owned().await;
                let tx = writer.begin_with("BEGIN IMMEDIATE").await?;
                (Inner::Sqlite(Handle::Tx(tx)), Some(gate))
            }
            Pools::Pg(p) => (Inner::Pg(Handle::Tx(p.begin().await?)), None),
        };
        Ok(self.tx(inner, gate))
    }

    /// A read-only transaction (a consistent snapshot), for data that is not personal
    /// (aggregates, reference tables) and needs no audit record.
    pub async fn read(&self) -> Result<Tx> {
        let inner = match &self.pools {
            Pools::Sqlite { reader, .. } => Inner::Sqlite(Handle::Tx(reader.begin().await?)),
            Pools::Pg(p) => Inner::Pg(Handle::Tx(p.begin().await?)),
        };
        Ok(self.tx(inner, None))
    }

    /// A read-only connection without a transaction, for single lookups (sessions,
    /// tokens): no BEGIN/ROLLBACK round trips. Use `read` when several reads must agree.
    pub async fn conn(&self) -> Result<Tx> {
        let inner = match &self.pools {
            Pools::Sqlite { reader, .. } => Inner::Sqlite(Handle::Conn(reader.acquire().await?)),
            Pools::Pg(p) => Inner::Pg(Handle::Conn(p.acquire().await?)),
        };
        Ok(self.tx(inner, None))
    }

    /// Checks the whole audit chain (on a snapshot, so the server may keep running) and
    /// names the first record that was changed, removed, reordered or added outside Handoff.
    pub async fn verify_audit(&self) -> Result<AuditVerification> {
        const PAGE: i64 = 5_000;
        let mut tx = self.read().await?;
        let checkpoint = tx.audit_checkpoint().await?;
        let mut broken = None;
        let mut verifier = match checkpoint {
            Some(c) => {
                let start = chain::Head {
                    seq: c.through_seq,
                    hash: c.through_hash,
                };
                if chain::checkpoint_mac(&self.keys.audit, &start) != c.mac {
                    broken = Some(chain::Break::Checkpoint);
                }
                chain::Verifier::after(&self.keys.audit, start)
            }
            None => chain::Verifier::new(&self.keys.audit),
        };
        let unsealed = tx.unsealed_audit().await?;
        if broken.is_none() {
            broken = unsealed
                .first()
                .map(|r| chain::Break::Unsealed { id: r.id });
        }
        let mut after = i64::MIN;
        while broken.is_none() {
            let page = tx.audit_chain_page(after, PAGE).await?;
            for r in &page {
                let Some((sealed, hash)) = r.sealed() else {
                    broken = Some(chain::Break::Unsealed { id: r.id });
                    break;
                };
                if let Err(b) = verifier.check(r.id, hash, &sealed) {
                    broken = Some(b);
                    break;
                }
                after = sealed.seq;
            }
            if (page.len() as i64) < PAGE {
                break;
            }
        }
        tx.rollback().await?;
        Ok(AuditVerification {
            records: verifier.records,
            head: verifier.head().cloned(),
            broken,
        })
    }

    /// SQLite: a consistent copy of the whole database in a new file (`VACUUM INTO`),
    /// taken while the server runs. PostgreSQL has `pg_dump` for that.
    pub async fn snapshot(&self, to: &Path) -> Result<()> {
        match &self.pools {
            Pools::Sqlite { writer, gate, .. } => {
                let _turn = gate.lock().await;
                sqlx::query("VACUUM INTO $1")
                    .bind(to.to_string_lossy().into_owned())
                    .execute(writer)
                    .await?;
                Ok(())
            }
            Pools::Pg(_) => Err(StoreError::Corrupt(
                "PostgreSQL: back up with `pg_dump ... | handoff backup --stdin --output FILE`"
                    .into(),
            )),
        }
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<()> {
        let mut tx = self.read().await?;
        tx.ping().await?;
        tx.rollback().await
    }

    /// Refreshes PostgreSQL's planner statistics after a bulk load (autovacuum does it on
    /// a running server, within minutes); nothing on SQLite.
    /// On PostgreSQL, what autovacuum keeps on a running server after rows were written in
    /// bulk: the planner's statistics, and the visibility map and hint bits (the first
    /// reads of freshly written rows would otherwise set them, writing pages as they read).
    pub async fn analyze(&self) -> Result<()> {
        if let Pools::Pg(p) = &self.pools {
            sqlx::query("VACUUM (ANALYZE)").execute(p).await?;
        }
        Ok(())
    }

    pub async fn close(&self) {
        match &self.pools {
            Pools::Sqlite {
                writer,
                reader,
                group,
                ..
            } => {
                group.close();
                reader.close().await;
                writer.close().await;
            }
            Pools::Pg(p) => p.close().await,
        }
    }
}

enum Inner {
    Sqlite(Handle<sqlx::Sqlite>),
    Pg(Handle<sqlx::Postgres>),
}

/// A transaction, or a plain pooled connection in autocommit mode (for single reads that
/// need no snapshot: every statement costs a round trip to the driver, BEGIN included).
enum Handle<DB: sqlx::Database> {
    Tx(sqlx::Transaction<'static, DB>),
    Conn(sqlx::pool::PoolConnection<DB>),
}

impl<DB: sqlx::Database> std::ops::Deref for Handle<DB> {
    type Target = DB::Connection;
    fn deref(&self) -> &DB::Connection {
        match self {
            Handle::Tx(t) => t,
            Handle::Conn(c) => c,
        }
    }
}

impl<DB: sqlx::Database> std::ops::DerefMut for Handle<DB> {
    fn deref_mut(&mut self) -> &mut DB::Connection {
        match self {
            Handle::Tx(t) => &mut *t,
            Handle::Conn(c) => &mut *c,
        }
    }
}

impl<DB: sqlx::Database> Handle<DB> {
    async fn commit(self) -> Result<()> {
        if let Handle::Tx(t) = self {
            t.commit().await?;
        }
        Ok(())
    }
    async fn rollback(self) -> Result<()> {
        if let Handle::Tx(t) = self {
            t.rollback().await?;
        }
        Ok(())
    }
}

/// One transaction. Dropped without `commit`, it rolls back.
pub struct Tx {
    inner: Inner,
    fail_points: Arc<FailPoints>,
    keys: Arc<Keys>,
    /// The audit chain's last record as this transaction has it (see `Tx::run`).
    audit_head: Option<chain::Head>,
    /// PostgreSQL: audit records written at commit (see `Tx::run`).
    pending_audit: Vec<Stmt>,
    /// On SQLite, a writing transaction holds the write gate until it ends.
    _gate: Option<tokio::sync::OwnedMutexGuard<()>>,
}

/// Runs the same query text on whichever backend the transaction belongs to.
macro_rules! q {
    ($tx:expr, $c:ident => $body:expr) => {
        match &mut $tx.inner {
            $crate::Inner::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::Inner::Pg(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}
pub(crate) use q;

impl Tx {
    pub async fn commit(mut self) -> Result<()> {
        let pending = std::mem::take(&mut self.pending_audit);
        if !pending.is_empty() {
            self.run_sealed(&pending).await?;
        }
        match self.inner {
            Inner::Sqlite(t) => t.commit().await,
            Inner::Pg(t) => t.commit().await,
        }
    }

    pub async fn rollback(self) -> Result<()> {
        match self.inner {
            Inner::Sqlite(t) => t.rollback().await,
            Inner::Pg(t) => t.rollback().await,
        }
    }

    pub fn backend(&self) -> Backend {
        match self.inner {
            Inner::Sqlite(_) => Backend::Sqlite,
            Inner::Pg(_) => Backend::Postgres,
        }
    }

    /// Fails here if a test armed this failure point.
    pub fn fail_point(&self, name: &'static str) -> Result<()> {
        if self.fail_points.hit(name) {
            Err(StoreError::Injected(name))
        } else {
            Ok(())
        }
    }

    pub async fn ping(&mut self) -> Result<()> {
        let one: i64 =
            q!(self, c => sqlx::query_scalar("SELECT CAST(1 AS BIGINT)").fetch_one(c).await)?;
        if one == 1 {
            Ok(())
        } else {
            Err(StoreError::Corrupt("SELECT 1".into()))
        }
    }

    /// Table and column names, for the test that both migration sets agree.
    pub async fn schema_columns(&mut self) -> Result<Vec<(String, String)>> {
        let rows: Vec<(String, String)> = match &mut self.inner {
            Inner::Sqlite(t) => {
                sqlx::query_as(
                    "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%' \
                     ORDER BY 1, 2",
                )
                .fetch_all(&mut **t)
                .await?
            }
            Inner::Pg(t) => {
                sqlx::query_as(
                    "SELECT table_name::text, column_name::text FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx%' ORDER BY 1, 2",
                )
                .fetch_all(&mut **t)
                .await?
            }
        };
        Ok(rows)
    }

    /// Counts the rows of a table (tests and diagnostics). Only known table names.
    pub async fn count_rows(&mut self, table: &str) -> Result<i64> {
        const TABLES: &[&str] = &[
            "participants",
            "encounters",
            "offenses",
            "eligibility_decisions",
            "eligibility_overrides",
            "offers",
            "consents",
            "referrals",
            "service_events",
            "legal_holds",
            "case_events",
            "jobs",
            "audit_log",
            "idempotency_keys",
            "users",
            "memberships",
            "sessions",
            "api_tokens",
            "recovery_codes",
            "emergency_access",
            "audit_checkpoint",
            "screenings",
            "encounter_facts",
            "contact_attempts",
        ];
        if !TABLES.contains(&table) {
            return Err(StoreError::NotFound);
        }
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let n: i64 =
            q!(self, c => sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(c).await)?;
        Ok(n)
    }
}

/// Test support: a fresh PostgreSQL database per test, on the server named by
/// `HANDOFF_TEST_POSTGRES_URL` (for example postgres://postgres@127.0.0.1:5432/postgres).
pub mod testing {
    use super::*;

    pub const POSTGRES_ENV: &str = "HANDOFF_TEST_POSTGRES_URL";

    pub fn postgres_admin_url() -> Option<String> {
        std::env::var(POSTGRES_ENV).ok().filter(|s| !s.is_empty())
    }

    /// Creates an empty database and returns its URL.
    pub async fn fresh_postgres_database(admin_url: &str) -> Result<String> {
        use sqlx::Connection;
        let name = format!("handoff_test_{}", uuid::Uuid::now_v7().simple());
        let mut conn = sqlx::PgConnection::connect(admin_url).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await?;
        conn.close().await?;
        let (no_query, query) = match admin_url.split_once('?') {
            Some((b, q)) => (b, format!("?{q}")),
            None => (admin_url, String::new()),
        };
        let host_start = no_query.find("://").map(|i| i + 3).unwrap_or(0);
        let path_start = no_query[host_start..]
            .find('/')
            .map(|i| host_start + i)
            .unwrap_or(no_query.len());
        let base = &no_query[..path_start];
        Ok(format!("{base}/{name}{query}"))
    }

    /// Runs SQL directly on the database, outside Handoff (tests that tamper with it).
    /// The first column of a query's rows, as stored (text); for tests that look at what
    /// the database holds.
    pub async fn query_raw(store: &Store, sql: &str) -> Result<Vec<Option<String>>> {
        use sqlx::Row;
        let sql = sqlx::AssertSqlSafe(sql.to_string());
        Ok(match &store.pools {
            Pools::Sqlite { reader, .. } => sqlx::query(sql)
                .fetch_all(reader)
                .await?
                .iter()
                .map(|r| r.try_get::<Option<String>, _>(0))
                .collect::<std::result::Result<_, _>>()?,
            Pools::Pg(p) => sqlx::query(sql)
                .fetch_all(p)
                .await?
                .iter()
                .map(|r| r.try_get::<Option<String>, _>(0))
                .collect::<std::result::Result<_, _>>()?,
        })
    }

    pub async fn execute_raw(store: &Store, sql: &str) -> Result<u64> {
        let sql = sqlx::AssertSqlSafe(sql.to_string());
        Ok(match &store.pools {
            Pools::Sqlite { writer, gate, .. } => {
                let _turn = gate.lock().await;
                sqlx::query(sql).execute(writer).await?.rows_affected()
            }
            Pools::Pg(p) => sqlx::query(sql).execute(p).await?.rows_affected(),
        })
    }

    /// A temporary SQLite file in its own directory.
    pub fn fresh_sqlite_path() -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("handoff-test-{}", uuid::Uuid::now_v7().simple()));
        dir.join("handoff.db")
    }
}

impl FromStr for DbConfig {
    type Err = String;
    /// `postgres://...` or `postgresql://...` selects PostgreSQL; `sqlite://PATH` or a
    /// plain path selects SQLite.
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Ok(DbConfig::Postgres { url: s.to_string() })
        } else if let Some(p) = s.strip_prefix("sqlite://") {
            if p.is_empty() {
                return Err("sqlite:// needs a file path".into());
            }
            Ok(DbConfig::Sqlite { path: p.into() })
        } else if s.contains("://") {
            Err(format!(
                "unsupported database URL {s:?}: use postgres://... or sqlite://PATH"
            ))
        } else if s.is_empty() {
            Err("empty database URL".into())
        } else {
            Ok(DbConfig::Sqlite { path: s.into() })
        }
    }
}
