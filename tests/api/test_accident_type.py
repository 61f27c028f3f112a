"""The accident's type (at work or on the way to or from work) and whether a third party caused
it: declared through the API and the form, kept in the case, shown on its page, copied into the
victims' claims, whose minimum compensation follows Law 84/2015 Art. 38(4) and 39(1)."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Case, CaseEvent
from tests.conftest import csrf_token_from
from tests.factories import accident_body

BAD_TYPE = "Loại tai nạn phải là at_work (tại nơi làm việc) hoặc commuting (trên đường đi và về)."


def declare(api, w, **fields) -> dict:
    return api.declared(w.ent, accident_body(w.commune.code, **fields))


def assessed_claim(api, w, t, pct=25, minutes=None, **fields) -> dict:
    """Declare (one serious victim, wage 10,000,000), investigate, conclude, announce, then
    refer and assess the victim's claim at ``pct`` %, all through the API."""
    case = declare(api, w, **fields)
    api.acted(case["id"], "open_investigation", w.ent, team=t.ENTERPRISE_TEAM)
    api.acted(case["id"], "conclude", w.ent, **{**t.MINUTES, **(minutes or {})})
    announced = api.acted(
        case["id"], "announce", w.ent, meeting_at=t.NOW.isoformat(), attendees=t.ATTENDEES
    )
    (claim_id,) = announced["children"]
    api.acted(claim_id, "refer_for_assessment", w.ent, referred_at=t.NOW.isoformat())
    return api.acted(
        claim_id,
        "record_assessment",
        w.ent,
        capacity_loss_pct=pct,
        assessed_at=t.NOW.isoformat(),
    )


def test_a_commuting_accident_caused_by_a_third_party_is_kept_in_the_case(api, w):
    body = declare(api, w, accident_type="commuting", third_party=True)
    assert body["data"]["accident_type"] == "commuting"
    assert body["data"]["third_party"] is True
    again = api.get(f"/cases/{body['id']}", w.insp).get_json()
    assert (again["data"]["accident_type"], again["data"]["third_party"]) == ("commuting", True)
    event = db.session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == body["id"], CaseEvent.trigger == "declare")
    ).one()
    assert (event.payload["accident_type"], event.payload["third_party"]) == ("commuting", True)


def test_an_accident_declared_without_a_type_happened_at_work(api, w):
    body = declare(api, w)
    assert (body["data"]["accident_type"], body["data"]["third_party"]) == ("at_work", False)


def test_a_bad_accident_type_is_a_422_on_its_field_and_creates_nothing(api, w, t):
    before = t.case_count()
    response = api.declare(
        w.ent, accident_body(w.commune.code, accident_type="road", third_party="yes")
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert errors["accident_type"] == [BAD_TYPE]
    assert errors["third_party"] == ["Phải là true hoặc false."]
    assert t.case_count() == before


def test_the_openapi_schema_documents_the_type_and_its_default(api, w):
    schema = api.client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    properties = schema["AccidentDeclaration"]["properties"]
    assert properties["accident_type"] == {"enum": ["at_work", "commuting"], "default": "at_work"}
    assert properties["third_party"] == {"type": "boolean", "default": False}
    assert "accident_type" not in schema["AccidentDeclaration"]["required"]


def test_a_commuting_accident_caused_by_a_third_party_gets_the_40_percent_allowance(api, w, t):
    claim = assessed_claim(api, w, t, 25, accident_type="commuting", third_party=True)
    assert (claim["data"]["accident_type"], claim["data"]["third_party"]) == ("commuting", True)
    # Art. 38(4)(a): 1.5 + (25 - 10) × 0.4 = 7.5 months × 10,000,000 = 75,000,000;
    # Art. 39(1): at least 40 % of it = 30,000,000.
    assert claim["compensation"]["minimum_vnd"] == 30_000_000
    assert claim["data"]["compensation"]["minimum_vnd"] == 30_000_000
    assert "Điều 39 khoản 1" in claim["data"]["compensation"]["basis"]
    # An instalment short of the allowance leaves 1 đồng owed; the rest completes it.
    part = api.acted(
        claim["id"], "record_payment", w.ent, amount_vnd=29_999_999, paid_at=t.NOW.isoformat()
    )
    assert part["compensation"]["remaining_vnd"] == 1
    paid = api.acted(claim["id"], "record_payment", w.ent, amount_vnd=1, paid_at=t.NOW.isoformat())
    assert paid["compensation"]["paid_vnd"] == 30_000_000
    assert paid["compensation"]["remaining_vnd"] == 0


def test_the_same_accident_at_work_is_compensated_in_full(api, w, t):
    claim = assessed_claim(api, w, t, 25)
    assert claim["data"]["accident_type"] == "at_work"
    # 7.5 months × 10,000,000 = 75,000,000 (Art. 38(4)(a)).
    assert claim["compensation"]["minimum_vnd"] == 75_000_000
    assert "Điều 38 khoản 4 điểm a" in claim["data"]["compensation"]["basis"]


def test_a_commuting_accident_nobody_else_caused_demands_no_employer_minimum(api, w, t):
    claim = assessed_claim(api, w, t, 25, accident_type="commuting", third_party=False)
    assert claim["state"] == "assessed"
    assert claim["compensation"]["minimum_vnd"] == 0
    assert "Điều 39 khoản 1" in claim["data"]["compensation"]["basis"]
    # Nothing is owed by the employer (the insured worker gets the fund's benefit): no payment
    # to record, no compensation deadline.
    assert "record_payment" not in claim["actions"]
    assert all(d["name"] != "compensation" for d in claim["deadlines"])
    body = api.refused(
        claim["id"], "record_payment", w.ent, 409, amount_vnd=1_000_000, paid_at=t.NOW.isoformat()
    )
    assert "Điều 39 khoản 1" in body["error"]


def test_the_case_page_shows_the_type_and_the_third_party(api, w, signed_in):
    body = declare(api, w, accident_type="commuting", third_party=True)
    page = signed_in(w.ent.username).get(f"/cases/{body['id']}").get_data(as_text=True)
    assert 'data-testid="accident-type"' in page
    assert "Tai nạn trên đường đi và về" in page
    assert "Do người thứ ba hoặc không xác định được người gây ra" in page
    at_work = declare(api, w)
    page = signed_in(w.ent.username).get(f"/cases/{at_work['id']}").get_data(as_text=True)
    assert "Tai nạn tại nơi làm việc / trong giờ làm việc" in page
    assert 'data-testid="third-party"' not in page


def test_an_accident_recorded_before_its_type_shows_at_work(api, w, signed_in):
    body = declare(api, w)
    case = db.session.get(Case, body["id"])
    case.data = {k: v for k, v in case.data.items() if k not in ("accident_type", "third_party")}
    db.session.commit()
    page = signed_in(w.ent.username).get(f"/cases/{body['id']}").get_data(as_text=True)
    assert "Tai nạn tại nơi làm việc / trong giờ làm việc" in page


def test_the_declaration_form_asks_the_type_and_declares_it(w, signed_in):
    client = signed_in(w.ent.username)
    page = client.get("/cases/declare").get_data(as_text=True)
    assert 'name="accident_type"' in page and 'name="third_party"' in page
    assert '<option selected value="at_work">' in page
    assert "Loại tai nạn" in page and "Tai nạn trên đường đi và về" in page
    assert "Do người thứ ba hoặc không xác định được người gây ra" in page
    victim = accident_body(w.commune.code)["victims"][0]
    form = {
        "csrf_token": csrf_token_from(page),
        "occurred_date": "2026-11-20",
        "occurred_time": "08:30",
        "commune_code": w.commune.code,
        "location": "Đường Lê Lợi",
        "description": "Bị xe máy va phải trên đường đến xưởng.",
        "accident_type": "commuting",
        "third_party": "y",
        **{f"victims-0-{key}": str(value) for key, value in victim.items()},
    }
    response = client.post("/cases/declare", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    case = db.session.scalars(select(Case).where(Case.location == "Đường Lê Lợi")).one()
    assert (case.data["accident_type"], case.data["third_party"]) == ("commuting", True)


def test_the_form_refuses_an_unknown_type_next_to_its_input(w, signed_in, t):
    client = signed_in(w.ent.username)
    page = client.get("/cases/declare").get_data(as_text=True)
    victim = accident_body(w.commune.code)["victims"][0]
    form = {
        "csrf_token": csrf_token_from(page),
        "occurred_date": "2026-11-20",
        "occurred_time": "08:30",
        "commune_code": w.commune.code,
        "location": "Xưởng",
        "description": "Diễn biến.",
        "accident_type": "road",
        **{f"victims-0-{key}": str(value) for key, value in victim.items()},
    }
    before = t.case_count()
    response = client.post("/cases/declare", data=form)
    assert response.status_code == 422
    assert 'id="accident_type-error"' in response.get_data(as_text=True)
    assert t.case_count() == before
