"""Statutory periodic reports (kind ``report``): opening them, reading them, listing them.

``workflows/report.py`` is the lifecycle (submit / send_back / accept) and
``app.services.statistics`` computes what a report counts; this module decides *who owes
which report* and shapes what the API, the pages and the files show.

Who owes a report for a period (Decree 39/2016 Art. 24; ``open_period``):

- an **active enterprise** files ``enterprise_accidents`` (Appendix XII). Active means: at
  least one active enterprise account (someone who can file it), or at least one accident
  case of the enterprise that occurred in the period (it has something to report even
  before anyone signed up). An enterprise only in the register, without either, is not
  asked (the register holds enterprises that never used SafeCase);
- a **commune** files ``commune_accidents`` (Appendix XVI) when it has an active commune
  account, or any accident case without a labour relation in its area.

Each report is a case created through ``workflow_engine.create_case`` with ``report_key``
``"form:party:period"`` (party: the enterprise's tax code or the commune code); the unique
index on that key makes opening idempotent even when two openers race.

What a report shows (``report_view``): its period, form, due day and state, the **live**
totals the cases give now (``statistics.report_totals``), the **submitted** ones frozen at
the last ``submit``, and ``differs``: the totals in which the two no longer agree. Only
counts and amounts leave here — never a victim's name, national ID or medical detail.
"""

from __future__ import annotations

import base64
import binascii
import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.exc import IntegrityError

from app.clock import now
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import Case, Commune, Enterprise, User
from app.services.rulebook import load_rulebook
from app.services.statistics import (
    COST_LABELS,
    COUNT_LABELS,
    PROPERTY_DAMAGE_LABEL,
    differences,
    report_totals,
)
from app.services.unit_of_work import unit_of_work
from app.services.visibility import can_see, case_filter
from app.services.workflow_engine import NewCase, available_actions, create_case
from workflows import get_workflow
from workflows.inputs import ID_MAX, int_from_text
from workflows.law.calendar import VN_TZ, local_day_bounds
from workflows.law.reporting import (
    COMMUNE_ACCIDENTS,
    ENTERPRISE_ACCIDENTS,
    FORM_LABELS,
    Period,
    parse_period,
    report_due_on,
)
from workflows.report import reporter_role

KIND = "report"
FILED = ("submitted", "accepted")
NOT_FILED = ("open", "returned")
PER_PAGE, MAX_PER_PAGE = 20, 100

BAD_PERIOD = N_("Kỳ báo cáo không hợp lệ: dạng 2026-H1 (6 tháng đầu năm) hoặc 2026 (cả năm).")
NOT_ENDED = N_("Không mở được: kỳ báo cáo chưa kết thúc.")


@dataclass(frozen=True)
class SystemActor:
    """The scheduler acting without a person (the engine's events name it ``system``)."""

    id: None = None
    username: str = "system"
    role: str = "system"
    enterprise_id: None = None
    commune_code: None = None


SYSTEM = SystemActor()


def report_key(form: str, party: str, period: Period) -> str:
    """``Case.report_key``: one report per form, party and period."""
    return f"{form}:{party}:{period.text}"


def today() -> date:
    return now().astimezone(VN_TZ).date()


def period_or_422(text: Any, field: str = "period") -> Period:
    """:raises ValidationFailed: ``text`` is not a period (``"2026-H1"`` or ``"2026"``)."""
    period = parse_period(text)
    if period is None:
        raise ValidationFailed({field: [BAD_PERIOD]})
    return period


# -- opening -----------------------------------------------------------------------------------


def _occurred_in(period: Period):
    start, end = _bounds(period)
    return and_(Case.kind == "accident", Case.occurred_at >= start, Case.occurred_at < end)


def _bounds(period: Period):
    return local_day_bounds(period.first, period.last)


def active_enterprises(period: Period) -> list[Enterprise]:
    """The enterprises that owe ``enterprise_accidents`` for ``period`` (module docstring)."""
    has_user = exists().where(
        User.enterprise_id == Enterprise.id, User.role == "enterprise", User.active.is_(True)
    )
    had_accident = exists().where(Case.enterprise_id == Enterprise.id, _occurred_in(period))
    return list(
        db.session.scalars(
            select(Enterprise).where(or_(has_user, had_accident)).order_by(Enterprise.id)
        )
    )


def reporting_communes(period: Period) -> list[Commune]:
    """The communes that owe ``commune_accidents`` (module docstring)."""
    has_user = exists().where(
        User.commune_code == Commune.code, User.role == "commune", User.active.is_(True)
    )
    had_case = exists().where(
        Case.commune_code == Commune.code,
        Case.kind == "accident",
        Case.labour_relation.is_(False),
    )
    return list(
        db.session.scalars(select(Commune).where(or_(has_user, had_case)).order_by(Commune.code))
    )


def _owed(period: Period) -> list[NewCase]:
    rules = load_rulebook()
    owed = []
    for form, parties in (
        (ENTERPRISE_ACCIDENTS, active_enterprises(period)),
        (COMMUNE_ACCIDENTS, reporting_communes(period)),
    ):
        due_on = report_due_on(form, period, rules).isoformat()
        for party in parties:
            enterprise = party if isinstance(party, Enterprise) else None
            commune_code = enterprise.commune_code if enterprise else party.code
            names = (
                {"enterprise_name": enterprise.name, "tax_code": enterprise.tax_code}
                if enterprise
                else {"commune_name": party.name}
            )
            owed.append(
                NewCase(
                    kind=KIND,
                    enterprise_id=enterprise.id if enterprise else None,
                    commune_code=commune_code,
                    declared_by_id=None,
                    description=f"{FORM_LABELS[form][0]} — {period.label_vi}",
                    data={"period": period.text, "form": form, "due_on": due_on, **names},
                    report_key=report_key(
                        form, enterprise.tax_code if enterprise else party.code, period
                    ),
                )
            )
    return owed


def open_period(period: Period, *, actor=SYSTEM) -> int:
    """Open, for ``period``, every report owed (module docstring) that does not exist yet, as
    cases of kind ``report`` in state ``open`` with their ``report_due`` deadline and the
    reporter's task. One transaction; a report another opener created meanwhile is skipped
    (its unique key refuses ours inside a savepoint). Returns how many were opened.

    :raises ValidationFailed: ``period`` has not ended yet (its last day is today or later).
    """
    if period.last >= today():
        raise ValidationFailed({"period": [NOT_ENDED]})
    province = current_app.config["SAFECASE_PROVINCE"]
    opened = 0
    with unit_of_work():
        wanted = _owed(period)
        existing = (
            set(
                db.session.scalars(
                    select(Case.report_key).where(
                        Case.report_key.in_([new.report_key for new in wanted])
                    )
                )
            )
            if wanted
            else set()
        )
        for new in wanted:
            if new.report_key in existing:
                continue
            new.declared_by_id = getattr(actor, "id", None)
            try:
                with db.session.begin_nested():
                    create_case(new, actor, province=province)
            except IntegrityError:
                continue  # opened by someone else since we looked
            opened += 1
    return opened


# -- reading -----------------------------------------------------------------------------------


def get_report(user, case_id: int) -> Case:
    """:raises NotFound: missing, not a report, or not visible to ``user``."""
    case = db.session.get(Case, case_id)
    if case is None or case.kind != KIND or not can_see(user, case):
        raise NotFound(N_("Không tìm thấy báo cáo."))
    return case


def _reporter(case: Case) -> dict[str, Any]:
    data = case.data or {}
    role = reporter_role(data)
    enterprise = case.enterprise
    return {
        "role": role,
        "name": (enterprise.name if enterprise else data.get("enterprise_name"))
        if role == "enterprise"
        else (case.commune.name if case.commune else data.get("commune_name")),
        "tax_code": enterprise.tax_code if enterprise and role == "enterprise" else None,
        "commune_code": case.commune_code,
        "commune_name": case.commune.name if case.commune else None,
    }


def is_overdue(case: Case, on: date | None = None) -> bool:
    """Not filed and its due day has passed (Vietnam time)."""
    due_on = (case.data or {}).get("due_on")
    return (
        case.state in NOT_FILED
        and due_on is not None
        and date.fromisoformat(due_on) < (on or today())
    )


def report_summary(case: Case) -> dict[str, Any]:
    """A list row: who, which period and form, due day, state, overdue."""
    data = case.data or {}
    submitted = data.get("submitted") or {}
    return {
        "id": case.id,
        "code": case.code,
        "period": data.get("period"),
        "form": data.get("form"),
        "due_on": data.get("due_on"),
        "state": case.state,
        "version": case.version,
        "reporter": _reporter(case),
        "submitted_at": submitted.get("submitted_at"),
        "overdue": is_overdue(case),
    }


def report_view(user, case: Case) -> dict[str, Any]:
    """What ``GET /reports/{id}`` answers and the page and files show.

    Shape: the summary (``report_summary``) plus ``form_label``, ``period_label``,
    ``figures`` (the reporter's last filed figures or None), ``live`` (``report_totals`` now),
    ``submitted`` (``{"figures", "totals", "submitted_at", "submitted_by"}`` or None),
    ``differs`` (names of the totals that changed since), ``shown`` (``"submitted"`` or
    ``"live"``: which totals the statutory form carries), ``totals`` (those totals),
    ``returned`` (``{"reason", "returned_at", "by"}`` or None), ``accepted_at``, ``actions``.
    """
    data = case.data or {}
    period = parse_period(data.get("period"))
    live = report_totals(case)
    submitted = data.get("submitted")
    shown = "submitted" if submitted else "live"
    return {
        **report_summary(case),
        "form_label": list(FORM_LABELS.get(data.get("form"), ("", ""))),
        "period_label": [period.label_vi, period.label_en] if period else None,
        "first_day": period.first.isoformat() if period else None,
        "last_day": period.last.isoformat() if period else None,
        "figures": data.get("figures"),
        "live": live,
        "submitted": submitted,
        "differs": differences((submitted or {}).get("totals"), live),
        "shown": shown,
        "totals": submitted["totals"] if submitted else live,
        "returned": data.get("returned"),
        "accepted_at": data.get("accepted_at"),
        "actions": available_actions(case, user),
    }


# -- listing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportPage:
    items: list[Case]
    total: int
    page: int
    pages: int
    per_page: int
    next_cursor: str | None
    counts: dict[str, int]


def _cursor(value: str | None) -> int | None:
    if not value:
        return None
    try:
        decoded = base64.urlsafe_b64decode(value.encode() + b"==").decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    last_id = int_from_text(decoded[2:]) if decoded.startswith("r:") else None
    if last_id is None or not 1 <= last_id <= ID_MAX:
        raise ValidationFailed({"cursor": [N_("Con trỏ trang không hợp lệ.")]})
    return last_id


def _encode(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"r:{last_id}".encode()).decode().rstrip("=")


def list_reports(
    user,
    *,
    period: str | None = None,
    state: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
    cursor: str | None = None,
) -> ReportPage:
    """The reports ``user`` may see (enterprise: its own; commune: its commune's; union: its
    scope; inspector: all), newest first, filtered by period and state, with the counts of
    filed / not filed / overdue reports under the same filters (state aside).

    :raises ValidationFailed: a bad period, state, page, per_page or cursor.
    """
    errors: dict[str, list] = {}
    if period and parse_period(period) is None:
        errors["period"] = [BAD_PERIOD]
    states = [s.name for s in get_workflow(KIND).states]
    if state and state not in states:
        errors["state"] = [N_("Trạng thái không hợp lệ: %(states)s.", states=", ".join(states))]
    if page < 1:
        errors["page"] = [N_("Số trang phải từ 1.")]
    if not 1 <= per_page <= MAX_PER_PAGE:
        errors["per_page"] = [N_("per_page phải từ 1 đến 100.")]
    after = None
    try:
        after = _cursor(cursor)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    base = [Case.kind == KIND, case_filter(user)]
    if period:
        base.append(Case.report_key.like(f"%:{parse_period(period).text}"))
    counts = _counts(base)
    where = base + ([Case.state == state] if state else [])
    total = db.session.scalar(select(func.count()).select_from(Case).where(*where)) or 0
    query = select(Case).where(*where).order_by(Case.id.desc()).limit(per_page)
    if after is not None:
        query = query.where(Case.id < after)
    else:
        query = query.offset((page - 1) * per_page)
    items = list(db.session.scalars(query))
    more = len(items) == per_page and db.session.scalar(
        select(func.count()).select_from(Case).where(*where, Case.id < items[-1].id)
    )
    return ReportPage(
        items=items,
        total=total,
        page=page,
        pages=max(1, math.ceil(total / per_page)),
        per_page=per_page,
        next_cursor=_encode(items[-1].id) if more else None,
        counts=counts,
    )


def _counts(where) -> dict[str, int]:
    """Filed, not filed, and of those not filed the overdue (due day before today)."""
    rows = db.session.execute(
        select(Case.state, Case.data).where(*where)
    ).all()  # reports are few per party and period: read and counted here
    on = today()
    counts = {"filed": 0, "not_filed": 0, "overdue": 0}
    for state, data in rows:
        if state in FILED:
            counts["filed"] += 1
            continue
        counts["not_filed"] += 1
        due_on = (data or {}).get("due_on")
        if due_on and date.fromisoformat(due_on) < on:
            counts["overdue"] += 1
    return counts


# -- what the statutory form shows -------------------------------------------------------------

# The totals of a report as the forms name them (Appendix XII / XVI), in the forms' order;
# the page, the PDF, the XLSX and the "differs" warning all read these labels.
# The statutory forms' row labels: the statistics' own, but for the first row, which the form
# words in full.
TOTAL_LABELS: dict[str, tuple[str, str]] = {
    **COUNT_LABELS,
    "accidents": ("Số vụ tai nạn lao động", "Accidents"),
    "costs_vnd": COST_LABELS["total"],
    "property_damage_vnd": PROPERTY_DAMAGE_LABEL,
}
BREAKDOWN_LABELS: dict[str, tuple[str, str]] = {
    "occupation": ("Theo nghề nghiệp", "By occupation"),
    "cause": ("Theo nguyên nhân", "By cause"),
    "injuring_factor": ("Theo yếu tố gây chấn thương", "By injuring factor"),
}
BLOCK_LABELS: dict[str, tuple[str, str]] = {
    "all": ("Tai nạn lao động (tổng số)", "Work accidents (all)"),
    "commuting": (
        "Trong đó: tai nạn trên đường đi và về từ nơi ở đến nơi làm việc",
        "Of which: accidents while commuting",
    ),
}
COUNT_NAMES = tuple(name for name in TOTAL_LABELS if name not in ("costs_vnd",))


def total_rows(block: dict[str, Any]) -> list[tuple[str, tuple[str, str], int]]:
    """One block of totals as rows ``(name, (label_vi, label_en), value)``: the counts, each
    cost and the property damage, in the forms' order."""
    rows = [
        (name, TOTAL_LABELS[name], int(block.get(name) or 0))
        for name in COUNT_NAMES
        if name != "property_damage_vnd"
    ]
    costs = block.get("costs_vnd") or {}
    rows += [(f"costs_vnd.{k}", COST_LABELS[k], int(costs.get(k) or 0)) for k in COST_LABELS]
    rows.append(
        ("property_damage_vnd", TOTAL_LABELS["property_damage_vnd"],
         int(block.get("property_damage_vnd") or 0))
    )  # fmt: skip
    return rows
