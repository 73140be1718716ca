//! Reading a case from the referring agency's (legal) side, and the referral slip.
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use handoff_domain::eligibility::{self, Attestation, Criterion};
use handoff_domain::hold::{self, DeadlineStatus, HoldState};
use handoff_domain::pathways::Spec;
use handoff_domain::policy::{Access, CaseAction, FieldGroup, View, case_access};
use handoff_domain::progress::{self, ProgressStatus};
use handoff_domain::referral::ReferralStatus;
use handoff_domain::{AttemptOutcome, Coded, HandoffMode, HoldKind, OrgKind, Pathway};
use handoff_i18n::{staff, staff_with};
use handoff_storage::*;
use uuid::Uuid;

use crate::audit::{self, ALLOWED, Ctx};
use crate::case::{access_facts, fact_lines, guarded, load_program, service_facts, spec_of};
use crate::{App, AppError, AppResult};

#[derive(Debug, Clone)]
pub struct OffenseLine {
    pub code: String,
    pub name: String,
    pub drug: Option<String>,
}

/// A referral as the referring agency sees it: where, how, when, and whether the provider
/// refused it (so the agency can refer again). No service content.
#[derive(Debug, Clone)]
pub struct ReferralLegalLine {
    pub id: Uuid,
    pub provider: String,
    pub mode: HandoffMode,
    pub requested_at: DateTime<Utc>,
    pub closed_without_service: bool,
    /// A warm handoff's paging: who was paged, whether someone acknowledged (ADR 0019).
    pub paging: Option<crate::paging::PagingView>,
}

#[derive(Debug, Clone)]
pub struct HoldLine {
    pub id: Uuid,
    pub kind: HoldKind,
    pub citation_number: Option<String>,
    pub court_date: Option<NaiveDate>,
    pub deadline_day: NaiveDate,
    /// The state as the viewer may see it.
    pub state_label: String,
    pub deadline_status: Option<DeadlineStatus>,
    pub decision: Option<String>,
    pub decision_reason: Option<String>,
    pub correction: Option<String>,
}

/// The referring agency's (and supervisor's) view of a case. Built from types that have
/// no field for clinical content.
#[derive(Debug, Clone)]
pub struct CaseView {
    pub encounter: EncounterRow,
    pub pathway: Pathway,
    pub spec: &'static Spec,
    /// What the pathway added, as label and value.
    pub facts: Vec<(String, String)>,
    pub attempts: Vec<AttemptLine>,
    pub follow_up: Option<FollowUp>,
    pub officer_name: String,
    pub agency_name: String,
    pub person_name: String,
    pub person_dob: Option<NaiveDate>,
    /// The person's language as staff read it ("Español (es) · needs an interpreter"),
    /// empty when not recorded; and its texts (the consent is read to them in it).
    pub language_label: String,
    /// The person's safety flags a responder may see, and the kinds they may set.
    pub flags: crate::flags::Flags,
    pub language: Option<handoff_storage::LanguageRow>,
    pub lang: handoff_i18n::Lang,
    pub offenses: Vec<OffenseLine>,
    pub eligible: bool,
    pub criteria: Vec<Criterion>,
    pub rules_version: i64,
    pub attestations: Vec<Attestation>,
    pub override_: Option<OverrideRow>,
    pub effective_eligible: bool,
    pub offer: Option<OfferRow>,
    pub referrals: Vec<ReferralLegalLine>,
    pub can_refer_again: bool,
    pub hold: Option<HoldLine>,
    pub progress: ProgressStatus,
    /// Why the status is not shared (when it is not).
    pub consent_note: String,
    /// Consents that name the viewer's organization as a recipient.
    pub consents: Vec<crate::consents::ConsentLine>,
    pub can_act: bool,
    pub can_approve: bool,
    pub needs_supervisor: bool,
    pub providers: Vec<OrgRow>,
    pub history: Vec<CaseEventRow>,
    pub tz: Tz,
}

/// A contact attempt as shown on the case.
#[derive(Debug, Clone)]
pub struct AttemptLine {
    pub at: DateTime<Utc>,
    pub outcome: AttemptOutcome,
    pub team: String,
    pub note: String,
    pub by: String,
}

/// The follow-up visit deadline of a case (Naloxone Plus; any pathway whose rules set one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub due: NaiveDate,
    /// When the first attempt was made, if one was.
    pub first_attempt: Option<DateTime<Utc>>,
    pub state: FollowUpState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUpState {
    MetOnTime,
    MadeLate,
    Due,
    Overdue,
}

impl FollowUp {
    /// The deadline's state: met when the first attempt was made by the end of the due
    /// day (program time); overdue once that day has passed without one.
    pub fn of(
        due: NaiveDate,
        first_attempt: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
        tz: Tz,
    ) -> Self {
        let state = match first_attempt {
            Some(t) if t.with_timezone(&tz).date_naive() <= due => FollowUpState::MetOnTime,
            Some(_) => FollowUpState::MadeLate,
            None if now.with_timezone(&tz).date_naive() > due => FollowUpState::Overdue,
            None => FollowUpState::Due,
        };
        FollowUp {
            due,
            first_attempt,
            state,
        }
    }
    pub fn text(&self) -> String {
        let key = match self.state {
            FollowUpState::MetOnTime => "case-view-follow-up-on-time",
            FollowUpState::MadeLate => "case-view-follow-up-late",
            FollowUpState::Due => "case-view-follow-up-due",
            FollowUpState::Overdue => "case-view-follow-up-overdue",
        };
        staff_with(key, &[("due", self.due.to_string().into())])
    }
    pub fn class(&self) -> &'static str {
        match self.state {
            FollowUpState::MetOnTime => "good",
            FollowUpState::MadeLate | FollowUpState::Due => "warn",
            FollowUpState::Overdue => "bad",
        }
    }
}

/// Case events the legal side may see without consent (service events need it).
pub fn legal_event_visible(kind: &str, progress_shared: bool) -> bool {
    // Referrals a held charge does not count on (shelter, food, peer support) are never
    // the legal side's business.
    !kind.starts_with("care.") && (progress_shared || !kind.starts_with("service."))
}

/// How a hold's state may be shown to a legal-side viewer: whether intake happened is a
/// Part 2 fact, so without consent the state is reduced to "status not shared".
pub fn legal_state_label(state: HoldState, shared: bool) -> String {
    match state {
        // Every undecided state reads the same without a release, so that "awaiting intake"
        // cannot be told apart from the others.
        s if !shared && !s.is_final() => staff("case-view-hold-not-shared"),
        s => staff(&s.key()),
    }
}

pub fn offense_lines(app: &App, rows: &[OffenseRow]) -> Vec<OffenseLine> {
    let codes = app.codes();
    rows.iter()
        .map(|o| {
            let drug = if eligibility::is_drug_offense(&o.code) {
                let mut parts = Vec::new();
                if let Some(a) = &o.drug_activity {
                    parts.push(codes.name("drug_activity", a));
                }
                if let Some(t) = &o.drug_type {
                    parts.push(codes.name("drug_type", t));
                }
                match (o.quantity, &o.unit) {
                    (Some(q), Some(u)) => parts.push(staff_with(
                        "case-view-quantity",
                        &[
                            ("quantity", q.to_string().into()),
                            ("unit", codes.name("drug_unit", u).into()),
                        ],
                    )),
                    _ => parts.push(staff("case-view-quantity-unknown")),
                }
                Some(parts.join(", "))
            } else {
                None
            };
            OffenseLine {
                code: o.code.clone(),
                name: codes.name("offense", &o.code),
                drug,
            }
        })
        .collect()
}

/// Reads a case from the referring agency's side (officer, supervisor).
pub async fn view_case(app: &App, ctx: &Ctx, encounter_id: Uuid) -> AppResult<CaseView> {
    let now = app.now();
    let mut tx = app.store.write().await?;
    let Ok(enc) = tx.encounter(encounter_id).await else {
        tx.rollback().await?;
        return Err(audit::deny(
            app,
            ctx,
            "encounter.read",
            "encounter",
            &encounter_id.to_string(),
        )
        .await);
    };
    let facts = access_facts(&mut tx, &enc, now, CaseAction::ViewEncounter).await?;
    let (org_id, shared) = match case_access(&ctx.actor, CaseAction::ViewEncounter, &facts) {
        // The projection decides what the page carries (domain::policy::View::sees).
        Access::Allow(view @ View::Legal { org_id, .. }) => {
            (org_id, view.sees(FieldGroup::ParticipationStatus))
        }
        _ => {
            tx.rollback().await?;
            return Err(audit::deny(
                app,
                ctx,
                "encounter.read",
                "encounter",
                &encounter_id.to_string(),
            )
            .await);
        }
    };
    let can_act = case_access(&ctx.actor, CaseAction::ActOnEncounter, &facts).allowed();
    let can_approve = case_access(&ctx.actor, CaseAction::ApproveOverride, &facts).allowed();
    let (program, tz) = load_program(&mut tx, enc.program_id).await?;
    let person = tx.participant(enc.participant_id).await?;
    let officer = tx.user(enc.officer_id).await?;
    let agency = tx.org(enc.agency_id).await?;
    let offenses = tx.offenses(enc.id).await?;
    let decision = tx.decision(enc.id).await?;
    let override_ = tx.override_of(decision.id).await?;
    let offer = tx.offer(enc.id).await?;
    let referrals = tx.referrals_for_encounter(enc.id).await?;
    let hold_row = tx.hold_for_encounter(enc.id).await?;
    let orgs = tx.orgs(enc.program_id).await?;
    let history = tx.case_events(enc.id).await?;
    let facts_row = tx.pathway_facts(enc.id).await?;
    let spec = spec_of(&enc);
    let mut attempts = Vec::new();
    if spec.attempts {
        for a in tx.attempts(enc.id).await? {
            attempts.push(AttemptLine {
                at: a.attempted_at,
                outcome: AttemptOutcome::parse(&a.outcome).unwrap_or(AttemptOutcome::NotFound),
                team: a.team,
                note: a.note.unwrap_or_default(),
                by: tx.user(a.recorded_by).await?.display_name,
            });
        }
    }
    let follow_up = facts_row
        .as_ref()
        .and_then(|f| f.follow_up_due)
        .map(|due| FollowUp::of(due, attempts.first().map(|a| a.at), now, tz));
    let criteria: Vec<Criterion> = serde_json::from_str(&decision.criteria_json)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let org_name = |id: Uuid| {
        orgs.iter()
            .find(|o| o.id == id)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    };
    let dir = crate::directory::current(app, enc.program_id).await?;
    let service_name = |id: Option<Uuid>| {
        id.and_then(|id| dir.services.iter().find(|s| s.id == id))
            .map(|s| s.name.clone())
    };
    let mut pagings = Vec::with_capacity(referrals.len());
    for r in &referrals {
        pagings.push(crate::paging::view(&mut tx, app, r).await?);
    }
    let referral_lines: Vec<ReferralLegalLine> = referrals
        .iter()
        .zip(pagings)
        .map(|(r, paging)| ReferralLegalLine {
            paging,
            id: r.id,
            provider: match service_name(r.service_id) {
                Some(s) => format!("{s}, {}", org_name(r.to_org_id)),
                None => org_name(r.to_org_id),
            },
            mode: HandoffMode::parse(&r.mode).unwrap_or(HandoffMode::ContactCard),
            requested_at: r.requested_at,
            closed_without_service: matches!(
                ReferralStatus::parse(&r.status),
                Some(ReferralStatus::Rejected | ReferralStatus::Cancelled)
            ),
        })
        .collect();
    let any_open = referrals
        .iter()
        .filter(|r| r.counts_for_hold)
        .any(|r| ReferralStatus::parse(&r.status).is_some_and(|s| s.is_open()));
    let deadline = hold_row.as_ref().map(|h| hold::Deadline {
        last_day: h.deadline_day,
        ends_at: h.deadline_ends_at,
    });
    let hold = hold_row.as_ref().map(|h| {
        let state = HoldState::parse(&h.state).unwrap_or(HoldState::Held);
        HoldLine {
            id: h.id,
            kind: HoldKind::parse(&h.kind).unwrap_or(HoldKind::Abeyance),
            citation_number: h.citation_number.clone(),
            court_date: h.court_date,
            deadline_day: h.deadline_day,
            state_label: legal_state_label(state, shared),
            deadline_status: shared.then(|| {
                hold::deadline_status(
                    state,
                    hold::Deadline {
                        last_day: h.deadline_day,
                        ends_at: h.deadline_ends_at,
                    },
                    now,
                    tz,
                )
            }),
            decision: h.decision.clone(),
            decision_reason: h.decision_reason.clone(),
            correction: if shared { h.correction.clone() } else { None },
        }
    });
    let progress = progress::progress(shared, &service_facts(&referrals), deadline, now, tz);
    let consent_note = if shared {
        String::new()
    } else {
        crate::consent_terms::not_shared_reason(&mut tx, &enc, org_id, now, tz).await?
    };
    let consents = crate::consents::for_org(&mut tx, &enc, org_id, now).await?;
    let language = tx.language_of(enc.participant_id).await?;
    let flags = crate::flags::view(
        &mut tx,
        ctx,
        enc.program_id,
        enc.participant_id,
        crate::flags::Side::Responder,
    )
    .await?;
    let effective_eligible =
        decision.eligible || override_.as_ref().is_some_and(|o| o.status == "approved");
    let view = CaseView {
        pathway: Pathway::parse(&enc.pathway).unwrap_or(Pathway::OfficerIntervention),
        spec,
        facts: facts_row.as_ref().map(fact_lines).unwrap_or_default(),
        attempts,
        follow_up,
        officer_name: officer.display_name,
        agency_name: agency.name,
        person_name: if person.erased_at.is_some() {
            staff("case-view-identity-erased")
        } else {
            format!("{} {}", person.first_name, person.last_name)
        },
        person_dob: person.erased_at.is_none().then_some(person.dob),
        language_label: crate::languages::label(app, language.as_ref()),
        flags,
        lang: app
            .texts()
            .lang(language.as_ref().map_or("", |l| l.language.as_str())),
        language,
        offenses: offense_lines(app, &offenses),
        eligible: decision.eligible,
        criteria,
        rules_version: decision.rules_version,
        attestations: decision
            .attestations
            .split(',')
            .filter_map(Attestation::parse)
            .collect(),
        override_,
        effective_eligible,
        can_refer_again: can_act
            && offer.as_ref().is_some_and(|o| o.accepted)
            && !referrals.is_empty()
            && !any_open,
        offer,
        referrals: referral_lines,
        hold,
        progress,
        consent_note,
        consents,
        can_act,
        can_approve,
        needs_supervisor: program.supervisor_approves_overrides,
        providers: orgs
            .into_iter()
            .filter(|o| o.kind == OrgKind::Provider.as_str())
            .collect(),
        history: history
            .into_iter()
            .filter(|e| legal_event_visible(&e.kind, shared))
            .collect(),
        encounter: enc,
        tz,
    };
    audit::record(
        &mut tx,
        app,
        ctx,
        "encounter.read",
        "encounter",
        &encounter_id.to_string(),
        ALLOWED,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(view)
}

/// What the person keeps: where to go, when, and a reference number. No offense details.
#[derive(Debug, Clone)]
pub struct Slip {
    pub reference: String,
    pub provider_name: String,
    pub address: String,
    pub phone: String,
    pub hours: String,
    pub what_to_bring: String,
    /// The language the hours and what to bring are written in when it is not the
    /// slip's (no translation kept yet: the program's text, marked for screen readers).
    pub hours_lang: Option<&'static str>,
    pub bring_lang: Option<&'static str>,
    pub mode: HandoffMode,
    pub deadline_day: NaiveDate,
    pub on_call_name: Option<String>,
    pub program_name: String,
    /// The person's language (the slip is written in it) and interpreter need.
    pub lang: handoff_i18n::Lang,
    pub needs_interpreter: bool,
}

pub async fn slip(app: &App, ctx: &Ctx, encounter_id: Uuid) -> AppResult<Slip> {
    let (mut tx, enc, _) = guarded(
        app,
        ctx,
        app.store.write().await?,
        encounter_id,
        CaseAction::ActOnEncounter,
        "slip.read",
    )
    .await?;
    let referrals = tx.referrals_for_encounter(enc.id).await?;
    // The slip names the treatment referral (the one a held charge counts on).
    let Some(r) = referrals
        .iter()
        .rev()
        .find(|r| r.status != ReferralStatus::EnteredInError.as_str() && r.counts_for_hold)
    else {
        return Err(AppError::Rule(staff("err-case-view-no-referral")));
    };
    let provider = tx.org(r.to_org_id).await?;
    let provider_texts = tx.org_texts(provider.id).await?;
    let hold = tx.hold_for_encounter(enc.id).await?;
    // First contact on a contact card, else the intake deadline.
    let deadline_day = r.contact_deadline.unwrap_or(
        crate::case::intake_deadline(
            &*app.program_data(enc.program_id).await?,
            &enc,
            hold.as_ref(),
        )
        .last_day,
    );
    let on_call_name = match r.assigned_to {
        Some(u) => Some(tx.user(u).await?.display_name),
        None => None,
    };
    let (program, _) = load_program(&mut tx, enc.program_id).await?;
    let language = tx.language_of(enc.participant_id).await?;
    let lang = app
        .texts()
        .lang(language.as_ref().map_or("", |l| l.language.as_str()));
    let texts = crate::org_texts::for_slip(&provider, &provider_texts, lang.code());
    audit::record(
        &mut tx,
        app,
        ctx,
        "slip.read",
        "encounter",
        &enc.id.to_string(),
        ALLOWED,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(Slip {
        reference: enc.reference,
        provider_name: provider.name,
        address: provider.address,
        phone: provider.phone,
        hours: texts.hours,
        what_to_bring: texts.what_to_bring,
        hours_lang: texts.hours_lang,
        bring_lang: texts.bring_lang,
        mode: HandoffMode::parse(&r.mode).unwrap_or(HandoffMode::ContactCard),
        // First contact on a contact card, else the intake deadline.
        deadline_day,
        on_call_name,
        program_name: program.name,
        lang,
        needs_interpreter: language.is_some_and(|l| l.needs_interpreter),
    })
}
