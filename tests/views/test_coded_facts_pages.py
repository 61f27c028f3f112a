"""Coded facts captured on the web pages: the declaration's occupation code, the minutes'
cause and injuring factor with the property damage, a claim's costs — each a select of the
code list's active codes, and a refused form keeps what was chosen and typed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Case, Victim
from app.services import codes
from tests.api.claim_flow import announce_accident, claims_of
from tests.conftest import csrf_token_from
from tests.factories import act, head, make_accident, make_user, victim_body

T0 = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam


def text_of(response) -> str:
    return response.get_data(as_text=True)


def declaration(token: str, commune: str, **victim) -> dict:
    data = {
        "csrf_token": token,
        "occurred_date": "2026-11-20",
        "occurred_time": "08:30",
        "commune_code": commune,
        "location": "Xưởng cơ khí số 2",
        "description": "Công nhân bị máy dập kẹp tay.",
    }
    body = victim_body("serious", **victim)
    body["monthly_wage_vnd"] = "9.000.000"
    body["si_years"] = str(body["si_years"])
    data.update({f"victims-0-{key}": value for key, value in body.items()})
    return data


def test_the_declaration_offers_the_occupation_list_and_stores_the_code(signed_in, frozen):
    frozen(T0)
    user = make_user("enterprise", username="hoa")
    client = signed_in("hoa")
    page = text_of(client.get("/cases/declare"))
    assert 'name="victims-0-occupation_code"' in page
    assert '<option value="72">72 — Thợ kim loại, thợ cơ khí và thợ có liên quan</option>' in page
    token = csrf_token_from(page)
    response = client.post("/cases/declare", data=declaration(token, user.enterprise.commune_code))
    assert response.status_code == 302
    victim = db.session.scalars(select(Victim)).one()
    assert (victim.occupation, victim.occupation_code) == ("Thợ hàn", "72")


def test_a_refused_declaration_keeps_the_chosen_occupation_even_when_no_longer_offered(
    signed_in, frozen
):
    frozen(T0)
    user = make_user("enterprise", username="hoa")
    client = signed_in("hoa")
    token = csrf_token_from(text_of(client.get("/cases/declare")))
    codes.set_active("occupation", "72", False)  # withdrawn while the form was open
    response = client.post("/cases/declare", data=declaration(token, user.enterprise.commune_code))
    assert response.status_code == 422
    page = text_of(response)
    assert 'id="victims-0-occupation_code-error"' in page
    assert '<option selected value="72">' in page
    assert db.session.scalars(select(Case)).first() is None


def concluding(frozen):
    frozen(T0)
    reporter = make_user("enterprise")
    inspector = make_user("inspector", username="thanh")
    case = make_accident(reporter, ("death",))
    act(case, inspector, "open_investigation", team=head())
    frozen(T0 + timedelta(days=3))
    return case


def minutes_form(token: str, **extra) -> dict:
    return {
        "csrf_token": token,
        "version": "2",
        "conclude-is_work_accident": "true",
        "conclude-worker_at_fault": "false",
        "conclude-causes": "Máy dập không có che chắn",
        "conclude-responsibilities": "Người sử dụng lao động",
        "conclude-measures": "Lắp che chắn",
        **extra,
    }


def test_conclude_form_offers_the_codes_and_sets_the_columns(signed_in, frozen):
    case = concluding(frozen)
    client = signed_in("thanh")
    page = text_of(client.get(f"/cases/{case.id}"))
    assert 'name="conclude-cause_code"' in page and 'name="conclude-injuring_factor_code"' in page
    assert '<option value="NSD04">NSD04 — Không có hoặc không đủ phương tiện bảo vệ cá nhân' in page
    assert '<option value="YT03">YT03 — Điện giật</option>' in page
    response = client.post(
        f"/cases/{case.id}/actions/conclude",
        data=minutes_form(csrf_token_from(page), **{
            "conclude-cause_code": "NSD04", "conclude-injuring_factor_code": "YT03",
            "conclude-property_damage_vnd": "12.500.000",
        }),
    )  # fmt: skip
    assert response.status_code == 302, text_of(response)
    db.session.refresh(case)
    assert (case.cause_code, case.injuring_factor_code) == ("NSD04", "YT03")
    assert case.property_damage_vnd == 12_500_000


def test_a_refused_conclusion_keeps_what_was_chosen_and_typed(signed_in, frozen):
    case = concluding(frozen)
    client = signed_in("thanh")
    token = csrf_token_from(text_of(client.get(f"/cases/{case.id}")))
    response = client.post(
        f"/cases/{case.id}/actions/conclude",
        data=minutes_form(token, **{
            "conclude-cause_code": "NSD99", "conclude-injuring_factor_code": "YT03",
            "conclude-property_damage_vnd": "12.500.000",
        }),
    )  # fmt: skip
    assert response.status_code == 422
    page = text_of(response)
    assert 'id="conclude-cause_code-error"' in page
    assert "Mã NSD99 không có trong danh mục" in page
    assert '<option selected value="NSD99">' in page
    assert '<option selected value="YT03">' in page
    assert 'value="12.500.000"' in page
    assert "Máy dập không có che chắn" in page
    db.session.refresh(case)
    assert case.state == "investigating" and case.cause_code is None


def test_costs_are_recorded_from_the_claim_page(signed_in, frozen):
    frozen(T0)
    user = make_user("enterprise", username="hoa")
    accident = announce_accident(user)
    (claim,) = claims_of(accident)
    client = signed_in("hoa")
    page = text_of(client.get(f"/cases/{claim.id}"))
    assert 'data-testid="form-record_costs"' in page
    token = csrf_token_from(page)
    refused = client.post(
        f"/cases/{claim.id}/actions/record_costs",
        data={"csrf_token": token, "version": str(claim.version),
              "record_costs-wage_costs_vnd": "ba triệu"},
    )  # fmt: skip
    assert refused.status_code == 422
    assert 'value="ba triệu"' in text_of(refused)
    response = client.post(
        f"/cases/{claim.id}/actions/record_costs",
        data={"csrf_token": token, "version": str(claim.version),
              "record_costs-days_off": "14", "record_costs-medical_costs_vnd": "4.200.000"},
    )  # fmt: skip
    assert response.status_code == 302, text_of(response)
    victim = db.session.get(Victim, claim.victim_id)
    db.session.refresh(victim)
    assert (victim.days_off, victim.medical_costs_vnd, victim.wage_costs_vnd) == (
        14,
        4_200_000,
        None,
    )
