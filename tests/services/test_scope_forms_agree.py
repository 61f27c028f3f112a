"""The three forms of the visibility rule agree: the list filter (``case_filter``), the one-case
check (``can_see``) and the notification recipients' filter (``viewers_filter``, whose
widening ``recipients`` would hide behind ``can_see``). Each is compared with the others on
every pair of a user and a case, for every role, so a form that lets one more case (or one
more reader) through disagrees with its twin."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Case, User
from app.services.visibility import can_see, case_filter, viewers_filter
from tests.api.claim_flow import DOSSIER, announce_accident, assessed_claim, claims_of, stamp
from tests.factories import act, make_accident


@pytest.fixture
def world(app, declaration_day, tenants):
    # The people of the two tenants (``tenants`` also names their communes and enterprises).
    users = SimpleNamespace(**{k: v for k, v in vars(tenants).items() if isinstance(v, User)})
    make_accident(users.ent_a)
    make_accident(users.ent_b)
    make_accident(users.comm_x)
    unfiled = claims_of(announce_accident(users.ent_b))
    filed = assessed_claim(users.ent_a)
    act(filed, users.ent_a, "file_insurance", filed_at=stamp(), dossier=DOSSIER)
    db.session.commit()
    cases = db.session.scalars(select(Case).order_by(Case.id)).all()
    assert {c.kind for c in cases} == {"accident", "claim"}
    assert len(unfiled) == 1 and any(c.insurance_filed for c in cases)
    return users, cases


def _names(users) -> list[str]:
    return list(vars(users))


def test_the_list_filter_selects_exactly_the_cases_can_see_allows(world):
    users, cases = world
    for name in _names(users):
        user = getattr(users, name)
        listed = set(db.session.scalars(select(Case.id).where(case_filter(user))))
        allowed = {c.id for c in cases if can_see(user, c)}
        assert listed == allowed, name


def test_each_role_sees_some_cases_and_misses_others(world):
    """Keeps the comparison above meaningful: no role sees nothing or everything by accident."""
    users, cases = world
    all_ids = {c.id for c in cases}
    for name in _names(users):
        seen = {c.id for c in cases if can_see(getattr(users, name), c)}
        if name in ("insp", "city_union"):
            assert seen == all_ids, name
        elif name == "admin":
            assert seen == set(), name
        else:
            assert set() < seen < all_ids, name


@pytest.mark.parametrize("role", ["enterprise", "union", "commune", "insurance", "inspector"])
def test_notification_readers_are_exactly_those_who_can_see_the_case(world, role):
    users, cases = world
    of_role = [u for u in vars(users).values() if u.role == role]
    for case in cases:
        readers = set(
            db.session.scalars(select(User.id).where(User.role == role, viewers_filter(case, role)))
        )
        assert readers == {u.id for u in of_role if can_see(u, case)}, (case.code, role)
