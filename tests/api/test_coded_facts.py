"""Coded facts captured through the API: a victim's occupation code at declaration, the
minutes' cause and injuring factor and the property damage at conclusion, the employer's costs
and the compensation paid on the claim — each checked against its code list (422 with the
field's path, nothing changed) and each landing in the column the statistics read."""

from __future__ import annotations

from app.extensions import db
from app.models import Case, Victim
from app.services import codes
from tests.api.claim_flow import announce_accident, assessed_claim, claims_of, stamp
from tests.factories import accident_body, head, make_accident, victim_body
from tests.factories import act as fire

MINUTES = {
    "is_work_accident": True,
    "causes": ["Máy dập không có che chắn"],
    "worker_at_fault": False,
    "responsibilities": "Người sử dụng lao động",
    "measures": ["Lắp che chắn"],
}


def investigating(w):
    """A light accident of ``w.enterprise``, its own team investigating (the employer heads)."""
    case = make_accident(w.ent, ("light",))
    fire(case, w.ent, "open_investigation", team=head(organisation="employer"))
    return case


# -- declaration ------------------------------------------------------------------------------


def test_a_victims_occupation_code_is_stored_beside_the_free_text(api, w):
    body = accident_body(w.commune.code, victims=[victim_body(occupation_code="72")])
    created = api.declared(w.ent, body)
    assert created["victims"][0]["occupation_code"] == "72"
    victim = db.session.get(Victim, created["victims"][0]["id"])
    assert (victim.occupation, victim.occupation_code) == ("Thợ hàn", "72")


def test_a_victim_may_be_declared_without_an_occupation_code(api, w):
    victim = victim_body()
    del victim["occupation_code"]
    created = api.declared(w.ent, accident_body(w.commune.code, victims=[victim]))
    assert db.session.get(Victim, created["victims"][0]["id"]).occupation_code is None


def test_an_occupation_code_not_in_the_list_is_refused_at_its_path(api, w, t):
    victims = [victim_body(), victim_body(occupation_code="999")]
    response = api.declare(w.ent, accident_body(w.commune.code, victims=victims))
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert list(errors) == ["victims.1.occupation_code"]
    assert errors["victims.1.occupation_code"] == ["Mã 999 không có trong danh mục."]
    assert t.case_count() == 0


def test_a_deactivated_occupation_code_is_no_longer_accepted(api, w, t):
    codes.set_active("occupation", "72", False)
    response = api.declare(w.ent, accident_body(w.commune.code))
    assert response.status_code == 422
    assert "victims.0.occupation_code" in response.get_json()["errors"]
    assert t.case_count() == 0


# -- the minutes ------------------------------------------------------------------------------


def test_conclude_with_codes_sets_the_statistics_columns(api, w):
    case = investigating(w)
    body = api.acted(
        case.id, "conclude", w.ent, **MINUTES, cause_code="NSD02",
        injuring_factor_code="yt04", property_damage_vnd=150_000_000,
    )  # fmt: skip
    assert body["state"] == "concluded"
    db.session.expire_all()
    stored = db.session.get(Case, case.id)
    assert stored.data["minutes"]["cause_code"] == "NSD02"
    assert stored.data["minutes"]["injuring_factor_code"] == "YT04"  # codes are upper case
    assert stored.data["minutes"]["causes"] == ["Máy dập không có che chắn"]
    assert stored.data["property_damage_vnd"] == 150_000_000
    assert (stored.cause_code, stored.injuring_factor_code) == ("NSD02", "YT04")
    assert stored.property_damage_vnd == 150_000_000
    assert stored.not_work_accident is False


def test_conclude_without_codes_leaves_the_columns_empty(api, w):
    case = investigating(w)
    api.acted(case.id, "conclude", w.ent, **MINUTES)
    db.session.expire_all()
    stored = db.session.get(Case, case.id)
    assert (stored.cause_code, stored.injuring_factor_code, stored.property_damage_vnd) == (
        None,
        None,
        None,
    )
    assert "cause_code" not in stored.data["minutes"]


def test_unknown_codes_are_refused_with_every_field_at_once(api, w):
    case = investigating(w)
    body = api.refused(
        case.id, "conclude", w.ent, 422, **MINUTES, cause_code="NSD77",
        injuring_factor_code="YT01", property_damage_vnd=-5,
    )  # fmt: skip
    assert set(body["errors"]) == {"cause_code", "property_damage_vnd"}
    assert body["errors"]["cause_code"] == [
        "Mã NSD77 không có trong danh mục Nguyên nhân tai nạn lao động."
    ]


def test_a_code_of_another_list_is_refused(api, w):
    case = investigating(w)
    body = api.refused(case.id, "conclude", w.ent, 422, **MINUTES, injuring_factor_code="NSD01")
    assert list(body["errors"]) == ["injuring_factor_code"]


def test_an_incidents_minutes_take_the_same_codes(api, w):
    incident = api.declared(
        w.ent,
        {"kind": "incident", "occurred_at": "2026-11-20T08:30:00+07:00",
         "commune_code": w.commune.code, "location": "Nhà lò", "description": "Nổ nồi hơi.",
         "equipment": "Nồi hơi", "failure": "Van an toàn kẹt", "damage": "Hư hỏng nhà lò"},
    )  # fmt: skip
    team = [{"name": "Trần Thanh Tra", "organisation": "inspectorate", "role": "head"}]
    api.acted(incident["id"], "open_investigation", w.insp, team=team)
    minutes = {k: v for k, v in MINUTES.items() if k not in ("is_work_accident", "worker_at_fault")}
    api.refused(incident["id"], "conclude", w.insp, 422, **minutes, cause_code="XYZ")
    api.acted(incident["id"], "conclude", w.insp, **minutes, cause_code="KQ",
              injuring_factor_code="YT06")  # fmt: skip
    stored = db.session.get(Case, incident["id"])
    assert stored.data["minutes"]["cause_code"] == "KQ"
    assert stored.data["minutes"]["injuring_factor_code"] == "YT06"


# -- the claim: costs and compensation ----------------------------------------------------------


def test_record_costs_writes_the_victims_columns_and_keeps_a_history(api, w, t):
    accident = announce_accident(w.ent)
    (claim,) = claims_of(accident)
    victim_id = claim.victim_id
    api.acted(claim.id, "record_costs", w.ent, days_off=12, medical_costs_vnd=8_500_000)
    t.freeze(t.at(days=2))
    body = api.acted(claim.id, "record_costs", w.insp, days_off=20, wage_costs_vnd=6_000_000)
    victim = db.session.get(Victim, victim_id)
    db.session.refresh(victim)
    assert (victim.days_off, victim.medical_costs_vnd, victim.wage_costs_vnd) == (
        20,
        8_500_000,
        6_000_000,
    )
    costs = body["data"]["costs"]
    assert (costs["days_off"], costs["medical_costs_vnd"], costs["wage_costs_vnd"]) == (
        20,
        8_500_000,
        6_000_000,
    )
    assert [(h.get("days_off"), h["recorded_by"]) for h in costs["history"]] == [
        (12, w.ent.username),
        (20, w.insp.username),
    ]
    # The accident's own page shows the victim's costs.
    parent = api.get(f"/cases/{accident.id}", w.insp).get_json()
    assert parent["victims"][0]["days_off"] == 20


def test_record_costs_needs_at_least_one_figure(api, w):
    accident = announce_accident(w.ent)
    (claim,) = claims_of(accident)
    body = api.refused(claim.id, "record_costs", w.ent, 422)
    assert "days_off" in body["errors"]
    body = api.refused(claim.id, "record_costs", w.ent, 422, days_off=-1, medical_costs_vnd="x")
    assert set(body["errors"]) == {"days_off", "medical_costs_vnd"}


def test_record_costs_is_the_employers_or_the_inspectors(api, w):
    accident = announce_accident(w.ent)
    (claim,) = claims_of(accident)
    api.refused(claim.id, "record_costs", w.union, 403, days_off=3)


def test_record_payment_adds_to_the_victims_compensation_paid(api, w):
    claim = assessed_claim(w.ent)
    minimum = claim.data["compensation"]["minimum_vnd"]
    api.acted(claim.id, "record_payment", w.ent, amount_vnd=minimum + 1_000, paid_at=stamp())
    victim = db.session.get(Victim, claim.victim_id)
    db.session.refresh(victim)
    assert victim.compensation_paid_vnd == minimum + 1_000
