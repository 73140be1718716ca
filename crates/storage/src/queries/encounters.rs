//! Queries of encounters, offenses, decisions, offers.
use super::*;

impl Tx {
    pub async fn insert_encounter(&mut self, e: &EncounterRow) -> Result<()> {
        self.run(&[Stmt::encounter(e)]).await
    }

    pub async fn encounter(&mut self, id: Uuid) -> Result<EncounterRow> {
        Ok(
            q!(self, c => sqlx::query_as::<_, EncounterRow>(sel!(ENCOUNTER, "encounters WHERE id = $1")).bind(id).fetch_one(c).await)?,
        )
    }

    pub async fn encounter_by_reference(&mut self, reference: &str) -> Result<EncounterRow> {
        Ok(
            q!(self, c => sqlx::query_as::<_, EncounterRow>(sel!(ENCOUNTER, "encounters WHERE reference = $1")).bind(reference).fetch_one(c).await)?,
        )
    }

    /// Accepted offers of a person's encounters between `since` and `before`.
    pub async fn prior_participations(
        &mut self,
        participant_id: Uuid,
        since: DateTime<Utc>,
        before: DateTime<Utc>,
    ) -> Result<i64> {
        Ok(
            q!(self, c => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM offers f JOIN encounters e ON e.id = f.encounter_id WHERE e.participant_id = $1 AND f.accepted = TRUE AND e.occurred_at >= $2 AND e.occurred_at < $3").bind(participant_id).bind(since).bind(before).fetch_one(c).await)?,
        )
    }

    /// A program's latest encounters (for a rules dry run).
    pub async fn encounters_recent(
        &mut self,
        program_id: Uuid,
        limit: i64,
    ) -> Result<Vec<EncounterRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, EncounterRow>(sel!(ENCOUNTER, "encounters WHERE program_id = $1 ORDER BY occurred_at DESC LIMIT $2")).bind(program_id).bind(limit).fetch_all(c).await)?,
        )
    }

    const ENCOUNTER_LIST: &'static str = "e.id, e.reference, e.occurred_at, e.officer_id, e.agency_id, p.first_name, p.last_name, d.eligible, o.status AS override_status, f.accepted AS offer_accepted, h.state AS hold_state, e.pathway, x.follow_up_due FROM encounters e JOIN participants p ON p.id = e.participant_id LEFT JOIN eligibility_decisions d ON d.encounter_id = e.id LEFT JOIN eligibility_overrides o ON o.decision_id = d.id LEFT JOIN offers f ON f.encounter_id = e.id LEFT JOIN legal_holds h ON h.encounter_id = e.id LEFT JOIN encounter_facts x ON x.encounter_id = e.id";

    /// How many encounters and people a program holds (the benchmarks).
    pub async fn count_encounters(&mut self, program_id: Uuid) -> Result<i64> {
        Ok(
            q!(self, c => sqlx::query_scalar("SELECT COUNT(*) FROM encounters WHERE program_id = $1").bind(program_id).fetch_one(c).await)?,
        )
    }

    pub async fn count_participants(&mut self, program_id: Uuid) -> Result<i64> {
        Ok(
            q!(self, c => sqlx::query_scalar("SELECT COUNT(*) FROM participants WHERE program_id = $1").bind(program_id).fetch_one(c).await)?,
        )
    }

    const ENCOUNTER_ORDER: Order = Order {
        rank: "0",
        at: "e.occurred_at",
        id: "e.id",
        desc: true,
    };

    /// An officer's own encounters (or an agency's, for supervisors), newest first, one
    /// page.
    pub async fn encounters_of(
        &mut self,
        officer_id: Option<Uuid>,
        agency_id: Uuid,
        page: Page,
    ) -> Result<Paged<EncounterListRow>> {
        let o = Self::ENCOUNTER_ORDER;
        let by = if officer_id.is_some() {
            "e.officer_id = $1 AND e.agency_id = $2"
        } else {
            "e.agency_id = $2 AND $1 IS NULL"
        };
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {}, {} WHERE {by}{}{} LIMIT $3",
            o.key_columns(),
            Self::ENCOUNTER_LIST,
            o.after(4),
            o.order_by(),
        ));
        let (rank, at, id) = page.after_or_start();
        let rows = q!(self, c => sqlx::query_as::<_, EncounterListRow>(sql).bind(officer_id).bind(agency_id).bind(page.limit + 1).bind(rank).bind(at).bind(id).fetch_all(c).await)?;
        let rows = self.open_names(rows)?;
        Ok(split(rows, page.limit, |r| r.page))
    }

    pub async fn insert_offense(&mut self, o: &OffenseRow) -> Result<()> {
        self.run(&[Stmt::offense(o)]).await
    }

    pub async fn offenses(&mut self, encounter_id: Uuid) -> Result<Vec<OffenseRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, OffenseRow>("SELECT id, encounter_id, position, code, code_version, drug_activity, drug_type, quantity, unit FROM offenses WHERE encounter_id = $1 ORDER BY position").bind(encounter_id).fetch_all(c).await)?,
        )
    }

    pub async fn insert_decision(&mut self, d: &DecisionRow) -> Result<()> {
        self.run(&[Stmt::decision(d)]).await
    }

    pub async fn decision(&mut self, encounter_id: Uuid) -> Result<DecisionRow> {
        Ok(
            q!(self, c => sqlx::query_as::<_, DecisionRow>("SELECT id, encounter_id, rules_version, rules_json, attestations, criteria_json, eligible, decided_by, decided_at FROM eligibility_decisions WHERE encounter_id = $1").bind(encounter_id).fetch_one(c).await)?,
        )
    }

    /// Whether an encounter is eligible, and its override's status, in one read.
    pub async fn decision_status(&mut self, encounter_id: Uuid) -> Result<DecisionStatusRow> {
        Ok(
            q!(self, c => sqlx::query_as::<_, DecisionStatusRow>("SELECT d.id, d.eligible, o.status AS override_status FROM eligibility_decisions d LEFT JOIN eligibility_overrides o ON o.decision_id = d.id WHERE d.encounter_id = $1").bind(encounter_id).fetch_one(c).await)?,
        )
    }

    pub async fn insert_override(&mut self, o: &OverrideRow) -> Result<()> {
        q!(self, c => sqlx::query("INSERT INTO eligibility_overrides (id, decision_id, reason, requested_by, requested_at, status, reviewed_by, reviewed_at, review_note) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)")
            .bind(o.id).bind(o.decision_id).bind(&o.reason).bind(o.requested_by).bind(o.requested_at).bind(&o.status).bind(o.reviewed_by).bind(o.reviewed_at).bind(&o.review_note)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn override_of(&mut self, decision_id: Uuid) -> Result<Option<OverrideRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, OverrideRow>("SELECT id, decision_id, reason, requested_by, requested_at, status, reviewed_by, reviewed_at, review_note FROM eligibility_overrides WHERE decision_id = $1").bind(decision_id).fetch_optional(c).await)?,
        )
    }

    /// Records a supervisor's review of a pending override; fails if it is not pending.
    pub async fn review_override(
        &mut self,
        id: Uuid,
        status: &str,
        by: Uuid,
        at: DateTime<Utc>,
        note: &str,
    ) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE eligibility_overrides SET status = $2, reviewed_by = $3, reviewed_at = $4, review_note = $5 WHERE id = $1 AND status = 'pending'")
            .bind(id).bind(status).bind(by).bind(at).bind(note).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    pub async fn pending_overrides(&mut self, agency_id: Uuid) -> Result<Vec<PendingOverrideRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, PendingOverrideRow>("SELECT o.id, e.id AS encounter_id, e.reference, e.agency_id, u.display_name AS officer_name, o.reason, o.requested_at FROM eligibility_overrides o JOIN eligibility_decisions d ON d.id = o.decision_id JOIN encounters e ON e.id = d.encounter_id JOIN users u ON u.id = e.officer_id WHERE e.agency_id = $1 AND o.status = 'pending' ORDER BY o.requested_at")
            .bind(agency_id).fetch_all(c).await)?,
        )
    }

    pub async fn insert_offer(&mut self, o: &OfferRow) -> Result<()> {
        self.run(&[Stmt::offer(o)]).await
    }

    pub async fn offer(&mut self, encounter_id: Uuid) -> Result<Option<OfferRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, OfferRow>("SELECT encounter_id, accepted, decline_reason, offered_by, offered_at FROM offers WHERE encounter_id = $1").bind(encounter_id).fetch_optional(c).await)?,
        )
    }
}
