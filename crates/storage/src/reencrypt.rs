//! Bringing every encrypted field under the active data key (docs/adr/0009): values
//! written before encryption existed (legacy plaintext, whose blind indexes are computed
//! too) and values under a retired key (after `handoff keys rotate`). Batches of rows, one
//! transaction each, so an interrupted run simply continues at the next start.
use handoff_domain::input::{match_key, normalize_name};

use crate::rows::ParticipantRaw;
use crate::{Result, Store, StoreError, crypto, q};

const BATCH: i64 = 500;

/// A table's encrypted text columns (besides participants, handled with their indexes).
const SIMPLE: &[(&str, &[&str])] = &[
    ("consents", &["signed_name"]),
    ("service_events", &["reason", "note"]),
    ("users", &["totp_secret"]),
    ("screenings", &["answers"]),
    ("contact_attempts", &["note"]),
    ("messages", &["address", "subject", "body"]),
    ("user_contacts", &["address"]),
];

impl Store {
    /// Encrypts under the active key every value that is not; returns how many rows changed.
    pub async fn encrypt_all(&self) -> Result<u64> {
        let mut changed = 0;
        loop {
            let n = self.encrypt_participants().await?;
            changed += n;
            if n < BATCH as u64 {
                break;
            }
        }
        for (table, columns) in SIMPLE {
            loop {
                let n = self.encrypt_simple(table, columns).await?;
                changed += n;
                if n < BATCH as u64 {
                    break;
                }
            }
        }
        Ok(changed)
    }

    fn active_pattern(&self) -> String {
        format!("e1:{}:%", self.keys.data.id())
    }

    async fn encrypt_participants(&self) -> Result<u64> {
        let pattern = self.active_pattern();
        let mut tx = self.write().await?;
        let rows = q!(tx, c => sqlx::query_as::<_, ParticipantRaw>("SELECT id, program_id, first_name, last_name, dob, sex, race, ethnicity, phone, email, match_key, search_name, created_at, created_by, erased_at FROM participants \
            WHERE erased_at IS NULL AND (first_name NOT LIKE $1 OR last_name NOT LIKE $1 OR dob NOT LIKE $1 \
            OR (phone IS NOT NULL AND phone NOT LIKE $1) OR (email IS NOT NULL AND email NOT LIKE $1)) LIMIT $2")
            .bind(&pattern).bind(BATCH).fetch_all(c).await)?;
        let keys = tx.keys.clone();
        for r in &rows {
            let open = |col: &str, v: &str| crypto::open(&keys, col, v);
            let first = open("participants.first_name", &r.first_name)?;
            let last = open("participants.last_name", &r.last_name)?;
            let dob = open("participants.dob", &r.dob)?;
            let phone = crypto::open_opt(&keys, "participants.phone", r.phone.as_deref())?;
            let email = crypto::open_opt(&keys, "participants.email", r.email.as_deref())?;
            // Legacy rows: their match key and search column were plaintext.
            let (mk, search) = if crypto::key_id(&r.last_name).is_none() {
                let date = chrono::NaiveDate::parse_from_str(&dob, "%F").map_err(|_| {
                    StoreError::Corrupt(format!("participant {}: birth date {dob:?}", r.id))
                })?;
                let terms =
                    crypto::search_terms(&normalize_name(&last), &normalize_name(&first), &dob);
                (
                    crypto::blind(
                        &keys,
                        crate::crypto::MATCH_DOMAIN,
                        &match_key(&first, &last, date),
                    ),
                    crypto::token_column(&keys, &terms),
                )
            } else {
                (r.match_key.clone(), r.search_name.clone())
            };
            let seal = |col: &str, v: &str| crypto::seal(&keys, col, v);
            let seal_opt = |col: &str, v: Option<&str>| v.map(|v| seal(col, v)).transpose();
            q!(tx, c => sqlx::query("UPDATE participants SET first_name = $2, last_name = $3, dob = $4, phone = $5, email = $6, match_key = $7, search_name = $8 WHERE id = $1")
                .bind(r.id)
                .bind(seal("participants.first_name", &first)?)
                .bind(seal("participants.last_name", &last)?)
                .bind(seal("participants.dob", &dob)?)
                .bind(seal_opt("participants.phone", phone.as_deref())?)
                .bind(seal_opt("participants.email", email.as_deref())?)
                .bind(mk)
                .bind(search)
                .execute(c).await.map(|_| ()))?;
        }
        tx.commit().await?;
        Ok(rows.len() as u64)
    }

    async fn encrypt_simple(&self, table: &str, columns: &[&str]) -> Result<u64> {
        let pattern = self.active_pattern();
        let mut tx = self.write().await?;
        let cond = columns
            .iter()
            .map(|c| format!("({c} IS NOT NULL AND {c} NOT LIKE $1)"))
            .collect::<Vec<_>>()
            .join(" OR ");
        let cols = columns.join(", ");
        // Table and column names are constants (SIMPLE), never input.
        let sql = format!("SELECT CAST(id AS TEXT), {cols} FROM {table} WHERE {cond} LIMIT $2");
        let rows: Vec<Vec<Option<String>>> = match &mut tx.inner {
            crate::Inner::Sqlite(t) => {
                use sqlx::Row;
                let sql = format!("SELECT id, {cols} FROM {table} WHERE {cond} LIMIT $2");
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(&pattern)
                    .bind(BATCH)
                    .fetch_all(&mut **t)
                    .await?
                    .iter()
                    .map(|r| {
                        let id: uuid::Uuid = r.try_get(0)?;
                        let mut v = vec![Some(id.to_string())];
                        for i in 0..columns.len() {
                            v.push(r.try_get::<Option<String>, _>(i + 1)?);
                        }
                        Ok(v)
                    })
                    .collect::<std::result::Result<_, sqlx::Error>>()?
            }
            crate::Inner::Pg(t) => {
                use sqlx::Row;
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(&pattern)
                    .bind(BATCH)
                    .fetch_all(&mut **t)
                    .await?
                    .iter()
                    .map(|r| {
                        (0..=columns.len())
                            .map(|i| r.try_get::<Option<String>, _>(i))
                            .collect::<std::result::Result<Vec<_>, _>>()
                    })
                    .collect::<std::result::Result<_, sqlx::Error>>()?
            }
        };
        let keys = tx.keys.clone();
        for r in &rows {
            let id = r[0]
                .as_deref()
                .and_then(|s| uuid::Uuid::parse_str(s).ok())
                .ok_or_else(|| StoreError::Corrupt(format!("{table}: a row without an id")))?;
            let mut sets = Vec::new();
            let mut values = Vec::new();
            for (i, col) in columns.iter().enumerate() {
                let name = format!("{table}.{col}");
                let v = crypto::open_opt(&keys, &name, r[i + 1].as_deref())?;
                values.push(v.map(|v| crypto::seal(&keys, &name, &v)).transpose()?);
                sets.push(format!("{col} = ${}", i + 2));
            }
            let sql = format!("UPDATE {table} SET {} WHERE id = $1", sets.join(", "));
            q!(tx, c => {
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id);
                for v in &values {
                    q = q.bind(v.clone());
                }
                q.execute(c).await.map(|_| ())
            })?;
        }
        tx.commit().await?;
        Ok(rows.len() as u64)
    }
}
