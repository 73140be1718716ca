//! Reading many fact rows fast (exports of millions of rows): pages of rows in day order,
//! sent through a channel by a reader, so that the caller formats one page while the next
//! is read. The order inside a day is the index's (the export orders rows itself, by key):
//! ordering by encounter too made both databases sort every day's rows, which was a third
//! of PostgreSQL's work for an export. On SQLite the reader is a thread with its own read-only connection
//! (sqlx's per-row cost is the bottleneck at that scale); on PostgreSQL, the pool.
use chrono::{DateTime, NaiveDate, Utc};
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::rows::{Code, ExportRow};
use crate::{Pools, Result, Store, StoreError};

/// Rows per page.
pub const SCAN_PAGE: usize = 20_000;

const COLUMNS: &str = "encounter_id, day, month, pathway, agency_id, agency_kind, officer_id, provider_id, participant_id, sex, race, ethnicity, age, prior_encounters, eligible, offered, accepted, referred, screened, handed_off, warm_minutes, contact_minutes, intake_minutes, engaged_minutes, exit_kind, exit_minutes, deadline_ends_at, deadline_met";

impl Store {
    /// Streams a program's fact rows of a period, in pages. The receiver ends after the
    /// last page, or with an error.
    pub fn scan_fact_rows(
        &self,
        program_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> mpsc::Receiver<Result<Vec<ExportRow>>> {
        self.scan_fact_rows_by(program_id, from, to, SCAN_PAGE)
    }

    /// The same, in pages of `size` rows (tests page small).
    pub fn scan_fact_rows_by(
        &self,
        program_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
        size: usize,
    ) -> mpsc::Receiver<Result<Vec<ExportRow>>> {
        let size = size.max(1);
        let (tx, rx) = mpsc::channel(2);
        match &self.pools {
            Pools::Sqlite { path, .. } => {
                let path = path.clone();
                std::thread::spawn(move || {
                    if let Err(e) = sqlite_scan(&path, program_id, from, to, size, &tx) {
                        let _ = tx.blocking_send(Err(e));
                    }
                });
            }
            Pools::Pg(pool) => {
                let pool = pool.clone();
                tokio::spawn(async move {
                    if let Err(e) = pg_scan(pool, program_id, from, to, size, &tx).await {
                        let _ = tx.send(Err(e)).await;
                    }
                });
            }
        }
        rx
    }
}

/// One `COPY ... TO STDOUT (FORMAT binary)` of the period (one snapshot; the server
/// streams while the rows are parsed), cut into pages (`pgcopy`).
async fn pg_scan(
    pool: sqlx::PgPool,
    program_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    size: usize,
    tx: &mpsc::Sender<Result<Vec<ExportRow>>>,
) -> Result<()> {
    use sqlx::postgres::PgPoolCopyExt;
    // COPY takes no parameters: the id and days are written as literals (typed values,
    // formatted here, not text from outside).
    let sql = format!(
        "COPY (SELECT {COLUMNS} FROM fact_rows WHERE program_id = '{}' AND day >= '{}' AND day <= '{}' ORDER BY day) TO STDOUT (FORMAT binary)",
        program_id.as_hyphenated(),
        from.format("%Y-%m-%d"),
        to.format("%Y-%m-%d")
    );
    let mut stream = pool.copy_out_raw(&sql).await?;
    let mut reader = crate::pgcopy::CopyReader::default();
    let mut page = Vec::with_capacity(size);
    while let Some(chunk) = std::future::poll_fn(|cx| stream.as_mut().poll_next(cx)).await {
        for row in reader.feed(&chunk?)? {
            page.push(row);
            if page.len() == size {
                let full = std::mem::replace(&mut page, Vec::with_capacity(size));
                if tx.send(Ok(full)).await.is_err() {
                    return Ok(());
                }
            }
        }
    }
    if !reader.finished() {
        return Err(bad("COPY ended before its trailer"));
    }
    if !page.is_empty() {
        let _ = tx.send(Ok(page)).await;
    }
    Ok(())
}

fn sqlite_scan(
    path: &std::path::Path,
    program_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    size: usize,
    tx: &mpsc::Sender<Result<Vec<ExportRow>>>,
) -> Result<()> {
    let conn = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    // One read transaction: the pages are one consistent view.
    conn.execute_batch("BEGIN")?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM fact_rows WHERE program_id = ?1 AND day >= ?2 AND day <= ?3 ORDER BY day"
    ))?;
    let mut rows = stmt.query(rusqlite::params![
        program_id.as_bytes().as_slice(),
        from.to_string(),
        to.to_string()
    ])?;
    let mut page = Vec::with_capacity(size);
    while let Some(r) = rows.next()? {
        page.push(row(r)?);
        if page.len() == size {
            let full = std::mem::replace(&mut page, Vec::with_capacity(size));
            if tx.blocking_send(Ok(full)).is_err() {
                return Ok(());
            }
        }
    }
    if !page.is_empty() {
        let _ = tx.blocking_send(Ok(page));
    }
    Ok(())
}

fn bad(what: &str) -> StoreError {
    StoreError::Corrupt(format!("fact_rows: unreadable {what}"))
}

fn uuid(r: &rusqlite::Row<'_>, i: usize) -> Result<Uuid> {
    let b: Vec<u8> = r.get(i)?;
    Uuid::from_slice(&b).map_err(|_| bad("id"))
}

fn opt_uuid(r: &rusqlite::Row<'_>, i: usize) -> Result<Option<Uuid>> {
    let b: Option<Vec<u8>> = r.get(i)?;
    b.map(|b| Uuid::from_slice(&b).map_err(|_| bad("id")))
        .transpose()
}

fn time(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| {
            chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").map(|t| t.and_utc())
        })
        .map_err(|_| bad("time"))
}

fn opt_time(r: &rusqlite::Row<'_>, i: usize) -> Result<Option<DateTime<Utc>>> {
    let s: Option<String> = r.get(i)?;
    s.as_deref().map(time).transpose()
}

/// A coded text, read in place (no `String` made).
fn code(r: &rusqlite::Row<'_>, i: usize) -> Result<Code> {
    let s = r.get_ref(i)?.as_str().map_err(|_| bad("text"))?;
    Ok(Code::new(s))
}

fn opt_code(r: &rusqlite::Row<'_>, i: usize) -> Result<Option<Code>> {
    let s = r.get_ref(i)?.as_str_or_null().map_err(|_| bad("text"))?;
    Ok(s.map(Code::new))
}

fn row(r: &rusqlite::Row<'_>) -> Result<ExportRow> {
    let day: String = r.get(1)?;
    Ok(ExportRow {
        encounter_id: uuid(r, 0)?,
        day: NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|_| bad("day"))?,
        month: code(r, 2)?,
        pathway: code(r, 3)?,
        agency_id: uuid(r, 4)?,
        agency_kind: code(r, 5)?,
        officer_id: uuid(r, 6)?,
        provider_id: opt_uuid(r, 7)?,
        participant_id: uuid(r, 8)?,
        sex: code(r, 9)?,
        race: code(r, 10)?,
        ethnicity: code(r, 11)?,
        age: r.get(12)?,
        prior_encounters: r.get(13)?,
        eligible: r.get(14)?,
        offered: r.get(15)?,
        accepted: r.get(16)?,
        referred: r.get(17)?,
        screened: r.get(18)?,
        handed_off: r.get(19)?,
        warm_minutes: r.get(20)?,
        contact_minutes: r.get(21)?,
        intake_minutes: r.get(22)?,
        engaged_minutes: r.get(23)?,
        exit_kind: opt_code(r, 24)?,
        exit_minutes: r.get(25)?,
        deadline_ends_at: opt_time(r, 26)?,
        deadline_met: r.get(27)?,
    })
}

/// A program's capacities, and the units held now by capacity.
pub type CapacitiesNow = (Vec<crate::rows::CapacityRow>, Vec<(Uuid, i64)>);

impl Store {
    /// A program's capacities and the units held now, read at once for the officer's
    /// choice (ADR 0017). On SQLite by a blocking read on a connection of its own (sqlx hands
    /// each row across threads, which costs more than the read at thousands of rows).
    pub async fn capacities_now(
        &self,
        program_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<CapacitiesNow> {
        match &self.pools {
            Pools::Sqlite { path, .. } => {
                let path = path.clone();
                tokio::task::spawn_blocking(move || sqlite_capacities(&path, program_id, now))
                    .await
                    .map_err(|e| StoreError::Corrupt(format!("capacity read: {e}")))?
            }
            Pools::Pg(_) => {
                let mut tx = self.read().await?;
                let caps = tx.capacities(program_id).await?;
                let held = tx.live_holds(program_id, now).await?;
                tx.rollback().await?;
                Ok((caps, held))
            }
        }
    }
}

fn sqlite_capacities(
    path: &std::path::Path,
    program_id: Uuid,
    now: DateTime<Utc>,
) -> Result<CapacitiesNow> {
    let conn = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.execute_batch("BEGIN")?;
    let pid = program_id.as_bytes().as_slice();
    let mut stmt = conn.prepare(
        "SELECT id, service_id, unit, available, maximum, description, updated_at FROM service_capacity WHERE program_id = ?1 ORDER BY service_id, id",
    )?;
    let mut rows = stmt.query(rusqlite::params![pid])?;
    let mut caps = Vec::new();
    while let Some(r) = rows.next()? {
        let updated: String = r.get(6)?;
        caps.push(crate::rows::CapacityRow {
            id: uuid(r, 0)?,
            program_id,
            service_id: uuid(r, 1)?,
            unit: r.get(2)?,
            available: r.get(3)?,
            maximum: r.get(4)?,
            description: r.get(5)?,
            updated_at: time(&updated)?,
        });
    }
    // The same text form sqlx binds a time in, so that the comparison is the one the
    // queries make.
    let now_text = now.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false);
    let mut stmt = conn.prepare(
        "SELECT capacity_id, COUNT(*) FROM capacity_holds WHERE program_id = ?1 AND state = 'held' AND expires_at > ?2 GROUP BY capacity_id",
    )?;
    let mut rows = stmt.query(rusqlite::params![pid, now_text])?;
    let mut held = Vec::new();
    while let Some(r) = rows.next()? {
        held.push((uuid(r, 0)?, r.get(1)?));
    }
    Ok((caps, held))
}
