"""A claim's further benefits (convalescence Art. 54, assistive device Art. 51, retraining
Art. 55, settling abroad Art. 49), social insurance's decision covering them, and what a
re-assessment reopens (the insurer's decision; the compensation when the rules table says so).

Expected amounts are worked out by hand from the law in the comments, not by the code under
test."""

from datetime import date, datetime, timedelta, timezone

import pytest

from tests.workflows.test_claim import claim_data
from workflows.base import Context
from workflows.claim import has_both_tracks_done
from workflows.law.rules import RuleBook

VN = timezone(timedelta(hours=7))
NOW = datetime(2026, 6, 20, 10, 0, tzinfo=VN)
ASSESSED = datetime(2026, 6, 10, 9, 0, tzinfo=VN)
DOSSIER = [
    "Sổ bảo hiểm xã hội",
    "Giấy ra viện",
    "Biên bản giám định y khoa",
    "Văn bản đề nghị mẫu 05A-HSB",
    "Biên bản điều tra tai nạn lao động",
]


def _data(**changes):
    # The claim of test_claim.py: wage and insured wage 10,000,000, 6 years, insured.
    return claim_data(**changes)


@pytest.fixture
def assessed(h, fire):
    def _assessed(pct=25, **data):
        data = _data(**data)
        case = h.snapshot("claim", "awaiting_assessment", code="HP-2026-C000009", data=data)
        payload = {"capacity_loss_pct": pct, "assessed_at": ASSESSED.isoformat()}
        return fire(case, "record_assessment", "enterprise", payload, now=NOW).case

    return _assessed


def _ask(fire, case, item, on="2026-06-15", now=NOW, **fields):
    payload = {"benefit_item": item, "requested_on": on, **fields}
    return fire(case, "request_item", "enterprise", payload, now=now).case


def _items(case):
    return case.data["insurance"]["benefit_items"]


# -- convalescence (Art. 54): 30 % of the base salary a day, at most 10 / 7 / 5 days ---------


@pytest.mark.parametrize(
    ("pct", "days", "on", "amount"),
    [
        (15, 5, "2026-06-15", 5 * 702_000),  # 30 % × 2,340,000 = 702,000 a day
        (30, 5, "2026-06-30", 5 * 702_000),
        (31, 7, "2026-06-15", 7 * 702_000),
        (50, 7, "2026-06-15", 7 * 702_000),
        (51, 10, "2026-06-15", 10 * 702_000),
        (81, 10, "2026-06-15", 10 * 702_000),
        (41, 3, "2026-07-01", 3 * 759_000),  # from 1/7/2026: 30 % × 2,530,000
    ],
)
def test_convalescence_days_by_band_at_the_base_salary_of_the_request(
    assessed, fire, pct, days, on, amount
):
    now = datetime(2026, 7, 2, 9, 0, tzinfo=VN)
    case = _ask(fire, assessed(pct), "convalescence", on=on, now=now, convalescence_days=days)
    (item,) = _items(case)
    assert (item["item"], item["convalescence_days"], item["amount_vnd"]) == (
        "convalescence",
        days,
        amount,
    )
    assert item["approved"] is None and "Điều 54" in item["basis"]
    assert case.data["insurance"]["items_vnd"] == amount


@pytest.mark.parametrize(("pct", "too_many"), [(15, 6), (30, 6), (31, 8), (50, 8), (51, 11)])
def test_more_convalescence_days_than_the_band_allows_fault_the_days(
    assessed, fire, h, pct, too_many
):
    case = assessed(pct)
    with pytest.raises(h.Refused) as info:
        _ask(fire, case, "convalescence", convalescence_days=too_many)
    assert [r.field for r in info.value.reasons] == ["convalescence_days"]


def test_below_15_percent_there_is_no_convalescence_and_one_per_assessment(assessed, fire, h):
    with pytest.raises(h.Refused) as info:
        _ask(fire, assessed(14), "convalescence", convalescence_days=1)
    assert "dưới 15%" in info.value.reasons[0]
    case = _ask(fire, assessed(25), "convalescence", convalescence_days=2)
    with pytest.raises(h.Refused):
        _ask(fire, case, "convalescence", convalescence_days=2)


# -- assistive device (Art. 51) and retraining (Art. 55) ---------------------------------------


def test_an_assistive_device_is_paid_up_to_its_cap(assessed, fire, h):
    case = _ask(
        fire, assessed(41), "assistive_device", cost_vnd=12_000_000, cap_vnd=8_000_000,
        note="Chân giả",
    )  # fmt: skip
    (item,) = _items(case)
    assert (item["amount_vnd"], item["cap_vnd"], item["note"]) == (8_000_000, 8_000_000, "Chân giả")
    with pytest.raises(h.Refused) as info:
        _ask(fire, case, "assistive_device", cost_vnd=1_000_000)
    assert [r.field for r in info.value.reasons] == ["cap_vnd"]


def test_retraining_half_the_tuition_within_15_base_salaries_once_a_year_twice_in_all(
    assessed, fire, h
):
    # 50 % of 40,000,000 = 20,000,000 < 15 × 2,340,000 = 35,100,000.
    case = _ask(fire, assessed(41), "retraining", cost_vnd=40_000_000)
    assert _items(case)[0]["amount_vnd"] == 20_000_000
    # A second in the same calendar year is refused.
    with pytest.raises(h.Refused) as info:
        _ask(fire, case, "retraining", cost_vnd=10_000_000, on="2026-06-18")
    assert "mỗi năm" in info.value.reasons[0]
    # The next year: 50 % of 80,000,000 = 40,000,000 capped at 15 × 2,530,000 = 37,950,000.
    later = datetime(2027, 3, 2, 9, 0, tzinfo=VN)
    case = _ask(fire, case, "retraining", cost_vnd=80_000_000, on="2027-03-01", now=later)
    assert _items(case)[1]["amount_vnd"] == 37_950_000
    # A third, ever, is refused.
    latest = datetime(2028, 3, 2, 9, 0, tzinfo=VN)
    with pytest.raises(h.Refused) as info:
        _ask(fire, case, "retraining", cost_vnd=1_000_000, on="2028-03-01", now=latest)
    assert "02 lần" in info.value.reasons[0]


# -- settling abroad (Art. 49): 3 months of the monthly allowance ------------------------------


def test_settling_abroad_pays_three_months_of_the_monthly_allowance(assessed, fire, h):
    # 41 % from June 2026: 50 % × 2,340,000 + (0.5 + 5 × 0.3) % × 10,000,000 = 1,370,000.
    case = _ask(fire, assessed(41), "settling_abroad")
    assert _items(case)[0]["amount_vnd"] == 3 * 1_370_000
    with pytest.raises(h.Refused):
        _ask(fire, case, "settling_abroad")  # once
    # In July the allowance is re-based: 50 % × 2,530,000 + 200,000 = 1,465,000.
    july = datetime(2026, 7, 3, 9, 0, tzinfo=VN)
    other = _ask(fire, assessed(41), "settling_abroad", on="2026-07-02", now=july)
    assert _items(other)[0]["amount_vnd"] == 3 * 1_465_000


def test_settling_abroad_needs_a_monthly_allowance(assessed, fire, h):
    with pytest.raises(h.Refused) as info:
        _ask(fire, assessed(25), "settling_abroad")
    assert "hằng tháng" in info.value.reasons[0]


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [({"insured": False}, "không tham gia bảo hiểm"), ({"death": True}, "đã chết")],
)
def test_items_need_a_living_insured_worker(h, fire, changes, fragment, rules):
    from workflows.claim import assessment_data

    data = _data(**changes)
    extra, _ = assessment_data(
        data, capacity_loss_pct=None if changes.get("death") else 41,
        death=bool(changes.get("death")), assessed_at=ASSESSED, rules=rules,
    )  # fmt: skip
    case = h.snapshot("claim", "assessed", code="HP-2026-C000009", data={**data, **extra})
    with pytest.raises(h.Refused) as info:
        _ask(fire, case, "retraining", cost_vnd=1_000_000)
    assert fragment in " ".join(info.value.reasons)


@pytest.mark.parametrize(
    ("on", "field"), [("2026-06-21", "requested_on"), ("2026-06-09", "requested_on")]
)
def test_the_request_day_lies_between_the_conclusion_and_today(assessed, fire, h, on, field):
    case = assessed(41)
    with pytest.raises(h.Refused) as info:
        _ask(fire, case, "retraining", on=on, cost_vnd=1_000_000)
    assert [r.field for r in info.value.reasons] == [field]


# -- the insurer's decision covers the items ---------------------------------------------------


def _file(fire, case, at=NOW):
    return fire(
        case, "file_insurance", "enterprise", {"filed_at": at.isoformat(), "dossier": DOSSIER},
        now=at,
    ).case  # fmt: skip


def _decide(fire, case, approved=True, now=NOW, **fields):
    return fire(case, "decide_insurance", "insurance", {"approved": approved, **fields}, now=now)


def test_the_decision_covers_the_benefit_and_every_item_asked_before_it(assessed, fire, rules):
    case = _ask(fire, assessed(41), "retraining", cost_vnd=40_000_000)
    case = _file(fire, case)
    decided = _decide(fire, case, kind="monthly", amount_vnd=1_370_000).case
    ins = decided.data["insurance"]
    (item,) = ins["benefit_items"]
    assert (item["approved"], item["decided_vnd"]) == (True, 20_000_000)
    assert ins["items_decided_vnd"] == 20_000_000
    assert [(d["benefit"], d["items"]) for d in ins["decisions"]] == [(True, [1])]
    assert has_both_tracks_done(Context(decided, None, {}, NOW, rules)) is not None  # unpaid


def test_an_item_asked_after_the_decision_gets_its_own_decision_and_deadline(
    assessed, fire, offered, rules
):
    case = _file(fire, assessed(41))
    case = _decide(fire, case, kind="monthly", amount_vnd=1_370_000).case
    assert offered(case, "insurance") == []
    later = NOW + timedelta(days=3)
    fired = fire(
        case, "request_item", "enterprise",
        {"benefit_item": "convalescence", "requested_on": "2026-06-22", "convalescence_days": 7},
        now=later,
    )  # fmt: skip
    assert fired.outcome.deadlines["insurance_decision"].due_at == later + timedelta(days=10)
    case = fired.case
    assert offered(case, "insurance") == ["decide_insurance"]
    # The benefit is decided already: the decision needs neither kind nor amount.
    refused = _decide(fire, case, approved=False, reason="Chưa đủ hồ sơ", now=later).case
    ins = refused.data["insurance"]
    assert (ins["approved"], ins["decided_vnd"]) == (True, 1_370_000)  # the benefit's stays
    item = ins["benefit_items"][0]
    assert (item["approved"], item["decided_vnd"]) == (False, 0)
    decisions = [(d["benefit"], d["approved"]) for d in ins["decisions"]]
    assert decisions == [(True, True), (False, False)]
    assert offered(refused, "insurance") == []
    # A refused item may be asked again.
    again = _ask(fire, refused, "convalescence", on="2026-06-23", now=later, convalescence_days=7)
    assert len(_items(again)) == 2


# -- re-assessment reopens the insurer's decision -----------------------------------------------


def _reassess(fire, case, pct, at, reason="combined", rules_now=NOW):
    payload = {"capacity_loss_pct": pct, "assessed_at": at.isoformat(), "reason": reason}
    return fire(case, "reassess", "enterprise", payload, now=rules_now)


def test_a_re_assessment_puts_the_new_benefit_before_the_insurer_again(assessed, fire, offered):
    case = _file(fire, assessed(25))
    case = _decide(fire, case, kind="one_time", amount_vnd=55_100_000).case
    fired = _reassess(fire, case, 41, NOW)
    new = fired.case
    ins = new.data["insurance"]
    assert (ins["decided_at"], ins["approved"], ins["decided_vnd"]) == (None, None, None)
    assert ins["decisions"][0]["decided_vnd"] == 55_100_000
    assert fired.outcome.deadlines["insurance_decision"].due_at == NOW + timedelta(days=10)
    assert offered(new, "insurance") == ["decide_insurance"]
    events = [n.event for n in fired.transition.notify]
    assert events == ["claim.reassessed", "claim.reassessed"]


class TestWithTheDifferenceRule:
    """The rules-table switch ``reassessment_compensation`` set to "difference" (UNVERIFIED)."""

    @pytest.fixture
    def rules(self):
        return RuleBook.with_rows([("reassessment_compensation", date(2016, 7, 1), "difference")])

    def test_a_higher_loss_owes_the_compensation_difference(self, assessed, fire):
        case = assessed(25)
        # 25 %: 1.5 + 15 × 0.4 = 7.5 months × 10,000,000.
        assert case.data["compensation"]["minimum_vnd"] == 75_000_000
        pay = {"amount_vnd": 75_000_000, "paid_at": NOW.isoformat()}
        case = fire(case, "record_payment", "enterprise", pay, now=NOW).case
        confirm = {"confirmed_at": NOW.isoformat()}
        case = fire(case, "confirm_receipt", "union", confirm, now=NOW).case
        fired = _reassess(fire, case, 41, NOW)
        comp = fired.case.data["compensation"]
        # 41 %: 1.5 + 31 × 0.4 = 13.9 months → 139,000,000; 75,000,000 paid, the rest owed.
        assert (comp["minimum_vnd"], comp["paid_vnd"], comp["paid_at"], comp["confirmed_at"]) == (
            139_000_000,
            75_000_000,
            None,
            None,
        )
        assert fired.outcome.deadlines["compensation"].due_at == NOW + timedelta(days=5)
        # Paying the difference reaches the new minimum (what was paid counts).
        rest = {"amount_vnd": 64_000_000, "paid_at": NOW.isoformat()}
        case = fire(fired.case, "record_payment", "enterprise", rest, now=NOW).case
        assert case.data["compensation"]["paid_vnd"] == 139_000_000

    def test_a_lower_or_equal_loss_changes_no_compensation(self, assessed, fire):
        case = assessed(41)
        fired = _reassess(fire, case, 35, NOW)
        assert fired.case.data["compensation"] == case.data["compensation"]
        assert "compensation" not in fired.outcome.deadlines


def test_by_default_a_re_assessment_leaves_the_compensation_as_paid(assessed, fire):
    case = assessed(25)
    fired = _reassess(fire, case, 41, NOW)
    assert fired.case.data["compensation"] == case.data["compensation"]
