//! What the morning's reminders to staff read (ADR 0022): each by references and dates
//! only, for the worker to address to the people who must act.
use super::*;

/// Referrals still open (their intake, first contact or arrival yet to come).
const OPEN: &str = "r.status IN ('requested', 'accepted', 'in-progress', 'on-hold')";

impl Tx {
    /// Referrals whose first contact is due by `today` and not made: (organization,
    /// reference, due day, the person it is assigned to).
    pub async fn digest_contacts_due(
        &mut self,
        program_id: Uuid,
        today: NaiveDate,
    ) -> Result<Vec<(Uuid, String, NaiveDate, Option<Uuid>)>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT r.to_org_id, e.reference, r.contact_deadline, r.assigned_to FROM referrals r JOIN encounters e ON e.id = r.encounter_id
             WHERE r.program_id = $1 AND {OPEN} AND r.first_contact_at IS NULL AND r.arrived_at IS NULL
               AND r.contact_deadline IS NOT NULL AND r.contact_deadline <= $2 ORDER BY r.contact_deadline, e.reference"
        ));
        Ok(
            q!(self, c => sqlx::query_as::<_, (Uuid, String, NaiveDate, Option<Uuid>)>(sql).bind(program_id).bind(today).fetch_all(c).await)?,
        )
    }

    /// Held charges whose intake deadline ends before `before` with no intake yet, by the
    /// provider of each referral the hold counts on: (organization, reference, end, the
    /// person the referral is assigned to).
    pub async fn digest_intakes_due(
        &mut self,
        program_id: Uuid,
        before: DateTime<Utc>,
    ) -> Result<Vec<(Uuid, String, DateTime<Utc>, Option<Uuid>)>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT r.to_org_id, e.reference, h.deadline_ends_at, r.assigned_to FROM legal_holds h JOIN encounters e ON e.id = h.encounter_id
             JOIN referrals r ON r.encounter_id = h.encounter_id
             WHERE h.program_id = $1 AND h.state = 'held' AND h.deadline_ends_at < $2 AND r.counts_for_hold = $3
               AND r.intake_at IS NULL AND {OPEN} ORDER BY h.deadline_ends_at, e.reference"
        ));
        Ok(
            q!(self, c => sqlx::query_as::<_, (Uuid, String, DateTime<Utc>, Option<Uuid>)>(sql).bind(program_id).bind(before).bind(true).fetch_all(c).await)?,
        )
    }

    /// Active services' capacities last said before `before`: (organization, capacity,
    /// service, when).
    pub async fn digest_stale_capacity(
        &mut self,
        program_id: Uuid,
        before: DateTime<Utc>,
    ) -> Result<Vec<(Uuid, Uuid, String, DateTime<Utc>)>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, (Uuid, Uuid, String, DateTime<Utc>)>("SELECT s.org_id, c.id, s.name, c.updated_at FROM service_capacity c JOIN directory_services s ON s.id = c.service_id
                WHERE c.program_id = $1 AND s.status = 'active' AND c.updated_at < $2 ORDER BY s.name, c.id")
            .bind(program_id).bind(before).fetch_all(c).await)?,
        )
    }

    /// Follow-up visits (Naloxone Plus and any pathway with one) due by `today` with no
    /// attempt recorded: (the responder who recorded the encounter, reference, due day).
    pub async fn digest_follow_ups_due(
        &mut self,
        program_id: Uuid,
        today: NaiveDate,
    ) -> Result<Vec<(Uuid, String, NaiveDate)>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, (Uuid, String, NaiveDate)>("SELECT e.officer_id, e.reference, f.follow_up_due FROM encounter_facts f JOIN encounters e ON e.id = f.encounter_id
                WHERE e.program_id = $1 AND f.follow_up_due IS NOT NULL AND f.follow_up_due <= $2
                  AND NOT EXISTS (SELECT 1 FROM contact_attempts a WHERE a.encounter_id = e.id) ORDER BY f.follow_up_due, e.reference")
            .bind(program_id).bind(today).fetch_all(c).await)?,
        )
    }

    /// Held charges past their deadline with no decision: (prosecutor's office, encounter,
    /// reference, state, deadline day).
    pub async fn digest_decisions_due(
        &mut self,
        program_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Vec<(Uuid, Uuid, String, String, NaiveDate)>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, (Uuid, Uuid, String, String, NaiveDate)>("SELECT h.prosecutor_org_id, h.encounter_id, e.reference, h.state, h.deadline_day FROM legal_holds h JOIN encounters e ON e.id = h.encounter_id
                WHERE h.program_id = $1 AND h.state IN ('held', 'intake_met', 'deadline_missed') AND h.deadline_ends_at < $2 AND h.decision IS NULL
                ORDER BY h.deadline_day, e.reference")
            .bind(program_id).bind(now).fetch_all(c).await)?,
        )
    }

    /// The active staff of an organization in these roles, by name (not its contacts
    /// without an account, who cannot sign in to act).
    pub async fn staff_of(&mut self, org_id: Uuid, roles: &[&str]) -> Result<Vec<(Uuid, String)>> {
        let list = roles
            .iter()
            .filter(|r| r.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
            .map(|r| format!("'{r}'"))
            .collect::<Vec<_>>()
            .join(",");
        if list.is_empty() {
            return Ok(Vec::new());
        }
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT DISTINCT u.id, u.display_name FROM memberships m JOIN users u ON u.id = m.user_id
             WHERE m.organization_id = $1 AND m.role IN ({list}) AND u.disabled = $2
               AND NOT EXISTS (SELECT 1 FROM link_only_users l WHERE l.user_id = u.id) ORDER BY u.display_name"
        ));
        Ok(
            q!(self, c => sqlx::query_as::<_, (Uuid, String)>(sql).bind(org_id).bind(false).fetch_all(c).await)?,
        )
    }
}
