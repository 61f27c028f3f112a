"""Reading cases: what a user may see, lists with filters, timelines.

Every read goes through ``case_filter``/``can_see``; a case outside the caller's scope
is reported exactly as a missing one (``NotFound``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.clock import as_utc, now
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import Case, CaseEvent, Task
from app.services.search import search_condition
from app.services.visibility import can_see, case_filter

PAGE_SIZE = 25
# What a list row shows, loaded per page in one query each instead of once per case (N+1).
LIST_LOADS = (
    selectinload(Case.victims),
    selectinload(Case.deadlines),
    selectinload(Case.children),
    selectinload(Case.parent).selectinload(Case.victims),
)


def get_visible_case(user, case_id: int) -> Case:
    """:raises NotFound: missing or not visible to ``user``."""
    case = db.session.get(Case, case_id)
    if case is None or not can_see(user, case):
        raise NotFound(N_("Không tìm thấy vụ việc."))
    return case


@dataclass(frozen=True)
class CaseLinks:
    """An accident's serious technical incident and an incident's accidents (its casualties).

    ``incident_code`` is part of the accident's own record (as declared); ``incident`` and
    ``accidents`` hold only cases the viewer may open.
    """

    incident_code: str | None
    incident: Case | None
    accidents: list[Case]


def linked_cases(user, case: Case) -> CaseLinks:
    """The incident ``case`` (an accident) is linked to, or the accidents linked to ``case``
    (an incident), keeping only the cases ``user`` may see: a case outside the caller's scope
    is not offered, as it would be answered as missing. An accident still names its
    incident's code, which its declaration (and audit trail) carries."""
    incident_code, incident = None, None
    if case.kind == "accident" and case.linked_incident is not None:
        incident_code = case.linked_incident.code
        incident = case.linked_incident if can_see(user, case.linked_incident) else None
    accidents: list[Case] = []
    if case.kind == "incident":
        accidents = list(
            db.session.scalars(
                select(Case)
                .where(Case.linked_incident_id == case.id, case_filter(user))
                .order_by(Case.id)
            )
        )
    return CaseLinks(incident_code=incident_code, incident=incident, accidents=accidents)


@dataclass(frozen=True)
class CaseFilters:
    kind: str | None = None
    state: str | None = None
    severity: str | None = None
    level: str | None = None
    commune: str | None = None
    enterprise: str | None = None
    q: str | None = None
    declared_from: datetime | None = None
    declared_to: datetime | None = None


@dataclass(frozen=True)
class CasePage:
    items: list[Case]
    page: int
    pages: int
    total: int


def list_cases(user, filters: CaseFilters, page: int = 1, per_page: int = PAGE_SIZE) -> CasePage:
    """The cases ``user`` may see, newest first, filtered and paginated.

    The order (declared_at, id) is served by the (scope, declared_at) indexes.
    :raises ValidationFailed: a page number below 1.
    """
    if page < 1:
        raise ValidationFailed({"page": [N_("Số trang phải từ 1.")]})
    query = select(Case).where(case_filter(user))
    if filters.kind:
        query = query.where(Case.kind == filters.kind)
    if filters.state:
        query = query.where(Case.state == filters.state)
    if filters.severity:
        query = query.where(Case.severity == filters.severity)
    if filters.level:
        query = query.where(Case.investigation_level == filters.level)
    if filters.commune:
        query = query.where(Case.commune_code == filters.commune)
    if filters.enterprise:
        from app.models import Enterprise

        query = query.where(
            Case.enterprise_id.in_(
                select(Enterprise.id).where(Enterprise.tax_code == filters.enterprise)
            )
        )
    if filters.declared_from:
        query = query.where(Case.declared_at >= filters.declared_from)
    if filters.declared_to:
        query = query.where(Case.declared_at <= filters.declared_to)
    if filters.q:
        query = query.where(search_condition(filters.q, user))
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = (
        db.session.scalars(
            query.options(*LIST_LOADS)
            .order_by(Case.declared_at.desc(), Case.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        .unique()
        .all()
    )
    return CasePage(
        items=list(items), page=page, pages=max(1, math.ceil(total / per_page)), total=total
    )


def case_events(user, case_id: int) -> list[CaseEvent]:
    case = get_visible_case(user, case_id)
    return list(
        db.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)
        )
    )


def open_tasks_for(user) -> list[Task]:
    """The caller's open tasks (role and scope), soonest due first, undated last."""
    rows = db.session.scalars(
        select(Task)
        .join(Case, Task.case_id == Case.id)
        .where(Task.closed_at.is_(None), Task.role == user.role, case_filter(user))
        .order_by(Task.due_at.is_(None), Task.due_at, Task.id)
    ).all()
    return list(rows)


def task_is_overdue(task: Task, at: datetime | None = None) -> bool:
    """Whether an open task is overdue: the deadline scan marked it so (``overdue_at``, e.g.
    ``flask deadlines scan --as-of`` ahead of the wall clock, which also escalated it), or its
    due time has passed by ``at`` (default now). What the scan decided is what everyone sees;
    moving the due time clears the mark (``case_store.move_task_due``). The API's tasks, the
    inbox and the dashboards all ask this.
    """
    if task.overdue_at is not None:
        return True
    due = as_utc(task.due_at)
    return due is not None and due < (at or now())
