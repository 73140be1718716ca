### Handoff: the staff screens' texts (English only for now). A translation of the staff
### interface is a catalogue with these keys; no code changes.

meta-language-name = English
meta-reviewed = yes
meta-reviewer = Handoff maintainers (the source text)

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
