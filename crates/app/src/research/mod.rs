//! De-identified research exports (issue 5; the 42 CFR 2.53 research path): one row per
//! encounter with its referral and outcome, for an evaluator. No direct identifier leaves:
//! people, encounters, agencies, officers and providers appear as keyed pseudonyms that
//! differ per recipient; dates are reduced to the month or shifted by a per-person offset;
//! ages over 89 are 90. CSV or Parquet, with a generated data dictionary. Every export is
//! audited.
use std::collections::HashMap;
use std::io::Write;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use handoff_domain::policy::{ProgramAction, program_grant};
use handoff_storage::ExportRow;
use uuid::Uuid;

use crate::audit::{self, ALLOWED, Ctx};

mod order;
mod referrals;
mod row;
mod sink;
use crate::{App, AppError, AppResult};
use handoff_i18n::staff;
use order::Order;
use row::Row;
use sink::Sink;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Parquet,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s.trim() {
            "csv" => Some(Format::Csv),
            "parquet" => Some(Format::Parquet),
            _ => None,
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Parquet => "parquet",
        }
    }
}

/// How dates leave: the month only, or the day shifted by up to `MAX_SHIFT_DAYS` either
/// way, the same shift for all of one person's rows (intervals are kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dates {
    Month,
    Shift,
}

impl Dates {
    pub fn parse(s: &str) -> Option<Dates> {
        match s.trim() {
            "month" | "" => Some(Dates::Month),
            "shift" => Some(Dates::Shift),
            _ => None,
        }
    }
    fn as_str(self) -> &'static str {
        match self {
            Dates::Month => "month",
            Dates::Shift => "shift",
        }
    }
}

pub const MAX_SHIFT_DAYS: i64 = 182;

/// Which table an export holds: one row per encounter, or one per referral (an encounter
/// may lead to several, to services of several kinds). Both share the recipient's keys,
/// so `encounter_key` joins them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Encounters,
    Referrals,
}

impl Table {
    pub fn parse(s: &str) -> Option<Table> {
        match s.trim() {
            "encounters" | "" => Some(Table::Encounters),
            "referrals" => Some(Table::Referrals),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Table::Encounters => "encounters",
            Table::Referrals => "referrals",
        }
    }
}

/// An export as asked.
#[derive(Debug, Clone)]
pub struct Spec {
    pub recipient: String,
    pub table: Table,
    pub format: Format,
    pub dates: Dates,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Spec {
    /// Reads a request as typed, with errors by field. Empty dates: all encounters.
    pub fn parse(
        recipient: &str,
        table: &str,
        format: &str,
        dates: &str,
        from: &str,
        to: &str,
    ) -> AppResult<Spec> {
        let mut e = handoff_domain::FieldErrors::new();
        let recipient = recipient.trim().to_string();
        if recipient.is_empty() || recipient.chars().count() > 100 {
            e.add("recipient", staff("err-research-recipient"));
        } else if recipient.chars().any(|c| c.is_control()) {
            e.add("recipient", staff("err-research-recipient-characters"));
        }
        let table = Table::parse(table);
        if table.is_none() {
            e.add("table", staff("err-research-table"));
        }
        let format = Format::parse(format);
        if format.is_none() {
            e.add("format", staff("err-research-format"));
        }
        let dates = Dates::parse(dates);
        if dates.is_none() {
            e.add("dates", staff("err-research-dates"));
        }
        let mut day = |field: &str, v: &str, default: NaiveDate| match v.trim() {
            "" => Some(default),
            v => handoff_domain::input::parse_date(v).or_else(|| {
                e.add(field, staff("err-research-date"));
                None
            }),
        };
        // Without dates: every encounter (dates outside these are refused at entry).
        let first = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default();
        let last = NaiveDate::from_ymd_opt(2200, 12, 31).unwrap_or_default();
        let from = day("from", from, first);
        let to = day("to", to, last);
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            e.add("from", staff("err-research-period-order"));
        }
        match (table, format, dates, from, to) {
            (Some(table), Some(format), Some(dates), Some(from), Some(to)) if e.is_empty() => {
                Ok(Spec {
                    recipient,
                    table,
                    format,
                    dates,
                    from,
                    to,
                })
            }
            _ => Err(AppError::Invalid(e)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Text,
    OptText,
    Int,
    OptInt,
    Bool,
}

pub(crate) struct Column {
    name: &'static str,
    kind: Kind,
    description: &'static str,
}

const fn col(name: &'static str, kind: Kind, description: &'static str) -> Column {
    Column {
        name,
        kind,
        description,
    }
}

/// How many columns an export has.
const N: usize = 26;

/// The columns, in order: the data dictionary is generated from this list.
const COLUMNS: [Column; N] = [
    col(
        "encounter_key",
        Kind::Text,
        "Pseudonymous encounter id (keyed hash; differs per recipient).",
    ),
    col(
        "person_key",
        Kind::Text,
        "Pseudonymous person id: the same for all of a person's encounters in this export (keyed hash; differs per recipient).",
    ),
    col(
        "encounter_date",
        Kind::Text,
        "Encounter date in the program's time zone: YYYY-MM when dates are reduced to the month; YYYY-MM-DD shifted by the person's offset (at most 182 days, the same for all their rows) when shifted.",
    ),
    col(
        "pathway",
        Kind::Text,
        "officer_intervention, self_referral, active_outreach, naloxone_plus, officer_referral or community_response.",
    ),
    col(
        "entry",
        Kind::Text,
        "The kind of responding agency: law_enforcement, fire_ems or crisis_response.",
    ),
    col("agency_key", Kind::Text, "Pseudonymous responding agency."),
    col("officer_key", Kind::Text, "Pseudonymous responder."),
    col(
        "provider_key",
        Kind::OptText,
        "Pseudonymous provider of the latest referral; empty without one.",
    ),
    col("sex", Kind::Text, "F, M or U (NIBRS)."),
    col("race", Kind::Text, "W, B, I, A, P or U (NIBRS)."),
    col("ethnicity", Kind::Text, "H, N or U (NIBRS)."),
    col(
        "age",
        Kind::Int,
        "Age in years on the encounter date; 90 means 90 or over.",
    ),
    col(
        "prior_encounters",
        Kind::Int,
        "The person's earlier encounters in the program.",
    ),
    col(
        "eligible",
        Kind::Bool,
        "Eligibility decision eligible, or an approved override.",
    ),
    col("offered", Kind::Bool, "An offer was recorded."),
    col("accepted", Kind::Bool, "The offer was accepted."),
    col(
        "referred",
        Kind::Bool,
        "The accepted offer produced a referral to a provider.",
    ),
    col(
        "screened",
        Kind::Bool,
        "A screening instrument was recorded.",
    ),
    col(
        "handed_off",
        Kind::Bool,
        "Warm handoff: case manager arrival recorded; contact card: first contact with the provider.",
    ),
    col(
        "warm_handoff_minutes",
        Kind::OptInt,
        "Minutes from the referral request to the case manager's arrival (warm handoffs).",
    ),
    col(
        "minutes_to_first_contact",
        Kind::OptInt,
        "Minutes from the encounter to the first treatment contact.",
    ),
    col(
        "minutes_to_intake",
        Kind::OptInt,
        "Minutes from the encounter to the intake/assessment.",
    ),
    col(
        "minutes_to_engagement",
        Kind::OptInt,
        "Minutes from the encounter to the first treatment service after intake.",
    ),
    col(
        "exit_kind",
        Kind::OptText,
        "completed, disengaged, withdrawn, new_arrest, moved or deceased; empty while in the program or never started.",
    ),
    col(
        "minutes_to_exit",
        Kind::OptInt,
        "Minutes from the encounter to the exit.",
    ),
    col(
        "deadline",
        Kind::Text,
        "Officer Intervention intake deadline: met, missed, open, or none (no hold).",
    ),
];

/// The data dictionary of an export, as Markdown.
pub fn dictionary(spec: &Spec, program: &str, rows: u64) -> String {
    let (each, columns, order): (_, &[Column], _) = match (spec.table, spec.dates) {
        (Table::Referrals, _) => (
            "one per referral; an encounter may have several, joined to the encounters table of the same recipient by encounter_key",
            &referrals::COLUMNS,
            "by referral_key (which says nothing of the date)",
        ),
        (Table::Encounters, Dates::Month) => (
            "one per encounter",
            &COLUMNS,
            "by month, then by encounter_key (which says nothing of the day)",
        ),
        (Table::Encounters, Dates::Shift) => (
            "one per encounter",
            &COLUMNS,
            "by encounter_key (which says nothing of the date)",
        ),
    };
    let mut s = format!(
        "# Research export: data dictionary\n\nProgram: {program}. Recipient: {}. Table: {}. Rows: {rows} ({each}). Dates: {}.\n\n\
         De-identified: no names, birth dates, contact details, addresses, locations, incident or reference numbers, or free text. \
         Keys are keyed hashes that differ per recipient and cannot be reversed without the server's key. \
         Row order: {order}.\n\n\
         | column | type | description |\n|---|---|---|\n",
        spec.recipient,
        spec.table.as_str(),
        match spec.dates {
            Dates::Month => "reduced to the month",
            Dates::Shift => "shifted per person",
        },
    );
    for c in columns {
        let t = match c.kind {
            Kind::Text => "text",
            Kind::OptText => "text, may be empty",
            Kind::Int => "integer",
            Kind::OptInt => "integer, may be empty",
            Kind::Bool => "boolean",
        };
        s.push_str(&format!("| {} | {t} | {} |\n", c.name, c.description));
    }
    s
}

/// The pseudonyms of one export, computed once per id (people, agencies, responders and
/// providers recur across rows).
struct Keys {
    domains: [handoff_storage::crypto::Pseudonyms; 7],
    seen: HashMap<(usize, Uuid), [u8; 32], Quick>,
}

/// How many pseudonyms of recurring ids are kept: the memory of an export stays bounded
/// (about 20 MB) whatever its row count; past it the cache starts again.
const KEYS_KEPT: usize = 250_000;

/// A quick hash for the export's own caches (the ids of its pseudonym cache: nothing an
/// outsider chooses, so SipHash's protection against chosen collisions buys nothing, and
/// it was a tenth of an export's time). The multiply-rotate of FxHash.
#[derive(Default, Clone, Copy)]
struct Quick;

impl std::hash::BuildHasher for Quick {
    type Hasher = QuickHasher;
    fn build_hasher(&self) -> QuickHasher {
        QuickHasher(0)
    }
}

struct QuickHasher(u64);

impl std::hash::Hasher for QuickHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.write_u64(u64::from_le_bytes(b));
        }
        for b in chunks.remainder() {
            self.write_u64(u64::from(*b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

const ENCOUNTER: usize = 0;
const PERSON: usize = 1;
const AGENCY: usize = 2;
const OFFICER: usize = 3;
const PROVIDER: usize = 4;
const SHIFT: usize = 5;
const REFERRAL: usize = 6;

impl Keys {
    fn new(app: &App, recipient: &str) -> Self {
        let d = |what: &str| {
            app.store
                .pseudonyms(&format!("research:{recipient}:{what}"))
        };
        Keys {
            domains: [
                d("encounter"),
                d("person"),
                d("agency"),
                d("officer"),
                d("provider"),
                app.store.pseudonyms(&format!("research-shift:{recipient}")),
                d("referral"),
            ],
            seen: HashMap::default(),
        }
    }
    /// A pseudonym computed afresh (encounters: each appears once).
    fn fresh(&self, what: usize, id: Uuid) -> [u8; 32] {
        self.domains[what].digits_of(id.as_hyphenated().encode_lower(&mut [0; 36]))
    }

    /// A pseudonym of something that recurs (people, agencies, responders, providers).
    fn key(&mut self, what: usize, id: Uuid) -> [u8; 32] {
        if let Some(k) = self.seen.get(&(what, id)) {
            return *k;
        }
        let k = self.fresh(what, id);
        if self.seen.len() >= KEYS_KEPT {
            self.seen.clear();
        }
        self.seen.insert((what, id), k);
        k
    }

    /// Writes an encounter's date as it leaves: its month, or its day shifted by the
    /// person's offset (the same in both tables).
    fn date(&mut self, dates: Dates, person: Uuid, month: &str, day: NaiveDate, row: &mut Row) {
        match dates {
            Dates::Month => row.text(month.as_bytes()),
            Dates::Shift => {
                let h = self.key(SHIFT, person);
                let n = std::str::from_utf8(&h[..8])
                    .ok()
                    .and_then(|h| i64::from_str_radix(h, 16).ok())
                    .unwrap_or(0);
                let shift = n % (2 * MAX_SHIFT_DAYS + 1) - MAX_SHIFT_DAYS;
                row.text((day + Duration::days(shift)).to_string().as_bytes());
            }
        }
    }
}

/// Writes one fact row, de-identified for a recipient.
fn write_row(keys: &mut Keys, spec: &Spec, now: DateTime<Utc>, f: &ExportRow, r: &mut Row) {
    let deadline = match (f.deadline_ends_at, f.deadline_met) {
        (None, _) => "none",
        (Some(_), Some(true)) => "met",
        (Some(_), Some(false)) => "missed",
        (Some(end), None) if end <= now => "missed",
        (Some(_), None) => "open",
    };
    r.clear();
    r.text(&keys.fresh(ENCOUNTER, f.encounter_id));
    r.text(&keys.key(PERSON, f.participant_id));
    keys.date(spec.dates, f.participant_id, &f.month, f.day, r);
    r.text(f.pathway.as_bytes());
    r.text(f.agency_kind.as_bytes());
    r.text(&keys.key(AGENCY, f.agency_id));
    r.text(&keys.key(OFFICER, f.officer_id));
    match f.provider_id {
        Some(p) => r.text(&keys.key(PROVIDER, p)),
        None => r.empty(),
    }
    r.text(f.sex.as_bytes());
    r.text(f.race.as_bytes());
    r.text(f.ethnicity.as_bytes());
    r.int(f.age.min(90));
    r.int(f.prior_encounters);
    for b in [
        f.eligible,
        f.offered,
        f.accepted,
        f.referred,
        f.screened,
        f.handed_off,
    ] {
        r.bool(b);
    }
    for n in [
        f.warm_minutes,
        f.contact_minutes,
        f.intake_minutes,
        f.engaged_minutes,
    ] {
        r.opt_int(n);
    }
    match &f.exit_kind {
        Some(k) => r.text(k.as_bytes()),
        None => r.empty(),
    }
    r.opt_int(f.exit_minutes);
    r.text(deadline.as_bytes());
}

fn internal<E: std::fmt::Display>(what: &'static str) -> impl Fn(E) -> AppError {
    move |e| AppError::Internal(format!("{what}: {e}"))
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub rows: u64,
    pub dictionary: String,
}

/// Writes a program's export to `out` (no access check: the caller's), calling
/// `progress(done, total)` after each page, and audits it as `ctx`.
pub async fn export_to<W: Write + Send>(
    app: &App,
    ctx: &Ctx,
    program_id: Uuid,
    spec: &Spec,
    out: W,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> AppResult<Written> {
    let data = app.program_data(program_id).await?;
    if spec.table == Table::Referrals {
        let rows = referrals::export(app, program_id, spec, out, progress).await?;
        return finish(app, ctx, program_id, spec, &data.program.name, rows).await;
    }
    let mut tx = app.store.read().await?;
    let total =
        u64::try_from(tx.count_fact_rows(program_id, spec.from, spec.to).await?).unwrap_or(0);
    tx.rollback().await?;
    let mut sink = Sink::new(spec.format, out, &COLUMNS)?;
    let mut keys = Keys::new(app, &spec.recipient);
    let now = app.now();
    let mut done = 0u64;
    // Rows leave in encounter-key order, not the storage's day order (`order`).
    let mut order = Order::new(spec.dates, total, N)?;
    let mut row = Row::default();
    // Pages come from a reader while this one is formatted (storage::scan).
    let mut pages = app.store.scan_fact_rows(program_id, spec.from, spec.to);
    while let Some(page) = pages.recv().await {
        let page = page?;
        done += page.len() as u64;
        for f in &page {
            order.month(&f.month, &mut sink)?;
            write_row(&mut keys, spec, now, f, &mut row);
            order.push(row.as_bytes())?;
        }
        progress(done, total);
    }
    order.finish(&mut sink)?;
    sink.finish()?;
    finish(app, ctx, program_id, spec, &data.program.name, done).await
}

/// Audits a written export and makes its dictionary.
async fn finish(
    app: &App,
    ctx: &Ctx,
    program_id: Uuid,
    spec: &Spec,
    program: &str,
    done: u64,
) -> AppResult<Written> {
    audit::alone(
        app,
        ctx,
        "research.export",
        "program",
        &program_id.to_string(),
        ALLOWED,
        &format!(
            "recipient {:?}; {} {} rows; {}; dates {}; {} to {}",
            spec.recipient,
            done,
            spec.table.as_str(),
            spec.format.extension(),
            spec.dates.as_str(),
            spec.from,
            spec.to
        ),
    )
    .await?;
    Ok(Written {
        rows: done,
        dictionary: dictionary(spec, program, done),
    })
}

/// A coordinator's export, in memory (the web page's download).
pub async fn export(app: &App, ctx: &Ctx, spec: &Spec) -> AppResult<(Vec<u8>, Written)> {
    let pid = ctx.require_program()?;
    if program_grant(&ctx.actor, pid, ProgramAction::ExportResearch).is_none() {
        return Err(audit::deny(app, ctx, "research.export", "program", &pid.to_string()).await);
    }
    let mut buf = Vec::new();
    let written = export_to(app, ctx, pid, spec, &mut buf, &mut |_, _| {}).await?;
    Ok((buf, written))
}
