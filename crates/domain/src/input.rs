//! Input from people and systems, validated once for both the HTML forms and the JSON
//! API. Raw input is kept as typed so a form can be shown again with the user's values.
use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::eligibility::{Attestation, ContactFacts, OffenseFacts, is_drug_offense};
use crate::hold::ProsecutorDecision;
use crate::pathways::{self, Section};
use crate::{
    AttemptOutcome, ContactKind, Ethnicity, FieldErrors, HandoffMode, HoldKind, OutreachSource,
    Pathway, Race, Sex,
};

/// One entry of a reference table (NIBRS offense, drug activity, drug type, unit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefCode {
    pub table: String,
    pub code: String,
    pub name: String,
    pub active: bool,
}

/// The reference tables in force, by (table, code).
#[derive(Debug, Clone, Default)]
pub struct RefCodes {
    pub version: String,
    by_key: HashMap<(String, String), RefCode>,
}

impl RefCodes {
    pub fn new(version: String, codes: Vec<RefCode>) -> Self {
        let by_key = codes
            .into_iter()
            .map(|c| ((c.table.clone(), c.code.clone()), c))
            .collect();
        Self { version, by_key }
    }
    pub fn get(&self, table: &str, code: &str) -> Option<&RefCode> {
        self.by_key.get(&(table.to_string(), code.to_string()))
    }
    /// Active codes of a table, sorted by code, for pick lists.
    pub fn active(&self, table: &str) -> Vec<&RefCode> {
        let mut v: Vec<&RefCode> = self
            .by_key
            .values()
            .filter(|c| c.table == table && c.active)
            .collect();
        v.sort_by(|a, b| a.code.cmp(&b.code));
        v
    }
    pub fn name(&self, table: &str, code: &str) -> String {
        self.get(table, code)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| code.to_string())
    }
}

pub const MAX_OFFENSES: usize = 3;

/// An offense as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OffenseInput {
    pub code: String,
    pub drug_activity: String,
    pub drug_type: String,
    pub quantity: String,
    pub unit: String,
}

impl OffenseInput {
    fn is_blank(&self) -> bool {
        [
            &self.code,
            &self.drug_activity,
            &self.drug_type,
            &self.quantity,
            &self.unit,
        ]
        .iter()
        .all(|s| s.trim().is_empty())
    }
}

/// A person as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PersonInput {
    pub first_name: String,
    pub last_name: String,
    pub dob: String,
    pub sex: String,
    pub race: String,
    pub ethnicity: String,
    pub phone: String,
    pub email: String,
}

/// What a pathway adds to an encounter, as typed (each field belongs to one section of
/// `pathways::Section`; a field of a section the pathway does not use must be empty).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FactsInput {
    /// Overdose: naloxone doses given (0 to 20).
    pub naloxone_doses: String,
    /// Overdose: "yes" when the person was transported to a hospital, else "no".
    pub transported: String,
    /// Self-Referral: drugs or paraphernalia handed in without charge (empty if none).
    pub surrendered_items: String,
    /// Officer Referral: `incident` or `social_contact`.
    pub contact_kind: String,
    /// Officer Referral, social contact: the date of the verified prior involvement.
    pub prior_involvement_on: String,
    /// Where the prior involvement was verified (report number).
    pub prior_involvement_ref: String,
    /// Active Outreach: why the person is on the list.
    pub outreach_source: String,
    /// Community Response: the call type as dispatched.
    pub call_type: String,
    /// Community Response: "yes" when police were on the call, else "no".
    pub police_present: String,
    /// Who responded (officer, clinician, peer).
    pub team: String,
}

/// What a pathway adds to an encounter, validated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    pub naloxone_doses: Option<i64>,
    pub transported: Option<bool>,
    pub surrendered_items: Option<String>,
    pub contact_kind: Option<ContactKind>,
    pub prior_involvement_on: Option<NaiveDate>,
    pub prior_involvement_ref: Option<String>,
    pub outreach_source: Option<OutreachSource>,
    pub call_type: Option<String>,
    pub police_present: Option<bool>,
    pub team: Option<String>,
}

impl Facts {
    pub fn contact(&self) -> ContactFacts {
        ContactFacts {
            contact_kind: self.contact_kind,
            prior_involvement_on: self.prior_involvement_on,
        }
    }
}

fn yes_no(e: &mut FieldErrors, field: &str, v: &str, question: &str) -> Option<bool> {
    match v.trim() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            e.add(field, format!("Choose whether {question}."));
            None
        }
    }
}

impl FactsInput {
    fn parse(&self, e: &mut FieldErrors, pathway: Pathway, today: NaiveDate) -> Facts {
        let spec = pathways::spec(pathway);
        let f = |n: &str| format!("facts.{n}");
        // A value typed for a section this pathway does not have is refused by name.
        let sections: [(Section, &[(&str, &String)]); 6] = [
            (
                Section::Overdose,
                &[
                    ("naloxone_doses", &self.naloxone_doses),
                    ("transported", &self.transported),
                ],
            ),
            (
                Section::Surrender,
                &[("surrendered_items", &self.surrendered_items)],
            ),
            (
                Section::Contact,
                &[
                    ("contact_kind", &self.contact_kind),
                    ("prior_involvement_on", &self.prior_involvement_on),
                    ("prior_involvement_ref", &self.prior_involvement_ref),
                ],
            ),
            (
                Section::Outreach,
                &[("outreach_source", &self.outreach_source)],
            ),
            (
                Section::Call,
                &[
                    ("call_type", &self.call_type),
                    ("police_present", &self.police_present),
                ],
            ),
            (Section::Team, &[("team", &self.team)]),
        ];
        for (section, fields) in sections {
            if spec.has(section) {
                continue;
            }
            for (name, v) in fields {
                if !v.trim().is_empty() {
                    e.add(
                        f(name),
                        format!("This does not apply to the {} pathway.", pathway.label()),
                    );
                }
            }
        }
        let mut out = Facts::default();
        if spec.has(Section::Overdose) {
            out.naloxone_doses = match self.naloxone_doses.trim().parse::<i64>() {
                Ok(n) if (0..=20).contains(&n) => Some(n),
                _ if self.naloxone_doses.trim().is_empty() => {
                    e.add(
                        f("naloxone_doses"),
                        "Enter the naloxone doses given (0 if none).",
                    );
                    None
                }
                _ => {
                    e.add(
                        f("naloxone_doses"),
                        "Enter the doses as a whole number from 0 to 20.",
                    );
                    None
                }
            };
            out.transported = yes_no(
                e,
                &f("transported"),
                &self.transported,
                "the person was transported to a hospital",
            );
        }
        if spec.has(Section::Surrender) {
            let t = text(
                e,
                &f("surrendered_items"),
                &self.surrendered_items,
                "items handed in",
                500,
                false,
            );
            out.surrendered_items = (!t.is_empty()).then_some(t);
        }
        if spec.has(Section::Contact) {
            out.contact_kind = ContactKind::parse(self.contact_kind.trim());
            if out.contact_kind.is_none() {
                e.add(f("contact_kind"), "Choose how you met the person.");
            }
            let on = self.prior_involvement_on.trim();
            out.prior_involvement_on = match parse_date(on) {
                Some(d) if d > today => {
                    e.add(
                        f("prior_involvement_on"),
                        "The prior involvement cannot be in the future.",
                    );
                    None
                }
                Some(d) => Some(d),
                None if on.is_empty() => {
                    if out.contact_kind == Some(ContactKind::SocialContact) {
                        e.add(
                            f("prior_involvement_on"),
                            "A social contact needs the date of the verified prior involvement.",
                        );
                    }
                    None
                }
                None => {
                    e.add(f("prior_involvement_on"), "Use a date like 2026-03-14.");
                    None
                }
            };
            let r = text(
                e,
                &f("prior_involvement_ref"),
                &self.prior_involvement_ref,
                "report number of the prior involvement",
                40,
                false,
            );
            out.prior_involvement_ref = (!r.is_empty()).then_some(r);
        }
        if spec.has(Section::Outreach) {
            out.outreach_source = OutreachSource::parse(self.outreach_source.trim());
            if out.outreach_source.is_none() {
                e.add(
                    f("outreach_source"),
                    "Choose why the person is on the outreach list.",
                );
            }
        }
        if spec.has(Section::Call) {
            out.call_type = Some(text(
                e,
                &f("call_type"),
                &self.call_type,
                "call type",
                60,
                true,
            ));
            out.police_present = yes_no(
                e,
                &f("police_present"),
                &self.police_present,
                "police were on the call",
            );
        }
        if spec.has(Section::Team) {
            let t = text(e, &f("team"), &self.team, "team", 200, false);
            out.team = (!t.is_empty()).then_some(t);
        }
        out
    }
}

/// An encounter as typed by an officer (form) or sent by a system (API).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EncounterInput {
    /// The pathway code; empty means Officer Intervention.
    pub pathway: String,
    /// What the pathway adds.
    pub facts: FactsInput,
    /// RFC 3339, or a local "YYYY-MM-DDTHH:MM" in the program's time zone.
    pub occurred_at: String,
    pub location: String,
    pub incident_number: String,
    pub offenses: Vec<OffenseInput>,
    /// Attestation codes the officer made.
    pub attestations: Vec<String>,
    /// An existing participant, found by the search; otherwise `person` is a new one.
    pub participant_id: String,
    pub person: PersonInput,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewPerson {
    pub first_name: String,
    pub last_name: String,
    pub dob: NaiveDate,
    pub sex: Sex,
    pub race: Race,
    pub ethnicity: Ethnicity,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl NewPerson {
    /// The normalised key used to find the same person again (case, accents of spacing).
    pub fn match_key(&self) -> String {
        match_key(&self.first_name, &self.last_name, self.dob)
    }
}

pub fn normalize_name(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect()
}

pub fn match_key(first: &str, last: &str, dob: NaiveDate) -> String {
    format!("{}|{}|{}", normalize_name(last), normalize_name(first), dob)
}

#[derive(Debug, Clone, PartialEq)]
pub enum PersonRef {
    Existing(Uuid),
    New(NewPerson),
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewEncounter {
    pub pathway: Pathway,
    pub facts: Facts,
    pub occurred_at: DateTime<Utc>,
    pub location: String,
    pub incident_number: String,
    pub offenses: Vec<OffenseFacts>,
    pub attestations: Vec<Attestation>,
    pub person: PersonRef,
}

fn text(
    errors: &mut FieldErrors,
    field: &str,
    v: &str,
    label: &str,
    max: usize,
    required: bool,
) -> String {
    let t = v.trim();
    if required && t.is_empty() {
        errors.add(field, format!("Enter the {label}."));
    } else if t.chars().count() > max {
        errors.add(
            field,
            format!("The {label} must be at most {max} characters."),
        );
    } else if t.chars().any(|c| c.is_control()) {
        errors.add(
            field,
            format!("The {label} contains characters that are not allowed."),
        );
    }
    t.to_string()
}

/// Parses a date and time typed by a user: RFC 3339, or local time in the program's zone.
pub fn parse_local_datetime(s: &str, tz: Tz) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M"))
        .ok()?;
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// How far in the past an encounter may be entered (late data entry after a shift).
pub const MAX_ENCOUNTER_AGE_DAYS: i64 = 30;

impl EncounterInput {
    pub fn parse(
        &self,
        codes: &RefCodes,
        tz: Tz,
        now: DateTime<Utc>,
    ) -> Result<NewEncounter, FieldErrors> {
        let mut e = FieldErrors::new();
        let pathway = match self.pathway.trim() {
            "" => Pathway::OfficerIntervention,
            p => Pathway::parse(p).unwrap_or_else(|| {
                e.add("pathway", format!("Unknown pathway {p:?}."));
                Pathway::OfficerIntervention
            }),
        };
        let spec = pathways::spec(pathway);
        let facts = self
            .facts
            .parse(&mut e, pathway, now.with_timezone(&tz).date_naive());
        let occurred_at = match parse_local_datetime(&self.occurred_at, tz) {
            None if self.occurred_at.trim().is_empty() => {
                e.add("occurred_at", "Enter the date and time of the encounter.");
                now
            }
            None => {
                e.add("occurred_at", "Use a date and time like 2026-05-01T14:30.");
                now
            }
            Some(t) if t > now + Duration::minutes(5) => {
                e.add("occurred_at", "The encounter cannot be in the future.");
                t
            }
            Some(t) if t < now - Duration::days(MAX_ENCOUNTER_AGE_DAYS) => {
                e.add("occurred_at", format!("Encounters older than {MAX_ENCOUNTER_AGE_DAYS} days cannot be entered here; ask the coordinator."));
                t
            }
            Some(t) => t,
        };
        let location = text(&mut e, "location", &self.location, "location", 200, true);
        let incident_number = text(
            &mut e,
            "incident_number",
            &self.incident_number,
            "CAD/incident number",
            40,
            spec.incident_required,
        );

        let mut offenses = Vec::new();
        let filled: Vec<(usize, &OffenseInput)> = self
            .offenses
            .iter()
            .enumerate()
            .filter(|(_, o)| !o.is_blank())
            .collect();
        if !spec.charges {
            if !filled.is_empty() {
                e.add(
                    "offenses",
                    format!(
                        "Offenses are recorded only on the Officer Intervention pathway; the {} pathway has no charge.",
                        pathway.label()
                    ),
                );
            }
        } else if filled.is_empty() {
            e.add("offenses[0].code", "Choose at least one offense.");
        }
        if self.offenses.len() > MAX_OFFENSES && filled.len() > MAX_OFFENSES {
            e.add("offenses", format!("At most {MAX_OFFENSES} offenses."));
        }
        for (i, o) in filled {
            let f = |name: &str| format!("offenses[{i}].{name}");
            let code = o.code.trim().to_uppercase();
            match codes.get("offense", &code) {
                None if code.is_empty() => e.add(f("code"), "Choose the offense."),
                None => e.add(f("code"), format!("{code} is not a NIBRS offense code.")),
                Some(c) if !c.active => e.add(
                    f("code"),
                    format!(
                        "{code} ({}) is retired and cannot be chosen for new records.",
                        c.name
                    ),
                ),
                Some(_) => {}
            }
            let drug = is_drug_offense(&code);
            let pick = |table: &str,
                        v: &str,
                        field: &str,
                        label: &str,
                        e: &mut FieldErrors|
             -> Option<String> {
                let v = v.trim().to_uppercase();
                if v.is_empty() {
                    return None;
                }
                if !drug {
                    e.add(
                        f(field),
                        format!("The {label} applies only to drug offenses (35A, 35B)."),
                    );
                    return None;
                }
                match codes.get(table, &v) {
                    Some(c) if c.active => Some(v),
                    _ => {
                        e.add(f(field), format!("{v} is not a valid {label} code."));
                        None
                    }
                }
            };
            let drug_activity = pick(
                "drug_activity",
                &o.drug_activity,
                "drug_activity",
                "drug activity",
                &mut e,
            );
            let drug_type = pick("drug_type", &o.drug_type, "drug_type", "drug type", &mut e);
            let unit = pick("drug_unit", &o.unit, "unit", "unit", &mut e);
            if drug && drug_activity.is_none() && o.drug_activity.trim().is_empty() {
                e.add(f("drug_activity"), "Choose the drug activity.");
            }
            if code == "35A" && drug_type.is_none() && o.drug_type.trim().is_empty() {
                e.add(
                    f("drug_type"),
                    "Choose the suspected drug type (U if unknown).",
                );
            }
            let quantity = match o.quantity.trim() {
                "" => None,
                q if !drug => {
                    let _ = q;
                    e.add(
                        f("quantity"),
                        "A quantity applies only to drug offenses (35A, 35B).",
                    );
                    None
                }
                q => match q.parse::<f64>() {
                    Ok(v) if v.is_finite() && v > 0.0 && v < 1_000_000.0 => Some(v),
                    Ok(v) if v.is_finite() && v <= 0.0 => {
                        e.add(f("quantity"), "The quantity must be more than 0.");
                        None
                    }
                    _ => {
                        e.add(f("quantity"), "Enter the quantity as a number, like 1.5.");
                        None
                    }
                },
            };
            if quantity.is_some() && unit.is_none() && o.unit.trim().is_empty() {
                e.add(f("unit"), "Choose the unit of the quantity.");
            }
            if quantity.is_none()
                && unit.is_some()
                && unit.as_deref() != Some("XX")
                && o.quantity.trim().is_empty()
            {
                e.add(
                    f("quantity"),
                    "Enter the quantity for this unit, or leave both empty if unknown.",
                );
            }
            offenses.push(OffenseFacts {
                code,
                drug_activity,
                drug_type,
                quantity,
                unit,
            });
        }
        let mut codes_seen = std::collections::HashSet::new();
        for o in &offenses {
            if !codes_seen.insert(o.code.clone()) && !o.code.is_empty() {
                e.add("offenses", format!("{} is listed twice.", o.code));
            }
        }

        let mut attestations = Vec::new();
        if self.attestations.len() > Attestation::ALL.len() {
            e.add(
                "attestations",
                format!(
                    "There are {} attestations: send each at most once.",
                    Attestation::ALL.len()
                ),
            );
        } else {
            for a in &self.attestations {
                match Attestation::parse(a.trim()) {
                    Some(x) if !attestations.contains(&x) => attestations.push(x),
                    Some(x) => e.add("attestations", format!("{} is listed twice.", x.as_str())),
                    None => e.add(
                        "attestations",
                        format!(
                            "Unknown attestation {:?}.",
                            a.chars().take(40).collect::<String>()
                        ),
                    ),
                }
            }
        }

        let person = if !self.participant_id.trim().is_empty() {
            match Uuid::parse_str(self.participant_id.trim()) {
                Ok(id) => Some(PersonRef::Existing(id)),
                Err(_) => {
                    e.add(
                        "participant_id",
                        "The chosen participant is not valid; search again.",
                    );
                    None
                }
            }
        } else {
            self.person.parse(&mut e, now, tz).map(PersonRef::New)
        };

        match person {
            Some(person) if e.is_empty() => Ok(NewEncounter {
                pathway,
                facts,
                occurred_at,
                location,
                incident_number,
                offenses,
                attestations,
                person,
            }),
            _ => Err(e),
        }
    }
}

impl PersonInput {
    fn parse(&self, e: &mut FieldErrors, now: DateTime<Utc>, tz: Tz) -> Option<NewPerson> {
        let first_name = text(
            e,
            "person.first_name",
            &self.first_name,
            "first name",
            100,
            true,
        );
        let last_name = text(
            e,
            "person.last_name",
            &self.last_name,
            "last name",
            100,
            true,
        );
        let today = now.with_timezone(&tz).date_naive();
        let dob = match parse_date(&self.dob) {
            None if self.dob.trim().is_empty() => {
                e.add("person.dob", "Enter the date of birth.");
                None
            }
            None => {
                e.add("person.dob", "Use a date like 1990-04-21.");
                None
            }
            Some(d) if d > today => {
                e.add("person.dob", "The date of birth cannot be in the future.");
                None
            }
            Some(d) if d < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(d) => {
                e.add("person.dob", "The date of birth is too far in the past.");
                None
            }
            Some(d) => Some(d),
        };
        let sex = Sex::parse(self.sex.trim());
        if sex.is_none() {
            e.add("person.sex", "Choose the sex (Unknown if not known).");
        }
        let race = Race::parse(self.race.trim());
        if race.is_none() {
            e.add("person.race", "Choose the race (Unknown if not known).");
        }
        let ethnicity = Ethnicity::parse(self.ethnicity.trim());
        if ethnicity.is_none() {
            e.add(
                "person.ethnicity",
                "Choose the ethnicity (Unknown if not known).",
            );
        }
        let phone = text(e, "person.phone", &self.phone, "phone number", 30, false);
        if !phone.is_empty()
            && !phone
                .chars()
                .all(|c| c.is_ascii_digit() || " +-().".contains(c))
        {
            e.add("person.phone", "Use digits, spaces and + - ( ) only.");
        }
        let email = text(e, "person.email", &self.email, "email", 200, false);
        if !email.is_empty() && (!email.contains('@') || email.contains(' ')) {
            e.add(
                "person.email",
                "Enter an email address like name@example.org, or leave it empty.",
            );
        }
        Some(NewPerson {
            first_name,
            last_name,
            dob: dob?,
            sex: sex?,
            race: race?,
            ethnicity: ethnicity?,
            phone: (!phone.is_empty()).then_some(phone),
            email: (!email.is_empty()).then_some(email),
        })
    }
}

/// The officer's offer, as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OfferInput {
    /// "accepted" or "declined".
    pub response: String,
    pub decline_reason: String,
    /// The name the person typed or signed for the release of information.
    pub consent_signed_name: String,
    /// "yes" when the person confirmed the release.
    pub consent_confirmed: String,
    pub handoff_mode: String,
    pub provider_id: String,
    pub hold_kind: String,
    pub citation_number: String,
    pub court_date: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Offer {
    Declined {
        reason: String,
    },
    Accepted {
        consent_signed_name: String,
        handoff: HandoffMode,
        provider_id: Uuid,
        /// The legal hold (Officer Intervention only).
        hold: Option<HoldKind>,
        citation_number: Option<String>,
        court_date: Option<NaiveDate>,
    },
}

impl OfferInput {
    /// `charges`: the pathway holds a charge, so acceptance needs the hold.
    pub fn parse(&self, today: NaiveDate, charges: bool) -> Result<Offer, FieldErrors> {
        let mut e = FieldErrors::new();
        match self.response.trim() {
            "declined" => {
                let reason = text(
                    &mut e,
                    "decline_reason",
                    &self.decline_reason,
                    "reason the person declined",
                    500,
                    true,
                );
                e.into_result(Offer::Declined { reason })
            }
            "accepted" => {
                let name = text(
                    &mut e,
                    "consent_signed_name",
                    &self.consent_signed_name,
                    "person's signed name",
                    200,
                    true,
                );
                if self.consent_confirmed.trim() != "yes" {
                    e.add(
                        "consent_confirmed",
                        "The person must confirm the release of information.",
                    );
                }
                let handoff = HandoffMode::parse(self.handoff_mode.trim());
                if handoff.is_none() {
                    e.add("handoff_mode", "Choose a warm handoff or a contact card.");
                }
                let provider = Uuid::parse_str(self.provider_id.trim()).ok();
                if provider.is_none() {
                    e.add("provider_id", "Choose the provider.");
                }
                let hold = HoldKind::parse(self.hold_kind.trim());
                if !charges {
                    for (field, v) in [
                        ("hold_kind", &self.hold_kind),
                        ("citation_number", &self.citation_number),
                        ("court_date", &self.court_date),
                    ] {
                        if !v.trim().is_empty() {
                            e.add(field, "This pathway has no charge to hold.");
                        }
                    }
                } else if hold.is_none() {
                    e.add("hold_kind", "Choose how the charge is held.");
                }
                let mut citation_number = None;
                let mut court_date = None;
                if hold == Some(HoldKind::Citation) {
                    let c = text(
                        &mut e,
                        "citation_number",
                        &self.citation_number,
                        "citation number",
                        40,
                        true,
                    );
                    citation_number = Some(c);
                    court_date = match parse_date(&self.court_date) {
                        Some(d) if d > today => Some(d),
                        Some(_) => {
                            e.add("court_date", "The court date must be after today.");
                            None
                        }
                        None => {
                            e.add("court_date", "Enter the court date, like 2026-06-15.");
                            None
                        }
                    };
                }
                match (handoff, provider, hold) {
                    (Some(handoff), Some(provider_id), hold)
                        if e.is_empty() && (hold.is_some() || !charges) =>
                    {
                        Ok(Offer::Accepted {
                            consent_signed_name: name,
                            handoff,
                            provider_id,
                            hold,
                            citation_number,
                            court_date,
                        })
                    }
                    _ => Err(e),
                }
            }
            _ => Err(FieldErrors::single(
                "response",
                "Choose whether the person accepted or declined.",
            )),
        }
    }
}

/// A contact attempt (Active Outreach, Naloxone Plus follow-up), as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AttemptInput {
    /// RFC 3339, or a local "YYYY-MM-DDTHH:MM".
    pub attempted_at: String,
    pub outcome: String,
    /// Who went (officer, clinician, peer).
    pub team: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub attempted_at: DateTime<Utc>,
    pub outcome: AttemptOutcome,
    pub team: String,
    pub note: String,
}

impl AttemptInput {
    /// `since`: the encounter's time (an attempt cannot come before it).
    pub fn parse(
        &self,
        tz: Tz,
        now: DateTime<Utc>,
        since: DateTime<Utc>,
    ) -> Result<Attempt, FieldErrors> {
        let mut e = FieldErrors::new();
        let at = match parse_local_datetime(&self.attempted_at, tz) {
            None => {
                e.add(
                    "attempted_at",
                    "Enter when the attempt was made, like 2026-05-01T14:30.",
                );
                None
            }
            Some(t) if t > now + Duration::minutes(5) => {
                e.add("attempted_at", "The attempt cannot be in the future.");
                None
            }
            Some(t) if t < since => {
                e.add(
                    "attempted_at",
                    "The attempt cannot be before the encounter.",
                );
                None
            }
            Some(t) => Some(t),
        };
        let outcome = AttemptOutcome::parse(self.outcome.trim());
        if outcome.is_none() {
            e.add("outcome", "Choose what came of the attempt.");
        }
        let team = text(&mut e, "team", &self.team, "team", 200, false);
        let note = text(&mut e, "note", &self.note, "note", 1000, false);
        match (at, outcome) {
            (Some(attempted_at), Some(outcome)) if e.is_empty() => Ok(Attempt {
                attempted_at,
                outcome,
                team,
                note,
            }),
            _ => Err(e),
        }
    }
}

/// The prosecutor's decision, as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HoldDecisionInput {
    pub decision: String,
    pub reason: String,
    pub new_deadline: String,
}

pub struct HoldDecision {
    pub decision: ProsecutorDecision,
    pub reason: String,
    pub new_deadline: Option<NaiveDate>,
}

impl HoldDecisionInput {
    pub fn parse(&self) -> Result<HoldDecision, FieldErrors> {
        let mut e = FieldErrors::new();
        let decision = ProsecutorDecision::parse(self.decision.trim());
        if decision.is_none() {
            e.add("decision", "Choose a decision.");
        }
        let reason = text(&mut e, "reason", &self.reason, "reason", 1000, true);
        let new_deadline = match self.new_deadline.trim() {
            "" => None,
            s => match parse_date(s) {
                Some(d) => Some(d),
                None => {
                    e.add("new_deadline", "Use a date like 2026-06-15.");
                    None
                }
            },
        };
        if decision == Some(ProsecutorDecision::Extend) && self.new_deadline.trim().is_empty() {
            e.add("new_deadline", "Enter the new deadline.");
        }
        match decision {
            Some(decision) if e.is_empty() => Ok(HoldDecision {
                decision,
                reason,
                new_deadline,
            }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes() -> RefCodes {
        let mk = |t: &str, c: &str, active: bool| RefCode {
            table: t.into(),
            code: c.into(),
            name: c.into(),
            active,
        };
        RefCodes::new(
            "test".into(),
            vec![
                mk("offense", "35A", true),
                mk("offense", "90J", true),
                mk("offense", "90E", false),
                mk("drug_activity", "P", true),
                mk("drug_type", "D", true),
                mk("drug_unit", "GM", true),
            ],
        )
    }
    fn tz() -> Tz {
        "America/Chicago".parse().unwrap()
    }
    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 5, 1, 20, 0, 0).unwrap()
    }
    fn good() -> EncounterInput {
        EncounterInput {
            pathway: String::new(),
            facts: FactsInput::default(),
            occurred_at: "2026-05-01T14:30".into(),
            location: "Main St & 3rd".into(),
            incident_number: "CAD-1".into(),
            offenses: vec![OffenseInput {
                code: "35a".into(),
                drug_activity: "P".into(),
                drug_type: "D".into(),
                quantity: "0.5".into(),
                unit: "GM".into(),
            }],
            attestations: vec!["no_open_warrant".into()],
            participant_id: String::new(),
            person: PersonInput {
                first_name: "Ana".into(),
                last_name: "Diaz".into(),
                dob: "1990-02-03".into(),
                sex: "F".into(),
                race: "W".into(),
                ethnicity: "H".into(),
                ..Default::default()
            },
        }
    }

    #[test]
    fn a_good_encounter_parses_in_the_program_zone() {
        let n = good().parse(&codes(), tz(), now()).unwrap();
        assert_eq!(
            n.occurred_at,
            Utc.with_ymd_and_hms(2026, 5, 1, 19, 30, 0).unwrap()
        );
        assert_eq!(n.offenses[0].code, "35A");
        assert_eq!(n.offenses[0].quantity, Some(0.5));
    }

    #[test]
    fn nonsense_is_a_validation_error_by_field() {
        let mut i = good();
        i.person.dob = "2030-01-01".into();
        i.offenses[0].quantity = "-2".into();
        i.occurred_at = "2026-05-02T14:30".into();
        let e = i.parse(&codes(), tz(), now()).unwrap_err();
        assert_eq!(
            e.get("person.dob"),
            Some("The date of birth cannot be in the future.")
        );
        assert_eq!(
            e.get("offenses[0].quantity"),
            Some("The quantity must be more than 0.")
        );
        assert_eq!(
            e.get("occurred_at"),
            Some("The encounter cannot be in the future.")
        );
    }

    #[test]
    fn retired_and_unknown_codes_are_refused() {
        let mut i = good();
        i.offenses = vec![
            OffenseInput {
                code: "90E".into(),
                ..Default::default()
            },
            OffenseInput {
                code: "ZZZ".into(),
                ..Default::default()
            },
        ];
        let e = i.parse(&codes(), tz(), now()).unwrap_err();
        assert!(e.get("offenses[0].code").unwrap().contains("retired"));
        assert!(
            e.get("offenses[1].code")
                .unwrap()
                .contains("not a NIBRS offense code")
        );
    }

    #[test]
    fn drug_fields_only_on_drug_offenses_and_quantity_needs_unit() {
        let mut i = good();
        i.offenses = vec![OffenseInput {
            code: "90J".into(),
            quantity: "2".into(),
            ..Default::default()
        }];
        let e = i.parse(&codes(), tz(), now()).unwrap_err();
        assert!(e.get("offenses[0].quantity").is_some());
        let mut i = good();
        i.offenses[0].unit = String::new();
        let e = i.parse(&codes(), tz(), now()).unwrap_err();
        assert_eq!(
            e.get("offenses[0].unit"),
            Some("Choose the unit of the quantity.")
        );
        // Unknown quantity (both empty) is allowed: the decision says it is unknown.
        let mut i = good();
        i.offenses[0].unit = String::new();
        i.offenses[0].quantity = String::new();
        assert!(i.parse(&codes(), tz(), now()).is_ok());
    }

    #[test]
    fn offer_needs_consent_and_reason() {
        let today = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
        let e = OfferInput {
            response: "declined".into(),
            ..Default::default()
        }
        .parse(today, true)
        .unwrap_err();
        assert!(e.get("decline_reason").is_some());
        let e = OfferInput {
            response: "accepted".into(),
            ..Default::default()
        }
        .parse(today, true)
        .unwrap_err();
        for f in [
            "consent_signed_name",
            "consent_confirmed",
            "handoff_mode",
            "provider_id",
            "hold_kind",
        ] {
            assert!(e.get(f).is_some(), "{f}");
        }
        let e = OfferInput {
            response: "accepted".into(),
            hold_kind: "citation".into(),
            court_date: "2026-04-01".into(),
            ..Default::default()
        }
        .parse(today, true)
        .unwrap_err();
        assert!(e.get("citation_number").is_some());
        assert_eq!(
            e.get("court_date"),
            Some("The court date must be after today.")
        );
    }

    #[test]
    fn each_pathway_asks_its_own_facts_and_refuses_others() {
        // Naloxone Plus: overdose facts required, no offenses, no CAD number needed.
        let mut i = good();
        i.pathway = "naloxone_plus".into();
        i.incident_number = String::new();
        let e = i.parse(&codes(), tz(), now()).unwrap_err();
        assert!(e.get("offenses").unwrap().contains("no charge"));
        assert!(e.get("facts.naloxone_doses").is_some());
        assert!(e.get("facts.transported").is_some());
        assert!(e.get("incident_number").is_none());
        i.offenses.clear();
        i.facts.naloxone_doses = "2".into();
        i.facts.transported = "no".into();
        i.facts.call_type = "Overdose".into();
        let e = i.parse(&codes(), tz(), now()).unwrap_err();
        assert_eq!(
            e.get("facts.call_type"),
            Some("This does not apply to the Naloxone Plus pathway.")
        );
        i.facts.call_type = String::new();
        let n = i.parse(&codes(), tz(), now()).unwrap();
        assert_eq!(n.pathway, Pathway::NaloxonePlus);
        assert_eq!(n.facts.naloxone_doses, Some(2));
        assert_eq!(n.facts.transported, Some(false));

        // Officer Referral: a social contact needs its verified prior involvement.
        let mut i = good();
        i.pathway = "officer_referral".into();
        i.offenses.clear();
        i.facts.contact_kind = "social_contact".into();
        let e = i.parse(&codes(), tz(), now()).unwrap_err();
        assert!(
            e.get("facts.prior_involvement_on")
                .unwrap()
                .contains("social contact")
        );
        i.facts.prior_involvement_on = "2026-02-01".into();
        assert!(i.parse(&codes(), tz(), now()).is_ok());

        let mut i = good();
        i.pathway = "teleportation".into();
        assert!(
            i.parse(&codes(), tz(), now())
                .unwrap_err()
                .get("pathway")
                .is_some()
        );
    }

    #[test]
    fn an_offer_without_a_charge_has_no_hold() {
        let today = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
        let mut o = OfferInput {
            response: "accepted".into(),
            consent_signed_name: "Ana".into(),
            consent_confirmed: "yes".into(),
            handoff_mode: "warm".into(),
            provider_id: Uuid::now_v7().to_string(),
            ..Default::default()
        };
        match o.parse(today, false).unwrap() {
            Offer::Accepted { hold, .. } => assert_eq!(hold, None),
            x => panic!("{x:?}"),
        }
        assert!(o.parse(today, true).unwrap_err().get("hold_kind").is_some());
        o.hold_kind = "abeyance".into();
        assert_eq!(
            o.parse(today, false).unwrap_err().get("hold_kind"),
            Some("This pathway has no charge to hold.")
        );
    }

    #[test]
    fn attempts_are_checked_against_the_encounter_and_now() {
        let since = now() - Duration::days(2);
        let ok = AttemptInput {
            attempted_at: "2026-05-01T09:00".into(),
            outcome: "not_found".into(),
            ..Default::default()
        };
        assert_eq!(
            ok.parse(tz(), now(), since).unwrap().outcome,
            AttemptOutcome::NotFound
        );
        let e = AttemptInput {
            attempted_at: "2026-04-01T09:00".into(),
            outcome: "gone fishing".into(),
            ..Default::default()
        }
        .parse(tz(), now(), since)
        .unwrap_err();
        assert!(
            e.get("attempted_at")
                .unwrap()
                .contains("before the encounter")
        );
        assert!(e.get("outcome").is_some());
    }

    #[test]
    fn match_key_ignores_case_and_punctuation() {
        let d = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
        assert_eq!(
            match_key("Mary-Ann", "O'Neil", d),
            match_key("maryann ", "ONEIL", d)
        );
    }
}
