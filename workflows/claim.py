"""Claim: one injured or deceased worker's compensation and social-insurance claim.

A claim is opened by its parent, never declared: when an accident's investigation minutes are
announced as a work accident (one claim per victim), or when an occupational disease is
confirmed (one per worker). While the worker is in ``treatment`` the employer advances the
first-aid and treatment costs and pays full wages (Law 84/2015 Art. 38(1)-(3)). The employer
then refers the worker to the Medical Assessment Council (Hội đồng giám định y khoa,
``refer_for_assessment``) and records its conclusion (``record_assessment``). Below 5 % loss
of working capacity only treatment costs and wages are owed (``not_eligible``). From 5 %, or
straight away for a death, the claim is ``assessed`` and two tracks run independently:

- compensation (bồi thường / trợ cấp, Art. 38(4)-(7)): the employer pays at least the computed
  minimum within 5 days of the assessment (of the announcement for a death) —
  ``record_payment`` — and the trade union confirms the worker or family received it —
  ``confirm_receipt``;
- social insurance (chế độ BH TNLĐ, Art. 57-59): the employer files the dossier within 30 days
  — ``file_insurance`` — and social insurance (BHXH) decides within 10 days —
  ``decide_insurance``. A worker without social insurance has no such track; the employer owes
  the equivalent benefit itself (Art. 39(4)), recorded as ``compensation.equivalent_si_vnd``.

The expected insurance benefit uses the base salary of the month it starts (Art. 50(1)): the
month of hospital discharge (``treatment_ended_on``), or, for an ``outpatient`` or when no
discharge day is known, the month of the Council's conclusion; a death keeps the month of death
(Art. 53). When the injury worsens, or several accidents are assessed together, the employer or
the inspector records the new conclusion (``reassess``, Art. 47): the earlier one is kept in
the claim's assessment history and in its event chain, and the new benefit starts in the new
conclusion's month (Art. 50(3)).

As the claim goes, the employer (or the inspector) records the worker's days off work and
the costs of treatment it bore (``record_costs``, totals to date); they and the compensation
paid are written on the victim, where the statutory accident reports count them.

When both tracks are done the union or the inspector ``close``\\s the claim.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from workflows.base import (
    CaseSnapshot,
    ChildCase,
    Context,
    Deadline,
    DeadlineChange,
    Field,
    Notify,
    Outcome,
    PaperSpec,
    Reason,
    State,
    Task,
    Transition,
    WorkflowDefinition,
    close,
    iso,
    local_date,
    not_future,
    parse_iso,
    unless,
)
from workflows.declaration import DEFAULT_ACCIDENT_TYPE
from workflows.dossier import MEDICAL_DOSSIER
from workflows.law.benefits import (
    MonthlyBenefit,
    assistive_device,
    benefit_start_month,
    convalescence,
    earliest_reassessment,
    insurance_benefit_from,
    monthly_amount_due,
    reassessed_benefit,
    retraining_support,
    settling_abroad_lump_sum,
)
from workflows.law.calendar import add_calendar_days
from workflows.law.compensation import (
    MIN_ELIGIBLE_LOSS_PCT,
    compensation,
    insurance_benefit,
)

# -- the money -------------------------------------------------------------------------------


_LAW = "Luật ATVSLĐ 84/2015"

# Law 84/2015 Art. 53: the death grant is 36 base salaries of the month of death.
DEATH_START_BASIS = (
    "Luật ATVSLĐ 84/2015 Điều 53: trợ cấp một lần khi chết, mức lương cơ sở tại tháng người lao "
    "động chết"
)


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


def month_text(month: date) -> str:
    """A benefit month as the claim stores it: "YYYY-MM"."""
    return f"{month:%Y-%m}"


def parse_month(value: Any) -> date | None:
    """ "YYYY-MM" → the first day of that month; None for anything else."""
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}", value):
        return None
    try:
        return date(int(value[:4]), int(value[5:]), 1)
    except ValueError:
        return None


def assessment_data(
    claim_data: Mapping[str, Any],
    *,
    capacity_loss_pct: int | float | None,
    death: bool,
    assessed_at: datetime,
    rules,
    treatment_ended_on: date | None = None,
    outpatient: bool = False,
) -> tuple[dict[str, Any], dict[str, DeadlineChange]]:
    """The ``data`` keys and deadlines a claim gets on entering ``assessed``.

    ``assessed_at`` is the Council's conclusion, or the announcement for a death (Law 84/2015
    Art. 38(7)). The minimum compensation uses the 6-month average wage
    (``monthly_wage_vnd``); the expected insurance benefit uses the insured wage and the base
    salary in force in the month the benefit starts (``insurance.start_month`` "YYYY-MM", with
    its reason in ``insurance.start_month_basis``): by Art. 50(1) the month of
    ``treatment_ended_on`` (hospital discharge) for an inpatient, else — an ``outpatient`` or
    no discharge day known — the month of the Council's conclusion; for a death the month of
    death (Art. 53). An unknown wage leaves the amount None rather than guessing; an unknown
    ``si_years`` counts as one year (a year or less counts as one, Art. 48(2)(b)).
    """
    wage = _int_or_none(claim_data.get("monthly_wage_vnd"))
    insured_wage = _int_or_none(claim_data.get("insured_wage_vnd"))
    insured_wage = wage if insured_wage is None else insured_wage
    at_fault = bool(claim_data.get("worker_at_fault"))
    insured = bool(claim_data.get("insured"))

    # The type as declared (a claim opened before it was recorded: at work). A worker the
    # minutes find wholly at fault did not have the accident caused by someone else, so the
    # declared third party no longer counts (Art. 39(1) needs another's fault or an unknown one).
    comp = compensation(
        capacity_loss_pct,
        wage or 0,
        death,
        at_fault,
        accident_type=claim_data.get("accident_type") or DEFAULT_ACCIDENT_TYPE,
        third_party=bool(claim_data.get("third_party")) and not at_fault,
    )
    due_days = int(rules.get("compensation_due_days", local_date(assessed_at)))
    due_at = add_calendar_days(assessed_at, due_days)

    years = int(claim_data.get("si_years") or 0)
    if death:
        reference = parse_iso(claim_data.get("died_at")) or parse_iso(claim_data.get("occurred_at"))
        on = local_date(reference or assessed_at)
        start, start_basis = on.replace(day=1), DEATH_START_BASIS
        base = rules.base_salary(on)
        benefit = insurance_benefit(capacity_loss_pct, insured_wage or 0, years, death, base)
    else:
        start, start_basis = benefit_start_month(
            treatment_ended_on=treatment_ended_on,
            outpatient=outpatient,
            council_concluded_on=local_date(assessed_at),
        )
        base = rules.base_salary(start)
        benefit = insurance_benefit_from(
            capacity_loss_pct=capacity_loss_pct,
            insured_wage_vnd=insured_wage or 0,
            contribution_years=years,
            start_month=start,
            rules=rules,
        )
    # Without any wage only the death lump sum (36 × base salary) is knowable.
    expected_vnd = benefit.amount_vnd if (insured_wage is not None or death) else None

    # Nothing is owed by the employer for a commuting accident nobody else caused (Art. 39(1)
    # gives the allowance only when a third party or an unknown person caused it) — unless it
    # did not insure the worker, when it still owes the insurance equivalent (Art. 39(4)).
    owed = (comp.eligible or not insured) and claim_data.get("employer", True) is not False
    comp_data: dict[str, Any] = {
        "owed": owed,
        "minimum_vnd": comp.amount_vnd if wage is not None else None,
        "months": float(comp.months),
        "basis": comp.basis,
        "paid_vnd": 0,
        "due_at": iso(due_at),
        "paid_at": None,
        "confirmed_at": None,
    }
    if not insured and claim_data.get("employer", True) is not False:
        # Law 84/2015 Art. 39(4): an employer that did not insure the worker pays a sum equal
        # to the insurance benefit, on top of the compensation.
        comp_data["equivalent_si_vnd"] = expected_vnd
        comp_data["equivalent_si_kind"] = benefit.kind
    insurance = {
        "applicable": insured,
        "expected_kind": benefit.kind,
        "expected_vnd": expected_vnd,
        "base_salary_vnd": base,
        "basis": benefit.basis,
        "start_month": month_text(start),
        "start_month_basis": start_basis,
        "filed_at": None,
        "decided_at": None,
        "approved": None,
        "decided_vnd": None,
        "kind": None,
        "reason": None,
    }
    deadlines = {}
    if owed:
        deadlines["compensation"] = DeadlineChange(
            due_at=due_at, started_at=assessed_at, days=due_days, unit="calendar"
        )
    if insured:
        filing_days = int(rules.get("insurance_filing_days", local_date(assessed_at)))
        deadlines["insurance_filing"] = DeadlineChange(
            due_at=add_calendar_days(assessed_at, filing_days),
            started_at=assessed_at,
            days=filing_days,
            unit="calendar",
        )
    data = {
        "capacity_loss_pct": capacity_loss_pct,
        "assessed_at": iso(assessed_at),
        "treatment_ended_on": treatment_ended_on.isoformat() if treatment_ended_on else None,
        "outpatient": outpatient,
        "compensation": comp_data,
        "insurance": insurance,
    }
    return data, deadlines


@dataclass(frozen=True)
class BenefitDue:
    """The insurance benefit due to a claim's worker in one month: ``kind`` ("one_time",
    "monthly", "death" or None), ``amount_vnd`` (None when the insured wage is unknown),
    the base salary in force that month, and ``basis`` naming the articles."""

    month: date
    kind: str | None
    amount_vnd: int | None
    base_salary_vnd: int
    basis: str


def _period_start(assessment: Mapping[str, Any]) -> date | None:
    # A claim assessed before start months were stored starts in its conclusion's month.
    start = parse_month(assessment.get("start_month"))
    if start is None and parse_iso(assessment.get("assessed_at")) is not None:
        start = local_date(parse_iso(assessment["assessed_at"])).replace(day=1)
    return start


def _vnd_text(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def benefit_due(data: Mapping[str, Any], month: date, rules) -> BenefitDue:
    """What the insurance benefit of an assessed claim (its ``data``) pays in ``month``.

    Each assessment — the ones kept in ``data["assessments"]`` by a re-assessment, then the
    current one — governs from its start month until the next one starts (Art. 47, 50(3)). A
    monthly allowance (Art. 49) is due every month from its start, re-based on the base salary
    in force that month (``monthly_amount_due``); a one-time allowance (Art. 48) or death grant
    (Art. 53) is due in its start month only, as the claim computed it. Before the first start
    month nothing is due.

    :raises LookupError: when the rules table has no base salary in force in ``month``.
    """
    month = month.replace(day=1)
    base = rules.base_salary(month)
    ins = data.get("insurance") or {}
    current = {
        "capacity_loss_pct": data.get("capacity_loss_pct"),
        "assessed_at": data.get("assessed_at"),
        "start_month": ins.get("start_month"),
        "expected_kind": ins.get("expected_kind"),
        "expected_vnd": ins.get("expected_vnd"),
    }
    periods = [(_period_start(p), p) for p in (*(data.get("assessments") or ()), current)]
    started = [(start, p) for start, p in periods if start is not None and start <= month]
    if not started:
        first = periods[0][0]
        when = f" (từ tháng {first:%m/%Y})" if first else ""
        return BenefitDue(month, None, 0, base, f"{_LAW} Điều 50: chưa đến tháng hưởng{when}")
    start, period = started[-1]
    kind = period.get("expected_kind")
    known = period.get("expected_vnd") is not None
    if kind == "monthly":
        wage = _int_or_none(data.get("insured_wage_vnd"))
        wage = _int_or_none(data.get("monthly_wage_vnd")) if wage is None else wage
        amount = None
        if known and wage is not None:
            benefit = MonthlyBenefit(
                period["capacity_loss_pct"], wage, int(data.get("si_years") or 0), start
            )
            amount = monthly_amount_due(benefit, month, rules)
        return BenefitDue(
            month,
            kind,
            amount,
            base,
            f"{_LAW} Điều 49 (trợ cấp hằng tháng), hưởng từ tháng {start:%m/%Y} (Điều 50); "
            f"mức lương cơ sở tháng {month:%m/%Y}: {_vnd_text(base)} đồng",
        )
    if kind in ("one_time", "death"):
        article = (
            "Điều 53 (trợ cấp một lần khi chết)" if kind == "death" else "Điều 48 (trợ cấp một lần)"
        )
        if month == start:
            amount = period.get("expected_vnd")
            paid = f"chi trả tại tháng {start:%m/%Y}"
        else:
            amount = 0
            paid = f"đã chi trả một lần tại tháng {start:%m/%Y}"
        return BenefitDue(month, kind, amount, base, f"{_LAW} {article}, {paid}")
    return BenefitDue(
        month, None, 0, base, f"{_LAW} Điều 45: suy giảm khả năng lao động dưới 5% không được hưởng"
    )


def victim_claim_data(
    victim: Mapping[str, Any],
    *,
    occurred_at: datetime | None,
    worker_at_fault: bool,
    source: str,
    parent_data: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The starting ``data`` of a victim's claim, copied from the parent so the claim stands on
    its own (the wage and insurance facts as they were when the claim was opened). An
    accident's ``accident_type`` and ``third_party`` come from ``parent_data`` (an accident
    declared before they were recorded happened at work); a disease's claim has neither."""
    died_at = parse_iso(victim.get("died_at"))
    wage = victim.get("monthly_wage_vnd")
    insured_wage = victim.get("insured_wage_vnd")
    parent_data = parent_data or {}
    accident = (
        {
            "accident_type": parent_data.get("accident_type") or DEFAULT_ACCIDENT_TYPE,
            "third_party": bool(parent_data.get("third_party")),
        }
        if source == "accident"
        else {}
    )
    return {
        "victim_id": victim.get("id"),
        "source": source,
        "death": victim.get("outcome") == "death",
        "worker_at_fault": worker_at_fault,
        "monthly_wage_vnd": wage,
        "insured_wage_vnd": wage if insured_wage is None else insured_wage,
        "insured": bool(victim.get("si_number")),
        "si_years": victim.get("si_years"),
        "occurred_at": iso(occurred_at),
        "died_at": iso(died_at),
        **accident,
    }


def victim_claims(
    case: CaseSnapshot, *, worker_at_fault: bool, announced_at: datetime, rules, source: str
) -> tuple[tuple[ChildCase, ...], list[int]]:
    """The claims a parent case opens: one per victim of ``case`` who has none yet, and the
    victim ids that then have one. A deceased victim's claim starts ``assessed`` with its
    compensation due ``compensation_due_days`` after ``announced_at`` (Art. 38(7)); the others
    start in ``treatment``. ``source`` names the parent's kind ("accident", "disease")."""
    already = set(case.data.get("claimed_victim_ids") or ())
    children = []
    claimed = sorted(already)
    for victim in case.victims:
        if victim.get("id") in already:
            continue
        data = victim_claim_data(
            victim,
            occurred_at=case.occurred_at,
            worker_at_fault=worker_at_fault,
            source=source,
            parent_data=case.data,
        )
        if case.labour_relation is False:
            # A worker without a labour relation has no employer to compensate them (Law
            # 84/2015 Art. 38-39 bind the employer): the claim follows insurance alone.
            data["employer"] = False
        if data["death"]:
            extra, deadlines = assessment_data(
                data, capacity_loss_pct=None, death=True, assessed_at=announced_at, rules=rules
            )
            child = ChildCase("claim", "assessed", {**data, **extra}, victim.get("id"), deadlines)
        else:
            child = ChildCase("claim", "treatment", data, victim.get("id"))
        children.append(child)
        claimed.append(victim.get("id"))
    return tuple(children), claimed


def has_all_claims_closed(ctx: Context) -> Reason | None:
    """A predicate of a parent case (accident, disease): every claim it opened is closed."""
    open_claims = [
        c for c in ctx.case.children if c.get("kind") == "claim" and c.get("state") != "closed"
    ]
    # Said in full: a user closing the accident does not know the claims hold it open.
    return unless(
        not open_claims,
        f"Chưa đóng được vụ việc: còn {len(open_claims)} hồ sơ bồi thường, trợ cấp của người "
        "lao động chưa đóng. Vụ việc chỉ đóng khi mọi hồ sơ đã đóng (danh sách ở mục Hồ sơ "
        "bồi thường, trợ cấp).",
        waiting=True,
    )


# -- predicates (pure; None = holds, else the Vietnamese reason it does not) --------------------
# Each is used wherever it applies: as a guard, a routing condition or a task's ``when``.


NOTHING_OWED = (
    "Không có khoản bồi thường, trợ cấp của người sử dụng lao động: tai nạn trên đường đi và về "
    "không do người khác gây ra (Luật ATVSLĐ Điều 39 khoản 1), hoặc người lao động không có "
    "quan hệ lao động."
)


def _comp(ctx: Context) -> Mapping[str, Any]:
    return ctx.case.data.get("compensation") or {}


def _ins(ctx: Context) -> Mapping[str, Any]:
    return ctx.case.data.get("insurance") or {}


def is_eligible_loss(ctx: Context) -> Reason | None:
    """Law 84/2015 Art. 38(4), 45: benefits from a 5 % loss of working capacity."""
    return unless(
        (ctx.payload.get("capacity_loss_pct") or 0) >= MIN_ELIGIBLE_LOSS_PCT,
        f"Tỷ lệ suy giảm khả năng lao động dưới {MIN_ELIGIBLE_LOSS_PCT}%.",
        field="capacity_loss_pct",
    )


def is_below_threshold(ctx: Context) -> Reason | None:
    return unless(
        is_eligible_loss(ctx) is not None,
        f"Tỷ lệ suy giảm khả năng lao động từ {MIN_ELIGIBLE_LOSS_PCT}% trở lên.",
        field="capacity_loss_pct",
    )


def _owed(ctx: Context) -> bool:
    # Claims assessed before the accident type was recorded always owed compensation.
    return _comp(ctx).get("owed", True) is not False


def is_unpaid(ctx: Context) -> Reason | None:
    if not _owed(ctx):
        return Reason(NOTHING_OWED)
    return unless(
        _comp(ctx).get("paid_at") is None, "Khoản bồi thường đã được ghi nhận thanh toán."
    )


def is_paid_unconfirmed(ctx: Context) -> Reason | None:
    comp = _comp(ctx)
    if comp.get("paid_at") is None:
        return Reason("Chưa có khoản thanh toán nào để xác nhận.")
    return unless(comp.get("confirmed_at") is None, "Việc nhận tiền đã được xác nhận.")


def is_insurance_applicable(ctx: Context) -> Reason | None:
    return unless(
        bool(_ins(ctx).get("applicable")),
        "Người lao động không tham gia bảo hiểm xã hội; không có hồ sơ BHXH để nộp.",
    )


def is_insured_unfiled(ctx: Context) -> Reason | None:
    return is_insurance_applicable(ctx) or unless(
        _ins(ctx).get("filed_at") is None, "Hồ sơ BHXH đã được nộp."
    )


def pending_items(insurance: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The claim items (``insurance["benefit_items"]``) social insurance has not decided yet."""
    return [i for i in insurance.get("benefit_items") or () if i.get("approved") is None]


def is_filed_undecided(ctx: Context) -> Reason | None:
    """The dossier is filed and something in it awaits social insurance: the benefit itself
    (again after a re-assessment) or a claim item requested since the last decision."""
    ins = _ins(ctx)
    if ins.get("filed_at") is None:
        return Reason("Chưa nộp hồ sơ BHXH.")
    return unless(
        ins.get("decided_at") is None or bool(pending_items(ins)), "Hồ sơ BHXH đã có quyết định."
    )


def has_both_tracks_done(ctx: Context) -> Reason | None:
    """Both tracks are done: the union confirmed the money was received, and social insurance
    decided (or the worker was not insured, so there is nothing to decide)."""
    if _owed(ctx) and _comp(ctx).get("confirmed_at") is None:
        return Reason("Chưa xác nhận người lao động đã nhận tiền bồi thường, trợ cấp.")
    ins = _ins(ctx)
    insurance_done = is_insurance_applicable(ctx) is not None or (
        ins.get("decided_at") and not pending_items(ins)
    )
    return unless(bool(insurance_done), "Chưa có quyết định của cơ quan BHXH.")


def has_valid_referral_date(ctx: Context) -> Reason | None:
    """Referred between the accident (or the disease's finding) and now."""
    referred = ctx.payload.get("referred_at")
    occurred = parse_iso(ctx.case.data.get("occurred_at"))
    if referred and occurred and referred < occurred:
        day = local_date(occurred).strftime("%d/%m/%Y")
        return Reason(
            f"Ngày giới thiệu đi giám định không được trước ngày xảy ra tai nạn ({day}).",
            field="referred_at",
        )
    return not_future(ctx, "referred_at", "Ngày giới thiệu đi giám định")


def has_valid_assessment_date(ctx: Context) -> Reason | None:
    reason = not_future(ctx, "assessed_at", "Ngày kết luận giám định")
    referred = parse_iso(ctx.case.data.get("referred_at"))
    assessed = ctx.payload.get("assessed_at")
    if reason is None and referred and assessed and assessed < referred:
        reason = Reason(
            "Ngày kết luận giám định không được trước ngày giới thiệu đi giám định.",
            field="assessed_at",
        )
    return reason


def has_valid_treatment_end(ctx: Context) -> Reason | None:
    """The end of treatment (hospital discharge) lies between the accident day and the
    Council's conclusion."""
    ended = ctx.payload.get("treatment_ended_on")
    if ended is None:
        return None
    occurred = parse_iso(ctx.case.data.get("occurred_at"))
    if occurred is not None and ended < local_date(occurred):
        return Reason(
            "Ngày điều trị xong, ra viện không được trước ngày xảy ra tai nạn.",
            field="treatment_ended_on",
        )
    assessed = ctx.payload.get("assessed_at")
    if assessed is not None and ended > local_date(assessed):
        return Reason(
            "Ngày điều trị xong, ra viện không được sau ngày kết luận giám định.",
            field="treatment_ended_on",
        )
    return None


# The reasons a re-assessment is asked for (Law 84/2015 Art. 47(1)(b), (2), (3)).
REASSESSMENT_REASONS = ("relapse", "combined")


def is_reassessable(ctx: Context) -> Reason | None:
    """A deceased worker's claim has no assessment to redo."""
    return unless(
        not ctx.case.data.get("death"), "Hồ sơ người lao động đã chết không có giám định lại."
    )


def has_valid_reassessment_date(ctx: Context) -> Reason | None:
    """The new conclusion is not in the future nor before the previous one; for a relapse
    (``reason`` "relapse") it is not earlier than 24 months after the previous conclusion
    (Art. 47(3), ``earliest_reassessment``). A combined assessment of several accidents
    (``reason`` "combined", Art. 47(2)) has no waiting time: it follows the new accident."""
    reason = not_future(ctx, "assessed_at", "Ngày kết luận giám định lại")
    if reason is not None:
        return reason
    assessed = ctx.payload.get("assessed_at")
    previous = parse_iso(ctx.case.data.get("assessed_at"))
    if assessed is None or previous is None:
        return None
    if assessed < previous:
        return Reason(
            "Ngày kết luận giám định lại không được trước lần kết luận trước.", field="assessed_at"
        )
    earliest = earliest_reassessment(local_date(previous))
    if ctx.payload.get("reason") == "relapse" and local_date(assessed) < earliest:
        return Reason(
            "Giám định lại khi tái phát chỉ sau 24 tháng kể từ lần kết luận trước (Luật ATVSLĐ "
            f"Điều 47 khoản 3): sớm nhất ngày {earliest:%d/%m/%Y}.",
            field="assessed_at",
        )
    return None


def is_valid_payment(ctx: Context) -> Reason | None:
    """A payment is a positive amount on a day not in the future and not before the previous
    instalment. It may be below the minimum: an employer paying in instalments records each,
    and the compensation track is done when the total reaches the minimum (``record_payment``)."""
    amount = ctx.payload.get("amount_vnd")
    if amount is not None and amount <= 0:
        return Reason("Số tiền thanh toán phải lớn hơn 0.", field="amount_vnd")
    last = parse_iso(_comp(ctx).get("last_paid_at"))
    paid_at = ctx.payload.get("paid_at")
    if last is not None and paid_at is not None and paid_at < last:
        return Reason(
            f"Ngày thanh toán không được trước lần thanh toán trước ({local_date(last):%d/%m/%Y}).",
            field="paid_at",
        )
    return not_future(ctx, "paid_at", "Ngày thanh toán")


def owed_remainder(comp: Mapping[str, Any]) -> int | None:
    """What the employer still owes of the minimum (VND, never below 0), or None when the
    minimum is unknown (no wage on record)."""
    minimum = comp.get("minimum_vnd")
    if minimum is None:
        return None
    return max(minimum - (comp.get("paid_vnd") or 0), 0)


# Who received the money the union confirms: the worker, or — always for a deceased worker —
# a relative named in the confirmation (thân nhân, Law 84/2015 Art. 38(4), 53).
RECIPIENTS = ("worker", "relative")
RECIPIENT_LABELS: dict[str, tuple[str, str]] = {
    "worker": ("Người lao động", "The worker"),
    "relative": ("Thân nhân người lao động", "A relative of the worker"),
}


def recipient_of(ctx: Context) -> str:
    """Who the confirmation says received the money: as given, else the worker — or a
    relative when the worker died."""
    return ctx.payload.get("received_by") or (
        "relative" if ctx.case.data.get("death") else "worker"
    )


def has_valid_recipient(ctx: Context) -> Reason | None:
    """A deceased worker's money goes to a relative; a relative is named."""
    if ctx.payload.get("received_by") == "worker" and ctx.case.data.get("death"):
        return Reason(
            "Người lao động đã chết: người nhận là thân nhân (ghi rõ họ tên).", field="received_by"
        )
    if ctx.payload.get("received_by") == "relative" and not ctx.payload.get("recipient_name"):
        return Reason("Ghi rõ họ tên thân nhân đã nhận tiền.", field="recipient_name")
    return None


def is_valid_receipt_date(ctx: Context) -> Reason | None:
    paid_at = parse_iso(_comp(ctx).get("paid_at"))
    confirmed = ctx.payload.get("confirmed_at")
    if paid_at and confirmed and confirmed < paid_at:
        return Reason("Ngày xác nhận không được trước ngày thanh toán.", field="confirmed_at")
    return not_future(ctx, "confirmed_at", "Ngày xác nhận")


# The insurance dossier (hồ sơ hưởng chế độ TNLĐ), Law 84/2015 Art. 57 plus the investigation
# minutes VSS asks for in practice (law §7.3). Each item is recognised by its code or by a
# phrase of its usual Vietnamese name, so "Sổ bảo hiểm xã hội" and "si_book" both count.
INSURANCE_DOSSIER: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("si_book", "Sổ bảo hiểm xã hội", ("sổ bhxh", "sổ bảo hiểm")),
    ("discharge_paper", "Giấy ra viện hoặc trích sao hồ sơ bệnh án", ("ra viện", "bệnh án")),
    ("assessment_record", "Biên bản giám định mức suy giảm khả năng lao động", ("giám định",)),
    ("request_form", "Văn bản đề nghị (Mẫu 05A-HSB)", ("05a-hsb", "văn bản đề nghị")),
    ("investigation_minutes", "Biên bản điều tra tai nạn lao động", ("biên bản điều tra",)),
)
# A death claim has no discharge paper or assessment record (Art. 53 pays on the death itself).
DEATH_DOSSIER_SKIPS = frozenset({"discharge_paper", "assessment_record"})


def missing_dossier_items(enclosed, death: bool) -> list[str]:
    """The Vietnamese names of the required dossier items not found in ``enclosed``."""
    texts = [str(item).casefold() for item in enclosed or ()]
    missing = []
    for code, name, phrases in INSURANCE_DOSSIER:
        if death and code in DEATH_DOSSIER_SKIPS:
            continue
        if not any(text == code or any(p in text for p in phrases) for text in texts):
            missing.append(name)
    return missing


def has_complete_dossier(ctx: Context) -> Reason | None:
    missing = missing_dossier_items(ctx.payload.get("dossier"), bool(ctx.case.data.get("death")))
    if missing:
        return Reason("Hồ sơ BHXH còn thiếu: " + "; ".join(missing) + ".", field="dossier")
    return None


def is_valid_filing_date(ctx: Context) -> Reason | None:
    return not_future(ctx, "filed_at", "Ngày nộp hồ sơ")


def has_decision_details(ctx: Context) -> Reason | None:
    """A refusal gives its reason; an approval of the benefit itself gives its kind and amount
    (a decision on claim items only, the benefit being decided already, needs neither)."""
    p = ctx.payload
    if p.get("approved") is False and not p.get("reason"):
        return Reason(
            "Từ chối giải quyết phải nêu rõ lý do (Luật ATVSLĐ Điều 59 khoản 2).", field="reason"
        )
    benefit_decided = _ins(ctx).get("decided_at") is not None
    if (
        p.get("approved")
        and not benefit_decided
        and (p.get("kind") is None or p.get("amount_vnd") is None)
    ):
        field = "kind" if p.get("kind") is None else "amount_vnd"
        return Reason("Quyết định hưởng chế độ phải có loại trợ cấp và số tiền.", field=field)
    return None


# -- claim items (the benefits asked for one by one, decided by social insurance) ---------------
# Law 84/2015 Art. 54 convalescence (dưỡng sức, phục hồi sức khỏe), Art. 51 assistive devices
# (phương tiện trợ giúp sinh hoạt, dụng cụ chỉnh hình), Art. 55 retraining (hỗ trợ chuyển đổi
# nghề nghiệp) and Art. 49 the 3-month lump sum of a worker who settles abroad. The employer
# asks for each (``request_item``) with the documents of the fact; the amount is computed by
# ``workflows.law.benefits`` at the base salary in force on the day asked; social insurance
# decides it with the benefit, or alone once the benefit is decided (``decide_insurance``).
CLAIM_ITEMS = ("convalescence", "assistive_device", "retraining", "settling_abroad")
# (Vietnamese, English) names of the items, for forms, pages and papers.
CLAIM_ITEM_LABELS: dict[str, tuple[str, str]] = {
    "convalescence": (
        "Nghỉ dưỡng sức, phục hồi sức khỏe (Điều 54)",
        "Convalescence after treatment (Art. 54)",
    ),
    "assistive_device": (
        "Phương tiện trợ giúp sinh hoạt, dụng cụ chỉnh hình (Điều 51)",
        "Assistive device or orthosis (Art. 51)",
    ),
    "retraining": ("Hỗ trợ chuyển đổi nghề nghiệp (Điều 55)", "Retraining support (Art. 55)"),
    "settling_abroad": (
        "Ra nước ngoài định cư: hưởng một lần 03 tháng (Điều 49)",
        "Settling abroad: a one-time 3 months (Art. 49)",
    ),
}


@dataclass(frozen=True)
class ItemQuote:
    """A claim item as requested: its amount (VND), the articles and, for convalescence, the
    days granted."""

    amount_vnd: int
    basis: str
    days: int | None = None
    cap_vnd: int | None = None


def _live_items(data: Mapping[str, Any], item: str) -> list[Mapping[str, Any]]:
    # Items of that kind asked for and not refused (a refused one may be asked again).
    items = (data.get("insurance") or {}).get("benefit_items") or ()
    return [i for i in items if i.get("item") == item and i.get("approved") is not False]


def _current_monthly(data: Mapping[str, Any]) -> MonthlyBenefit | None:
    """The monthly allowance the claim's current assessment pays, or None."""
    ins = data.get("insurance") or {}
    start = parse_month(ins.get("start_month"))
    wage = _int_or_none(data.get("insured_wage_vnd"))
    wage = _int_or_none(data.get("monthly_wage_vnd")) if wage is None else wage
    if ins.get("expected_kind") != "monthly" or start is None or wage is None:
        return None
    years = int(data.get("si_years") or 0)
    return MonthlyBenefit(data.get("capacity_loss_pct") or 0, wage, years, start)


def _convalescence(data, payload, base, rules) -> ItemQuote | Reason:
    result = convalescence(data.get("capacity_loss_pct") or 0, base)
    days = payload.get("convalescence_days")
    if result.max_days == 0:
        return Reason(result.basis + ".", field="benefit_item")
    if not days:
        return Reason("Cần số ngày nghỉ dưỡng sức.", field="convalescence_days")
    if days > result.max_days:
        return Reason(
            f"Số ngày nghỉ dưỡng sức tối đa là {result.max_days} ngày ({result.basis}).",
            field="convalescence_days",
        )
    assessed_at = data.get("assessed_at")
    if any(i.get("assessed_at") == assessed_at for i in _live_items(data, "convalescence")):
        return Reason(
            "Đã đề nghị nghỉ dưỡng sức cho lần giám định này (Luật ATVSLĐ Điều 54).",
            field="benefit_item",
        )
    return ItemQuote(days * result.per_day_vnd, result.basis, days=days)


def _assistive_device(data, payload, base, rules) -> ItemQuote | Reason:
    cost, cap = payload.get("cost_vnd"), payload.get("cap_vnd")
    if not cost:
        return Reason("Cần chi phí phương tiện, dụng cụ.", field="cost_vnd")
    if cap is None:
        return Reason(
            "Cần mức tối đa theo danh mục, niên hạn quy định (Luật ATVSLĐ Điều 51).",
            field="cap_vnd",
        )
    device = assistive_device(cost, cap)
    return ItemQuote(device.amount_vnd, device.basis, cap_vnd=device.cap_vnd)


def _retraining(data, payload, base, rules) -> ItemQuote | Reason:
    tuition = payload.get("cost_vnd")
    if not tuition:
        return Reason("Cần học phí của khóa đào tạo.", field="cost_vnd")
    earlier = tuple(
        d
        for d in (parse_day(i.get("requested_on")) for i in _live_items(data, "retraining"))
        if d is not None
    )
    on = payload["requested_on"]
    support = retraining_support(tuition, base, on=on, earlier_supports=earlier)
    if not support.eligible:
        return Reason(support.basis + ".", field="benefit_item")
    return ItemQuote(support.amount_vnd, support.basis, cap_vnd=support.cap_vnd)


def _settling_abroad(data, payload, base, rules) -> ItemQuote | Reason:
    benefit = _current_monthly(data)
    if benefit is None:
        return Reason(
            "Chỉ người đang hưởng trợ cấp hằng tháng mới được nhận khoản 3 tháng khi ra nước "
            "ngoài định cư (Luật ATVSLĐ Điều 49).",
            field="benefit_item",
        )
    if _live_items(data, "settling_abroad"):
        return Reason("Đã đề nghị khoản trợ cấp khi ra nước ngoài định cư.", field="benefit_item")
    month = payload["requested_on"].replace(day=1)
    if month < benefit.start_month:
        return Reason(
            f"Trợ cấp hằng tháng hưởng từ tháng {benefit.start_month:%m/%Y}.",
            field="requested_on",
        )
    return ItemQuote(
        settling_abroad_lump_sum(benefit, month, rules),
        f"{_LAW} Điều 49: ra nước ngoài định cư được hưởng một lần bằng 03 tháng trợ cấp "
        f"hằng tháng (mức lương cơ sở tháng {month:%m/%Y})",
    )


_ITEM_QUOTES = {
    "convalescence": _convalescence,
    "assistive_device": _assistive_device,
    "retraining": _retraining,
    "settling_abroad": _settling_abroad,
}


def quote_item(data: Mapping[str, Any], payload: Mapping[str, Any], rules) -> ItemQuote | Reason:
    """The amount of the claim item ``payload`` asks for (``benefit_item``, ``requested_on``
    and per item ``convalescence_days``, ``cost_vnd``, ``cap_vnd``), or the Reason it cannot
    be granted (with the field at fault). Convalescence and retraining use the base salary in
    force on the day asked; settling abroad the monthly allowance of that month."""
    quote = _ITEM_QUOTES.get(payload.get("benefit_item"))
    on = payload.get("requested_on")
    if quote is None:
        return Reason("Khoản đề nghị không hợp lệ.", field="benefit_item")
    if on is None:
        return Reason("Cần ngày đề nghị.", field="requested_on")
    try:
        base = rules.base_salary(on)
    except LookupError:
        return Reason("Chưa có mức lương cơ sở áp dụng cho ngày đề nghị.", field="requested_on")
    return quote(data, payload, base, rules)


def parse_day(value: Any) -> date | None:
    """ "YYYY-MM-DD" → date; None for anything else."""
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def is_item_claimable(ctx: Context) -> Reason | None:
    """A living, insured worker's claim can ask for items (a deceased worker's relatives get
    the death grant, Art. 53; an uninsured worker's equivalent is the employer's, Art. 39(4))."""
    if ctx.case.data.get("death"):
        return Reason("Hồ sơ người lao động đã chết không có các khoản này.")
    return is_insurance_applicable(ctx)


def has_valid_item(ctx: Context) -> Reason | None:
    """The item asked for can be granted (``quote_item``), on a day neither in the future nor
    before the assessment it follows."""
    if not ctx.payload.get("benefit_item"):
        return None  # only offered: nothing asked yet
    on = ctx.payload.get("requested_on")
    if on is not None and on > local_date(ctx.now):
        return Reason("Ngày đề nghị không được ở tương lai.", field="requested_on")
    assessed = parse_iso(ctx.case.data.get("assessed_at"))
    if on is not None and assessed is not None and on < local_date(assessed):
        return Reason(
            "Ngày đề nghị không được trước ngày kết luận giám định.", field="requested_on"
        )
    quote = quote_item(ctx.case.data, ctx.payload, ctx.rules)
    return quote if isinstance(quote, Reason) else None


# -- effects (pure: they only describe the change) ------------------------------------------------


def record_referral(ctx: Context) -> Outcome:
    return Outcome(data={"referred_at": iso(ctx.payload["referred_at"])})


def record_eligible_assessment(ctx: Context) -> Outcome:
    data, deadlines = assessment_data(
        ctx.case.data,
        capacity_loss_pct=ctx.payload["capacity_loss_pct"],
        death=False,
        assessed_at=ctx.payload["assessed_at"],
        rules=ctx.rules,
        treatment_ended_on=ctx.payload.get("treatment_ended_on"),
        outpatient=bool(ctx.payload.get("outpatient")),
    )
    return Outcome(data=data, deadlines=deadlines)


def record_ineligible_assessment(ctx: Context) -> Outcome:
    ended = ctx.payload.get("treatment_ended_on")
    return Outcome(
        data={
            "capacity_loss_pct": ctx.payload["capacity_loss_pct"],
            "assessed_at": iso(ctx.payload["assessed_at"]),
            "treatment_ended_on": ended.isoformat() if ended else None,
            "outpatient": bool(ctx.payload.get("outpatient")),
        }
    )


def record_reassessment(ctx: Context) -> Outcome:
    """Art. 47, 50(3): the new conclusion replaces the current one, which joins
    ``data["assessments"]`` (oldest first: ``capacity_loss_pct``, ``assessed_at``,
    ``reason`` — None for the first —, ``start_month``, ``expected_kind``, ``expected_vnd``,
    ``base_salary_vnd``); the insurance benefit becomes ``reassessed_benefit``'s, from the new
    conclusion's month. The compensation track is left as it is."""
    data = ctx.case.data
    ins = dict(_ins(ctx))
    previous = {
        "capacity_loss_pct": data.get("capacity_loss_pct"),
        "assessed_at": data.get("assessed_at"),
        "reason": data.get("assessment_reason"),
        "start_month": ins.get("start_month"),
        "expected_kind": ins.get("expected_kind"),
        "expected_vnd": ins.get("expected_vnd"),
        "base_salary_vnd": ins.get("base_salary_vnd"),
    }
    wage = _int_or_none(data.get("insured_wage_vnd"))
    wage = _int_or_none(data.get("monthly_wage_vnd")) if wage is None else wage
    # What was granted before: the insurer's decided amount once there is one, else the
    # expected amount (a benefit that fell below 5 % counts as a one-time benefit of 0).
    decided = ins.get("decided_vnd")
    paid = decided if decided is not None else ins.get("expected_vnd")
    previous_kind = ins.get("expected_kind")
    if previous_kind not in ("one_time", "monthly"):
        previous_kind, paid = "one_time", 0
    concluded = local_date(ctx.payload["assessed_at"])
    result = reassessed_benefit(
        previous_kind=previous_kind,
        previous_amount_vnd=int(paid or 0),
        previous_pct=data.get("capacity_loss_pct") or 0,
        new_pct=ctx.payload["capacity_loss_pct"],
        concluded_on=concluded,
        contribution_years=int(data.get("si_years") or 0),
        insured_wage_vnd=wage or 0,
        rules=ctx.rules,
    )
    _start, start_basis = benefit_start_month(
        treatment_ended_on=None, outpatient=False, council_concluded_on=concluded, reassessment=True
    )
    expected = result.amount_due_vnd if wage is not None else None
    ins.update(
        expected_kind=result.kind,
        expected_vnd=expected,
        base_salary_vnd=result.benefit.base_salary_vnd,
        basis=result.basis,
        start_month=month_text(result.start_month),
        start_month_basis=start_basis,
    )
    deadlines: dict[str, DeadlineChange] = {}
    if ins.get("decided_at") is not None:
        # The insurer decided the earlier benefit (kept in ``decisions``); the new one needs
        # its own decision, within the Art. 59(2) limit from the new conclusion's record.
        ins.update(decided_at=None, approved=None, kind=None, decided_vnd=None, reason=None)
    if ins.get("filed_at") is not None:
        deadlines.update(_decision_deadline(ctx, ctx.now))
    changes: dict[str, Any] = {
        "capacity_loss_pct": ctx.payload["capacity_loss_pct"],
        "assessed_at": iso(ctx.payload["assessed_at"]),
        "assessment_reason": ctx.payload["reason"],
        "assessments": [*(data.get("assessments") or ()), previous],
        "insurance": ins,
    }
    comp = dict(_comp(ctx))
    if "equivalent_si_vnd" in comp:
        # Art. 39(4): the uninsured worker's equivalent follows the new benefit.
        comp.update(equivalent_si_vnd=expected, equivalent_si_kind=result.kind)
        changes["compensation"] = comp
    extra = reassessment_compensation(ctx, concluded)
    if extra is not None:
        comp.update(extra)
        changes["compensation"] = comp
        if comp["minimum_vnd"] > (comp.get("paid_vnd") or 0) and comp.get("owed", True):
            due_days = int(ctx.rules.get("compensation_due_days", concluded))
            assessed_at = ctx.payload["assessed_at"]
            deadlines["compensation"] = DeadlineChange(
                due_at=add_calendar_days(assessed_at, due_days),
                started_at=assessed_at,
                days=due_days,
                unit="calendar",
            )
    return Outcome(data=changes, deadlines=deadlines)


def reassessment_compensation(ctx: Context, concluded: date) -> dict[str, Any] | None:
    """The employer's compensation after a re-assessment, by the rules-table switch
    ``reassessment_compensation`` (UNVERIFIED, law.md §5-6 say nothing of it): "none" (the
    default: compensation follows the first assessment of the accident, Circular 28/2021's
    "each accident compensated once") or "difference" (a higher loss raises the minimum to the
    new percentage's, the employer paying the difference). Returns the compensation keys to
    change (``minimum_vnd``, ``months``, ``basis``, a reopened ``paid_at``/``confirmed_at``
    when more is owed), or None."""
    switch = ctx.rules.get("reassessment_compensation", concluded)
    if switch not in ("none", "difference"):
        raise ValueError(f"reassessment_compensation must be none or difference, got {switch!r}")
    data = ctx.case.data
    comp = _comp(ctx)
    wage = _int_or_none(data.get("monthly_wage_vnd"))
    if switch == "none" or wage is None or comp.get("minimum_vnd") is None:
        return None
    at_fault = bool(data.get("worker_at_fault"))
    new = compensation(
        ctx.payload["capacity_loss_pct"],
        wage,
        False,
        at_fault,
        accident_type=data.get("accident_type") or DEFAULT_ACCIDENT_TYPE,
        third_party=bool(data.get("third_party")) and not at_fault,
    )
    if not new.eligible or new.amount_vnd <= comp["minimum_vnd"]:
        return None
    changes: dict[str, Any] = {
        "minimum_vnd": new.amount_vnd,
        "months": float(new.months),
        "basis": f"{new.basis}; giám định lại: bồi thường phần chênh lệch",
    }
    if (comp.get("paid_vnd") or 0) < new.amount_vnd:
        # The difference is owed: the payment and the union's confirmation start again.
        changes.update(paid_at=None, confirmed_at=None)
    return changes


def _victim_columns(ctx: Context, columns: Mapping[str, Any]) -> dict[int, dict[str, Any]]:
    """``columns`` to write on the claim's victim (the parent's row the statistics count)."""
    victim_id = ctx.case.data.get("victim_id")
    return {victim_id: dict(columns)} if victim_id is not None and columns else {}


def record_payment(ctx: Context) -> Outcome:
    """The employer's payment (an instalment or the whole), added to what it paid before and
    kept in ``compensation.payments`` (``amount_vnd``, ``paid_at``, ``proof``). The track is
    paid — ``paid_at`` set, the Art. 38(7) deadline met, the union asked to confirm — once the
    total reaches the minimum (or at the first payment when no minimum is known); until then
    ``remaining_vnd`` says what is still owed and the deadline stands. The victim's
    ``compensation_paid_vnd`` follows the claim's total (one claim per victim)."""
    p = ctx.payload
    comp = dict(_comp(ctx))
    comp["paid_vnd"] = (comp.get("paid_vnd") or 0) + p["amount_vnd"]
    comp["last_paid_at"] = iso(p["paid_at"])
    payment = {"amount_vnd": p["amount_vnd"], "paid_at": iso(p["paid_at"])}
    if p.get("proof"):
        comp["proof"] = [*(comp.get("proof") or ()), *p["proof"]]
        payment["proof"] = list(p["proof"])
    comp["payments"] = [*(comp.get("payments") or ()), payment]
    remaining = owed_remainder(comp)
    comp["remaining_vnd"] = remaining
    deadlines: dict[str, DeadlineChange] = {}
    if remaining:
        # An instalment: the deadline stands as it was (re-set unchanged, so met_by does not
        # close it).
        due = parse_iso(comp.get("due_at"))
        started = parse_iso(ctx.case.data.get("assessed_at")) or ctx.now
        if due is not None:
            days = int(ctx.rules.get("compensation_due_days", local_date(started)))
            deadlines["compensation"] = DeadlineChange(
                due_at=due, started_at=started, days=days, unit="calendar"
            )
    else:
        comp["paid_at"] = iso(p["paid_at"])
    return Outcome(
        data={"compensation": comp},
        deadlines=deadlines,
        victims=_victim_columns(ctx, {"compensation_paid_vnd": comp["paid_vnd"]}),
    )


# The employer's costs of the worker's treatment (Law 84/2015 Art. 38(1)-(3): first aid and
# treatment paid in advance, full wages while off work) and the days off work, as the
# statutory accident reports count them (Decree 39/2016 Appendix XII: số ngày nghỉ, chi phí
# y tế, trả lương trong thời gian điều trị). Each is the total to date.
COST_FIELDS = ("days_off", "medical_costs_vnd", "wage_costs_vnd")
NO_COSTS = (
    "Cần nhập ít nhất một trong: số ngày nghỉ, chi phí y tế, tiền lương trong thời gian điều trị."
)


def has_some_cost(ctx: Context) -> Reason | None:
    return unless(any(k in ctx.payload for k in COST_FIELDS), NO_COSTS, field="days_off")


def record_costs(ctx: Context) -> Outcome:
    """The totals to date of the days off and the costs given (the others keep their last
    value), each record kept in ``costs.history``; the victim's columns take the totals."""
    given = {k: ctx.payload[k] for k in COST_FIELDS if k in ctx.payload}
    costs = dict(ctx.case.data.get("costs") or {})
    entry = {**given, "recorded_at": iso(ctx.now), "recorded_by": ctx.actor.username}
    history = [*(costs.get("history") or ()), entry]
    totals = {k: costs.get(k) for k in COST_FIELDS} | given
    return Outcome(
        data={"costs": {**totals, "history": history}},
        victims=_victim_columns(ctx, given),
    )


def record_receipt(ctx: Context) -> Outcome:
    """The union's confirmation: when, and who received the money (``received_by``,
    ``recipient_name``, ``recipient_relationship``)."""
    comp = dict(_comp(ctx))
    comp["confirmed_at"] = iso(ctx.payload["confirmed_at"])
    comp["received_by"] = recipient_of(ctx)
    comp["recipient_name"] = ctx.payload.get("recipient_name")
    comp["recipient_relationship"] = ctx.payload.get("recipient_relationship")
    return Outcome(data={"compensation": comp})


def is_filed_with_insurance(data: Mapping[str, Any]) -> bool:
    """Whether the employer has filed the insurance dossier (what the insurance scope keys on)."""
    return bool((data.get("insurance") or {}).get("filed_at"))


def record_filing(ctx: Context) -> Outcome:
    filed_at = ctx.payload["filed_at"]
    days = int(ctx.rules.get("insurance_decision_days", local_date(filed_at)))
    ins = dict(_ins(ctx))
    ins["filed_at"] = iso(filed_at)
    ins["dossier"] = list(ctx.payload["dossier"])
    return Outcome(
        data={"insurance": ins},
        deadlines={
            "insurance_decision": DeadlineChange(
                due_at=add_calendar_days(filed_at, days), started_at=filed_at, days=days
            ),
        },
    )


def _decision_deadline(ctx: Context, since: datetime) -> dict[str, DeadlineChange]:
    """The Art. 59(2) time limit for social insurance to decide what was put to it ``since``."""
    days = int(ctx.rules.get("insurance_decision_days", local_date(since)))
    return {
        "insurance_decision": DeadlineChange(
            due_at=add_calendar_days(since, days), started_at=since, days=days
        )
    }


def record_item(ctx: Context) -> Outcome:
    """A claim item asked for: appended to ``insurance["benefit_items"]`` as ``{"seq",
    "item", "requested_on", "convalescence_days", "cost_vnd", "cap_vnd", "note",
    "amount_vnd", "basis", "assessed_at", "approved": None, "decided_at": None,
    "decided_vnd": None}``; ``insurance["items_vnd"]`` is the total asked for. Asked after
    the filing, it starts the insurer's 10-day limit again (Art. 59(2))."""
    p = ctx.payload
    quote = quote_item(ctx.case.data, p, ctx.rules)
    assert isinstance(quote, ItemQuote)  # the guard has_valid_item refused anything else
    ins = dict(_ins(ctx))
    items = list(ins.get("benefit_items") or ())
    items.append(
        {
            "seq": len(items) + 1,
            "item": p["benefit_item"],
            "requested_on": p["requested_on"].isoformat(),
            "convalescence_days": quote.days,
            "cost_vnd": p.get("cost_vnd"),
            "cap_vnd": quote.cap_vnd,
            "note": p.get("note"),
            "amount_vnd": quote.amount_vnd,
            "basis": quote.basis,
            "assessed_at": ctx.case.data.get("assessed_at"),
            "approved": None,
            "decided_at": None,
            "decided_vnd": None,
        }
    )
    ins["benefit_items"] = items
    ins["items_vnd"] = sum(i["amount_vnd"] for i in items if i.get("approved") is not False)
    # Asked after the insurer decided, the item reopens its task with a fresh Art. 59(2) limit;
    # before the decision the running limit covers it (it is decided with the benefit).
    reopened = ins.get("filed_at") and ins.get("decided_at") and len(pending_items(ins)) == 1
    deadlines = _decision_deadline(ctx, ctx.now) if reopened else {}
    return Outcome(data={"insurance": ins}, deadlines=deadlines)


def record_decision(ctx: Context) -> Outcome:
    """Social insurance's decision on what is before it: the benefit itself unless decided
    already, and every claim item not decided yet (each granted its computed amount, or
    refused with the decision's reason). Each decision is kept in ``insurance["decisions"]``."""
    p = ctx.payload
    approved = p["approved"]
    ins = dict(_ins(ctx))
    decided_now = iso(ctx.now)
    covers_benefit = ins.get("decided_at") is None
    if covers_benefit:
        ins.update(
            decided_at=decided_now,
            approved=approved,
            kind=p.get("kind") if approved else None,
            decided_vnd=p.get("amount_vnd") if approved else None,
            reason=p.get("reason"),
        )
    items = []
    decided_items = []
    for item in ins.get("benefit_items") or ():
        if item.get("approved") is None:
            item = {
                **item,
                "approved": approved,
                "decided_at": decided_now,
                "decided_vnd": item["amount_vnd"] if approved else 0,
            }
            decided_items.append(item["seq"])
        items.append(item)
    if items:
        ins["benefit_items"] = items
        ins["items_vnd"] = sum(i["amount_vnd"] for i in items if i.get("approved") is not False)
        ins["items_decided_vnd"] = sum(i.get("decided_vnd") or 0 for i in items)
    ins["decisions"] = [
        *(ins.get("decisions") or ()),
        {
            "decided_at": decided_now,
            "approved": approved,
            "benefit": covers_benefit,
            "kind": p.get("kind") if approved and covers_benefit else None,
            "decided_vnd": p.get("amount_vnd") if approved and covers_benefit else None,
            "items": decided_items,
            "reason": p.get("reason"),
        },
    ]
    return Outcome(data={"insurance": ins})


# -- the definition ---------------------------------------------------------------------------

# What of a claim's data is medical, or lets one work the capacity-loss percentage back: the
# assessment and its dates, the number of months of wages (1.5 + (pct − 10) × 0.4), a
# benefit's kind (one-time below 31 %, monthly from 31 %), the articles quoting the band, the
# start month and its base salary (the discharge month), the earlier assessments, the
# insurer's decided kind and reason. Amounts owed and paid are not: the union checks them.
# A new key that tells the same belongs here (docs/architecture.md "Privacy").
MEDICAL_DATA = (
    "capacity_loss_pct",
    "treatment_ended_on",
    "outpatient",
    "assessment_reason",
    "assessments",
    "compensation.months",
    "compensation.basis",
    "compensation.equivalent_si_kind",
    "insurance.expected_kind",
    "insurance.basis",
    "insurance.base_salary_vnd",
    "insurance.start_month",
    "insurance.start_month_basis",
    "insurance.kind",
    "insurance.reason",
    # Each decision keeps its kind and reason; each claim item tells the band (convalescence
    # days 10 / 7 / 5, settling abroad only on a monthly allowance) or the injury (a device).
    # Their totals (items_vnd, items_decided_vnd) are amounts and stay visible.
    "insurance.decisions",
    "insurance.benefit_items",
)

_CONCLUSION_FIELDS = (
    Field(
        "capacity_loss_pct",
        "percent",
        label_vi="Tỷ lệ suy giảm khả năng lao động (%)",
        label_en="Loss of working capacity (%)",
        medical=True,
    ),
    Field(
        "assessed_at",
        "datetime",
        label_vi="Ngày kết luận giám định",
        label_en="Assessment conclusion date",
    ),
)
# Art. 50(1): the benefit starts in the month of discharge, or of the conclusion for an
# outpatient or when the discharge day is not known.
_ASSESSMENT_FIELDS = _CONCLUSION_FIELDS + (
    Field(
        "treatment_ended_on",
        "date",
        required=False,
        label_vi="Ngày điều trị xong, ra viện",
        label_en="Treatment ended / hospital discharge",
        medical=True,
    ),
    Field(
        "outpatient",
        "bool",
        required=False,
        label_vi="Điều trị ngoại trú",
        label_en="Outpatient treatment",
        medical=True,
    ),
)
_REASSESSMENT_FIELDS = _CONCLUSION_FIELDS + (
    Field(
        "reason",
        "text",
        label_vi="Lý do giám định lại",
        label_en="Reason for re-assessment",
        choices=REASSESSMENT_REASONS,
        medical=True,
    ),
)

STATES = (
    State(
        "treatment",
        "Đang điều trị",
        "Under treatment",
        tasks=(
            Task(
                "refer_for_assessment",
                "enterprise",
                "Giới thiệu người lao động đi giám định y khoa",
                "Refer the worker for medical assessment",
            ),
        ),
    ),
    State(
        "awaiting_assessment",
        "Chờ giám định y khoa",
        "Awaiting medical assessment",
        tasks=(
            Task(
                "record_assessment",
                "enterprise",
                "Ghi nhận kết luận giám định y khoa",
                "Record the medical assessment",
            ),
        ),
    ),
    State(
        "assessed",
        "Đã giám định — đang chi trả",
        "Assessed — benefits in progress",
        tasks=(
            Task(
                "record_payment",
                "enterprise",
                "Chi trả bồi thường, trợ cấp cho người lao động",
                "Pay the worker's compensation",
                deadline="compensation",
                when="is_unpaid",
            ),
            Task(
                "confirm_receipt",
                "union",
                "Xác nhận người lao động (gia đình) đã nhận tiền",
                "Confirm the worker (family) received the money",
                when="is_paid_unconfirmed",
            ),
            Task(
                "file_insurance",
                "enterprise",
                "Nộp hồ sơ hưởng chế độ BH TNLĐ cho cơ quan BHXH",
                "File the insurance claim",
                deadline="insurance_filing",
                when="is_insured_unfiled",
            ),
            Task(
                "decide_insurance",
                "insurance",
                "Giải quyết hồ sơ hưởng chế độ BH TNLĐ",
                "Decide the insurance claim",
                deadline="insurance_decision",
                when="is_filed_undecided",
            ),
            Task(
                "close",
                "union",
                "Đóng hồ sơ bồi thường",
                "Close the claim",
                when="has_both_tracks_done",
            ),
        ),
    ),
    State(
        "not_eligible",
        "Dưới 5% — không được bồi thường",
        "Below 5 % — not eligible",
        tasks=(Task("close", "union", "Đóng hồ sơ bồi thường", "Close the claim"),),
        # The band is medical detail: the roles without medical access read only that the
        # Council concluded (that nothing is owed they see from the amounts).
        public_label_vi="Đã có kết luận giám định",
        public_label_en="Assessment concluded",
    ),
    State("closed", "Đã đóng", "Closed", terminal=True),
)

_REFER_FOR_ASSESSMENT_FIELDS = (
    Field("referred_at", "datetime", label_vi="Ngày giới thiệu", label_en="Referral date"),
)

_RECORD_PAYMENT_FIELDS = (
    Field("amount_vnd", "money", label_vi="Số tiền (đồng)", label_en="Amount (VND)"),
    Field("paid_at", "datetime", label_vi="Ngày chi trả", label_en="Payment date"),
    Field(
        "proof",
        "documents",
        required=False,
        label_vi="Chứng từ chi trả",
        label_en="Proof of payment",
    ),
)

_RECORD_COSTS_FIELDS = (
    Field("days_off", "count", required=False, label_vi="Số ngày nghỉ việc (tổng đến nay)",
          label_en="Days off work (total to date)"),
    Field("medical_costs_vnd", "money", required=False,
          label_vi="Chi phí y tế (đồng, tổng đến nay)",
          label_en="Medical costs (VND, total to date)"),
    Field("wage_costs_vnd", "money", required=False,
          label_vi="Tiền lương trả trong thời gian điều trị (đồng, tổng đến nay)",
          label_en="Wages paid during treatment (VND, total to date)"),
)  # fmt: skip

_CONFIRM_RECEIPT_FIELDS = (
    Field("confirmed_at", "datetime", label_vi="Ngày nhận tiền, xác nhận",
          label_en="Date received and confirmed"),
    Field("received_by", "text", required=False, label_vi="Người nhận tiền",
          label_en="Received by", choices=RECIPIENTS),
    Field("recipient_name", "text", required=False, label_vi="Họ tên thân nhân nhận tiền",
          label_en="Name of the relative who received it"),
    Field("recipient_relationship", "text", required=False,
          label_vi="Quan hệ với người lao động (vợ, chồng, con…)",
          label_en="Relationship to the worker (spouse, child…)"),
)  # fmt: skip

_FILE_INSURANCE_FIELDS = (
    Field("filed_at", "datetime", label_vi="Ngày nộp hồ sơ", label_en="Filing date"),
    Field(
        "dossier",
        "documents",
        label_vi=(
            "Thành phần hồ sơ (Điều 57): sổ BHXH, giấy ra viện, biên bản giám định, "
            "văn bản đề nghị mẫu 05A-HSB, biên bản điều tra — mỗi dòng một tài liệu"
        ),
        label_en=(
            "Documents enclosed (Art. 57): SI book, discharge paper, assessment record, "
            "request form 05A-HSB, investigation minutes — one per line"
        ),
    ),
)

_DECIDE_INSURANCE_FIELDS = (
    Field("approved", "bool", label_vi="Chấp thuận", label_en="Approved"),
    Field(
        "kind",
        "text",
        required=False,
        label_vi="Loại trợ cấp",
        label_en="Benefit kind",
        choices=("one_time", "monthly", "death"),
        medical=True,
    ),
    Field(
        "amount_vnd",
        "money",
        required=False,
        label_vi="Số tiền (đồng)",
        label_en="Amount (VND)",
    ),
    # Written on a medical decision, it may quote the assessment.
    Field("reason", "text", required=False, label_vi="Lý do", label_en="Reason", medical=True),
)

# Law 84/2015 Art. 49, 51, 54, 55: what the employer asks social insurance for besides the
# benefit (see ``quote_item``).
# Which item, its days, the device's cost, cap and name tell the band or the injury: medical.
_REQUEST_ITEM_FIELDS = (
    Field("benefit_item", "text", label_vi="Khoản đề nghị", label_en="Item requested",
          choices=CLAIM_ITEMS, medical=True),
    Field("requested_on", "date", label_vi="Ngày đề nghị", label_en="Date of request"),
    Field("convalescence_days", "count", required=False,
          label_vi="Số ngày nghỉ dưỡng sức (Điều 54)", label_en="Convalescence days (Art. 54)",
          medical=True),
    Field("cost_vnd", "money", required=False,
          label_vi="Chi phí phương tiện, dụng cụ hoặc học phí (đồng)",
          label_en="Device cost or tuition (VND)", medical=True),
    Field("cap_vnd", "money", required=False,
          label_vi="Mức tối đa theo danh mục, niên hạn của dụng cụ (đồng, Điều 51)",
          label_en="Cap of the device list for its period (VND, Art. 51)", medical=True),
    Field("note", "text", required=False,
          label_vi="Ghi chú (tên dụng cụ, khóa đào tạo, nơi định cư)",
          label_en="Note (device, course, country)", medical=True),
)  # fmt: skip


def completes_payment(ctx: Context) -> Reason | None:
    """This payment brings the total to the minimum (or no minimum is known): only then is
    the union asked to confirm the money was received."""
    comp = _comp(ctx)
    minimum = comp.get("minimum_vnd")
    total = (comp.get("paid_vnd") or 0) + (ctx.payload.get("amount_vnd") or 0)
    return unless(minimum is None or total >= minimum, "Mới trả một phần.")


def is_approval(ctx: Context) -> Reason | None:
    """The insurer's decision approves (which notice the parties get)."""
    return unless(ctx.payload.get("approved") is True, "Quyết định từ chối.")


def is_refusal(ctx: Context) -> Reason | None:
    return unless(ctx.payload.get("approved") is False, "Quyết định chấp thuận.")


def is_filed(ctx: Context) -> Reason | None:
    """The dossier is with social insurance (who is told of what changes in it)."""
    return unless(_ins(ctx).get("filed_at") is not None, "Chưa nộp hồ sơ BHXH.")


TRANSITIONS = (
    Transition("refer_for_assessment", ("treatment",), "awaiting_assessment", ("enterprise",),
        "Giới thiệu đi giám định y khoa", "Refer for medical assessment",
        guards=("has_valid_referral_date",), fields=_REFER_FOR_ASSESSMENT_FIELDS,
        effect="record_referral"),
    # Same trigger, routed by the Council's percentage (Law 84/2015 Art. 38(4), 45: from 5 %).
    Transition("record_assessment", ("awaiting_assessment",), "assessed",
        ("enterprise", "inspector"), "Ghi nhận kết luận giám định", "Record the assessment",
        guards=("has_valid_assessment_date", "has_valid_treatment_end"),
        conditions=("is_eligible_loss",), fields=_ASSESSMENT_FIELDS,
        effect="record_eligible_assessment",
        notify=(Notify("claim.compensation_due", ("enterprise", "union")),)),
    Transition("record_assessment", ("awaiting_assessment",), "not_eligible",
        ("enterprise", "inspector"), "Ghi nhận kết luận giám định", "Record the assessment",
        guards=("has_valid_assessment_date", "has_valid_treatment_end"),
        conditions=("is_below_threshold",), fields=_ASSESSMENT_FIELDS,
        effect="record_ineligible_assessment",
        notify=(Notify("claim.not_eligible", ("enterprise", "union")),)),
    Transition("record_payment", ("assessed",), None, ("enterprise",),
        "Ghi nhận chi trả bồi thường", "Record the compensation payment",
        guards=("is_unpaid", "is_valid_payment"), fields=_RECORD_PAYMENT_FIELDS,
        effect="record_payment",
        notify=(Notify("claim.payment_recorded", ("union",), when="completes_payment"),)),
    Transition("confirm_receipt", ("assessed",), None, ("union",), "Xác nhận đã nhận tiền",
        "Confirm receipt",
        guards=("is_paid_unconfirmed", "is_valid_receipt_date", "has_valid_recipient"),
        fields=_CONFIRM_RECEIPT_FIELDS, effect="record_receipt",
        notify=(Notify("claim.receipt_confirmed", ("enterprise",)),)),
    Transition("file_insurance", ("assessed",), None, ("enterprise",), "Nộp hồ sơ BHXH",
        "File with social insurance",
        guards=("is_insured_unfiled", "is_valid_filing_date", "has_complete_dossier"),
        fields=_FILE_INSURANCE_FIELDS, effect="record_filing",
        notify=(Notify("claim.insurance_filed", ("insurance",)),)),
    Transition("decide_insurance", ("assessed",), None, ("insurance",),
        "Quyết định hưởng chế độ BHXH", "Decide the insurance claim",
        guards=("is_filed_undecided", "has_decision_details"), fields=_DECIDE_INSURANCE_FIELDS,
        effect="record_decision",
        notify=(Notify("claim.insurance_approved", ("enterprise", "union"), when="is_approval"),
                Notify("claim.insurance_refused", ("enterprise", "union"), when="is_refusal"))),
    # Art. 47: the injury worsened, or several accidents are assessed together; the claim
    # stays assessed with a new benefit from the new conclusion's month.
    Transition("reassess", ("assessed",), None, ("enterprise", "inspector"),
        "Ghi nhận kết luận giám định lại", "Record a re-assessment",
        guards=("is_reassessable", "has_valid_reassessment_date"), fields=_REASSESSMENT_FIELDS,
        effect="record_reassessment",
        notify=(Notify("claim.reassessed", ("enterprise", "union")),
                Notify("claim.reassessed", ("insurance",), when="is_filed"))),
    # Art. 49, 51, 54, 55: convalescence, an assistive device, retraining, the lump sum on
    # settling abroad — each asked for on its own, decided by social insurance.
    Transition("request_item", ("assessed",), None, ("enterprise",),
        "Đề nghị dưỡng sức, dụng cụ, chuyển đổi nghề, định cư", "Request a further benefit",
        guards=("is_item_claimable", "has_valid_item"), fields=_REQUEST_ITEM_FIELDS,
        effect="record_item",
        notify=(Notify("claim.item_requested", ("union",)),
                Notify("claim.item_requested", ("insurance",), when="is_filed"))),
    Transition("close", ("assessed",), "closed", ("union", "inspector"), "Đóng hồ sơ",
        "Close the claim", guards=("has_both_tracks_done",), effect="close",
        notify=(Notify("claim.closed", ("enterprise", "union")),)),
    Transition("close", ("not_eligible",), "closed", ("union", "inspector"), "Đóng hồ sơ",
        "Close the claim", effect="close",
        notify=(Notify("claim.closed", ("enterprise", "union")),)),
    # The employer's costs and the days off, recorded whenever they are known, in any open
    # state (the statistics count them per victim).
    Transition("record_costs", ("treatment", "awaiting_assessment", "assessed", "not_eligible"),
        None, ("enterprise", "inspector"), "Ghi nhận ngày nghỉ, chi phí điều trị",
        "Record days off and treatment costs", guards=("has_some_cost",),
        fields=_RECORD_COSTS_FIELDS, effect="record_costs"),
)  # fmt: skip
DEADLINES = (
    Deadline("compensation", "Hạn chi trả bồi thường, trợ cấp (Điều 38 khoản 7)",
             "Compensation due (Art. 38(7))", met_by=("record_payment",), role="enterprise",
             supervisors=("union", "inspector")),
    Deadline("insurance_filing", "Hạn nộp hồ sơ BHXH (Điều 59 khoản 1)",
             "Insurance filing due (Art. 59(1))", met_by=("file_insurance",), role="enterprise",
             supervisors=("union", "inspector")),
    Deadline("insurance_decision", "Hạn BHXH giải quyết hồ sơ (Điều 59 khoản 2)",
             "Insurance decision due (Art. 59(2))", met_by=("decide_insurance",),
             role="insurance", supervisors=("enterprise", "union")),
)  # fmt: skip


WORKFLOW = WorkflowDefinition(
    kind="claim",
    letter="C",
    label_vi="Hồ sơ bồi thường, trợ cấp",
    label_en="Compensation and insurance claim",
    initial="treatment",
    states=STATES,
    transitions=TRANSITIONS,
    deadlines=DEADLINES,
    predicates={
        "is_eligible_loss": is_eligible_loss,
        "is_below_threshold": is_below_threshold,
        "is_unpaid": is_unpaid,
        "is_paid_unconfirmed": is_paid_unconfirmed,
        "is_insured_unfiled": is_insured_unfiled,
        "is_filed_undecided": is_filed_undecided,
        "has_both_tracks_done": has_both_tracks_done,
        "has_valid_referral_date": has_valid_referral_date,
        "has_valid_assessment_date": has_valid_assessment_date,
        "has_valid_treatment_end": has_valid_treatment_end,
        "is_reassessable": is_reassessable,
        "has_valid_reassessment_date": has_valid_reassessment_date,
        "is_valid_payment": is_valid_payment,
        "is_valid_receipt_date": is_valid_receipt_date,
        "has_valid_recipient": has_valid_recipient,
        "is_valid_filing_date": is_valid_filing_date,
        "has_complete_dossier": has_complete_dossier,
        "has_decision_details": has_decision_details,
        "has_some_cost": has_some_cost,
        "is_item_claimable": is_item_claimable,
        "has_valid_item": has_valid_item,
        "is_filed": is_filed,
        "is_approval": is_approval,
        "completes_payment": completes_payment,
        "is_refusal": is_refusal,
    },
    effects={
        "record_referral": record_referral,
        "record_eligible_assessment": record_eligible_assessment,
        "record_ineligible_assessment": record_ineligible_assessment,
        "record_reassessment": record_reassessment,
        "record_payment": record_payment,
        "record_receipt": record_receipt,
        "record_filing": record_filing,
        "record_decision": record_decision,
        "record_costs": record_costs,
        "record_item": record_item,
        "close": close,
    },
    resolvers={},
    doc=__doc__ or "",
    # Insurance officers see a claim once its dossier is filed (workflows.md "Parties and roles").
    indexed_columns={"insurance_filed": is_filed_with_insurance},
    dossier=MEDICAL_DOSSIER,
    shared_with={"insurance": "insurance_filed"},
    medical_data=MEDICAL_DATA,
    # The employer's decision (Circular 28/2021 Appendix II), issued once the amount is known —
    # a deceased worker's claim at its opening, another at the assessment — and anew whenever a
    # step changes what it states: a re-assessment, a payment, a further benefit asked or
    # decided. The employer reissues it by hand when something else it states changed.
    papers=(
        PaperSpec(
            "decision",
            ("create", "record_assessment", "reassess", "record_payment", "request_item",
             "decide_insurance"),
            reissuers=("enterprise",),
        ),
    ),
)  # fmt: skip
