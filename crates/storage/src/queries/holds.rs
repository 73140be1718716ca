//! Queries of legal holds.
use super::*;

impl Tx {
    pub async fn insert_hold(&mut self, h: &HoldRow) -> Result<()> {
        self.run(&[Stmt::hold(h)]).await
    }

    pub async fn hold(&mut self, id: Uuid) -> Result<HoldRow> {
        Ok(
            q!(self, c => sqlx::query_as::<_, HoldRow>(sel!(HOLD, "legal_holds WHERE id = $1")).bind(id).fetch_one(c).await)?,
        )
    }

    pub async fn hold_for_encounter(&mut self, encounter_id: Uuid) -> Result<Option<HoldRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, HoldRow>(sel!(HOLD, "legal_holds WHERE encounter_id = $1")).bind(encounter_id).fetch_optional(c).await)?,
        )
    }

    /// Writes a hold, only if it is unchanged since `read` was read (same state and
    /// version): two workers, or a worker and a user, cannot both move it, and a decision
    /// cannot be overwritten by a write based on an older copy. Conflict otherwise.
    pub async fn update_hold(&mut self, h: &HoldRow, read: &HoldRow) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE legal_holds SET state = $2, correction = $3, decision = $4, decision_reason = $5, decided_by = $6, decided_at = $7, deadline_day = $8, deadline_ends_at = $9, updated_at = $10 WHERE id = $1 AND state = $11 AND updated_at = $12")
            .bind(h.id).bind(&h.state).bind(&h.correction).bind(&h.decision).bind(&h.decision_reason).bind(h.decided_by).bind(h.decided_at).bind(h.deadline_day).bind(h.deadline_ends_at).bind(h.updated_at).bind(&read.state).bind(read.updated_at)
            .execute(c).await.map(|r| r.rows_affected()))?;
        if n == 1 {
            Ok(())
        } else {
            Err(StoreError::Conflict(
                "The legal hold was changed at the same time; reload and try again.".into(),
            ))
        }
    }

    const HOLD_QUEUE: &'static str = "h.id, h.encounter_id, e.reference, e.occurred_at, p.first_name, p.last_name, a.name AS agency_name, h.kind, h.deadline_day, h.deadline_ends_at, h.state, h.correction FROM legal_holds h JOIN encounters e ON e.id = h.encounter_id JOIN participants p ON p.id = e.participant_id JOIN organizations a ON a.id = e.agency_id";

    /// A prosecutor's office's holds, one page: undecided first, by deadline.
    pub async fn hold_queue(
        &mut self,
        prosecutor_org_id: Uuid,
        page: Page,
    ) -> Result<Paged<HoldQueueRow>> {
        let o = Order {
            rank: "CASE WHEN h.state IN ('filed','declined_to_file') THEN 1 ELSE 0 END",
            at: "h.deadline_ends_at",
            id: "h.id",
            desc: false,
        };
        self.hold_page(
            o,
            "h.prosecutor_org_id = $1 AND $2 IS NULL",
            prosecutor_org_id,
            None,
            page,
        )
        .await
    }

    /// Holds still waiting for intake whose deadline ends before `before` (overdue and due
    /// soon), and deadlines missed, for the coordinator; one page, by deadline.
    pub async fn holds_due(
        &mut self,
        program_id: Uuid,
        before: DateTime<Utc>,
        page: Page,
    ) -> Result<Paged<HoldQueueRow>> {
        let o = Order {
            rank: "0",
            at: "h.deadline_ends_at",
            id: "h.id",
            desc: false,
        };
        self.hold_page(
            o,
            "h.program_id = $1 AND ((h.state = 'held' AND h.deadline_ends_at < $2) OR h.state = 'deadline_missed')",
            program_id,
            Some(before),
            page,
        )
        .await
    }

    async fn hold_page(
        &mut self,
        o: Order,
        filter: &str,
        scope: Uuid,
        before: Option<DateTime<Utc>>,
        page: Page,
    ) -> Result<Paged<HoldQueueRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {}, {} WHERE {filter}{}{} LIMIT $3",
            o.key_columns(),
            Self::HOLD_QUEUE,
            o.after(4),
            o.order_by(),
        ));
        let (rank, at, id) = page.after_or_start();
        let rows = q!(self, c => sqlx::query_as::<_, HoldQueueRow>(sql).bind(scope).bind(before).bind(page.limit + 1).bind(rank).bind(at).bind(id).fetch_all(c).await)?;
        let rows = self.open_names(rows)?;
        Ok(split(rows, page.limit, |r| r.page))
    }
}
