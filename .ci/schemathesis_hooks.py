"""schemathesis hooks for the officer's run (.ci/api-contract): in the stateful phase, half
of the valid-data steps on these operations send a body the program's rules accept, so the
links from a recorded encounter (read it, record the offer, an attempt, an override) are
followed with real data.

Why a hook and not an example in the document: an encounter's `occurred_at` must be within
30 days and a person may be entered only once (same name and birth date: 422), so no fixed
example works twice.
"""
import datetime
import os
import random

# Our own generator, seeded: Hypothesis reseeds the global `random` for every example.
_rng = random.Random(20261206)
_made = [0]

import schemathesis
from schemathesis.generation import GenerationMode
from schemathesis.generation.meta import TestPhase

SHARE = 0.5
ATTESTATIONS = ["no_violent_history", "no_open_warrant", "no_pending_specialty_court", "no_no_contact_order",
                "no_exploitation_of_minors", "no_promoting_prostitution", "not_dealing_above_subsistence"]
KINDS: dict[str, str] = {}  # encounter id -> kind, for the steps that follow a link


def _ago(**delta):
    return (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(**delta)).isoformat(timespec="seconds")


def _next():
    _made[0] += 1
    return _made[0]


def _encounter(case):
    kind = _rng.choice(["self_referral", "naloxone_plus", "eligible", "ineligible"])
    body = {
        "occurred_at": _ago(hours=1),
        "location": "Main St",
        "person": {"first_name": "Sam", "last_name": f"Stateful-{os.getpid()}-{_next()}", "dob": "1990-01-01",
                   "sex": "U", "race": "U", "ethnicity": "U"},
    }
    if kind in ("self_referral", "naloxone_plus"):
        body["pathway"] = kind
        if kind == "naloxone_plus":
            body["facts"] = {"naloxone_doses": "1", "transported": "no"}
    else:  # officer_intervention; without the attestations the person is not eligible
        body["incident_number"] = f"CAD-{_next()}"
        body["offenses"] = [{"code": "35A", "drug_activity": "P", "drug_type": "D", "quantity": "1", "unit": "GM"}]
        if kind == "eligible":
            body["attestations"] = ATTESTATIONS
    return body


def _offer(case):
    kind = KINDS.get(str(case.path_parameters.get("id")))
    provider = os.environ.get("PROVIDER_ID")
    if provider and _rng.random() < 0.5:
        body = {"response": "accepted", "consent_signed_name": "Sam Stateful", "consent_confirmed": "yes",
                "handoff_mode": "warm", "provider_id": provider}
        if kind == "eligible":
            body["hold_kind"] = "abeyance"
        return body
    return {"response": "declined", "decline_reason": "Not today"}


BODIES = {
    "create_encounter": _encounter,
    "record_offer": _offer,
    "record_attempt": lambda case: {"attempted_at": _ago(minutes=10), "outcome": "reached"},
    "request_override": lambda case: {"reason": "Officer judgement: a first contact"},
}


@schemathesis.hook
def map_case(context, case):
    make = BODIES.get(case.operation.definition.raw.get("operationId"))
    meta = case._meta
    if (make is not None and meta is not None and meta.phase.name == TestPhase.STATEFUL
            and meta.generation.mode == GenerationMode.POSITIVE and _rng.random() < SHARE):
        case.body = make(case)
        case.headers.pop("Idempotency-Key", None)
    return case


@schemathesis.hook
def after_call(context, case, response):
    if case.operation.definition.raw.get("operationId") == "create_encounter" and response.status_code == 201:
        try:
            body = case.body if isinstance(case.body, dict) else {}
            kind = body.get("pathway") or ("eligible" if body.get("attestations") else "ineligible")
            KINDS[response.json()["id"]] = kind
        except Exception:
            pass
