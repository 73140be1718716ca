use super::*;
use crate::{AttemptOutcome, Pathway};
use chrono::Duration;
use uuid::Uuid;

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
        ..Default::default()
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
