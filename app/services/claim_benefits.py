"""The insurance benefit a claim's worker is due in a month, as each caller may see it.

``workflows.claim.benefit_due`` computes it from the claim's data and the rules table (a
monthly allowance follows the base salary in force each month, Law 84/2015 Art. 49). The kind
of benefit, its start month and the articles naming them let one work back to the assessment,
so ``app.services.privacy`` decides who sees them: a role that sees no medical detail (the
trade union) gets the amounts with ``kind`` and ``basis`` null, and a medical role's read is
logged like the case page's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.clock import now, to_local
from app.errors import NotFound, ValidationFailed
from app.i18n import N_
from app.models import Case
from app.services.cases import get_visible_case
from app.services.privacy import read_medical, sees_medical
from app.services.rulebook import load_rulebook
from workflows.claim import benefit_due, month_text, parse_month

BAD_MONTH = N_("Tháng không hợp lệ (YYYY-MM).")
NO_BASE_SALARY = N_("Chưa có mức lương cơ sở áp dụng cho tháng này.")


def has_benefit(case: Case) -> bool:
    """Whether ``case`` is a claim with a computed insurance benefit (it was assessed)."""
    return case.kind == "claim" and "insurance" in (case.data or {})


def benefit_json(case: Case, month: date, rules, *, medical: bool) -> dict[str, Any]:
    """``{"month": "YYYY-MM", "kind", "amount_vnd", "base_salary_vnd", "basis"}`` of claim
    ``case`` in ``month``; ``kind`` and ``basis`` null unless ``medical``.

    :raises LookupError: no base salary in force in ``month``.
    """
    due = benefit_due(case.data or {}, month, rules)
    return {
        "month": month_text(due.month),
        "kind": due.kind if medical else None,
        "amount_vnd": due.amount_vnd,
        "base_salary_vnd": due.base_salary_vnd,
        "basis": due.basis if medical else None,
    }


def this_month() -> date:
    """The current month in Vietnam (first day)."""
    return to_local(now()).date().replace(day=1)


def monthly_due(case: Case, *, medical: bool) -> dict[str, Any] | None:
    """A monthly allowance's amount due this month (``benefit_json``), or None when the
    claim's current benefit is not a monthly one or no base salary is in force."""
    if not has_benefit(case) or (case.data["insurance"] or {}).get("expected_kind") != "monthly":
        return None
    try:
        return benefit_json(case, this_month(), load_rulebook(), medical=medical)
    except LookupError:
        return None


def benefit_for_month(user, case_id: int, raw_month: Any) -> dict[str, Any]:
    """``GET /cases/{id}/benefit?month=YYYY-MM``: ``benefit_json`` for ``user``.

    :raises NotFound: no such case, not visible to ``user``, not a claim, or not assessed yet.
    :raises ValidationFailed: ``month`` missing or not "YYYY-MM", or no base salary then.
    """
    case = get_visible_case(user, case_id)
    if not has_benefit(case):
        raise NotFound(N_("Hồ sơ chưa có kết luận giám định nên chưa có trợ cấp."))
    month = parse_month(raw_month)
    if month is None:
        raise ValidationFailed({"month": [BAD_MONTH]})
    rules = load_rulebook()
    try:
        rules.base_salary(month)
    except LookupError:
        raise ValidationFailed({"month": [NO_BASE_SALARY]}) from None
    medical = sees_medical(user)
    body = benefit_json(case, month, rules, medical=medical)
    read_medical(user, case, "benefit.kind,basis", carried=True)
    return body
