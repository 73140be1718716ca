### Handoff: every text a participant sees, signs or keeps. English is the reference: every
### other language has exactly these keys, and each of its messages may use only the
### placeholders the English message uses. No HTML: the pages add the markup.

meta-language-name = English
meta-reviewed = yes
meta-reviewer = Handoff maintainers (the source text)
# How the language writes 1234 and 12345.6 (see the forms Handoff knows in the ADR).
meta-number-format = 1,234 / 12,345.6

## Dates: a language writes them its own way.

date-long = { $weekday }, { $month } { $day }, { $year }
weekday-1 = Monday
weekday-2 = Tuesday
weekday-3 = Wednesday
weekday-4 = Thursday
weekday-5 = Friday
weekday-6 = Saturday
weekday-7 = Sunday
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

## The referral slip the person keeps.

slip-title = Your referral
slip-reference = Reference
slip-coming = A case manager is coming to meet you now.
slip-coming-named = A case manager ({ $name }) is coming to meet you now.
slip-deadline = Please go to, or call, { $provider } by { $date }.
slip-bring = Bring:
slip-keep = { $program }. Keep this slip. Show the reference number when you call or visit.
slip-interpreter = Ask for an interpreter: you have the right to one, free of charge.

## What the person agrees to when they accept the offer (read to them before they sign).

offer-consent-criminal-justice = I agree that the treatment provider may tell { $agency } and the prosecutor's office whether I was contacted, completed intake by the deadline, engaged in treatment and left or completed the program, with dates, so the charge can be held and not filed. No other information is shared. I can revoke this by telling the provider, except as the law allows for criminal justice referrals (42 CFR 2.35).
offer-consent-general = I agree that the treatment provider may tell { $agency } whether I was contacted, started and engaged in treatment or services, and left or completed them, with dates, so they can follow up and help. No other information is shared. I can revoke this at any time by telling the provider (42 CFR 2.31). It ends one year after I sign it.

## The release for a referral to a partner that is not treatment.

release-agree = I agree that { $agency } may give the organizations I am referred to here for housing, recovery support or social services my name, contact details and the needs the referral is for, so that they can contact me about it. Nothing else is shared: no treatment record and no criminal justice record. I can revoke this at any time by telling { $agency } or the organization; the referral then ends. It ends one year after I sign it.
release-purpose = To refer me to { $services } and let them contact me about it.
release-revocation = You may revoke this release at any time by telling { $agency } or { $partner }; the referral then ends and { $partner } no longer sees your information.

## The elements of a consent (42 CFR 2.31), as the person signs and keeps them.

kind-general = General consent (42 CFR 2.31)
kind-criminal-justice = Criminal justice referral consent (42 CFR 2.35)
kind-release = Release of information for a referral (not a 42 CFR Part 2 consent)
form-who = Who may disclose
form-what = What information
form-to-whom = To whom
form-purpose = Purpose
form-revoke = Right to revoke
form-expires = Expires
form-nothing-else = Nothing else, and never counseling notes.
form-release-nothing-else = Nothing else: no treatment record and no criminal justice record.
form-redisclosure = Records disclosed under this consent may not be used to investigate or prosecute me without a court order (42 CFR 2.12, 2.64, 2.65).
info-status = Participation status with dates: contacted, intake completed by the deadline, engaged in treatment, left or completed the program
info-attendance = Dates of attendance at appointments
info-referral = The person's name and contact details, and the needs the referral is for
purpose-criminal-justice = To tell the referring agency and the prosecutor whether I engaged in the program (contact, intake by the deadline, engagement, exit), so the charge can be held and then not filed.
purpose-follow-up = To tell the first responders who referred me whether I connected with treatment or services (contact, intake, engagement, exit), so they can follow up and help.
revocation-criminal-justice = You may revoke this consent at any time by telling the treatment provider, orally or in writing. Because it is given for a criminal justice referral (42 CFR 2.35), a revocation takes effect at the final disposition of the charge, not before.
revocation-general = You may revoke this consent at any time by telling the treatment provider, orally or in writing; it then stops any further disclosure.
expiry-disposition = At { $event }, or on { $date } (one year after signing), whichever comes first.
expiry-year = On { $date } (one year after signing), unless revoked before.
expiry-release = on { $date } (one year after signing), unless revoked before.
event-final-disposition = the final disposition of the charge (the prosecutor's decision to file or not to file it)
irrevocable = This consent cannot be revoked before { $event }.

## The printed consent.

print-title = Consent to disclose
print-title-release = Release of information
print-person = Patient
print-born = born { $date }
print-signature = Signature
print-typed = typed
print-signed-on = signed { $date }
print-attested = Attested by
print-words = The words the person signed
print-irrevocable = Until the final disposition of the charge (42 CFR 2.35)
print-irrevocable-label = Irrevocable

## The notice that goes with every disclosure under a consent (42 CFR 2.32).

notice-232-title = Notice (42 CFR 2.32).
notice-232 = 42 CFR part 2 prohibits unauthorized use or disclosure of these records. This record is protected by federal confidentiality rules (42 CFR part 2): they prohibit using it, or testimony describing it, in any civil, criminal, administrative or legislative proceeding against the patient unless the patient consents or a court authorizes it (42 CFR 2.64, 2.65), and prohibit any other use or disclosure unless the patient's written consent or 42 CFR part 2 permits it. A general authorization for the release of medical or other information is not sufficient for this purpose (42 CFR 2.31).

## A consent a provider records.

revocation-provider = You may revoke this consent at any time, orally or in writing, by telling { $provider }. Revoking stops future disclosures at once; it does not undo those already made.
expiry-day-or-disposition = On { $date } at the end of the day, or at { $event }, whichever comes first.
expiry-day = On { $date } at the end of the day.
expiry-at-disposition = At { $event }.
class-providers = the program's treatment providers
recipients-and-class = { $names }, and { $class }
print-expiry-date = on { $date }
print-expiry-event = at { $event }
print-expiry-or = { $first }, or { $second }
attestation = The person read (or was read) the consent, and signed it with the name typed here.

## Reminders sent to the person (ADR 0022). Never a word of what the appointment is for,
## of the program or of substance use: a text on a shared phone is a disclosure.
reminder-subject = Appointment reminder
reminder-appointment = Reminder: you have an appointment on { $date } at { $time }, { $place }. Reply STOP to stop these messages.
