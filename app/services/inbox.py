"""The task inbox: a user's open tasks (its role, its scope), soonest due first, undated last,
filtered, counted and paged in SQL (issue #14).

Order and cursor. Dated tasks come first by ``(due_at, id)``, then undated ones by ``id``.
The two runs are read by two statements, each from the partial index of open tasks
``ix_task_inbox (role, due_at, id)`` in order and each limited to a page: a run may be empty
(the page is all dated, or the cursor is already in the undated run), but both are always
sent, so every page costs the same statements whatever its rows (the count, two reads). The
cursor (``app.services.paging``) names the last task's ``(due_at or None, id)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, false, or_, select, tuple_
from sqlalchemy.orm import contains_eager, lazyload, load_only
from sqlalchemy.sql.elements import True_

from app.clock import now
from app.errors import ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import Case, Task
from app.services.paging import (
    PER_PAGE_DEFAULT,
    Count,
    capped_count,
    check_per_page,
    decode_cursor,
    encode_cursor,
)
from app.services.search import code_contains
from app.services.visibility import case_filter, task_scope
from workflows import REGISTRY

INBOX_CURSOR = "tasks"


@dataclass(frozen=True)
class TaskFilters:
    """``kind``: the case's kind; ``overdue``: only overdue tasks (as ``task_is_overdue``
    says: marked by the scan, or past due); ``case_code``: the tasks of the cases whose code
    holds it (a whole code or a part, any letter case, as "my workers" reads it)."""

    kind: str | None = None
    overdue: bool = False
    case_code: str | None = None


@dataclass(frozen=True)
class TaskPage:
    """A page of the inbox. ``total`` is exact unless ``total_capped`` (``paging.COUNT_CAP``,
    more exist); ``next_cursor`` is None on the last page."""

    items: list[Task]
    total: int
    total_capped: bool
    next_cursor: str | None
    per_page: int


def check_filters(filters: TaskFilters) -> None:
    """:raises ValidationFailed: an unknown kind (under ``kind``)."""
    if filters.kind and filters.kind not in REGISTRY:
        kinds = ", ".join(sorted(REGISTRY))
        raise ValidationFailed({"kind": [N_("Loại không hợp lệ: %(kinds)s.", kinds=kinds)]})


def inbox(
    user,
    filters: TaskFilters = TaskFilters(),  # noqa: B008 - frozen, never changed
    *,
    per_page: int = PER_PAGE_DEFAULT,
    cursor: str | None = None,
    at: datetime | None = None,
) -> TaskPage:
    """The open tasks of ``user``'s role on the cases it may see, soonest due first, undated
    last, filtered, ``per_page`` after ``cursor``. Each task comes with its case (one join).
    ``at``: when "overdue" is judged (default now).

    :raises ValidationFailed: per_page outside 1..100, an unknown kind, a bad cursor.
    """
    check_per_page(per_page)
    check_filters(filters)
    after = decode_cursor(INBOX_CURSOR, cursor, (datetime, int)) if cursor else None
    at = at or now()
    base, count = _base_and_count(user, filters, at, None)
    dated = base.where(Task.due_at.is_not(None))
    undated = base.where(Task.due_at.is_(None))
    if after is not None:
        due_at, task_id = after
        if due_at is None:  # already in the undated run
            dated = dated.where(false())
            undated = undated.where(Task.id > task_id)
        else:
            dated = dated.where(tuple_(Task.due_at, Task.id) > (due_at, task_id))
    items = _read(dated.order_by(Task.due_at, Task.id), per_page + 1)
    items += _read(undated.order_by(Task.id), max(per_page + 1 - len(items), 0))
    more = len(items) > per_page
    items = items[:per_page]
    last = items[-1] if items else None
    return TaskPage(
        items=items,
        total=count.total,
        total_capped=count.capped,
        next_cursor=encode_cursor(INBOX_CURSOR, (last.due_at, last.id)) if more else None,
        per_page=per_page,
    )


def _base_and_count(
    user, filters: TaskFilters, at: datetime, cap: int | None
) -> tuple[Select, Count]:
    """The inbox's SELECT (tasks joined to their case, filtered) and its count up to ``cap``."""
    # task_scope: the user's own open tasks from its index (an enterprise's, a commune's),
    # not every open task of the role filtered by the case join below, which still decides.
    own = [Task.closed_at.is_(None), Task.role == user.role, task_scope(user)]
    if filters.overdue:
        own.append(or_(Task.overdue_at.is_not(None), Task.due_at < at))
    on_case = [case_filter(user)]
    if filters.kind:
        on_case.append(Case.kind == filters.kind)
    if filters.case_code:
        on_case.append(code_contains(Case.code, filters.case_code))
    base = select(Task).join(Case, Task.case_id == Case.id).where(*own, *on_case)
    # A city-wide role without case filters counts its tasks alone: joining each of 10,001
    # tasks to its case only to keep them all cost 200 ms at 10⁶ cases.
    needs_case = any(not isinstance(clause, True_) for clause in on_case)
    count = capped_count(base if needs_case else select(Task.id).where(*own), cap)
    return base, count


def open_count(user, cap: int) -> Count:
    """How many open tasks ``user``'s inbox has, counted up to ``cap`` (the nav badge)."""
    return _base_and_count(user, TaskFilters(), now(), cap)[1]


# What an inbox row shows of its case (code, kind; its state and scope for the visibility
# checks), from the join already made (not a second join of the eager load), without the
# case's declaration, search text, enterprise or commune: a row reads a task, not a case.
_CASE_SHOWN = contains_eager(Task.case).options(
    load_only(Case.id, Case.code, Case.kind, Case.state, Case.enterprise_id, Case.commune_code),
    lazyload(Case.enterprise),
    lazyload(Case.commune),
)


def _read(query: Select, limit: int) -> list[Task]:
    return list(db.session.scalars(query.options(_CASE_SHOWN).limit(limit)))
