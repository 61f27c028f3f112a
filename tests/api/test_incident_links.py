"""Casualties of a serious technical incident declared as linked accident cases
(workflows.md "Serious technical incident"): the optional ``incident_code`` of an accident
declaration, its validation (422, nothing created, another enterprise's incident looks
missing), and the link shown both ways in the case detail, kept to what each role may see."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Case, CaseEvent
from tests.api.case_api import Helpers
from tests.factories import accident_body


def incident_body(**fields) -> dict:
    body = {
        "kind": "incident",
        "occurred_at": "2026-11-20T07:15:00+07:00",
        "location": "Khu lò hơi số 1",
        "equipment": "Nồi hơi ống lửa 10 tấn/giờ",
        "failure": "Van an toàn kẹt, thân nồi bị xé",
        "damage": "Hư hỏng nhà lò",
        "casualties": 2,
    }
    body.update(fields)
    return body


@pytest.fixture
def w(api, tenants):
    """Enterprise A (commune X) with an incident; enterprise B (commune Y) with its own."""
    ns = tenants
    ns.incident = api.declared(ns.ent_a, incident_body())
    ns.b_incident = api.declared(ns.ent_b, incident_body())
    return ns


def link_errors(api, user, code, commune_code, **fields) -> list[str]:
    """Declare an accident naming ``code``; expect 422 and return the incident_code errors."""
    before = Helpers.case_count()
    body = accident_body(commune_code, incident_code=code, **fields)
    response = api.declare(user, body)
    assert response.status_code == 422, response.get_json()
    assert Helpers.case_count() == before
    return response.get_json()["errors"]["incident_code"]


# -- linking ------------------------------------------------------------------------------------


def test_enterprise_links_an_accident_to_its_incident(api, w):
    incident = w.incident
    body = api.declared(w.ent_a, accident_body(w.x.code, incident_code=incident["code"]))
    assert body["incident_code"] == incident["code"]
    assert body["linked_incident"] == {
        "id": incident["id"],
        "code": incident["code"],
        "kind": "incident",
        "state": "declared",
        "severity": None,
        "occurred_at": incident["occurred_at"],
    }
    assert db.session.get(Case, body["id"]).linked_incident_id == incident["id"]
    declared = db.session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == body["id"], CaseEvent.trigger == "declare")
    ).one()
    assert declared.payload["incident_code"] == incident["code"]

    detail = api.get(f"/cases/{incident['id']}", w.ent_a).get_json()
    accidents = detail["linked_accidents"]
    assert [(a["id"], a["code"], a["state"], a["severity"]) for a in accidents] == [
        (body["id"], body["code"], "declared", "serious")
    ]
    assert "linked_incident" not in detail and "incident_code" not in detail
    assert "linked_accidents" not in api.get(f"/cases/{body['id']}", w.ent_a).get_json()


def test_the_code_may_be_typed_in_lower_case_with_spaces(api, w):
    typed = f"  {w.incident['code'].lower()} "
    body = api.declared(w.ent_a, accident_body(w.x.code, incident_code=typed))
    assert body["linked_incident"]["id"] == w.incident["id"]


def test_an_accident_without_a_code_has_no_link(api, w):
    for blank in ({}, {"incident_code": None}, {"incident_code": ""}):
        body = api.declared(w.ent_a, accident_body(w.x.code, **blank))
        assert (body["incident_code"], body["linked_incident"]) == (None, None)
    incident = api.get(f"/cases/{w.incident['id']}", w.insp).get_json()
    assert incident["linked_accidents"] == []


def test_unknown_code_is_a_field_error_and_creates_nothing(api, w):
    assert link_errors(api, w.ent_a, "HP-2026-I999999", w.x.code) == [
        "Không tìm thấy vụ việc mã HP-2026-I999999."
    ]


@pytest.mark.parametrize("code", ["abc", "HP-2026-I12", 12, ["HP-2026-I000001"]])
def test_malformed_code_is_a_field_error(api, w, code):
    assert link_errors(api, w.ent_a, code, w.x.code) == [
        "Mã sự cố không hợp lệ (ví dụ HP-2026-I000123)."
    ]


def test_a_case_that_is_not_an_incident_is_refused(api, w):
    accident = api.declared(w.ent_a, accident_body(w.x.code))
    assert link_errors(api, w.ent_a, accident["code"], w.x.code) == [
        f"Vụ việc {accident['code']} không phải là sự cố kỹ thuật gây mất an toàn, vệ sinh lao"
        " động nghiêm trọng."
    ]


def test_another_enterprises_incident_looks_missing(api, w):
    """Same answer as an unknown code: the other enterprise's case is not revealed, not even
    whether it is an incident or an accident."""
    b_code = w.b_incident["code"]
    assert link_errors(api, w.ent_a, b_code, w.x.code) == [f"Không tìm thấy vụ việc mã {b_code}."]
    b_accident = api.declared(w.ent_b, accident_body(w.y.code))["code"]
    assert link_errors(api, w.ent_a, b_accident, w.x.code) == [
        f"Không tìm thấy vụ việc mã {b_accident}."
    ]


def test_other_errors_are_reported_together_with_the_code(api, w):
    response = api.declare(
        w.ent_a, accident_body(w.x.code, location="", incident_code="HP-2026-I999999")
    )
    assert response.status_code == 422
    assert {"location", "incident_code"} <= set(response.get_json()["errors"])


def test_commune_links_an_accident_without_labour_relation_to_an_incident_in_its_commune(api, w):
    """A passer-by hurt by an enterprise's incident: the commune declares the accident."""
    body = api.declared(
        w.comm_x,
        accident_body(w.x.code, labour_relation=False, incident_code=w.incident["code"]),
    )
    assert body["enterprise"] is None
    assert body["linked_incident"]["code"] == w.incident["code"]
    # An incident in another commune is outside the commune's scope: it looks missing.
    b_code = w.b_incident["code"]
    assert link_errors(api, w.comm_x, b_code, w.x.code, labour_relation=False) == [
        f"Không tìm thấy vụ việc mã {b_code}."
    ]


# -- who sees the links -------------------------------------------------------------------------


@pytest.fixture
def linked(api, w):
    """Three accidents of the incident: enterprise A's in commune X, enterprise A's on a site in
    commune Y, and a commune X declaration (no enterprise)."""
    code = w.incident["code"]
    w.a_in_x = api.declared(w.ent_a, accident_body(w.x.code, incident_code=code))["id"]
    w.a_in_y = api.declared(w.ent_a, accident_body(w.y.code, incident_code=code))["id"]
    w.commune_x = api.declared(
        w.comm_x, accident_body(w.x.code, labour_relation=False, incident_code=code)
    )["id"]
    return w


def _linked_accidents(api, user, w) -> set[int] | None:
    response = api.get(f"/cases/{w.incident['id']}", user)
    if response.status_code == 404:
        return None
    return {a["id"] for a in response.get_json()["linked_accidents"]}


def test_each_role_sees_only_the_linked_accidents_it_may_see(api, linked):
    w = linked
    everything = {w.a_in_x, w.a_in_y, w.commune_x}
    expected = {
        "insp": everything,
        "city_union": everything,
        "ent_a": {w.a_in_x, w.a_in_y},
        "union_a": {w.a_in_x, w.a_in_y},
        "comm_x": {w.a_in_x, w.commune_x},
        "comm_y": None,  # the incident is in commune X
        "ent_b": None,
        "insurance": None,
    }
    seen = {role: _linked_accidents(api, getattr(w, role), w) for role in expected}
    assert seen == expected


def test_the_accident_opens_its_incident_only_for_who_may_see_the_incident(api, linked):
    w = linked
    for user in (w.insp, w.ent_a, w.union_a, w.city_union):
        body = api.get(f"/cases/{w.a_in_y}", user).get_json()
        assert body["linked_incident"]["id"] == w.incident["id"], user.role
    # Commune Y sees enterprise A's accident on its territory, not A's incident in commune X:
    # the accident still names the code it was declared with, but offers no case to open.
    body = api.get(f"/cases/{w.a_in_y}", w.comm_y).get_json()
    assert body["incident_code"] == w.incident["code"]
    assert body["linked_incident"] is None
    body = api.get(f"/cases/{w.commune_x}", w.comm_x).get_json()
    assert body["linked_incident"]["code"] == w.incident["code"]


def test_the_case_list_does_not_carry_the_links(api, linked):
    items = api.get("/cases?kind=incident", linked.insp).get_json()["items"]
    assert items and all("linked_accidents" not in item for item in items)


def test_openapi_documents_the_incident_code_and_the_links(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert "incident_code" in schemas["AccidentDeclaration"]["properties"]
    links = {"incident_code", "linked_incident", "linked_accidents"}
    assert links <= set(schemas["Case"]["properties"])
    assert "CaseLink" in schemas
