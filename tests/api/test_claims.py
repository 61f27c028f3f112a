"""Claims through the API: made by announcing a work accident, driven through assessment and
the two independent tracks (employer payment, social insurance) in either order, then closed —
and everything each role must not see or do."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Case, MedicalAccessLog, Victim
from app.services.privacy import MEDICAL_KEYS
from app.services.users import issue_token
from tests.api.case_api import count, observe
from tests.api.claim_flow import DOSSIER, announce_accident, claims_of, stamp
from tests.factories import make_enterprise, make_user, waive_dossier


def bearer(app, user) -> dict[str, str]:
    """A bearer token straight from the service (the token endpoint is rate limited)."""
    token = issue_token(user, app.config["API_TOKEN_TTL"]).token
    return {"Authorization": f"Bearer {token}"}


def medical_reads(user, case_id: int) -> list[str]:
    """The fields of ``user``'s logged medical reads of case ``case_id``, oldest first."""
    return list(
        db.session.scalars(
            select(MedicalAccessLog.fields)
            .where(MedicalAccessLog.user_id == user.id, MedicalAccessLog.case_id == case_id)
            .order_by(MedicalAccessLog.id)
        )
    )


@pytest.fixture
def people(app):
    """An enterprise with its OSH officer and grassroots union, the city union, an inspector,
    an insurance officer, and another enterprise's officer; each with a bearer token."""
    ent = make_user("enterprise", username="dn1")
    users = {
        "ent": ent,
        "union": make_user("union", username="cd1", enterprise=ent.enterprise),
        "city_union": make_user("union", username="ldld1"),
        "inspector": make_user("inspector", username="tt1"),
        "insurance": make_user("insurance", username="bh1"),
        "other_ent": make_user("enterprise", username="dn2"),
        "other_union": make_user("union", username="cd2", enterprise=make_enterprise()),
        "admin": make_user("admin", username="qt1"),
    }

    class People:
        pass

    found = People()
    found.users = users
    found.headers = {name: bearer(app, user) for name, user in users.items()}
    return found


@pytest.fixture
def api(client, people):
    """``api.act(who, claim_id, trigger, **payload)`` and ``api.get(who, path)``."""

    class Api:
        def act(self, who, case_id, trigger, version=None, **payload):
            if version is None:
                version = db.session.get(Case, case_id).version
            return client.post(
                f"/api/v1/cases/{case_id}/actions/{trigger}",
                json={"version": version, **payload},
                headers=people.headers[who],
            )

        def ok(self, who, case_id, trigger, **payload):
            response = self.act(who, case_id, trigger, **payload)
            assert response.status_code == 200, response.get_json()
            return response.get_json()

        def get(self, who, path):
            return client.get(f"/api/v1{path}", headers=people.headers[who])

        def refused(self, who, case_id, trigger, status, version=None, **payload) -> dict:
            """Fire ``trigger`` expecting ``status``; assert the case did not change at all
            (``case_api.Api.refused``) and, when the caller is turned away (403, 404), that
            the answer carries nothing of the case."""
            before = observe(case_id)
            response = self.act(who, case_id, trigger, version=version, **payload)
            assert response.status_code == status, (trigger, response.get_json())
            body = response.get_json()
            assert "error" in body
            assert observe(case_id) == before
            if status in (403, 404):
                assert leaks(response, case_id) == [], (who, trigger)
            return body

        def hidden(self, who, path, case_id, status=404):
            """``GET path`` answers ``status`` with nothing of the case in it, no PDF, and
            logs no medical read for the caller."""
            user = people.users[who]
            before = (observe(case_id), medical_read_count(user))
            response = self.get(who, path)
            assert response.status_code == status, (who, path)
            assert leaks(response, case_id) == [], (who, path)
            assert (observe(case_id), medical_read_count(user)) == before, (who, path)
            return response

    return Api()


def medical_read_count(user) -> int:
    return count(MedicalAccessLog, MedicalAccessLog.user_id == user.id)


def leaks(response, case_id) -> list[str]:
    """What of the case (and its parent: codes, victims' names and national IDs, a PDF) a
    response carries."""
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    cases = [case] + ([case.parent] if case.parent else [])
    secrets = [c.code for c in cases]
    victims = [v for c in cases for v in c.victims]
    if case.victim_id is not None:
        victims.append(db.session.get(Victim, case.victim_id))
    assert victims, "a claim's victim is known: the check below would be empty"
    for victim in victims:
        secrets += [victim.full_name, victim.national_id]
    text = response.get_data().decode("utf-8", "replace")
    found = [s for s in secrets if s in text]
    if b"%PDF" in response.data:
        found.append("a PDF")
    return found


@pytest.fixture
def claim_in_treatment(people):
    accident = announce_accident(people.users["ent"])
    (claim,) = claims_of(accident)
    return claim


def assess(api, claim_id, pct=25):
    api.ok("ent", claim_id, "refer_for_assessment", referred_at=stamp())
    assessed_at = stamp()
    return api.ok(
        "ent", claim_id, "record_assessment", capacity_loss_pct=pct, assessed_at=assessed_at
    ), assessed_at


def pay_and_confirm(api, claim_id, amount=75_000_000, confirmer="union"):
    api.ok("ent", claim_id, "record_payment", amount_vnd=amount, paid_at=stamp())
    return api.ok(confirmer, claim_id, "confirm_receipt", confirmed_at=stamp())


def file_and_decide(api, claim_id, **decision):
    api.ok("ent", claim_id, "file_insurance", filed_at=stamp(), dossier=DOSSIER)
    decision = decision or {"approved": True, "kind": "one_time", "amount_vnd": 57_950_000}
    return api.ok("insurance", claim_id, "decide_insurance", **decision)


# -- the claim's shape -------------------------------------------------------------------------


def test_announcing_a_work_accident_opens_one_claim_per_victim_in_the_contract_shape(api, people):
    accident = announce_accident(people.users["ent"], outcomes=("light", "light"))
    claims = claims_of(accident)
    assert len(claims) == 2
    body = api.get("ent", f"/cases/{claims[0].id}").get_json()
    assert body["kind"] == "claim"
    assert body["state"] == "treatment"
    assert body["parent_id"] == accident.id
    assert body["victim_id"] == accident.victims[0].id
    assert set(body["compensation"]) >= {"minimum_vnd", "paid_vnd", "due_at"}
    assert set(body["insurance"]) >= {"expected_kind", "expected_vnd", "decided_vnd"}
    assert body["actions"] == ["refer_for_assessment", "record_costs"]
    parent = api.get("ent", f"/cases/{accident.id}").get_json()
    assert parent["children"] == [c.id for c in claims]


def test_assessment_computes_minimum_due_date_and_expected_benefit(api, claim_in_treatment):
    body, assessed_at = assess(api, claim_in_treatment.id, 25)
    assert body["state"] == "assessed"
    comp, ins = body["compensation"], body["insurance"]
    assert comp["minimum_vnd"] == 75_000_000
    assert comp["paid_vnd"] == 0
    due = datetime.fromisoformat(comp["due_at"])
    assert due == datetime.fromisoformat(assessed_at) + timedelta(days=5)
    assert {"name": "compensation", "due_at": due} in [
        {"name": d["name"], "due_at": datetime.fromisoformat(d["due_at"])}
        for d in body["deadlines"]
    ]
    # Accident on 20/11/2026: base salary 2,530,000 (Decree 161/2026);
    # [5 + 20 × 0.5] × 2,530,000 + [0.5 + 5 × 0.3] × 10,000,000.
    assert ins == {"expected_kind": "one_time", "expected_vnd": 57_950_000, "decided_vnd": None}
    assert sorted(body["actions"]) == [
        "file_insurance",
        "reassess",
        "record_costs",
        "record_payment",
        "request_item",
    ]


# -- both tracks, either order ---------------------------------------------------------------


def test_payment_track_first_then_insurance_then_close_and_accident_closes(
    api, people, claim_in_treatment
):
    claim_id = claim_in_treatment.id
    accident_id = claim_in_treatment.parent_id
    assess(api, claim_id)
    paid = api.ok("ent", claim_id, "record_payment", amount_vnd=75_000_000, paid_at=stamp())
    assert paid["compensation"]["paid_vnd"] == 75_000_000
    union_view = api.get("union", f"/cases/{claim_id}").get_json()
    assert union_view["actions"] == ["confirm_receipt"]
    api.ok("union", claim_id, "confirm_receipt", confirmed_at=stamp())
    # The accident waits for its claims.
    api.refused("ent", accident_id, "close", 409)
    api.refused("union", claim_id, "close", 409)

    api.ok("ent", claim_id, "file_insurance", filed_at=stamp(), dossier=DOSSIER)
    decided = api.ok(
        "insurance",
        claim_id,
        "decide_insurance",
        approved=True,
        kind="one_time",
        amount_vnd=57_950_000,
    )
    assert decided["insurance"]["decided_vnd"] == 57_950_000
    assert decided["data"]["insurance"]["dossier"] == DOSSIER

    closed = api.ok("union", claim_id, "close")
    assert closed["state"] == "closed"
    waive_dossier(db.session.get(Case, accident_id), people.users["ent"])
    accident = api.ok("ent", accident_id, "close")
    assert accident["state"] == "closed"
    triggers = [e["trigger"] for e in api.get("inspector", f"/cases/{claim_id}/events").get_json()]
    # The decision is issued once assessed, and anew when the payment changes what it states.
    assert triggers == [
        "create",
        "refer_for_assessment",
        "record_assessment",
        "issue_paper",
        "record_payment",
        "issue_paper",
        "confirm_receipt",
        "file_insurance",
        "decide_insurance",
        "close",
    ]


def test_insurance_track_first_then_payment_and_the_inspector_closes(api, claim_in_treatment):
    claim_id = claim_in_treatment.id
    assess(api, claim_id)
    file_and_decide(api, claim_id)
    api.refused("inspector", claim_id, "close", 409)
    api.ok("ent", claim_id, "record_payment", amount_vnd=80_000_000, paid_at=stamp())
    api.refused("inspector", claim_id, "close", 409)
    api.ok("city_union", claim_id, "confirm_receipt", confirmed_at=stamp())
    assert api.ok("inspector", claim_id, "close")["state"] == "closed"


def test_insurance_may_refuse_with_a_reason_and_the_claim_can_then_close(api, claim_in_treatment):
    claim_id = claim_in_treatment.id
    assess(api, claim_id)
    api.ok("ent", claim_id, "file_insurance", filed_at=stamp(), dossier=DOSSIER)
    no_reason = api.refused("insurance", claim_id, "decide_insurance", 422, approved=False)
    assert "reason" in no_reason["errors"]
    refused = api.ok(
        "insurance", claim_id, "decide_insurance", approved=False, reason="Thiếu giấy ra viện"
    )
    assert refused["insurance"]["decided_vnd"] is None
    assert refused["data"]["insurance"]["approved"] is False
    pay_and_confirm(api, claim_id)
    assert api.ok("union", claim_id, "close")["state"] == "closed"


# -- refusals ----------------------------------------------------------------------------------


def test_a_payment_in_two_instalments_closes_the_track_only_at_the_minimum(api, claim_in_treatment):
    claim_id = claim_in_treatment.id
    assess(api, claim_id)  # minimum 75,000,000
    first = api.ok("ent", claim_id, "record_payment", amount_vnd=30_000_000, paid_at=stamp())
    assert first["compensation"]["paid_vnd"] == 30_000_000
    assert first["compensation"]["remaining_vnd"] == 45_000_000
    assert "record_payment" in first["actions"]
    deadline = next(d for d in first["deadlines"] if d["name"] == "compensation")
    assert deadline["met_at"] is None
    api.refused("union", claim_id, "confirm_receipt", 409, confirmed_at=stamp())
    body = api.refused("ent", claim_id, "record_payment", 422, amount_vnd=0, paid_at=stamp())
    assert "amount_vnd" in body["errors"]
    second = api.ok("ent", claim_id, "record_payment", amount_vnd=45_000_000, paid_at=stamp())
    assert second["compensation"]["remaining_vnd"] == 0
    assert "record_payment" not in second["actions"]
    deadline = next(d for d in second["deadlines"] if d["name"] == "compensation")
    assert deadline["met_at"] is not None
    api.ok("union", claim_id, "confirm_receipt", confirmed_at=stamp())
    claim = db.session.get(Case, claim_id)
    assert [p["amount_vnd"] for p in claim.data["compensation"]["payments"]] == [
        30_000_000,
        45_000_000,
    ]


def test_enterprise_cannot_confirm_receipt_nor_decide_insurance(api, claim_in_treatment):
    claim_id = claim_in_treatment.id
    assess(api, claim_id)
    api.ok("ent", claim_id, "record_payment", amount_vnd=75_000_000, paid_at=stamp())
    api.ok("ent", claim_id, "file_insurance", filed_at=stamp(), dossier=DOSSIER)
    api.refused("ent", claim_id, "confirm_receipt", 403, confirmed_at=stamp())
    api.refused(
        "ent", claim_id, "decide_insurance", 403, approved=True, kind="one_time", amount_vnd=1
    )
    api.refused("ent", claim_id, "close", 403)


def test_union_and_inspector_cannot_pay_and_nobody_but_insurance_decides(api, claim_in_treatment):
    claim_id = claim_in_treatment.id
    assess(api, claim_id)
    for who in ("union", "inspector"):
        api.refused(who, claim_id, "record_payment", 403, amount_vnd=75_000_000, paid_at=stamp())
    api.ok("ent", claim_id, "file_insurance", filed_at=stamp(), dossier=DOSSIER)
    for who in ("union", "inspector"):
        api.refused(who, claim_id, "decide_insurance", 403, approved=False, reason="x")


def test_insurance_sees_only_claims_filed_with_it_and_never_the_accident(api, claim_in_treatment):
    claim_id = claim_in_treatment.id
    accident_id = claim_in_treatment.parent_id
    assess(api, claim_id)
    api.hidden("insurance", f"/cases/{claim_id}", claim_id)
    api.refused("insurance", claim_id, "decide_insurance", 404, approved=False, reason="x")
    api.hidden("insurance", f"/cases/{accident_id}", accident_id)
    listed = api.get("insurance", "/cases").get_json()
    assert listed["total"] == 0

    api.ok("ent", claim_id, "file_insurance", filed_at=stamp(), dossier=DOSSIER)
    seen = api.get("insurance", f"/cases/{claim_id}").get_json()
    assert seen["actions"] == ["decide_insurance"]
    assert seen["insurance"]["expected_vnd"] == 57_950_000
    api.hidden("insurance", f"/cases/{accident_id}", accident_id)
    assert [c["id"] for c in api.get("insurance", "/cases").get_json()["items"]] == [claim_id]


def test_other_enterprises_and_their_unions_do_not_see_the_claim(api, claim_in_treatment):
    claim_id = claim_in_treatment.id
    assess(api, claim_id)
    api.ok("ent", claim_id, "record_payment", amount_vnd=75_000_000, paid_at=stamp())
    # The leak check finds the claim in what its own enterprise is shown, so its silence
    # below means something.
    assert leaks(api.get("ent", f"/cases/{claim_id}"), claim_id)
    api.hidden("other_ent", f"/cases/{claim_id}", claim_id)
    api.hidden("other_union", f"/cases/{claim_id}", claim_id)
    api.refused("other_union", claim_id, "confirm_receipt", 404, confirmed_at=stamp())


def test_union_sees_the_claim_with_masked_national_id_and_no_medical_detail(
    api, claim_in_treatment
):
    claim_id = claim_in_treatment.id
    assess(api, claim_id)
    body = api.get("union", f"/cases/{claim_id}").get_json()
    assert "*" in body["victim"]["national_id"]
    assert "capacity_loss_pct" not in body["data"]
    assert body["compensation"]["minimum_vnd"] == 75_000_000


def test_reading_a_claim_logs_the_read_of_its_workers_injury(api, people, claim_in_treatment):
    """Before assessment the claim's own data holds nothing medical, but its detail shows the
    worker's injury (a victim row of the accident): that read is logged too, the union's not."""
    claim_id = claim_in_treatment.id
    assert not MEDICAL_KEYS & set(claim_in_treatment.data or {})
    ent, union = people.users["ent"], people.users["union"]

    body = api.get("ent", f"/cases/{claim_id}").get_json()
    assert body["victim"]["injury_description"] == "Gãy xương cẳng tay phải"
    assert medical_reads(ent, claim_id) == ["victims,data"]

    body = api.get("union", f"/cases/{claim_id}").get_json()
    assert "injury_description" not in body["victim"]
    assert medical_reads(union, claim_id) == []


def test_a_stale_version_is_409(api, claim_in_treatment):
    claim_id = claim_in_treatment.id
    version = db.session.get(Case, claim_id).version
    api.ok("ent", claim_id, "refer_for_assessment", referred_at=stamp())
    api.refused(
        "ent",
        claim_id,
        "record_assessment",
        409,
        version=version,
        capacity_loss_pct=25,
        assessed_at=stamp(),
    )


def test_close_before_both_tracks_end_is_refused(api, claim_in_treatment):
    claim_id = claim_in_treatment.id
    api.refused("union", claim_id, "close", 409)  # still in treatment
    assess(api, claim_id)
    assert "nhận tiền" in api.refused("union", claim_id, "close", 409)["error"]
    pay_and_confirm(api, claim_id)
    assert "BHXH" in api.refused("union", claim_id, "close", 409)["error"]


# -- other paths --------------------------------------------------------------------------------


def test_assessment_below_5_percent_is_not_eligible_and_can_be_closed(
    api, people, claim_in_treatment
):
    claim_id = claim_in_treatment.id
    body, _ = assess(api, claim_id, 4)
    assert body["state"] == "not_eligible"
    assert body["compensation"]["minimum_vnd"] is None
    api.refused("ent", claim_id, "record_payment", 409, amount_vnd=1, paid_at=stamp())
    assert api.get("union", f"/cases/{claim_id}").get_json()["actions"] == ["close"]
    assert api.ok("union", claim_id, "close")["state"] == "closed"
    waive_dossier(db.session.get(Case, claim_in_treatment.parent_id), people.users["ent"])
    assert api.ok("ent", claim_in_treatment.parent_id, "close")["state"] == "closed"


def test_a_deceased_workers_claim_starts_assessed_with_30_months_due_5_days_after_announcement(
    api, people
):
    accident = announce_accident(
        people.users["ent"], outcomes=("death",), inspector=people.users["inspector"]
    )
    (claim,) = claims_of(accident)
    body = api.get("ent", f"/cases/{claim.id}").get_json()
    assert body["state"] == "assessed"
    assert body["data"]["death"] is True
    assert body["compensation"]["minimum_vnd"] == 300_000_000
    announced_at = datetime.fromisoformat(accident.data["announcement"]["announced_at"])
    assert datetime.fromisoformat(body["compensation"]["due_at"]) == announced_at + timedelta(
        days=5
    )
    # 36 × 2,530,000 (base salary of the month of death).
    assert body["insurance"]["expected_kind"] == "death"
    assert body["insurance"]["expected_vnd"] == 91_080_000
    pay_and_confirm(api, claim.id, amount=300_000_000)
    file_and_decide(api, claim.id, approved=True, kind="death", amount_vnd=91_080_000)
    assert api.ok("inspector", claim.id, "close")["state"] == "closed"
    waive_dossier(accident, people.users["inspector"])
    assert api.ok("inspector", accident.id, "close")["state"] == "closed"


def test_a_worker_without_social_insurance_has_no_insurance_track(api, people):
    accident = announce_accident(
        people.users["ent"], victims=[{"si_number": None, "si_years": None}]
    )
    (claim,) = claims_of(accident)
    body, _ = assess(api, claim.id, 25)
    assert body["actions"] == ["record_payment", "reassess", "record_costs"]
    assert body["data"]["insurance"]["applicable"] is False
    # The employer owes the equivalent of the insurance benefit (Law 84/2015 Art. 39(4)):
    # one year or less of contributions counts as one: 15 × 2,530,000 + 0.5 × 10,000,000.
    assert body["data"]["compensation"]["equivalent_si_vnd"] == 42_950_000
    assert "insurance_filing" not in [d["name"] for d in body["deadlines"]]
    api.refused("ent", claim.id, "file_insurance", 409, filed_at=stamp(), dossier=DOSSIER)
    pay_and_confirm(api, claim.id)
    assert api.ok("union", claim.id, "close")["state"] == "closed"
    waive_dossier(accident, people.users["ent"])
    assert api.ok("ent", accident.id, "close")["state"] == "closed"


def test_at_fault_worker_gets_the_40_percent_allowance(api, people):
    accident = announce_accident(people.users["ent"], worker_at_fault=True)
    (claim,) = claims_of(accident)
    body, _ = assess(api, claim.id, 25)
    assert body["compensation"]["minimum_vnd"] == 30_000_000


def test_an_accident_with_two_claims_closes_only_when_both_are_closed(api, people):
    accident = announce_accident(people.users["ent"], outcomes=("light", "light"))
    first, second = claims_of(accident)
    for claim in (first, second):
        assess(api, claim.id, 3)
    api.ok("union", first.id, "close")
    assert "1 hồ sơ" in api.refused("ent", accident.id, "close", 409)["error"]
    api.ok("city_union", second.id, "close")
    waive_dossier(accident, people.users["ent"])
    assert api.ok("ent", accident.id, "close")["state"] == "closed"


# -- the decision paper ---------------------------------------------------------------------------


def test_decision_pdf_once_assessed_for_those_who_see_the_claim(api, claim_in_treatment):
    claim_id = claim_in_treatment.id
    path = f"/claims/{claim_id}/decision.pdf"
    api.hidden("ent", path, claim_id)  # not assessed yet
    assess(api, claim_id)
    for who in ("ent", "union", "city_union", "inspector"):
        response = api.get(who, path)
        assert response.status_code == 200, who
        assert response.mimetype == "application/pdf"
        assert response.data.startswith(b"%PDF")
    for who in ("other_ent", "other_union", "insurance"):
        api.hidden(who, path, claim_id)
    api.hidden("admin", path, claim_id, status=403)
    accident_path = f"/claims/{claim_in_treatment.parent_id}/decision.pdf"
    api.hidden("ent", accident_path, claim_in_treatment.parent_id)
