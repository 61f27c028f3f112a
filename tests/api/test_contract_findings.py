"""What schemathesis found the served OpenAPI document and the API disagreeing on (#12), each
as a test of its own, with one more of its kind: 401 documented nowhere, 403 missing where a
role is refused, a 405 without ``Allow``, the calculators requiring ``capacity_loss_pct`` that
the schema marked optional, ``unread=null`` accepted as false. The run itself is
``test_openapi_contract.py``."""

from __future__ import annotations

import jsonschema_rs
import pytest

from app.permissions import roles_without
from tests.api.case_api import Api

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def test_every_operation_that_needs_a_token_documents_401(document):
    public = {("/tokens", "post"), ("/openapi.json", "get")}
    for path, method, operation in operations(document):
        needs_token = operation.get("security") != []
        assert needs_token == ((path, method) not in public), (path, method)
        if needs_token:
            assert "401" in operation["responses"], (path, method)
    assert "401" in document["paths"]["/tokens"]["post"]["responses"]  # wrong credentials
    assert "401" not in document["paths"]["/openapi.json"]["get"]["responses"]


def test_403_is_documented_wherever_a_role_is_refused_by_the_route(app, document):
    """From the routes' ``require_permission``: e.g. the administrator may not list cases,
    insurance may not read reports; the calculators refuse nobody."""
    checked = 0
    for rule in app.url_map.iter_rules():
        permission = getattr(app.view_functions[rule.endpoint], "required_permission", None)
        if not rule.rule.startswith("/api/v1/") or permission is None:
            continue
        path = rule.rule[len("/api/v1") :].replace("<int:", "{").replace("<", "{")
        path = path.replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            responses = document["paths"][path][method.lower()]["responses"]
            if roles_without(permission):
                assert "403" in responses, (path, method, permission)
            checked += 1
    assert checked > 20
    listing = document["paths"]["/cases"]["get"]["responses"]
    assert "403" in listing and "admin" in roles_without("cases.view")
    assert roles_without("calculations.use") == ()


def test_every_error_answer_is_documented_as_the_json_error(document):
    for path, method, operation in operations(document):
        for status, response in operation["responses"].items():
            if status[0] in "45":
                schema = response["content"]["application/json"]["schema"]
                assert schema.get("required") == ["error"], (path, method, status)


@pytest.mark.parametrize(
    ("method", "path", "takes"),
    [
        ("TRACE", "/api/v1/tokens", "POST"),
        ("DELETE", "/api/v1/cases", "GET"),
        ("PUT", "/api/v1/notifications/read-all", "POST"),
        ("GET", "/logout", "POST"),  # a page answers the same way, as a page
    ],
)
def test_an_undeclared_method_is_405_with_allow(app, client, method, path, takes):
    response = client.open(path, method=method)
    assert response.status_code == 405
    allowed = response.headers["Allow"].split(", ")
    assert takes in allowed and method not in allowed
    assert allowed == sorted(app.url_map.bind("localhost").allowed_methods(path))


@pytest.mark.parametrize("unread", ["null", "2", "unread", "truee"])
def test_unread_must_say_yes_or_no(client, w, unread):
    response = Api(client).get(f"/notifications?unread={unread}", w.insp)
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["unread"]


@pytest.mark.parametrize("unread", ["", "true", "false", "1", "0"])
def test_unread_as_documented_is_answered(client, w, unread):
    assert Api(client).get(f"/notifications?unread={unread}", w.insp).status_code == 200


# The calculators: what the served schema says is valid is what the API accepts, and what it
# says is invalid the API refuses, around the inputs the law makes depend on each other.
WAGE = {"monthly_wage_vnd": 10_000_000}
NO_DAY = {"insured_wage_vnd": 10_000_000, "contribution_years": 6}
INSURED = {**NO_DAY, "on_date": "2026-05-10"}
LIVING = {**NO_DAY, "capacity_loss_pct": 45}  # no on_date


@pytest.mark.parametrize(
    ("path", "body", "valid"),
    [
        ("compensation", {**WAGE}, False),  # capacity_loss_pct required unless death
        ("compensation", {**WAGE, "capacity_loss_pct": None}, False),
        ("compensation", {**WAGE, "death": False}, False),
        ("compensation", {**WAGE, "death": None, "capacity_loss_pct": None}, False),
        ("compensation", {**WAGE, "death": True}, True),
        ("compensation", {**WAGE, "death": True, "capacity_loss_pct": None}, True),
        ("compensation", {**WAGE, "capacity_loss_pct": 25}, True),
        ("compensation", {**WAGE, "capacity_loss_pct": 25, "insurer_paid_vnd": None}, True),
        ("compensation", {**WAGE, "capacity_loss_pct": 25, "accident_type": None}, True),
        (
            "compensation",
            {**WAGE, "capacity_loss_pct": 25, "third_party": True, "worker_at_fault": True},
            False,
        ),
        ("compensation", {**WAGE, "capacity_loss_pct": 101}, False),
        ("compensation", {"monthly_wage_vnd": 10**12, "capacity_loss_pct": 25}, False),
        ("insurance", {**INSURED}, False),  # the same for the insurance benefit
        ("insurance", {**INSURED, "death": True}, True),
        ("insurance", {**INSURED, "capacity_loss_pct": 45}, True),
        ("insurance", {**INSURED, "capacity_loss_pct": 45, "treatment_ended_on": ""}, True),
        ("insurance", {**INSURED, "capacity_loss_pct": 45, "treatment_ended_on": None}, True),
        ("insurance", {**INSURED, "capacity_loss_pct": 45, "treatment_ended_on": "x"}, False),
        ("insurance", {**INSURED, "death": True, "on_date": None}, False),  # the day of death
        ("insurance", {**INSURED, "capacity_loss_pct": 45, "contribution_years": 61}, False),
        # Without on_date, the Art. 50 start month must be given to pick the base salary; a
        # blank discharge day is none (it was taken as given, then the base salary of no day
        # was looked up: a 500).
        ("insurance", {**LIVING}, False),
        ("insurance", {**LIVING, "treatment_ended_on": "  "}, False),
        ("insurance", {**LIVING, "outpatient": False}, False),
        ("insurance", {**LIVING, "treatment_ended_on": "2026-06-1"}, False),
        ("insurance", {**LIVING, "treatment_ended_on": "2026-06-01"}, True),
        ("insurance", {**LIVING, "outpatient": True, "council_concluded_on": "2026-07-01"}, True),
    ],
)
def test_a_calculator_accepts_what_its_schema_allows(client, w, document, path, body, valid):
    operation = document["paths"][f"/calculations/{path}"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    validator = jsonschema_rs.validator_for(schema, validate_formats=True)
    assert validator.is_valid(body) is valid
    response = Api(client).post(f"/calculations/{path}", w.union, json=body)
    assert response.status_code == (200 if valid else 422), response.get_json()
