"""Home-page dashboards: the city's situation for an inspector, its own for an enterprise.

Counts only — no victim is named anywhere here. Each figure comes from the services that own
its definition: accident counts from ``statistics.figures_for`` (what counts), the targets from
``targets.targets_for``, open work from the case, deadline and task rows within the caller's
scope (``visibility.case_filter``).

"This year against last" compares 1 January to today (Vietnam time) with 1 January to the same
day a year earlier (28 February when today is 29 February).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import case, func, select

from app.clock import as_utc, now
from app.extensions import db
from app.models import Case, CaseDeadline, Commune, Enterprise, Victim
from app.services.cases import task_is_overdue
from app.services.inbox import inbox
from app.services.privacy import state_labels
from app.services.quick_report import recent_due
from app.services.statistics import Query, counted_accidents, figures_for
from app.services.targets import local_today, targets_for
from app.services.visibility import case_filter, enterprise_filter
from workflows import REGISTRY
from workflows.law.calendar import VN_TZ
from workflows.law.reporting import parse_period

COMPARED = ("accidents", "deaths", "victims")
OPEN_REPORT_STATES = ("open", "returned")
LIST_LIMIT = 10


@dataclass(frozen=True)
class Comparison:
    """One count this year to date against last year to the same day."""

    name: str
    this_year: int
    last_year: int

    @property
    def change(self) -> int:
        return self.this_year - self.last_year


def same_day_last_year(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return date(day.year - 1, 2, 28)


def _compare(
    scope, enterprise_scope, today: date, lang: str = "vi", **filters
) -> tuple[list[Comparison], dict]:
    this = figures_for(Query(date(today.year, 1, 1), today, **filters), scope=scope,
                       enterprise_scope=enterprise_scope, lang=lang)  # fmt: skip
    last_day = same_day_last_year(today)
    last = figures_for(Query(date(last_day.year, 1, 1), last_day, **filters), scope=scope,
                       enterprise_scope=enterprise_scope)  # fmt: skip
    return [Comparison(name, this[name], last[name]) for name in COMPARED], this


def monthly_trend(scope, today: date, **filters) -> list[dict[str, Any]]:
    """Accidents and deaths by month of occurrence (Vietnam time), this year and last:
    ``[{"month", "accidents", "deaths", "accidents_last", "deaths_last"}]`` for the 12 months
    (this year's months after today are None)."""
    first = date(today.year - 1, 1, 1)
    deaths = func.sum(case((Victim.outcome == "death", 1), else_=0))
    rows = db.session.execute(
        select(Case.occurred_at, deaths)
        .select_from(Case)
        .outerjoin(Victim, Victim.case_id == Case.id)
        .where(*counted_accidents(Query(first, today, **filters)), scope)
        .group_by(Case.id, Case.occurred_at)
    )
    accidents: Counter[tuple[int, int]] = Counter()
    died: Counter[tuple[int, int]] = Counter()
    for occurred_at, count in rows:
        local = as_utc(occurred_at).astimezone(VN_TZ)
        accidents[(local.year, local.month)] += 1
        died[(local.year, local.month)] += int(count or 0)
    result = []
    for month in range(1, 13):
        future = month > today.month
        result.append(
            {
                "month": month,
                "accidents": None if future else accidents[(today.year, month)],
                "deaths": None if future else died[(today.year, month)],
                "accidents_last": accidents[(today.year - 1, month)],
                "deaths_last": died[(today.year - 1, month)],
            }
        )
    return result


def _terminal_states() -> dict[str, set[str]]:
    return {
        kind: {state.name for state in definition.states if state.terminal}
        for kind, definition in REGISTRY.items()
    }


def open_cases_by_stage(scope, user) -> list[dict[str, Any]]:
    """Open cases (not in a terminal state) by kind and state: ``[{"kind", "kind_label",
    "state", "state_label" ((vi, en), as ``user`` may read it), "count"}]`` in the workflows'
    order."""
    rows = db.session.execute(
        select(Case.kind, Case.state, func.count(Case.id)).where(scope).group_by(Case.kind,
                                                                                  Case.state)
    ).all()  # fmt: skip
    counts = {(kind, state): n for kind, state, n in rows}
    terminal = _terminal_states()
    result = []
    for kind, definition in REGISTRY.items():
        for state in definition.states:
            n = counts.get((kind, state.name), 0)
            if n and state.name not in terminal[kind]:
                result.append(
                    {
                        "kind": kind,
                        "kind_label": (definition.label_vi, definition.label_en),
                        "state": state.name,
                        "state_label": state_labels(user, kind, state.name),
                        "count": n,
                    }
                )
    return result


def overdue_steps(scope, *, limit: int = LIST_LIMIT) -> tuple[int, list[dict[str, Any]]]:
    """Open deadlines (not met, not paused) past due within ``scope``: their count and the
    ``limit`` most overdue ``[{"case_id", "code", "deadline" ((vi, en)), "due_at",
    "days_overdue"}]``."""
    at = now()
    where = [
        CaseDeadline.met_at.is_(None),
        CaseDeadline.paused_at.is_(None),
        CaseDeadline.due_at < at,
        scope,
    ]
    base = select(CaseDeadline).join(Case, Case.id == CaseDeadline.case_id).where(*where)
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    rows = db.session.execute(
        select(Case.id, Case.code, Case.kind, CaseDeadline.name, CaseDeadline.due_at)
        .join(Case, Case.id == CaseDeadline.case_id)
        .where(*where)
        .order_by(CaseDeadline.due_at, Case.id)
        .limit(limit)
    ).all()
    items = []
    for case_id, code, kind, name, due_at in rows:
        due = as_utc(due_at)
        items.append(
            {
                "case_id": case_id,
                "code": code,
                "deadline": _deadline_label(kind, name),
                "due_at": due,
                # Whole local days past the due day, as the reports' "days left" count them.
                "days_overdue": (at.astimezone(VN_TZ).date() - due.astimezone(VN_TZ).date()).days,
            }
        )
    return total, items


def _deadline_label(kind: str, name: str) -> tuple[str, str]:
    definition = REGISTRY.get(kind)
    for deadline in definition.deadlines if definition else ():
        if deadline.name == name:
            return deadline.label_vi, deadline.label_en
    return name, name


def unfiled_reports(scope, today: date, *, limit: int = LIST_LIMIT) -> dict[str, Any]:
    """Periodic reports not yet filed (open or returned) within ``scope``: ``{"count",
    "overdue", "items": [{"case_id", "code", "period", "reporter", "due_on", "days_left",
    "state"}]}`` — items soonest due first (overdue ones have ``days_left`` < 0)."""
    rows = db.session.execute(
        select(Case.id, Case.code, Case.state, Case.data, Enterprise.name, Commune.name)
        .outerjoin(Enterprise, Enterprise.id == Case.enterprise_id)
        .join(Commune, Commune.code == Case.commune_code)
        .where(Case.kind == "report", Case.state.in_(OPEN_REPORT_STATES), scope)
    ).all()
    items = []
    for case_id, code, state, data, enterprise_name, commune_name in rows:
        data = data or {}
        due_on = _date(data.get("due_on"))
        period = parse_period(data.get("period"))
        items.append(
            {
                "case_id": case_id,
                "code": code,
                "state": state,
                "period": period,
                "reporter": enterprise_name or commune_name,
                "due_on": due_on,
                "days_left": (due_on - today).days if due_on else None,
            }
        )
    items.sort(key=lambda i: (i["due_on"] is None, i["due_on"] or today, i["code"]))
    overdue = sum(1 for i in items if i["days_left"] is not None and i["days_left"] < 0)
    return {"count": len(items), "overdue": overdue, "items": items[:limit]}


def _date(text: Any) -> date | None:
    try:
        return date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def city_dashboard(user, lang: str = "vi") -> dict[str, Any]:
    """The inspector's home page: this year against last to the same day (accidents, deaths,
    victims), the monthly trend, the top industries and communes this year, the directive's
    three targets, open cases by stage, overdue steps, unfiled reports, and the accidents
    declared in the last 30 days that need the province's quick report (Form 06). The
    industries are named in ``lang`` ("vi" or "en")."""
    today = local_today()
    scope = case_filter(user)
    comparison, this_year = _compare(scope, enterprise_filter(user), today, lang)
    overdue_count, overdue = overdue_steps(scope)
    return {
        "today": today,
        "comparison": comparison,
        "trend": monthly_trend(scope, today),
        "by_industry": this_year["by"]["industry"][:LIST_LIMIT],
        "by_commune": this_year["by"]["commune"][:LIST_LIMIT],
        "targets": targets_for(today.year, today=today),
        "open_cases": open_cases_by_stage(scope, user),
        "overdue_count": overdue_count,
        "overdue": overdue,
        "reports": unfiled_reports(scope, today),
        # The quick report (Form 06) is the inspectorate's paper: only it is shown the list.
        "quick_reports": recent_due(scope) if user.role == "inspector" else [],
    }


def enterprise_dashboard(user) -> dict[str, Any]:
    """An enterprise's home page — or a commune's: its own figures this year against last (to
    the same day), the monthly trend, the reports it owes and its open tasks. A commune's own
    are the accidents in its area and the reports it files itself (not its enterprises')."""
    today = local_today()
    scope = case_filter(user)
    if user.role == "commune":
        own_filter = {"commune_code": user.commune_code}
        owed_scope = scope & Case.enterprise_id.is_(None)
    else:
        own_filter = {"enterprise_id": user.enterprise_id}
        owed_scope = scope
    comparison, _ = _compare(scope, enterprise_filter(user), today, **own_filter)
    at = now()
    tasks = [
        {
            "task": task,
            "due_at": as_utc(task.due_at),
            "overdue": task_is_overdue(task, at),
        }
        for task in inbox(user, per_page=LIST_LIMIT).items
    ]
    return {
        "today": today,
        "comparison": comparison,
        "trend": monthly_trend(scope, today, **own_filter),
        "reports": unfiled_reports(owed_scope, today),
        "tasks": tasks,
    }
