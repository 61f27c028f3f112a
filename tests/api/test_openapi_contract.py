"""The contract is what the API does: schemathesis against the OpenAPI document the app serves.

Every operation of ``GET /api/v1/openapi.json`` is generated from its schema — the coverage
phase (each parameter and body property at its boundaries, missing, of the wrong type; methods
the path does not take) and a bounded fuzzing phase, valid and invalid data alike — and sent
with a bearer token of each role (enterprise, inspector, grassroots union, commune, insurance,
admin) to a database holding one declared fatal accident (id 1, which the documented minimum of
an id makes the coverage phase ask for). Each answer must hold the checks below; the run fails
with schemathesis's report (the failing request as ``curl``) otherwise.

- no 5xx; every status code and content type documented for the operation; every JSON body
  valid against its documented schema; documented response headers present;
- invalid data refused (4xx), never answered as if valid (``unread=null`` was);
- a method the path does not take answered 405 with ``Allow``; a missing or bad token 401.

Not checked: that every schema-valid request is accepted. Business rules refuse much valid
input with 409/422 (a commune that does not exist, a trigger in the wrong state), which the
document says per operation; ``positive_data_acceptance`` would call each of those a failure.

Bounded so it runs in a couple of minutes: the fuzzing phase draws ``SCHEMATHESIS_EXAMPLES``
(default 10) examples per operation, each sent with every role's token; the coverage phase,
much larger, sends each of its cases once, with one role chosen from the case itself (so a
failure replays with the same role); ``SCHEMATHESIS_SEED`` (default fixed, so CI sees the same
cases each run) changes what is drawn; the stateful phase is off. See docs/api.md.
"""

from __future__ import annotations

import os
import zlib
from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.meta import TestPhase

from app import create_app
from tests.api.case_api import Api
from tests.factories import make_accident

ROLES = ("ent", "insp", "union", "comm", "insurance", "admin")  # the ``w`` fixture's users
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "10"))
SEED = int(os.environ.get("SCHEMATHESIS_SEED", "20261130"))

CONFIG = {
    "seed": SEED,
    # Probes (a request without the token, with a bad one) go to the same WSGI app.
    "base-url": "http://localhost/api/v1",
    "generation": {
        "max-examples": EXAMPLES,
        "mode": "all",
        # The token is the role under test, added to every request; schemathesis tests
        # a missing or bad one itself (ignored_auth).
        "with-security-parameters": False,
    },
    "phases": {"stateful": {"enabled": False}},
    "checks": {"positive_data_acceptance": {"enabled": False}},
}

# The document as the app serves it (no database is needed to build the app or the document).
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json",
    create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}),
    config=SchemathesisConfig.from_dict(CONFIG),
)


@pytest.fixture
def world(app, w):
    """Every role's user (``w``) and one declared fatal accident, case 1."""
    case = make_accident(w.ent, outcomes=("death",))
    assert case.id == 1
    return w


def roles_for(case) -> tuple[str, ...]:
    """Every role for a fuzzed case; one, chosen from the case's own data, for a coverage case
    (the coverage phase makes many, and which role a case gets must not change on replay)."""
    if case.meta is None or case.meta.phase.name != TestPhase.COVERAGE:
        return ROLES
    drawn = repr((case.method, case.path_parameters, case.query, case.headers, case.body))
    return (ROLES[zlib.crc32(drawn.encode()) % len(ROLES)],)


@schema.parametrize()
@settings(
    deadline=timedelta(seconds=20),  # one example is one call per role, a PDF at worst
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # the database is meant to fill up as it runs
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
def test_every_operation_answers_as_documented_to_every_role(case, app, client, world):
    case.operation.schema.app = app  # this test's app and database, for the probes too
    api = Api(client)
    for role in roles_for(case):
        case.call_and_validate(headers=api.headers(getattr(world, role)), app=app)
