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
notice-organization = Organization added.
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

## What the slip says of an organization (/directory/organizations).

org-texts-title = What the slip says
directory-org-texts = What the slip says, in each language
org-texts-intro = The referral slip prints the organization's address, phone, hours and what to bring. Give the hours and what to bring in each language the program has, so a person reads them in theirs; a language left empty prints the English text, marked as English.
org-texts-none = No organization receives referrals yet.
org-texts-no-hours = no hours given
org-text-title = What the slip says: { $org }
org-text-intro = In English first; then in each other language in force. Changes apply to slips printed from now on.
org-text-address = Address
org-text-phone = Phone
org-text-hours = Hours (English)
org-text-bring = What to bring (English)
org-text-hours-in = Hours in { $language }
org-text-bring-in = What to bring in { $language }
org-text-save = Save the slip's texts
org-text-back = All organizations
notice-org_texts = The slip's texts are saved.


## Program dashboard (/dashboard).

dashboard-title = Program dashboard
dashboard-filter-from = From
dashboard-filter-to = To
dashboard-filter-pathway = Pathway
dashboard-filter-pathway-all = All
dashboard-filter-entry = Entry by
dashboard-filter-entry-all = All responders
dashboard-filter-agency = Agency
dashboard-filter-agency-all = All agencies
dashboard-filter-provider = Provider
dashboard-filter-provider-all = All providers
dashboard-filter-officer = Officer
dashboard-filter-officer-all = All officers
dashboard-filter-show = Show
# $pathway and $entry are "none" when the dashboard is not filtered by them; $entry is the
# kind of responder in lower case.
dashboard-period = Encounters dated { $from } to { $to } (program time zone){ $pathway ->
        [none] {""}
       *[other] , { $pathway } pathway
    }{ $entry ->
        [none] {""}
       *[other] , recorded by a { $entry }
    }. Every measure counts encounters of this period; see the definitions below.
dashboard-funnel-title = From encounter to treatment
dashboard-chart-desc = Bar chart of the counts in the table beside it.
dashboard-funnel-encounters = Encounters
dashboard-funnel-eligible = Eligible
dashboard-funnel-offered = Offered
dashboard-funnel-accepted = Accepted
dashboard-funnel-referred = Referred
dashboard-funnel-handed-off = Handed off
dashboard-funnel-intake = Intake
dashboard-col-measure = Measure
dashboard-col-count = Count
dashboard-col-of-encounters = of encounters
dashboard-outcomes-title = Outcomes
dashboard-new-people = New people
dashboard-new-people-value = { $new } ({ $repeat } encounters were repeat contacts with someone met before)
dashboard-screened = Screened
dashboard-engaged-30 = Engaged in treatment within 30 days
# $n of $of (a rate's numerator and denominator).
dashboard-of = { $n } of { $of }
# $pct is the rate's percentage, or a dash.
dashboard-engaged-30-rest = ({ $pct }); { $unknown } not yet known (younger than 30 days)
dashboard-engaged-60-90 = Engaged within 60 / 90 days
# A rate: $pct is the rounded percentage.
dashboard-rate = { $n } of { $of } ({ $pct }%)
dashboard-retained = Still in treatment 30 / 90 days after engaging
dashboard-deadlines-met = Deadlines met
dashboard-deadlines-missed = Deadlines missed
dashboard-deadlines-open = Deadlines still open
dashboard-median-intake = Median time from encounter to intake
dashboard-median-handoff = Median warm-handoff time
dashboard-hours = { $n } hours
dashboard-minutes = { $n } minutes
dashboard-days = { $n } days
dashboard-contact-title = Time from encounter to first treatment contact
dashboard-contact-summary = { $n } encounters with a first contact; median { $median }.
dashboard-col-time-to-contact = Time to first contact
dashboard-col-encounters = Encounters
dashboard-engagement-title = Time from encounter to treatment engagement
dashboard-engagement-summary = { $n } engaged; median { $median }.
dashboard-col-time-to-engagement = Time to engagement
dashboard-months-title = By month
dashboard-months-desc = Encounters per month (bars), with the table of encounters, referrals and intakes beside it.
dashboard-col-month = Month
dashboard-col-referred = Referred
dashboard-col-intakes = Intakes
dashboard-services-title = Served by service type
dashboard-services-intro = Every referral of the period's encounters, by kind of service (the measures above count the referrals a held charge counts on: treatment).
dashboard-services-none = No referrals.
dashboard-col-kind = Kind of service
dashboard-col-taken = Taken in
dashboard-col-served = Served (intake)
dashboard-col-no-capacity = Declined: no capacity
dashboard-col-median-hours = Median hours to service
dashboard-shortfalls-title = Capacity shortfalls
dashboard-col-declined = Referrals declined for no capacity
dashboard-deadlines-title = Deadlines: overdue, missed and due soon
dashboard-deadlines-none = None.
dashboard-col-person = Person
dashboard-col-encounter = Encounter
dashboard-col-deadline = Deadline
dashboard-col-state = State
dashboard-emergency-access = Emergency access
dashboard-deadline-missed = Deadline missed
dashboard-deadline-passed = Deadline passed
dashboard-due-soon = Due soon
dashboard-definitions-title = Definitions
dashboard-def-encounter = Encounter
dashboard-def-encounter-means = Every first-responder encounter recorded in the period, including declined and ineligible ones.
dashboard-def-eligible = Eligible
dashboard-def-eligible-means = Encounters whose eligibility decision was eligible, or whose override was approved.
dashboard-def-offered = Offered / accepted
dashboard-def-offered-means = Encounters with an offer recorded; offers the person accepted.
dashboard-def-referred = Referred
dashboard-def-referred-means = Accepted offers that produced a referral to a provider.
dashboard-def-handed-off = Handed off
dashboard-def-handed-off-means = Warm handoff: the case manager's arrival was recorded. Contact card: the person's first contact with the provider.
dashboard-def-intake = Intake
dashboard-def-intake-means = The provider recorded an intake/assessment (at any referral of the encounter).
dashboard-def-engaged-30 = Engaged within 30 days
dashboard-def-engaged-30-means = Numerator: referred encounters with a first treatment service within 30 days after the encounter. Denominator: referred encounters at least 30 days old, or already engaged. Younger ones are "not yet known".
dashboard-def-deadline = Deadline met / missed
dashboard-def-deadline-means = Intake before the end of the deadline's last day (program time zone), or the deadline passed without one.
dashboard-def-handoff-time = Warm-handoff time
dashboard-def-handoff-time-means = Case manager's arrival minus the officer's call (the referral's request time).
dashboard-def-new-people = New people, repeat contacts
dashboard-def-new-people-means = Encounters that were the person's first with the program; encounters with someone the program met before.
dashboard-def-medians = Medians
dashboard-def-medians-means = Exact when every month of the period is counted live; months ended more than 35 days ago are read from monthly rollups, rebuilt daily (60- and 90-day outcomes and retention are as of that rebuild), with durations kept to the hour (engagement to six hours); a median is then the middle of its step.
dashboard-def-engaged-60-90 = Engaged within 60 / 90 days
dashboard-def-engaged-60-90-means = As within 30 days, with 60 and 90 days.
dashboard-def-retained = Still in treatment
dashboard-def-retained-means = Numerator: engaged encounters with no exit within 30 (90) days of engagement. Denominator: engaged encounters whose engagement is at least that old, or that exited before.
dashboard-def-first-contact = First treatment contact
dashboard-def-first-contact-means = The warm handoff's arrival, or the contact card's first contact; time from the encounter. Medians of hours are counted by the hour.
dashboard-def-filters = Filters
dashboard-def-filters-means = The period is by encounter date. Agency, officer and pathway are the encounter's; provider is the latest referral's.

## Quarterly report (/reports/quarterly).

report-title = Quarterly report
report-quarter = Quarter
# An example of a quarter as it is typed.
report-quarter-placeholder = 2026Q3
report-show = Show
report-download-csv = Download CSV
report-print = Print
report-period = { $program } · encounters dated { $from } to { $to } (program time zone).
# $max is one under the threshold; $suppressed is how a suppressed count is shown.
report-suppression = Counts from 1 to { $max }, and any count that would reveal one, are shown as "—" or "{ $suppressed }".
report-col-measure = Measure
report-col-value = Value
report-col-definition = Definition
report-table-empty = No one in this quarter.
report-total = Total
report-threshold-title = Small-number threshold ({ $threshold })
report-threshold-label = Suppress published counts under
report-threshold-save = Save
report-threshold-hint = Applies to reports, exports and equity tables; 11 is the usual threshold (counts of 1 to 10 hidden).

## Equity of offers (/reports/equity).

equity-title = Equity of offers
equity-from = From
equity-to = To
equity-show = Show
equity-intro = Among eligible encounters dated { $from } to { $to }: how often each group was offered diversion or a referral, and how often the offer was accepted. The relative rate index (RRI) divides a group's rate by the reference group's (the largest); an interval that does not include 1 (marked) suggests a difference unlikely to be chance. Groups with fewer than { $threshold } eligible encounters are not shown.
# $dimension is in lower case (e.g. "race").
equity-by = By { $dimension }
equity-col-eligible = Eligible
equity-col-offered = Offered
equity-col-offer-rate = Offer rate
equity-col-offer-rri = Offer RRI (95% CI)
equity-col-acceptance-rate = Acceptance rate
equity-col-acceptance-rri = Acceptance RRI (95% CI)
equity-reference = (reference)
# A relative rate index and its 95% interval.
equity-rri = { $rri } ({ $low } to { $high })
equity-definitions-title = Definitions
equity-def-eligible = Eligible
equity-def-eligible-means = Encounters whose eligibility decision was eligible, or whose override was approved, by the demographics recorded at the encounter.
equity-def-offer-rate = Offer rate
equity-def-offer-rate-means = Eligible encounters with an offer recorded, over eligible encounters.
equity-def-acceptance-rate = Acceptance rate
equity-def-acceptance-rate-means = Offers accepted, over eligible encounters with an offer.
equity-def-rri = Relative rate index
equity-def-rri-means = The group's rate over the reference group's; 95% interval by the log method: exp(ln RRI ± 1.96 √(1/a − 1/n₁ + 1/c − 1/n₂)).

## Research export (/reports/research).

research-title = Research export
research-intro = A de-identified dataset for an evaluator (42 CFR 2.53): one row per encounter with its outcome, or one row per referral (an encounter may lead to several: treatment, housing, peer support), each with its service type and closed-loop status.
# Followed by the name of the column, then a full stop.
research-intro-join = Both tables of one recipient share its keys and join on
# The column's name in the export: not translated.
research-intro-join-column = encounter_key
research-intro-privacy = People, encounters, agencies, responders and providers appear as keyed pseudonyms that differ for each recipient; dates are reduced to the month or shifted per person; no names, birth dates, contact details, places, numbers or notes. Every export is recorded on the audit trail.
# Followed by the command, then a full stop.
research-intro-cli = Large exports are better made with
# A command line: not translated.
research-intro-cli-command = handoff export research
research-errors = Please correct the fields marked below. Nothing was exported.
research-recipient = Recipient (evaluator or study)
research-table = Table
research-table-encounters = Encounters (one row each)
research-table-referrals = Referrals (one row each, by service type)
research-format = Format
research-format-csv = CSV
research-format-parquet = Parquet
research-dates = Dates
research-dates-month = Month only (YYYY-MM)
research-dates-shift = Day, shifted per person (intervals kept)
research-from = Encounters from (optional)
research-to = To (optional)
research-export = Export
research-dictionary-encounters = Data dictionary: encounters
research-dictionary-referrals = Data dictionary: referrals
# Stand in for the recipient's and program's names in the data dictionaries shown.
research-example-recipient = the recipient
research-example-program = this program

## Pathways (/pathways).

pathways-title = Pathways
pathways-intro = The pathways this program runs. A change takes effect at once, without a restart. Turning a pathway off stops new encounters on it; its cases stay readable and keep their history.
# Followed by a link to the rules, then a full stop.
pathways-intro-rules = Eligibility and follow-up rules per pathway are in the
pathways-intro-rules-link = rules
# $summary is the pathway's summary (a sentence); $starters who starts it.
pathways-line = { $summary } Started by: { $starters }. { $n } encounter(s) recorded.
pathways-save = Save pathways
pathways-planner-link = Which pathways fit this program? Open the planner.

## Pathway planner (/planner, /planner/program).

planner-title = Pathway planner
planner-intro = Which first responder diversion pathways fit your community? Say which problems you see and which resources you have. Communities usually start with one pathway and add others as the program grows.
planner-insights-title = What your program's numbers suggest
planner-insights-none = Nothing stands out yet (or there are too few cases to say).
planner-problems-title = Problems
planner-problem-overdoses = Overdoses
planner-problem-offenses = Repeat low-level offenses (possession, theft, trespass, disorderly conduct)
planner-problem-homelessness = Homelessness among the people officers meet
planner-problem-crisis = Mental health or substance use crisis calls
planner-problem-asking = People asking police or fire for help with substance use
planner-level-none = None or not known
planner-level-some = Some
planner-level-many = Many
planner-resources-title = Resources
planner-resource-slots = Treatment slots available within days
planner-resource-peers = Peer recovery specialists
planner-resource-case-managers = Case managers
planner-resource-prosecutor = The prosecutor's support for holding charges
planner-resource-ems = A partnership with fire/EMS
planner-resource-clinicians = Behavioral health responders who can be dispatched
planner-resource-outreach = An outreach team
planner-submit = Show the pathways that fit
planner-results-title = Pathways for you
# $needs lists what the pathway needs, separated by semicolons.
planner-needs = Needs: { $needs }.
planner-does-not-address = Does not address: { $what }
planner-pathways-title = The six pathways
planner-pathway-facts = { $what } Started by: { $starters }. Charges: { $charges }.

## Program calendar (/calendar).

calendar-title = Program calendar
calendar-intro = Deadlines are computed on it: an intake deadline ends on a business day, and first contact on a contact card is due within the business hours below ({ $tz }). Deadlines already set keep their day.
calendar-hours-title = Business days and hours
calendar-days = Business days
calendar-monday = Monday
calendar-tuesday = Tuesday
calendar-wednesday = Wednesday
calendar-thursday = Thursday
calendar-friday = Friday
calendar-saturday = Saturday
calendar-sunday = Sunday
calendar-opens = Opens
calendar-closes = Closes
calendar-contact-hours = First contact within (business hours)
calendar-save = Save
calendar-holidays-title = Holidays
calendar-holidays-none = None entered.
calendar-holiday-remove = Remove
calendar-holiday-day = Day
calendar-holiday-name = Name
calendar-holiday-add = Add the holiday

## Progress shared with the legal side (on a case and a held charge).

progress-contacted = Contacted
progress-intake = Intake
progress-not-yet = not yet
progress-by-deadline = by the deadline
progress-deadline-missed = deadline missed
progress-engaged = Engaged in treatment
progress-engaged-on = yes, { $day }
progress-exit = Exit
progress-notice-232-title = Notice (42 CFR 2.32).

## Audit trail (/audit).

audit-title = Audit trail
audit-intro = Every sign-in, read, change, export and permission change by the program's users. Searching and exporting are recorded too.
audit-user = User name
audit-action = Action (start of, e.g. "consent.")
audit-record = Record id
audit-outcome = Outcome
audit-outcome-any = Any
audit-outcome-allowed = Allowed
audit-outcome-denied = Denied
audit-outcome-failed = Failed
audit-from = From (first day)
audit-to = To (last day)
audit-search = Search
audit-count = { $n } records, { $from } to { $to }
audit-truncated = More records match: narrow the search, or export (up to 100,000).
audit-download-csv = Download CSV
audit-col-when = When
audit-col-user = User
audit-col-action = Action
audit-col-record = Record
audit-col-outcome = Outcome
audit-col-from = From
audit-col-detail = Detail


## Case page (/encounters/{id}).

case-title = Encounter { $reference }
case-encounter = Encounter { $reference }
case-cad = CAD { $number }
case-recorded-by = Recorded by { $officer }, { $agency }
case-born = born { $date }
case-choose = Choose…
case-language = Language: { $language }
case-language-none = Language not recorded (English).
case-language-record = Record the person's language
case-language-change = Change the person's language
case-language-preferred = Preferred language
case-language-interpreter = Needs an interpreter
case-language-save = Save the language
case-offenses = Offenses
case-attempts-title = Contact attempts
case-attempts-none = No attempt yet.
case-attempt-by = recorded by { $name }
case-attempt-record = Record an attempt
case-attempt-when = When
case-attempt-outcome = Outcome
case-attempt-team = Team (officer, clinician, peer)
case-attempt-note = Note (optional)
case-attempt-submit = Record the attempt
case-eligibility = Eligibility:
case-eligible = eligible
case-not-eligible = not eligible
case-criterion = Criterion
case-result = Result
case-why = Why
case-outcome-met = Met
case-outcome-not-met = Not met
case-outcome-unknown = Unknown
case-rules-version = Decided with rules version { $version }; the decision is kept as made.
case-override = Override { $status }: { $reason }
case-override-reviewed = Override { $status }: { $reason } — supervisor: { $note }
case-override-note = Supervisor note
case-override-approve = Approve override
case-override-refuse = Refuse
case-override-title = Override this decision
case-override-why-diversion = Why should this person be offered diversion?
case-override-why-referral = Why should this person be offered a referral?
case-override-needs-supervisor = A supervisor must approve overrides in this program.
case-override-at-once = The override takes effect at once and is recorded with your name.
case-override-request = Request override
case-offer-accepted-release = Accepted on { $time }; release of information signed.
case-offer-accepted-consent = Accepted on { $time }; consent signed.
case-offer-declined-on = Declined on { $time }.
case-offer-declined-reason = Declined on { $time }: { $reason }.
case-offer-normal-processing = Normal processing applies.
case-offer-answer = The person's answer
case-offer-accepted = Accepted
case-offer-declined = Declined
case-offer-if-declined = If declined
case-offer-reason = Reason
case-offer-if-accepted-release = If accepted: release of information
case-offer-if-accepted-consent = If accepted: consent
case-offer-read-in = Read to the person in { $language }, their language.
case-offer-read-in-unreviewed = Read to the person in { $language }, their language: this translation has not been reviewed by a qualified translator, so check that they understood it.
case-offer-signed-name = Person's name, as signed
case-offer-confirmed = The person read (or was read) the release and signed it
case-offer-handoff = Handoff
case-offer-provider = Provider
case-offer-warm = Warm handoff: the on-call case manager comes now
case-offer-card = Contact card: the person contacts the provider by the deadline
case-legal-hold = Legal hold
case-hold-abeyance = Charges held in abeyance
case-hold-citation = Citation issued
case-citation-number = Citation number
case-court-date = Court date
case-offer-submit = Record the offer
case-no-offer = No offer can be recorded unless the person is eligible or an override is approved.
case-no-referral = No referral can be recorded unless the person is eligible or an override is approved.
case-referral = Referral
case-referral-mode = { $mode } to
case-referral-closed = declined by the provider or cancelled
case-paging-acknowledged = Acknowledged by { $name } at { $time }, { $minutes } min after the call: on the way.
case-paging-unanswered = Nobody acknowledged the page. Call { $provider }:
case-paging-or-card = , or switch to a contact card.
case-paging-nobody = Nobody is on call to page. Call { $provider }:
case-paging-waiting = Paged; waiting for someone to acknowledge.
case-paging-call = Call { $phone }
case-paging-no-channel = No email or text messages are set up on this server: nobody is actually being paged. Call the provider.
case-paging-switch = Switch to a contact card (the provider calls the person)
case-paging-escalation = (escalation { $rung })
case-paging-no-contact = no contact point
case-slip = Referral slip for the person
case-more-services = More services: treatment, housing, peer support, food…
case-refer-again = Refer to another provider
case-refer-warm = Warm handoff
case-refer-card = Contact card
case-refer-submit = Send the referral
case-hold-citation-number = citation { $number }
case-hold-court-date = court date { $date }
case-hold-deadline = Intake deadline:
case-hold-end-of-day = (end of day)
case-hold-prosecutor = Prosecutor: { $decision }
case-progress = Progress
case-consents = Consents naming your organization
case-consent-to = to { $recipients }
case-consent-signed = signed { $time }
case-consent-revokes = The person revokes it
case-consent-revoke-note = What the person said, and how (optional)
case-consent-revoke-submit = Record the revocation (the referral ends)
case-history = History
# The page title of the referral slip (slip.html), given by the case page's code.
case-slip-title = Referral slip

## Safety flags (flags.html, on the case page and the referral page).

flags-title = Safety flags
flags-responders-only = (responders only)
flags-clear = Clear
flags-clear-why = Why is it no longer needed?
flags-clear-submit = Clear the flag
flags-add = Add a safety flag
flags-kind = Kind
flags-choose = Choose…
flags-why = Why
flags-hint = Everyone the flag's kind names sees it beside the name, with this reason and your name.
flags-add-submit = Add the flag

## Encounters (/encounters).

encounters-title-agency = Agency encounters
encounters-title-mine = My encounters
encounters-new = New encounter
encounters-none = No encounters yet.

## New encounter (/encounters/new).

encounter-new-title = New encounter: { $pathway }
encounter-new-heading = New encounter
encounter-new-pathway = Pathway
encounter-new-correct = Please correct the fields marked below. Nothing was saved yet.
encounter-new-find = 1. Find the person first
encounter-new-search-name = Last name (and first name)
encounter-new-search-dob = Date of birth (optional)
encounter-new-search = Search
encounter-new-search-hint = With the date of birth, anyone in the program with exactly that last name is found; without it, only people your agency has met.
encounter-new-no-match = No one found: enter the person below.
encounter-new-born = born { $date }
encounter-new-use = Use this person
encounter-new-person = 2. The person
encounter-new-existing = Existing participant:
encounter-new-choose-other = Choose someone else
encounter-new-existing-chosen = Existing participant chosen.
encounter-new-first-name = First name
encounter-new-last-name = Last name
encounter-new-use-existing = Use the existing person
encounter-new-dob = Date of birth
encounter-new-sex = Sex
encounter-new-choose = Choose…
encounter-new-race = Race
encounter-new-ethnicity = Ethnicity
encounter-new-phone = Phone (optional)
encounter-new-email = Email (optional)
encounter-new-language = Preferred language
encounter-new-language-not-asked = Not asked (English)
encounter-new-interpreter = Needs an interpreter
encounter-new-language-hint = The slip and the consent are printed in the person's language.
encounter-new-encounter = 3. The encounter
encounter-new-when = Date and time ({ $tz })
encounter-new-location = Location
encounter-new-cad = CAD / incident number
encounter-new-cad-optional = CAD / incident number (if any)
encounter-new-offenses = 4. Offenses
encounter-new-offense = Offense { $n }
encounter-new-offense-optional = Offense { $n } (optional)
encounter-new-nibrs = NIBRS offense
encounter-new-none = None
encounter-new-drug-details = Drug details (35A, 35B)
encounter-new-drug-activity = Drug activity
encounter-new-drug-type = Suspected drug type
encounter-new-quantity = Estimated quantity
encounter-new-unit = Unit
encounter-new-quantity-hint = Leave quantity and unit empty if unknown: the decision will say the quantity is unknown.
encounter-new-overdose = 4. The overdose
encounter-new-overdose-hint = The date, time and place above are the overdose's.
encounter-new-naloxone = Naloxone doses given
encounter-new-transported = Transported to a hospital?
encounter-new-yes = Yes
encounter-new-no = No
encounter-new-surrender = 4. Anything handed in
encounter-new-surrendered-items = Drugs or paraphernalia handed in without charge (leave empty if none)
encounter-new-contact-title = 4. How you met the person
encounter-new-contact = Contact
encounter-new-prior-involvement = Verified prior involvement on (social contact)
encounter-new-report-number = Report number (optional)
encounter-new-outreach = 4. The outreach list
encounter-new-outreach-source = Why the person is on the list
encounter-new-call = 4. The call for service
encounter-new-call-type = Call type as dispatched
encounter-new-police = Were police on the call?
encounter-new-team = Team (officer, clinician, peer; optional)
encounter-new-records = 5. Records check
encounter-new-records-hint = Attest to what the records check showed. Do not copy criminal history here.
encounter-new-submit = Record and check eligibility

## Screening (/referrals/{id}/screenings).

screening-new-intro = Referral { $reference } · leave an item unanswered if the person did not answer it (it is not counted as zero).
screening-new-cut-off = Cut-off
screening-new-submit = Score and save
screening-result-title = { $instrument }: alert
screening-result-score = Score
screening-result-of = { $score } of { $max }
screening-result-of-prorated = { $score } of { $max } (prorated for unanswered items)
screening-result-not-scored = not scored
screening-result-result = Result
screening-result-saved = The screening is saved on the referral, with the alert.
screening-result-back = Back to the referral

## Emergency access (/emergency-access).

emergency-title = Emergency access
emergency-open = Open a case outside your scope
emergency-intro = For an emergency only: a person in crisis whose treatment record you need now. You state the reason; access lasts a limited time, every view is recorded, and the program's coordinators review it.
emergency-reference = Reference on the person's slip
emergency-reference-example = HO-7KQ2-MXH4
emergency-find = Find the case
emergency-grants = Grants to review
emergency-grants-none = No emergency access has been granted.
emergency-grant = case { $reference } · { $from } to { $until }
emergency-grant-reason = Reason: { $reason }
emergency-reviewed = Reviewed { $time }
emergency-reviewed-note = Reviewed { $time }: { $note }
emergency-review = Your review
emergency-review-example = Justified: …
emergency-review-submit = Mark reviewed

## Emergency access to a case (/encounters/{id}/emergency).

emergency-case-title = Emergency access to { $reference }
emergency-case-heading = Emergency access: case { $reference }
emergency-case-until = You have emergency access to this case until
emergency-case-recorded = Every view is recorded and reviewed.
emergency-case-no-referral = This case has no referral to a provider: there is no treatment record.
emergency-case-referral = Referral to { $provider }
emergency-case-intro = This case is outside your scope. In an emergency you may read its treatment record for { $minutes } minutes. Your name, the reason and every view are recorded, and the program's coordinators review the access.
emergency-case-emergency = The emergency
emergency-case-submit = Open the record

## Overrides awaiting review (/overrides).

overrides-title = Overrides awaiting review
overrides-none = Nothing to review.

## A held charge (/holds/{id}).

hold-title = Held charge { $reference }
hold-encounter = Encounter { $reference }
hold-cad = CAD { $number }
hold-recorded-by = Recorded by { $officer }, { $agency }
hold-born = born { $date }
hold-held-charge = Held charge
hold-citation = citation { $number }
hold-court-date = court date { $date }
hold-deadline = Intake deadline
hold-decision-was = Decision:
hold-progress = Progress
hold-decision = Decision
hold-decline = Decline to file
hold-file = File charges
hold-extend = Extend the deadline
hold-new-deadline = New deadline (to extend)
hold-reason = Reason
hold-submit = Record the decision
hold-history = History


## Referral queue (/queue).

queue-title = Referral queue
queue-all = all referrals, most recent first
queue-open-only = open only
queue-open = open referrals, warm handoffs waiting first
queue-include-closed = include closed
queue-none = No referrals.
queue-warm = Warm handoff
queue-card = Contact card
queue-from = from { $org }
queue-contact-due = first contact due { $day }
queue-acknowledged = acknowledged { $time }
queue-acknowledge = I have it: acknowledge
queue-capacity = What you can take now
# After the number available, in large type; $unit is what is counted (bed, slot...).
queue-available = { $unit }{ $available ->
        [one] {""}
       *[other] s
    } available
queue-available-of = of { $maximum } { $unit }{ $available ->
        [one] {""}
       *[other] s
    } available
queue-stale = Stale: last updated { $time }. Confirm it or correct it.
queue-updated = Updated { $time }
queue-one-fewer = One fewer { $unit }
queue-one-more = One more { $unit }
queue-still-right = Still right
queue-set-to = Set to
queue-set = Set

## A referral (/referrals/ID).

referral-title = Referral { $reference }
referral-language = Language: { $language }
referral-reference = Referral { $reference }
referral-from-warm = warm handoff from { $org }
referral-from-card = contact card from { $org }
referral-acknowledged = Acknowledged by { $who } at { $time }, { $minutes } min after the call. Accept it below when you take the person.
referral-waiting = A warm handoff is waiting: the officer is with the person now.
# $pages: each person paged and when, separated by semicolons.
referral-paged = Paged: { $pages }.
referral-acknowledge = I have it: acknowledge
referral-emergency = Emergency access, read only, until { $time }. Every view is recorded and reviewed.
referral-status = Status: { $status }
referral-born = Born
referral-phone = Phone
referral-email = Email
referral-assigned = Assigned to
referral-nobody = nobody yet
referral-contact-due = First contact due
referral-intake-deadline = Intake deadline
referral-arrival = Arrival
referral-arrival-minutes = ({ $minutes } minutes after the officer's call)
referral-first-contact = First contact
referral-intake = Intake
referral-first-treatment = First treatment
referral-reason = Reason
referral-appointment = Intake appointment
referral-appointment-at = Date and time
referral-appointment-place = Where
referral-appointment-place-example = 200 Main St, 2nd floor
referral-appointment-place-hint = As the person would find it. A reminder names it, so write an address, not what the place treats.
referral-appointment-move = Move the appointment
referral-appointment-schedule = Schedule the intake
referral-reminders = Reminders to the person
referral-reminders-stopped = Stopped
referral-reminders-stopped-why = (the person asked, or their agreement was withdrawn): nothing is sent.
# $channel: sms or email; $address: the end of the number or address.
referral-reminders-by = By { $channel ->
        [sms] text
       *[other] email
    } to { $address }, a day before, never at night.
referral-reminders-by-shared = By { $channel ->
        [sms] text
       *[other] email
    } to { $address } (shared or home), a day before, never at night.
referral-reminders-stop = Stop reminders
referral-reminders-none = The person has not agreed to reminders: none are sent.
referral-reminders-change = Change where
referral-reminders-ask = Ask the person
referral-reminders-how = How
referral-reminders-sms = Text message
referral-reminders-email = Email
referral-reminders-address = Mobile number or email address
referral-reminders-shared = Shared with others or at home
referral-reminders-consent = The person agrees, as read to them: “We will send a reminder the day before your appointment, with its date, time and place only. It never says what the appointment is for. Reply STOP at any time.”
referral-reminders-save = Save where to remind
referral-step-title = Record a step
referral-step = Step
referral-choose = Choose…
referral-when = When (leave empty for now)
referral-contact-result = Contact result (for a contact attempt)
referral-contact-reached = Reached the person
referral-contact-no-answer = No answer
referral-contact-left-message = Left a message
referral-contact-wrong-number = Wrong number
referral-exit = Exit (for "Record exit")
referral-reason-code = Reason (required to reject, put on hold, fail or cancel)
referral-reason-note = Note on the reason (optional)
referral-clinical-note = Clinical note (seen only by your organization)
referral-save = Save
referral-screenings = Screenings
referral-screenings-none = None yet.
referral-screening = Screening
referral-score = { $score } of { $max }
referral-score-prorated = { $score } of { $max } (prorated)
referral-not-scored = not scored
referral-screening-start = Start:
referral-consents = Consents to disclose
referral-consents-none = None recorded: nothing about this person's treatment may be disclosed.
referral-consent-to = To { $recipients } · signed { $time }
referral-revoke = The person revokes it
referral-revoke-note = What the person said, and how (optional)
referral-revoke-record = Record the revocation
referral-consent-new = Record a new consent (42 CFR 2.31)
referral-consent-recipients = Who may receive it
referral-consent-class = Any of the program's treatment providers (a class)
referral-consent-information = What information
referral-consent-purpose = Purpose
referral-consent-expires = Expires on (last day)
referral-consent-disposition = Or at the final disposition of the charge, if sooner
referral-consent-signed-name = Person's name, as signed
referral-consent-attested = The person read (or was read) the consent, including the right to revoke it, and signed it
referral-consent-record = Record the consent
referral-record = Service record
referral-record-none = Nothing recorded yet.

## Services for the person (/encounters/ID/services).

services-title = Services for the person
services-back = ← Back to the encounter
services-needs = Needs
services-problems = Presenting problems
services-screen = Social needs screen (CMS AHC core questions; each may be skipped)
services-language = The person's language
services-language-none = Not asked
services-language-en = English
services-language-es = Spanish
services-language-zh = Chinese
services-language-vi = Vietnamese
services-language-ar = Arabic
services-language-fr = French
services-language-ht = Haitian Creole
services-language-ko = Korean
services-language-pl = Polish
services-language-ru = Russian
services-language-tl = Tagalog
services-language-asl = American Sign Language
services-show = Show services
services-nearest = Nearest first (use my position)
services-position-hint = Your position orders the list; it is not saved.
services-fit = Services that fit
services-matched = { $matched } services match.
services-matched-best = { $matched } services match; the best { $shown } are shown (add needs to narrow the list).
# $needs: the person's needs; $rule: the ranking criteria in order.
services-needs-ranked = Needs: { $needs } · ranked by { $rule }
# Joins the ranking criteria: "distance, then hours, then ...".
services-rank-then = { $first }, then { $rest }
services-needs-none = none recorded (every service is listed)
services-nothing-fits = Nothing fits right now.
services-excluded = Does not take this person: { $reasons }
services-needs-release = Not a treatment service: needs the person's release (below).
services-none = No service in the directory matches these needs.
services-handoff = Handoff
services-warm = Warm handoff: the service's staff on call come now
services-card = Contact card: the person goes or calls
services-release = Release for services that are not treatment
services-read-in = Read to the person in { $language }, their language.
services-read-in-unreviewed = Read to the person in { $language }, their language: this translation has not been reviewed by a qualified translator.
services-release-name = Person's name, as signed
services-release-confirmed = The person read (or was read) the release and signed it
services-refer = Refer to the chosen services
services-hold-hint = Each chosen service with published capacity holds a place for the person for the program's window.

## Directory (/directory).

directory-title = Directory
directory-summary = { $organizations } partner organizations · { $services } active services · { $capacities } capacities published
directory-stale = { $stale } stale
directory-export = Download the directory (HSDS 3.1 JSON)
directory-import = Import a partner's or a 211's HSDS file from the server's command line:
# A command: not to be translated, except FILE.
directory-import-command = handoff directory import FILE --dry-run
directory-import-after = shows what would change, errors and warnings by record and field; nothing is written until the warnings are accepted.
directory-ranking = How officers' suggestions are ranked
directory-ranking-hint = Each criterion breaks the ties of the ones above it. Every suggestion says why it ranks where it does.
directory-rank-first = First
directory-rank-then = Then
directory-rank-none = (none)
directory-hold = Which intake meets a held charge
directory-hold-hint = Only an intake at a service of these types satisfies a charge held in abeyance; referrals to other services (shelter, food, peer support) are never shown to the prosecutor.
directory-fallback = When nothing fits
directory-fallback-label = What the officer is shown
directory-publication = Publication
directory-public = Anyone may read the directory through the HSDS API (
# The API's address: not to be translated.
directory-public-path = /hsds/services
directory-public-after = ) without a token
directory-save = Save

## A one-tap referral link (/l/TOKEN), opened without signing in.

link-page-title = Referral
link-title = Referral { $reference }
link-warm = Warm handoff
link-card = Contact card
link-from = from { $agency } to { $provider }, asked { $time }.
link-initials = The person's initials:
link-initials-more = (sign in to Handoff for their name, contact details and the rest of the referral)
link-status = Status:
link-acknowledged = acknowledged
link-nothing-more = Nothing more can be recorded with this link. Sign in to Handoff for the rest.
link-decline = Why you decline
link-choose = Choose…
link-hint = This link works for this referral only, once for each step, until { $time }. Every use is recorded with the address it came from. Do not forward it.
link-invalid-title = Referral link
link-sign-in = Sign in
link-expired = This link has expired. Sign in to Handoff to record the referral's steps.
link-withdrawn = This link was withdrawn by the program. Sign in to Handoff to record the referral's steps.
link-not-valid = This link is not valid: check that it was copied whole, or sign in to Handoff.

## A one-tap capacity link (/c/TOKEN), opened without signing in.

capacity-link-title = What you can take
capacity-link-last-said = last said { $time }
capacity-link-of-last-said = of { $maximum } · last said { $time }
capacity-link-out-of-date = (out of date)
capacity-link-still-right = Still right
capacity-link-one-more = One more
capacity-link-one-fewer = One fewer
capacity-link-available = Available now
capacity-link-set = Set
capacity-link-hint = This link updates this one service only, until { $time }. Sign in to Handoff for anything else.
capacity-link-broken = This link does not work
capacity-link-broken-why = It has expired, was withdrawn by the program, or was not copied whole. Sign in to Handoff to update what you can take.

## Where you are paged (/me/contacts).

contacts-title = Where you are paged
contacts-intro = When a warm handoff comes to your organization while you are on call (or when nobody before you answers), a page goes to the first address here; if it cannot be delivered there, to the next. Pages say only the reference, the agency and a link: never a name or anything about treatment.
contacts-no-channel = This server has no email or text messages set up yet: pages are recorded but not sent. Ask your administrator.
contacts-email-only = This server sends email only: a mobile number is kept, but texts wait until text messages are set up.
contacts-sms-only = This server sends text messages only: an email address is kept, but email waits until it is set up.
contacts-none = You have no address: you cannot be paged.
# $channel: sms, email, or another channel's name.
contacts-channel = { $channel ->
        [sms] text
       *[other] { $channel }
    }
contacts-test-queued = test waiting to be sent
contacts-test-queued-error = test not sent yet: { $error }
contacts-test-sent = test sent
contacts-test-delivered = test delivered
contacts-test-failed = test failed: { $error }
contacts-test-other = test { $state }
contacts-send-test = Send a test
contacts-remove = Remove
contacts-how = How
contacts-email = Email
contacts-sms = Text message (mobile)
contacts-address = Email address or mobile number
contacts-address-example = name@agency.org or +1 555 010 0199
contacts-add = Add

## Languages (/admin/languages).

languages-title = Languages
languages-intro = The languages a participant's slip, consent and release are written in. English and Spanish ship with Handoff; a program adds one by putting its catalogue,
# A file name pattern: "code" is the language's code.
languages-file-pattern = <code>.ftl
languages-for-example = (for example
languages-file-example = fr.ftl
languages-in-folder = ), in the languages folder
languages-rules = : it must have every key of the English catalogue and no other, and use only the placeholders the English text uses. A file that does not is refused with its line and key, and the last good copy of it stays in force.
languages-reloaded = The languages folder was read again.
languages-code = Code
languages-language = Language
languages-reviewed = Reviewed by a qualified person
languages-source = Source
languages-yes = Yes
languages-not-reviewed = Not reviewed
languages-shipped = Shipped
languages-folder = Languages folder
languages-refused = Files refused
languages-load = Load language files now
languages-load-hint = Added or changed files take effect at once; nothing is restarted.
languages-no-folder = This server has no languages folder (start it with
# A command-line option: not to be translated.
languages-option = --languages
languages-no-folder-after = , or use the data folder).

## The person's slip (/encounters/ID/slip): what staff are told beside it.

slip-print-hint = To print, use the browser's print command; the slip prints on its own.
slip-written-in = Written in { $language }, the person's language.
slip-written-in-unreviewed = Written in { $language }, the person's language; this translation has not been reviewed by a qualified translator.

## A consent to disclose (/consents/ID): what staff are told beside the form.

consent-title = Consent to disclose
consent-print = Print this page for the person or the file (the browser's Print command).
consent-printed-in = It is printed in { $language }, the language the person signed in.
consent-state = State:
consent-revocation-asked = revocation asked for { $time }
consent-revocation-asked-by = revocation asked for { $time } (recorded by { $by })
consent-notice-232 = Notice (42 CFR 2.32).


## Eligibility rules (/rules).

rules-title = Eligibility rules
rules-intro = Version { $version } is in force. Edit the rules field by field or as a file (or paste one you keep), try them on the latest encounters, then save them as version { $next }, in force now or from a day you choose. Past decisions keep the version they used.
rules-download = Download this version
rules-scheduled = Version { $version } takes effect on
rules-dry-run = Dry run: { $changed } of { $total } recent encounters would be decided differently
rules-dry-encounter = Encounter
rules-dry-date = Date
rules-dry-was = Was
rules-dry-would-be = Would be
rules-dry-failing = Criteria not met
rules-eligible = eligible
rules-not-eligible = not eligible
rules-fields-heading = Edit field by field
rules-charge-legend = Officer Intervention: the charge
rules-allowed-offenses = Offense codes that may be diverted (NIBRS, comma-separated)
rules-excluded-offenses = Offense codes that exclude diversion
rules-drug-activities = Drug activity codes allowed (P possessing, U using, ...)
rules-max-grams = Most grams
rules-max-milliliters = Most millilitres
rules-max-dosage-units = Most dosage units
rules-limits-hint = Empty means no limit for that unit (a quantity in it then needs review).
rules-limits-caption = Limits for particular drug types (replace the general ones for that type)
rules-limits-drug-type = Drug type code
rules-limits-grams = Grams
rules-limits-milliliters = Millilitres
rules-limits-dosage-units = Dosage units
rules-limits-drug-type-row = Drug type code, row { $row }
rules-limits-grams-row = Grams, row { $row }
rules-limits-milliliters-row = Millilitres, row { $row }
rules-limits-dosage-units-row = Dosage units, row { $row }
rules-min-age = Minimum age
rules-max-age = Maximum age (empty: none)
rules-max-prior = Most earlier participations (empty: no limit)
rules-prior-window = Within months
rules-attests-legend = The officer attests
rules-follow-up-days = Follow-up visit within days (empty: none)
rules-social-contact = Social contact: verified prior involvement within months (empty: not required)
rules-pathway-attestations = Attestations asked on this pathway
rules-effective-on = Takes effect on (empty: now)
rules-dry-run-button = Dry run on recent encounters
rules-save = Save as version { $version }
rules-file-summary = Edit as a file (TOML)
rules-file-label = Rules file (TOML)

## Users and roles (/admin).

admin-title = Users and roles
admin-time-zone = time zone { $tz }
admin-intake-deadline = intake deadline { $days } days
admin-overrides-supervisor = overrides need a supervisor
admin-overrides-at-once = overrides take effect at once
admin-people = People
admin-user = User
admin-name = Name
admin-roles = Roles
admin-role-at = { $role } at { $org }
admin-last-sign-in = Last sign-in
admin-account = Account
admin-authenticator = Authenticator
admin-never = never
admin-locked = Locked
admin-disabled = Disabled
admin-unlock = Unlock
admin-re-enable = Re-enable
admin-active = Active
admin-set-up = Set up
admin-reset = Reset
admin-not-yet = Not yet (at next sign-in)
admin-add-user = Add a user
admin-username = User name
admin-full-name = Full name
admin-password = Initial password
admin-organization = Organization
admin-choose = Choose…
admin-role = Role
admin-create-user = Create the user
admin-add-org = Add an organization
admin-org-kind = Kind
admin-org-name = Name
admin-org-address = Address
admin-org-phone = Phone
admin-org-hours = Hours
admin-org-bring = What to bring
admin-create-org = Add the organization
admin-grant-heading = Give a user another role
admin-add-role = Add the role

## On-call roster and escalation lists (/roster).

roster-title = On-call roster
roster-intro = Warm handoffs page the person first on call at the moment of the officer's call; if nobody acknowledges within the program's window, each backup in order, then each on the provider's escalation list, then the program's coordinators. Case managers and peer specialists keep their own organization's roster.
roster-on-call-now = On call now:
roster-on-call-until = until { $time }
roster-nobody = nobody
roster-nobody-why = (warm handoffs wait unassigned at the top of the queue)
roster-case-manager = Case manager
roster-order = Order
roster-from = From
roster-until = Until
roster-position = { $position ->
    [0] First on call
   *[other] Backup { $position }
}
roster-remove = Remove
roster-choose = Choose…
roster-add-shift = Add shift
roster-escalation = Escalation list
roster-escalation-intro = Paged one by one, in this order, after those on shift and before the program's coordinators. A contact without an account receives the page and its one-tap link for that referral only, and cannot sign in.
roster-escalation-none = Nobody yet.
roster-no-account = contact without an account
roster-add-to-list = Add to the list
roster-someone-of = Someone of { $org }
roster-place = Place
roster-add = Add
roster-contact-intro = Or a contact without an account (a clinic's front desk, a director on call):
roster-name = Name
roster-how = How
roster-email = Email
roster-sms = Text message
roster-address = Email address or mobile number
roster-add-contact = Add the contact

## Outbox (/outbox).

outbox-title = Outbox
outbox-intro = Pages and messages that left the program (or are waiting to), newest first. Addresses and words are kept encrypted and are not shown here. A failed message says why.
outbox-no-channel = No email or text messages are set up on this server: pages are recorded and wait unsent.
outbox-no-channel-how = The server's administrator sets them up with
outbox-no-channel-or = or
outbox-inbound = Replies to texts: give the SMS gateway this address for incoming messages, so that a STOP stops that person's reminders:
outbox-withdraw-links = Withdraw every outstanding one-tap link
outbox-paging = Warm handoffs paged, last 30 days
outbox-paging-none = None.
outbox-handoffs = Warm handoffs
outbox-acknowledged = Acknowledged
outbox-ack-minutes = Minutes from the call to the acknowledgement
outbox-ack-median = median { $median }
outbox-ack-median-p90 = median { $median }, 90% within { $p90 }
outbox-escalations = Escalations per handoff
outbox-unanswered = Unanswered (the ladder ended)
outbox-timing = When messages go
outbox-page-window = Minutes a page waits for an acknowledgement before the next person is paged
outbox-quiet = Quiet hours: no message to a participant (pages to staff are never delayed)
outbox-quiet-from = From
outbox-quiet-until = Until
outbox-reminder-hours = Hours before an appointment the person is reminded
outbox-intake-remind = Business days before a held charge's intake deadline its provider is reminded
outbox-save = Save
outbox-nothing-sent = Nothing has been sent.
outbox-when = When
outbox-to = To
outbox-for = For
outbox-channel = Channel
outbox-state = State
outbox-sms = text
outbox-tries = { $n } tries

## Webhooks (/admin/webhooks).

webhooks-title = Webhooks
webhooks-intro = A partner's own system can be told of each referral to it as it happens: created, acknowledged, and every later step.
webhooks-signed = Each event is signed per
webhooks-standard = Standard Webhooks
webhooks-signed-rest = with the endpoint's secret and carries the referral's id, its status, the step and a link that needs signing in: never a name, an offense or anything of another organization.
webhooks-retry = A retry carries the same
webhooks-added = Endpoint added
webhooks-secret-once = Give the partner this signing secret now: it is not shown again (it is kept encrypted).
webhooks-none = No partner system is told of anything yet.
webhooks-partner = Partner
webhooks-address = Address
webhooks-latest = Latest message
webhooks-added-at = added { $time }
webhooks-stopped-at = stopped { $time }
webhooks-tries = { $n } tries
webhooks-nothing-yet = nothing yet
webhooks-test = Send a test event
webhooks-stop = Stop
webhooks-add-heading = Add an endpoint
webhooks-choose = Choose…
webhooks-url = Address (https://)
webhooks-url-placeholder = https://ehr.partner.org/handoff/events
webhooks-add = Add

## Safety flag kinds (/admin/flags).

flag-kinds-title = Safety flags
flag-kinds-intro = The kinds of flag staff can put beside a person's name, each with a reason. A kind says who sees it: an officer-safety flag is criminal-justice intelligence and reaches officers and their supervisors only, never a provider; the others reach everyone who contacts the person, and messages to the person obey them. A person's need for an interpreter is recorded with their language.
flag-kinds-kind = Kind
flag-kinds-audience = Who sees it
flag-kinds-messages = Messages
flag-kinds-retired = retired
flag-kinds-retire = Retire
flag-kinds-add-heading = Add a kind
flag-kinds-name = Name
flag-kinds-name-placeholder = Service dog: ask before entering
flag-kinds-choose = Choose…
flag-kinds-obey = Messages to the person
flag-kinds-add = Add

## Signing in (/sign-in).

sign-in-title = Sign in
sign-in-username = User name
sign-in-password = Password
sign-in-submit = Sign in
sign-in-planner = Planning a program? The
sign-in-planner-link = pathway planner
sign-in-planner-rest = shows which pathways fit your community (no sign-in).
sign-in-no-role = Your account has no role in a program yet. Ask the administrator.

## The authenticator code (/sign-in/code).

sign-in-code-title = Enter your code
sign-in-code-intro = Open the authenticator app on your phone and type the 6-digit code it shows for Handoff.
sign-in-code-label = Code
sign-in-code-hint = Lost your phone? Type one of your recovery codes instead (like 7KQ2M-XH4RP). Each code works once.
sign-in-code-continue = Continue
sign-in-code-start-again = Start again
sign-in-code-expired = This form has expired. Reload the page and submit it again.

## Setting up an authenticator (/sign-in/enrol).

sign-in-enrol-title = Set up your authenticator
sign-in-enrol-intro = Handoff asks for a code from an authenticator app on your phone each time you sign in, as well as your password. This is done once.
sign-in-enrol-scan = Open an authenticator app (any app for time-based codes) and add an account by scanning this code:
sign-in-enrol-qr-label = QR code for your authenticator app
sign-in-enrol-type-key = If you cannot scan it, add the account by typing this key (time-based, 6 digits):
sign-in-enrol-on-phone = On this phone:
sign-in-enrol-open-app = open it in the authenticator app
sign-in-enrol-type-code = Type the 6-digit code the app now shows.
sign-in-enrol-code = Code
sign-in-enrol-confirm = Confirm
sign-in-enrol-start-again = Start again

## Recovery codes, shown once after setting up an authenticator.

recovery-codes-title = Your recovery codes
recovery-codes-intro = Your authenticator is set up. If you lose your phone, sign in with one of these codes instead of the app's code.
recovery-codes-once = Each works once.
recovery-codes-keep = Write them down or print this page, and keep them away from your phone. They are shown only now.
recovery-codes-continue = I have saved them: continue

## The error page.

error-title = Error
error-not-found = Not found
error-check = Please check
error-conflict = Already changed
error-other = Something went wrong
error-back = Back to the start

## The closed vocabularies, as pages name their values (label-<kind>-<code>; the English
## is the label in the domain code, and a test holds the two equal).

label-attestation-no-violent-history = No disqualifying violent history (records check)
label-attestation-no-open-warrant = No open warrant
label-attestation-no-pending-specialty-court = No pending drug or mental health court case
label-attestation-no-no-contact-order = No no-contact order with a current participant
label-attestation-no-exploitation-of-minors = No involvement in exploiting minors
label-attestation-no-promoting-prostitution = Not promoting prostitution
label-attestation-not-dealing-above-subsistence = Not dealing beyond subsistence
label-role-officer = Officer / first responder
label-role-supervisor = Supervisor
label-role-case-manager = Case manager
label-role-peer = Peer recovery specialist
label-role-prosecutor = Prosecutor
label-role-coordinator = Coordinator
label-role-administrator = Administrator
label-org-kind-law-enforcement = Law enforcement agency
label-org-kind-fire-ems = Fire / EMS agency
label-org-kind-crisis-response = Behavioral health crisis response team
label-org-kind-provider = Treatment / case management provider
label-org-kind-prosecutor = Prosecutor's office
label-org-kind-coordination = Program coordination
label-org-kind-partner = Partner organization (directory)
label-pathway-self-referral = Self-Referral
label-pathway-active-outreach = Active Outreach
label-pathway-naloxone-plus = Naloxone Plus
label-pathway-officer-referral = First Responder and Officer Referral
label-pathway-officer-intervention = Officer Intervention
label-pathway-community-response = Community Response
label-sex-f = Female
label-sex-m = Male
label-sex-u = Unknown
label-race-w = White
label-race-b = Black or African American
label-race-i = American Indian or Alaska Native
label-race-a = Asian
label-race-p = Native Hawaiian or Other Pacific Islander
label-race-u = Unknown
label-ethnicity-h = Hispanic or Latino
label-ethnicity-n = Not Hispanic or Latino
label-ethnicity-u = Unknown
label-handoff-mode-warm = Warm handoff
label-handoff-mode-contact-card = Contact card
label-exit-kind-completed = Completed
label-exit-kind-disengaged = Disengaged
label-exit-kind-withdrawn = Withdrawn
label-exit-kind-new-arrest = New arrest
label-exit-kind-moved = Moved away
label-exit-kind-deceased = Deceased
label-hold-kind-abeyance = Charges held in abeyance
label-hold-kind-citation = Citation issued
label-attempt-outcome-reached = Reached the person
label-attempt-outcome-not-found = Could not find the person
label-attempt-outcome-left-information = Left information (card, door hanger, message)
label-attempt-outcome-refused = The person refused contact
label-contact-kind-incident = During a call or incident (no charges)
label-contact-kind-social-contact = Social contact (no call or incident)
label-outreach-source-recent-overdose = Recent overdose
label-outreach-source-frequent-contact = Frequent calls or contacts
label-outreach-source-community-request = Request from family or community
label-outreach-source-provider-request = Request from a provider
label-outreach-source-other = Other
label-audience-responders = Responders only (officers and their supervisors)
label-audience-contacts = Everyone who contacts the person
label-obey-none = Shown only
label-obey-no-home = No messages to a shared or home phone or address
label-obey-no-messages = No messages at all
label-hold-state-held = Held, awaiting intake
label-hold-state-intake-met = Intake completed by deadline
label-hold-state-deadline-missed = Deadline missed
label-hold-state-referred-back = Referred back (withdrew or new arrest)
label-hold-state-filed = Charges filed
label-hold-state-declined-to-file = Declined to file
label-prosecutor-decision-decline-to-file = Decline to file
label-prosecutor-decision-file = File charges
label-prosecutor-decision-extend = Extend the deadline
label-problem-substance-use = Substance use
label-problem-mental-health = Mental health
label-problem-co-occurring = Substance use and mental health
label-problem-housing-instability = Housing instability
label-domain-housing = Housing instability
label-domain-food = Food insecurity
label-domain-transportation = Transportation
label-domain-utilities = Utilities
label-domain-safety = Interpersonal safety
label-referral-status-draft = Draft
label-referral-status-requested = Requested
label-referral-status-accepted = Accepted
label-referral-status-rejected = Rejected
label-referral-status-in-progress = In progress
label-referral-status-on-hold = On hold
label-referral-status-failed = Failed
label-referral-status-completed = Completed
label-referral-status-cancelled = Cancelled
label-referral-status-entered-in-error = Entered in error
label-business-status-awaiting-response = Awaiting the provider
label-business-status-accepted = Accepted
label-business-status-arrived = Case manager arrived
label-business-status-contact-attempted = Contact attempted
label-business-status-contacted = Contacted
label-business-status-intake-scheduled = Intake scheduled
label-business-status-no-show = Did not attend intake
label-business-status-intake-completed = Intake completed
label-business-status-in-treatment = In treatment
label-business-status-on-hold = On hold
label-business-status-exited = Exited
label-business-status-closed = Closed
label-outcome-reason-no-capacity = No capacity
label-outcome-reason-not-eligible = Not eligible for the service
label-outcome-reason-could-not-contact = Could not contact the person
label-outcome-reason-declined = The person declined
label-outcome-reason-no-show = Did not attend
label-outcome-reason-moved = Moved out of the area
label-outcome-reason-other = Other (see the note)
label-action-kind-accept = Accept
label-action-kind-reject = Reject
label-action-kind-arrival = Record warm-handoff arrival
label-action-kind-contact-attempt = Record a contact attempt
label-action-kind-intake-scheduled = Schedule intake
label-action-kind-no-show = Did not attend
label-action-kind-intake = Record intake / assessment
label-action-kind-first-treatment = Record first treatment contact
label-action-kind-on-hold = Put on hold
label-action-kind-resume = Resume
label-action-kind-fail = Mark failed
label-action-kind-exit = Record exit
label-action-kind-cancel = Cancel
label-action-kind-entered-in-error = Entered in error
label-criterion-open-now = Open now
label-criterion-capacity = Room now (fresh capacity first)
label-criterion-walk-in = Walk-in
label-criterion-distance = Nearest
label-criterion-language = Speaks the person's language

## A held charge's deadline, where its state does not say it.

deadline-not-shared = status not shared
deadline-open = open, { $days ->
    [one] { $days } day left
   *[other] { $days } days left
}
deadline-due-today = due today
deadline-due-soon = due soon, { $days ->
    [one] { $days } day left
   *[other] { $days } days left
}
deadline-overdue = deadline passed, being marked

## The slip's note to staff when the provider's own texts are not in the person's language.

slip-org-texts-untranslated = The provider's hours or what to bring are printed in English: give them in this language under Directory, What the slip says.


## Input checks shared by the forms and the API (domain input/mod.rs): a text field, named
## by its label below.

err-input-enter = Enter the { $label }.
err-input-too-long = The { $label } must be at most { $max } characters.
err-input-bad-characters = The { $label } contains characters that are not allowed.
err-input-label-location = location
err-input-label-incident-number = CAD/incident number
err-input-label-first-name = first name
err-input-label-last-name = last name
err-input-label-phone = phone number
err-input-label-email = email
err-input-label-surrendered-items = items handed in
err-input-label-prior-involvement-ref = report number of the prior involvement
err-input-label-call-type = call type
err-input-label-team = team
err-input-label-decline-reason = reason the person declined
err-input-label-consent-signed-name = person's signed name
err-input-label-citation-number = citation number
err-input-label-note = note
err-input-label-reason = reason

## An encounter as typed (domain input/encounter.rs).

err-input-encounter-pathway-unknown = Unknown pathway { $pathway }.
err-input-encounter-occurred-at-required = Enter the date and time of the encounter.
err-input-encounter-occurred-at-format = Use a date and time like 2026-05-01T14:30.
err-input-encounter-occurred-at-future = The encounter cannot be in the future.
err-input-encounter-occurred-at-too-old = Encounters older than { $days } days cannot be entered here; ask the coordinator.
err-input-encounter-offenses-not-on-pathway = Offenses are recorded only on the Officer Intervention pathway; the { $pathway } pathway has no charge.
err-input-encounter-offense-required = Choose at least one offense.
err-input-encounter-offenses-too-many = At most { $max } offenses.
err-input-encounter-offense-choose = Choose the offense.
err-input-encounter-offense-unknown = { $code } is not a NIBRS offense code.
err-input-encounter-offense-retired = { $code } ({ $name }) is retired and cannot be chosen for new records.
err-input-encounter-drug-activity-drug-only = The drug activity applies only to drug offenses (35A, 35B).
err-input-encounter-drug-activity-invalid = { $code } is not a valid drug activity code.
err-input-encounter-drug-type-drug-only = The drug type applies only to drug offenses (35A, 35B).
err-input-encounter-drug-type-invalid = { $code } is not a valid drug type code.
err-input-encounter-unit-drug-only = The unit applies only to drug offenses (35A, 35B).
err-input-encounter-unit-invalid = { $code } is not a valid unit code.
err-input-encounter-drug-activity-required = Choose the drug activity.
err-input-encounter-drug-type-required = Choose the suspected drug type (U if unknown).
err-input-encounter-quantity-drug-only = A quantity applies only to drug offenses (35A, 35B).
err-input-encounter-quantity-not-positive = The quantity must be more than 0.
err-input-encounter-quantity-format = Enter the quantity as a number, like 1.5.
err-input-encounter-unit-required = Choose the unit of the quantity.
err-input-encounter-quantity-for-unit = Enter the quantity for this unit, or leave both empty if unknown.
err-input-encounter-offense-twice = { $code } is listed twice.
err-input-encounter-attestations-too-many = There are { $n } attestations: send each at most once.
err-input-encounter-attestation-twice = { $code } is listed twice.
err-input-encounter-attestation-unknown = Unknown attestation { $attestation }.
err-input-encounter-participant-invalid = The chosen participant is not valid; search again.
err-input-encounter-dob-required = Enter the date of birth.
err-input-encounter-dob-format = Use a date like 1990-04-21.
err-input-encounter-dob-future = The date of birth cannot be in the future.
err-input-encounter-dob-too-early = The date of birth is too far in the past.
err-input-encounter-sex-required = Choose the sex (Unknown if not known).
err-input-encounter-race-required = Choose the race (Unknown if not known).
err-input-encounter-ethnicity-required = Choose the ethnicity (Unknown if not known).
err-input-encounter-phone-characters = Use digits, spaces and + - ( ) only.
err-input-encounter-email-format = Enter an email address like name@example.org, or leave it empty.

## What a pathway adds to an encounter (domain input/facts.rs).

err-input-facts-not-on-pathway = This does not apply to the { $pathway } pathway.
err-input-facts-naloxone-doses-required = Enter the naloxone doses given (0 if none).
err-input-facts-naloxone-doses-range = Enter the doses as a whole number from 0 to 20.
err-input-facts-transported-required = Choose whether the person was transported to a hospital.
err-input-facts-contact-kind-required = Choose how you met the person.
err-input-facts-prior-involvement-future = The prior involvement cannot be in the future.
err-input-facts-prior-involvement-required = A social contact needs the date of the verified prior involvement.
err-input-facts-prior-involvement-format = Use a date like 2026-03-14.
err-input-facts-outreach-source-required = Choose why the person is on the outreach list.
err-input-facts-police-present-required = Choose whether police were on the call.

## The offer as typed (domain input/offer.rs).

err-input-offer-consent-not-confirmed = The person must confirm the release of information.
err-input-offer-handoff-mode-required = Choose a warm handoff or a contact card.
err-input-offer-provider-required = Choose the provider.
err-input-offer-no-charge-to-hold = This pathway has no charge to hold.
err-input-offer-hold-kind-required = Choose how the charge is held.
err-input-offer-court-date-past = The court date must be after today.
err-input-offer-court-date-required = Enter the court date, like 2026-06-15.
err-input-offer-response-required = Choose whether the person accepted or declined.

## A contact attempt as typed (domain input/attempt.rs).

err-input-attempt-at-required = Enter when the attempt was made, like 2026-05-01T14:30.
err-input-attempt-at-future = The attempt cannot be in the future.
err-input-attempt-at-before-encounter = The attempt cannot be before the encounter.
err-input-attempt-outcome-required = Choose what came of the attempt.

## The prosecutor's decision as typed (domain input/hold.rs).

err-input-hold-decision-required = Choose a decision.
err-input-hold-new-deadline-format = Use a date like 2026-06-15.
err-input-hold-new-deadline-required = Enter the new deadline.

## The needs screen (domain needs.rs): named by field (the problems, a question's id).

err-needs-problem-unknown = "{ $problem }" is not one of the program's presenting problems
err-needs-question-unknown = is not a question of the screen
err-needs-one-answer = takes one answer
err-needs-answer-unknown = "{ $answer }" is not one of its answers

## A referral's step refused by its state machine (domain referral.rs, TransitionError);
## the app writes these with a capital and a full stop.

err-transition-wrong-side-requester = { $action } is not done by the referring agency
err-transition-wrong-side-performer = { $action } is not done by the provider
err-transition-not-from = cannot { $action } a referral that is { $from }
err-transition-reason-required = a reason is required to { $action }
err-transition-intake-first = record the intake before the first treatment contact
err-transition-exit-kind-required = an exit needs its kind

## The prosecutor's decision refused (domain hold.rs, DecisionError); the app writes these
## with a capital.

err-decision-final = this hold already has a final decision ({ $state })
err-decision-file-while-held = charges cannot be filed while the person still has time to complete intake; extend, decline or wait for the deadline
err-decision-extend-not-later = the new deadline must be after today and after the current deadline
err-decision-extend-needs-date = a new deadline date is required to extend
err-decision-extend-not-open = only a deadline still open or missed can be extended (this hold is: { $state })

## Answers to a screening instrument that cannot be scored (domain screening.rs).

err-scoring-wrong-count = { $instrument } has { $expected } items; { $got } answers were given
err-scoring-bad-choice = item { $item }: choose one of the listed answers
err-scoring-wrong-profile = { $profile } is not a profile of { $instrument }

## A pathway a responder's organization may not start (domain pathways.rs).

err-pathways-not-enabled = The { $pathway } pathway is not enabled in this program.
err-pathways-not-started-by-law-enforcement = A law enforcement agency does not start the { $pathway } pathway.
err-pathways-not-started-by-fire-ems = A fire / ems agency does not start the { $pathway } pathway.
err-pathways-not-started-by-crisis-response = A behavioral health crisis response team does not start the { $pathway } pathway.
err-pathways-not-started-by-provider = A treatment / case management provider does not start the { $pathway } pathway.
err-pathways-not-started-by-prosecutor = A prosecutor's office does not start the { $pathway } pathway.
err-pathways-not-started-by-coordination = A program coordination does not start the { $pathway } pathway.
err-pathways-not-started-by-partner = A partner organization (directory) does not start the { $pathway } pathway.

## The directory's ranking rule (domain directory/choose.rs); the app writes these with a
## capital and a full stop.

err-choose-criterion-unknown = "{ $code }" is not a ranking criterion
err-choose-criterion-twice = "{ $code }" is named twice

## The eligibility rules file and form (domain rules_file.rs): each error names its line
## and field; a code is quoted as given.

err-rules-file-at-line = line { $line }, field { $field }: { $message }
err-rules-file-at-field = field { $field }: { $message }
err-rules-file-too-large = the file is larger than { $kib } KiB; a rules file is a few kilobytes
err-rules-file-too-deep = arrays or tables are nested more than { $depth } deep; a rules file needs three
err-rules-file-offenses-empty = name at least one offense code
err-rules-file-offense-not-active = { $code } is not a NIBRS offense code that can be chosen
err-rules-file-offense-unknown = { $code } is not a NIBRS offense code
err-rules-file-max-age-under-min = must not be under min_age_years
err-rules-file-window-months = must be from 1 to 120 months
err-rules-file-drug-activity-not-active = { $code } is not a NIBRS drug activity code that can be chosen
err-rules-file-not-a-quantity = must be a number of 0 or more
err-rules-file-drug-type-unknown = { $code } is not a NIBRS drug type code
err-rules-file-thresholds = thresholds must be numbers of 0 or more
err-rules-file-min-age-too-high = must be at most 120
err-rules-file-officer-intervention-table = Officer Intervention's rules are the top of the file
err-rules-file-pathway-unknown = { $code } is not a pathway
err-rules-file-social-contact-only = applies only to officer_referral
err-rules-file-follow-up-days = must be from 1 to 60 days
err-rules-file-not-a-limit = must be a number of 0 or more, or empty for no limit
err-rules-file-whole-number-required = enter a whole number
err-rules-file-not-a-whole-number = must be a whole number of 0 or more
err-rules-file-attestation-unknown = { $code } is not an attestation

## Why a service ranks where it does, and why it does not fit the person (domain
## directory/choose.rs), on the services page.

choose-open-now = Open now
choose-open-until = Open now until { $time }
choose-hours-unknown = Hours unknown: call first
choose-closed-holiday = Closed today (holiday)
choose-closed-now = Closed now
choose-capacity-unpublished = Capacity not published
# $free: how many of the unit (choose-units); $ago: when (choose-ago-...).
choose-capacity-stale = Capacity stale: { $free } free as of { $ago }
choose-capacity-free = { $free } free (updated { $ago })
choose-capacity-free-of = { $free } free of { $maximum } (updated { $ago })
choose-capacity-full = Full: no { $unit } free (updated { $ago })
# $count chooses the words; $shown is the number as written; $unit is the directory's.
choose-units = { $count ->
    [one] 1 { $unit }
   *[other] { $shown } { $unit }s
}
choose-ago-just-now = just now
choose-ago-minutes = { $n } min ago
choose-ago-hours = { $n } h ago
choose-ago-days = { $n } days ago
choose-walk-in = Walk-in
choose-not-walk-in = Not walk-in: call or book
choose-distance = { $km } km away
choose-distance-unknown = Distance unknown
choose-no-position = No position given
choose-speaks = Speaks { $language }
choose-not-listed = No { $language } listed
choose-ages-from = Ages { $age } and over
choose-ages-up-to = Ages up to { $age }
choose-women-only = Women only
choose-men-only = Men only


## referrals (crates/app/src/referrals.rs).

err-referral-link-used = This step was recorded with this link already.
err-referral-action-choose = Choose what to record.
err-referral-occurred-future = This cannot be in the future.
err-referral-occurred-before = This cannot be before the referral was made.
err-referral-occurred-format = Use a date and time like 2026-05-01T14:30.
err-referral-reason-code-choose = Choose the reason from the list.
err-referral-exit-kind-choose = Choose how the person left the program.
err-referral-contact-outcome-choose = Choose the result of the contact attempt.
err-referral-reason-too-long = The reason must be at most 1000 characters.
err-referral-note-too-long = The note must be at most 4000 characters.
err-referral-stale = This referral was changed by someone else since you opened it. Reload to see the change.
err-referral-reason-required = Choose the reason for this step (or say it in the note).
# A step the referring agency takes, tried by the provider; $action is the step's name.
err-referral-wrong-side = { $action } is not done by the provider.
# $action is the step's code (accept, contact_attempt ...), $status the referral's status.
err-referral-not-from = Cannot { $action } a referral that is { $status }.
err-referral-intake-first = Record the intake before the first treatment contact.
err-referral-arrival-once = An arrival is recorded once, for a warm handoff.
err-referral-intake-recorded = The intake is already recorded.
err-referral-treatment-before-intake = The first treatment contact comes after the intake.
err-referral-treatment-recorded = The first treatment contact is already recorded.
err-referral-page-acknowledged = The page is acknowledged already.

## consents (crates/app/src/consents.rs).

err-consent-referral-not-ahead = This referral did not go ahead: a consent is recorded by the provider serving the person.
err-consent-recipient-twice = { $name } is named twice.
err-consent-recipient-own = Your own organization discloses; choose who receives.
err-consent-recipient-unknown = Choose organizations of this program.
err-consent-class-unknown = Choose a listed class.
err-consent-recipients-none = Name at least one recipient, or a class of recipients.
# $information is a kind of information the consent lets be disclosed.
err-consent-information-twice = { $information } is listed twice.
err-consent-information-unknown = Choose listed kinds of information.
err-consent-information-none = Choose what information may be disclosed.
err-consent-purpose-empty = State the purpose of the disclosure.
err-consent-at-most = Use at most { $n } characters.
err-consent-expires-past = Choose a day after today.
err-consent-expires-format = Enter a date as YYYY-MM-DD.
err-consent-expiry-none = A consent must say when it expires: a date, final disposition, or both.
err-consent-signed-name-empty = Type the person's name as they signed.
err-consent-attested = Confirm that the person read (or was read) the consent and signed it.
err-consent-revoked-already = This consent's revocation is recorded already.
# In a consent's list of recipients or disclosers, for an organization since removed.
err-consent-org-gone = an organization no longer in the program

## admin (crates/app/src/admin.rs).

# Labels in "Enter the { $label }." and "The { $label } must be at most { $max } characters."
err-admin-program-name-required = Enter the program name.
err-admin-program-name-too-long = The program name must be at most { $max } characters.
err-admin-org-name-required = Enter the organization name.
err-admin-org-name-too-long = The organization name must be at most { $max } characters.
err-admin-full-name-required = Enter the full name.
err-admin-full-name-too-long = The full name must be at most { $max } characters.
# $zone is what was typed, in quotation marks.
err-admin-time-zone = { $zone } is not a time zone name like America/Chicago.
err-admin-intake-deadline-range = The intake deadline is 1 to 365 days.
err-admin-program-exists = A program with this name exists.
err-admin-org-exists = An organization with this name exists in the program.
err-admin-username-format = Use 2 to 64 letters, digits, dots, dashes, underscores or @.
err-admin-membership-none = Choose an organization and role.
err-admin-username-taken = This user name is taken.
err-admin-org-unknown = Choose an existing organization.
err-admin-org-other-program = Choose an organization of your program.
# $role and $kind are a role's and a kind of organization's names, in lower case.
err-admin-role-misfit = A { $role } cannot belong to a { $kind }.
err-admin-role-held = The user already has this role there.
err-admin-shift-position = Choose first on call or a backup from the list.
err-admin-shift-order = The shift must end after it starts.
err-admin-shift-too-long = A shift can last at most 31 days.
err-admin-shift-provider-unknown = Choose a provider.
err-admin-shift-provider-other = Choose a provider of your program.
err-admin-shift-staff = Choose a case manager of this provider.

## calendar (crates/app/src/calendar.rs).

err-calendar-time-format = Enter a time as HH:MM (24-hour).
err-calendar-days-unknown = Choose days of the week.
err-calendar-days-none = Choose at least one business day.
err-calendar-closes-order = Closing comes after opening.
err-calendar-contact-hours = Enter a number of business hours from 1 to 720.
err-calendar-day-format = Enter a date as YYYY-MM-DD.
err-calendar-holiday-name-empty = Name the holiday.
err-calendar-holiday-name-long = Use at most 100 characters.
err-calendar-holiday-exists = There is a holiday on that day already.
err-calendar-holiday-missing = There is no holiday on that day.

## flags (crates/app/src/flags.rs).

err-flag-reason-empty = Say why: it is kept with the flag.
err-flag-reason-long = At most 500 characters.
err-flag-kind-choose = Choose a kind of flag from the list.
err-flag-set-already = That flag is set already.
err-flag-action = Set or clear a flag.
err-flag-label-empty = Name the kind of flag (letters or digits).
err-flag-label-long = At most 80 characters.
err-flag-audience = Choose who sees it.
err-flag-obey = Choose what messages do.
err-flag-kind-exists = The list has that kind already.
err-flag-retire-choose = Choose a kind to retire.

## reminders (crates/app/src/reminders.rs).

err-reminder-at-empty = Give the date and time of the intake.
err-reminder-at-past = The intake is in the future.
err-reminder-at-far = That is more than a year away.
err-reminder-place-empty = Say where, as the person would find it (an address, not what the place treats).
err-reminder-place-long = At most 200 characters.
err-reminder-channel = Choose text message or email.
err-reminder-address-sms = Type the mobile number with + and the country code (like +1 555 010 0199).
err-reminder-address-email = That is not an email address (like name@example.org).
err-reminder-consent = Only with the person's agreement: read them the sentence and tick it.
err-reminder-action = Choose or stop.


## Offers (crates/app/src/offers.rs).
err-offer-provider-choose = Choose one of the program's providers.
err-offer-override-pending = The override is waiting for a supervisor; the offer can be recorded once it is approved.
err-offer-not-eligible = The person is not eligible. Request an override with a reason if you believe they should be offered diversion.
err-offer-already-recorded = The offer was already recorded for this encounter.
err-offer-no-prosecutor = The program has no prosecutor's office; ask the administrator to add one.
err-offer-provider-required = Choose the provider.
err-offer-handoff-mode = Choose a warm handoff or a contact card.
err-offer-acceptance-first = Record the person's acceptance first.
err-offer-referral-open = A referral is still open; another can be made after the provider declines it.
# $pathway: the case's pathway, as the pathway labels name it.
err-offer-attempts-pathway = Contact attempts are recorded on Active Outreach and Naloxone Plus cases, not on { $pathway }.

## Directory: live capacity (crates/app/src/directory/capacity.rs).
# These follow the field's name ("available", "maximum", "minutes", "change").
err-directory-capacity-negative = cannot be negative
err-directory-capacity-above-maximum = is above the maximum of { $maximum }
err-directory-capacity-none-left = is 0 already: nothing is left to take
err-directory-capacity-at-maximum = is at the maximum of { $maximum } already
err-directory-capacity-freshness-range = must be from 5 minutes to 30 days
err-directory-capacity-count-range = must be from 0 to 1,000,000
err-directory-capacity-count-required = required to set the count
err-directory-capacity-count-only-set = only with change "set"
err-directory-capacity-change = must be set, plus, minus or confirm

## Directory: importing an HSDS file (crates/app/src/directory/import.rs).
err-directory-import-too-large = larger than { $mib } MiB
# $error: what the CSV reader found (its own words).
err-directory-import-not-csv = not CSV: { $error }
# Where a finding is: the file's name and the row's number.
err-directory-import-csv-row = { $file } row { $row }

## Directory: referring to services (crates/app/src/directory/refer.rs).
err-directory-refer-handoff-mode = Choose a warm handoff or a contact card.
# $status: the service's status as the directory stores it (inactive, defunct).
err-directory-refer-service-inactive = { $service } is { $status } and takes no referrals.
err-directory-refer-service-unknown = Choose services from the list.
err-directory-refer-service-none = Choose at least one service.
err-directory-refer-service-too-many = Choose at most 10 services at once.
err-directory-refer-acceptance-first = Record the person's acceptance first.
err-directory-refer-still-open = A referral to { $service } is still open.
err-directory-refer-no-partner = { $service } belongs to no partner organization of the program.

## Directory settings (crates/app/src/directory/settings.rs).
err-directory-settings-rule-empty = Choose at least one criterion to rank by.
err-directory-settings-not-a-type = "{ $code }" is not a service type.
err-directory-settings-hold-types = Choose the service types whose intake meets a held charge (treatment, usually).
err-directory-settings-fallback = Say what the officer should do when nothing fits, in up to 300 characters (a 24-hour crisis line).

## Dashboard (crates/app/src/dashboard.rs).
err-dashboard-choose-listed = Choose one from the list.
# $pathway and $kind: the value as given, in quotation marks.
err-dashboard-pathway-unknown = Unknown pathway { $pathway }.
err-dashboard-entry-unknown = Unknown kind of responding agency { $kind }.
err-dashboard-date-range = Use a date between 1900 and 2200.
err-dashboard-period-order = The start of the period must be on or before its end.
err-dashboard-period-too-long = The period can be at most ten years.

## Overrides (crates/app/src/overrides.rs).
# Named in "Enter the …." and "The … must be at most … characters."
err-override-reason-required = Enter the reason for the override.
err-override-reason-too-long = The reason for the override must be at most { $max } characters.
err-override-eligible = The person is eligible; there is nothing to override.
err-override-already-requested = An override was already requested for this decision.
err-override-decision = Choose approve or refuse.
err-override-refusal-reason = Say why the override is refused.
err-override-none = No override was requested.
err-override-own = A supervisor cannot approve their own override.
err-override-already-reviewed = This override was already reviewed.

## Encounters (crates/app/src/encounters.rs).
err-encounter-search-too-short = Type at least two letters of the last name.
err-encounter-search-too-long = Use at most { $max } characters.
err-encounter-idempotency-key-length = The idempotency key must be 1 to 200 characters.
err-encounter-participant-not-found = The chosen participant was not found; search again.
err-encounter-person-exists = { $first } { $last } (born { $dob }) is already recorded. Choose them from the search so the same person is not entered twice.
err-encounter-idempotency-key-reused = This idempotency key was already used for a different request.
err-encounter-no-pathway = No pathway your organization starts is enabled in this program; ask the coordinator.
# An encounter's status in the responder's list (a final hold state is named by its label).
encounters-status-referred = Accepted; referred
encounters-status-declined = Declined
encounters-status-follow-up-due = Follow-up due { $date }
encounters-status-not-eligible = Not eligible
encounters-status-record-referral = Record the referral
encounters-status-charge-held = Accepted; charge held
encounters-status-record-offer = Eligible: record the offer
encounters-status-override-pending = Override awaiting a supervisor

## Emergency access (crates/app/src/emergency.rs).
err-emergency-reason-short = State the emergency in a sentence (at least 10 characters): it is reviewed.
err-emergency-too-long = Use at most { $max } characters.
err-emergency-reference-empty = Enter the reference from the person's slip (like HO-7KQ2-MXH4).
err-emergency-reference-unknown = No case with this reference in your program.
err-emergency-review-note = Say what you found: justified, or what follows.
err-emergency-reviewed = This grant is reviewed already.

## Research exports (crates/app/src/research/mod.rs).
err-research-recipient = Name the recipient (the evaluator or study), 1 to 100 characters: each recipient gets its own pseudonyms.
err-research-recipient-characters = The recipient contains characters that are not allowed.
err-research-table = Choose encounters or referrals.
err-research-format = Choose CSV or Parquet.
err-research-dates = Choose month or shifted dates.
err-research-date = Use a date like 2026-05-01, or leave it empty.
err-research-period-order = The start must be on or before the end.

## Where a staff member is paged (crates/app/src/contacts.rs).
err-contacts-email-empty = Type the email address you want pages sent to.
err-contacts-email-invalid = That is not an email address (like name@agency.org).
err-contacts-mobile-invalid = Type the mobile number with + and the country code (like +1 555 010 0199).
err-contacts-channel = Choose email or text message.
err-contacts-duplicate = You are paged there already.
err-contacts-too-many = At most { $max } addresses: remove one first.

## Eligibility rules and pathways (crates/app/src/rules.rs).
err-rules-effective-date = Use a date like 2026-12-01, or leave it empty for now.
err-rules-effective-past = Rules cannot take effect in the past: past decisions keep their version.
err-rules-page-out-of-date = This page is out of date: reload it and edit again.
err-rules-stale = Version { $version } was saved by someone else since you opened this page, so nothing was saved. Your edits are kept here: compare them with the version in force now, then save again.
# $pathway: the code as given, in quotation marks.
err-rules-pathway-unknown = Unknown pathway { $pathway }.
err-rules-pathways-none = Enable at least one pathway; turning all off would stop every new encounter.


## escalation (crates/app/src/escalation.rs).

err-escalation-provider = Choose a provider.
err-escalation-provider-of-program = Choose a provider of your program.
err-escalation-position = Give a place from 1 to 20.
err-escalation-user = Choose someone of this provider.
err-escalation-contact-name = Give the contact's name (at most 200 characters).
err-escalation-action = Add or remove someone.

## screenings (crates/app/src/screenings.rs).

err-screenings-instrument = Choose one of the listed instruments.
err-screenings-profile = Choose one of this instrument's cut-offs.
err-screenings-answer = Choose one of the answers.
err-screenings-too-many-answers = The form has more answers than the instrument has items.
err-screenings-no-answers = Answer the items before saving.

## trail (crates/app/src/trail.rs).

err-trail-date = Enter a date as YYYY-MM-DD.
err-trail-to-before-from = The last day comes before the first.
err-trail-outcome = Choose allowed, denied or failed.
err-trail-too-long = Use at most 200 characters.
err-trail-retention = Audit records are kept at least { $days } days.

## auth (crates/app/src/auth/).

err-auth-password-short = Use at least { $min } characters.
err-auth-password-long = Use at most 1024 characters.
err-auth-password-common = This password is one of the most common ones; choose another.
# Every refused sign-in says this, whatever the reason (no hint that a user exists).
err-auth-sign-in-refused = The user name or password is not right.
# $failures and $minutes are the program's lockout settings.
err-auth-sign-in-refused-lockout = { err-auth-sign-in-refused } After { $failures } failed attempts within { $minutes } minutes an account is locked until an administrator unlocks it.
err-auth-sign-in-throttled = Too many failed sign-ins from this address.
err-auth-sign-in-throttled-wait = { err-auth-sign-in-throttled } Wait { $minutes } minutes, then try again.
err-auth-sign-in-expired = This sign-in has expired. Sign in again with your user name and password.
err-auth-code-refused = That code is not right, or it was already used.
err-auth-code-locked-device = Too many wrong codes on this device: wait { $minutes } minutes, then sign in again.
err-auth-code-locked = Too many wrong codes: the account is locked until an administrator unlocks it.
err-auth-totp-secret = A TOTP secret is base32 of at least 10 bytes.
err-auth-token-days = A token lasts from 1 to 366 days.
# $username is the name as typed, in quotation marks.
err-auth-token-no-user = There is no user { $username }.

## reports (crates/app/src/reports.rs).

err-reports-quarter = Use a quarter like 2026Q3 (year, Q, 1 to 4).
err-reports-period = The start of the period must be on or before its end.
err-reports-threshold = Enter a whole number from 5 to 100 (11 is the usual threshold).
# The equity report's tables, by what they break the figures down by.
reports-dimension-race = Race
reports-dimension-ethnicity = Ethnicity
reports-dimension-sex = Sex
reports-dimension-age-group = Age group

## webhooks (crates/app/src/webhooks.rs).

err-webhooks-partner = Choose the partner whose system is told.
err-webhooks-https = Use an https:// address (http:// only on this machine or a private network).
err-webhooks-too-long = That address is too long.
err-webhooks-url-not-http = "{ $url }" is not an http:// or https:// address.
err-webhooks-url-credentials = put credentials in the settings, not in the address.
err-webhooks-url-port = "{ $port }" is not a port number.
err-webhooks-url-unusable = "{ $url }" is not a usable address.

## languages (crates/app/src/languages.rs).

err-languages-choose = Choose a language from the list.
err-languages-interpreter = Say yes or no.

## releases (crates/app/src/releases.rs).

# $partners: the services' names, joined by commas; $count: how many.
err-releases-needed = { $partners } { $count ->
    [one] is
   *[other] are
} not a treatment service: the person's release is needed to refer them there. Have them sign it, or leave { $count ->
    [one] it
   *[other] them
} unchecked.
err-releases-signed-name = The person's name as signed: at most 200 characters, on one line.
err-releases-confirmed = The person must read (or be read) the release and agree to it.

## org texts (crates/app/src/org_texts.rs).

err-org-texts-too-long = At most { $max } characters.
err-org-texts-language = "{ $language }" is not a language in force here besides English; load its file on the Languages page first.

## util (crates/app/src/util.rs).

# $label: what the field holds, as a caller names it ("organization name").

## case view (crates/app/src/case_view.rs).

err-case-view-no-referral = There is no referral for this encounter yet.
# $due: the day the follow-up visit is due.
case-view-follow-up-on-time = Follow-up made on time (due { $due })
case-view-follow-up-late = Follow-up made late (was due { $due })
case-view-follow-up-due = Follow-up visit due by { $due }
case-view-follow-up-overdue = Follow-up overdue since { $due }
case-view-hold-not-shared = Charge held; progress not shared (no valid release of information)
# A drug offense's quantity and its unit ("3.5 grams").
case-view-quantity = { $quantity } { $unit }
case-view-quantity-unknown = quantity unknown
case-view-identity-erased = Identity erased after the retention period

## paging (crates/app/src/paging.rs).

err-paging-contact-card = Only a warm handoff still waiting for the provider can become a contact card.

## links (crates/app/src/links.rs).

err-links-step-now = That step cannot be recorded now: open the link again to see what can.
# The buttons of a one-tap link's page, one per step.
links-step-acknowledge = I have it: acknowledge
links-step-accept = Accept the referral
links-step-reject = Decline
links-step-arrival = I am with the person (arrived)
links-step-intake = Intake done
links-step-first-treatment = First treatment contact

## limits (crates/app/src/limits.rs).

err-limits-per-minute = Use 1 to { $max } requests a minute.

## holds (crates/app/src/holds.rs).

err-holds-stale = This held charge was changed since you read it. Read it again, then decide.

## web errors (crates/web/src/error.rs).

err-web-not-found = Not found. It may not exist, or you may not have access to it.
err-web-sign-in-first = Sign in first.
# $errors: each field at fault and its message.
err-web-please-correct = Please correct: { $errors }
err-web-limited = Too many requests this minute: retry in { $seconds } seconds.
err-web-internal = Something went wrong on our side. Nothing was saved; please try again.

## web sign-in and forms (crates/web/src/auth.rs, kit/forms.rs, middleware.rs).

err-web-api-token = Send a valid API token: Authorization: Bearer <token>.
err-web-form-expired = This form has expired. Reload the page and submit it again.
err-web-form-unreadable = The form could not be read. Reload the page and try again.
# $fields: the names of the fields the form does not have.
err-web-form-unknown-fields = Unknown field(s): { $fields }.
err-web-cross-site = Cross-site request refused.
# A date typed on a page or given to the API.
err-web-date = Use a date like 2026-05-01.

## api (crates/web/src/api/).

err-api-media-type = Send the body as JSON, with Content-Type: application/json.
err-api-too-large = The body is larger than 1 MiB.
# $error: the JSON reader's own words.
err-api-not-json = The body is not JSON: { $error }.
err-api-not-fitting = The body does not fit the document: { $error }.
err-api-limit = Use a whole number from 1 to { $max }.
err-api-cursor = Use the next_cursor of the page before.
# $type: the JSON type the document asks for.
err-api-must-be = Must be { $type ->
    [object] an object
    [array] an array
    [string] a string
    [boolean] true or false
    [integer] a whole number
    [number] a number
   *[other] of the documented type
}.
err-api-max-items = At most { $max } items.
# $values: the values allowed, joined by commas.
err-api-one-of = Use one of: { $values }.
err-api-max-chars = At most { $max } characters.
# $format: the format the document asks for.
err-api-format = Use { $format ->
    [date] a date like 2026-05-01
    [date-time] a time like 2026-05-01T14:30:00Z
   *[other] an id like 0193b5a2-7c4e-7d1a-9f3e-2b8c4d5e6f70
}.
err-api-required = Required.
err-api-unknown-field = Unknown field.
err-api-dob = Use a date like 1990-04-21.
err-api-search-short = Type at least 2 letters of the last name.
err-api-idempotency-key = Use 1 to 200 visible ASCII characters.
err-api-true-false = Use true or false.

## hsds (crates/web/src/api/hsds.rs): each follows the parameter's name.

err-api-hsds-query = is not a valid query string
err-api-hsds-repeated = is given more than once
err-api-hsds-page = must be a whole number from 1
err-api-hsds-per-page = must be a whole number from 1 to 500
err-api-hsds-modified-after = must be a date and time (RFC 3339, such as 2026-12-01T00:00:00Z)
err-api-hsds-uuid = must be a UUID
# $allowed: the parameters the route takes, joined by commas.
err-api-hsds-unknown = is not a parameter of this route (it takes { $allowed })

## web pages (crates/web/src/ui/).

err-ui-admin-organization = Choose an organization.
err-ui-admin-org-kind = Choose what kind of organization this is.
err-ui-admin-role = Choose a role.
err-ui-admin-membership = Choose a user, an organization and a role.
err-ui-admin-provider = Choose a provider.
err-ui-admin-case-manager = Choose a case manager.
err-ui-admin-starts-at = Use a date and time like 2026-05-01T08:00.
err-ui-admin-ends-at = Use a date and time like 2026-05-01T20:00.
err-ui-admin-position = Choose first on call or a backup from the list.
err-ui-directory-available = Type a whole number, 0 or more.
err-ui-directory-change = Choose −1, +1, still right, or set.
err-ui-services-position = The position could not be read: the list is shown without distances.
err-ui-services-language = Choose a language from the list.


## Pathway planner: the six pathways, fits, reasons, needs and the program's numbers (crates/domain/src/planner.rs).

# A pathway's name on the planner is its label-pathway-... text.
planner-pathway-self-referral-what = A person walks into a police or fire station and asks for help with substance use, without fear of arrest; staff connect them to treatment on the spot.
planner-pathway-self-referral-starters = The person
planner-pathway-self-referral-not-addressed = People who do not come in on their own: it reaches only those already seeking help.
planner-pathway-active-outreach-what = Responders, often with a clinician or peer, seek out people known to have substance use disorders and offer treatment and support.
planner-pathway-active-outreach-starters = Officers or responders with a clinician or peer
planner-pathway-active-outreach-not-addressed = Acute crises on calls for service, and people not yet known to the team.
planner-pathway-naloxone-plus-what = After an overdose, a team (often an officer or EMS with a peer) visits the person within days to offer treatment, including medication for opioid use disorder.
planner-pathway-naloxone-plus-starters = Police, fire or EMS after an overdose
planner-pathway-naloxone-plus-not-addressed = Substance use that has not led to an overdose, and non-opioid problems.
planner-pathway-officer-referral-what = During routine duty an officer, EMT or firefighter refers someone who may benefit to treatment or services.
planner-pathway-officer-referral-starters = Police, fire or EMS on routine duty
planner-pathway-officer-referral-not-addressed = People who decline: there is no charge to hold, so engagement rests on the person alone.
planner-pathway-officer-intervention-what = With probable cause for a low-level offense, the officer offers treatment in lieu of arrest; the charge is held in abeyance while the person engages, and the prosecutor learns whether they did.
planner-pathway-officer-intervention-starters = Law enforcement only
planner-pathway-officer-intervention-not-addressed = People with no offense, and offenses outside the program's eligibility rules.
planner-pathway-community-response-what = Behavioral health responders answer calls for service (mental health or substance use crises), with or without police.
planner-pathway-community-response-starters = Behavioral health responders dispatched on calls
planner-pathway-community-response-not-addressed = Follow-up over weeks unless paired with case management or outreach.
# What happens to charges on a pathway.
planner-charges-none = None
planner-charges-none-filed = None filed
planner-charges-held = Held in abeyance (or a citation); filed if the plan is not completed
planner-fit-strong = Strong fit
planner-fit-possible = Possible fit
planner-fit-not-yet = Not yet
# Why a pathway fits: one sentence each.
planner-why-asking = People already come to stations asking for help.
planner-why-homelessness = Homelessness: people are best reached where they are.
planner-why-repeat-contacts = Repeat contacts identify people to reach out to.
planner-why-overdoses = Overdoses: a visit within days reaches people at a moment of risk.
planner-why-routine-duty = Officers meet people in need on routine duty, without an offense to act on.
planner-why-repeat-offenses = Repeat low-level offenses: the held charge gives a reason to engage instead of a cycle of arrests.
planner-why-crisis-calls = Crisis calls: a behavioral health responder fits them better than an arrest or the emergency department.
planner-why-not-reported = The problems it addresses were not reported.
# What a pathway still needs: items of the list in planner-needs (lowercase, no full stop).
planner-need-slots-quickly = treatment slots available quickly
planner-need-outreach-or-peers = an outreach team or peers
planner-need-case-managers = case managers
planner-need-ems = a partnership with fire/EMS
planner-need-peers = peer recovery specialists
planner-need-slots-moud = treatment slots, including medication for opioid use disorder
planner-need-referral-taker = someone to take the referral (case managers or peers)
planner-need-prosecutor = the prosecutor's agreement to hold charges
planner-need-warm-handoffs = case managers for warm handoffs
planner-need-slots = treatment slots
planner-need-clinicians = behavioral health responders (clinicians) for dispatch
# What the program's numbers suggest. $n of $total (counts, written as digits without separator), $pct a percentage.
planner-insight-offense-not-allowed = { $n } of { $total } encounters ({ $pct }%) were turned away because an offense is not in the allowed list: First Responder and Officer Referral (no charge) could still connect these people, or the rules could allow more offenses.
planner-insight-declined = { $n } of { $total } offers ({ $pct }%) were declined: Active Outreach with peers can return to people who are not ready on the day.
planner-insight-never-contacted = { $n } of { $total } contact-card referrals ({ $pct }%) never reached a first contact: warm handoffs (an on-call case manager or peer) engage more people than cards.
# $n is at least 5.
planner-insight-deadlines-missed = { $n } intake deadlines were missed: check treatment capacity (slots) and whether the deadline fits the providers' waiting times.

## What each pathway asks and does: its summary and offer step (crates/domain/src/pathways.rs).

# One sentence for the pathway chooser and the pathways page.
pathways-summary-self-referral = A person walks into a police or fire station and asks for help; no charges. Drugs or paraphernalia handed in are recorded without charge.
pathways-summary-active-outreach = A team (officer, clinician, peer) seeks out people on an outreach list and offers treatment; contact attempts are recorded with their outcome.
pathways-summary-naloxone-plus = Starts from an overdose: a follow-up visit within days offers treatment to the person who survived it.
pathways-summary-officer-referral = An officer or responder refers a person met during routine duty; no charges are filed or held.
pathways-summary-officer-intervention = Treatment offered in lieu of arrest: the charge is held while the person engages, and the prosecutor learns the outcome.
pathways-summary-community-response = A behavioral health responder answers a call for service, with or without police, and connects the person to services.
# The heading of a case's offer step.
pathways-offer-referral = Offer of a referral
pathways-offer-diversion = Offer diversion


## reports (crates/domain/src/reports.rs): the quarterly report's measures, tables and
## definitions, on its page and in its CSV download.

# $quarter is written like 2026Q3.
reports-title = Quarterly performance report, { $quarter }
# The period every definition of a figure ends with.
reports-period = Encounters dated { $from } to { $to } (program time zone).
# A count or rate not published: under the small-number threshold, or revealing one.
reports-suppressed = suppressed (fewer than the threshold)
# A rate: $pct is the percentage to one decimal, $n of $of its parts.
reports-rate = { $pct }% ({ $n } of { $of })
reports-no-cases = no cases
reports-section-deflection = Deflection measures (50 ILCS 71)
reports-encounters = Encounters
# $period is the sentence of reports-period.
reports-encounters-means = Every first-responder encounter recorded, of any pathway, including declined and ineligible ones. { $period }
reports-referral-rate = Encounters resulting in a treatment referral
reports-referral-rate-means = Numerator: encounters whose accepted offer produced a referral to a provider. Denominator: encounters. { $period }
reports-median-engagement = Median time from encounter to treatment engagement
# $days is the median to one decimal; $n how many engaged.
reports-median-engagement-value = { $days } days ({ $n } engaged)
reports-median-engagement-none = no one engaged yet
reports-median-engagement-means = From the encounter to the first treatment service after intake, over encounters with one. { $period }
reports-engaged-30 = Treatment engagement rate at 30 days
# $rate is a rate (reports-rate) or a word for none; $unknown a count.
reports-engaged-30-value = { $rate }; { $unknown } not yet known
reports-engaged-30-means = Numerator: referred encounters with a treatment engagement within 30 days after the encounter. Denominator: referred encounters at least 30 days old, or already engaged. Younger ones are not yet known and are not counted as failures. { $period }
reports-participants = Participants
reports-by-sex = Participants by sex
reports-by-sex-rows = Sex
reports-by-sex-means = Participants: encounters whose offer was accepted, by the sex recorded at the encounter.
reports-by-race = Participants by race
reports-by-race-rows = Race
reports-by-race-means = Participants by the NIBRS race recorded at the encounter.
reports-by-ethnicity = Participants by ethnicity
reports-by-ethnicity-rows = Ethnicity
reports-by-ethnicity-means = Participants by the NIBRS ethnicity recorded at the encounter.
reports-by-age = Participants by age group
reports-by-age-rows = Age at the encounter
reports-by-age-means = Participants by their age on the encounter date.
reports-section-grant = Grant performance measures (BJA COSSUP style)
reports-screened = People screened
reports-screened-means = Encounters with at least one screening instrument recorded by a provider. { $period }
reports-eligible = Eligible
reports-eligible-means = Encounters whose eligibility decision was eligible, or whose override was approved. { $period }
reports-referred = Referred
reports-referred-means = Accepted offers that produced a referral to a provider. { $period }
reports-engaged = Engaged in treatment
reports-engaged-means = Referred encounters with a first treatment service after intake, at any time so far. { $period }
reports-people = People
reports-people-means = Distinct people among the encounters. { $period }
reports-served-by-pathway = Served by pathway
reports-served-by-pathway-rows = Pathway
reports-served-by-provider = Served by provider
reports-served-by-provider-rows = Provider
reports-col-referred = Referred
reports-col-engaged = Engaged in treatment
reports-served-means = Referred: accepted offers that produced a referral. Engaged: referred encounters with a first treatment service after intake. By encounter date in the quarter.
reports-by-service = Served by service type
reports-by-service-rows = Kind of service
reports-col-taken = Taken in
reports-col-served = Served (intake)
reports-col-no-capacity = Declined: no capacity
reports-by-service-means = Every referral of the quarter's encounters (several per encounter when the person was referred to several services), by the kind of the service referred to. Taken in: accepted or further, not rejected, cancelled or in error. Served: intake recorded. Declined: no capacity: rejected or cancelled with that reason. Referrals made before services were listed count under "treatment provider".

## reports (crates/domain/src/reports.rs): age groups of the reports and the equity analysis.

reports-age-under-18 = Under 18
reports-age-18-25 = 18 to 25
reports-age-26-35 = 26 to 35
reports-age-36-45 = 36 to 45
reports-age-46-55 = 46 to 55
reports-age-56-65 = 56 to 65
reports-age-66-over = 66 and over
reports-age-unknown = Unknown

## measures (crates/domain/src/measures.rs): bands of the dashboard's durations.

measures-contact-under-1-hour = Under 1 hour
measures-contact-1-24-hours = 1 to 24 hours
measures-contact-1-3-days = 1 to 3 days
measures-contact-3-7-days = 3 to 7 days
measures-contact-7-30-days = 7 to 30 days
measures-contact-30-days-more = 30 days or more
measures-engagement-within-7-days = Within 7 days
measures-engagement-8-14-days = 8 to 14 days
measures-engagement-15-30-days = 15 to 30 days
measures-engagement-31-60-days = 31 to 60 days
measures-engagement-61-90-days = 61 to 90 days
measures-engagement-over-90-days = Over 90 days

## service_measures (crates/domain/src/service_measures.rs): the kind of service a referral
## counts under.

# A referral to a provider made before services were listed.
service-measures-no-service = Treatment provider (no service listed)

## calendar (crates/domain/src/calendar.rs): a program's business days in words.

calendar-days-monday-to-friday = Monday to Friday
# Short names of the days, listed with commas when not Monday to Friday.
calendar-day-short-mon = Mon
calendar-day-short-tue = Tue
calendar-day-short-wed = Wed
calendar-day-short-thu = Thu
calendar-day-short-fri = Fri
calendar-day-short-sat = Sat
calendar-day-short-sun = Sun

## progress (crates/web/templates/progress.html): a case's exit as shown to the legal side
## (the progress feed keeps its values "completed" and "left the program").

progress-exit-completed = completed
progress-exit-left = left the program


## Consents as staff pages name them (consent_terms.rs).

consents-class-providers = the program's treatment providers
consents-class-unknown = an unknown class
consents-not-shared-revoked = Status not shared: the person revoked their consent (in effect { $date }).
consents-not-shared-expired = Status not shared: the consent expired on { $date }.
consents-not-shared-none = Status not shared: no valid consent names your organization.

## A screening's result and alerts in Handoff's words (screening.rs). An instrument's
## published bands, items and answers are the instrument's and are not here.

screening-band-positive = Positive
screening-band-negative = Negative
screening-band-not-scored = Not scored: too many items unanswered
screening-alert-suicide-risk = Safety: the person reported thoughts of being better off dead or of self-harm (PHQ-9 item 9). Assess suicide risk now and follow your organization's safety protocol.
screening-alert-item9-unanswered = PHQ-9 item 9 (thoughts of death or self-harm) was not answered: ask it before the person leaves.

## Consent kinds, information and states (label-consent-..., domain consent.rs).

label-consent-kind-general = General consent (42 CFR 2.31)
label-consent-kind-criminal-justice = Criminal justice referral consent (42 CFR 2.35)
label-consent-kind-release = Release of information for a referral (not a 42 CFR Part 2 consent)
label-consent-info-status = Participation status with dates: contacted, intake completed by the deadline, engaged in treatment, left or completed the program
label-consent-info-attendance = Dates of attendance at appointments
label-consent-info-referral = The person's name and contact details, and the needs the referral is for
label-consent-state-not-yet-signed = Not yet signed
label-consent-state-valid = Valid
label-consent-state-revocation-pending = Valid: revocation asked for, in effect at final disposition (42 CFR 2.35)
label-consent-state-revoked = Revoked
label-consent-state-expired = Expired

## Screening cut-off profiles (label-screening-profile-..., domain screening.rs).

label-screening-profile-uncope-2 = Positive at 2 or more
label-screening-profile-uncope-3 = Positive at 3 or more
label-screening-profile-cage-1 = Positive at 1 or more (more sensitive)
label-screening-profile-cage-2 = Positive at 2 or more (traditional)
label-screening-profile-audit-c-va = Positive at 4+ (men), 3+ (women)
label-screening-profile-audit-c-5 = Positive at 5+ (men), 4+ (women)
label-screening-profile-phq9-10 = Positive at 10 or more
label-screening-profile-gad7-10 = Positive at 10 or more
label-screening-profile-bjmhs = Refer: 2+ of items 1-6, or item 7, or item 8
label-screening-profile-dast10-3 = Positive at 3 or more

## Long lists, a page at a time (the queues, held charges, deadlines, encounters).

pager-next = Next page
pager-first = Back to the first page
err-page-link = This page link does not name a place in the list. Go back to the first page.
