//! Keyset paging (issue 13): a list is ordered by (rank, time, id), and a page starts after
//! the key of the last row of the page before. Rows added meanwhile never shift a page, so
//! paging to the end gives each row once.
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Where a row stands in its list's order, selected with the row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct PageKey {
    pub page_rank: i64,
    pub page_at: DateTime<Utc>,
    pub page_id: Uuid,
}

/// Which page of a list: after a row's key (or from the start), at most `limit` rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub after: Option<PageKey>,
    pub limit: i64,
}

impl Page {
    pub fn first(limit: i64) -> Self {
        Page { after: None, limit }
    }

    /// The key to bind: the cursor's, or one before every row (ranks are never negative).
    pub(crate) fn after_or_start(&self) -> (i64, DateTime<Utc>, Uuid) {
        match self.after {
            Some(k) => (k.page_rank, k.page_at, k.page_id),
            None => (-1, DateTime::<Utc>::UNIX_EPOCH, Uuid::nil()),
        }
    }
}

/// One page of rows, and the key to ask for the next one (none at the end).
#[derive(Debug, Clone)]
pub struct Paged<T> {
    pub rows: Vec<T>,
    pub next: Option<PageKey>,
}

/// How a list is ordered: rank ascending, then time and id ascending or descending.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Order {
    pub rank: &'static str,
    pub at: &'static str,
    pub id: &'static str,
    pub desc: bool,
}

impl Order {
    /// The columns that make the key (selected with each row).
    pub fn key_columns(&self) -> String {
        format!(
            "CAST({} AS BIGINT) AS page_rank, {} AS page_at, {} AS page_id",
            self.rank, self.at, self.id
        )
    }

    /// `AND` the rows after the key bound as `$n` (rank), `$n+1` (time), `$n+2` (id). From
    /// the start, the key's rank is below every row's.
    pub fn after(&self, n: usize) -> String {
        let (r, t, i) = (n, n + 1, n + 2);
        let cmp = if self.desc { "<" } else { ">" };
        format!(
            " AND (({rank}) > ${r} OR (({rank}) = ${r} AND ({at} {cmp} ${t} OR ({at} = ${t} AND {id} {cmp} ${i}))))",
            rank = self.rank,
            at = self.at,
            id = self.id,
        )
    }

    pub fn order_by(&self) -> String {
        let dir = if self.desc { "DESC" } else { "ASC" };
        // A constant rank orders nothing (and a number in ORDER BY names a column).
        let rank = if self.rank.parse::<i64>().is_ok() {
            String::new()
        } else {
            format!("{} ASC, ", self.rank)
        };
        format!(" ORDER BY {rank}{} {dir}, {} {dir}", self.at, self.id)
    }
}

/// Splits a fetch of `limit + 1` rows into the page and the next key.
pub(crate) fn split<T>(mut rows: Vec<T>, limit: i64, key: impl Fn(&T) -> PageKey) -> Paged<T> {
    let limit = usize::try_from(limit.max(0)).unwrap_or(0);
    let next = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(key)
    } else {
        None
    };
    Paged { rows, next }
}
