"""A search for one whole case code lists that case first, then what else names it (an
accident's claims, newest first) — in the list page, in the API, by page number and by cursor
(#15: the accident came last, after its claims)."""

from __future__ import annotations

import re

import pytest

from app.services.cases import CaseFilters, list_cases
from tests.api.claim_flow import announce_accident, claims_of
from tests.factories import make_user

pytestmark = pytest.mark.usefixtures("declaration_day")


@pytest.fixture
def accident(app):
    officer = make_user("enterprise", username="dn1")
    accident = announce_accident(officer, ("serious", "light", "light"))
    claims = sorted(claims_of(accident), key=lambda c: (c.declared_at, c.id), reverse=True)
    return officer, accident, [c.code for c in claims]


def test_the_case_comes_first_then_its_claims_newest_first(accident):
    officer, case, claims = accident
    for typed in (case.code, f"  {case.code.lower()} "):
        page = list_cases(officer, CaseFilters(q=typed))
        assert [c.code for c in page.items] == [case.code, *claims], typed


def test_a_claims_own_code_lists_only_that_claim(accident):
    officer, _, claims = accident
    assert [c.code for c in list_cases(officer, CaseFilters(q=claims[1])).items] == [claims[1]]


def test_by_cursor_and_by_page_each_case_once_in_the_same_order(accident):
    officer, case, claims = accident
    walked, cursor = [], None
    while True:
        page = list_cases(officer, CaseFilters(q=case.code), per_page=1, cursor=cursor)
        walked += [c.code for c in page.items]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert walked == [case.code, *claims]
    numbered = [
        c.code
        for n in (1, 2)
        for c in list_cases(officer, CaseFilters(q=case.code), n, per_page=2).items
    ]
    assert numbered == [case.code, *claims]


def test_a_forged_start_again_cursor_is_refused_outside_an_exact_search(accident):
    from app.errors import ValidationFailed
    from app.services.cases import CASES_CURSOR
    from app.services.paging import encode_cursor

    officer, case, _ = accident
    cursor = encode_cursor(CASES_CURSOR, (None, 0))
    with pytest.raises(ValidationFailed):
        list_cases(officer, CaseFilters(q="Nguyễn"), cursor=cursor)
    assert list_cases(officer, CaseFilters(q=case.code), cursor=cursor).items


def test_the_page_and_the_api_list_the_case_first(accident, signed_in, api_token, client):
    officer, case, claims = accident
    page = signed_in("dn1").get(f"/cases/?q={case.code}").get_data(as_text=True)
    listed = list(dict.fromkeys(re.findall(r"HP-\d{4}-[AC]\d{6}", page.split("<tbody", 1)[1])))
    assert listed == [case.code, *claims]
    token = api_token("dn1")
    items = client.get(
        f"/api/v1/cases?q={case.code}", headers={"Authorization": f"Bearer {token}"}
    ).get_json()["items"]
    assert [c["code"] for c in items] == [case.code, *claims]
