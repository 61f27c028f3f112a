"""Further benefits asked on a claim (Law 84/2015 Art. 49, 51, 54, 55) through the API: the
employer asks, social insurance decides them with the benefit or on their own, a
re-assessment puts the new benefit before the insurer again — and the union sees amounts only.

The clock of these tests is 20/11/2026 (base salary 2,530,000 since 1/7/2026). Figures are
worked by hand in the comments."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import CaseDeadline
from app.services.papers_claims import insurance_lines
from tests.api.claim_flow import DOSSIER, announce_accident, claims_of, local_day, stamp


@pytest.fixture
def app_config(app_config):
    """These tests read what the notices say, not how they travel: jobs run in-process
    even in the Redis run, so a notice exists when the request returns."""
    return {**app_config, "REDIS_URL": None, "JOBS_INLINE": True}


@pytest.fixture
def monthly_claim(api, w):
    """Accident on 10/3/2026, wage 10,000,000, 6 years, discharged 20/5/2026, 41 %: a monthly
    allowance of 50 % of B + 2 % of the wage — 1,465,000 at November 2026's 2,530,000."""
    accident = announce_accident(
        w.ent,
        occurred_at="2026-03-10T08:30:00+07:00",
        victims=[{"monthly_wage_vnd": 10_000_000, "si_years": 6}],
    )
    (claim,) = claims_of(accident)
    api.acted(claim.id, "refer_for_assessment", w.ent, referred_at=stamp())
    api.acted(
        claim.id,
        "record_assessment",
        w.ent,
        capacity_loss_pct=41,
        assessed_at=stamp(),
        treatment_ended_on="2026-05-20",
    )
    return claim


def today() -> str:
    return local_day()


def file_and_approve(api, w, claim_id: int) -> None:
    """The enterprise files the dossier; the insurer approves the 41 % monthly allowance."""
    api.acted(claim_id, "file_insurance", w.ent, filed_at=stamp(), dossier=DOSSIER)
    api.acted(
        claim_id, "decide_insurance", w.insurance, approved=True, kind="monthly",
        amount_vnd=1_370_000,
    )  # fmt: skip


def notices(api, user) -> list[dict]:
    return api.get("/notifications", user).get_json()["items"]


def test_items_asked_before_filing_are_decided_with_the_benefit(api, w, monthly_claim):
    claim_id = monthly_claim.id
    body = api.acted(
        claim_id, "request_item", w.ent, benefit_item="settling_abroad", requested_on=today(),
        note="Định cư tại Nhật Bản",
    )  # fmt: skip
    (item,) = body["data"]["insurance"]["benefit_items"]
    # 3 × 1,465,000 (November 2026's allowance).
    assert (item["item"], item["amount_vnd"], item["approved"]) == (
        "settling_abroad",
        4_395_000,
        None,
    )
    assert "Điều 49" in item["basis"]
    body = api.acted(
        claim_id, "request_item", w.ent, benefit_item="retraining", requested_on=today(),
        cost_vnd=90_000_000,
    )  # fmt: skip
    # 50 % of 90,000,000 = 45,000,000, capped at 15 × 2,530,000 = 37,950,000.
    assert body["data"]["insurance"]["benefit_items"][1]["amount_vnd"] == 37_950_000
    assert body["data"]["insurance"]["items_vnd"] == 4_395_000 + 37_950_000

    api.acted(claim_id, "file_insurance", w.ent, filed_at=stamp(), dossier=DOSSIER)
    body = api.acted(
        claim_id, "decide_insurance", w.insurance, approved=True, kind="monthly",
        amount_vnd=1_370_000,
    )  # fmt: skip
    ins = body["data"]["insurance"]
    assert [(i["approved"], i["decided_vnd"]) for i in ins["benefit_items"]] == [
        (True, 4_395_000),
        (True, 37_950_000),
    ]
    assert ins["items_decided_vnd"] == 42_345_000
    assert "decide_insurance" not in body["actions"]


def test_an_item_after_the_decision_reopens_it_and_tells_the_insurer(api, w, monthly_claim):
    claim_id = monthly_claim.id
    file_and_approve(api, w, claim_id)
    before = len(notices(api, w.insurance))
    api.acted(
        claim_id, "request_item", w.ent, benefit_item="convalescence", requested_on=today(),
        convalescence_days=7,
    )  # fmt: skip
    fresh = notices(api, w.insurance)[: len(notices(api, w.insurance)) - before]
    assert [n["subject"] for n in fresh if "Đề nghị thêm khoản" in n["subject"]]
    deadline = db.session.scalar(
        select(CaseDeadline).where(
            CaseDeadline.case_id == claim_id, CaseDeadline.name == "insurance_decision"
        )
    )
    assert deadline.met_at is None
    # The benefit is decided: an approval needs neither kind nor amount now.
    body = api.acted(claim_id, "decide_insurance", w.insurance, approved=True)
    (item,) = body["data"]["insurance"]["benefit_items"]
    # 41 % takes the 31-50 % band: at most 7 days × 30 % × 2,530,000 = 759,000 a day.
    assert (item["convalescence_days"], item["decided_vnd"]) == (7, 5_313_000)
    assert body["data"]["insurance"]["decided_vnd"] == 1_370_000


def test_too_many_days_and_a_union_request_are_refused_and_change_nothing(api, w, monthly_claim):
    claim_id = monthly_claim.id
    before = api.get(f"/cases/{claim_id}", w.ent).get_json()
    body = api.refused(
        claim_id, "request_item", w.ent, 422, benefit_item="convalescence",
        requested_on=today(), convalescence_days=8,
    )  # fmt: skip
    assert "convalescence_days" in body["errors"]
    api.refused(
        claim_id, "request_item", w.union, 403, benefit_item="retraining", requested_on=today(),
        cost_vnd=1_000_000,
    )  # fmt: skip
    after = api.get(f"/cases/{claim_id}", w.ent).get_json()
    assert after["version"] == before["version"]
    assert "benefit_items" not in after["data"]["insurance"]


def test_the_union_sees_the_totals_not_which_item_or_how_many_days(api, w, monthly_claim):
    claim_id = monthly_claim.id
    api.acted(
        claim_id, "request_item", w.ent, benefit_item="convalescence", requested_on=today(),
        convalescence_days=7,
    )  # fmt: skip
    union = api.get(f"/cases/{claim_id}", w.union).get_json()
    ins = union["data"]["insurance"]
    assert ins["items_vnd"] == 5_313_000
    assert "benefit_items" not in ins
    events = api.get(f"/cases/{claim_id}/events", w.union).get_json()
    (asked,) = [e for e in events if e["trigger"] == "request_item"]
    assert {"benefit_item", "convalescence_days"}.isdisjoint(asked["payload"])
    # The decision paper: the enterprise reads each item with its article, the union a total.
    data = api.get(f"/cases/{claim_id}", w.ent).get_json()["data"]
    medical = dict(insurance_lines(data, None, medical=True))
    assert "Nghỉ dưỡng sức, phục hồi sức khỏe (Điều 54), 7 ngày" in medical
    assert "Điều 54" in medical["Nghỉ dưỡng sức, phục hồi sức khỏe (Điều 54), 7 ngày"]
    plain = dict(insurance_lines(union["data"], None, medical=False))
    assert plain["Các khoản trợ cấp khác đã đề nghị"].startswith("5.313.000")
    assert not any("Điều 54" in value or "ngày" in label for label, value in plain.items())


def test_a_re_assessment_after_the_decision_asks_the_insurer_again(api, w, monthly_claim):
    claim_id = monthly_claim.id
    file_and_approve(api, w, claim_id)
    union_before = len(notices(api, w.union))
    body = api.acted(
        claim_id, "reassess", w.ent, capacity_loss_pct=55, assessed_at=stamp(), reason="combined"
    )
    ins = body["data"]["insurance"]
    assert (ins["decided_at"], ins["decided_vnd"]) == (None, None)
    (first,) = ins["decisions"]
    assert (first["approved"], first["decided_vnd"]) == (True, 1_370_000)
    assert "decide_insurance" in api.get(f"/cases/{claim_id}", w.insurance).get_json()["actions"]
    assert len(notices(api, w.union)) == union_before + 1
    assert any("giám định lại" in n["subject"] for n in notices(api, w.insurance))
    # The union's notice names no percentage.
    # (As a number of its own: a username such as "enterprise6455" is no percentage.)
    assert not re.search(r"(?<!\d)55(?!\d)", notices(api, w.union)[0]["body"])
    # The new benefit gets its own decision.
    body = api.acted(
        claim_id, "decide_insurance", w.insurance, approved=True, kind="monthly",
        amount_vnd=1_800_000,
    )  # fmt: skip
    assert [d["decided_vnd"] for d in body["data"]["insurance"]["decisions"]] == [
        1_370_000,
        1_800_000,
    ]
    assert datetime.fromisoformat(body["data"]["insurance"]["decided_at"])


def test_the_decision_notice_says_approved_or_refused(api, w, monthly_claim):
    claim_id = monthly_claim.id
    api.acted(claim_id, "file_insurance", w.ent, filed_at=stamp(), dossier=DOSSIER)
    api.acted(claim_id, "decide_insurance", w.insurance, approved=False, reason="Thiếu sổ BHXH")
    subjects = [n["subject"] for n in notices(api, w.ent)]
    assert any("BHXH từ chối" in s for s in subjects)
    assert not any("chấp thuận" in s for s in subjects)
