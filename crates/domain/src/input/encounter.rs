//! An encounter as typed: the person (new or existing), the offenses, the pathway facts.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::*;
use crate::eligibility::{Attestation, OffenseFacts, is_drug_offense};
use crate::pathways::{self};
use crate::{Coded, Ethnicity, FieldErrors, Pathway, Race, Sex};

pub const MAX_OFFENSES: usize = 3;

/// An offense as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct OffenseInput {
    /// NIBRS offense code, e.g. 35A.
    #[schema(max_length = 8)]
    pub code: String,
    /// NIBRS drug activity code (35A, 35B), e.g. P.
    #[schema(max_length = 8)]
    pub drug_activity: String,
    /// NIBRS suspected drug type code (35A), e.g. D.
    #[schema(max_length = 8)]
    pub drug_type: String,
    /// Estimated quantity as a decimal number, more than 0.
    #[schema(max_length = 20)]
    pub quantity: String,
    /// NIBRS drug measurement unit, e.g. GM.
    #[schema(max_length = 8)]
    pub unit: String,
}

impl OffenseInput {
    pub(crate) fn is_blank(&self) -> bool {
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct PersonInput {
    #[schema(max_length = 100)]
    pub first_name: String,
    #[schema(max_length = 100)]
    pub last_name: String,
    #[schema(schema_with = dob_schema)]
    pub dob: String,
    #[schema(schema_with = crate::input::schema::sex)]
    pub sex: String,
    #[schema(schema_with = crate::input::schema::race)]
    pub race: String,
    #[schema(schema_with = crate::input::schema::ethnicity)]
    pub ethnicity: String,
    #[schema(max_length = 30)]
    pub phone: String,
    #[schema(max_length = 200)]
    pub email: String,
}

/// An encounter as typed by an officer (form) or sent by a system (API).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct EncounterInput {
    /// The pathway code; empty means Officer Intervention.
    #[schema(schema_with = crate::input::schema::pathway)]
    pub pathway: String,
    /// What the pathway adds.
    pub facts: FactsInput,
    /// RFC 3339, or a local "YYYY-MM-DDTHH:MM" in the program's time zone.
    #[schema(schema_with = occurred_at_schema, required = true)]
    pub occurred_at: String,
    #[schema(max_length = 200, required = true)]
    pub location: String,
    /// The CAD or incident number (required on pathways that have one).
    #[schema(max_length = 40)]
    pub incident_number: String,
    /// Officer Intervention: one to three offenses; other pathways: none.
    #[schema(max_items = 3)]
    pub offenses: Vec<OffenseInput>,
    /// Attestation codes the officer made.
    #[schema(schema_with = crate::input::schema::attestations)]
    pub attestations: Vec<String>,
    /// An existing participant, found by the search; otherwise `person` is a new one.
    #[schema(schema_with = participant_schema)]
    pub participant_id: String,
    pub person: PersonInput,
    /// The person's preferred language: a code of a language the program has (en, es,
    /// ...); empty: as recorded before (or not asked).
    #[schema(max_length = 35)]
    pub language: String,
    /// "yes" when the person needs an interpreter, "no" when not; empty: as before.
    #[schema(max_length = 3)]
    pub needs_interpreter: String,
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

fn dob_schema() -> utoipa::openapi::schema::Object {
    schema::date("Date of birth.")
}
fn occurred_at_schema() -> utoipa::openapi::schema::Object {
    schema::when("When the encounter happened, at most 30 days ago")
}
fn participant_schema() -> utoipa::openapi::schema::Object {
    schema::id("An existing participant's id (from the search); leave out to give `person`.")
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
                e.add(
                    "pathway",
                    staff_with(
                        "err-input-encounter-pathway-unknown",
                        &[("pathway", format!("{p:?}").into())],
                    ),
                );
                Pathway::OfficerIntervention
            }),
        };
        let spec = pathways::spec(pathway);
        let facts = self
            .facts
            .parse(&mut e, pathway, now.with_timezone(&tz).date_naive());
        let occurred_at = match parse_local_datetime(&self.occurred_at, tz) {
            None if self.occurred_at.trim().is_empty() => {
                e.add(
                    "occurred_at",
                    staff("err-input-encounter-occurred-at-required"),
                );
                now
            }
            None => {
                e.add(
                    "occurred_at",
                    staff("err-input-encounter-occurred-at-format"),
                );
                now
            }
            Some(t) if t > now + Duration::minutes(5) => {
                e.add(
                    "occurred_at",
                    staff("err-input-encounter-occurred-at-future"),
                );
                t
            }
            Some(t) if t < now - Duration::days(MAX_ENCOUNTER_AGE_DAYS) => {
                e.add(
                    "occurred_at",
                    staff_with(
                        "err-input-encounter-occurred-at-too-old",
                        &[("days", MAX_ENCOUNTER_AGE_DAYS.into())],
                    ),
                );
                t
            }
            Some(t) => t,
        };
        let location = text(
            &mut e,
            "location",
            &self.location,
            "err-input-label-location",
            200,
            true,
        );
        let incident_number = text(
            &mut e,
            "incident_number",
            &self.incident_number,
            "err-input-label-incident-number",
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
                    staff_with(
                        "err-input-encounter-offenses-not-on-pathway",
                        &[("pathway", staff(&pathway.key()).into())],
                    ),
                );
            }
        } else if filled.is_empty() {
            e.add(
                "offenses[0].code",
                staff("err-input-encounter-offense-required"),
            );
        }
        if self.offenses.len() > MAX_OFFENSES && filled.len() > MAX_OFFENSES {
            e.add(
                "offenses",
                staff_with(
                    "err-input-encounter-offenses-too-many",
                    &[("max", MAX_OFFENSES.into())],
                ),
            );
        }
        for (i, o) in filled {
            let f = |name: &str| format!("offenses[{i}].{name}");
            let code = o.code.trim().to_uppercase();
            match codes.get("offense", &code) {
                None if code.is_empty() => {
                    e.add(f("code"), staff("err-input-encounter-offense-choose"))
                }
                None => e.add(
                    f("code"),
                    staff_with(
                        "err-input-encounter-offense-unknown",
                        &[("code", (&code).into())],
                    ),
                ),
                Some(c) if !c.active => e.add(
                    f("code"),
                    staff_with(
                        "err-input-encounter-offense-retired",
                        &[("code", (&code).into()), ("name", (&c.name).into())],
                    ),
                ),
                Some(_) => {}
            }
            let drug = is_drug_offense(&code);
            let pick = |table: &str,
                        v: &str,
                        field: &str,
                        (only, invalid): (&str, &str),
                        e: &mut FieldErrors|
             -> Option<String> {
                let v = v.trim().to_uppercase();
                if v.is_empty() {
                    return None;
                }
                if !drug {
                    e.add(f(field), staff(only));
                    return None;
                }
                match codes.get(table, &v) {
                    Some(c) if c.active => Some(v),
                    _ => {
                        e.add(f(field), staff_with(invalid, &[("code", (&v).into())]));
                        None
                    }
                }
            };
            let drug_activity = pick(
                "drug_activity",
                &o.drug_activity,
                "drug_activity",
                (
                    "err-input-encounter-drug-activity-drug-only",
                    "err-input-encounter-drug-activity-invalid",
                ),
                &mut e,
            );
            let drug_type = pick(
                "drug_type",
                &o.drug_type,
                "drug_type",
                (
                    "err-input-encounter-drug-type-drug-only",
                    "err-input-encounter-drug-type-invalid",
                ),
                &mut e,
            );
            let unit = pick(
                "drug_unit",
                &o.unit,
                "unit",
                (
                    "err-input-encounter-unit-drug-only",
                    "err-input-encounter-unit-invalid",
                ),
                &mut e,
            );
            if drug && drug_activity.is_none() && o.drug_activity.trim().is_empty() {
                e.add(
                    f("drug_activity"),
                    staff("err-input-encounter-drug-activity-required"),
                );
            }
            if code == "35A" && drug_type.is_none() && o.drug_type.trim().is_empty() {
                e.add(
                    f("drug_type"),
                    staff("err-input-encounter-drug-type-required"),
                );
            }
            let quantity = match o.quantity.trim() {
                "" => None,
                q if !drug => {
                    let _ = q;
                    e.add(
                        f("quantity"),
                        staff("err-input-encounter-quantity-drug-only"),
                    );
                    None
                }
                q => match q.parse::<f64>() {
                    Ok(v) if v.is_finite() && v > 0.0 && v < 1_000_000.0 => Some(v),
                    Ok(v) if v.is_finite() && v <= 0.0 => {
                        e.add(
                            f("quantity"),
                            staff("err-input-encounter-quantity-not-positive"),
                        );
                        None
                    }
                    _ => {
                        e.add(f("quantity"), staff("err-input-encounter-quantity-format"));
                        None
                    }
                },
            };
            if quantity.is_some() && unit.is_none() && o.unit.trim().is_empty() {
                e.add(f("unit"), staff("err-input-encounter-unit-required"));
            }
            if quantity.is_none()
                && unit.is_some()
                && unit.as_deref() != Some("XX")
                && o.quantity.trim().is_empty()
            {
                e.add(
                    f("quantity"),
                    staff("err-input-encounter-quantity-for-unit"),
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
                e.add(
                    "offenses",
                    staff_with(
                        "err-input-encounter-offense-twice",
                        &[("code", (&o.code).into())],
                    ),
                );
            }
        }

        let mut attestations = Vec::new();
        if self.attestations.len() > Attestation::ALL.len() {
            e.add(
                "attestations",
                staff_with(
                    "err-input-encounter-attestations-too-many",
                    &[("n", Attestation::ALL.len().into())],
                ),
            );
        } else {
            for a in &self.attestations {
                match Attestation::parse(a.trim()) {
                    Some(x) if !attestations.contains(&x) => attestations.push(x),
                    Some(x) => e.add(
                        "attestations",
                        staff_with(
                            "err-input-encounter-attestation-twice",
                            &[("code", x.as_str().into())],
                        ),
                    ),
                    None => e.add(
                        "attestations",
                        staff_with(
                            "err-input-encounter-attestation-unknown",
                            &[(
                                "attestation",
                                format!("{:?}", a.chars().take(40).collect::<String>()).into(),
                            )],
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
                        staff("err-input-encounter-participant-invalid"),
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
    pub(crate) fn parse(
        &self,
        e: &mut FieldErrors,
        now: DateTime<Utc>,
        tz: Tz,
    ) -> Option<NewPerson> {
        let first_name = text(
            e,
            "person.first_name",
            &self.first_name,
            "err-input-label-first-name",
            100,
            true,
        );
        let last_name = text(
            e,
            "person.last_name",
            &self.last_name,
            "err-input-label-last-name",
            100,
            true,
        );
        let today = now.with_timezone(&tz).date_naive();
        let dob = match parse_date(&self.dob) {
            None if self.dob.trim().is_empty() => {
                e.add("person.dob", staff("err-input-encounter-dob-required"));
                None
            }
            None => {
                e.add("person.dob", staff("err-input-encounter-dob-format"));
                None
            }
            Some(d) if d > today => {
                e.add("person.dob", staff("err-input-encounter-dob-future"));
                None
            }
            Some(d) if d < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(d) => {
                e.add("person.dob", staff("err-input-encounter-dob-too-early"));
                None
            }
            Some(d) => Some(d),
        };
        let sex = Sex::parse(self.sex.trim());
        if sex.is_none() {
            e.add("person.sex", staff("err-input-encounter-sex-required"));
        }
        let race = Race::parse(self.race.trim());
        if race.is_none() {
            e.add("person.race", staff("err-input-encounter-race-required"));
        }
        let ethnicity = Ethnicity::parse(self.ethnicity.trim());
        if ethnicity.is_none() {
            e.add(
                "person.ethnicity",
                staff("err-input-encounter-ethnicity-required"),
            );
        }
        let phone = text(
            e,
            "person.phone",
            &self.phone,
            "err-input-label-phone",
            30,
            false,
        );
        if !phone.is_empty()
            && !phone
                .chars()
                .all(|c| c.is_ascii_digit() || " +-().".contains(c))
        {
            e.add(
                "person.phone",
                staff("err-input-encounter-phone-characters"),
            );
        }
        let email = text(
            e,
            "person.email",
            &self.email,
            "err-input-label-email",
            200,
            false,
        );
        if !email.is_empty() && (!email.contains('@') || email.contains(' ')) {
            e.add("person.email", staff("err-input-encounter-email-format"));
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
