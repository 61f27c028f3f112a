"""The three answers of ``app/services/visibility.py`` agree on every pair: the SQL filter on
cases (``case_filter``), the check on one case (``can_see``) and the SQL filter on users
(``viewers_filter``), for every role, in and out of scope, for every kind, filed with
insurance or not; and a kind's ``shared_with`` declaration is all it takes to share it."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

import workflows
from app.extensions import db
from app.models import Case, User
from app.services.visibility import can_see, case_filter, viewers_filter
from tests.factories import make_commune, make_enterprise, make_user
from workflows.base import ROLES

DECLARED = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)


@pytest.fixture
def world(app):
    x, y = make_commune(), make_commune()
    a, b = make_enterprise(x), make_enterprise(y)
    users = [
        make_user("enterprise", enterprise=a),
        make_user("enterprise", enterprise=b),
        make_user("union", enterprise=a),
        make_user("union"),
        make_user("commune", commune=x),
        make_user("commune", commune=y),
        make_user("inspector"),
        make_user("insurance"),
        make_user("admin"),
    ]
    cases = []
    places = ((a, x), (a, y), (b, y), (None, x))
    for n, (kind, (enterprise, commune), filed) in enumerate(
        itertools.product(sorted(workflows.REGISTRY), places, (False, True))
    ):
        definition = workflows.get_workflow(kind)
        # Rows as the engine leaves them; only the columns the scopes read matter here.
        case = Case(
            kind=kind,
            code=f"HP-2026-{definition.letter}{n:06d}",
            state=definition.initial,
            enterprise_id=enterprise.id if enterprise else None,
            commune_code=commune.code,
            declared_at=DECLARED,
            insurance_filed=filed,
            data={},
        )
        db.session.add(case)
        cases.append(case)
    db.session.commit()
    return users, cases


def seen_by_sql(user) -> set[int]:
    return set(db.session.scalars(select(Case.id).where(case_filter(user))))


def viewers_by_sql(case, role) -> set[int]:
    query = select(User.id).where(User.role == role, viewers_filter(case, role))
    return set(db.session.scalars(query))


def assert_twins_agree(users, cases) -> None:
    for user in users:
        by_check = {case.id for case in cases if can_see(user, case)}
        assert seen_by_sql(user) == by_check, (user.role, user.username)
    for case, role in itertools.product(cases, ROLES):
        by_check = {u.id for u in users if u.role == role and can_see(u, case)}
        assert viewers_by_sql(case, role) == by_check, (case.code, role)


def test_case_filter_can_see_and_viewers_filter_agree_everywhere(world):
    assert_twins_agree(*world)


def test_insurance_sees_exactly_the_filed_claims_and_admin_nothing(world):
    users, cases = world
    insurance = next(u for u in users if u.role == "insurance")
    admin = next(u for u in users if u.role == "admin")
    filed_claims = {c.id for c in cases if c.kind == "claim" and c.insurance_filed}
    assert len(filed_claims) == 4
    assert seen_by_sql(insurance) == filed_claims
    assert seen_by_sql(admin) == set()


def test_each_role_sees_exactly_its_scope(world):
    users, cases = world
    ent_a, ent_b, union_a, city_union, comm_x, comm_y, insp, _, _ = users
    everything = {c.id for c in cases}
    assert seen_by_sql(insp) == seen_by_sql(city_union) == everything
    of_a = {c.id for c in cases if c.enterprise_id == ent_a.enterprise_id}
    assert seen_by_sql(ent_a) == seen_by_sql(union_a) == of_a
    assert seen_by_sql(ent_b) == {c.id for c in cases if c.enterprise_id == ent_b.enterprise_id}
    for commune in (comm_x, comm_y):
        expected = {c.id for c in cases if c.commune_code == commune.commune_code}
        assert seen_by_sql(commune) == expected


def test_a_kind_is_shared_by_its_declaration_alone(world, monkeypatch):
    """Declaring ``shared_with`` on the disease (on a column it indexes) shares filed diseases
    with insurance, in all three answers, without a line of visibility.py naming it."""
    users, cases = world
    disease = workflows.get_workflow("disease")
    shared = replace(
        disease,
        indexed_columns={"insurance_filed": lambda data: bool(data.get("filed"))},
        shared_with={"insurance": "insurance_filed"},
    )
    shared.validate()
    monkeypatch.setitem(workflows.REGISTRY, "disease", shared)
    insurance = next(u for u in users if u.role == "insurance")
    expected = {c.id for c in cases if c.kind in ("claim", "disease") and c.insurance_filed}
    assert len(expected) == 8
    assert seen_by_sql(insurance) == expected
    assert_twins_agree(users, cases)
