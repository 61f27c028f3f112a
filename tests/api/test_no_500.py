"""Every API route, walked with the inputs that used to answer 500 (issue #12, "Bounds"): ids
of 2⁶³ and more in the path, a page of 10²⁰, dates the server cannot convert and bodies that
are too large, too deep or hold numbers of 10⁴⁰. Each answers 4xx, never 500, for every role.

The routes are read from the app's URL map, so a route added later is walked too; each path
tried must reach the route it names (an id too large for ``<int:…>`` answers 404 because no
route matches, which is the point: the same path with a small id reaches the route).
"""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from tests.factories import accident_body, make_accident, make_user

HUGE = [2**63, 2**64, 10**20, 10**40]
DATES = ["9999-12-31T23:59:59-23:59", "0001-01-01", "0001-01-01T00:00:00+00:00", "9999-12-31"]
QUERIES = [
    {"page": "100000000000000000000"},
    {"page": "-1"},
    {"page": "٣"},
    {"per_page": str(10**20)},
    {"cursor": "cjo5OTk5OTk5OTk5OTk5OTk5OTk5OTk5"},  # "r:" and a 23-digit id
    {"year": str(10**20)},
    {"month": "9999-12"},
    {"month": "0001-01"},
    *({name: date} for name in ("from", "to") for date in DATES),
    {"from": "0001-01-01", "to": "0001-02-01"},
    {"enterprise": "9" * 30},
    {"incident": str(2**64)},
]
BODIES = [
    {"version": 2**63},
    {"version": 1, "amount_vnd": 10**40, "paid_at": "0001-01-01T00:00:00+07:00"},
    {"period": "9" * 40},
    {"capacity_loss_pct": 25, "monthly_wage_vnd": 10**40, "on_date": "0001-01-01"},
    {"victims": [{"monthly_wage_vnd": 2**64}], "occurred_at": DATES[0]},
]
ROLES = ("enterprise", "inspector", "union", "commune", "insurance", "admin")


def _api_rules(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi"
    ]


def _path(rule, number: int) -> str:
    """The rule's path with every ``<int:…>`` set to ``number`` and other arguments filled."""
    path = rule.rule
    for converter, name in re.findall(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", path):
        value = (
            str(number)
            if converter == "int"
            else {"trigger": "reject", "name": "minutes"}.get(name, "x")
        )
        path = re.sub(rf"<[^>]*\b{name}>", value, path, count=1)
    return path


def _methods(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


@pytest.fixture
def people(app, w):
    case = make_accident(w.ent, ("death",))
    db.session.commit()
    return {role: make_user(role, **_scope(role, w)) for role in ROLES}, case


def _scope(role: str, w) -> dict:
    if role in ("enterprise", "union"):
        return {"enterprise": w.enterprise}
    if role == "commune":
        return {"commune": w.commune}
    return {}


def test_every_api_route_is_walked(app):
    """The walk below covers the routes this test knows the shape of, and no route is
    skipped silently: every API route has a path argument the walk fills."""
    rules = _api_rules(app)
    assert len(rules) >= 30
    adapter = app.url_map.bind("localhost")
    for rule in rules:
        for method in _methods(rule):
            endpoint, _ = adapter.match(_path(rule, 1), method=method)
            assert endpoint == rule.endpoint, rule.rule


def test_huge_ids_in_paths_name_no_row(app):
    """An id beyond ID_MAX matches its own route with the id 0, which names no row (the view
    answers 404; the answers are walked below) — not another method's route (a 405)."""
    adapter = app.url_map.bind("localhost")
    for rule in _api_rules(app):
        if "<int:" not in rule.rule:
            continue
        for number in HUGE + [2**31]:
            for method in _methods(rule):
                endpoint, values = adapter.match(_path(rule, number), method=method)
                assert endpoint == rule.endpoint, rule.rule
                assert 0 in values.values(), rule.rule


@pytest.mark.parametrize("role", ROLES)
def test_no_api_route_answers_500_for_any_role(api, people, role):
    users, case = people
    user = users[role]
    for rule in _api_rules(api.client.application):
        for method in _methods(rule):
            _assert_not_500(api, method, _path(rule, HUGE[0]), user)
            path = _path(rule, case.id)
            for query in QUERIES:
                _assert_not_500(api, method, path, user, query=query)
            if method == "POST":
                for body in BODIES:
                    _assert_not_500(api, method, path, user, json=body)


def _assert_not_500(api, method: str, path: str, user, **kwargs) -> None:
    query = kwargs.pop("query", None)
    full = path[len("/api/v1") :]
    if method == "GET":
        response = api.get(full, user, query_string=query)
    else:
        response = api.post(full, user, query_string=query, **kwargs)
    assert response.status_code < 500, (method, path, query, kwargs, response.get_data()[:300])
    if response.is_json:
        assert "error" in response.get_json() or response.status_code < 400


def test_declaring_with_bodies_that_used_to_answer_500(api, w):
    """The declaration's own bounds: each refused with its field, nothing created."""
    from tests.api.case_api import case_count

    for victim_fields in (
        {"monthly_wage_vnd": 2**63},
        {"monthly_wage_vnd": 10**40},
        {"insured_wage_vnd": 2**64},
        {"si_years": 2**63},
    ):
        body = accident_body(w.commune.code)
        body["victims"][0].update(victim_fields)
        response = api.declare(w.ent, body)
        assert response.status_code == 422, response.get_json()
        (name,) = victim_fields
        assert f"victims.0.{name}" in response.get_json()["errors"]
    for occurred in DATES:
        response = api.declare(w.ent, accident_body(w.commune.code, occurred_at=occurred))
        assert response.status_code == 422, (occurred, response.get_json())
    assert case_count() == 0
