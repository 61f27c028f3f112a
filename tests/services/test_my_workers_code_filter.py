"""The "my workers" list filtered by a code: part of a claim's code or of its accident's, in
any letter case, not only the whole code (#15)."""

from __future__ import annotations

import pytest

from app.services import claims
from tests.api.claim_flow import announce_accident, claims_of
from tests.factories import make_user

pytestmark = pytest.mark.usefixtures("declaration_day")


@pytest.fixture
def two_accidents(app):
    officer = make_user("enterprise", username="dn1")
    first = claims_of(announce_accident(officer, ("light", "light")))
    second = claims_of(announce_accident(officer, ("light",)))
    union = make_user("union", username="cd1", enterprise=officer.enterprise)
    return union, first, second


def codes(union, typed: str) -> set[str]:
    return {row.code for row in claims.my_workers(union, claims.WorkerFilters(code=typed)).rows}


def test_the_whole_code_of_a_claim_or_its_accident_still_finds_it(two_accidents):
    union, first, second = two_accidents
    assert codes(union, first[0].code) == {first[0].code}
    assert codes(union, first[0].parent.code) == {c.code for c in first}


def test_part_of_a_code_in_any_case_finds_the_claims(two_accidents):
    union, first, second = two_accidents
    # The sequence of the claim ("C000002"), typed in lower case and without its prefix.
    tail = first[1].code.split("-")[-1].lower()
    assert codes(union, tail) == {first[1].code}
    # Part of the accident's code: its letter and number.
    accident_tail = second[0].parent.code.split("-")[-1]
    assert codes(union, f" {accident_tail.lower()} ") == {second[0].code}
    # What every code of the year holds: all of them.
    assert codes(union, "hp-2026") == {c.code for c in first + second}


def test_a_code_part_that_matches_nothing_finds_nothing_and_wildcards_are_literal(two_accidents):
    union, _, _ = two_accidents
    assert codes(union, "HP-2025") == set()
    assert codes(union, "%") == set() and codes(union, "_") == set()


def test_the_page_filters_by_part_of_a_code(two_accidents, signed_in):
    union, first, second = two_accidents
    tail = second[0].code.split("-")[-1].lower()
    page = signed_in("cd1").get(f"/claims/?code={tail}").get_data(as_text=True)
    assert f'data-testid="claim-{second[0].code}"' in page
    assert f'data-testid="claim-{first[0].code}"' not in page
