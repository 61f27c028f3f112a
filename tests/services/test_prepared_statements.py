"""Lists build their page statement once per shape and run it with each call's values
(``app.services.prepared``): tenants never share values, and a value written as a plain
literal, or a choice left out of the shape, is caught under test."""

from __future__ import annotations

import pytest
from sqlalchemy import Integer, literal, select

from app.extensions import db
from app.models import Case
from app.services.cases import CaseFilters, list_case_rows, list_cases
from app.services.prepared import Bound, Prepared
from tests.factories import make_accident, make_enterprise, make_user


def test_two_enterprises_through_one_kept_statement_each_see_their_own(app):
    """The second enterprise's page runs the statement kept for the first one's shape: it
    must list its own cases (its id is a parameter), also with testing's check off."""
    first = make_user("enterprise", username="e1")
    second = make_user("enterprise", username="e2", enterprise=make_enterprise())
    mine = {make_accident(first, ("light",)).id, make_accident(first, ("light",)).id}
    theirs = {make_accident(second, ("serious",)).id}
    app.testing = False  # production's path: no rebuild to compare against
    try:
        for lister in (list_case_rows, list_cases):
            assert {c.id for c in lister(first, CaseFilters()).items} == mine
            assert {c.id for c in lister(second, CaseFilters()).items} == theirs
            assert {c.id for c in lister(first, CaseFilters(severity="light")).items} == mine
            assert lister(second, CaseFilters(severity="light")).items == []
    finally:
        app.testing = True


def test_a_value_written_as_a_literal_is_caught_under_test(app):
    cache = Prepared("a test list")

    def page(limit: int):
        bound = Bound("a test list")

        def build():  # wrong: the value is a literal, not bound by name
            return select(Case.id).limit(literal(limit, Integer()))

        statement = cache.statement(bound, build)
        return db.session.execute(statement, bound.values).all()

    page(1)
    with pytest.raises(AssertionError, match="not bound by name"):
        page(2)


def test_a_choice_left_out_of_the_shape_is_caught_under_test(app):
    cache = Prepared("a test list")

    def page(newest_first: bool):
        bound = Bound("a test list")  # wrong: the order is not marked

        def build():
            order = Case.id.desc() if newest_first else Case.id
            return select(Case.id).order_by(order)

        return cache.statement(bound, build)

    page(True)
    with pytest.raises(AssertionError, match="a shape names two statements"):
        page(False)


def test_one_name_bound_to_two_values_is_refused():
    bound = Bound()
    bound("x", 1, Integer())
    bound("x", 1, Integer())  # the same value again is the same parameter
    with pytest.raises(ValueError, match="bound twice"):
        bound("x", 2, Integer())
