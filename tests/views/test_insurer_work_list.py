"""The insurer's list of claims (``/cases/?kind=claim``, "Hồ sơ đề nghị BHXH"): the claims
awaiting its decision first, the one filed longest ago at the top, then the others newest
first (#15); the API's list keeps its newest-first order."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.models import Case
from tests.api.claim_flow import assessed_claim, stamp
from tests.factories import NOW, act, make_user

DOSSIER = ["si_book", "discharge_paper", "assessment_record", "request_form",
           "investigation_minutes"]  # fmt: skip


@pytest.fixture
def claims(app, frozen):
    """Four claims filed with social insurance at 10:00 on days 1, 2, 3 and 4 (the third
    decided since), and one never filed (the insurer does not see it)."""
    ent = make_user("enterprise", username="dn1")
    insurer = make_user("insurance", username="bh1")
    made = {}
    for day in (1, 2, 3, 4, 5):
        frozen(NOW + timedelta(days=day))
        claim = assessed_claim(ent, 25)
        if day != 5:
            act(claim, ent, "file_insurance", filed_at=stamp(), dossier=DOSSIER)
        made[day] = claim
    frozen(NOW + timedelta(days=6))
    act(made[3], insurer, "decide_insurance", approved=True, kind="one_time",
        amount_vnd=20_000_000)  # fmt: skip
    return {day: db.session.get(Case, claim.id).code for day, claim in made.items()}


def codes_listed(page: str) -> list[str]:
    return re.findall(r"HP-\d{4}-C\d{6}", page.split("<tbody", 1)[1].split("</tbody>", 1)[0])


def test_the_insurer_sees_what_awaits_its_decision_first_oldest_filed_first(claims, signed_in):
    page = signed_in("bh1").get("/cases/?kind=claim").get_data(as_text=True)
    listed = list(dict.fromkeys(codes_listed(page)))
    # Awaiting: filed on days 1, 2 and 4, oldest first; then the decided one.
    assert listed == [claims[1], claims[2], claims[4], claims[3]]
    assert claims[5] not in page


def test_the_pages_of_the_work_list_continue_the_same_order(claims, app):
    from app.models import User
    from app.services.cases import CaseFilters, list_cases

    insurer = db.session.query(User).filter_by(username="bh1").one()
    filters = CaseFilters(kind="claim")
    pages = [list_cases(insurer, filters, n, per_page=2, work_list=True) for n in (1, 2)]
    assert [c.code for p in pages for c in p.items] == [claims[1], claims[2], claims[4], claims[3]]
    assert (pages[0].total, pages[0].pages) == (4, 2)


def test_the_enterprise_and_the_api_keep_newest_first(claims, signed_in, api_token, client):
    page = signed_in("dn1").get("/cases/?kind=claim").get_data(as_text=True)
    listed = list(dict.fromkeys(codes_listed(page)))
    assert listed == [claims[5], claims[4], claims[3], claims[2], claims[1]]
    token = api_token("bh1")
    items = client.get(
        "/api/v1/cases?kind=claim", headers={"Authorization": f"Bearer {token}"}
    ).get_json()["items"]
    assert [c["code"] for c in items] == [claims[4], claims[3], claims[2], claims[1]]
