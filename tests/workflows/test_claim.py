"""The claim lifecycle: assessment routing, the computed minimum compensation and expected
insurance benefit, and the two independent tracks (employer payment, social insurance)."""

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

from workflows import get_workflow
from workflows.base import Context
from workflows.claim import NOTHING_OWED, assessment_data, benefit_due, victim_claim_data

WF = get_workflow("claim")
VN = timezone(timedelta(hours=7))
NOW = datetime(2026, 6, 20, 10, 0, tzinfo=VN)
ASSESSED = datetime(2026, 6, 10, 9, 0, tzinfo=VN)

EXPECTED_TABLE = [
    ("assessed", "close", "closed"),
    ("assessed", "confirm_receipt", "assessed"),
    ("assessed", "decide_insurance", "assessed"),
    ("assessed", "file_insurance", "assessed"),
    ("assessed", "reassess", "assessed"),
    ("assessed", "record_costs", "assessed"),
    ("assessed", "record_payment", "assessed"),
    ("assessed", "request_item", "assessed"),
    ("awaiting_assessment", "record_assessment", "assessed"),
    ("awaiting_assessment", "record_assessment", "not_eligible"),
    ("awaiting_assessment", "record_costs", "awaiting_assessment"),
    ("not_eligible", "close", "closed"),
    ("not_eligible", "record_costs", "not_eligible"),
    ("treatment", "record_costs", "treatment"),
    ("treatment", "refer_for_assessment", "awaiting_assessment"),
]


def claim_data(**changes):
    data = {
        "victim_id": 1,
        "source": "accident",
        "death": False,
        "worker_at_fault": False,
        "monthly_wage_vnd": 10_000_000,
        "insured_wage_vnd": 10_000_000,
        "insured": True,
        "si_years": 6,
        "occurred_at": "2026-05-10T08:00:00+07:00",
        "died_at": None,
    }
    data.update(changes)
    return data


@pytest.fixture
def claim(h):
    def _claim(state="awaiting_assessment", **data):
        return h.snapshot("claim", state, code="HP-2026-C000001", data=claim_data(**data))

    return _claim


@pytest.fixture
def assessed(claim, fire):
    def _assessed(pct=25, **data):
        payload = {"capacity_loss_pct": pct, "assessed_at": ASSESSED.isoformat()}
        return fire(claim(**data), "record_assessment", "enterprise", payload, now=NOW).case

    return _assessed


def test_transition_table_snapshot(h):
    assert h.table(WF) == EXPECTED_TABLE


@pytest.mark.parametrize(
    ("state", "trigger"),
    [
        ("treatment", "record_assessment"),
        ("treatment", "record_payment"),
        ("treatment", "close"),
        ("awaiting_assessment", "refer_for_assessment"),
        ("awaiting_assessment", "close"),
        ("awaiting_assessment", "file_insurance"),
        ("not_eligible", "record_payment"),
        ("not_eligible", "file_insurance"),
        ("assessed", "record_assessment"),
        ("assessed", "refer_for_assessment"),
        ("closed", "record_payment"),
        ("closed", "close"),
        ("closed", "reopen"),
    ],
)
def test_illegal_trigger_has_no_transition(state, trigger):
    assert WF.transitions_for(trigger, state) == ()


def test_referral_moves_to_awaiting_assessment(claim, fire):
    fired = fire(
        claim("treatment"),
        "refer_for_assessment",
        "enterprise",
        {"referred_at": "2026-06-01T08:00:00+07:00"},
        now=NOW,
    )
    assert fired.case.state == "awaiting_assessment"
    assert fired.case.data["referred_at"] == "2026-06-01T08:00:00+07:00"


def test_assessment_of_25_percent_computes_minimum_and_due_date(assessed):
    case = assessed(25)
    assert case.state == "assessed"
    comp = case.data["compensation"]
    assert comp["minimum_vnd"] == 75_000_000
    assert comp["months"] == 7.5
    assert comp["paid_vnd"] == 0 and comp["paid_at"] is None and comp["confirmed_at"] is None
    assert comp["due_at"] == (ASSESSED + timedelta(days=5)).isoformat()
    assert "Điều 38" in comp["basis"]
    assert case.deadlines["compensation"]["due_at"] == ASSESSED + timedelta(days=5)
    assert case.deadlines["compensation"]["days"] == 5


def test_assessment_computes_the_expected_insurance_benefit(assessed):
    case = assessed(25)
    ins = case.data["insurance"]
    # [5 + 20 × 0.5] × 2,340,000 + [0.5 + 5 × 0.3] × 10,000,000 (base salary on the accident day)
    assert ins["expected_kind"] == "one_time"
    assert ins["expected_vnd"] == 55_100_000
    assert ins["base_salary_vnd"] == 2_340_000
    assert ins["applicable"] is True
    assert ins["filed_at"] is None and ins["decided_at"] is None
    assert case.deadlines["insurance_filing"]["due_at"] == ASSESSED + timedelta(days=30)


def test_assessment_of_45_percent_expects_a_monthly_benefit(assessed):
    ins = assessed(45).data["insurance"]
    assert (ins["expected_kind"], ins["expected_vnd"]) == ("monthly", 1_557_200)


def test_worker_wholly_at_fault_is_owed_40_percent(assessed):
    assert assessed(25, worker_at_fault=True).data["compensation"]["minimum_vnd"] == 30_000_000


@pytest.mark.parametrize(
    ("pct", "dest"),
    [(4.9, "not_eligible"), (0, "not_eligible"), (5, "assessed"), (100, "assessed")],
)
def test_assessment_routes_on_five_percent(claim, fire, pct, dest):
    payload = {"capacity_loss_pct": pct, "assessed_at": ASSESSED.isoformat()}
    fired = fire(claim(), "record_assessment", "inspector", payload, now=NOW)
    assert fired.case.state == dest


def test_below_threshold_records_no_compensation_and_closes(claim, fire):
    payload = {"capacity_loss_pct": 3, "assessed_at": ASSESSED.isoformat()}
    case = fire(claim(), "record_assessment", "enterprise", payload, now=NOW).case
    assert "compensation" not in case.data and case.deadlines == {}
    assert case.data["capacity_loss_pct"] == 3
    assert fire(case, "close", "union", now=NOW).case.state == "closed"


def test_union_may_not_record_an_assessment(claim, refusal):
    payload = {"capacity_loss_pct": 30, "assessed_at": ASSESSED.isoformat()}
    assert refusal(claim(), "record_assessment", "union", payload, now=NOW)


def test_assessment_in_the_future_is_refused(claim, refusal):
    payload = {"capacity_loss_pct": 30, "assessed_at": (NOW + timedelta(days=1)).isoformat()}
    assert "tương lai" in refusal(claim(), "record_assessment", "enterprise", payload, now=NOW)


# -- compensation track -------------------------------------------------------------------------


def test_payment_at_the_minimum_meets_the_deadline_and_cannot_repeat(assessed, fire, refusal):
    fired = fire(
        assessed(25),
        "record_payment",
        "enterprise",
        {"amount_vnd": 75_000_000, "paid_at": NOW.isoformat()},
        now=NOW,
    )
    assert fired.case.state == "assessed"
    assert fired.case.data["compensation"]["paid_vnd"] == 75_000_000
    assert fired.case.deadlines["compensation"]["met_at"] == NOW
    assert refusal(
        fired.case,
        "record_payment",
        "enterprise",
        {"amount_vnd": 1, "paid_at": NOW.isoformat()},
        now=NOW,
    )


@pytest.mark.parametrize("role", ["union", "inspector", "insurance"])
def test_only_the_employer_records_payment(assessed, refusal, role):
    assert refusal(
        assessed(25),
        "record_payment",
        role,
        {"amount_vnd": 75_000_000, "paid_at": NOW.isoformat()},
        now=NOW,
    )


def test_receipt_is_confirmed_only_after_payment(assessed, fire, refusal):
    case = assessed(25)
    assert "Chưa có khoản thanh toán" in refusal(
        case, "confirm_receipt", "union", {"confirmed_at": NOW.isoformat()}, now=NOW
    )
    paid = fire(
        case,
        "record_payment",
        "enterprise",
        {"amount_vnd": 80_000_000, "paid_at": NOW.isoformat()},
        now=NOW,
    ).case
    assert refusal(
        paid, "confirm_receipt", "enterprise", {"confirmed_at": NOW.isoformat()}, now=NOW
    )
    confirmed = fire(
        paid, "confirm_receipt", "union", {"confirmed_at": NOW.isoformat()}, now=NOW
    ).case
    assert confirmed.data["compensation"]["confirmed_at"] == NOW.isoformat()
    assert "đã được xác nhận" in refusal(
        confirmed, "confirm_receipt", "union", {"confirmed_at": NOW.isoformat()}, now=NOW
    )


# -- insurance track ----------------------------------------------------------------------------


FULL_DOSSIER = [
    "Sổ bảo hiểm xã hội",
    "Giấy ra viện",
    "Biên bản giám định y khoa",
    "Văn bản đề nghị (Mẫu 05A-HSB)",
    "Biên bản điều tra tai nạn lao động",
]


def test_filing_needs_the_whole_dossier_of_art_57(assessed, refusal):
    """Law 84/2015 Art. 57 (+ the investigation minutes): each missing item is named."""
    reason = refusal(
        assessed(25),
        "file_insurance",
        "enterprise",
        {"filed_at": NOW.isoformat(), "dossier": ["Sổ BHXH", "Mẫu 05A-HSB"]},
        now=NOW,
    )
    assert "Giấy ra viện" in reason
    assert "giám định" in reason
    assert "Biên bản điều tra" in reason
    assert "Sổ bảo hiểm" not in reason


def test_dossier_items_are_recognised_by_code_or_name():
    from workflows.claim import missing_dossier_items

    codes = [
        "si_book",
        "discharge_paper",
        "assessment_record",
        "request_form",
        "investigation_minutes",
    ]
    assert missing_dossier_items(codes, death=False) == []
    assert missing_dossier_items(FULL_DOSSIER, death=False) == []
    # A death claim needs no discharge paper or assessment record.
    assert missing_dossier_items(["si_book", "request_form", "investigation_minutes"], True) == []
    assert len(missing_dossier_items([], death=False)) == 5


def test_filing_sets_the_decision_deadline(assessed, fire):
    filed_at = NOW - timedelta(hours=1)
    fired = fire(
        assessed(25),
        "file_insurance",
        "enterprise",
        {"filed_at": filed_at.isoformat(), "dossier": FULL_DOSSIER},
        now=NOW,
    )
    assert fired.case.deadlines["insurance_filing"]["met_at"] == NOW
    assert fired.case.deadlines["insurance_decision"]["due_at"] == filed_at + timedelta(days=10)
    assert fired.case.data["insurance"]["dossier"] == FULL_DOSSIER
    notices = WF.notices(fired.transition, fired.ctx)
    assert [n.roles for n in notices] == [("insurance",)]


def test_decision_needs_a_filing_and_a_reason_to_refuse(assessed, fire, refusal):
    case = assessed(25)
    refused = {"approved": False, "reason": "Thiếu giấy ra viện"}
    assert "Chưa nộp" in refusal(case, "decide_insurance", "insurance", refused, now=NOW)
    filed = fire(
        case,
        "file_insurance",
        "enterprise",
        {"filed_at": NOW.isoformat(), "dossier": FULL_DOSSIER},
        now=NOW,
    ).case
    assert "lý do" in refusal(filed, "decide_insurance", "insurance", {"approved": False}, now=NOW)
    assert "loại trợ cấp" in refusal(
        filed, "decide_insurance", "insurance", {"approved": True}, now=NOW
    )
    assert refusal(filed, "decide_insurance", "enterprise", refused, now=NOW)
    decided = fire(
        filed,
        "decide_insurance",
        "insurance",
        {"approved": True, "kind": "one_time", "amount_vnd": 55_100_000},
        now=NOW,
    )
    ins = decided.case.data["insurance"]
    assert (ins["approved"], ins["kind"], ins["decided_vnd"]) == (True, "one_time", 55_100_000)
    assert decided.case.deadlines["insurance_decision"]["met_at"] == NOW
    assert "đã có quyết định" in refusal(
        decided.case, "decide_insurance", "insurance", refused, now=NOW
    )


def test_uninsured_worker_has_no_insurance_track_but_is_owed_the_equivalent(
    assessed, fire, refusal
):
    case = assessed(25, insured=False)
    assert case.data["insurance"]["applicable"] is False
    assert case.data["compensation"]["equivalent_si_vnd"] == 55_100_000
    assert "insurance_filing" not in case.deadlines
    assert "không tham gia" in refusal(
        case,
        "file_insurance",
        "enterprise",
        {"filed_at": NOW.isoformat(), "dossier": ["x"]},
        now=NOW,
    )
    paid = fire(
        case,
        "record_payment",
        "enterprise",
        {"amount_vnd": 75_000_000, "paid_at": NOW.isoformat()},
        now=NOW,
    ).case
    confirmed = fire(
        paid, "confirm_receipt", "union", {"confirmed_at": NOW.isoformat()}, now=NOW
    ).case
    assert fire(confirmed, "close", "inspector", now=NOW).case.state == "closed"


# -- closing and tasks --------------------------------------------------------------------------


def _walk(assessed, fire, *, pay=False, confirm=False, file=False, decide=False):
    case = assessed(25)
    if pay:
        case = fire(
            case,
            "record_payment",
            "enterprise",
            {"amount_vnd": 75_000_000, "paid_at": NOW.isoformat()},
            now=NOW,
        ).case
    if confirm:
        case = fire(
            case, "confirm_receipt", "union", {"confirmed_at": NOW.isoformat()}, now=NOW
        ).case
    if file:
        case = fire(
            case,
            "file_insurance",
            "enterprise",
            {"filed_at": NOW.isoformat(), "dossier": FULL_DOSSIER},
            now=NOW,
        ).case
    if decide:
        case = fire(
            case,
            "decide_insurance",
            "insurance",
            {"approved": True, "kind": "one_time", "amount_vnd": 1},
            now=NOW,
        ).case
    return case


@pytest.mark.parametrize(
    ("steps", "closable"),
    [
        ({}, False),
        ({"pay": True}, False),
        ({"pay": True, "confirm": True}, False),
        ({"pay": True, "confirm": True, "file": True}, False),
        ({"file": True, "decide": True}, False),
        ({"pay": True, "file": True, "decide": True}, False),
        ({"pay": True, "confirm": True, "file": True, "decide": True}, True),
    ],
)
def test_close_needs_both_tracks_done(assessed, fire, refusal, steps, closable):
    case = _walk(assessed, fire, **steps)
    if closable:
        assert fire(case, "close", "union", now=NOW).case.state == "closed"
    else:
        assert refusal(case, "close", "union", now=NOW)


def test_tracks_are_independent_insurance_before_payment(assessed, fire):
    case = _walk(assessed, fire, file=True, decide=True)
    assert case.data["compensation"]["paid_at"] is None
    assert case.data["insurance"]["decided_at"] is not None


@pytest.mark.parametrize(
    ("steps", "tasks"),
    [
        ({}, {("record_payment", "enterprise"), ("file_insurance", "enterprise")}),
        ({"pay": True}, {("confirm_receipt", "union"), ("file_insurance", "enterprise")}),
        ({"pay": True, "confirm": True, "file": True}, {("decide_insurance", "insurance")}),
        ({"pay": True, "confirm": True, "file": True, "decide": True}, {("close", "union")}),
    ],
)
def test_assessed_tasks_follow_the_tracks(h, assessed, fire, rules, steps, tasks):
    case = _walk(assessed, fire, **steps)
    assert {(t.task.name, t.role) for t in WF.open_tasks(case, now=NOW, rules=rules)} == tasks


def test_payment_task_is_due_with_the_compensation_deadline(assessed, rules):
    case = assessed(25)
    due = {t.task.name: t.due_at for t in WF.open_tasks(case, now=NOW, rules=rules)}
    assert due == {
        "record_payment": ASSESSED + timedelta(days=5),
        "file_insurance": ASSESSED + timedelta(days=30),
    }


def test_death_benefit_uses_the_base_salary_on_the_day_of_death(rules):
    data = claim_data(
        death=True, occurred_at="2026-06-25T08:00:00+07:00", died_at="2026-07-02T08:00:00+07:00"
    )
    announced = datetime(2026, 7, 20, 9, 0, tzinfo=VN)
    extra, deadlines = assessment_data(
        data, capacity_loss_pct=None, death=True, assessed_at=announced, rules=rules
    )
    assert extra["insurance"]["base_salary_vnd"] == 2_530_000
    assert extra["insurance"]["expected_vnd"] == 91_080_000
    assert extra["compensation"]["minimum_vnd"] == 300_000_000
    assert deadlines["compensation"].due_at == announced + timedelta(days=5)
    assert extra["capacity_loss_pct"] is None


def test_unknown_wage_leaves_the_minimum_open(claim, fire, rules):
    case = replace(
        claim(), data={**claim_data(), "monthly_wage_vnd": None, "insured_wage_vnd": None}
    )
    payload = {"capacity_loss_pct": 25, "assessed_at": ASSESSED.isoformat()}
    assessed_case = fire(case, "record_assessment", "enterprise", payload, now=NOW).case
    assert assessed_case.data["compensation"]["minimum_vnd"] is None
    assert assessed_case.data["insurance"]["expected_vnd"] is None
    paid = fire(
        assessed_case,
        "record_payment",
        "enterprise",
        {"amount_vnd": 1_000_000, "paid_at": NOW.isoformat()},
        now=NOW,
    )
    assert paid.case.data["compensation"]["paid_vnd"] == 1_000_000


def test_actions_offered_in_assessed_follow_the_tracks(assessed, fire, offered):
    case = assessed(25)
    assert offered(case, "enterprise", now=NOW) == [
        "record_payment",
        "file_insurance",
        "reassess",
        "request_item",
        "record_costs",
    ]
    assert offered(case, "union", now=NOW) == []
    assert offered(case, "insurance", now=NOW) == []
    done = _walk(assessed, fire, pay=True, confirm=True, file=True, decide=True)
    assert offered(done, "union", now=NOW) == ["close"]
    assert offered(done, "enterprise", now=NOW) == ["reassess", "request_item", "record_costs"]


def test_a_payment_in_two_instalments_closes_the_track_only_at_the_minimum(
    assessed, fire, h, offered
):
    case = assessed(25)  # minimum 7.5 months × 10,000,000 = 75,000,000
    first = fire(
        case,
        "record_payment",
        "enterprise",
        {"amount_vnd": 30_000_000, "paid_at": NOW.isoformat()},
        now=NOW,
    )
    comp = first.case.data["compensation"]
    assert (comp["paid_vnd"], comp["remaining_vnd"], comp["paid_at"]) == (
        30_000_000,
        45_000_000,
        None,
    )
    # The deadline stands (re-set as it was, not met) and the union has nothing to confirm yet.
    assert first.outcome.deadlines["compensation"] is not None
    assert first.outcome.deadlines["compensation"].due_at.isoformat() == comp["due_at"]
    assert offered(first.case, "union", now=NOW) == []
    assert "record_payment" in offered(first.case, "enterprise", now=NOW)
    with pytest.raises(h.Refused) as info:
        fire(
            first.case,
            "record_payment",
            "enterprise",
            {"amount_vnd": 1, "paid_at": (NOW - timedelta(days=1)).isoformat()},
            now=NOW,
        )
    assert [r.field for r in info.value.reasons] == ["paid_at"]
    later = NOW + timedelta(hours=2)
    second = fire(
        first.case,
        "record_payment",
        "enterprise",
        {"amount_vnd": 45_000_000, "paid_at": later.isoformat()},
        now=later,
    )
    comp = second.case.data["compensation"]
    assert (comp["paid_vnd"], comp["remaining_vnd"], comp["paid_at"]) == (
        75_000_000,
        0,
        later.isoformat(),
    )
    assert [p["amount_vnd"] for p in comp["payments"]] == [30_000_000, 45_000_000]
    assert second.outcome.deadlines["compensation"] is None  # met
    assert offered(second.case, "union", now=later) == ["confirm_receipt"]


def test_a_payment_of_nothing_faults_the_amount_field(assessed, fire, h):
    with pytest.raises(h.Refused) as info:
        fire(
            assessed(25),
            "record_payment",
            "enterprise",
            {"amount_vnd": 0, "paid_at": NOW.isoformat()},
            now=NOW,
        )
    assert [r.field for r in info.value.reasons] == ["amount_vnd"]


# -- the benefit's start month (Art. 50) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("occurred", "extra", "month", "base", "amount"),
    [
        # Issue 13's example, outpatient: accident 20/6/2026, concluded 12/11/2026, 25 %, 4
        # years, 8,400,000: 15 × 2,530,000 + 1.4 × 8,400,000 = 37,950,000 + 11,760,000.
        ("2026-06-20", {"outpatient": True}, "2026-11", 2_530_000, 49_710_000),
        # No discharge day known: the Council's month too.
        ("2026-06-20", {}, "2026-11", 2_530_000, 49_710_000),
        # Inpatient discharged 30/6/2026: June's 2,340,000: 35,100,000 + 11,760,000.
        ("2026-06-20", {"treatment_ended_on": date(2026, 6, 30)}, "2026-06", 2_340_000, 46_860_000),
        # Discharged 1/7/2026: July's 2,530,000.
        ("2026-06-20", {"treatment_ended_on": date(2026, 7, 1)}, "2026-07", 2_530_000, 49_710_000),
    ],
)
def test_the_insurance_benefit_starts_in_the_art_50_month(
    rules, occurred, extra, month, base, amount
):
    data = claim_data(
        occurred_at=f"{occurred}T08:00:00+07:00",
        monthly_wage_vnd=8_400_000,
        insured_wage_vnd=8_400_000,
        si_years=4,
    )
    concluded = datetime(2026, 11, 12, 9, 0, tzinfo=VN)
    extra_data, _ = assessment_data(
        data, capacity_loss_pct=25, death=False, assessed_at=concluded, rules=rules, **extra
    )
    ins = extra_data["insurance"]
    assert (ins["start_month"], ins["base_salary_vnd"], ins["expected_vnd"]) == (
        month,
        base,
        amount,
    )
    assert "Điều 50 khoản 1" in ins["start_month_basis"]
    assert extra_data["outpatient"] is bool(extra.get("outpatient"))


def test_the_death_grant_keeps_the_month_of_death(rules):
    data = claim_data(
        death=True, occurred_at="2026-06-25T08:00:00+07:00", died_at="2026-06-30T22:00:00+07:00"
    )
    announced = datetime(2026, 7, 20, 9, 0, tzinfo=VN)
    extra, _ = assessment_data(
        data, capacity_loss_pct=None, death=True, assessed_at=announced, rules=rules
    )
    # 36 × 2,340,000 (June 2026), not July's base salary.
    assert (extra["insurance"]["start_month"], extra["insurance"]["expected_vnd"]) == (
        "2026-06",
        84_240_000,
    )
    assert "Điều 53" in extra["insurance"]["start_month_basis"]


def test_a_treatment_end_after_the_conclusion_faults_its_field(claim, fire, h):
    payload = {
        "capacity_loss_pct": 25,
        "assessed_at": ASSESSED.isoformat(),
        "treatment_ended_on": "2026-06-11",
    }
    with pytest.raises(h.Refused) as info:
        fire(claim(), "record_assessment", "enterprise", payload, now=NOW)
    assert [r.field for r in info.value.reasons] == ["treatment_ended_on"]


# -- re-assessment (Art. 47) ----------------------------------------------------------------------


def _reassess(case, fire, pct, at, reason="relapse", role="enterprise"):
    payload = {"capacity_loss_pct": pct, "assessed_at": at.isoformat(), "reason": reason}
    return fire(case, "reassess", role, payload, now=at).case


def test_a_relapse_is_re_assessed_24_months_after_the_last_conclusion_not_before(assessed, fire, h):
    case = assessed(25)
    eve = datetime(2028, 6, 9, 23, 0, tzinfo=VN)
    with pytest.raises(h.Refused) as info:
        _reassess(case, fire, 40, eve)
    assert [r.field for r in info.value.reasons] == ["assessed_at"]
    assert "10/06/2028" in info.value.reasons[0]
    day = datetime(2028, 6, 10, 9, 0, tzinfo=VN)
    assert _reassess(case, fire, 40, day).data["capacity_loss_pct"] == 40


def test_a_combined_assessment_has_no_waiting_time_but_not_before_the_last(assessed, fire, h):
    case = assessed(25)
    with pytest.raises(h.Refused) as info:
        _reassess(case, fire, 30, ASSESSED - timedelta(days=1), reason="combined")
    assert [r.field for r in info.value.reasons] == ["assessed_at"]
    assert _reassess(case, fire, 30, NOW, reason="combined").state == "assessed"


def test_a_one_time_re_assessment_pays_the_difference_from_its_month(assessed, fire):
    case = assessed(25)
    new = _reassess(case, fire, 28, NOW, reason="combined")
    ins = new.data["insurance"]
    # 28 % at 2,340,000 (June 2026): (5 + 23 × 0.5) × 2,340,000 + (0.5 + 5 × 0.3) × 10,000,000
    # = 38,610,000 + 20,000,000 = 58,610,000, less the 55,100,000 of the first: 3,510,000.
    assert (ins["expected_kind"], ins["expected_vnd"], ins["start_month"]) == (
        "one_time",
        3_510_000,
        "2026-06",
    )
    (first,) = new.data["assessments"]
    assert (first["capacity_loss_pct"], first["expected_vnd"], first["reason"]) == (
        25,
        55_100_000,
        None,
    )
    assert new.data["assessment_reason"] == "combined"
    assert new.data["compensation"] == case.data["compensation"]


def test_a_second_re_assessment_keeps_both_earlier_ones(assessed, fire):
    case = assessed(25)
    second = _reassess(case, fire, 35, NOW, reason="combined")
    later = datetime(2028, 7, 1, 9, 0, tzinfo=VN)
    third = _reassess(second, fire, 50, later)
    assert [a["capacity_loss_pct"] for a in third.data["assessments"]] == [25, 35]
    assert [a["reason"] for a in third.data["assessments"]] == [None, "combined"]
    # 50 % from July 2028 at 2,530,000: (30 + 19 × 2) % = 68 % → 1,720,400, plus 2 % ×
    # 10,000,000 = 200,000.
    assert third.data["insurance"]["expected_vnd"] == 1_920_400
    assert third.data["insurance"]["start_month"] == "2028-07"


def test_a_deceased_workers_claim_is_not_re_assessed(rules, fire, h):
    data = claim_data(death=True, died_at="2026-05-10T08:00:00+07:00")
    extra, _ = assessment_data(
        data, capacity_loss_pct=None, death=True, assessed_at=ASSESSED, rules=rules
    )
    case = h.snapshot("claim", "assessed", code="HP-2026-C000001", data={**data, **extra})
    with pytest.raises(h.Refused):
        _reassess(case, fire, 40, NOW, reason="combined")


# -- the amount due in a month --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "kind", "amount"),
    [
        # Both assessments conclude in June 2026; the later one governs from then: monthly,
        # 41 % → 50 % of B plus (0.5 + 5 × 0.3) % × 10,000,000 = 200,000. Nothing before.
        (date(2026, 5, 1), None, 0),
        (date(2026, 6, 1), "monthly", 1_370_000),  # 0.5 × 2,340,000 + 200,000
        (date(2026, 7, 1), "monthly", 1_465_000),  # 0.5 × 2,530,000 + 200,000
    ],
)
def test_the_amount_due_follows_each_assessment_and_the_base_salary(
    assessed, fire, rules, month, kind, amount
):
    case = _reassess(assessed(25), fire, 41, NOW, reason="combined")
    due = benefit_due(case.data, month, rules)
    assert (due.kind, due.amount_vnd) == (kind, amount)


def test_nothing_is_due_before_the_first_start_month(assessed, rules):
    due = benefit_due(assessed(25).data, date(2026, 5, 1), rules)
    assert (due.kind, due.amount_vnd, due.base_salary_vnd) == (None, 0, 2_340_000)
    assert "06/2026" in due.basis


# -- the accident's type (Law 84/2015 Art. 39(1)) ---------------------------------------------


def test_a_victims_claim_copies_the_accidents_type():
    victim = {"id": 7, "outcome": "serious", "monthly_wage_vnd": 10_000_000, "si_number": None}
    commuting = victim_claim_data(
        victim,
        occurred_at=ASSESSED,
        worker_at_fault=False,
        source="accident",
        parent_data={"accident_type": "commuting", "third_party": True},
    )
    assert (commuting["accident_type"], commuting["third_party"]) == ("commuting", True)
    # An accident declared before the type was recorded happened at work.
    old = victim_claim_data(victim, occurred_at=ASSESSED, worker_at_fault=False, source="accident")
    assert (old["accident_type"], old["third_party"]) == ("at_work", False)
    # A disease is no accident: its claim has no type.
    disease = victim_claim_data(
        victim, occurred_at=ASSESSED, worker_at_fault=False, source="disease", parent_data={}
    )
    assert "accident_type" not in disease and "third_party" not in disease


def test_a_commuting_accident_caused_by_a_third_party_owes_40_percent(assessed, fire):
    case = assessed(25, accident_type="commuting", third_party=True)
    comp = case.data["compensation"]
    # Art. 38(4): 1.5 + (25 - 10) × 0.4 = 7.5 months; Art. 39(1): 40 % of it = 3 months;
    # 3 × 10,000,000 = 30,000,000.
    assert comp["minimum_vnd"] == 30_000_000
    assert comp["months"] == 3.0
    assert "Điều 39 khoản 1" in comp["basis"]
    paid = fire(
        case,
        "record_payment",
        "enterprise",
        {"amount_vnd": 30_000_000, "paid_at": NOW.isoformat()},
        now=NOW,
    )
    assert paid.case.data["compensation"]["paid_vnd"] == 30_000_000


def test_a_commuting_accident_nobody_else_caused_owes_no_employer_minimum(
    assessed, refusal, offered, h, rules
):
    case = assessed(25, accident_type="commuting", third_party=False)
    comp = case.data["compensation"]
    assert comp["minimum_vnd"] == 0 and comp["months"] == 0.0
    assert "Điều 39 khoản 1" in comp["basis"]
    # The insurance fund still pays (Art. 45(1)(c)): 25 % gives the one-time benefit.
    assert case.data["insurance"]["expected_kind"] == "one_time"
    # The insured worker is owed nothing by the employer: no payment, no deadline, no task,
    # and the compensation track does not hold the claim open.
    assert case.data["compensation"]["owed"] is False
    assert "compensation" not in case.deadlines
    assert (
        refusal(
            case,
            "record_payment",
            "enterprise",
            {"amount_vnd": 1_000_000, "paid_at": NOW.isoformat()},
        )
        == NOTHING_OWED
    )
    assert "record_payment" not in offered(case, "enterprise")
    reason = WF.predicates["has_both_tracks_done"](Context(case, h.actor("union"), {}, NOW, rules))
    assert str(reason) == "Chưa có quyết định của cơ quan BHXH."


def test_minutes_finding_the_worker_wholly_at_fault_outweigh_a_declared_third_party(assessed):
    """Art. 39(1) needs someone else's fault or an unknown one; the minutes say neither."""
    case = assessed(25, accident_type="commuting", third_party=True, worker_at_fault=True)
    assert case.data["compensation"]["minimum_vnd"] == 0
    # At work, a declared third party changes nothing: Art. 38(5)'s 40 % for the worker's fault,
    # 7.5 × 0.4 = 3 months × 10,000,000 = 30,000,000.
    at_work = assessed(25, accident_type="at_work", third_party=True, worker_at_fault=True)
    assert at_work.data["compensation"]["minimum_vnd"] == 30_000_000
    assert "Điều 38 khoản 5" in at_work.data["compensation"]["basis"]


def test_an_accident_at_work_is_compensated_in_full_whoever_caused_it(assessed):
    # 7.5 months × 10,000,000 = 75,000,000 (Art. 38(4)(a)).
    for data in ({}, {"accident_type": "at_work", "third_party": True}):
        comp = assessed(25, **data).data["compensation"]
        assert comp["minimum_vnd"] == 75_000_000
        assert "Điều 38 khoản 4 điểm a" in comp["basis"]


# -- the employer's costs and the compensation paid, on the victim ---------------------------------


def test_record_costs_keeps_totals_to_date_and_a_history(claim, fire):
    first = fire(claim("treatment"), "record_costs", "enterprise",
                 {"days_off": 10, "medical_costs_vnd": "3000000"}, now=NOW)  # fmt: skip
    assert first.case.state == "treatment"
    assert first.outcome.victims == {1: {"days_off": 10, "medical_costs_vnd": 3_000_000}}
    later = NOW + timedelta(days=7)
    second = fire(first.case, "record_costs", "inspector", {"wage_costs_vnd": 5_000_000},
                  now=later)  # fmt: skip
    assert second.outcome.victims == {1: {"wage_costs_vnd": 5_000_000}}
    costs = second.case.data["costs"]
    assert (costs["days_off"], costs["medical_costs_vnd"], costs["wage_costs_vnd"]) == (
        10,
        3_000_000,
        5_000_000,
    )
    assert costs["history"] == [
        {"days_off": 10, "medical_costs_vnd": 3_000_000, "recorded_at": NOW.isoformat(),
         "recorded_by": "enterprise1"},
        {"wage_costs_vnd": 5_000_000, "recorded_at": later.isoformat(),
         "recorded_by": "inspector1"},
    ]  # fmt: skip


def test_record_costs_needs_one_figure_and_is_not_the_unions(claim, fire, h):
    with pytest.raises(h.Refused) as info:
        fire(claim("treatment"), "record_costs", "enterprise", {}, now=NOW)
    assert [r.field for r in info.value.reasons] == ["days_off"]
    assert not WF.may_role_fire("record_costs", "union")
    assert WF.transitions_for("record_costs", "closed") == ()


def test_payment_writes_the_claims_total_on_the_victim(assessed, fire):
    case = assessed(25)
    paid = fire(case, "record_payment", "enterprise",
                {"amount_vnd": 80_000_000, "paid_at": NOW.isoformat()}, now=NOW)  # fmt: skip
    assert paid.outcome.victims == {1: {"compensation_paid_vnd": 80_000_000}}


# -- who received the money --------------------------------------------------------------------


def _paid(assessed, fire, **data):
    case = assessed(25, **data)
    pay = {"amount_vnd": 75_000_000, "paid_at": NOW.isoformat()}
    return fire(case, "record_payment", "enterprise", pay, now=NOW).case


def test_a_confirmation_names_who_received_the_money(assessed, fire, h):
    case = _paid(assessed, fire)
    with pytest.raises(h.Refused) as info:
        fire(case, "confirm_receipt", "union",
             {"confirmed_at": NOW.isoformat(), "received_by": "relative"}, now=NOW)  # fmt: skip
    assert [r.field for r in info.value.reasons] == ["recipient_name"]
    done = fire(
        case, "confirm_receipt", "union",
        {"confirmed_at": NOW.isoformat(), "received_by": "relative",
         "recipient_name": "Nguyễn Thị Lan", "recipient_relationship": "Vợ"},
        now=NOW,
    ).case  # fmt: skip
    comp = done.data["compensation"]
    assert (comp["received_by"], comp["recipient_name"]) == ("relative", "Nguyễn Thị Lan")
    plain = fire(case, "confirm_receipt", "union", {"confirmed_at": NOW.isoformat()}, now=NOW)
    assert plain.case.data["compensation"]["received_by"] == "worker"


def test_a_deceased_workers_money_is_received_by_a_relative(rules, fire, h):
    data = claim_data(death=True, died_at="2026-05-10T08:00:00+07:00")
    extra, _ = assessment_data(
        data, capacity_loss_pct=None, death=True, assessed_at=ASSESSED, rules=rules
    )
    case = h.snapshot("claim", "assessed", code="HP-2026-C000001", data={**data, **extra})
    pay = {"amount_vnd": 300_000_000, "paid_at": NOW.isoformat()}
    case = fire(case, "record_payment", "enterprise", pay, now=NOW).case
    with pytest.raises(h.Refused) as info:
        fire(case, "confirm_receipt", "union",
             {"confirmed_at": NOW.isoformat(), "received_by": "worker"}, now=NOW)  # fmt: skip
    assert [r.field for r in info.value.reasons] == ["received_by"]
    done = fire(case, "confirm_receipt", "union", {"confirmed_at": NOW.isoformat()}, now=NOW)
    assert done.case.data["compensation"]["received_by"] == "relative"


def test_the_union_is_asked_to_confirm_only_when_the_payment_completes(assessed, fire):
    case = assessed(25)  # minimum 75,000,000
    part = fire(case, "record_payment", "enterprise",
                {"amount_vnd": 30_000_000, "paid_at": NOW.isoformat()}, now=NOW)  # fmt: skip
    assert [n.event for n in WF.notices(part.transition, part.ctx)] == []
    rest = fire(part.case, "record_payment", "enterprise",
                {"amount_vnd": 45_000_000, "paid_at": NOW.isoformat()}, now=NOW)  # fmt: skip
    assert [n.event for n in WF.notices(rest.transition, rest.ctx)] == ["claim.payment_recorded"]
