//! The queries, each written once for both backends.
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::rows::*;
use crate::{Inner, Result, Stmt, StoreError, Tx, crypto, q};

/// The blind index domain of the duplicate check's match key.
pub(crate) const MATCH_DOMAIN: &str = "match";

const PROGRAM: &str = "id, name, time_zone, pathways, intake_deadline_days, supervisor_approves_overrides, created_at, suppression_threshold";
const ORG: &str = "id, program_id, kind, name, address, phone, hours, what_to_bring, created_at";
const USER: &str = "id, username, display_name, password_hash, disabled, created_at, last_sign_in_at, failed_count, failed_since, locked_at, unlocked_at, totp_secret, totp_enrolled_at, totp_last_step";
const PARTICIPANT: &str = "id, program_id, first_name, last_name, dob, sex, race, ethnicity, phone, email, match_key, search_name, created_at, created_by, erased_at";
const CASE_FACT: &str = "encounter_id, program_id, occurred_at, day, month, pathway, agency_id, agency_kind, officer_id, provider_id, participant_id, sex, race, ethnicity, age, prior_encounters, eligible, offered, accepted, referred, screened, handed_off, warm_minutes, contact_minutes, intake_minutes, engaged_minutes, engaged_at, exit_kind, exit_minutes, deadline_ends_at, deadline_met, updated_at";

/// A duration a histogram is asked of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FactDuration {
    WarmHandoff,
    FirstContact,
    Intake,
    Engagement,
}

impl FactDuration {
    /// The measure's code and bucket width in rollups.
    pub fn code(self) -> &'static str {
        match self {
            FactDuration::WarmHandoff => "w",
            FactDuration::FirstContact => "c",
            FactDuration::Intake => "i",
            FactDuration::Engagement => "e",
        }
    }
    pub fn rollup_unit(self) -> i64 {
        ROLLUP_HISTOGRAMS
            .iter()
            .find(|(c, _, _)| *c == self.code())
            .map_or(1, |(_, _, u)| *u)
    }
    fn column(self) -> &'static str {
        match self {
            FactDuration::WarmHandoff => "warm_minutes",
            FactDuration::FirstContact => "contact_minutes",
            FactDuration::Intake => "intake_minutes",
            FactDuration::Engagement => "engaged_minutes",
        }
    }
}

/// A text dimension counts can be broken down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactDim {
    Sex,
    Race,
    Ethnicity,
    Pathway,
    AgencyKind,
}

impl FactDim {
    fn column(self) -> &'static str {
        match self {
            FactDim::Sex => "sex",
            FactDim::Race => "race",
            FactDim::Ethnicity => "ethnicity",
            FactDim::Pathway => "pathway",
            FactDim::AgencyKind => "agency_kind",
        }
    }
}

/// One group of a breakdown.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Breakdown<K> {
    pub key: K,
    pub encounters: i64,
    pub eligible: i64,
    pub offered_eligible: i64,
    pub accepted_eligible: i64,
    pub accepted: i64,
    pub referred: i64,
    pub engaged: i64,
}

fn breakdown_sql(f: &FactFilter, column: &str) -> (String, Vec<FactArg>) {
    let (clause, extra) = fact_where(f, 3);
    let s = |cond: &str| format!("COALESCE(SUM(CASE WHEN {cond} THEN 1 ELSE 0 END), 0)");
    (
        format!(
            "SELECT {column} AS key, COUNT(*) AS encounters, {} AS eligible, {} AS offered_eligible, {} AS accepted_eligible, {} AS accepted, {} AS referred, {} AS engaged FROM case_facts WHERE {clause} GROUP BY {column} ORDER BY {column}",
            s("eligible"),
            s("eligible AND offered"),
            s("eligible AND accepted"),
            s("accepted"),
            s("referred"),
            s("referred AND engaged_minutes IS NOT NULL"),
        ),
        extra,
    )
}

/// The counted columns of a rollup row, in `counts_exprs` order.
const ROLLUP_COUNTS: &str = "encounters, new_people, eligible, offered, accepted, referred, screened, handed_off, intakes, engaged, repeat_encounters, engaged_30, known_30, engaged_60, known_60, engaged_90, known_90, retained_30, retention_known_30, retained_90, retention_known_90, deadlines_met, deadlines_missed, deadlines_open";

/// The histograms rollups keep: (measure code, column, bucket width in minutes).
pub const ROLLUP_HISTOGRAMS: [(&str, &str, i64); 4] = [
    ("w", "warm_minutes", 1),
    ("c", "contact_minutes", 60),
    ("i", "intake_minutes", 60),
    ("e", "engaged_minutes", 360),
];

/// The dimensions histograms are rolled up by, one at a time, and their column.
const ROLLUP_HIST_DIMS: [(&str, Option<&str>); 5] = [
    ("all", None),
    ("pathway", Some("pathway")),
    ("kind", Some("agency_kind")),
    ("agency", Some("agency_id")),
    ("provider", Some("provider_id")),
];

/// Whether rolled-up histograms can answer a filter: at most one dimension chosen, and no
/// officer.
pub fn rollup_hist_usable(f: &FactFilter) -> bool {
    f.officer_id.is_none()
        && [
            f.pathway.is_some(),
            f.agency_kind.is_some(),
            f.agency_id.is_some(),
            f.provider_id.is_some(),
        ]
        .iter()
        .filter(|x| **x)
        .count()
            <= 1
}

/// The count expressions over fact rows; `$p..$p+3` are now minus 30, 60 and 90 days,
/// and now.
fn counts_exprs(p: usize) -> String {
    let (d30, d60, d90, now) = (p, p + 1, p + 2, p + 3);
    let s = |cond: &str, name: &str| {
        format!("COALESCE(SUM(CASE WHEN {cond} THEN 1 ELSE 0 END), 0) AS {name}")
    };
    [
        "COUNT(*) AS encounters".to_string(),
        s("prior_encounters = 0", "new_people"),
        s("eligible", "eligible"),
        s("offered", "offered"),
        s("accepted", "accepted"),
        s("referred", "referred"),
        s("screened", "screened"),
        s("handed_off", "handed_off"),
        s("intake_minutes IS NOT NULL", "intakes"),
        s("engaged_minutes IS NOT NULL", "engaged"),
        s("prior_encounters > 0", "repeat_encounters"),
        s("referred AND engaged_minutes <= 43200", "engaged_30"),
        s(&format!("referred AND (engaged_minutes <= 43200 OR occurred_at <= ${d30})"), "known_30"),
        s("referred AND engaged_minutes <= 86400", "engaged_60"),
        s(&format!("referred AND (engaged_minutes <= 86400 OR occurred_at <= ${d60})"), "known_60"),
        s("referred AND engaged_minutes <= 129600", "engaged_90"),
        s(&format!("referred AND (engaged_minutes <= 129600 OR occurred_at <= ${d90})"), "known_90"),
        s(&format!("engaged_at <= ${d30} AND (exit_minutes IS NULL OR exit_minutes >= engaged_minutes + 43200)"), "retained_30"),
        s(&format!("engaged_at <= ${d30} OR exit_minutes < engaged_minutes + 43200"), "retention_known_30"),
        s(&format!("engaged_at <= ${d90} AND (exit_minutes IS NULL OR exit_minutes >= engaged_minutes + 129600)"), "retained_90"),
        s(&format!("engaged_at <= ${d90} OR exit_minutes < engaged_minutes + 129600"), "retention_known_90"),
        s("deadline_met", "deadlines_met"),
        s(&format!("NOT deadline_met OR (deadline_met IS NULL AND deadline_ends_at <= ${now})"), "deadlines_missed"),
        s(&format!("deadline_met IS NULL AND deadline_ends_at > ${now}"), "deadlines_open"),
    ]
    .join(", ")
}

/// The WHERE clause over rollup rows: program ($1), the months (as literals of the form
/// YYYY-MM, checked), and the filter's dimensions.
fn rollup_where(f: &FactFilter, months: &[String]) -> (String, Vec<FactArg>) {
    let list: Vec<String> = months
        .iter()
        .filter(|m| {
            m.len() == 7
                && m.bytes().enumerate().all(|(i, b)| {
                    if i == 4 {
                        b == b'-'
                    } else {
                        b.is_ascii_digit()
                    }
                })
        })
        .map(|m| format!("'{m}'"))
        .collect();
    let mut clause = format!(
        "program_id = $1 AND month IN ({})",
        if list.is_empty() {
            "''".to_string()
        } else {
            list.join(", ")
        }
    );
    let mut args = Vec::new();
    let mut add = |col: &str, a: FactArg| {
        args.push(a);
        clause.push_str(&format!(" AND {col} = ${}", 1 + args.len()));
    };
    if let Some(p) = &f.pathway {
        add("pathway", FactArg::Text(p.clone()));
    }
    if let Some(k) = &f.agency_kind {
        add("agency_kind", FactArg::Text(k.clone()));
    }
    if let Some(a) = f.agency_id {
        add("agency_id", FactArg::Uuid(a));
    }
    if let Some(p) = f.provider_id {
        add("provider_id", FactArg::Uuid(p));
    }
    (clause, args)
}

/// Binds the optional dimensions of a fact filter after the query's own parameters.
macro_rules! bind_extra {
    ($q:expr, $extra:expr) => {{
        let mut q = $q;
        for x in $extra {
            q = match x {
                FactArg::Text(t) => q.bind(t.clone()),
                FactArg::Uuid(u) => q.bind(*u),
            };
        }
        q
    }};
}

enum FactArg {
    Text(String),
    Uuid(Uuid),
}

/// The WHERE clause of a fact filter: program ($1), days ($2, $3), then the optional
/// dimensions numbered from after `last` (the query's own parameters).
fn fact_where(f: &FactFilter, last: usize) -> (String, Vec<FactArg>) {
    let mut clause = String::from("program_id = $1 AND day >= $2 AND day <= $3");
    let mut args = Vec::new();
    let mut add = |col: &str, a: FactArg| {
        args.push(a);
        clause.push_str(&format!(" AND {col} = ${}", last + args.len()));
    };
    if let Some(p) = &f.pathway {
        add("pathway", FactArg::Text(p.clone()));
    }
    if let Some(k) = &f.agency_kind {
        add("agency_kind", FactArg::Text(k.clone()));
    }
    if let Some(a) = f.agency_id {
        add("agency_id", FactArg::Uuid(a));
    }
    if let Some(p) = f.provider_id {
        add("provider_id", FactArg::Uuid(p));
    }
    if let Some(o) = f.officer_id {
        add("officer_id", FactArg::Uuid(o));
    }
    (clause, args)
}

const ENCOUNTER: &str = "id, program_id, reference, pathway, agency_id, officer_id, participant_id, occurred_at, location, incident_number, age_at_encounter, sex, race, ethnicity, created_at";
const REFERRAL: &str = "id, encounter_id, program_id, participant_id, from_org_id, to_org_id, mode, status, business_status, status_reason, assigned_to, requested_at, contact_deadline, arrived_at, first_contact_at, intake_at, engaged_at, exit_kind, exit_at, updated_at";
const HOLD: &str = "id, encounter_id, program_id, prosecutor_org_id, kind, citation_number, court_date, deadline_day, deadline_ends_at, state, correction, decision, decision_reason, decided_by, decided_at, created_at, updated_at";
const CONSENT: &str = "id, participant_id, encounter_id, kind, discloser_org_ids, recipient_org_ids, purpose, signed_name, signed_at, expires_at, revoked_at, recorded_by, information, recipient_class, revocation_text, expiry_event, irrevocable_until_at, irrevocable_until_event, signature_method, attestation, form_text, revoked_by, revoke_note";
const JOB: &str = "id, kind, dedupe_key, payload, run_at, status, attempts, locked_by, locked_until, last_error, created_at, finished_at";

/// Builds `SELECT {cols} FROM {rest}` once per call site (the strings are constants).
macro_rules! sel {
    ($cols:expr, $rest:literal) => {
        sqlx::AssertSqlSafe(format!("SELECT {} FROM {}", $cols, $rest))
    };
}

fn one(n: u64) -> Result<()> {
    if n == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

macro_rules! chain_cols {
    () => {
        "id, seq, prev_hash, hash, at, user_id, username, action, resource_kind, resource_id, outcome, ip, user_agent, detail"
    };
}

impl Tx {
    // ----- programs, rules, organizations -------------------------------------------

    pub async fn insert_program(&mut self, p: &ProgramRow) -> Result<()> {
        q!(self, c => sqlx::query("INSERT INTO programs (id, name, time_zone, pathways, intake_deadline_days, supervisor_approves_overrides, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7)")
            .bind(p.id).bind(&p.name).bind(&p.time_zone).bind(&p.pathways).bind(p.intake_deadline_days).bind(p.supervisor_approves_overrides).bind(p.created_at)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn program(&mut self, id: Uuid) -> Result<ProgramRow> {
        Ok(
            q!(self, c => sqlx::query_as::<_, ProgramRow>(sel!(PROGRAM, "programs WHERE id = $1")).bind(id).fetch_one(c).await)?,
        )
    }

    pub async fn programs(&mut self) -> Result<Vec<ProgramRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, ProgramRow>(sel!(PROGRAM, "programs ORDER BY name")).fetch_all(c).await)?,
        )
    }

    pub async fn program_by_name(&mut self, name: &str) -> Result<Option<ProgramRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, ProgramRow>(sel!(PROGRAM, "programs WHERE name = $1")).bind(name).fetch_optional(c).await)?,
        )
    }

    pub async fn insert_rules(&mut self, r: &RulesRow) -> Result<()> {
        q!(self, c => sqlx::query("INSERT INTO eligibility_rules (id, program_id, version, rules_json, effective_at, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7)")
            .bind(r.id).bind(r.program_id).bind(r.version).bind(&r.rules_json).bind(r.effective_at).bind(r.created_by).bind(r.created_at)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// The rules version in force at `at` (the latest effective one).
    pub async fn rules_at(&mut self, program_id: Uuid, at: DateTime<Utc>) -> Result<RulesRow> {
        Ok(
            q!(self, c => sqlx::query_as::<_, RulesRow>("SELECT id, program_id, version, rules_json, effective_at, created_by, created_at FROM eligibility_rules WHERE program_id = $1 AND effective_at <= $2 ORDER BY effective_at DESC, version DESC LIMIT 1")
            .bind(program_id).bind(at).fetch_one(c).await)?,
        )
    }

    /// Versions saved to take effect after `at`, soonest first.
    pub async fn rules_scheduled(
        &mut self,
        program_id: Uuid,
        at: DateTime<Utc>,
    ) -> Result<Vec<RulesRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, RulesRow>("SELECT id, program_id, version, rules_json, effective_at, created_by, created_at FROM eligibility_rules WHERE program_id = $1 AND effective_at > $2 ORDER BY effective_at, version")
            .bind(program_id).bind(at).fetch_all(c).await)?,
        )
    }

    /// The highest rules version a program has (in force or scheduled).
    pub async fn max_rules_version(&mut self, program_id: Uuid) -> Result<i64> {
        Ok(
            q!(self, c => sqlx::query_scalar::<_, i64>("SELECT COALESCE(MAX(version), 0) FROM eligibility_rules WHERE program_id = $1")
            .bind(program_id).fetch_one(c).await)?,
        )
    }

    pub async fn insert_org(&mut self, o: &OrgRow) -> Result<()> {
        q!(self, c => sqlx::query("INSERT INTO organizations (id, program_id, kind, name, address, phone, hours, what_to_bring, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)")
            .bind(o.id).bind(o.program_id).bind(&o.kind).bind(&o.name).bind(&o.address).bind(&o.phone).bind(&o.hours).bind(&o.what_to_bring).bind(o.created_at)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn org(&mut self, id: Uuid) -> Result<OrgRow> {
        Ok(
            q!(self, c => sqlx::query_as::<_, OrgRow>(sel!(ORG, "organizations WHERE id = $1")).bind(id).fetch_one(c).await)?,
        )
    }

    pub async fn orgs(&mut self, program_id: Uuid) -> Result<Vec<OrgRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, OrgRow>(sel!(ORG, "organizations WHERE program_id = $1 ORDER BY kind, name")).bind(program_id).fetch_all(c).await)?,
        )
    }

    // ----- users, memberships, sessions, tokens ---------------------------------------

    pub async fn insert_user(&mut self, u: &UserRow) -> Result<()> {
        let totp = u
            .totp_secret
            .as_deref()
            .map(|t| crypto::seal(&self.keys, "users.totp_secret", t))
            .transpose()?;
        q!(self, c => sqlx::query("INSERT INTO users (id, username, display_name, password_hash, disabled, created_at, last_sign_in_at, failed_count, failed_since, locked_at, unlocked_at, totp_secret, totp_enrolled_at, totp_last_step) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)")
            .bind(u.id).bind(&u.username).bind(&u.display_name).bind(&u.password_hash).bind(u.disabled).bind(u.created_at).bind(u.last_sign_in_at).bind(u.failed_count).bind(u.failed_since).bind(u.locked_at).bind(u.unlocked_at).bind(&totp).bind(u.totp_enrolled_at).bind(u.totp_last_step)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn user(&mut self, id: Uuid) -> Result<UserRow> {
        Ok({
            let u = q!(self, c => sqlx::query_as::<_, UserRow>(sel!(USER, "users WHERE id = $1")).bind(id).fetch_one(c).await)?;
            self.open_user(u)?
        })
    }

    pub async fn user_by_name(&mut self, username: &str) -> Result<Option<UserRow>> {
        Ok({
            let u = q!(self, c => sqlx::query_as::<_, UserRow>(sel!(USER, "users WHERE username = $1")).bind(username).fetch_optional(c).await)?;
            u.map(|u| self.open_user(u)).transpose()?
        })
    }

    pub async fn users(&mut self) -> Result<Vec<UserRow>> {
        Ok({
            let us = q!(self, c => sqlx::query_as::<_, UserRow>(sel!(USER, "users ORDER BY username")).fetch_all(c).await)?;
            us.into_iter()
                .map(|u| self.open_user(u))
                .collect::<Result<Vec<_>>>()?
        })
    }

    /// The user, locked against concurrent changes until the transaction ends (on SQLite
    /// the write transaction already excludes other writers).
    pub async fn user_for_update(&mut self, id: Uuid) -> Result<UserRow> {
        let u = match &mut self.inner {
            Inner::Sqlite(c) => {
                sqlx::query_as::<_, UserRow>(sel!(USER, "users WHERE id = $1"))
                    .bind(id)
                    .fetch_one(&mut **c)
                    .await?
            }
            Inner::Pg(c) => {
                sqlx::query_as::<_, UserRow>(sel!(USER, "users WHERE id = $1 FOR UPDATE"))
                    .bind(id)
                    .fetch_one(&mut **c)
                    .await?
            }
        };
        self.open_user(u)
    }

    /// A user with the TOTP secret decrypted (ADR 0009).
    fn open_user(&self, mut u: UserRow) -> Result<UserRow> {
        u.totp_secret =
            crypto::open_opt(&self.keys, "users.totp_secret", u.totp_secret.as_deref())?;
        Ok(u)
    }

    /// Records the failed sign-ins in the current window and the lock, if any.
    pub async fn set_sign_in_failures(
        &mut self,
        id: Uuid,
        count: i64,
        since: Option<DateTime<Utc>>,
        locked_at: Option<DateTime<Utc>>,
    ) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE users SET failed_count = $2, failed_since = $3, locked_at = $4 WHERE id = $1").bind(id).bind(count).bind(since).bind(locked_at).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    /// Lifts a lock and a disabling for disuse.
    pub async fn unlock_user(&mut self, id: Uuid, at: DateTime<Utc>) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE users SET failed_count = 0, failed_since = NULL, locked_at = NULL, disabled = $2, unlocked_at = $3 WHERE id = $1").bind(id).bind(false).bind(at).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    pub async fn set_user_disabled(&mut self, id: Uuid, disabled: bool) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE users SET disabled = $2 WHERE id = $1").bind(id).bind(disabled).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    pub async fn set_last_sign_in(&mut self, id: Uuid, at: DateTime<Utc>) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE users SET last_sign_in_at = $2 WHERE id = $1").bind(id).bind(at).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    /// Confirms a TOTP enrolment (or clears it with `None`), with the step just used.
    pub async fn set_totp(
        &mut self,
        id: Uuid,
        secret: Option<&str>,
        at: Option<DateTime<Utc>>,
        last_step: i64,
    ) -> Result<()> {
        let secret = secret
            .map(|s| crypto::seal(&self.keys, "users.totp_secret", s))
            .transpose()?;
        let n = q!(self, c => sqlx::query("UPDATE users SET totp_secret = $2, totp_enrolled_at = $3, totp_last_step = $4 WHERE id = $1").bind(id).bind(secret).bind(at).bind(last_step).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    /// Records the TOTP step just accepted, if it is later than the last one; false when
    /// another request used this step first.
    pub async fn use_totp_step(&mut self, id: Uuid, step: i64) -> Result<bool> {
        let n = q!(self, c => sqlx::query("UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2").bind(id).bind(step).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Replaces a user's recovery codes.
    pub async fn replace_recovery_codes(
        &mut self,
        user_id: Uuid,
        codes: &[RecoveryCodeRow],
    ) -> Result<()> {
        q!(self, c => sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user_id).execute(c).await.map(|_| ()))?;
        for r in codes {
            q!(self, c => sqlx::query("INSERT INTO recovery_codes (id, user_id, code_hash, created_at, used_at) VALUES ($1,$2,$3,$4,$5)")
                .bind(r.id).bind(r.user_id).bind(&r.code_hash).bind(r.created_at).bind(r.used_at)
                .execute(c).await.map(|_| ()))?;
        }
        Ok(())
    }

    /// Marks an unused recovery code used; false if there is none with this hash.
    pub async fn use_recovery_code(
        &mut self,
        user_id: Uuid,
        code_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let n = q!(self, c => sqlx::query("UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL").bind(user_id).bind(code_hash).bind(at).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    /// Unused recovery codes a user has left.
    pub async fn recovery_codes_left(&mut self, user_id: Uuid) -> Result<i64> {
        let n: i64 = q!(self, c => sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL").bind(user_id).fetch_one(c).await)?;
        Ok(n)
    }

    /// Ends every session of a user (after a factor is reset).
    pub async fn delete_sessions_of(&mut self, user_id: Uuid) -> Result<()> {
        q!(self, c => sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn set_password(&mut self, id: Uuid, hash: &str) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1").bind(id).bind(hash).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    pub async fn insert_membership(&mut self, m: &MembershipRow) -> Result<()> {
        q!(self, c => sqlx::query("INSERT INTO memberships (id, user_id, organization_id, program_id, role, created_at) VALUES ($1,$2,$3,$4,$5,$6)")
            .bind(m.id).bind(m.user_id).bind(m.organization_id).bind(m.program_id).bind(&m.role).bind(m.created_at)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn delete_membership(&mut self, id: Uuid) -> Result<()> {
        let n = q!(self, c => sqlx::query("DELETE FROM memberships WHERE id = $1").bind(id).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    const MEMBERSHIP_VIEW: &'static str = "m.id, m.user_id, u.username, m.organization_id, m.program_id, m.role, o.kind AS org_kind, o.name AS org_name FROM memberships m JOIN organizations o ON o.id = m.organization_id JOIN users u ON u.id = m.user_id";

    pub async fn memberships_of(&mut self, user_id: Uuid) -> Result<Vec<MembershipView>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {} WHERE m.user_id = $1 ORDER BY o.name, m.role",
            Self::MEMBERSHIP_VIEW
        ));
        Ok(
            q!(self, c => sqlx::query_as::<_, MembershipView>(sql).bind(user_id).fetch_all(c).await)?,
        )
    }

    pub async fn memberships_in(&mut self, program_id: Uuid) -> Result<Vec<MembershipView>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {} WHERE m.program_id = $1 ORDER BY u.username, o.name, m.role",
            Self::MEMBERSHIP_VIEW
        ));
        Ok(
            q!(self, c => sqlx::query_as::<_, MembershipView>(sql).bind(program_id).fetch_all(c).await)?,
        )
    }

    pub async fn insert_session(&mut self, s: &SessionRow) -> Result<()> {
        q!(self, c => sqlx::query("INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, stage, pending_secret) VALUES ($1,$2,$3,$4,$5,$6,$7)")
            .bind(&s.id_hash).bind(s.user_id).bind(&s.csrf_token).bind(s.created_at).bind(s.last_seen_at).bind(&s.stage).bind(&s.pending_secret)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn session(&mut self, id_hash: &str) -> Result<Option<SessionRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, SessionRow>("SELECT id_hash, user_id, csrf_token, created_at, last_seen_at, stage, pending_secret FROM sessions WHERE id_hash = $1").bind(id_hash).fetch_optional(c).await)?,
        )
    }

    pub async fn session_user(&mut self, id_hash: &str) -> Result<Option<SessionUserRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, SessionUserRow>("SELECT s.id_hash, s.user_id, s.csrf_token, s.created_at, s.last_seen_at, u.username, u.display_name, u.disabled, s.stage FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1").bind(id_hash).fetch_optional(c).await)?,
        )
    }

    pub async fn touch_session(&mut self, id_hash: &str, at: DateTime<Utc>) -> Result<()> {
        q!(self, c => sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1").bind(id_hash).bind(at).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn delete_session(&mut self, id_hash: &str) -> Result<()> {
        q!(self, c => sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn insert_token(&mut self, t: &TokenRow) -> Result<()> {
        q!(self, c => sqlx::query("INSERT INTO api_tokens (id, user_id, token_hash, label, created_at, expires_at, revoked_at) VALUES ($1,$2,$3,$4,$5,$6,$7)")
            .bind(t.id).bind(t.user_id).bind(&t.token_hash).bind(&t.label).bind(t.created_at).bind(t.expires_at).bind(t.revoked_at)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn token_by_hash(&mut self, hash: &str) -> Result<Option<TokenRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, TokenRow>("SELECT id, user_id, token_hash, label, created_at, expires_at, revoked_at FROM api_tokens WHERE token_hash = $1").bind(hash).fetch_optional(c).await)?,
        )
    }

    pub async fn tokens_of(&mut self, user_id: Uuid) -> Result<Vec<TokenRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, TokenRow>("SELECT id, user_id, token_hash, label, created_at, expires_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY created_at").bind(user_id).fetch_all(c).await)?,
        )
    }

    pub async fn revoke_token(&mut self, id: Uuid, at: DateTime<Utc>) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL").bind(id).bind(at).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    // ----- on-call roster --------------------------------------------------------------

    pub async fn insert_shift(&mut self, s: &ShiftRow) -> Result<()> {
        q!(self, c => sqlx::query("INSERT INTO on_call_shifts (id, organization_id, user_id, starts_at, ends_at, created_at) VALUES ($1,$2,$3,$4,$5,$6)")
            .bind(s.id).bind(s.organization_id).bind(s.user_id).bind(s.starts_at).bind(s.ends_at).bind(s.created_at)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn shift(&mut self, id: Uuid) -> Result<ShiftRow> {
        Ok(
            q!(self, c => sqlx::query_as::<_, ShiftRow>("SELECT id, organization_id, user_id, starts_at, ends_at, created_at FROM on_call_shifts WHERE id = $1").bind(id).fetch_one(c).await)?,
        )
    }

    pub async fn delete_shift(&mut self, id: Uuid) -> Result<()> {
        let n = q!(self, c => sqlx::query("DELETE FROM on_call_shifts WHERE id = $1").bind(id).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    /// Shifts of an organization that have not ended, earliest first.
    pub async fn shifts(&mut self, org_id: Uuid, now: DateTime<Utc>) -> Result<Vec<ShiftView>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, ShiftView>("SELECT s.id, s.organization_id, s.user_id, u.display_name, s.starts_at, s.ends_at FROM on_call_shifts s JOIN users u ON u.id = s.user_id WHERE s.organization_id = $1 AND s.ends_at > $2 ORDER BY s.starts_at")
            .bind(org_id).bind(now).fetch_all(c).await)?,
        )
    }

    /// Who takes warm handoffs for an organization now (the shift that started last).
    pub async fn on_call_now(
        &mut self,
        org_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Option<ShiftView>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, ShiftView>("SELECT s.id, s.organization_id, s.user_id, u.display_name, s.starts_at, s.ends_at FROM on_call_shifts s JOIN users u ON u.id = s.user_id WHERE s.organization_id = $1 AND s.starts_at <= $2 AND s.ends_at > $2 AND u.disabled = $3 ORDER BY s.starts_at DESC LIMIT 1")
            .bind(org_id).bind(now).bind(false).fetch_optional(c).await)?,
        )
    }

    // ----- reference codes --------------------------------------------------------------

    pub async fn reference_version_exists(&mut self, version: &str) -> Result<bool> {
        let n: i64 = q!(self, c => sqlx::query_scalar("SELECT COUNT(*) FROM reference_versions WHERE version = $1").bind(version).fetch_one(c).await)?;
        Ok(n > 0)
    }

    pub async fn insert_reference_version(
        &mut self,
        version: &str,
        sha: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        q!(self, c => sqlx::query("INSERT INTO reference_versions (version, source_sha256, loaded_at) VALUES ($1,$2,$3)").bind(version).bind(sha).bind(at).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn insert_reference_code(&mut self, r: &RefCodeRow) -> Result<()> {
        q!(self, c => sqlx::query("INSERT INTO reference_codes (version, code_table, code, name, code_group, active, note) VALUES ($1,$2,$3,$4,$5,$6,$7)")
            .bind(&r.version).bind(&r.code_table).bind(&r.code).bind(&r.name).bind(&r.code_group).bind(r.active).bind(&r.note)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// The newest loaded version of the reference tables.
    pub async fn latest_reference_version(&mut self) -> Result<Option<String>> {
        Ok(
            q!(self, c => sqlx::query_scalar::<_, String>("SELECT version FROM reference_versions ORDER BY loaded_at DESC, version DESC LIMIT 1").fetch_optional(c).await)?,
        )
    }

    pub async fn reference_codes(&mut self, version: &str) -> Result<Vec<RefCodeRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, RefCodeRow>("SELECT version, code_table, code, name, code_group, active, note FROM reference_codes WHERE version = $1 ORDER BY code_table, code").bind(version).fetch_all(c).await)?,
        )
    }

    /// When the latest reference version was loaded.
    pub async fn latest_reference_loaded_at(&mut self) -> Result<Option<DateTime<Utc>>> {
        Ok(
            q!(self, c => sqlx::query_scalar::<_, DateTime<Utc>>("SELECT loaded_at FROM reference_versions ORDER BY loaded_at DESC LIMIT 1").fetch_optional(c).await)?,
        )
    }

    /// Every version's codes, the latest version first.
    pub async fn reference_codes_all(&mut self) -> Result<Vec<RefCodeRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, RefCodeRow>("SELECT c.version, c.code_table, c.code, c.name, c.code_group, c.active, c.note FROM reference_codes c JOIN reference_versions v ON v.version = c.version ORDER BY v.loaded_at DESC, v.version DESC, c.code_table, c.code").fetch_all(c).await)?,
        )
    }

    // ----- participants -------------------------------------------------------------------

    pub async fn insert_participant(&mut self, p: &ParticipantRow) -> Result<()> {
        self.run(&[Stmt::participant(p)]).await
    }

    pub async fn participant(&mut self, id: Uuid) -> Result<ParticipantRow> {
        Ok({
            let rows = q!(self, c => sqlx::query_as::<_, ParticipantRaw>(sel!(PARTICIPANT, "participants WHERE id = $1")).bind(id).fetch_one(c).await)?;
            self.open_participant(rows)?
        })
    }

    pub async fn participant_by_match_key(
        &mut self,
        program_id: Uuid,
        key: &str,
    ) -> Result<Option<ParticipantRow>> {
        Ok({
            let key = crypto::blind(&self.keys, MATCH_DOMAIN, key);
            let raw = q!(self, c => sqlx::query_as::<_, ParticipantRaw>(sel!(PARTICIPANT, "participants WHERE program_id = $1 AND match_key = $2 LIMIT 1")).bind(program_id).bind(key).fetch_optional(c).await)?;
            raw.map(|r| self.open_participant(r)).transpose()?
        })
    }

    /// Participants whose normalised last name starts with `last` (and first name with
    /// `first`, and born on `dob`, when given), found by blind tokens (ADR 0009) and
    /// sorted by name after decryption.
    /// People of a program found by a last-name prefix, perhaps a first-name prefix and a
    /// birth date; with `agency`, only people that agency has met (an encounter of its).
    pub async fn search_participants(
        &mut self,
        program_id: Uuid,
        last: &str,
        first: Option<&str>,
        dob: Option<NaiveDate>,
        agency: Option<Uuid>,
        limit: i64,
    ) -> Result<Vec<ParticipantRow>> {
        let dob = dob.map(|d| d.format("%F").to_string());
        let terms = crypto::query_terms(last, first, dob.as_deref());
        let mut patterns: Vec<String> = terms
            .iter()
            .map(|t| format!("% {} %", crypto::token(&self.keys, t)))
            .collect();
        patterns.resize(3, "%".into());
        let raws = match agency {
            None => {
                q!(self, c => sqlx::query_as::<_, ParticipantRaw>(sel!(PARTICIPANT, "participants WHERE program_id = $1 AND search_name LIKE $2 AND search_name LIKE $3 AND search_name LIKE $4 LIMIT $5"))
                .bind(program_id).bind(&patterns[0]).bind(&patterns[1]).bind(&patterns[2]).bind(limit)
                .fetch_all(c).await)?
            }
            Some(agency) => {
                q!(self, c => sqlx::query_as::<_, ParticipantRaw>(sel!(PARTICIPANT, "participants WHERE program_id = $1 AND search_name LIKE $2 AND search_name LIKE $3 AND search_name LIKE $4 \
                AND id IN (SELECT participant_id FROM encounters WHERE agency_id = $6) LIMIT $5"))
                .bind(program_id).bind(&patterns[0]).bind(&patterns[1]).bind(&patterns[2]).bind(limit).bind(agency)
                .fetch_all(c).await)?
            }
        };
        let mut rows = raws
            .into_iter()
            .map(|r| self.open_participant(r))
            .collect::<Result<Vec<_>>>()?;
        rows.sort_by(|a, b| {
            (a.last_name.to_lowercase(), a.first_name.to_lowercase())
                .cmp(&(b.last_name.to_lowercase(), b.first_name.to_lowercase()))
        });
        Ok(rows)
    }

    /// A participant as stored (encrypted fields) made readable.
    fn open_participant(&self, r: ParticipantRaw) -> Result<ParticipantRow> {
        let k = &self.keys;
        let dob = crypto::open(k, "participants.dob", &r.dob)?;
        Ok(ParticipantRow {
            id: r.id,
            program_id: r.program_id,
            first_name: crypto::open(k, "participants.first_name", &r.first_name)?,
            last_name: crypto::open(k, "participants.last_name", &r.last_name)?,
            dob: NaiveDate::parse_from_str(&dob, "%F")
                .map_err(|_| StoreError::Corrupt("participants.dob: not a date".into()))?,
            sex: r.sex,
            race: r.race,
            ethnicity: r.ethnicity,
            phone: crypto::open_opt(k, "participants.phone", r.phone.as_deref())?,
            email: crypto::open_opt(k, "participants.email", r.email.as_deref())?,
            match_key: r.match_key,
            search_name: r.search_name,
            created_at: r.created_at,
            created_by: r.created_by,
            erased_at: r.erased_at,
        })
    }

    /// Rows that carry a participant's name, decrypted.
    fn open_names<R: HasName>(&self, mut rows: Vec<R>) -> Result<Vec<R>> {
        for r in &mut rows {
            let (first, last) = r.names();
            *first = crypto::open(&self.keys, "participants.first_name", first)?;
            *last = crypto::open(&self.keys, "participants.last_name", last)?;
        }
        Ok(rows)
    }

    // ----- encounters, offenses, decisions, offers ------------------------------------------

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

    /// An officer's own encounters, newest first.
    pub async fn encounters_of_officer(
        &mut self,
        officer_id: Uuid,
        limit: i64,
    ) -> Result<Vec<EncounterListRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {} WHERE e.officer_id = $1 ORDER BY e.occurred_at DESC LIMIT $2",
            Self::ENCOUNTER_LIST
        ));
        Ok({
            let rows = q!(self, c => sqlx::query_as::<_, EncounterListRow>(sql).bind(officer_id).bind(limit).fetch_all(c).await)?;
            self.open_names(rows)?
        })
    }

    /// An agency's encounters, newest first (supervisors).
    pub async fn encounters_of_agency(
        &mut self,
        agency_id: Uuid,
        limit: i64,
    ) -> Result<Vec<EncounterListRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {} WHERE e.agency_id = $1 ORDER BY e.occurred_at DESC LIMIT $2",
            Self::ENCOUNTER_LIST
        ));
        Ok({
            let rows = q!(self, c => sqlx::query_as::<_, EncounterListRow>(sql).bind(agency_id).bind(limit).fetch_all(c).await)?;
            self.open_names(rows)?
        })
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

    // ----- program calendar -------------------------------------------------------------

    pub async fn program_calendar(&mut self, program_id: Uuid) -> Result<CalendarRow> {
        Ok(
            q!(self, c => sqlx::query_as::<_, CalendarRow>("SELECT business_days, opens, closes, contact_business_hours FROM programs WHERE id = $1").bind(program_id).fetch_one(c).await)?,
        )
    }

    pub async fn set_program_calendar(&mut self, program_id: Uuid, c: &CalendarRow) -> Result<()> {
        let n = q!(self, x => sqlx::query("UPDATE programs SET business_days = $2, opens = $3, closes = $4, contact_business_hours = $5 WHERE id = $1")
            .bind(program_id).bind(&c.business_days).bind(&c.opens).bind(&c.closes).bind(c.contact_business_hours)
            .execute(x).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    pub async fn holidays(&mut self, program_id: Uuid) -> Result<Vec<HolidayRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, HolidayRow>("SELECT day, name FROM program_holidays WHERE program_id = $1 ORDER BY day").bind(program_id).fetch_all(c).await)?,
        )
    }

    /// Adds a holiday; false if the program has one that day already.
    pub async fn insert_holiday(&mut self, program_id: Uuid, h: &HolidayRow) -> Result<bool> {
        let n = q!(self, c => sqlx::query("INSERT INTO program_holidays (program_id, day, name) VALUES ($1, $2, $3) ON CONFLICT (program_id, day) DO NOTHING")
            .bind(program_id).bind(h.day).bind(&h.name).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn delete_holiday(&mut self, program_id: Uuid, day: NaiveDate) -> Result<()> {
        let n = q!(self, c => sqlx::query("DELETE FROM program_holidays WHERE program_id = $1 AND day = $2").bind(program_id).bind(day).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    // ----- planner ------------------------------------------------------------------------

    /// Each decision of a program: whether eligible, and its criteria (JSON).
    pub async fn decisions_of_program(&mut self, program_id: Uuid) -> Result<Vec<(bool, String)>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, (bool, String)>("SELECT d.eligible, d.criteria_json FROM eligibility_decisions d JOIN encounters e ON e.id = d.encounter_id WHERE e.program_id = $1").bind(program_id).fetch_all(c).await)?,
        )
    }

    /// Counts for the planner: offers, declined offers, contact-card referrals, those
    /// never contacted by their deadline, missed intake deadlines.
    pub async fn planner_counts(
        &mut self,
        program_id: Uuid,
        today: NaiveDate,
    ) -> Result<(i64, i64, i64, i64, i64)> {
        let offers: (i64, i64) = q!(self, c => sqlx::query_as("SELECT COUNT(*), COALESCE(SUM(CASE WHEN f.accepted THEN 0 ELSE 1 END), 0) FROM offers f JOIN encounters e ON e.id = f.encounter_id WHERE e.program_id = $1").bind(program_id).fetch_one(c).await)?;
        let cards: (i64, i64) = q!(self, c => sqlx::query_as("SELECT COUNT(*), COALESCE(SUM(CASE WHEN first_contact_at IS NULL AND contact_deadline < $2 THEN 1 ELSE 0 END), 0) FROM referrals WHERE program_id = $1 AND mode = 'contact_card'").bind(program_id).bind(today).fetch_one(c).await)?;
        let missed: i64 = q!(self, c => sqlx::query_scalar("SELECT COUNT(*) FROM legal_holds WHERE program_id = $1 AND state = 'deadline_missed'").bind(program_id).fetch_one(c).await)?;
        Ok((offers.0, offers.1, cards.0, cards.1, missed))
    }

    // ----- identity retention -------------------------------------------------------------

    /// Each program with how long it keeps the identity of people it did not serve.
    pub async fn identity_retention(&mut self) -> Result<Vec<(Uuid, i64)>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, (Uuid, i64)>("SELECT id, identity_retention_days FROM programs").fetch_all(c).await)?,
        )
    }

    /// People of a program whose every encounter ended without consent to keep them
    /// (found ineligible with no override pending or approved, or the offer declined),
    /// the last before `cutoff`, not yet erased.
    pub async fn participants_to_erase(
        &mut self,
        program_id: Uuid,
        cutoff: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Uuid>> {
        Ok(
            q!(self, c => sqlx::query_scalar::<_, Uuid>("SELECT p.id FROM participants p \
                WHERE p.program_id = $1 AND p.erased_at IS NULL \
                AND EXISTS (SELECT 1 FROM encounters e WHERE e.participant_id = p.id) \
                AND NOT EXISTS (SELECT 1 FROM encounters e WHERE e.participant_id = p.id AND e.occurred_at >= $2) \
                AND NOT EXISTS (SELECT 1 FROM encounters e \
                    JOIN eligibility_decisions d ON d.encounter_id = e.id \
                    LEFT JOIN eligibility_overrides o ON o.decision_id = d.id \
                    LEFT JOIN offers f ON f.encounter_id = e.id \
                    WHERE e.participant_id = p.id \
                    AND NOT ((f.accepted IS NOT NULL AND f.accepted = FALSE) \
                        OR (f.accepted IS NULL AND d.eligible = FALSE AND (o.status IS NULL OR o.status = 'rejected')))) \
                ORDER BY p.id LIMIT $3")
                .bind(program_id).bind(cutoff).bind(limit).fetch_all(c).await)?,
        )
    }

    /// Erases a person's identity (names, birth date, contact, search keys); the row
    /// stays so that encounters, audit and history still refer to it.
    pub async fn erase_participant(&mut self, id: Uuid, at: DateTime<Utc>) -> Result<()> {
        let placeholder = "1900-01-01";
        let n = q!(self, c => sqlx::query("UPDATE participants SET first_name = '(erased)', last_name = '', dob = $2, phone = NULL, email = NULL, match_key = $3, search_name = '', erased_at = $4 WHERE id = $1 AND erased_at IS NULL")
            .bind(id).bind(placeholder).bind(format!("erased:{id}")).bind(at)
            .execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    // ----- break-the-glass ------------------------------------------------------------------

    pub async fn insert_emergency_access(&mut self, g: &EmergencyAccessRow) -> Result<()> {
        q!(self, c => sqlx::query("INSERT INTO emergency_access (id, program_id, encounter_id, user_id, reason, granted_at, expires_at, reviewed_by, reviewed_at, review_note) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)")
            .bind(g.id).bind(g.program_id).bind(g.encounter_id).bind(g.user_id).bind(&g.reason).bind(g.granted_at).bind(g.expires_at).bind(g.reviewed_by).bind(g.reviewed_at).bind(&g.review_note)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// Users holding an emergency grant on a case at `now`.
    pub async fn emergency_grantees(
        &mut self,
        encounter_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Vec<(Uuid, DateTime<Utc>)>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, (Uuid, DateTime<Utc>)>("SELECT user_id, expires_at FROM emergency_access WHERE encounter_id = $1 AND granted_at <= $2 AND expires_at > $2").bind(encounter_id).bind(now).fetch_all(c).await)?,
        )
    }

    /// When a user's emergency grant on a case ends, if one is in force at `now`.
    pub async fn emergency_until(
        &mut self,
        encounter_id: Uuid,
        user_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>> {
        Ok(self
            .emergency_grantees(encounter_id, now)
            .await?
            .into_iter()
            .filter(|(u, _)| *u == user_id)
            .map(|(_, until)| until)
            .max())
    }

    /// A program's grants, unreviewed first, then the latest.
    pub async fn emergency_reviews(
        &mut self,
        program_id: Uuid,
        limit: i64,
    ) -> Result<Vec<EmergencyReviewRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, EmergencyReviewRow>("SELECT g.id, g.encounter_id, e.reference, u.username, u.display_name, g.reason, g.granted_at, g.expires_at, g.reviewed_at, g.review_note FROM emergency_access g JOIN encounters e ON e.id = g.encounter_id JOIN users u ON u.id = g.user_id WHERE g.program_id = $1 ORDER BY (g.reviewed_at IS NULL) DESC, g.granted_at DESC LIMIT $2").bind(program_id).bind(limit).fetch_all(c).await)?,
        )
    }

    pub async fn emergency_access(&mut self, id: Uuid) -> Result<EmergencyAccessRow> {
        Ok(
            q!(self, c => sqlx::query_as::<_, EmergencyAccessRow>("SELECT id, program_id, encounter_id, user_id, reason, granted_at, expires_at, reviewed_by, reviewed_at, review_note FROM emergency_access WHERE id = $1").bind(id).fetch_one(c).await)?,
        )
    }

    /// Marks a grant reviewed (once).
    pub async fn review_emergency_access(
        &mut self,
        id: Uuid,
        by: Uuid,
        at: DateTime<Utc>,
        note: &str,
    ) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE emergency_access SET reviewed_by = $2, reviewed_at = $3, review_note = $4 WHERE id = $1 AND reviewed_at IS NULL").bind(id).bind(by).bind(at).bind(note).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    // ----- consents ---------------------------------------------------------------------------

    pub async fn insert_consent(&mut self, k: &ConsentRow) -> Result<()> {
        self.run(&[Stmt::consent(k)]).await
    }

    pub async fn consents_for_encounter(&mut self, encounter_id: Uuid) -> Result<Vec<ConsentRow>> {
        Ok({
            let mut rows = q!(self, c => sqlx::query_as::<_, ConsentRow>(sel!(CONSENT, "consents WHERE encounter_id = $1 ORDER BY signed_at")).bind(encounter_id).fetch_all(c).await)?;
            for r in &mut rows {
                r.signed_name = crypto::open(&self.keys, "consents.signed_name", &r.signed_name)?;
            }
            rows
        })
    }

    pub async fn consent(&mut self, id: Uuid) -> Result<ConsentRow> {
        Ok({
            let mut r = q!(self, c => sqlx::query_as::<_, ConsentRow>(sel!(CONSENT, "consents WHERE id = $1")).bind(id).fetch_one(c).await)?;
            r.signed_name = crypto::open(&self.keys, "consents.signed_name", &r.signed_name)?;
            r
        })
    }

    /// Records the person's request to revoke (once).
    pub async fn revoke_consent_by(
        &mut self,
        id: Uuid,
        at: DateTime<Utc>,
        by: Uuid,
        note: &str,
    ) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE consents SET revoked_at = $2, revoked_by = $3, revoke_note = $4 WHERE id = $1 AND revoked_at IS NULL").bind(id).bind(at).bind(by).bind(note).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    pub async fn revoke_consent(&mut self, id: Uuid, at: DateTime<Utc>) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE consents SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL").bind(id).bind(at).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    // ----- referrals and service events --------------------------------------------------------

    pub async fn insert_referral(&mut self, r: &ReferralRow) -> Result<()> {
        self.run(&[Stmt::referral(r)]).await
    }

    /// Writes a referral's current state (the history is in service_events). Fails with
    /// Conflict if the referral changed since it was read (`expected_updated_at`).
    pub async fn update_referral(
        &mut self,
        r: &ReferralRow,
        expected_updated_at: DateTime<Utc>,
    ) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE referrals SET status = $2, business_status = $3, status_reason = $4, assigned_to = $5, arrived_at = $6, first_contact_at = $7, intake_at = $8, engaged_at = $9, exit_kind = $10, exit_at = $11, updated_at = $12 WHERE id = $1 AND updated_at = $13")
            .bind(r.id).bind(&r.status).bind(&r.business_status).bind(&r.status_reason).bind(r.assigned_to).bind(r.arrived_at).bind(r.first_contact_at).bind(r.intake_at).bind(r.engaged_at).bind(&r.exit_kind).bind(r.exit_at).bind(r.updated_at).bind(expected_updated_at)
            .execute(c).await.map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::Conflict(
                "the referral was changed by someone else; reload and try again".into(),
            ));
        }
        Ok(())
    }

    pub async fn referral(&mut self, id: Uuid) -> Result<ReferralRow> {
        Ok(
            q!(self, c => sqlx::query_as::<_, ReferralRow>(sel!(REFERRAL, "referrals WHERE id = $1")).bind(id).fetch_one(c).await)?,
        )
    }

    pub async fn referrals_for_encounter(
        &mut self,
        encounter_id: Uuid,
    ) -> Result<Vec<ReferralRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, ReferralRow>(sel!(REFERRAL, "referrals WHERE encounter_id = $1 ORDER BY requested_at")).bind(encounter_id).fetch_all(c).await)?,
        )
    }

    /// A provider's queue: open referrals, warm handoffs waiting for a response first.
    pub async fn referral_queue(
        &mut self,
        org_id: Uuid,
        include_closed: bool,
        limit: i64,
    ) -> Result<Vec<ReferralQueueRow>> {
        let sql = if include_closed {
            "SELECT r.id, r.encounter_id, e.reference, r.mode, r.status, r.business_status, r.requested_at, r.contact_deadline, r.assigned_to, p.first_name, p.last_name, o.name AS from_org_name FROM referrals r JOIN encounters e ON e.id = r.encounter_id JOIN participants p ON p.id = r.participant_id JOIN organizations o ON o.id = r.from_org_id WHERE r.to_org_id = $1 ORDER BY r.updated_at DESC LIMIT $2"
        } else {
            "SELECT r.id, r.encounter_id, e.reference, r.mode, r.status, r.business_status, r.requested_at, r.contact_deadline, r.assigned_to, p.first_name, p.last_name, o.name AS from_org_name FROM referrals r JOIN encounters e ON e.id = r.encounter_id JOIN participants p ON p.id = r.participant_id JOIN organizations o ON o.id = r.from_org_id WHERE r.to_org_id = $1 AND r.status IN ('requested','accepted','in-progress','on-hold') ORDER BY CASE WHEN r.mode = 'warm' AND r.status = 'requested' THEN 0 WHEN r.status = 'requested' THEN 1 ELSE 2 END, r.requested_at DESC LIMIT $2"
        };
        Ok({
            let rows = q!(self, c => sqlx::query_as::<_, ReferralQueueRow>(sql).bind(org_id).bind(limit).fetch_all(c).await)?;
            self.open_names(rows)?
        })
    }

    pub async fn insert_service_event(&mut self, s: &ServiceEventRow) -> Result<()> {
        let reason = s
            .reason
            .as_deref()
            .map(|r| crypto::seal(&self.keys, "service_events.reason", r))
            .transpose()?;
        let note = s
            .note
            .as_deref()
            .map(|n| crypto::seal(&self.keys, "service_events.note", n))
            .transpose()?;
        q!(self, c => sqlx::query("INSERT INTO service_events (id, referral_id, kind, occurred_at, status_after, reason, note, detail_json, recorded_by, recorded_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)")
            .bind(s.id).bind(s.referral_id).bind(&s.kind).bind(s.occurred_at).bind(&s.status_after).bind(&reason).bind(&note).bind(&s.detail_json).bind(s.recorded_by).bind(s.recorded_at)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn service_events(&mut self, referral_id: Uuid) -> Result<Vec<ServiceEventRow>> {
        Ok({
            let mut rows = q!(self, c => sqlx::query_as::<_, ServiceEventRow>("SELECT id, referral_id, kind, occurred_at, status_after, reason, note, detail_json, recorded_by, recorded_at FROM service_events WHERE referral_id = $1 ORDER BY recorded_at, id").bind(referral_id).fetch_all(c).await)?;
            for r in &mut rows {
                r.reason =
                    crypto::open_opt(&self.keys, "service_events.reason", r.reason.as_deref())?;
                r.note = crypto::open_opt(&self.keys, "service_events.note", r.note.as_deref())?;
            }
            rows
        })
    }

    // ----- screenings ----------------------------------------------------------------------------

    /// A referral's screenings, oldest first, answers decrypted.
    /// What the encounter's pathway added to it (none for encounters from before).
    pub async fn pathway_facts(&mut self, encounter_id: Uuid) -> Result<Option<PathwayFactsRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, PathwayFactsRow>("SELECT encounter_id, naloxone_doses, transported, surrendered_items, contact_kind, prior_involvement_on, prior_involvement_ref, outreach_source, call_type, police_present, team, follow_up_due FROM encounter_facts WHERE encounter_id = $1").bind(encounter_id).fetch_optional(c).await)?,
        )
    }

    /// An encounter's contact attempts, oldest first, notes decrypted.
    pub async fn attempts(&mut self, encounter_id: Uuid) -> Result<Vec<AttemptRow>> {
        let mut rows = q!(self, c => sqlx::query_as::<_, AttemptRow>("SELECT id, encounter_id, program_id, attempted_at, outcome, team, note, recorded_by, recorded_at FROM contact_attempts WHERE encounter_id = $1 ORDER BY attempted_at, id").bind(encounter_id).fetch_all(c).await)?;
        for r in &mut rows {
            if let Some(n) = &r.note {
                r.note = Some(crypto::open(&self.keys, "contact_attempts.note", n)?);
            }
        }
        Ok(rows)
    }

    pub async fn insert_attempt(&mut self, a: &AttemptRow) -> Result<()> {
        self.run(&[Stmt::attempt(a)]).await
    }

    pub async fn set_suppression_threshold(&mut self, program_id: Uuid, n: i64) -> Result<()> {
        let x = q!(self, c => sqlx::query("UPDATE programs SET suppression_threshold = $2 WHERE id = $1")
            .bind(program_id).bind(n)
            .execute(c).await.map(|r| r.rows_affected()))?;
        one(x)
    }

    /// How many encounters each pathway has in a program.
    pub async fn pathway_counts(&mut self, program_id: Uuid) -> Result<Vec<(String, i64)>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, (String, i64)>("SELECT pathway, COUNT(*) FROM encounters WHERE program_id = $1 GROUP BY pathway").bind(program_id).fetch_all(c).await)?,
        )
    }

    // ----- case facts (ADR 0011) ---------------------------------------------------------------

    pub async fn case_fact(&mut self, encounter_id: Uuid) -> Result<Option<CaseFactRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, CaseFactRow>(sqlx::AssertSqlSafe(format!("SELECT {CASE_FACT} FROM case_facts WHERE encounter_id = $1"))).bind(encounter_id).fetch_optional(c).await)?,
        )
    }

    /// A program's fact rows of a period, in encounter order (tests and rebuild checks).
    pub async fn case_facts_of(&mut self, program_id: Uuid) -> Result<Vec<CaseFactRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, CaseFactRow>(sqlx::AssertSqlSafe(format!("SELECT {CASE_FACT} FROM case_facts WHERE program_id = $1 ORDER BY occurred_at, encounter_id"))).bind(program_id).fetch_all(c).await)?,
        )
    }

    /// A page of a program's fact rows of a period, in encounter id order after `after`.
    pub async fn case_facts_page(
        &mut self,
        program_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
        after: Uuid,
        limit: i64,
    ) -> Result<Vec<CaseFactRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, CaseFactRow>(sqlx::AssertSqlSafe(format!("SELECT {CASE_FACT} FROM case_facts WHERE program_id = $1 AND day >= $2 AND day <= $3 AND encounter_id > $4 ORDER BY encounter_id LIMIT $5")))
            .bind(program_id).bind(from).bind(to).bind(after).bind(limit).fetch_all(c).await)?,
        )
    }

    pub async fn count_case_facts(
        &mut self,
        program_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<i64> {
        Ok(
            q!(self, c => sqlx::query_scalar("SELECT COUNT(*) FROM case_facts WHERE program_id = $1 AND day >= $2 AND day <= $3")
            .bind(program_id).bind(from).bind(to).fetch_one(c).await)?,
        )
    }

    /// Encounters that have no fact row yet (written before facts existed), oldest first.
    pub async fn encounters_without_facts(&mut self, limit: i64) -> Result<Vec<Uuid>> {
        Ok(
            q!(self, c => sqlx::query_scalar::<_, Uuid>("SELECT e.id FROM encounters e LEFT JOIN case_facts f ON f.encounter_id = e.id WHERE f.encounter_id IS NULL ORDER BY e.occurred_at, e.id LIMIT $1").bind(limit).fetch_all(c).await)?,
        )
    }

    /// Every encounter id, oldest first, after `after` (for a full rebuild in pages).
    pub async fn encounter_ids_after(&mut self, after: Uuid, limit: i64) -> Result<Vec<Uuid>> {
        Ok(
            q!(self, c => sqlx::query_scalar::<_, Uuid>("SELECT id FROM encounters WHERE id > $1 ORDER BY id LIMIT $2").bind(after).bind(limit).fetch_all(c).await)?,
        )
    }

    pub async fn has_screening(&mut self, encounter_id: Uuid) -> Result<bool> {
        let n: i64 = q!(self, c => sqlx::query_scalar("SELECT COUNT(*) FROM screenings WHERE encounter_id = $1").bind(encounter_id).fetch_one(c).await)?;
        Ok(n > 0)
    }

    /// The person's encounters in the program before `before`.
    pub async fn prior_encounter_count(
        &mut self,
        participant_id: Uuid,
        before: DateTime<Utc>,
    ) -> Result<i64> {
        Ok(
            q!(self, c => sqlx::query_scalar("SELECT COUNT(*) FROM encounters WHERE participant_id = $1 AND occurred_at < $2").bind(participant_id).bind(before).fetch_one(c).await)?,
        )
    }

    /// The counts of the measures over the fact rows a filter selects, as of `now`.
    pub async fn fact_counts(&mut self, f: &FactFilter, now: DateTime<Utc>) -> Result<FactCounts> {
        let (clause, extra) = fact_where(f, 7);
        let sql = format!("SELECT {} FROM case_facts WHERE {clause}", counts_exprs(4));
        let d = |n: i64| now - chrono::Duration::days(n);
        Ok(q!(self, c => {
            bind_extra!(sqlx::query_as::<_, FactCounts>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(f.program_id).bind(f.from).bind(f.to).bind(d(30)).bind(d(60)).bind(d(90)).bind(now), &extra)
            .fetch_one(c)
            .await
        })?)
    }

    /// Distinct people among the fact rows a filter selects.
    pub async fn fact_people(&mut self, f: &FactFilter) -> Result<i64> {
        let (clause, extra) = fact_where(f, 3);
        let sql = format!("SELECT COUNT(DISTINCT participant_id) FROM case_facts WHERE {clause}");
        Ok(q!(self, c => {
            bind_extra!(sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(f.program_id).bind(f.from).bind(f.to), &extra)
            .fetch_one(c)
            .await
        })?)
    }

    // ----- month rollups (ADR 0011) ---------------------------------------------------------------

    /// The months of a program that have fact rows, oldest first.
    pub async fn fact_months_present(&mut self, program_id: Uuid) -> Result<Vec<String>> {
        Ok(
            q!(self, c => sqlx::query_scalar::<_, String>("SELECT DISTINCT month FROM case_facts WHERE program_id = $1 ORDER BY month").bind(program_id).fetch_all(c).await)?,
        )
    }

    /// The months rolled up and when.
    pub async fn rollup_months(
        &mut self,
        program_id: Uuid,
    ) -> Result<Vec<(String, DateTime<Utc>)>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, (String, DateTime<Utc>)>("SELECT month, built_at FROM fact_rollup_months WHERE program_id = $1 ORDER BY month").bind(program_id).fetch_all(c).await)?,
        )
    }

    /// Rebuilds one month's rollup from its fact rows, as of `now`.
    pub async fn rebuild_rollup(
        &mut self,
        program_id: Uuid,
        month: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let d = |n: i64| now - chrono::Duration::days(n);
        let dims = "program_id, month, pathway, agency_id, agency_kind, provider_id";
        let counts = format!(
            "INSERT INTO fact_rollups ({dims}, {ROLLUP_COUNTS}) SELECT {dims}, {} FROM case_facts WHERE program_id = $1 AND month = $2 GROUP BY {dims}",
            counts_exprs(3)
        );
        let mut hist = String::new();
        for (code, col, unit) in ROLLUP_HISTOGRAMS {
            for (dim, column) in ROLLUP_HIST_DIMS {
                let (cols, group) = match column {
                    Some(c) => (format!("{c}, "), format!("{c}, ")),
                    None => (String::new(), String::new()),
                };
                hist.push_str(&format!(
                    "INSERT INTO fact_rollup_hist (program_id, month, dim, {cols}measure, bucket, n) SELECT program_id, month, '{dim}', {cols}'{code}', {col} / {unit}, COUNT(*) FROM case_facts WHERE program_id = $1 AND month = $2 AND {col} IS NOT NULL AND {col} >= 0 GROUP BY program_id, month, {group}{col} / {unit};\n"
                ));
            }
        }
        q!(self, c => sqlx::query("DELETE FROM fact_rollups WHERE program_id = $1 AND month = $2").bind(program_id).bind(month).execute(&mut *c).await.map(|_| ()))?;
        q!(self, c => sqlx::query("DELETE FROM fact_rollup_hist WHERE program_id = $1 AND month = $2").bind(program_id).bind(month).execute(&mut *c).await.map(|_| ()))?;
        q!(self, c => sqlx::query(sqlx::AssertSqlSafe(counts.clone())).bind(program_id).bind(month).bind(d(30)).bind(d(60)).bind(d(90)).bind(now).execute(&mut *c).await.map(|_| ()))?;
        for statement in hist.lines() {
            q!(self, c => sqlx::query(sqlx::AssertSqlSafe(statement.to_string())).bind(program_id).bind(month).execute(&mut *c).await.map(|_| ()))?;
        }
        q!(self, c => sqlx::query("INSERT INTO fact_rollup_months (program_id, month, built_at) VALUES ($1, $2, $3) ON CONFLICT (program_id, month) DO UPDATE SET built_at = excluded.built_at").bind(program_id).bind(month).bind(now).execute(&mut *c).await.map(|_| ()))?;
        Ok(())
    }

    /// The rollup counts of some months, with the filter's dimensions (not its days or
    /// officer: the caller chose the months and counts an officer live).
    pub async fn rollup_counts(&mut self, f: &FactFilter, months: &[String]) -> Result<FactCounts> {
        let (clause, extra) = rollup_where(f, months);
        let sums: Vec<String> = ROLLUP_COUNTS
            .split(", ")
            .map(|c| format!("CAST(COALESCE(SUM({c}), 0) AS BIGINT) AS {c}"))
            .collect();
        let sql = format!(
            "SELECT {} FROM fact_rollups WHERE {clause}",
            sums.join(", ")
        );
        Ok(q!(self, c => {
            bind_extra!(sqlx::query_as::<_, FactCounts>(sqlx::AssertSqlSafe(sql.clone())).bind(f.program_id), &extra)
            .fetch_one(c)
            .await
        })?)
    }

    /// A rolled-up histogram (its unit is the rollup's: `ROLLUP_HISTOGRAMS`).
    pub async fn rollup_histogram(
        &mut self,
        f: &FactFilter,
        months: &[String],
        d: FactDuration,
    ) -> Result<Vec<(i64, i64)>> {
        let (mut clause, extra) = rollup_where(f, months);
        let dim = ROLLUP_HIST_DIMS
            .iter()
            .find(|(_, c)| match c {
                Some("pathway") => f.pathway.is_some(),
                Some("agency_kind") => f.agency_kind.is_some(),
                Some("agency_id") => f.agency_id.is_some(),
                Some("provider_id") => f.provider_id.is_some(),
                _ => false,
            })
            .map_or("all", |(d, _)| d);
        clause.push_str(&format!(" AND dim = '{dim}'"));
        let code = d.code();
        let sql = format!(
            "SELECT bucket, CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM fact_rollup_hist WHERE {clause} AND measure = '{code}' GROUP BY bucket ORDER BY bucket"
        );
        Ok(q!(self, c => {
            bind_extra!(sqlx::query_as::<_, (i64, i64)>(sqlx::AssertSqlSafe(sql.clone())).bind(f.program_id), &extra)
            .fetch_all(c)
            .await
        })?)
    }

    /// Rolled-up encounters, referrals and intakes by month.
    pub async fn rollup_months_trend(
        &mut self,
        f: &FactFilter,
        months: &[String],
    ) -> Result<Vec<(String, i64, i64, i64)>> {
        let (clause, extra) = rollup_where(f, months);
        let sql = format!(
            "SELECT month, CAST(COALESCE(SUM(encounters), 0) AS BIGINT), CAST(COALESCE(SUM(referred), 0) AS BIGINT), CAST(COALESCE(SUM(intakes), 0) AS BIGINT) FROM fact_rollups WHERE {clause} GROUP BY month ORDER BY month"
        );
        Ok(q!(self, c => {
            bind_extra!(sqlx::query_as::<_, (String, i64, i64, i64)>(sqlx::AssertSqlSafe(sql.clone())).bind(f.program_id), &extra)
            .fetch_all(c)
            .await
        })?)
    }

    /// How a duration column is distributed over the selected rows: (value divided by
    /// `unit` minutes, rows), smallest first. Nulls are left out.
    pub async fn fact_histogram(
        &mut self,
        f: &FactFilter,
        column: FactDuration,
        unit: i64,
    ) -> Result<Vec<(i64, i64)>> {
        let (clause, extra) = fact_where(f, 4);
        let col = column.column();
        let sql = format!(
            "SELECT {col} / $4 AS b, COUNT(*) AS n FROM case_facts WHERE {clause} AND {col} IS NOT NULL AND {col} >= 0 GROUP BY b ORDER BY b"
        );
        Ok(q!(self, c => {
            bind_extra!(sqlx::query_as::<_, (i64, i64)>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(f.program_id).bind(f.from).bind(f.to).bind(unit.max(1)), &extra)
            .fetch_all(c)
            .await
        })?)
    }

    /// The values of a duration column in [lo, hi) minutes over the selected rows, sorted
    /// (to find an exact median inside one histogram bucket).
    pub async fn fact_values(
        &mut self,
        f: &FactFilter,
        column: FactDuration,
        lo: i64,
        hi: i64,
    ) -> Result<Vec<i64>> {
        let (clause, extra) = fact_where(f, 5);
        let col = column.column();
        let sql = format!(
            "SELECT {col} FROM case_facts WHERE {clause} AND {col} >= $4 AND {col} < $5 ORDER BY {col}"
        );
        Ok(q!(self, c => {
            bind_extra!(sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(f.program_id).bind(f.from).bind(f.to).bind(lo).bind(hi), &extra)
            .fetch_all(c)
            .await
        })?)
    }

    /// Counts by a text dimension (sex, race, ethnicity, pathway, kind of agency).
    pub async fn fact_breakdown(
        &mut self,
        f: &FactFilter,
        dim: FactDim,
    ) -> Result<Vec<Breakdown<String>>> {
        let (sql, extra) = breakdown_sql(f, dim.column());
        Ok(q!(self, c => {
            bind_extra!(sqlx::query_as::<_, Breakdown<String>>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(f.program_id).bind(f.from).bind(f.to), &extra)
            .fetch_all(c)
            .await
        })?)
    }

    /// Counts by age at the encounter (in years).
    pub async fn fact_breakdown_age(&mut self, f: &FactFilter) -> Result<Vec<Breakdown<i64>>> {
        let (sql, extra) = breakdown_sql(f, "age");
        Ok(q!(self, c => {
            bind_extra!(sqlx::query_as::<_, Breakdown<i64>>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(f.program_id).bind(f.from).bind(f.to), &extra)
            .fetch_all(c)
            .await
        })?)
    }

    /// Counts by the provider of the latest referral (none: no referral).
    pub async fn fact_breakdown_provider(
        &mut self,
        f: &FactFilter,
    ) -> Result<Vec<Breakdown<Option<Uuid>>>> {
        let (sql, extra) = breakdown_sql(f, "provider_id");
        Ok(q!(self, c => {
            bind_extra!(sqlx::query_as::<_, Breakdown<Option<Uuid>>>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(f.program_id).bind(f.from).bind(f.to), &extra)
            .fetch_all(c)
            .await
        })?)
    }

    /// Encounters, referrals and intakes by month ("YYYY-MM") over the selected rows.
    pub async fn fact_months(&mut self, f: &FactFilter) -> Result<Vec<(String, i64, i64, i64)>> {
        let (clause, extra) = fact_where(f, 3);
        let sql = format!(
            "SELECT month, COUNT(*), COALESCE(SUM(CASE WHEN referred THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN intake_minutes IS NOT NULL THEN 1 ELSE 0 END), 0) FROM case_facts WHERE {clause} GROUP BY month ORDER BY month"
        );
        Ok(q!(self, c => {
            bind_extra!(sqlx::query_as::<_, (String, i64, i64, i64)>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(f.program_id).bind(f.from).bind(f.to), &extra)
            .fetch_all(c)
            .await
        })?)
    }

    /// Sets the pathways a program enables (a comma-separated list of codes).
    pub async fn set_program_pathways(&mut self, program_id: Uuid, pathways: &str) -> Result<()> {
        let n = q!(self, x => sqlx::query("UPDATE programs SET pathways = $2 WHERE id = $1")
            .bind(program_id).bind(pathways)
            .execute(x).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    pub async fn screenings(&mut self, referral_id: Uuid) -> Result<Vec<ScreeningRow>> {
        let mut rows = q!(self, c => sqlx::query_as::<_, ScreeningRow>("SELECT id, program_id, encounter_id, referral_id, instrument, version, profile, answers, score, max_score, prorated, band, positive, alerts, recorded_by, recorded_at FROM screenings WHERE referral_id = $1 ORDER BY recorded_at, id").bind(referral_id).fetch_all(c).await)?;
        for r in &mut rows {
            r.answers = crypto::open(&self.keys, "screenings.answers", &r.answers)?;
        }
        Ok(rows)
    }

    // ----- legal holds ---------------------------------------------------------------------------

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

    /// A prosecutor's office's holds: undecided first, by deadline.
    pub async fn hold_queue(
        &mut self,
        prosecutor_org_id: Uuid,
        limit: i64,
    ) -> Result<Vec<HoldQueueRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {} WHERE h.prosecutor_org_id = $1 ORDER BY CASE WHEN h.state IN ('filed','declined_to_file') THEN 1 ELSE 0 END, h.deadline_ends_at LIMIT $2",
            Self::HOLD_QUEUE
        ));
        Ok({
            let rows = q!(self, c => sqlx::query_as::<_, HoldQueueRow>(sql).bind(prosecutor_org_id).bind(limit).fetch_all(c).await)?;
            self.open_names(rows)?
        })
    }

    /// Holds still waiting for intake whose deadline ends before `before` (overdue and due
    /// soon), for the coordinator.
    pub async fn holds_due(
        &mut self,
        program_id: Uuid,
        before: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<HoldQueueRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {} WHERE h.program_id = $1 AND ((h.state = 'held' AND h.deadline_ends_at < $2) OR h.state = 'deadline_missed') ORDER BY h.deadline_ends_at LIMIT $3",
            Self::HOLD_QUEUE
        ));
        Ok({
            let rows = q!(self, c => sqlx::query_as::<_, HoldQueueRow>(sql).bind(program_id).bind(before).bind(limit).fetch_all(c).await)?;
            self.open_names(rows)?
        })
    }

    // ----- case history -----------------------------------------------------------------------------

    pub async fn insert_case_event(&mut self, e: &CaseEventRow) -> Result<()> {
        self.run(&[Stmt::case_event(e)]).await
    }

    /// Several case events in one statement (one round trip).
    pub async fn insert_case_events(&mut self, events: &[CaseEventRow]) -> Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        let values: Vec<String> = (0..events.len())
            .map(|i| {
                let b = i * 7;
                format!(
                    "(${},${},${},${},${},${},${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 7
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO case_events (id, program_id, encounter_id, kind, summary, actor_id, at) VALUES {}",
            values.join(",")
        );
        q!(self, c => {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for e in events {
                query = query.bind(e.id).bind(e.program_id).bind(e.encounter_id).bind(e.kind.clone()).bind(e.summary.clone()).bind(e.actor_id).bind(e.at);
            }
            query.execute(c).await.map(|_| ())
        })?;
        Ok(())
    }

    pub async fn case_events(&mut self, encounter_id: Uuid) -> Result<Vec<CaseEventRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, CaseEventRow>("SELECT id, program_id, encounter_id, kind, summary, actor_id, at FROM case_events WHERE encounter_id = $1 ORDER BY at, id").bind(encounter_id).fetch_all(c).await)?,
        )
    }

    pub async fn count_case_events(&mut self, encounter_id: Uuid, kind: &str) -> Result<i64> {
        Ok(
            q!(self, c => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM case_events WHERE encounter_id = $1 AND kind = $2").bind(encounter_id).bind(kind).fetch_one(c).await)?,
        )
    }

    // ----- jobs ----------------------------------------------------------------------------------------

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

    // ----- audit ----------------------------------------------------------------------------------------

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
            let (seq, prev, hash) = crate::chain::next(&self.keys.audit, &mut head, &r.record());
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

    // ----- idempotency -------------------------------------------------------------------------------------

    pub async fn idempotency(
        &mut self,
        user_id: Uuid,
        key: &str,
    ) -> Result<Option<IdempotencyRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, IdempotencyRow>("SELECT user_id, idem_key, request_hash, response_status, response_body, created_at FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2").bind(user_id).bind(key).fetch_optional(c).await)?,
        )
    }

    /// Stores the response of a keyed request. Returns false if the key was already used
    /// (another request with it committed first).
    pub async fn insert_idempotency(&mut self, r: &IdempotencyRow) -> Result<bool> {
        let n = q!(self, c => sqlx::query("INSERT INTO idempotency_keys (user_id, idem_key, request_hash, response_status, response_body, created_at) VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (user_id, idem_key) DO NOTHING")
            .bind(r.user_id).bind(&r.idem_key).bind(&r.request_hash).bind(r.response_status).bind(&r.response_body).bind(r.created_at)
            .execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn purge_idempotency(&mut self, before: DateTime<Utc>) -> Result<u64> {
        Ok(
            q!(self, c => sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1").bind(before).execute(c).await.map(|r| r.rows_affected()))?,
        )
    }
}
