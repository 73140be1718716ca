//! Queries of jobs.
use super::*;

impl Tx {
    /// Enqueues a job unless one with the same dedupe key exists. Returns whether it was added.
    pub async fn enqueue_job(&mut self, j: &JobRow) -> Result<bool> {
        let n = q!(self, c => sqlx::query("INSERT INTO jobs (id, kind, dedupe_key, payload, run_at, status, attempts, locked_by, locked_until, last_error, created_at, finished_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) ON CONFLICT (dedupe_key) DO NOTHING")
            .bind(j.id).bind(&j.kind).bind(&j.dedupe_key).bind(&j.payload).bind(j.run_at).bind(&j.status).bind(j.attempts).bind(&j.locked_by).bind(j.locked_until).bind(&j.last_error).bind(j.created_at).bind(j.finished_at)
            .execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Moves a pending job to a new time (for example a deadline that was extended).
    pub async fn reschedule_job(&mut self, dedupe_key: &str, run_at: DateTime<Utc>) -> Result<()> {
        q!(self, c => sqlx::query("UPDATE jobs SET run_at = $2, status = 'pending', locked_by = NULL, locked_until = NULL, finished_at = NULL WHERE dedupe_key = $1").bind(dedupe_key).bind(run_at).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// Claims the next due job with a lease. A job whose lease ran out (its worker died) is
    /// due again. On PostgreSQL, FOR UPDATE SKIP LOCKED lets several workers claim at once;
    /// on SQLite the write transaction already serialises them.
    pub async fn claim_job(
        &mut self,
        worker: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Option<JobRow>> {
        let found: Option<Uuid> = match &mut self.inner {
            Inner::Sqlite(t) => sqlx::query_scalar("SELECT id FROM jobs WHERE status = 'pending' AND run_at <= $1 AND (locked_until IS NULL OR locked_until < $1) ORDER BY run_at LIMIT 1")
                .bind(now).fetch_optional(&mut **t).await?,
            Inner::Pg(t) => sqlx::query_scalar("SELECT id FROM jobs WHERE status = 'pending' AND run_at <= $1 AND (locked_until IS NULL OR locked_until < $1) ORDER BY run_at LIMIT 1 FOR UPDATE SKIP LOCKED")
                .bind(now).fetch_optional(&mut **t).await?,
        };
        let Some(id) = found else { return Ok(None) };
        let sql = sqlx::AssertSqlSafe(format!(
            "UPDATE jobs SET locked_by = $2, locked_until = $3, attempts = attempts + 1 WHERE id = $1 RETURNING {JOB}"
        ));
        Ok(Some(
            q!(self, c => sqlx::query_as::<_, JobRow>(sql).bind(id).bind(worker).bind(lease_until).fetch_one(c).await)?,
        ))
    }

    /// Marks a claimed job done, only if this worker still holds its lease.
    pub async fn finish_job(&mut self, id: Uuid, worker: &str, now: DateTime<Utc>) -> Result<bool> {
        let n = q!(self, c => sqlx::query("UPDATE jobs SET status = 'done', finished_at = $3, locked_until = NULL WHERE id = $1 AND locked_by = $2 AND status = 'pending' AND locked_until >= $3")
            .bind(id).bind(worker).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Records a failure; the job runs again after `retry_at`, or is marked failed.
    pub async fn fail_job(
        &mut self,
        id: Uuid,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        match retry_at {
            Some(at) => {
                q!(self, c => sqlx::query("UPDATE jobs SET last_error = $2, run_at = $3, locked_by = NULL, locked_until = NULL WHERE id = $1").bind(id).bind(error).bind(at).execute(c).await.map(|_| ()))?
            }
            None => {
                q!(self, c => sqlx::query("UPDATE jobs SET last_error = $2, status = 'failed', finished_at = $3, locked_until = NULL WHERE id = $1").bind(id).bind(error).bind(now).execute(c).await.map(|_| ()))?
            }
        }
        Ok(())
    }

    pub async fn job_by_key(&mut self, dedupe_key: &str) -> Result<Option<JobRow>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {JOB} FROM jobs WHERE dedupe_key = $1"));
        Ok(
            q!(self, c => sqlx::query_as::<_, JobRow>(sql).bind(dedupe_key).fetch_optional(c).await)?,
        )
    }
}
