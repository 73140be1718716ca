//! Consent to disclose substance use treatment records (42 CFR 2.31; 2.35 for criminal
//! justice referrals). Whether a consent permits a disclosure now is a pure function of
//! the consent, what has happened on the case, and the time (docs/adr/0008).
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// 2.31 general consent or 2.35 criminal justice referral consent; or the release the
/// referring agency records when it refers the person to a partner that is not a
/// treatment service (a shelter, a recovery community, a benefits office: issue 15), which
/// is not a Part 2 consent and lets no treatment record be disclosed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    General,
    CriminalJustice,
    Release,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::General => "general",
            Kind::CriminalJustice => "criminal_justice",
            Kind::Release => "release",
        }
    }
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "general" => Some(Kind::General),
            "criminal_justice" => Some(Kind::CriminalJustice),
            "release" => Some(Kind::Release),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Kind::General => "General consent (42 CFR 2.31)",
            Kind::CriminalJustice => "Criminal justice referral consent (42 CFR 2.35)",
            Kind::Release => "Release of information for a referral (not a 42 CFR Part 2 consent)",
        }
    }
}

/// Pages name a kind by the staff catalogue's `label-consent-kind-<code>`; `label()` is
/// its English, kept for the records (case events, audit).
impl crate::Coded for Kind {
    const KIND: &'static str = "ConsentKind";
    fn all() -> &'static [Self] {
        &[Kind::General, Kind::CriminalJustice, Kind::Release]
    }
    fn code(self) -> &'static str {
        self.as_str()
    }
    fn english(self) -> &'static str {
        self.label()
    }
}

/// What information a consent lets the provider disclose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Info {
    /// Participation status with dates: contacted, intake by the deadline, engaged, exited
    /// or completed. The minimum necessary for the legal side.
    Status,
    /// Dates of attendance at appointments.
    Attendance,
    /// What a referral to a partner needs: the person's name and contact details and the
    /// needs it is for (a release's only information; never a treatment record).
    Referral,
}

impl Info {
    /// What a provider's consent may name (the form's choices).
    pub const ALL: &'static [Info] = &[Info::Status, Info::Attendance];
    pub fn as_str(self) -> &'static str {
        match self {
            Info::Status => "status",
            Info::Attendance => "attendance",
            Info::Referral => "referral",
        }
    }
    /// One of a provider's choices, as typed.
    pub fn parse(s: &str) -> Option<Info> {
        Info::ALL.iter().copied().find(|i| i.as_str() == s)
    }
    /// Any information a stored consent names.
    pub fn read(s: &str) -> Option<Info> {
        Info::parse(s).or((s == "referral").then_some(Info::Referral))
    }
    pub fn label(self) -> &'static str {
        match self {
            Info::Status => {
                "Participation status with dates: contacted, intake completed by the deadline, engaged in treatment, left or completed the program"
            }
            Info::Attendance => "Dates of attendance at appointments",
            Info::Referral => {
                "The person's name and contact details, and the needs the referral is for"
            }
        }
    }
}

/// Pages name information by `label-consent-info-<code>` (every kind, a release's too).
impl crate::Coded for Info {
    const KIND: &'static str = "ConsentInfo";
    fn all() -> &'static [Self] {
        &[Info::Status, Info::Attendance, Info::Referral]
    }
    fn code(self) -> &'static str {
        self.as_str()
    }
    fn english(self) -> &'static str {
        self.label()
    }
}

/// An event a consent's expiry or irrevocability can be tied to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The final disposition of the proceeding the consent was given for (the prosecutor's
    /// decision to file or not to file the held charge).
    FinalDisposition,
}

impl Event {
    pub fn as_str(self) -> &'static str {
        "final_disposition"
    }
    pub fn parse(s: &str) -> Option<Event> {
        (s == "final_disposition").then_some(Event::FinalDisposition)
    }
    pub fn label(self) -> &'static str {
        "the final disposition of the charge (the prosecutor's decision to file or not to file it)"
    }
}

/// The parts of a consent that decide disclosure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    pub kind: Kind,
    pub recipients: Vec<Uuid>,
    pub information: Vec<Info>,
    pub signed_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub expiry_event: Option<Event>,
    /// 2.35 only: revocation takes effect no earlier than this time or event (and never
    /// later than final disposition).
    pub irrevocable_until_at: Option<DateTime<Utc>>,
    pub irrevocable_until_event: Option<Event>,
    /// When the person asked to revoke it.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// What has happened on the case that consents may refer to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Happened {
    pub final_disposition_at: Option<DateTime<Utc>>,
}

impl Happened {
    fn at(&self, e: Event) -> Option<DateTime<Utc>> {
        match e {
            Event::FinalDisposition => self.final_disposition_at,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    NotYetSigned,
    Valid,
    /// Revocation asked for during a 2.35 consent's irrevocable period: still valid.
    RevocationPending {
        requested_at: DateTime<Utc>,
    },
    Revoked {
        effective_at: DateTime<Utc>,
    },
    Expired {
        at: DateTime<Utc>,
    },
}

impl State {
    pub fn permits(self) -> bool {
        matches!(self, State::Valid | State::RevocationPending { .. })
    }
    pub fn label(self) -> &'static str {
        match self {
            State::NotYetSigned => "Not yet signed",
            State::Valid => "Valid",
            State::RevocationPending { .. } => {
                "Valid: revocation asked for, in effect at final disposition (42 CFR 2.35)"
            }
            State::Revoked { .. } => "Revoked",
            State::Expired { .. } => "Expired",
        }
    }
}

/// Pages name a state by `label-consent-state-<code>`; `label()` is its English, which the
/// records keep (the case event and audit of a revocation).
impl crate::Coded for State {
    const KIND: &'static str = "ConsentState";
    fn all() -> &'static [Self] {
        // One of each; the times do not change the name.
        const EACH: &[State] = &[
            State::NotYetSigned,
            State::Valid,
            State::RevocationPending {
                requested_at: DateTime::<Utc>::MIN_UTC,
            },
            State::Revoked {
                effective_at: DateTime::<Utc>::MIN_UTC,
            },
            State::Expired {
                at: DateTime::<Utc>::MIN_UTC,
            },
        ];
        EACH
    }
    fn code(self) -> &'static str {
        match self {
            State::NotYetSigned => "not_yet_signed",
            State::Valid => "valid",
            State::RevocationPending { .. } => "revocation_pending",
            State::Revoked { .. } => "revoked",
            State::Expired { .. } => "expired",
        }
    }
    fn english(self) -> &'static str {
        self.label()
    }
}

impl Terms {
    /// When the irrevocable period ends (2.35 only; never after final disposition).
    /// `None`: not yet known (the event has not happened and there is no date).
    fn irrevocable_end(&self, h: &Happened) -> Option<DateTime<Utc>> {
        let candidates = [
            self.irrevocable_until_at,
            self.irrevocable_until_event.and_then(|e| h.at(e)),
            h.final_disposition_at,
        ];
        candidates.into_iter().flatten().min()
    }

    fn is_irrevocable(&self) -> bool {
        self.kind == Kind::CriminalJustice
            && (self.irrevocable_until_at.is_some() || self.irrevocable_until_event.is_some())
    }

    /// The consent's state at `now`.
    pub fn state(&self, h: &Happened, now: DateTime<Utc>) -> State {
        if now < self.signed_at {
            return State::NotYetSigned;
        }
        let expiry = [self.expires_at, self.expiry_event.and_then(|e| h.at(e))]
            .into_iter()
            .flatten()
            .min();
        let revocation = self.revoked_at.filter(|r| *r <= now).map(|requested| {
            if !self.is_irrevocable() {
                return (requested, Some(requested));
            }
            // In effect once the irrevocable period is over.
            (
                requested,
                self.irrevocable_end(h).map(|end| end.max(requested)),
            )
        });
        // Whichever ended it first.
        let revoked_effective = revocation.and_then(|(_, eff)| eff).filter(|e| *e <= now);
        let expired = expiry.filter(|x| *x <= now);
        match (revoked_effective, expired) {
            (Some(r), Some(x)) if x < r => State::Expired { at: x },
            (Some(r), _) => State::Revoked { effective_at: r },
            (None, Some(x)) => State::Expired { at: x },
            (None, None) => match revocation {
                Some((requested_at, _)) => State::RevocationPending { requested_at },
                None => State::Valid,
            },
        }
    }

    /// Whether this consent lets the provider tell `org` the `info` at `now`.
    pub fn permits(&self, h: &Happened, now: DateTime<Utc>, org: Uuid, info: Info) -> bool {
        self.recipients.contains(&org)
            && self.information.contains(&info)
            && self.state(h, now).permits()
    }
}

/// Whether a consent is `org`'s to see: the organization discloses under it or is named to
/// receive (by name, or by a class it belongs to, resolved into `recipients`). No other
/// organization may list or open it, whatever else it may see of the case: a consent that
/// names one provider tells its reader that the person is that provider's patient
/// (42 CFR 2.13(a), 2.31), and the legal side is told only what a consent naming it allows.
pub fn concerns(disclosers: &[Uuid], recipients: &[Uuid], org: Uuid) -> bool {
    disclosers.contains(&org) || recipients.contains(&org)
}

/// The organizations some consent lets the provider tell `info` at `now`.
pub fn shared_with(consents: &[Terms], h: &Happened, now: DateTime<Utc>, info: Info) -> Vec<Uuid> {
    let mut out: Vec<Uuid> = consents
        .iter()
        .filter(|c| c.information.contains(&info) && c.state(h, now).permits())
        .flat_map(|c| c.recipients.iter().copied())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Why `org` is not told `info` at `now`: the most telling consent's state, or `None`
/// when no consent names the organization for that information.
pub fn why_not_shared(
    consents: &[Terms],
    h: &Happened,
    now: DateTime<Utc>,
    org: Uuid,
    info: Info,
) -> Option<State> {
    consents
        .iter()
        .filter(|c| c.recipients.contains(&org) && c.information.contains(&info))
        .map(|c| c.state(h, now))
        .max_by_key(|s| match s {
            State::Revoked { effective_at } => (2, *effective_at),
            State::Expired { at } => (1, *at),
            _ => (0, DateTime::<Utc>::MIN_UTC),
        })
}

/// The 2.32 notice that accompanies every disclosure under a consent.
pub const NOTICE_2_32: &str = "42 CFR part 2 prohibits unauthorized use or disclosure of these records. This record is protected by federal confidentiality rules (42 CFR part 2): they prohibit using it, or testimony describing it, in any civil, criminal, administrative or legislative proceeding against the patient unless the patient consents or a court authorizes it (42 CFR 2.64, 2.65), and prohibit any other use or disclosure unless the patient's written consent or 42 CFR part 2 permits it. A general authorization for the release of medical or other information is not sufficient for this purpose (42 CFR 2.31).";

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(i: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::days(i)
    }

    fn terms(kind: Kind) -> Terms {
        Terms {
            kind,
            recipients: vec![Uuid::from_u128(1)],
            information: vec![Info::Status],
            signed_at: t(0),
            expires_at: None,
            expiry_event: None,
            irrevocable_until_at: None,
            irrevocable_until_event: None,
            revoked_at: None,
        }
    }

    #[test]
    fn general_consent_revocation_takes_effect_at_once() {
        let mut c = terms(Kind::General);
        c.expires_at = Some(t(100));
        c.revoked_at = Some(t(10));
        let h = Happened::default();
        assert_eq!(c.state(&h, t(5)), State::Valid);
        assert_eq!(
            c.state(&h, t(10)),
            State::Revoked {
                effective_at: t(10)
            }
        );
        assert!(!c.permits(&h, t(11), Uuid::from_u128(1), Info::Status));
        // A general consent cannot be made irrevocable.
        c.irrevocable_until_event = Some(Event::FinalDisposition);
        assert_eq!(
            c.state(&h, t(10)),
            State::Revoked {
                effective_at: t(10)
            }
        );
    }

    #[test]
    fn criminal_justice_consent_is_irrevocable_until_final_disposition() {
        let mut c = terms(Kind::CriminalJustice);
        c.irrevocable_until_event = Some(Event::FinalDisposition);
        c.expiry_event = Some(Event::FinalDisposition);
        c.expires_at = Some(t(365));
        c.revoked_at = Some(t(10));
        let mut h = Happened::default();
        assert_eq!(
            c.state(&h, t(20)),
            State::RevocationPending {
                requested_at: t(10)
            }
        );
        assert!(c.permits(&h, t(20), Uuid::from_u128(1), Info::Status));
        // The prosecutor decides on day 30: the consent expires and the revocation is in
        // effect; nothing is shared after.
        h.final_disposition_at = Some(t(30));
        assert!(!c.state(&h, t(30)).permits());
        assert!(c.state(&h, t(29)).permits());
    }

    #[test]
    fn a_stated_irrevocable_date_never_outlasts_final_disposition() {
        let mut c = terms(Kind::CriminalJustice);
        c.irrevocable_until_at = Some(t(200));
        c.expires_at = Some(t(365));
        c.revoked_at = Some(t(10));
        let h = Happened {
            final_disposition_at: Some(t(50)),
        };
        assert!(c.state(&h, t(49)).permits());
        assert_eq!(
            c.state(&h, t(50)),
            State::Revoked {
                effective_at: t(50)
            }
        );
    }

    #[test]
    fn information_and_recipient_must_both_match() {
        let c = terms(Kind::General);
        let h = Happened::default();
        assert!(c.permits(&h, t(1), Uuid::from_u128(1), Info::Status));
        assert!(!c.permits(&h, t(1), Uuid::from_u128(2), Info::Status));
        assert!(!c.permits(&h, t(1), Uuid::from_u128(1), Info::Attendance));
        assert!(
            !c.permits(&h, t(-1), Uuid::from_u128(1), Info::Status),
            "before signing"
        );
        assert_eq!(
            why_not_shared(
                std::slice::from_ref(&c),
                &h,
                t(1),
                Uuid::from_u128(2),
                Info::Status
            ),
            None
        );
    }

    /// Every combination of signing, expiry (date and event), irrevocability (date and
    /// event), revocation and final disposition on an eight-step grid, for both kinds,
    /// checked at every step against the rules stated independently of `state`:
    /// - nothing is shared before signing, at or after expiry, or after a revocation that
    ///   is in effect;
    /// - a general consent's revocation is in effect at once;
    /// - a 2.35 consent's revocation is in effect once its irrevocable period is over
    ///   (stated date, stated event, or final disposition, whichever is first), and before
    ///   that the consent still permits disclosure;
    /// - once a consent stops permitting because of revocation or expiry, it never permits
    ///   again later.
    #[test]
    fn property_no_sequence_of_events_shares_after_revocation_or_expiry() {
        let slots: Vec<Option<i64>> = std::iter::once(None).chain((0..8).map(Some)).collect();
        let mut checked = 0u64;
        for kind in [Kind::General, Kind::CriminalJustice] {
            for &signed in &[0i64, 2] {
                for &exp in &slots {
                    for exp_event in [false, true] {
                        for &irr in &slots {
                            for irr_event in [false, true] {
                                for &rev in &slots {
                                    for &disp in &slots {
                                        let c = Terms {
                                            kind,
                                            recipients: vec![Uuid::from_u128(1)],
                                            information: vec![Info::Status],
                                            signed_at: t(signed),
                                            expires_at: exp.map(t),
                                            expiry_event: exp_event
                                                .then_some(Event::FinalDisposition),
                                            irrevocable_until_at: irr.map(t),
                                            irrevocable_until_event: irr_event
                                                .then_some(Event::FinalDisposition),
                                            revoked_at: rev.map(t),
                                        };
                                        let h = Happened {
                                            final_disposition_at: disp.map(t),
                                        };
                                        check(
                                            &c, &h, signed, exp, exp_event, irr, irr_event, rev,
                                            disp,
                                        );
                                        checked += 1;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        assert!(checked > 100_000, "{checked}");
    }

    #[allow(clippy::too_many_arguments)]
    fn check(
        c: &Terms,
        h: &Happened,
        signed: i64,
        exp: Option<i64>,
        exp_event: bool,
        irr: Option<i64>,
        irr_event: bool,
        rev: Option<i64>,
        disp: Option<i64>,
    ) {
        let org = Uuid::from_u128(1);
        let mut stopped = false;
        for now in -1..10 {
            let permits = c.permits(h, t(now), org, Info::Status);
            let expired =
                exp.is_some_and(|x| x <= now) || (exp_event && disp.is_some_and(|d| d <= now));
            let irrevocable = c.kind == Kind::CriminalJustice && (irr.is_some() || irr_event);
            let irrevocable_over = [irr, if irr_event { disp } else { None }, disp]
                .into_iter()
                .flatten()
                .min()
                .is_some_and(|end| end <= now);
            let revoked_in_effect =
                rev.is_some_and(|r| r <= now) && (!irrevocable || irrevocable_over);
            let ctx = format!(
                "{c:?} {h:?} at {now}: permits={permits} expired={expired} revoked_in_effect={revoked_in_effect}"
            );
            if now < signed || expired || revoked_in_effect {
                assert!(!permits, "shared when it must not be: {ctx}");
            } else {
                assert!(permits, "withheld although valid: {ctx}");
            }
            if stopped {
                assert!(!permits, "permitted again after stopping: {ctx}");
            }
            if now >= signed && !permits {
                stopped = true;
            }
        }
    }
}
