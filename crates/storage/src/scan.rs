//! Reading many fact rows fast (exports of millions of rows): pages of rows in (day,
//! encounter) order, sent through a channel by a reader, so that the caller formats one page while
//! the next is read. On SQLite the reader is a thread with its own read-only connection
//! (sqlx's per-row cost is the bottleneck at that scale); on PostgreSQL, the pool.
use chrono::{DateTime, NaiveDate, Utc};
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::rows::FactRow;
use crate::{Pools, Result, Store, StoreError};

/// Rows per page.
pub const SCAN_PAGE: usize = 20_000;

const COLUMNS: &str = "encounter_id, program_id, occurred_at, day, month, pathway, agency_id, agency_kind, officer_id, provider_id, participant_id, sex, race, ethnicity, age, prior_encounters, eligible, offered, accepted, referred, screened, handed_off, warm_minutes, contact_minutes, intake_minutes, engaged_minutes, engaged_at, exit_kind, exit_minutes, deadline_ends_at, deadline_met, updated_at";

impl Store {
    /// Streams a program's fact rows of a period, in pages. The receiver ends after the
    /// last page, or with an error.
    pub fn scan_fact_rows(
        &self,
        program_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> mpsc::Receiver<Result<Vec<FactRow>>> {
        self.scan_fact_rows_by(program_id, from, to, SCAN_PAGE)
    }

    /// The same, in pages of `size` rows (tests page small).
    pub fn scan_fact_rows_by(
        &self,
        program_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
        size: usize,
    ) -> mpsc::Receiver<Result<Vec<FactRow>>> {
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
            Pools::Pg(_) => {
                let store = self.clone();
                tokio::spawn(async move {
                    let mut after = (from, Uuid::nil());
                    loop {
                        let page = async {
                            let mut t = store.read().await?;
                            let p = t.fact_rows_page(program_id, to, after, size as i64).await?;
                            t.rollback().await?;
                            Ok::<_, StoreError>(p)
                        }
                        .await;
                        let (last, n) = match &page {
                            Ok(p) => (p.last().map(|r| (r.day, r.encounter_id)), p.len()),
                            Err(_) => (None, 0),
                        };
                        if tx.send(page).await.is_err() || n < size {
                            return;
                        }
                        match last {
                            Some(l) => after = l,
                            None => return,
                        }
                    }
                });
            }
        }
        rx
    }
}

fn sqlite_scan(
    path: &std::path::Path,
    program_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    size: usize,
    tx: &mpsc::Sender<Result<Vec<FactRow>>>,
) -> Result<()> {
    let conn = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    // One read transaction: the pages are one consistent view.
    conn.execute_batch("BEGIN")?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM fact_rows WHERE program_id = ?1 AND day >= ?2 AND day <= ?3 ORDER BY day, encounter_id"
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

fn row(r: &rusqlite::Row<'_>) -> Result<FactRow> {
    let occurred: String = r.get(2)?;
    let day: String = r.get(3)?;
    let updated: String = r.get(31)?;
    Ok(FactRow {
        encounter_id: uuid(r, 0)?,
        program_id: uuid(r, 1)?,
        occurred_at: time(&occurred)?,
        day: NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|_| bad("day"))?,
        month: r.get(4)?,
        pathway: r.get(5)?,
        agency_id: uuid(r, 6)?,
        agency_kind: r.get(7)?,
        officer_id: uuid(r, 8)?,
        provider_id: opt_uuid(r, 9)?,
        participant_id: uuid(r, 10)?,
        sex: r.get(11)?,
        race: r.get(12)?,
        ethnicity: r.get(13)?,
        age: r.get(14)?,
        prior_encounters: r.get(15)?,
        eligible: r.get(16)?,
        offered: r.get(17)?,
        accepted: r.get(18)?,
        referred: r.get(19)?,
        screened: r.get(20)?,
        handed_off: r.get(21)?,
        warm_minutes: r.get(22)?,
        contact_minutes: r.get(23)?,
        intake_minutes: r.get(24)?,
        engaged_minutes: r.get(25)?,
        engaged_at: opt_time(r, 26)?,
        exit_kind: r.get(27)?,
        exit_minutes: r.get(28)?,
        deadline_ends_at: opt_time(r, 29)?,
        deadline_met: r.get(30)?,
        updated_at: time(&updated)?,
    })
}
