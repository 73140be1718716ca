//! Statements sent together. An action's inserts, given to `Store::write_all`, go on SQLite
//! to the group-commit writer (`group.rs`); on PostgreSQL they run one after another in one
//! transaction. Inside a `Tx` (`Tx::run`) on SQLite they are one multi-statement call (each
//! statement keeps its own `$N` parameters, renumbered), one round trip to the driver.
use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::chain::{self, Head};
use crate::crypto;
use crate::keys::{AuditKey, Keys};
use crate::rows::*;
use crate::{Inner, Result, Tx};

/// A bound value.
#[derive(Debug, Clone)]
pub enum Val {
    Uuid(Uuid),
    OptUuid(Option<Uuid>),
    Text(String),
    OptText(Option<String>),
    I64(i64),
    OptI64(Option<i64>),
    OptF64(Option<f64>),
    OptBool(Option<bool>),
    Bool(bool),
    Time(DateTime<Utc>),
    OptTime(Option<DateTime<Utc>>),
    Date(NaiveDate),
    OptDate(Option<NaiveDate>),
    Bytes(Vec<u8>),
    /// Encrypted for this column (`table.column`) when the statement runs (ADR 0009).
    Secret(&'static str, Option<String>),
    /// The blind index of a normalised value, in a domain, computed when it runs.
    Blind(&'static str, String),
    /// Search terms, stored as blind tokens (`crypto::token_column`).
    Tokens(Vec<String>),
}

macro_rules! from_val {
    ($($t:ty => $v:ident),+ $(,)?) => {
        $(impl From<$t> for Val {
            fn from(x: $t) -> Val {
                Val::$v(x)
            }
        })+
    };
}

from_val!(
    Uuid => Uuid, Option<Uuid> => OptUuid, String => Text, Option<String> => OptText,
    i64 => I64, Option<f64> => OptF64, bool => Bool, DateTime<Utc> => Time,
    Option<DateTime<Utc>> => OptTime, NaiveDate => Date, Option<NaiveDate> => OptDate,
);

impl From<&str> for Val {
    fn from(x: &str) -> Val {
        Val::Text(x.to_string())
    }
}

/// One statement with its parameters ($1 .. $n, in order).
#[derive(Debug, Clone)]
pub struct Stmt {
    sql: Cow<'static, str>,
    args: Vec<Val>,
    /// An audit record, sealed into the chain by whoever runs the statement (the seal
    /// depends on the record before it, known only inside the writing transaction).
    audit: Option<Box<NewAudit>>,
}

const AUDIT_INSERT: &str = "INSERT INTO audit_log (seq, prev_hash, hash, at, user_id, username, action, resource_kind, resource_id, outcome, ip, user_agent, detail) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)";

macro_rules! stmt {
    ($sql:expr; $($arg:expr),* $(,)?) => {
        Stmt { sql: Cow::Borrowed($sql), args: vec![$(Val::from($arg)),*], audit: None }
    };
}
impl Stmt {
    pub(crate) fn sql(&self) -> &str {
        &self.sql
    }
    pub(crate) fn args(&self) -> &[Val] {
        &self.args
    }

    /// The statement to run: an audit record is sealed after `head` (read by `load`, the
    /// first time one is needed in this transaction), which then moves on.
    pub(crate) fn sealed<'s>(&'s self, key: &AuditKey, head: &mut Head) -> Cow<'s, Stmt> {
        match &self.audit {
            None => Cow::Borrowed(self),
            Some(a) => {
                let (seq, prev, hash) = chain::next(key, head, a);
                Cow::Owned(
                    stmt!(AUDIT_INSERT; seq, prev, hash, a.at, a.user_id, a.username.clone(), a.action.clone(), a.resource_kind.clone(), a.resource_id.clone(), a.outcome.clone(), a.ip.clone(), a.user_agent.clone(), a.detail.clone()),
                )
            }
        }
    }

    /// The statement with its secret values encrypted and its blind indexes computed.
    pub(crate) fn encrypted<'s>(&'s self, keys: &Keys) -> Result<Cow<'s, Stmt>> {
        if !self
            .args
            .iter()
            .any(|a| matches!(a, Val::Secret(..) | Val::Blind(..) | Val::Tokens(_)))
        {
            return Ok(Cow::Borrowed(self));
        }
        let mut out = self.clone();
        for a in &mut out.args {
            let new = match a {
                Val::Secret(column, v) => Val::OptText(
                    v.as_deref()
                        .map(|p| crypto::seal(keys, column, p))
                        .transpose()?,
                ),
                Val::Blind(domain, v) => Val::Text(crypto::blind(keys, domain, v)),
                Val::Tokens(terms) => Val::Text(crypto::token_column(keys, terms)),
                _ => continue,
            };
            *a = new;
        }
        Ok(Cow::Owned(out))
    }

    pub(crate) fn is_audit(&self) -> bool {
        self.audit.is_some()
    }

    /// A statement from its text; for tests.
    #[cfg(test)]
    pub(crate) fn raw(sql: &'static str, args: Vec<Val>) -> Stmt {
        Stmt {
            sql: Cow::Borrowed(sql),
            args,
            audit: None,
        }
    }
}

impl Stmt {
    /// Joins runs of the same one-row INSERT into multi-row INSERTs of at most
    /// `max_params` parameters each (bulk loads: benchmarks, imports). Other statements
    /// pass through unchanged, in order.
    pub fn merge_inserts(stmts: Vec<Stmt>, max_params: usize) -> Vec<Stmt> {
        let mut out: Vec<Stmt> = Vec::new();
        let mut run: Vec<Stmt> = Vec::new();
        let flush = |run: &mut Vec<Stmt>, out: &mut Vec<Stmt>| {
            if run.is_empty() {
                return;
            }
            let first = &run[0];
            let Some(at) = first.sql.find(" VALUES (") else {
                out.append(run);
                return;
            };
            let prefix = &first.sql[..at];
            let rest = &first.sql[at + " VALUES ".len()..];
            let Some(close) = rest.find(')') else {
                out.append(run);
                return;
            };
            let (group, suffix) = (&rest[..=close], &rest[close + 1..]);
            let per = first.args.len().max(1);
            for chunk in run.chunks((max_params / per).max(1)) {
                let mut sql = format!("{prefix} VALUES ");
                let mut args = Vec::with_capacity(chunk.len() * per);
                for (i, s) in chunk.iter().enumerate() {
                    if i > 0 {
                        sql.push(',');
                    }
                    renumber(group, i * per, &mut sql);
                    args.extend(s.args.iter().cloned());
                }
                sql.push_str(suffix);
                out.push(Stmt {
                    sql: Cow::Owned(sql),
                    args,
                    audit: None,
                });
            }
            run.clear();
        };
        for s in stmts {
            let joins = s.audit.is_none()
                && s.sql.starts_with("INSERT")
                && run.first().is_none_or(|f| f.sql == s.sql);
            if !joins {
                flush(&mut run, &mut out);
            }
            if s.audit.is_none() && s.sql.starts_with("INSERT") {
                run.push(s);
            } else {
                out.push(s);
            }
        }
        flush(&mut run, &mut out);
        out
    }
}

/// Rewrites `$N` as `$(N + offset)`.
fn renumber(sql: &str, offset: usize, out: &mut String) {
    let mut chars = sql.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if c == '$' {
            let mut n = 0usize;
            let mut digits = 0;
            while let Some((_, d)) = chars.peek().copied() {
                match d.to_digit(10) {
                    Some(v) => {
                        n = n * 10 + v as usize;
                        digits += 1;
                        chars.next();
                    }
                    None => break,
                }
            }
            out.push('$');
            if digits > 0 {
                out.push_str(&(n + offset).to_string());
            }
        } else {
            out.push(c);
        }
    }
}

macro_rules! bind_all {
    ($q:ident, $args:expr) => {
        for v in $args {
            $q = match v.clone() {
                Val::Uuid(x) => $q.bind(x),
                Val::OptUuid(x) => $q.bind(x),
                Val::Text(x) => $q.bind(x),
                Val::OptText(x) => $q.bind(x),
                Val::I64(x) => $q.bind(x),
                Val::OptI64(x) => $q.bind(x),
                Val::OptF64(x) => $q.bind(x),
                Val::OptBool(x) => $q.bind(x),
                Val::Bool(x) => $q.bind(x),
                Val::Time(x) => $q.bind(x),
                Val::OptTime(x) => $q.bind(x),
                Val::Date(x) => $q.bind(x),
                Val::OptDate(x) => $q.bind(x),
                Val::Bytes(x) => $q.bind(x),
                // Encrypted before binding (`Stmt::encrypted`); never bound in clear.
                Val::Secret(..) | Val::Blind(..) | Val::Tokens(_) => $q.bind(None::<String>),
            };
        }
    };
}

impl crate::Store {
    /// Runs batches of statements as one transaction, and commits. On SQLite they go to
    /// the group-commit writer (one commit for every action waiting; see `group.rs`); on
    /// PostgreSQL it is a transaction with the statements one by one. `fail_point` names the point between
    /// the batches where a test may make the action fail.
    pub async fn write_all(&self, batches: &[&[Stmt]], fail_point: &'static str) -> Result<()> {
        let inject = self.fail_points.hit(fail_point);
        match &self.pools {
            crate::Pools::Sqlite { group, .. } => {
                let owned = batches.iter().map(|b| b.to_vec()).collect();
                group.submit(owned, inject.then_some(fail_point)).await
            }
            crate::Pools::Pg(_) => {
                let mut tx = self.write().await?;
                for (i, batch) in batches.iter().enumerate() {
                    if i > 0 {
                        tx.fail_point(fail_point)?;
                    }
                    tx.run(batch).await?;
                }
                tx.commit().await
            }
        }
    }
}

impl Tx {
    /// Runs statements in order, in this transaction; on SQLite in one call.
    pub async fn run(&mut self, stmts: &[Stmt]) -> Result<()> {
        if stmts.is_empty() {
            return Ok(());
        }
        if !stmts.iter().any(Stmt::is_audit) {
            return self.run_plain(stmts).await;
        }
        if let Inner::Pg(_) = self.inner {
            // PostgreSQL: audit records wait for the commit, so that the lock that orders
            // them is held only for their inserts and the commit (see `commit`).
            let (audit, rest): (Vec<Stmt>, Vec<Stmt>) =
                stmts.iter().cloned().partition(Stmt::is_audit);
            self.pending_audit.extend(audit);
            return self.run_plain(&rest).await;
        }
        self.run_sealed(stmts).await
    }

    /// Seals the audit statements among `stmts` after the chain's head and runs them all.
    pub(crate) async fn run_sealed(&mut self, stmts: &[Stmt]) -> Result<()> {
        let mut head = self.audit_head().await?;
        let sealed: Vec<Stmt> = stmts
            .iter()
            .map(|s| s.sealed(&self.keys.audit, &mut head).into_owned())
            .collect();
        self.audit_head = Some(head);
        self.run_plain(&sealed).await
    }

    /// The chain's last record, read once per transaction. On PostgreSQL a transaction
    /// lock first makes concurrent writers of audit records take turns until they commit
    /// (on SQLite the write gate already does).
    pub(crate) async fn audit_head(&mut self) -> Result<Head> {
        if let Some(h) = &self.audit_head {
            return Ok(h.clone());
        }
        if let Inner::Pg(t) = &mut self.inner {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(chain::PG_LOCK)
                .execute(&mut **t)
                .await?;
        }
        let row: Option<(i64, String)> = crate::q!(self, c => sqlx::query_as("SELECT seq, hash FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1").fetch_optional(c).await)?;
        Ok(row.map_or_else(Head::genesis, |(seq, hash)| Head { seq, hash }))
    }

    async fn run_plain(&mut self, stmts: &[Stmt]) -> Result<()> {
        let keys = self.keys.clone();
        let owned: Vec<Cow<'_, Stmt>> = stmts
            .iter()
            .map(|s| s.encrypted(&keys))
            .collect::<Result<_>>()?;
        let stmts: Vec<&Stmt> = owned.iter().map(|c| c.as_ref()).collect();
        match &mut self.inner {
            Inner::Sqlite(t) => {
                let mut sql = String::new();
                let mut offset = 0;
                for s in &stmts {
                    renumber(&s.sql, offset, &mut sql);
                    sql.push_str(";\n");
                    offset += s.args.len();
                }
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for s in &stmts {
                    bind_all!(q, &s.args);
                }
                q.execute(&mut **t).await?;
            }
            Inner::Pg(t) => {
                for s in &stmts {
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(s.sql.to_string()));
                    bind_all!(q, &s.args);
                    q.execute(&mut **t).await?;
                }
            }
        }
        Ok(())
    }
}

/// The inserts of the officer's hot path, as statements.
impl Stmt {
    pub fn participant(p: &ParticipantRow) -> Stmt {
        // Identity encrypted, the match key and search terms as blind indexes (ADR 0009).
        use handoff_domain::input::normalize_name;
        let dob = p.dob.format("%F").to_string();
        let terms = crypto::search_terms(
            &normalize_name(&p.last_name),
            &normalize_name(&p.first_name),
            &dob,
        );
        stmt!("INSERT INTO participants (id, program_id, first_name, last_name, dob, sex, race, ethnicity, phone, email, match_key, search_name, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)";
            p.id, p.program_id,
            Val::Secret("participants.first_name", Some(p.first_name.clone())),
            Val::Secret("participants.last_name", Some(p.last_name.clone())),
            Val::Secret("participants.dob", Some(dob)),
            p.sex.clone(), p.race.clone(), p.ethnicity.clone(),
            Val::Secret("participants.phone", p.phone.clone()),
            Val::Secret("participants.email", p.email.clone()),
            Val::Blind(crate::crypto::MATCH_DOMAIN, p.match_key.clone()),
            Val::Tokens(terms),
            p.created_at, p.created_by)
    }

    pub fn encounter(e: &EncounterRow) -> Stmt {
        stmt!("INSERT INTO encounters (id, program_id, reference, pathway, agency_id, officer_id, participant_id, occurred_at, location, incident_number, age_at_encounter, sex, race, ethnicity, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)";
            e.id, e.program_id, e.reference.clone(), e.pathway.clone(), e.agency_id, e.officer_id, e.participant_id, e.occurred_at, e.location.clone(), e.incident_number.clone(), e.age_at_encounter, e.sex.clone(), e.race.clone(), e.ethnicity.clone(), e.created_at)
    }

    pub fn pathway_facts(f: &PathwayFactsRow) -> Stmt {
        stmt!("INSERT INTO encounter_facts (encounter_id, naloxone_doses, transported, surrendered_items, contact_kind, prior_involvement_on, prior_involvement_ref, outreach_source, call_type, police_present, team, follow_up_due) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)";
            f.encounter_id, Val::OptI64(f.naloxone_doses), Val::OptBool(f.transported), f.surrendered_items.clone(), f.contact_kind.clone(), f.prior_involvement_on, f.prior_involvement_ref.clone(), f.outreach_source.clone(), f.call_type.clone(), Val::OptBool(f.police_present), f.team.clone(), f.follow_up_due)
    }

    pub fn attempt(a: &AttemptRow) -> Stmt {
        stmt!("INSERT INTO contact_attempts (id, encounter_id, program_id, attempted_at, outcome, team, note, recorded_by, recorded_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)";
            a.id, a.encounter_id, a.program_id, a.attempted_at, a.outcome.clone(), a.team.clone(), Val::Secret("contact_attempts.note", a.note.clone()), a.recorded_by, a.recorded_at)
    }

    /// Writes an encounter's fact row, replacing the one there (ADR 0011).
    pub fn case_fact(f: &FactRow) -> Stmt {
        stmt!("INSERT INTO fact_rows (encounter_id, program_id, occurred_at, day, month, pathway, agency_id, agency_kind, officer_id, provider_id, participant_id, sex, race, ethnicity, age, prior_encounters, eligible, offered, accepted, referred, screened, handed_off, warm_minutes, contact_minutes, intake_minutes, engaged_minutes, engaged_at, exit_kind, exit_minutes, deadline_ends_at, deadline_met, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$28,$29,$30,$31,$32) \
            ON CONFLICT (encounter_id) DO UPDATE SET provider_id = excluded.provider_id, prior_encounters = excluded.prior_encounters, eligible = excluded.eligible, offered = excluded.offered, accepted = excluded.accepted, referred = excluded.referred, screened = excluded.screened, handed_off = excluded.handed_off, warm_minutes = excluded.warm_minutes, contact_minutes = excluded.contact_minutes, intake_minutes = excluded.intake_minutes, engaged_minutes = excluded.engaged_minutes, engaged_at = excluded.engaged_at, exit_kind = excluded.exit_kind, exit_minutes = excluded.exit_minutes, deadline_ends_at = excluded.deadline_ends_at, deadline_met = excluded.deadline_met, updated_at = excluded.updated_at";
            f.encounter_id, f.program_id, f.occurred_at, f.day, f.month.clone(), f.pathway.clone(), f.agency_id, f.agency_kind.clone(), f.officer_id, f.provider_id, f.participant_id, f.sex.clone(), f.race.clone(), f.ethnicity.clone(), f.age, f.prior_encounters,
            f.eligible, f.offered, f.accepted, f.referred, f.screened, f.handed_off, Val::OptI64(f.warm_minutes), Val::OptI64(f.contact_minutes), Val::OptI64(f.intake_minutes), Val::OptI64(f.engaged_minutes), f.engaged_at, f.exit_kind.clone(), Val::OptI64(f.exit_minutes), f.deadline_ends_at, Val::OptBool(f.deadline_met), f.updated_at)
    }

    /// A span's histograms for one dimension's key, encoded (`hist`).
    pub(crate) fn rollup_hist(
        program_id: Uuid,
        span: &str,
        dim: &str,
        key: &str,
        data: Vec<u8>,
    ) -> Stmt {
        stmt!("INSERT INTO fact_rollup_hists (program_id, span, dim, key, data) VALUES ($1,$2,$3,$4,$5)";
            program_id, span, dim, key, Val::Bytes(data))
    }

    /// A span's referrals of one service types, status, reason and month (`hist`).
    pub(crate) fn rollup_services(
        program_id: Uuid,
        span: &str,
        [types, status, reason, month]: [String; 4],
        n: i64,
        served: i64,
        hours: Vec<u8>,
    ) -> Stmt {
        stmt!("INSERT INTO fact_rollup_services (program_id, span, service_types, status, reason, month, n, served, hours) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)";
            program_id, span, types, status, reason, month, n, served, Val::Bytes(hours))
    }

    pub fn offense(o: &OffenseRow) -> Stmt {
        stmt!("INSERT INTO offenses (id, encounter_id, position, code, code_version, drug_activity, drug_type, quantity, unit) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)";
            o.id, o.encounter_id, o.position, o.code.clone(), o.code_version.clone(), o.drug_activity.clone(), o.drug_type.clone(), o.quantity, o.unit.clone())
    }

    pub fn decision(d: &DecisionRow) -> Stmt {
        stmt!("INSERT INTO eligibility_decisions (id, encounter_id, rules_version, rules_json, attestations, criteria_json, eligible, decided_by, decided_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)";
            d.id, d.encounter_id, d.rules_version, d.rules_json.clone(), d.attestations.clone(), d.criteria_json.clone(), d.eligible, d.decided_by, d.decided_at)
    }

    pub fn case_event(e: &CaseEventRow) -> Stmt {
        stmt!("INSERT INTO case_events (id, program_id, encounter_id, kind, summary, actor_id, at) VALUES ($1,$2,$3,$4,$5,$6,$7)";
            e.id, e.program_id, e.encounter_id, e.kind.clone(), e.summary.clone(), e.actor_id, e.at)
    }

    /// An audit record: sealed into the chain when it runs.
    pub fn audit(a: &NewAudit) -> Stmt {
        Stmt {
            sql: Cow::Borrowed(AUDIT_INSERT),
            args: vec![],
            audit: Some(Box::new(a.clone())),
        }
    }

    /// Takes an idempotency key; a key already taken is a unique violation (Conflict).
    pub fn idempotency(r: &IdempotencyRow) -> Stmt {
        stmt!("INSERT INTO idempotency_keys (user_id, idem_key, request_hash, response_status, response_body, created_at) VALUES ($1,$2,$3,$4,$5,$6)";
            r.user_id, r.idem_key.clone(), r.request_hash.clone(), r.response_status, r.response_body.clone(), r.created_at)
    }

    /// A message for the outbox (ADR 0019): its address, subject and body sealed; a second
    /// row for the same recipient and cause (its dedupe key) is not added.
    pub fn message(m: &MessageRow) -> Stmt {
        stmt!("INSERT INTO messages (id, program_id, dedupe_key, channel, recipient_kind, recipient_id, address, subject, body, cause_kind, cause_id, state, attempts, next_at, locked_by, locked_until, last_error, created_at, sent_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19) ON CONFLICT (dedupe_key) DO NOTHING";
            m.id, m.program_id, m.dedupe_key.clone(), m.channel.clone(), m.recipient_kind.clone(), m.recipient_id,
            Val::Secret("messages.address", Some(m.address.clone())),
            Val::Secret("messages.subject", Some(m.subject.clone())),
            Val::Secret("messages.body", Some(m.body.clone())),
            m.cause_kind.clone(), m.cause_id, m.state.clone(), m.attempts, m.next_at, m.locked_by.clone(), m.locked_until, m.last_error.clone(), m.created_at, m.sent_at)
    }

    /// A one-tap link (its token's hash only).
    pub fn link(l: &LinkRow) -> Stmt {
        stmt!("INSERT INTO links (id, program_id, token_hash, referral_id, user_id, created_at, expires_at, revoked_at, revoked_by, used) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)";
            l.id, l.program_id, l.token_hash.clone(), l.referral_id, l.user_id, l.created_at, l.expires_at, l.revoked_at, l.revoked_by, l.used.clone())
    }

    /// A one-tap capacity link (its token's hash only).
    pub fn capacity_link(l: &CapacityLinkRow) -> Stmt {
        stmt!("INSERT INTO capacity_links (id, program_id, token_hash, capacity_id, user_id, created_at, expires_at, revoked_at, revoked_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)";
            l.id, l.program_id, l.token_hash.clone(), l.capacity_id, l.user_id, l.created_at, l.expires_at, l.revoked_at, l.revoked_by)
    }

    /// One rung of a paging ladder for one person (once).
    pub fn page(p: &PageRow) -> Stmt {
        stmt!("INSERT INTO pages (referral_id, rung, user_id, paged_at, message_id) VALUES ($1,$2,$3,$4,$5) ON CONFLICT (referral_id, rung, user_id) DO NOTHING";
            p.referral_id, p.rung, p.user_id, p.paged_at, p.message_id)
    }

    /// Records (or changes) the person's language.
    pub fn language(l: &LanguageRow) -> Stmt {
        stmt!("INSERT INTO participant_languages (participant_id, language, needs_interpreter, updated_at, updated_by) VALUES ($1,$2,$3,$4,$5) ON CONFLICT (participant_id) DO UPDATE SET language = excluded.language, needs_interpreter = excluded.needs_interpreter, updated_at = excluded.updated_at, updated_by = excluded.updated_by";
            l.participant_id, l.language.clone(), l.needs_interpreter, l.updated_at, l.updated_by)
    }

    pub fn offer(o: &OfferRow) -> Stmt {
        stmt!("INSERT INTO offers (encounter_id, accepted, decline_reason, offered_by, offered_at) VALUES ($1,$2,$3,$4,$5)";
            o.encounter_id, o.accepted, o.decline_reason.clone(), o.offered_by, o.offered_at)
    }

    pub fn consent(k: &ConsentRow) -> Stmt {
        stmt!("INSERT INTO consents (id, participant_id, encounter_id, kind, discloser_org_ids, recipient_org_ids, purpose, signed_name, signed_at, expires_at, revoked_at, recorded_by, information, recipient_class, revocation_text, expiry_event, irrevocable_until_at, irrevocable_until_event, signature_method, attestation, form_text, revoked_by, revoke_note, language) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24)";
            k.id, k.participant_id, k.encounter_id, k.kind.clone(), k.discloser_org_ids.clone(), k.recipient_org_ids.clone(), k.purpose.clone(), Val::Secret("consents.signed_name", Some(k.signed_name.clone())), k.signed_at, k.expires_at, k.revoked_at, k.recorded_by,
            k.information.clone(), k.recipient_class.clone(), k.revocation_text.clone(), k.expiry_event.clone(), k.irrevocable_until_at, k.irrevocable_until_event.clone(), k.signature_method.clone(), k.attestation.clone(), k.form_text.clone(), k.revoked_by, k.revoke_note.clone(), k.language.clone())
    }

    pub fn screening(k: &ScreeningRow) -> Stmt {
        stmt!("INSERT INTO screenings (id, program_id, encounter_id, referral_id, instrument, version, profile, answers, score, max_score, prorated, band, positive, alerts, recorded_by, recorded_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)";
            k.id, k.program_id, k.encounter_id, k.referral_id, k.instrument.clone(), k.version.clone(), k.profile.clone(),
            Val::Secret("screenings.answers", Some(k.answers.clone())),
            Val::OptI64(k.score), k.max_score, k.prorated, k.band.clone(), Val::OptBool(k.positive), k.alerts.clone(), k.recorded_by, k.recorded_at)
    }

    pub fn referral(r: &ReferralRow) -> Stmt {
        stmt!("INSERT INTO referrals (id, encounter_id, program_id, participant_id, from_org_id, to_org_id, mode, status, business_status, status_reason, assigned_to, requested_at, contact_deadline, arrived_at, first_contact_at, intake_at, engaged_at, exit_kind, exit_at, updated_at, service_id, service_types, counts_for_hold, status_reason_code, release_id, acknowledged_at, acknowledged_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27)";
            r.id, r.encounter_id, r.program_id, r.participant_id, r.from_org_id, r.to_org_id, r.mode.clone(), r.status.clone(), r.business_status.clone(), r.status_reason.clone(), r.assigned_to, r.requested_at, r.contact_deadline, r.arrived_at, r.first_contact_at, r.intake_at, r.engaged_at, r.exit_kind.clone(), r.exit_at, r.updated_at, r.service_id, r.service_types.clone(), r.counts_for_hold, r.status_reason_code.clone(), r.release_id, r.acknowledged_at, r.acknowledged_by)
    }

    pub fn hold(h: &HoldRow) -> Stmt {
        stmt!("INSERT INTO legal_holds (id, encounter_id, program_id, prosecutor_org_id, kind, citation_number, court_date, deadline_day, deadline_ends_at, state, correction, decision, decision_reason, decided_by, decided_at, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)";
            h.id, h.encounter_id, h.program_id, h.prosecutor_org_id, h.kind.clone(), h.citation_number.clone(), h.court_date, h.deadline_day, h.deadline_ends_at, h.state.clone(), h.correction.clone(), h.decision.clone(), h.decision_reason.clone(), h.decided_by, h.decided_at, h.created_at, h.updated_at)
    }

    /// Enqueues a job unless one with the same dedupe key exists.
    pub fn job(j: &JobRow) -> Stmt {
        stmt!("INSERT INTO jobs (id, kind, dedupe_key, payload, run_at, status, attempts, locked_by, locked_until, last_error, created_at, finished_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) ON CONFLICT (dedupe_key) DO NOTHING";
            j.id, j.kind.clone(), j.dedupe_key.clone(), j.payload.clone(), j.run_at, j.status.clone(), j.attempts, j.locked_by.clone(), j.locked_until, j.last_error.clone(), j.created_at, j.finished_at)
    }
}

#[cfg(test)]
mod tests {
    use super::{Stmt, Val, renumber};

    #[test]
    fn merges_runs_of_the_same_insert() {
        let ins = |n: i64| {
            Stmt::raw(
                "INSERT INTO t (a, b) VALUES ($1,$2) ON CONFLICT (a) DO NOTHING",
                vec![Val::I64(n), Val::I64(n)],
            )
        };
        let other = Stmt::raw("UPDATE t SET b = $1", vec![Val::I64(0)]);
        let merged = Stmt::merge_inserts(vec![ins(1), ins(2), ins(3), other, ins(4)], 4);
        let sql: Vec<&str> = merged.iter().map(|s| s.sql()).collect();
        assert_eq!(
            sql,
            [
                "INSERT INTO t (a, b) VALUES ($1,$2),($3,$4) ON CONFLICT (a) DO NOTHING",
                "INSERT INTO t (a, b) VALUES ($1,$2) ON CONFLICT (a) DO NOTHING",
                "UPDATE t SET b = $1",
                "INSERT INTO t (a, b) VALUES ($1,$2) ON CONFLICT (a) DO NOTHING",
            ]
        );
        assert_eq!(merged[0].args().len(), 4);
    }

    #[test]
    fn renumbers_parameters() {
        let mut out = String::new();
        renumber("INSERT INTO t VALUES ($1,$2,$10)", 7, &mut out);
        assert_eq!(out, "INSERT INTO t VALUES ($8,$9,$17)");
    }
}
