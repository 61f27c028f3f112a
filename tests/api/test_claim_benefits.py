"""The claim's insurance benefit on the right date, through the API: the Art. 50 start month
and its base salary, re-assessment (Art. 47) with the first decision kept in the audit trail,
and the monthly allowance re-based each month (Art. 49) — and what the union is not shown.

Expected figures are worked by hand from Law 84/2015 Art. 48 / 49 and the base-salary table
(2,340,000 from 1/7/2024; 2,530,000 from 1/7/2026)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from app.clock import now
from tests.api.claim_flow import announce_accident, claims_of, stamp

VN = timezone(timedelta(hours=7))


def claim_of(w, *, occurred_at, wage, si_years):
    accident = announce_accident(
        w.ent,
        occurred_at=occurred_at,
        victims=[{"monthly_wage_vnd": wage, "si_years": si_years}],
    )
    (claim,) = claims_of(accident)
    return claim


def assess(api, w, claim_id, pct, **extra):
    api.acted(claim_id, "refer_for_assessment", w.ent, referred_at=stamp())
    return api.acted(
        claim_id, "record_assessment", w.ent, capacity_loss_pct=pct, assessed_at=stamp(), **extra
    )


@pytest.fixture
def june_accident(w):
    """The issue's example: accident on 20/6/2026, insured wage 8,400,000, 4 years; the
    Council concludes on the declaration day, 20/11/2026."""
    return claim_of(w, occurred_at="2026-06-20T08:30:00+07:00", wage=8_400_000, si_years=4)


@pytest.mark.parametrize(
    ("extra", "month", "base", "amount", "why"),
    [
        # Outpatient: the Council's month. 15 × 2,530,000 + 1.4 × 8,400,000
        # = 37,950,000 + 11,760,000.
        ({"outpatient": True}, "2026-11", 2_530_000, 49_710_000, "ngoại trú"),
        # No discharge day known: the Council's month too.
        ({}, "2026-11", 2_530_000, 49_710_000, "không rõ ngày ra viện"),
        # Discharged on 28/6/2026: June, before the rise. 15 × 2,340,000 + 1.4 × 8,400,000
        # = 35,100,000 + 11,760,000.
        ({"treatment_ended_on": "2026-06-28"}, "2026-06", 2_340_000, 46_860_000, "ra viện"),
        # Discharged on 3/8/2026: August, after it.
        ({"treatment_ended_on": "2026-08-03"}, "2026-08", 2_530_000, 49_710_000, "ra viện"),
        # An outpatient's treatment end does not move the month (Art. 50(1)).
        (
            {"treatment_ended_on": "2026-06-28", "outpatient": True},
            "2026-11",
            2_530_000,
            49_710_000,
            "ngoại trú",
        ),
    ],
)
def test_the_benefit_uses_the_base_salary_of_its_art_50_month(
    api, w, june_accident, extra, month, base, amount, why
):
    body = assess(api, w, june_accident.id, 25, **extra)
    ins = body["data"]["insurance"]
    assert (ins["start_month"], ins["base_salary_vnd"], ins["expected_vnd"]) == (
        month,
        base,
        amount,
    )
    assert "Điều 50" in ins["start_month_basis"] and why in ins["start_month_basis"]
    assert "Điều 48" in ins["basis"] and month[5:] + "/" + month[:4] in ins["basis"]
    assert body["insurance"] == {
        "expected_kind": "one_time",
        "expected_vnd": amount,
        "decided_vnd": None,
    }
    assert body["data"].get("treatment_ended_on") == extra.get("treatment_ended_on")
    assert body["data"]["outpatient"] is bool(extra.get("outpatient"))


@pytest.mark.parametrize("ended", ["2026-06-19", "2026-11-21"])
def test_a_treatment_end_before_the_accident_or_after_the_conclusion_is_refused(
    api, w, june_accident, ended
):
    api.acted(june_accident.id, "refer_for_assessment", w.ent, referred_at=stamp())
    body = api.refused(
        june_accident.id,
        "record_assessment",
        w.ent,
        422,
        capacity_loss_pct=25,
        assessed_at=stamp(),
        treatment_ended_on=ended,
    )
    assert "treatment_ended_on" in body["errors"]


def test_the_union_is_not_shown_the_start_month_or_the_treatment_dates(api, w, june_accident):
    assess(api, w, june_accident.id, 25, treatment_ended_on="2026-06-28")
    data = api.get(f"/cases/{june_accident.id}", w.union).get_json()["data"]
    assert "capacity_loss_pct" not in data
    assert {"treatment_ended_on", "outpatient"}.isdisjoint(data)
    assert {"start_month", "start_month_basis"}.isdisjoint(data["insurance"])
    events = api.get(f"/cases/{june_accident.id}/events", w.union).get_json()
    (assessment,) = [e for e in events if e["trigger"] == "record_assessment"]
    assert assessment["payload"] == {"assessed_at": assessment["payload"]["assessed_at"]}


# -- the monthly allowance, re-based each month -------------------------------------------------


@pytest.fixture
def monthly_claim(api, w):
    """Accident on 10/3/2026, wage 10,000,000, 6 years; discharged 20/5/2026; 41 %.

    Art. 49: (30 + (41 − 31) × 2) % = 50 % of B, plus (0.5 + 5 × 0.3) % = 2 % of the wage
    (200,000): from May 2026 at 0.5 × 2,340,000 + 200,000 = 1,370,000 a month, from July 2026
    at 0.5 × 2,530,000 + 200,000 = 1,465,000."""
    claim = claim_of(w, occurred_at="2026-03-10T08:30:00+07:00", wage=10_000_000, si_years=6)
    assess(api, w, claim.id, 41, treatment_ended_on="2026-05-20")
    return claim


def benefit(api, user, claim_id, month):
    return api.get(f"/cases/{claim_id}/benefit?month={month}", user)


@pytest.mark.parametrize(
    ("month", "kind", "amount", "base"),
    [
        ("2026-04", None, 0, 2_340_000),
        ("2026-05", "monthly", 1_370_000, 2_340_000),
        ("2026-06", "monthly", 1_370_000, 2_340_000),
        ("2026-07", "monthly", 1_465_000, 2_530_000),
        ("2027-01", "monthly", 1_465_000, 2_530_000),
    ],
)
def test_the_monthly_amount_follows_the_base_salary_across_1_july_2026(
    api, w, monthly_claim, month, kind, amount, base
):
    response = benefit(api, w.ent, monthly_claim.id, month)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["month"], body["kind"], body["amount_vnd"], body["base_salary_vnd"]) == (
        month,
        kind,
        amount,
        base,
    )
    assert "Điều 49" in body["basis"] if kind else "Điều 50" in body["basis"]


def test_the_claim_carries_this_months_monthly_amount(api, w, monthly_claim):
    body = api.get(f"/cases/{monthly_claim.id}", w.ent).get_json()
    assert body["data"]["insurance"]["start_month"] == "2026-05"
    # The claim was assessed in May's terms: 1,370,000; due in November 2026: 1,465,000.
    assert body["insurance"]["expected_vnd"] == 1_370_000
    due = body["insurance"]["monthly_due"]
    assert (due["month"], due["amount_vnd"], due["base_salary_vnd"]) == (
        "2026-11",
        1_465_000,
        2_530_000,
    )
    assert "Điều 49" in due["basis"] and "11/2026" in due["basis"]


def test_the_union_gets_the_amounts_without_kind_or_basis(api, w, monthly_claim):
    body = benefit(api, w.union, monthly_claim.id, "2026-07").get_json()
    assert body == {
        "month": "2026-07",
        "kind": None,
        "amount_vnd": 1_465_000,
        "base_salary_vnd": 2_530_000,
        "basis": None,
    }
    # The claim itself says nothing of a monthly amount to the union: its very presence would
    # tell the benefit is monthly, so the loss is 31 % or more.
    insurance = api.get(f"/cases/{monthly_claim.id}", w.union).get_json()["insurance"]
    assert "monthly_due" not in insurance and insurance["expected_kind"] is None
    assert insurance["expected_vnd"] == 1_370_000


@pytest.mark.parametrize("month", ["2026-13", "2026-7", "07-2026", "", "2026-07-01"])
def test_a_bad_month_is_422(api, w, monthly_claim, month):
    response = benefit(api, w.ent, monthly_claim.id, month)
    assert response.status_code == 422
    assert "month" in response.get_json()["errors"]


def test_the_benefit_is_404_where_the_claim_is_not_visible_or_not_assessed(api, w, monthly_claim):
    for user in (w.other_ent, w.other_union, w.insurance):
        response = benefit(api, user, monthly_claim.id, "2026-07")
        assert response.status_code == 404, user.role
        assert "amount_vnd" not in response.get_json()
    # Not visible wins over a bad month: nothing tells an outsider the case exists.
    assert benefit(api, w.other_ent, monthly_claim.id, "nonsense").status_code == 404
    assert benefit(api, w.ent, monthly_claim.parent_id, "2026-07").status_code == 404
    fresh = claim_of(w, occurred_at="2026-11-20T08:30:00+07:00", wage=10_000_000, si_years=6)
    assert benefit(api, w.ent, fresh.id, "2026-11").status_code == 404


# -- re-assessment (Art. 47) --------------------------------------------------------------------


def test_a_relapse_re_assessment_changes_the_benefit_from_its_month_and_keeps_the_first(
    api, w, june_accident, frozen
):
    claim_id = june_accident.id
    first = assess(api, w, claim_id, 25, outpatient=True)
    assert first["data"]["insurance"]["expected_vnd"] == 49_710_000
    # 24 months after 20/11/2026 is 20/11/2028: a relapse cannot be re-assessed before.
    early = api.refused(
        claim_id,
        "reassess",
        w.ent,
        422,
        capacity_loss_pct=45,
        assessed_at=stamp(),
        reason="relapse",
    )
    assert "assessed_at" in early["errors"]
    assert "20/11/2028" in early["errors"]["assessed_at"][0]

    frozen(datetime(2028, 12, 5, 10, 0, tzinfo=VN))
    assessed_at = now().isoformat()
    body = api.acted(
        claim_id, "reassess", w.ent, capacity_loss_pct=45, assessed_at=assessed_at, reason="relapse"
    )
    assert body["state"] == "assessed"
    data = body["data"]
    assert data["capacity_loss_pct"] == 45
    # 45 %: (30 + 14 × 2) % = 58 % × 2,530,000 = 1,467,400, plus (0.5 + 3 × 0.3) % = 1.4 % ×
    # 8,400,000 = 117,600: 1,585,000 a month from December 2028.
    ins = data["insurance"]
    assert (ins["expected_kind"], ins["expected_vnd"], ins["start_month"]) == (
        "monthly",
        1_585_000,
        "2028-12",
    )
    assert "Điều 47" in ins["basis"] and "khoản 3" in ins["start_month_basis"]
    (previous,) = data["assessments"]
    assert previous["capacity_loss_pct"] == 25
    assert (previous["expected_kind"], previous["expected_vnd"], previous["start_month"]) == (
        "one_time",
        49_710_000,
        "2026-11",
    )
    assert previous["assessed_at"] == first["data"]["assessed_at"]

    # Each assessment governs from its own month.
    months = {
        "2026-11": ("one_time", 49_710_000),
        "2028-11": ("one_time", 0),
        "2028-12": ("monthly", 1_585_000),
    }
    for month, expected in months.items():
        got = benefit(api, w.ent, claim_id, month).get_json()
        assert (got["kind"], got["amount_vnd"]) == expected, month

    # The first decision stays in the audit trail.
    events = api.get(f"/cases/{claim_id}/events", w.ent).get_json()
    triggers = [e["trigger"] for e in events]
    assert triggers.index("record_assessment") < triggers.index("reassess")
    (recorded,) = [e for e in events if e["trigger"] == "record_assessment"]
    assert recorded["payload"]["capacity_loss_pct"] == 25
    assert recorded["payload"]["outpatient"] is True
    (reassessed,) = [e for e in events if e["trigger"] == "reassess"]
    assert reassessed["payload"]["capacity_loss_pct"] == 45
    assert reassessed["payload"]["reason"] == "relapse"

    union = api.get(f"/cases/{claim_id}", w.union).get_json()["data"]
    assert {"capacity_loss_pct", "assessments", "assessment_reason"}.isdisjoint(union)


def test_a_combined_assessment_needs_no_waiting_time_and_only_enterprise_or_inspector(
    api, w, june_accident
):
    claim_id = june_accident.id
    assess(api, w, claim_id, 25, outpatient=True)
    for user in (w.union, w.insurance):
        api.refused(
            claim_id,
            "reassess",
            user,
            403 if user is w.union else 404,
            capacity_loss_pct=35,
            assessed_at=stamp(),
            reason="combined",
        )
    api.refused(
        claim_id, "reassess", w.ent, 422, capacity_loss_pct=35, assessed_at=stamp(), reason="x"
    )
    body = api.acted(
        claim_id, "reassess", w.insp, capacity_loss_pct=35, assessed_at=stamp(), reason="combined"
    )
    # 35 %: (30 + 4 × 2) % = 38 % × 2,530,000 = 961,400, plus 1.4 % × 8,400,000 = 117,600.
    ins = body["data"]["insurance"]
    assert (ins["expected_kind"], ins["expected_vnd"], ins["start_month"]) == (
        "monthly",
        1_079_000,
        "2026-11",
    )
    assert body["insurance"]["monthly_due"]["amount_vnd"] == 1_079_000


def test_a_deceased_workers_claim_offers_no_re_assessment(api, w):
    accident = announce_accident(w.ent, outcomes=("death",), inspector=w.insp)
    (claim,) = claims_of(accident)
    body = api.get(f"/cases/{claim.id}", w.ent).get_json()
    assert "reassess" not in body["actions"]
    # 36 × 2,530,000: the month of death, November 2026.
    assert (body["data"]["insurance"]["start_month"], body["insurance"]["expected_vnd"]) == (
        "2026-11",
        91_080_000,
    )
    api.refused(
        claim.id,
        "reassess",
        w.ent,
        409,
        capacity_loss_pct=40,
        assessed_at=stamp(),
        reason="combined",
    )
