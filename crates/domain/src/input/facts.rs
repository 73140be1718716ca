//! The pathway's form sections (overdose, surrender, contact kind, outreach source, call,
//! team) as typed, and checked against the pathway.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::*;
use crate::eligibility::ContactFacts;
use crate::pathways::{self, Section};
use crate::{Coded, ContactKind, FieldErrors, OutreachSource, Pathway};

/// What a pathway adds to an encounter, as typed (each field belongs to one section of
/// `pathways::Section`; a field of a section the pathway does not use must be empty).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct FactsInput {
    /// Overdose: naloxone doses given (0 to 20).
    #[schema(max_length = 2)]
    pub naloxone_doses: String,
    /// Overdose: "yes" when the person was transported to a hospital, else "no".
    #[schema(schema_with = schema::yes_no)]
    pub transported: String,
    /// Self-Referral: drugs or paraphernalia handed in without charge (empty if none).
    #[schema(max_length = 500)]
    pub surrendered_items: String,
    /// Officer Referral: `incident` or `social_contact`.
    #[schema(schema_with = schema::contact_kind)]
    pub contact_kind: String,
    /// Officer Referral, social contact: the date of the verified prior involvement.
    #[schema(schema_with = prior_schema)]
    pub prior_involvement_on: String,
    /// Where the prior involvement was verified (report number).
    #[schema(max_length = 40)]
    pub prior_involvement_ref: String,
    /// Active Outreach: why the person is on the list.
    #[schema(schema_with = schema::outreach_source)]
    pub outreach_source: String,
    /// Community Response: the call type as dispatched.
    #[schema(max_length = 60)]
    pub call_type: String,
    /// Community Response: "yes" when police were on the call, else "no".
    #[schema(schema_with = schema::yes_no)]
    pub police_present: String,
    /// Who responded (officer, clinician, peer).
    #[schema(max_length = 200)]
    pub team: String,
}

fn prior_schema() -> utoipa::openapi::schema::Object {
    schema::date("officer_referral, social contact: the date of the verified prior involvement.")
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

/// `missing`: the catalogue key of the message when neither was chosen.
pub(crate) fn yes_no(e: &mut FieldErrors, field: &str, v: &str, missing: &str) -> Option<bool> {
    match v.trim() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            e.add(field, staff(missing));
            None
        }
    }
}

impl FactsInput {
    pub(crate) fn parse(&self, e: &mut FieldErrors, pathway: Pathway, today: NaiveDate) -> Facts {
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
                        staff_with(
                            "err-input-facts-not-on-pathway",
                            &[("pathway", staff(&pathway.key()).into())],
                        ),
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
                        staff("err-input-facts-naloxone-doses-required"),
                    );
                    None
                }
                _ => {
                    e.add(
                        f("naloxone_doses"),
                        staff("err-input-facts-naloxone-doses-range"),
                    );
                    None
                }
            };
            out.transported = yes_no(
                e,
                &f("transported"),
                &self.transported,
                "err-input-facts-transported-required",
            );
        }
        if spec.has(Section::Surrender) {
            let t = text(
                e,
                &f("surrendered_items"),
                &self.surrendered_items,
                "err-input-label-surrendered-items",
                500,
                false,
            );
            out.surrendered_items = (!t.is_empty()).then_some(t);
        }
        if spec.has(Section::Contact) {
            out.contact_kind = ContactKind::parse(self.contact_kind.trim());
            if out.contact_kind.is_none() {
                e.add(
                    f("contact_kind"),
                    staff("err-input-facts-contact-kind-required"),
                );
            }
            let on = self.prior_involvement_on.trim();
            out.prior_involvement_on = match parse_date(on) {
                Some(d) if d > today => {
                    e.add(
                        f("prior_involvement_on"),
                        staff("err-input-facts-prior-involvement-future"),
                    );
                    None
                }
                Some(d) => Some(d),
                None if on.is_empty() => {
                    if out.contact_kind == Some(ContactKind::SocialContact) {
                        e.add(
                            f("prior_involvement_on"),
                            staff("err-input-facts-prior-involvement-required"),
                        );
                    }
                    None
                }
                None => {
                    e.add(
                        f("prior_involvement_on"),
                        staff("err-input-facts-prior-involvement-format"),
                    );
                    None
                }
            };
            let r = text(
                e,
                &f("prior_involvement_ref"),
                &self.prior_involvement_ref,
                "err-input-label-prior-involvement-ref",
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
                    staff("err-input-facts-outreach-source-required"),
                );
            }
        }
        if spec.has(Section::Call) {
            out.call_type = Some(text(
                e,
                &f("call_type"),
                &self.call_type,
                "err-input-label-call-type",
                60,
                true,
            ));
            out.police_present = yes_no(
                e,
                &f("police_present"),
                &self.police_present,
                "err-input-facts-police-present-required",
            );
        }
        if spec.has(Section::Team) {
            let t = text(
                e,
                &f("team"),
                &self.team,
                "err-input-label-team",
                200,
                false,
            );
            out.team = (!t.is_empty()).then_some(t);
        }
        out
    }
}
