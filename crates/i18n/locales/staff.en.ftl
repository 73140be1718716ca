### Handoff: the staff screens' texts (English only for now). A translation of the staff
### interface is a catalogue with these keys; no code changes.

meta-language-name = English
meta-reviewed = yes
meta-reviewer = Handoff maintainers (the source text)
# How the language writes 1234 and 12345.6 (see the forms Handoff knows in the ADR).
meta-number-format = 1,234 / 12,345.6

## Every page.

brand = Handoff
title-suffix = Handoff
sign-out = Sign out
main-navigation = Main
footer = Handoff · first responder diversion · records here are confidential (42 CFR Part 2, CJIS)

## The main navigation, by page.

nav-encounters-new = New encounter
nav-encounters = Encounters
nav-overrides = Overrides
nav-queue = Referral queue
nav-holds = Held charges
nav-dashboard = Dashboard
nav-reports-quarterly = Reports
nav-reports-equity = Equity
nav-reports-research = Research export
nav-admin = Users
nav-admin-languages = Languages
nav-admin-webhooks = Webhooks
nav-admin-flags = Safety flags
nav-roster = On-call roster
nav-emergency-access = Emergency access
nav-audit = Audit trail
nav-pathways = Pathways
nav-rules = Rules
nav-planner-program = Planner
nav-calendar = Calendar
nav-directory = Directory

## The person's language, beside their name on staff pages.

language-label = Language
needs-interpreter = needs an interpreter
not-reviewed = This document's text in { $language } has not been reviewed by a qualified translator. Check it with the person, or have it reviewed, before relying on it.

## Notices after an action (notice- and the code the page was sent).

notice-recovery-used = You signed in with a recovery code; it will not work again. { $left } left.{ $left ->
    [0] { notice-recovery-ask }
    [1] { notice-recovery-ask }
    [2] { notice-recovery-ask }
    [3] { notice-recovery-ask }
   *[other] {""}
}
notice-recovery-ask = {" "}Ask your administrator to reset your authenticator to get new ones.
notice-services = Referred to { $n ->
    [one] one service
   *[other] { $n } services
}; { $held ->
    [0] no place could be held (none free, or capacity not published).
   *[other] { $held ->
        [one] { $all ->
            [yes] a place is held there for the program's window.
           *[no] a place is held at one of them.
        }
       *[other] { $all ->
            [yes] a place is held at each for the program's window.
           *[no] a place is held at { $held } of them.
        }
    }
}
notice-capacity = Capacity saved.
notice-directory = Directory settings saved: officers' next suggestions follow them.
notice-encounter = Encounter recorded.
notice-offer = Offer recorded.
notice-language = The person's language is saved: the slip and consents are written in it.
notice-attempt = Contact attempt recorded.
notice-threshold = Small-number threshold saved.
notice-pathways = Pathways saved: responders see the change on their next form.
notice-override = Override recorded.
notice-reviewed = Override reviewed.
notice-referral = Referral sent.
notice-event = Saved.
notice-decision = Decision recorded.
notice-user = User created.
notice-membership = Role added.
notice-unlocked = Account unlocked.
notice-consent = Consent recorded.
notice-screening = Screening saved.
notice-calendar = Calendar saved.
notice-rules = Rules saved as a new version: new encounters are decided with it.
notice-rules_later = Rules saved as a new version; it takes effect on the day chosen (listed below). Until then the version in force decides.
notice-emergency = Emergency access granted: it is audited and reviewed by the program's coordinators.
notice-reviewed_grant = Review recorded.
notice-revoked = Revocation recorded: nothing more is disclosed under this consent.
notice-revocation_pending = Revocation recorded. This is a criminal justice referral consent (42 CFR 2.35): it stays in effect until the final disposition of the charge, then ends.
notice-shift = Roster updated.
notice-signed_out = You are signed out.
notice-sign_in_expired = Your sign-in expired before it was finished. Sign in again.
notice-account_locked = Too many wrong codes: the account is locked until an administrator unlocks it.
notice-mfa_reset = Authenticator reset: the user sets up a new one at their next sign-in.

## Pages (ADR 0019): no name, no offense, nothing of treatment; the link asks for sign-in.

page-subject = Warm handoff waiting for { $provider }: { $reference }
page-body = { $agency } asks { $provider } for someone to meet the person now (a warm handoff).
    Reference { $reference }, asked at { $time }.
    Acknowledge, or say you cannot come: { $link }
    If nobody acknowledges within { $window } minutes, the next person is paged.
page-body-escalated = Nobody acknowledged this page within { $window } minutes: you are the next to be paged.
notice-acknowledged = Acknowledged: the officer sees that you are on it, and nobody else is paged.
notice-contacts = Saved: you are paged there.
where-paged = Where you are paged
nav-outbox = Outbox
page-tap = Or in one tap, without signing in (this referral only, for { $hours } hours): { $tap }
notice-links_revoked = Every outstanding one-tap link is withdrawn: those who open one are asked to sign in.

## A test message a person sends themselves from "Where you are paged".
test-subject = Handoff: test message
test-body = This is the test you asked for. Pages for warm handoffs will reach you here.
notice-test_sent = Test message queued: how it went shows beside the address.
notice-webhook_stopped = Stopped: nothing more is sent to that endpoint.
notice-flags = Safety flags saved.
notice-appointment = Appointment saved: if the person agreed, they are reminded the day before.
notice-reminders = Saved: reminders go only where the person chose.

## Each morning's reminders to staff (ADR 0022): references and dates only.
digest-subject = Handoff: { $count } { $count ->
        [one] thing
       *[other] things
    } due
digest-contact-overdue = { $reference }: first contact was due { $day }, and is not recorded.
digest-contact-due = { $reference }: first contact is due today.
digest-intake-due = { $reference }: the intake must be done by { $day } (a held charge depends on it).
digest-capacity-stale = { $service }: what you can take was last said { $day }. Update it, so officers know.
digest-follow-up-due = { $reference }: the follow-up visit was due { $day }, and no attempt is recorded.
digest-decision-due = { $reference }: the deadline ({ $day }) has passed and the held charge needs your decision. Status: { $status }.
digest-coordinator = Across the program: { $contacts } first contacts due or overdue, { $intakes } intake deadlines close, { $capacity } services with stale capacity, { $followups } follow-up visits due, { $decisions } held charges awaiting a decision.
digest-footer = Sign in to act: { $link }
notice-escalation = Escalation list saved.
digest-capacity-tap = Update it in one tap, without signing in (this service only, for 72 hours): { $tap }
notice-timing = Saved: messages go by the new times.
notice-contact_card = Switched to a contact card: give the person the slip; the provider calls them.

## Held charges (/holds).

holds-title = Held charges
holds-subtitle = { $org } · undecided first, by deadline
holds-none = No held charges.
holds-person = Person
holds-encounter = Encounter
holds-deadline = Deadline
holds-state = State
holds-correction = Correction to review
