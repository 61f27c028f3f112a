"""Who sees which case through the API (workflows.md "Parties and roles"), inside and outside
each role's scope, for every kind: enterprise own, inspector all, grassroots union its
enterprise, city union everything (masked), commune its commune, insurance only filed claims,
admin nothing."""

from __future__ import annotations

import pytest

from tests.factories import accident_body, victim_body


@pytest.fixture
def world(api, tenants):
    ns = tenants
    x, y = ns.x, ns.y
    ns.a_accident = api.declared(ns.ent_a, accident_body(x.code))["id"]
    # Enterprise A's worker hurt on a site in commune Y: the case happened in commune Y.
    ns.a_in_y = api.declared(ns.ent_a, accident_body(y.code))["id"]
    ns.a_disease = api.declared(
        ns.ent_a,
        {
            "kind": "disease",
            "disease": "Bệnh bụi phổi silic",
            "diagnosed_at": "2026-10-01",
            "exposure": "Bụi",
            "facility": "Bệnh viện",
            "victims": [victim_body()],
        },
    )["id"]
    ns.a_incident = api.declared(
        ns.ent_a,
        {
            "kind": "incident",
            "occurred_at": "2026-11-20T07:00:00+07:00",
            "location": "Lò hơi",
            "equipment": "Nồi hơi",
            "failure": "Nổ",
            "damage": "Hỏng",
        },
    )["id"]
    ns.b_accident = api.declared(ns.ent_b, accident_body(y.code))["id"]
    ns.x_commune = api.declared(ns.comm_x, accident_body(x.code, labour_relation=False))["id"]
    ns.all = {
        ns.a_accident,
        ns.a_in_y,
        ns.a_disease,
        ns.a_incident,
        ns.b_accident,
        ns.x_commune,
    }
    return ns


def visible(api, user) -> set[int]:
    body = api.get("/cases", user).get_json()
    return {item["id"] for item in body["items"]}


def test_each_role_lists_exactly_its_scope(api, world):
    w = world
    a_cases = {w.a_accident, w.a_in_y, w.a_disease, w.a_incident}
    expected = {
        "ent_a": a_cases,
        "ent_b": {w.b_accident},
        "union_a": a_cases,
        "union_b": {w.b_accident},
        "city_union": w.all,
        "comm_x": {w.a_accident, w.a_disease, w.a_incident, w.x_commune},
        "comm_y": {w.a_in_y, w.b_accident},
        "insp": w.all,
        "insurance": set(),
    }
    for name, cases in expected.items():
        user = getattr(w, name)
        assert visible(api, user) == cases, name
        for case_id in w.all:
            status = api.get(f"/cases/{case_id}", user).status_code
            assert status == (200 if case_id in cases else 404), (name, case_id)


def test_city_union_sees_everything_masked(api, world):
    body = api.get(f"/cases/{world.b_accident}", world.city_union).get_json()
    assert all("******" in v["national_id"] for v in body["victims"])
    assert all("injury_description" not in v for v in body["victims"])


def test_commune_cannot_see_a_commune_record_of_another_commune(api, world):
    assert api.get(f"/cases/{world.x_commune}", world.comm_y).status_code == 404
    assert api.get(f"/cases/{world.x_commune}/events", world.comm_y).status_code == 404


def test_admin_has_no_case_content(api, world):
    for path in ("/cases", f"/cases/{world.a_accident}", f"/cases/{world.a_accident}/events",
                 f"/cases/{world.a_accident}/documents",
                 f"/cases/{world.a_accident}/papers/declaration.pdf"):  # fmt: skip
        response = api.get(path, world.admin)
        assert response.status_code == 403, path
        assert "Nguyễn" not in response.get_data(as_text=True)


def test_no_token_no_answer(client, world):
    for path in ("/api/v1/cases", f"/api/v1/cases/{world.a_accident}",
                 f"/api/v1/cases/{world.a_accident}/documents",
                 f"/api/v1/cases/{world.a_accident}/papers/declaration.pdf"):  # fmt: skip
        assert client.get(path).status_code == 401
        assert client.get(path, headers={"Authorization": "Bearer nope"}).status_code == 401


def test_tasks_stay_in_scope(api, world):
    case_ids = {task["case_id"] for task in api.get("/tasks", world.ent_b).get_json()}
    assert case_ids <= {world.b_accident}
    case_ids = {task["case_id"] for task in api.get("/tasks", world.comm_y).get_json()}
    assert world.x_commune not in case_ids


def test_a_missing_case_and_an_invisible_one_answer_alike(api, world):
    hidden = api.get(f"/cases/{world.a_accident}", world.ent_b)
    missing = api.get("/cases/999999", world.ent_b)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json() == missing.get_json()
