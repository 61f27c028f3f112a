"""What the pages, the decision paper and the notices tell a reader without medical access of a
claim's assessment (app/services/privacy.py): the amounts, never the months of wages, the
benefit's kind or the 5 % band — and the medical roles read them all. The must-hold walk over
every route is ``tests/api/test_privacy_walk.py``; these are its examples, one by one."""

from __future__ import annotations

import html
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from app.jobs.messages import MEDICAL_MESSAGES, MESSAGES, render
from app.models import Notification
from tests.api.claim_flow import assessed_claim, stamp
from tests.factories import act, make_user

pytestmark = pytest.mark.usefixtures("frozen")

BAND = "Dưới 5%"
NEUTRAL = "Đã có kết luận giám định"


@pytest.fixture
def app_config(app_config):
    """These tests read what the notices say, not how they travel: jobs run in-process
    even in the Redis run, so a notice exists when the request returns."""
    return {**app_config, "REDIS_URL": None, "JOBS_INLINE": True}


@pytest.fixture
def people(app):
    ent = make_user("enterprise", username="dn1")
    union = make_user("union", username="cd1", enterprise=ent.enterprise)
    make_user("inspector", username="tt1")
    return ent, union


def pdf_text(response) -> str:
    assert response.status_code == 200
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)


def test_a_claim_below_the_threshold_is_named_neutrally_to_the_union(people, signed_in):
    ent, _ = people
    claim = assessed_claim(ent, 3)
    assert claim.state == "not_eligible"
    union = signed_in("cd1")
    page = union.get(f"/cases/{claim.id}").get_data(as_text=True)
    assert NEUTRAL in page and BAND not in page  # the state, the timeline
    # The diagram is drawn in its own frame (app/headers.py), for the same user.
    assert 'src="/cases/diagram/claim?current=not_eligible"' in page
    drawn = union.get("/cases/diagram/claim?current=not_eligible").get_data(as_text=True)
    assert f'state "{NEUTRAL}" as not_eligible' in html.unescape(drawn) and BAND not in drawn
    listing = union.get("/claims/").get_data(as_text=True)
    assert NEUTRAL in listing and BAND not in listing
    cases = union.get("/cases/").get_data(as_text=True)  # the state filter's choices
    assert BAND not in cases and NEUTRAL in cases
    for who in ("dn1", "tt1"):
        assert BAND in signed_in(who).get(f"/cases/{claim.id}").get_data(as_text=True), who


def test_the_union_reads_the_amounts_of_a_claim_but_not_what_tells_its_percentage(
    people, signed_in
):
    """35 %: 11.5 months of a 10,000,000 wage, and a monthly allowance."""
    ent, _ = people
    claim = assessed_claim(ent, 35)
    assert claim.data["compensation"]["months"] == 11.5
    assert claim.data["insurance"]["expected_kind"] == "monthly"
    union, employer = signed_in("cd1"), signed_in("dn1")

    row = union.get("/claims/").get_data(as_text=True)
    assert "115.000.000" in row  # the minimum owed
    assert "hằng tháng" not in row and "/tháng" not in row
    assert "Trợ cấp hằng tháng" in employer.get("/claims/").get_data(as_text=True)

    page = union.get(f"/cases/{claim.id}").get_data(as_text=True)
    assert "115.000.000" in page
    for secret in ("11,5", "11.5", "35%", "hằng tháng", "Điều 49", "Tháng bắt đầu hưởng"):
        assert secret not in page, secret
    own = employer.get(f"/cases/{claim.id}").get_data(as_text=True)
    assert "Tháng bắt đầu hưởng" in own and 'data-testid="compensation-basis"' in own

    paper = pdf_text(union.get(f"/claims/{claim.id}/decision.pdf"))
    assert "115.000.000" in paper and "Một trăm mười lăm triệu đồng" in paper
    for secret in ("Số tháng lương", "11,5", "35%", "hằng tháng", "Tháng bắt đầu hưởng"):
        assert secret not in paper, secret
    own_paper = pdf_text(employer.get(f"/claims/{claim.id}/decision.pdf"))
    assert "Số tháng lương" in own_paper and "11,5" in own_paper and "35%" in own_paper


def test_the_notice_of_a_below_threshold_assessment_is_worded_for_each_reader(people):
    ent, union = people
    claim = assessed_claim(ent, 3)
    notes = {
        user.username: db.session.scalars(
            select(Notification).where(
                Notification.user_id == user.id, Notification.event == "claim.not_eligible"
            )
        ).one()
        for user in (ent, union)
    }
    assert BAND.lower() in notes["dn1"].subject.lower()
    assert "5%" not in notes["cd1"].subject + notes["cd1"].body
    assert "kết luận" in notes["cd1"].subject and claim.code in notes["cd1"].subject


def test_a_notice_with_a_medical_text_has_a_neutral_one_for_everyone_else():
    values = {"case_code": "HP-2026-C000001", "actor": "dn1"}
    for event in MEDICAL_MESSAGES:
        assert event in MESSAGES
        assert render(event, values, medical=True) != render(event, values, medical=False)
        assert "5%" not in "".join(render(event, values, medical=False))
    # An event without a medical text reads the same to both.
    event = "claim.payment_recorded"
    assert render(event, values, medical=True) == render(event, values, medical=False)


def test_the_insurers_decided_kind_and_reason_stay_with_the_medical_roles(people, signed_in):
    ent, _ = people
    insurer = make_user("insurance", username="bh1")
    claim = assessed_claim(ent, 20)
    dossier = ["si_book", "discharge_paper", "assessment_record", "request_form",
               "investigation_minutes"]  # fmt: skip
    act(claim, ent, "file_insurance", filed_at=stamp(), dossier=dossier)
    act(claim, insurer, "decide_insurance", approved=True, kind="one_time",
        amount_vnd=12_345_000, reason="Theo biên bản giám định ngày 20/11")  # fmt: skip
    page = signed_in("cd1").get(f"/cases/{claim.id}").get_data(as_text=True)
    assert "12.345.000" in page  # the amount decided
    assert "Theo biên bản giám định" not in page and "một lần" not in page
    own = signed_in("bh1").get(f"/cases/{claim.id}").get_data(as_text=True)
    assert "Theo biên bản giám định" in own
