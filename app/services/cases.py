"""Reading cases: what a user may see, lists with filters, timelines.

Every read goes through ``case_filter``/``can_see``; a case outside the caller's scope
is reported exactly as a missing one (``NotFound``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import selectinload

from app.clock import as_utc, now
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import Case, CaseDeadline, CaseEvent, Task
from app.services.paging import (
    Count,
    capped_count,
    check_per_page,
    decode_cursor,
    encode_cursor,
)
from app.services.search import search_condition
from app.services.visibility import can_see, case_filter
from workflows import REGISTRY
from workflows.fields import as_case_code

PAGE_SIZE = 25
# The cursor of the case list names this list (a reports or inbox cursor is refused here).
CASES_CURSOR = "cases"
# What a list row shows, loaded per page in one query each instead of once per case (N+1).
LIST_LOADS = (
    selectinload(Case.victims),
    selectinload(Case.deadlines),
    selectinload(Case.children),
    selectinload(Case.parent).selectinload(Case.victims),
)
# What a row of the web list shows beyond the case and its enterprise and commune (joined):
# its nearest deadline. Three statements a page instead of seven (docs/performance.md).
ROW_LOADS = (selectinload(Case.deadlines),)


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
    """One page of a case list. ``total`` is exact unless ``total_capped`` (then it is
    ``paging.COUNT_CAP`` and there are more); ``pages`` counts up to ``total``;
    ``next_cursor`` continues after the last item (None on the last page); ``page`` is the
    page number asked for (with a cursor: the number the caller says it is, for display)."""

    items: list[Case]
    page: int
    pages: int
    total: int
    total_capped: bool = False
    next_cursor: str | None = None
    per_page: int = PAGE_SIZE


def awaited_deadlines(user, kind: str | None) -> tuple[str, ...]:
    """The deadlines of ``kind`` that ``user``'s role must meet (``Deadline.role``) when the
    kind is only *shared with* that role (``WorkflowDefinition.shared_with``: it sees the cases
    handed to it, as the insurer sees the claims filed with it): its list of that kind is a
    work list, what awaits it first (``list_cases(work_list=True)``). Empty otherwise."""
    definition = REGISTRY.get(kind or "")
    if definition is None or user.role not in definition.shared_with:
        return ()
    return tuple(d.name for d in definition.deadlines if d.role == user.role)


def list_cases(
    user,
    filters: CaseFilters,
    page: int = 1,
    per_page: int = PAGE_SIZE,
    cursor: str | None = None,
    loads: tuple = LIST_LOADS,
    work_list: bool = False,
) -> CasePage:
    """The cases ``user`` may see, newest first (``declared_at``, then ``id``), filtered, a
    page of ``per_page`` after ``cursor`` (keyset: every page costs the same, and cases
    declared during a walk come before it, so the walk returns each case once) or, without a
    cursor, page ``page`` (OFFSET, kept for the numbered links).

    Each role's scope and each filter has an index ending in (declared_at, id) (migration
    0011, docs/performance.md), so the page is read in order from an index, never sorted.
    Statements: the capped count, the page, and one per eager-loaded collection of ``loads``
    (default ``LIST_LOADS``, what the API's case shows; the web list asks ``ROW_LOADS``) —
    the same for 10 rows as for 100.

    A search ``q`` that is one whole case code (``HP-2026-A000123``) lists that case first, then
    the other matches (its claims, whose search text names it) newest first.

    ``work_list``: for a role a kind is shared with (``awaited_deadlines``: the insurer's list
    of claims), the cases awaiting it come first — a running deadline of its own, the oldest
    started first (a claim filed longest ago) — then the rest newest first; paged by number
    (OFFSET: the cursor is for the newest-first order).

    :raises ValidationFailed: a page number below 1, per_page outside 1..100, a bad cursor.
    """
    if page < 1:
        raise ValidationFailed({"page": [N_("Số trang phải từ 1.")]})
    check_per_page(per_page)
    after = decode_cursor(CASES_CURSOR, cursor, (datetime, int)) if cursor else None
    # A search for one whole case code lists that case first (its claims, which name it, come
    # after): a cursor after it is (None, 0), "the rest from the top".
    exact = as_case_code(filters.q)
    if after is not None and after[0] is None and (exact is None or after[1] != 0):
        raise ValidationFailed({"cursor": [N_("Con trỏ trang không hợp lệ.")]})
    query = _filtered(user, filters)
    count: Count = capped_count(query)
    awaited = awaited_deadlines(user, filters.kind) if work_list else ()
    if awaited:
        return _work_list_page(query, awaited, count, page, per_page, loads)
    ordered = _newest_first(query.options(*loads), exact, after, page, per_page)
    # One row more than the page tells whether a next page exists, without another query.
    items = list(db.session.scalars(ordered.limit(per_page + 1)).unique().all())
    more = len(items) > per_page
    items = items[:per_page]
    last = items[-1] if items else None
    key = None
    if more and last is not None:
        key = (None, 0) if last.code == exact else (last.declared_at, last.id)
    return CasePage(
        items=items,
        page=page,
        pages=count.pages(per_page),
        total=count.total,
        total_capped=count.capped,
        next_cursor=encode_cursor(CASES_CURSOR, key) if key else None,
        per_page=per_page,
    )


def _filtered(user, filters: CaseFilters):
    """The cases ``user`` may see that ``filters`` keep, as a ``select`` (not ordered)."""
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

        # A scalar subquery (one value), not IN (…): PostgreSQL then reads the enterprise's
        # cases from (enterprise_id, declared_at, id) in order instead of sorting them.
        query = query.where(
            Case.enterprise_id
            == select(Enterprise.id)
            .where(Enterprise.tax_code == filters.enterprise)
            .scalar_subquery()
        )
    if filters.declared_from:
        query = query.where(Case.declared_at >= filters.declared_from)
    if filters.declared_to:
        query = query.where(Case.declared_at <= filters.declared_to)
    if filters.q:
        query = query.where(search_condition(filters.q, user))
    return query


def _newest_first(query, exact: str | None, after, page: int, per_page: int):
    """``query`` newest first (the case coded ``exact`` before the rest), after the keyset
    ``after`` or at page ``page`` (OFFSET)."""
    newest_first = (Case.declared_at.desc(), Case.id.desc())
    if exact is not None and after is None:
        query = query.order_by(Case.code != exact, *newest_first)
    else:
        query = query.order_by(*newest_first)
    if after is None:
        return query.offset((page - 1) * per_page)
    if exact is not None:  # the case itself came first, on the first page
        query = query.where(Case.code != exact)
    if after[0] is not None:
        query = query.where(tuple_(Case.declared_at, Case.id) < after)
    return query


def _work_list_page(query, awaited, count: Count, page: int, per_page: int, loads) -> CasePage:
    """A page of ``query`` with the cases awaiting the caller first (an open deadline among
    ``awaited``, the oldest started first), then the others newest first."""
    waiting = (
        select(CaseDeadline.case_id, func.min(CaseDeadline.started_at).label("since"))
        .where(CaseDeadline.name.in_(awaited), CaseDeadline.met_at.is_(None))
        .group_by(CaseDeadline.case_id)
        .subquery()
    )
    ordered = (
        query.outerjoin(waiting, waiting.c.case_id == Case.id)
        .options(*loads)
        .order_by(
            waiting.c.since.is_(None),
            waiting.c.since,
            Case.declared_at.desc(),
            Case.id.desc(),
        )
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    items = list(db.session.scalars(ordered).unique().all())
    return CasePage(
        items=items,
        page=page,
        pages=count.pages(per_page),
        total=count.total,
        total_capped=count.capped,
        per_page=per_page,
    )


def case_events(user, case_id: int) -> list[CaseEvent]:
    case = get_visible_case(user, case_id)
    return list(
        db.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)
        )
    )


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
