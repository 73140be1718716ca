//! Queries of audit.
use super::*;

impl Tx {
    pub async fn insert_audit(&mut self, a: &NewAudit) -> Result<()> {
        self.run(&[Stmt::audit(a)]).await
    }

    /// Records without a seal (written before the chain existed, or outside Handoff), in
    /// the order they were written.
    pub async fn unsealed_audit(&mut self) -> Result<Vec<AuditChainRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, AuditChainRow>(concat!("SELECT ", chain_cols!(), " FROM audit_log WHERE hash IS NULL OR seq IS NULL ORDER BY id")).fetch_all(c).await)?,
        )
    }

    /// Seals the given records after the chain's head, in the given order.
    pub(crate) async fn seal_audit_rows(&mut self, rows: Vec<AuditChainRow>) -> Result<()> {
        let mut head = self.audit_head().await?;
        for r in rows {
            let (seq, prev, hash) = crate::chain::next(&self.keys.audit, &mut head, &r.record);
            q!(self, c => sqlx::query("UPDATE audit_log SET seq = $1, prev_hash = $2, hash = $3 WHERE id = $4").bind(seq).bind(&prev).bind(&hash).bind(r.id).execute(c).await.map(|_| ()))?;
        }
        self.audit_head = Some(head);
        Ok(())
    }

    /// Removes the audit records written before `before`, from the start of the chain,
    /// always keeping the last record, and moves the sealed checkpoint to the last one
    /// removed. Returns how many were removed.
    pub async fn prune_audit(&mut self, before: DateTime<Utc>, now: DateTime<Utc>) -> Result<u64> {
        // Takes the chain's lock on PostgreSQL; on SQLite the write gate is held.
        let head = self.audit_head().await?;
        let through: Option<(i64, String, DateTime<Utc>)> = q!(self, c => sqlx::query_as("SELECT seq, hash, at FROM audit_log WHERE seq IS NOT NULL AND at < $1 AND seq < $2 ORDER BY seq DESC LIMIT 1").bind(before).bind(head.seq).fetch_optional(c).await)?;
        let Some((seq, hash, at)) = through else {
            return Ok(0);
        };
        let removed = q!(self, c => sqlx::query("DELETE FROM audit_log WHERE seq <= $1").bind(seq).execute(c).await.map(|r| r.rows_affected()))?;
        let earlier = self
            .audit_checkpoint()
            .await?
            .map_or(0, |c| c.records_pruned);
        let mac = crate::chain::checkpoint_mac(
            &self.keys.audit,
            &crate::chain::Head {
                seq,
                hash: hash.clone(),
            },
        );
        q!(self, c => sqlx::query("DELETE FROM audit_checkpoint").execute(c).await.map(|_| ()))?;
        q!(self, c => sqlx::query("INSERT INTO audit_checkpoint (id, through_seq, through_hash, through_at, pruned_at, records_pruned, mac) VALUES (1, $1, $2, $3, $4, $5, $6)")
            .bind(seq).bind(&hash).bind(at).bind(now).bind(earlier + removed as i64).bind(&mac)
            .execute(c).await.map(|_| ()))?;
        Ok(removed)
    }

    /// Where the chain starts after records were removed, if ever.
    pub async fn audit_checkpoint(&mut self) -> Result<Option<AuditCheckpointRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, AuditCheckpointRow>("SELECT through_seq, through_hash, through_at, pruned_at, records_pruned, mac FROM audit_checkpoint WHERE id = 1").fetch_optional(c).await)?,
        )
    }

    /// Audit records matching a coordinator's search, newest first: only records of
    /// users of `program_id`.
    pub async fn audit_search(&mut self, f: &AuditFilter, limit: i64) -> Result<Vec<AuditRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, AuditRow>("SELECT id, at, user_id, username, action, resource_kind, resource_id, outcome, ip, user_agent, detail FROM audit_log \
                WHERE (user_id IN (SELECT user_id FROM memberships WHERE program_id = $1) OR user_id IS NULL) \
                AND ($2 = '' OR username = $2) AND ($3 = '' OR action LIKE $3 ESCAPE '\\') AND ($4 = '' OR resource_id = $4) \
                AND ($5 = '' OR outcome = $5) AND at >= $6 AND at < $7 \
                ORDER BY seq DESC LIMIT $8")
                .bind(f.program_id).bind(&f.username).bind(&f.action_prefix).bind(&f.resource_id).bind(&f.outcome).bind(f.from).bind(f.to).bind(limit)
                .fetch_all(c).await)?,
        )
    }

    /// Sealed records after `after_seq`, in chain order.
    pub async fn audit_chain_page(
        &mut self,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<AuditChainRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, AuditChainRow>(concat!("SELECT ", chain_cols!(), " FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2")).bind(after_seq).bind(limit).fetch_all(c).await)?,
        )
    }

    pub async fn audit_for(
        &mut self,
        resource_kind: &str,
        resource_id: &str,
    ) -> Result<Vec<AuditRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, AuditRow>("SELECT id, at, user_id, username, action, resource_kind, resource_id, outcome, ip, user_agent, detail FROM audit_log WHERE resource_kind = $1 AND resource_id = $2 ORDER BY id").bind(resource_kind).bind(resource_id).fetch_all(c).await)?,
        )
    }

    pub async fn audit_recent(&mut self, limit: i64) -> Result<Vec<AuditRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, AuditRow>("SELECT id, at, user_id, username, action, resource_kind, resource_id, outcome, ip, user_agent, detail FROM audit_log ORDER BY id DESC LIMIT $1").bind(limit).fetch_all(c).await)?,
        )
    }
}
