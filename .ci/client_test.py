"""Uses a client generated from /api/openapi.json by openapi-python-client (issue 13): an
officer records an encounter and reads it back, a bad one is refused by field, and a case
manager's queue pages. Run by .ci/api-contract with the generated package on PYTHONPATH.

    python3 client_test.py BASE_URL OFFICER_TOKEN CASE_MANAGER_TOKEN
"""
import datetime
import sys

from handoff_client import AuthenticatedClient
from handoff_client.api.encounters import create_encounter, get_encounter, list_encounters
from handoff_client.api.referrals import referral_queue
from handoff_client.models import (
    Encounter,
    EncounterInput,
    EncounterInputAttestationsItem as Attest,
    EncounterPage,
    OffenseInput,
    PersonInput,
    PersonInputEthnicity,
    PersonInputRace,
    PersonInputSex,
    Problem,
    ReferralQueue,
)

base, officer_token, cm_token = sys.argv[1:4]
officer = AuthenticatedClient(base_url=base, token=officer_token)
cm = AuthenticatedClient(base_url=base, token=cm_token)

when = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)
body = EncounterInput(
    occurred_at=when.isoformat(),
    location="Oak & 5th",
    incident_number="CAD-CLIENT-1",
    offenses=[OffenseInput(code="35A", drug_activity="P", drug_type="D", quantity="1", unit="GM")],
    attestations=[
        Attest.NO_VIOLENT_HISTORY,
        Attest.NO_OPEN_WARRANT,
        Attest.NO_PENDING_SPECIALTY_COURT,
        Attest.NO_NO_CONTACT_ORDER,
    ],
    person=PersonInput(
        first_name="Generated",
        last_name="Clientqz",
        dob=datetime.date(1984, 3, 9),
        sex=PersonInputSex.F,
        race=PersonInputRace.W,
        ethnicity=PersonInputEthnicity.N,
    ),
)
with officer as c:
    made = create_encounter.sync_detailed(client=c, body=body, idempotency_key="client-test-1")
    assert made.status_code == 201, (made.status_code, made.content)
    created = made.parsed
    assert isinstance(created, Encounter), created
    assert made.headers["location"] == f"/api/v1/encounters/{created.id}"

    read = get_encounter.sync(client=c, id=created.id)
    assert isinstance(read, Encounter), read
    assert read.id == created.id and read.reference == created.reference
    assert read.location == "Oak & 5th" and read.incident_number == "CAD-CLIENT-1"
    assert read.person.name.endswith("Clientqz"), read.person.name
    assert [o.code for o in read.offenses] == ["35A"]
    assert read.eligibility.eligible is True, read.eligibility
    assert read.progress.shared.value == "no"

    # The same request again answers the first result; a different one with the same key
    # is a conflict.
    again = create_encounter.sync_detailed(client=c, body=body, idempotency_key="client-test-1")
    assert again.status_code == 201 and again.parsed.id == created.id
    body.location = "Elsewhere"
    clash = create_encounter.sync_detailed(client=c, body=body, idempotency_key="client-test-1")
    assert clash.status_code == 409 and isinstance(clash.parsed, Problem), clash.content

    # A bad one is a problem naming the field.
    body.location = "x" * 201
    bad = create_encounter.sync_detailed(client=c, body=body)
    assert bad.status_code == 422 and isinstance(bad.parsed, Problem), bad.content
    assert [e.field for e in bad.parsed.errors] == ["location"], bad.parsed.errors

    # The officer's list pages, and the new encounter is on its first page.
    first = list_encounters.sync(client=c, limit=5)
    assert isinstance(first, EncounterPage), first
    assert len(first.encounters) == 5 and first.next_cursor
    seen = {e.id for e in first.encounters}
    assert created.id in seen
    second = list_encounters.sync(client=c, limit=5, cursor=first.next_cursor)
    assert isinstance(second, EncounterPage) and not seen & {e.id for e in second.encounters}

with cm as c:
    queue = referral_queue.sync(client=c, limit=2)
    assert isinstance(queue, ReferralQueue), queue
    assert len(queue.referrals) <= 2

print(f"generated client: recorded {created.reference}, read it back, paged, refused a bad body")
