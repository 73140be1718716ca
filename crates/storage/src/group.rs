//! SQLite group commit (docs/adr/0006). The officer's hot-path actions are lists of
//! statements ([`Stmt`]); on SQLite they go to one writer thread that owns its own
//! connection. The thread takes every action waiting in its queue, runs them in one
//! transaction, each inside its own savepoint (an action that fails is rolled back alone,
//! the others stand), commits once and only then answers each caller. One fsync covers
//! the whole group, so a commit is as durable as before (`synchronous=FULL`) while the
//! writer no longer spends a disk flush and a dozen thread hand-offs per action.
//!
//! The writer thread and the transactions opened by [`crate::Store::write`] take turns
//! through one fair lock (the *gate*), so neither waits on SQLite's busy handler.
use std::path::Path;
use std::sync::{Arc, mpsc};
use std::time::Duration;

use chrono::SecondsFormat;
use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags};
use tokio::sync::{Mutex, oneshot};

use crate::batch::{Stmt, Val};
use crate::chain::Head;
use crate::keys::Keys;
use crate::{Result, StoreError};

/// At most this many actions share one commit (bounds the time a caller waits on others).
const MAX_GROUP: usize = 64;

struct Job {
    batches: Vec<Vec<Stmt>>,
    /// A failure point armed by a test: the job fails between its first two batches.
    inject: Option<&'static str>,
    reply: oneshot::Sender<Result<()>>,
}

/// The handle the store keeps; closing it ends the thread once its queue is empty.
#[derive(Clone)]
pub(crate) struct GroupWriter {
    jobs: Arc<std::sync::Mutex<Option<mpsc::Sender<Job>>>>,
}

impl GroupWriter {
    /// Opens the writer's connection and starts its thread.
    pub(crate) fn start(path: &Path, gate: Arc<Mutex<()>>, key: Arc<Keys>) -> Result<GroupWriter> {
        let conn = open(path)?;
        let checkpoints = open(path)?;
        let (tx, rx) = mpsc::channel();
        // The checkpointer stops when the writer thread ends (it drops `stop`).
        let (stop, stopped) = mpsc::channel::<()>();
        let spawn_failed =
            |e: std::io::Error| StoreError::Corrupt(format!("cannot start a database thread: {e}"));
        std::thread::Builder::new()
            .name("handoff-sqlite-checkpoint".into())
            .spawn({
                let gate = gate.clone();
                move || checkpointer(checkpoints, stopped, gate)
            })
            .map_err(spawn_failed)?;
        std::thread::Builder::new()
            .name("handoff-sqlite-writer".into())
            .spawn(move || {
                run(conn, rx, gate, &key);
                drop(stop);
            })
            .map_err(spawn_failed)?;
        Ok(GroupWriter {
            jobs: Arc::new(std::sync::Mutex::new(Some(tx))),
        })
    }

    /// Runs the batches as one action (all or nothing) and returns once it is committed.
    pub(crate) async fn submit(
        &self,
        batches: Vec<Vec<Stmt>>,
        inject: Option<&'static str>,
    ) -> Result<()> {
        let (reply, answer) = oneshot::channel();
        let sender = self
            .jobs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or(StoreError::Closed)?;
        sender
            .send(Job {
                batches,
                inject,
                reply,
            })
            .map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    pub(crate) fn close(&self) {
        self.jobs.lock().unwrap_or_else(|p| p.into_inner()).take();
    }
}

fn open(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(10))?;
    // The database is already in WAL mode (set when the store opened it). FULL: see
    // `SQLITE_SYNC` in lib.rs; the same setting as every other connection.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "cache_size", "-8000")?;
    conn.pragma_update(None, "wal_autocheckpoint", "0")?;
    conn.pragma_update(None, "journal_size_limit", WAL_SIZE_LIMIT)?;
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.set_prepared_statement_cache_capacity(128);
    Ok(conn)
}

/// A restarted WAL file is cut back to this size (bytes).
pub(crate) const WAL_SIZE_LIMIT: &str = "67108864";

/// How often the WAL is copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(200);

/// Past this many WAL frames (about 16 MiB) the log is restarted from its beginning.
const RESTART_FRAMES: i64 = 4096;

/// Copies the WAL into the database file on its own connection and thread, so that no
/// commit pays for it (every connection of the store has automatic checkpoints off).
/// A PASSIVE checkpoint blocks nobody, but under steady load it never finds a moment
/// when the log can start over, so the log would grow without end: once it is long, the
/// checkpointer takes the write gate and runs a RESTART checkpoint, which finishes the
/// little copying left, waits for readers of old frames, and lets the next commit
/// write from the start of the log again.
fn checkpointer(conn: Connection, stop: mpsc::Receiver<()>, gate: Arc<Mutex<()>>) {
    let checkpoint = |mode: &str| -> rusqlite::Result<i64> {
        // The row is (busy, frames in the log, frames copied).
        conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |r| r.get(1))
    };
    while let Err(mpsc::RecvTimeoutError::Timeout) = stop.recv_timeout(CHECKPOINT_EVERY) {
        let result = checkpoint("PASSIVE").and_then(|frames| {
            if frames > RESTART_FRAMES {
                let _writers_wait = gate.blocking_lock();
                checkpoint("RESTART")?;
            }
            Ok(())
        });
        if let Err(e) = result {
            tracing::warn!(error = %e, "WAL checkpoint failed; the next one retries");
        }
    }
}

fn run(mut conn: Connection, rx: mpsc::Receiver<Job>, gate: Arc<Mutex<()>>, key: &Keys) {
    while let Ok(first) = rx.recv() {
        let guard = gate.blocking_lock();
        // Everything that arrived meanwhile joins this commit.
        let mut jobs = vec![first];
        while jobs.len() < MAX_GROUP {
            match rx.try_recv() {
                Ok(j) => jobs.push(j),
                Err(_) => break,
            }
        }
        let results = commit_group(&mut conn, &jobs, key);
        drop(guard);
        for (job, result) in jobs.into_iter().zip(results) {
            // A caller that went away (its request was cancelled) needs no answer.
            let _ = job.reply.send(result);
        }
    }
}

fn commit_group(conn: &mut Connection, jobs: &[Job], key: &Keys) -> Vec<Result<()>> {
    let all_failed = |why: &str| -> Vec<Result<()>> {
        jobs.iter()
            .map(|_| Err(StoreError::GroupFailed(why.to_string())))
            .collect()
    };
    if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
        return all_failed(&e.to_string());
    }
    let mut results = Vec::with_capacity(jobs.len());
    // The audit chain's head, read when the first audit record of the group is sealed.
    let mut head: Option<Head> = None;
    for job in jobs {
        let before = head.clone();
        let outcome =
            simple(conn, "SAVEPOINT action").and_then(|()| run_job(conn, job, key, &mut head));
        match outcome {
            Ok(()) => {
                if let Err(e) = simple(conn, "RELEASE action") {
                    return abandon(conn, &e.to_string(), jobs.len());
                }
                results.push(Ok(()));
            }
            Err(e) => {
                // Some errors (a full disk, say) end the whole transaction: then no
                // action of the group was committed and each caller must hear so.
                if conn.is_autocommit()
                    || simple(conn, "ROLLBACK TO action")
                        .and_then(|()| simple(conn, "RELEASE action"))
                        .is_err()
                {
                    return abandon(conn, &e.to_string(), jobs.len());
                }
                // Its audit records were rolled back with it.
                head = before;
                results.push(Err(e));
            }
        }
    }
    if let Err(e) = simple(conn, "COMMIT") {
        return abandon(conn, &e.to_string(), jobs.len());
    }
    results
}

/// Rolls the group back (if a transaction is still open) and fails every action in it.
fn abandon(conn: &Connection, why: &str, n: usize) -> Vec<Result<()>> {
    if !conn.is_autocommit() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    (0..n)
        .map(|_| Err(StoreError::GroupFailed(why.to_string())))
        .collect()
}

fn simple(conn: &Connection, sql: &str) -> Result<()> {
    conn.prepare_cached(sql)?.execute([])?;
    Ok(())
}

fn run_job(conn: &Connection, job: &Job, key: &Keys, head: &mut Option<Head>) -> Result<()> {
    for (i, batch) in job.batches.iter().enumerate() {
        if i > 0
            && let Some(name) = job.inject
        {
            return Err(StoreError::Injected(name));
        }
        for s in batch {
            let s = if s.is_audit() {
                let h = match head {
                    Some(h) => h,
                    None => head.insert(read_head(conn)?),
                };
                s.sealed(&key.audit, h)
            } else {
                std::borrow::Cow::Borrowed(s)
            };
            let s = s.encrypted(key)?;
            let mut st = conn.prepare_cached(s.sql())?;
            for (n, v) in s.args().iter().enumerate() {
                let index = st
                    .parameter_index(&format!("${}", n + 1))?
                    .ok_or_else(|| StoreError::Corrupt(format!("no ${} in {}", n + 1, s.sql())))?;
                st.raw_bind_parameter(index, value(v))?;
            }
            st.raw_execute()?;
        }
    }
    Ok(())
}

fn read_head(conn: &Connection) -> Result<Head> {
    let row = conn
        .prepare_cached(
            "SELECT seq, hash FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1",
        )?
        .query_row([], |r| {
            Ok(Head {
                seq: r.get(0)?,
                hash: r.get(1)?,
            })
        });
    match row {
        Ok(h) => Ok(h),
        Err(rusqlite::Error::QueryReturnedNoRows) => Ok(Head::genesis()),
        Err(e) => Err(e.into()),
    }
}

/// The value as sqlx stores it on SQLite, so that rows written here read back the same:
/// UUIDs as 16-byte blobs, times as RFC 3339 text, dates as `YYYY-MM-DD`.
fn value(v: &Val) -> Value {
    match v {
        Val::Uuid(x) => Value::Blob(x.as_bytes().to_vec()),
        Val::OptUuid(x) => x.map_or(Value::Null, |x| Value::Blob(x.as_bytes().to_vec())),
        Val::Text(x) => Value::Text(x.clone()),
        Val::OptText(x) => x.clone().map_or(Value::Null, Value::Text),
        Val::I64(x) => Value::Integer(*x),
        Val::OptI64(x) => x.map_or(Value::Null, Value::Integer),
        Val::OptBool(x) => x.map_or(Value::Null, |b| Value::Integer(i64::from(b))),
        Val::OptF64(x) => x.map_or(Value::Null, Value::Real),
        Val::Bool(x) => Value::Integer(i64::from(*x)),
        Val::Time(x) => Value::Text(x.to_rfc3339_opts(SecondsFormat::AutoSi, false)),
        Val::OptTime(x) => x.map_or(Value::Null, |x| {
            Value::Text(x.to_rfc3339_opts(SecondsFormat::AutoSi, false))
        }),
        Val::Date(x) => Value::Text(x.format("%F").to_string()),
        Val::OptDate(x) => x.map_or(Value::Null, |x| Value::Text(x.format("%F").to_string())),
        Val::Bytes(x) => Value::Blob(x.clone()),
        // Encrypted before binding (`Stmt::encrypted`); never bound in clear.
        Val::Secret(..) | Val::Blind(..) | Val::Tokens(_) => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn values_are_stored_as_sqlx_stores_them() {
        let t = Utc.with_ymd_and_hms(2026, 11, 27, 5, 6, 7).unwrap();
        assert_eq!(
            value(&Val::Time(t)),
            Value::Text("2026-11-27T05:06:07+00:00".into())
        );
        let d = chrono::NaiveDate::from_ymd_opt(2026, 1, 2).unwrap();
        assert_eq!(value(&Val::Date(d)), Value::Text("2026-01-02".into()));
        assert_eq!(value(&Val::Bool(true)), Value::Integer(1));
        assert_eq!(value(&Val::OptUuid(None)), Value::Null);
    }

    fn job(stmts: Vec<Stmt>, inject: Option<&'static str>) -> (Job, oneshot::Receiver<Result<()>>) {
        let (reply, rx) = oneshot::channel();
        let batches = match inject {
            // Two batches, so the failure point falls after the first has run.
            Some(_) => vec![stmts, vec![]],
            None => vec![stmts],
        };
        (
            Job {
                batches,
                inject,
                reply,
            },
            rx,
        )
    }

    fn insert(id: i64, name: &str) -> Stmt {
        Stmt::raw(
            "INSERT INTO t (id, name) VALUES ($1, $2)",
            vec![Val::I64(id), name.into()],
        )
    }

    fn names(conn: &Connection) -> Vec<String> {
        let mut st = conn.prepare("SELECT name FROM t ORDER BY id").unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<Vec<String>>>()
            .unwrap()
    }

    /// One commit for several actions: the one that fails (a duplicate key half way, or
    /// an injected failure after its first batch) leaves nothing, the others are kept.
    #[test]
    fn a_failing_action_is_rolled_back_alone() {
        let dir = std::env::temp_dir().join(format!("handoff-group-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("g.db");
        Connection::open(&path)
            .unwrap()
            .execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
            .unwrap();
        let mut conn = open(&path).unwrap();
        let (a, _) = job(vec![insert(1, "a"), insert(2, "b")], None);
        let (dup, _) = job(vec![insert(3, "c"), insert(1, "duplicate")], None);
        let (injected, _) = job(vec![insert(4, "d")], Some("test.point"));
        let (e, _) = job(vec![insert(5, "e")], None);
        let results = commit_group(&mut conn, &[a, dup, injected, e], &Keys::for_tests());
        assert!(results[0].is_ok());
        assert!(
            matches!(results[1], Err(StoreError::Conflict(_))),
            "{:?}",
            results[1]
        );
        assert!(matches!(
            results[2],
            Err(StoreError::Injected("test.point"))
        ));
        assert!(results[3].is_ok());
        assert!(conn.is_autocommit(), "the group's transaction is closed");
        // Read through another connection: the group was committed.
        let other = Connection::open(&path).unwrap();
        assert_eq!(names(&other), ["a", "b", "e"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
