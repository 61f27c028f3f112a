"""Process analytics: how long the steps of an accident's handling take, and who is late.

``GET /statistics/process`` and the page ``/statistics/process``. For the accidents declared
in the period (Vietnam-local days; rejected declarations and quick notices not completed yet
left out: ``UNCOUNTED_STATES``; a completed notice's declaration is the notice), each measure is
the time in days from one moment to the first event that ends it, read from the audit trail
(``case_event``):

- ``reporting_lag``: the accident's occurrence → its declaration;
- ``to_team``: the declaration → ``open_investigation`` (the team set up);
- ``to_announcement``: the declaration → ``announce`` (the minutes announced);
- ``to_compensation``: the declaration → ``record_payment`` on a victim's claim (one value a
  claim);
- ``to_insurance_decision``: the declaration → ``decide_insurance`` on a victim's claim.

Each measure gives the count, the median and the 90th percentile (linear interpolation between
ranks, as PostgreSQL's ``percentile_cont``; days, 1 decimal) overall, by industry and by
enterprise. SQL does the joins and returns durations' end points only; the percentiles are
computed in Python so SQLite and PostgreSQL agree.

"Enterprises late most often" counts the enterprise's own deadlines (``case_deadline``) falling
due in the period: those of an enterprise's role (claims' compensation and insurance filing, its
periodic reports) and the investigation limit when the enterprise heads the team (an
enterprise-level investigation). A deadline is late when met after it was due, or still open
and past due now; an open deadline not yet due, or paused (the case with the police), is not
judged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import aliased

from app.clock import now
from app.errors import PermissionDenied, ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import Case, CaseDeadline, CaseEvent, CodeEntry, Enterprise
from workflows import REGISTRY
from workflows.inputs import day_in_range, day_out_of_range, is_digits
from workflows.law.calendar import VN_TZ, local_day_bounds
from workflows.law.reporting import UNCOUNTED_STATES

# measure → (the trigger ending it, on the accident or on its claims; None: the declaration)
MEASURES: dict[str, tuple[str | None, str]] = {
    "reporting_lag": (None, "accident"),
    "to_team": ("open_investigation", "accident"),
    "to_announcement": ("announce", "accident"),
    "to_compensation": ("record_payment", "claim"),
    "to_insurance_decision": ("decide_insurance", "claim"),
}
MEASURE_LABELS: dict[str, tuple[str, str]] = {
    "reporting_lag": ("Từ khi xảy ra đến khi khai báo", "Occurrence to declaration"),
    "to_team": ("Từ khai báo đến khi thành lập đoàn điều tra", "Declaration to team set up"),
    "to_announcement": ("Từ khai báo đến khi công bố biên bản", "Declaration to announcement"),
    "to_compensation": (
        "Từ khai báo đến khi chi trả bồi thường",
        "Declaration to compensation paid",
    ),
    "to_insurance_decision": (
        "Từ khai báo đến khi BHXH giải quyết",
        "Declaration to insurance decision",
    ),
}
# The deadlines an enterprise answers for whatever the case: each definition's deadlines whose
# role is the enterprise's (or the reporter's, on an enterprise's report).
ENTERPRISE_DEADLINES: frozenset[tuple[str, str]] = frozenset(
    (kind, deadline.name)
    for kind, definition in REGISTRY.items()
    for deadline in definition.deadlines
    if deadline.role in ("enterprise", "reporter_role")
)
# The investigation limit is the enterprise's when it heads the team (Law 84/2015 Art. 35(1)).
TEAM_DEADLINE = ("accident", "investigation", "enterprise")
LATE_LIMIT = 10


@dataclass(frozen=True)
class ProcessQuery:
    """Accidents declared from ``first`` to ``last`` (Vietnam-local days, inclusive),
    optionally of one industry (a VSIC section ``C`` or division ``C25``) or enterprise (id)."""

    first: date
    last: date
    industry: str | None = None
    enterprise_id: int | None = None

    @property
    def start(self) -> datetime:
        return local_day_bounds(self.first, self.last)[0]

    @property
    def end(self) -> datetime:
        return local_day_bounds(self.first, self.last)[1]


def parse_process_query(args, user, *, today: date | None = None) -> ProcessQuery:
    """``?from=&to=&industry=&enterprise=`` (ISO dates, a VSIC code, a tax code) → the query
    ``user`` may run: an enterprise (or a grassroots union) is held to its own enterprise.
    Defaults: from 1 January of the running year to today (Vietnam time).

    :raises PermissionDenied: the role has no process analytics (commune, insurance).
    :raises ValidationFailed: bad dates, ``from`` after ``to``, a bad code or unknown tax code.
    """
    role = getattr(user, "role", None)
    own = user.enterprise_id if role in ("enterprise", "union") else None
    if role not in ("inspector", "admin", "union", "enterprise"):
        raise PermissionDenied(N_("Vai trò của bạn không xem được phân tích quy trình."))
    today = today or now().astimezone(VN_TZ).date()
    errors: dict[str, list[str]] = {}
    first = _date_arg(args, "from", date(today.year, 1, 1), errors)
    last = _date_arg(args, "to", today, errors)
    if first and last and first > last:
        errors.setdefault("to", []).append(N_("Ngày kết thúc phải sau ngày bắt đầu."))
    industry = (args.get("industry") or "").strip().upper() or None
    if industry and not _is_industry(industry):
        errors["industry"] = [N_("Mã ngành VSIC có dạng C hoặc C25.")]
    enterprise_id = own
    tax_code = (args.get("enterprise") or "").strip()
    if tax_code and own is None:
        enterprise_id = db.session.scalar(
            select(Enterprise.id).where(Enterprise.tax_code == tax_code)
        )
        if enterprise_id is None:
            errors["enterprise"] = [N_("Không có doanh nghiệp có mã số thuế này.")]
    if errors:
        raise ValidationFailed(errors)
    return ProcessQuery(first, last, industry, enterprise_id)


def _is_industry(code: str) -> bool:
    return code[:1].isalpha() and (len(code) == 1 or (len(code) == 3 and is_digits(code[1:])))


def _date_arg(args, name: str, default: date, errors: dict[str, list[str]]) -> date | None:
    text = (args.get(name) or "").strip()
    if not text:
        return default
    try:
        day = date.fromisoformat(text)
    except ValueError:
        errors[name] = [N_("Ngày không hợp lệ (YYYY-MM-DD).")]
        return None
    if not day_in_range(day):
        errors[name] = [day_out_of_range()]
        return None
    return day


# -- the durations -------------------------------------------------------------------------------


def _accident_terms(query: ProcessQuery) -> list[ColumnElement[bool]]:
    terms: list[ColumnElement[bool]] = [
        Case.kind == "accident",
        Case.state.not_in(UNCOUNTED_STATES),
        Case.declared_at >= query.start,
        Case.declared_at < query.end,
    ]
    if query.enterprise_id is not None:
        terms.append(Case.enterprise_id == query.enterprise_id)
    if query.industry:
        terms.append(_industry_term(Case.industry_code, query.industry))
    return terms


def _industry_term(column, industry: str) -> ColumnElement[bool]:
    return column.like(f"{industry}%") if len(industry) == 1 else column == industry


def durations(query: ProcessQuery, measure: str) -> list[tuple[str | None, int | None, float]]:
    """``(industry_code, enterprise_id, days)`` for each accident (or claim) ``measure`` has
    ended for; one statement."""
    trigger, on = MEASURES[measure]
    terms = _accident_terms(query)
    if trigger is None:
        stmt = select(
            Case.industry_code, Case.enterprise_id, Case.occurred_at, Case.declared_at
        ).where(*terms, Case.occurred_at.is_not(None))
    else:
        first_event = (
            select(CaseEvent.case_id, func.min(CaseEvent.at).label("at"))
            .where(CaseEvent.trigger == trigger)
            .group_by(CaseEvent.case_id)
            .subquery("first_event")
        )
        subject = Case
        stmt = select(Case.industry_code, Case.enterprise_id, Case.declared_at, first_event.c.at)
        if on == "claim":
            subject = aliased(Case, name="claim")
            stmt = stmt.join(subject, and_(subject.parent_id == Case.id, subject.kind == "claim"))
        stmt = stmt.join(first_event, first_event.c.case_id == subject.id).where(*terms)
    return [
        (industry, enterprise_id, (end - start).total_seconds() / 86400)
        for industry, enterprise_id, start, end in db.session.execute(stmt)
    ]


def summary(days: Iterable[float]) -> dict[str, Any]:
    """``{"n", "median_days", "p90_days"}`` of ``days`` (1 decimal; None when empty). The
    percentiles interpolate linearly between ranks (numpy's default, the definition of
    PostgreSQL's ``percentile_cont``)."""
    values = list(days)
    if not values:
        return {"n": 0, "median_days": None, "p90_days": None}
    median, p90 = np.percentile(np.array(values, dtype=float), [50, 90])
    return {"n": len(values), "median_days": round(float(median), 1),
            "p90_days": round(float(p90), 1)}  # fmt: skip


def process_analytics(query: ProcessQuery, *, lang: str = "vi") -> dict[str, Any]:
    """The answer of ``GET /statistics/process``::

        {"from", "to", "industry", "enterprise",
         "measures": [{"measure", "label", "overall": Summary,
                       "by_industry": [{"key", "label", **Summary}],
                       "by_enterprise": [{"key" (tax code), "label" (name), **Summary}]}],
         "late_enterprises": [{"key", "label", "deadlines", "late", "late_share" (%)}]}

    where Summary is :func:`summary`. Only enterprises and industries appear, never a victim.
    """
    english = lang == "en"
    measures = []
    rows_by_measure = {measure: durations(query, measure) for measure in MEASURES}
    every_row = [row for rows in rows_by_measure.values() for row in rows]
    names = _enterprise_names({eid for _, eid, _ in every_row if eid is not None})
    industries = {code for code, _, _ in every_row if code}
    industry_labels = _industry_labels(industries, english)
    for measure, rows in rows_by_measure.items():
        by_industry: dict[str | None, list[float]] = defaultdict(list)
        by_enterprise: dict[int | None, list[float]] = defaultdict(list)
        for industry, enterprise_id, days in rows:
            by_industry[industry].append(days)
            by_enterprise[enterprise_id].append(days)
        measures.append(
            {
                "measure": measure,
                "label": MEASURE_LABELS[measure][english],
                "overall": summary(days for _, _, days in rows),
                "by_industry": _groups(
                    by_industry, lambda k: (k or "", industry_labels.get(k) or k or "—")
                ),
                "by_enterprise": _groups(
                    by_enterprise, lambda k: names.get(k, ("", "—")) if k else ("", "—")
                ),
            }
        )
    return {
        "from": query.first.isoformat(),
        "to": query.last.isoformat(),
        "industry": query.industry,
        "enterprise": (
            _enterprise_names([query.enterprise_id]).get(query.enterprise_id, (None,))[0]
            if query.enterprise_id is not None
            else None
        ),
        "measures": measures,
        "late_enterprises": late_enterprises(query),
    }


def _groups(groups: dict[Any, list[float]], keyed) -> list[dict[str, Any]]:
    items = []
    for key, days in groups.items():
        code, label = keyed(key)
        items.append({"key": code, "label": label, **summary(days)})
    # Slowest first (by the 90th percentile), then most cases.
    return sorted(items, key=lambda item: (-(item["p90_days"] or 0), -item["n"], item["key"]))


def _enterprise_names(ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    ids = list(ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Enterprise.id, Enterprise.tax_code, Enterprise.name).where(Enterprise.id.in_(ids))
    )
    return {eid: (tax_code, name) for eid, tax_code, name in rows}


def _industry_labels(codes: set[str], english: bool) -> dict[str, str]:
    if not codes:
        return {}
    rows = db.session.execute(
        select(CodeEntry.code, CodeEntry.label_vi, CodeEntry.label_en).where(
            CodeEntry.list_name == "industry", CodeEntry.code.in_(codes)
        )
    )
    return {code: (en or vi) if english else vi for code, vi, en in rows}


# -- late deadlines ------------------------------------------------------------------------------


def _enterprise_deadline_term() -> ColumnElement[bool]:
    kind, name, level = TEAM_DEADLINE
    return or_(
        *(and_(Case.kind == k, CaseDeadline.name == n) for k, n in sorted(ENTERPRISE_DEADLINES)),
        and_(Case.kind == kind, CaseDeadline.name == name, Case.investigation_level == level),
    )


def late_enterprises(query: ProcessQuery, *, limit: int = LATE_LIMIT) -> list[dict[str, Any]]:
    """The enterprises with the most late deadlines falling due in the period (see the module
    docstring): ``[{"key" (tax code), "label" (name), "deadlines", "late", "late_share" (% of
    the judged deadlines, 1 decimal)}]``, most late first; enterprises never late left out."""
    at = now()
    judged = or_(CaseDeadline.met_at.is_not(None), CaseDeadline.paused_at.is_(None))
    late = or_(
        CaseDeadline.met_at > CaseDeadline.due_at,
        and_(CaseDeadline.met_at.is_(None), CaseDeadline.due_at < at),
    )
    terms = [
        CaseDeadline.due_at >= query.start,
        CaseDeadline.due_at < query.end,
        or_(CaseDeadline.met_at.is_not(None), CaseDeadline.due_at < at),
        judged,
        _enterprise_deadline_term(),
    ]
    if query.enterprise_id is not None:
        terms.append(Case.enterprise_id == query.enterprise_id)
    if query.industry:
        terms.append(_industry_term(Enterprise.industry_code, query.industry))
    late_count = func.sum(case((late, 1), else_=0))
    rows = db.session.execute(
        select(
            Enterprise.tax_code,
            Enterprise.name,
            func.count(CaseDeadline.id).label("deadlines"),
            late_count.label("late"),
        )
        .select_from(CaseDeadline)
        .join(Case, Case.id == CaseDeadline.case_id)
        .join(Enterprise, Enterprise.id == Case.enterprise_id)
        .where(*terms)
        .group_by(Enterprise.id, Enterprise.tax_code, Enterprise.name)
        .having(late_count > 0)
    ).all()
    items = [
        {
            "key": tax_code,
            "label": name,
            "deadlines": int(deadlines),
            "late": int(late_n),
            "late_share": round(int(late_n) * 100 / int(deadlines), 1),
        }
        for tax_code, name, deadlines, late_n in rows
    ]
    items.sort(key=lambda item: (-item["late"], -item["late_share"], item["key"]))
    return items[:limit]
