"""Reading cases: what a user may see, lists with filters, timelines.

Every read goes through ``case_filter``/``can_see``; a case outside the caller's scope
is reported exactly as a missing one (``NotFound``).
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, bindparam, func, or_, select, tuple_
from sqlalchemy.orm import aliased

from app.clock import as_utc, now
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import Case, CaseDeadline, CaseEvent, Commune, Enterprise, Task, Victim
from app.services import paging as paging_module
from app.services.paging import (
    Count,
    capped_count,
    capped_count_column,
    check_per_page,
    count_of,
    decode_cursor,
    encode_cursor,
)
from app.services.parties import TAX_CODE_RE, normalise_tax_code
from app.services.prepared import Bound, Prepared
from app.services.search import search_condition
from app.services.visibility import can_see, case_filter
from workflows import REGISTRY
from workflows.fields import as_case_code
from workflows.law.classification import LEVEL_LABELS, SEVERITY_LABELS

PAGE_SIZE = 25
# The cursor of the case list names this list (a reports or inbox cursor is refused here).
CASES_CURSOR = "cases"


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

    items: list  # Case (list_cases) or CaseRow (list_case_rows)
    page: int
    pages: int
    total: int
    total_capped: bool = False
    next_cursor: str | None = None
    per_page: int = PAGE_SIZE


def _filtered(user, filters: CaseFilters, bound: Bound) -> list:
    """The WHERE of a case list: ``user``'s scope and each filter, in one place for the
    list of cases (API) and the list of rows (web). Every value is a named parameter of
    ``bound`` (``app.services.prepared``: the page statement is built once per shape)."""
    where = [case_filter(user, bound)]
    for name, column in _EQUAL_FILTERS:
        value = getattr(filters, name)
        if value:
            where.append(column == bound(f"f_{name}", value, column.type))
    if filters.enterprise:
        # A scalar subquery (one value), not IN (…): PostgreSQL then reads the enterprise's
        # cases from (enterprise_id, declared_at, id) in order instead of sorting them.
        tax_code = bound("f_enterprise", filters.enterprise, Enterprise.tax_code.type)
        where.append(
            Case.enterprise_id
            == select(Enterprise.id).where(Enterprise.tax_code == tax_code).scalar_subquery()
        )
    if filters.declared_from:
        where.append(
            Case.declared_at >= bound("f_from", filters.declared_from, Case.declared_at.type)
        )
    if filters.declared_to:
        where.append(Case.declared_at <= bound("f_to", filters.declared_to, Case.declared_at.type))
    if filters.q:
        where.append(search_condition(filters.q, user, bound))
    return where


# The filters that ask a column to equal the value given.
_EQUAL_FILTERS = (
    ("kind", Case.kind),
    ("state", Case.state),
    ("severity", Case.severity),
    ("level", Case.investigation_level),
    ("commune", Case.commune_code),
)


@functools.cache
def _known_values() -> dict[str, Collection[str]]:
    """What the equality filters may name (the registry is fixed once imported)."""
    return {
        "kind": frozenset(REGISTRY),
        "state": frozenset(s.name for d in REGISTRY.values() for s in d.states),
        "severity": frozenset(SEVERITY_LABELS),
        "level": frozenset(LEVEL_LABELS),
    }


def checked_filters(filters: CaseFilters) -> CaseFilters:
    """``filters`` as the lists read them — the tax code as typed, dashes and spaces aside
    (``parties.normalise_tax_code``) — once they name what exists: a kind, a state of some kind,
    a severity, an investigation level, a tax code of 10 or 13 digits, ``declared_from`` not
    after ``declared_to``. A value nothing could match is refused rather than answered with an
    empty list that looks like "no case" (an unknown commune or enterprise is data, and lists
    nothing). The one check for the web list and the API's.

    :raises ValidationFailed: every filter that is none of these, under its name (``to`` for
        the date order, as the API names it).
    """
    if filters.enterprise:
        filters = replace(filters, enterprise=normalise_tax_code(filters.enterprise))
    errors: dict[str, list] = {}
    for name, values in _known_values().items():
        value = getattr(filters, name)
        if value and value not in values:
            errors[name] = [
                N_("Giá trị không hợp lệ: %(values)s.", values=", ".join(sorted(values)))
            ]
    if filters.enterprise and not TAX_CODE_RE.match(filters.enterprise):
        errors["enterprise"] = [N_("Mã số thuế gồm 10 hoặc 13 chữ số.")]
    if (
        filters.declared_from is not None
        and filters.declared_to is not None
        and filters.declared_from > filters.declared_to
    ):
        errors["to"] = [N_("Ngày kết thúc phải từ ngày bắt đầu trở đi.")]
    if errors:
        raise ValidationFailed(errors)
    return filters


def awaited_deadlines(user, kind: str | None) -> tuple[str, ...]:
    """The deadlines of ``kind`` that ``user``'s role must meet (``Deadline.role``) when the
    kind is only *shared with* that role (``WorkflowDefinition.shared_with``: it sees the cases
    handed to it, as the insurer sees the claims filed with it): its list of that kind is a
    work list, what awaits it first (``work_list=True``). Empty otherwise."""
    definition = REGISTRY.get(kind or "")
    if definition is None or user.role not in definition.shared_with:
        return ()
    return tuple(d.name for d in definition.deadlines if d.role == user.role)


def _page_bounds(page: int, per_page: int, cursor: str | None, exact: str | None):
    """Checks the paging arguments; the cursor's (declared_at, id) or None. After the case
    an exact code search lists first, the cursor is (None, 0): "the rest from the top".

    :raises ValidationFailed: page below 1, per_page outside 1..100, a bad cursor.
    """
    if page < 1:
        raise ValidationFailed({"page": [N_("Số trang phải từ 1.")]})
    check_per_page(per_page)
    after = decode_cursor(CASES_CURSOR, cursor, (datetime, int)) if cursor else None
    if after is not None and after[0] is None and (exact is None or after[1] != 0):
        raise ValidationFailed({"cursor": [N_("Con trỏ trang không hợp lệ.")]})
    return after


@dataclass(frozen=True)
class _Paging:
    """Which rows of a list's order a page reads, its values as ``Bound`` parameters (made
    before the statement, so a kept statement is run without building it)."""

    mode: str  # "offset", "skip ids" (OFFSET past page 1), "after" (cursor) or "work list"
    limit: Any
    offset: Any = None
    exact: Any = None  # the code an exact search lists first
    exact_first: bool = False  # the first page of an exact search: the case, then the rest
    after: tuple | None = None  # (declared_at, id) parameters of the cursor, if it has one
    awaited: tuple[str, ...] = ()


def _paging(bound: Bound, page: int, per_page: int, after, exact: str | None, awaited) -> _Paging:
    """The :class:`_Paging` of these arguments, its values and choices recorded in ``bound``."""
    code = bound("p_exact", exact, Case.code.type) if exact is not None else None
    if awaited:  # numbered pages of per_page (no row more: a work list has no cursor)
        bound.mark("work list", awaited)
        return _Paging(
            "work list",
            limit=bound("p_limit", per_page, Integer()),
            offset=bound("p_offset", (page - 1) * per_page, Integer()),
            awaited=awaited,
        )
    limit = bound("p_limit", per_page + 1, Integer())
    if after is None:
        mode = "skip ids" if page > 1 and exact is None else "offset"
        bound.mark(mode, code is not None)
        offset = bound("p_offset", (page - 1) * per_page, Integer())
        return _Paging(mode, limit, offset, exact=code, exact_first=code is not None)
    key = None
    if after[0] is not None:
        key = (
            bound("p_after_at", after[0], Case.declared_at.type),
            bound("p_after_id", after[1], Integer()),
        )
    bound.mark("after", code is not None, key is not None)
    return _Paging("after", limit, exact=code, after=key)


def _paged(query, paging: _Paging):
    """``query`` newest first (the case coded ``exact`` before the rest), after the cursor
    (keyset) or at an OFFSET, ``paging.limit`` rows: one more than the page, which tells
    whether a next page exists."""
    newest_first = (Case.declared_at.desc(), Case.id.desc())
    if paging.exact_first:
        query = query.order_by(Case.code != paging.exact, *newest_first)
    else:
        query = query.order_by(*newest_first)
    if paging.mode != "after":
        query = query.offset(paging.offset)
    else:
        if paging.exact is not None:  # the case itself came first, on the first page
            query = query.where(Case.code != paging.exact)
        if paging.after is not None:
            query = query.where(tuple_(Case.declared_at, Case.id) < tuple_(*paging.after))
    return query.limit(paging.limit)


def _work_list(query, paging: _Paging):
    """``query`` with the cases awaiting the caller first (a running deadline among
    ``paging.awaited``, the oldest started first), then the others newest first; by OFFSET
    (the cursor is for the newest-first order)."""
    waiting = (
        select(CaseDeadline.case_id, func.min(CaseDeadline.started_at).label("since"))
        # Running deadlines only (not met, not paused), as the docstring says: read from the
        # partial index of running deadlines (ix_case_deadline_running), whose size is the open
        # work, not every deadline ever set.
        .where(
            CaseDeadline.name.in_(paging.awaited),
            CaseDeadline.met_at.is_(None),
            CaseDeadline.paused_at.is_(None),
        )
        .group_by(CaseDeadline.case_id)
        .subquery()
    )
    return (
        query.outerjoin(waiting, waiting.c.case_id == Case.id)
        .order_by(
            waiting.c.since.is_(None), waiting.c.since, Case.declared_at.desc(), Case.id.desc()
        )
        .offset(paging.offset)
        .limit(paging.limit)
    )


def _case_page(
    items: list, count: Count, page: int, per_page: int, exact: str | None = None
) -> CasePage:
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


@dataclass(frozen=True)
class RunningDeadline:
    """A case's running legal limit as a list row shows it: which, and when it falls due."""

    name: str
    due_at: datetime


@dataclass(frozen=True)
class CaseRow:
    """One row of the web case list: what it shows, and nothing else (no ``data``)."""

    id: int
    code: str
    kind: str
    state: str
    severity: str | None
    investigation_level: str | None
    occurred_at: datetime | None
    declared_at: datetime
    enterprise_name: str | None
    commune_name: str | None
    nearest_deadline: RunningDeadline | None


def _nearest_running(column):
    """``column`` of a case's running deadline due first: a correlated subquery, one probe of
    ``case_deadline.case_id`` per listed row."""
    running = aliased(CaseDeadline)
    return (
        select(column(running))
        .where(running.case_id == Case.id, running.met_at.is_(None), running.paused_at.is_(None))
        .order_by(running.due_at, running.id)
        .limit(1)
        .scalar_subquery()
    )


# A listed case's enterprise and commune names: correlated subqueries, for the listed rows only.
_NAMES = (
    select(Enterprise.name)
    .where(Enterprise.id == Case.enterprise_id)
    .scalar_subquery()
    .label("enterprise_name"),
    select(Commune.name)
    .where(Commune.code == Case.commune_code)
    .scalar_subquery()
    .label("commune_name"),
)
# Built once: the columns of a web list row (constant, whatever the filters; the statement
# around them is kept per shape, ``_page``).
_ROW_COLUMNS = (
    Case.id,
    Case.code,
    Case.kind,
    Case.state,
    Case.severity,
    Case.investigation_level,
    Case.occurred_at,
    Case.declared_at,
    *_NAMES,
    _nearest_running(lambda deadline: deadline.name).label("deadline_name"),
    _nearest_running(lambda deadline: deadline.due_at).label("deadline_due_at"),
)


# Each list's page statements, built once per shape (app.services.prepared).
_PAGES = {"rows": Prepared("case rows"), "api": Prepared("API cases")}


def _page(
    list_name: str,
    columns: tuple,
    user,
    filters: CaseFilters,
    page: int,
    per_page: int,
    after,
    exact: str | None,
    work_list: bool,
) -> tuple[list, list]:
    """One page of a case list as rows of ``columns`` (of ``Case``) with the capped count of
    the matching cases as a last column ``matching``: after the cursor, at page ``page``
    (OFFSET: the skipped rows read as ids only, the columns' subqueries run for the page), or
    as a work list (``awaited_deadlines``). One place for both lists' paging. Returns the rows
    and the WHERE (for the count of a page past the end).

    The WHERE and the paging are written first, their values as named parameters and their
    choices as the shape; the statement around them (columns, count, order) is built once per
    shape and run with this call's values (``app.services.prepared``: building it cost more
    than PostgreSQL took to answer it)."""
    bound = Bound(list_name)
    where = _filtered(user, filters, bound)
    awaited = awaited_deadlines(user, filters.kind) if work_list else ()
    paging = _paging(bound, page, per_page, after, exact, awaited)

    counted = bound("p_counted", paging_module.COUNT_CAP + 1, Integer())  # the cap, and one

    def build():
        matching = capped_count_column(select(Case.id).where(*where), limit=counted)
        matching = matching.label("matching")
        selected = select(*columns, matching).where(*where)
        if paging.mode == "work list":
            return _work_list(selected, paging)
        if paging.mode == "skip ids":
            skipped = _paged(select(Case.id).where(*where), paging).subquery()
            return (
                select(*columns, matching)
                .where(Case.id.in_(select(skipped.c.id)))
                .order_by(Case.declared_at.desc(), Case.id.desc())
            )
        return _paged(selected, paging)

    statement = _PAGES[list_name].statement(bound, build)
    # Through the session's connection (its transaction): plain rows need none of the ORM's
    # result handling, which cost a tenth of the page.
    return db.session.connection().execute(statement, bound.values).all(), where


def _count_of_page(rows: list, where: list, page: int, after) -> Count:
    """The capped count that rode on the page's rows; a page past the end brought no row to
    carry it, and costs a statement of its own."""
    if rows:
        return count_of(rows[0].matching)
    if page == 1 and after is None:
        return count_of(0)
    return capped_count(select(Case.id).where(*where))


def list_case_rows(
    user,
    filters: CaseFilters,
    page: int = 1,
    per_page: int = PAGE_SIZE,
    cursor: str | None = None,
    work_list: bool = False,
) -> CasePage:
    """The web list: as :func:`list_cases` (same scope, filters, order, exact code first,
    work list, paging and errors), but each item a :class:`CaseRow` — the case's listed
    columns, its enterprise's and commune's names and its nearest running deadline — read in
    the page's own statement.

    One statement a page whatever its size, its capped count riding as a column (a second
    one only for a page past the end, which brings no row to carry it), and no ORM objects
    built: at 10⁶ cases building whole cases with their collections cost 2–5× the page's
    SQL (docs/performance.md "Lists"). Names and the nearest deadline are correlated
    subqueries evaluated for the listed rows only (an OFFSET page skips its rows as ids).

    :raises ValidationFailed: a page number below 1, per_page outside 1..100, a bad cursor,
        a filter nothing could match (``checked_filters``).
    """
    filters = checked_filters(filters)
    exact = as_case_code(filters.q)
    after = _page_bounds(page, per_page, cursor, exact)
    rows, where = _page(
        "rows", _ROW_COLUMNS, user, filters, page, per_page, after, exact, work_list
    )
    items = [
        CaseRow(
            id=row.id,
            code=row.code,
            kind=row.kind,
            state=row.state,
            severity=row.severity,
            investigation_level=row.investigation_level,
            occurred_at=row.occurred_at,
            declared_at=row.declared_at,
            enterprise_name=row.enterprise_name,
            commune_name=row.commune_name,
            nearest_deadline=(
                RunningDeadline(name=row.deadline_name, due_at=row.deadline_due_at)
                if row.deadline_name is not None
                else None
            ),
        )
        for row in rows
    ]
    count = _count_of_page(rows, where, page, after)
    return _case_page(items, count, page, per_page, exact)


@dataclass(frozen=True, slots=True)
class Named:
    """An enterprise or a commune as a listed case names it."""

    code: str | None
    name: str

    @property
    def tax_code(self) -> str | None:  # an enterprise's code is its tax code
        return self.code


class _RowView:
    """A read-only object over a plain row: the row's columns as attributes, and the slots
    a subclass adds."""

    __slots__ = ("_row",)

    def __getattr__(self, name: str):
        try:
            return getattr(self._row, name)
        except AttributeError:
            raise AttributeError(f"{type(self).__name__} has no attribute {name!r}") from None


class ListedCase(_RowView):
    """A case of the API's list, read as plain rows (no ORM objects: at 10⁶ cases building
    them with their collections cost 3–4× the statements, docs/performance-lists.md). Reads
    like a ``Case`` for what ``app.api.schemas.case_json`` shows: the columns it shows as
    attributes (``_API_COLUMNS``; another raises AttributeError), ``enterprise`` and
    ``commune`` (:class:`Named`), ``victims`` and ``deadlines`` (rows with the model's
    columns, in id order), ``children`` (rows with ``id``), ``parent`` (a claim's accident:
    its named fields and, as ``victims``, the claim's worker). Read-only: to change a case,
    load it (``get_visible_case``)."""

    __slots__ = ("enterprise", "commune", "victims", "deadlines", "children", "parent")

    def __init__(self, row, enterprise, commune, victims, deadlines, children, parent):
        self._row = row
        self.enterprise = enterprise
        self.commune = commune
        self.victims = victims
        self.deadlines = deadlines
        self.children = children
        self.parent = parent


class ListedParent(_RowView):
    """A claim's accident as a listed claim names it (``ListedCase.parent``)."""

    __slots__ = ("victims",)

    def __init__(self, row, victims: list):
        self._row = row
        self.victims = victims


# Built once, as the web list's: what the API's case object shows of the case itself
# (``app.api.schemas.case_json``) and of its enterprise and commune (correlated subqueries,
# for the listed rows only).
_API_COLUMNS = (
    Case.id,
    Case.code,
    Case.kind,
    Case.state,
    Case.version,
    Case.severity,
    Case.investigation_level,
    Case.labour_relation,
    Case.enterprise_id,
    Case.commune_code,
    Case.location,
    Case.description,
    Case.declared_at,
    Case.occurred_at,
    Case.parent_id,
    Case.victim_id,
    Case.data,
    select(Enterprise.tax_code)
    .where(Enterprise.id == Case.enterprise_id)
    .scalar_subquery()
    .label("enterprise_tax_code"),
    *_NAMES,
)
_NAMED_PARENT = (Case.id, Case.kind, Case.code, Case.state, Case.severity, Case.occurred_at)
# What a listed page reads by its ids, built once (a statement built per call cost more than
# its answer): its victims and each claim's worker, deadlines, claims (ids) and parents.
_IDS = bindparam("ids", expanding=True)
_VICTIMS_OF = (
    select(Victim.__table__)
    .where(or_(Victim.case_id.in_(_IDS), Victim.id.in_(bindparam("workers", expanding=True))))
    .order_by(Victim.id)
)
_DEADLINES_OF = (
    select(CaseDeadline.__table__).where(CaseDeadline.case_id.in_(_IDS)).order_by(CaseDeadline.id)
)
_CHILDREN_OF = select(Case.id, Case.parent_id).where(Case.parent_id.in_(_IDS)).order_by(Case.id)
_PARENTS = select(*_NAMED_PARENT).where(Case.id.in_(_IDS))


def list_cases(
    user,
    filters: CaseFilters,
    page: int = 1,
    per_page: int = PAGE_SIZE,
    cursor: str | None = None,
    work_list: bool = False,
) -> CasePage:
    """The cases ``user`` may see, newest first (``declared_at``, then ``id``), filtered, a
    page of ``per_page`` after ``cursor`` (keyset: every page costs the same, and cases
    declared during a walk come before it, so the walk returns each case once) or, without a
    cursor, page ``page`` (OFFSET, kept for the numbered links). Items are
    :class:`ListedCase` (the API's list: what its case object shows); the web list reads
    lighter rows with :func:`list_case_rows`.

    Each role's scope and each filter has an index ending in (declared_at, id) (migration
    0011, docs/performance.md), so the page is read in order from an index, never sorted.
    Statements: the page with its capped count, then the page's victims (and each claim's
    worker), deadlines, claims (ids) and parents (named fields) by id — five, the same for 10
    rows as for 100 (a page past the end: the count alone).

    A search ``q`` that is one whole case code (``HP-2026-A000123``) lists that case first, then
    the other matches (its claims, whose search text names it) newest first.

    ``work_list``: for a role a kind is shared with (``awaited_deadlines``: the insurer's list
    of claims), the cases awaiting it come first — a running deadline of its own, the oldest
    started first (a claim filed longest ago) — then the rest newest first; paged by number
    (OFFSET: the cursor is for the newest-first order).

    :raises ValidationFailed: a page number below 1, per_page outside 1..100, a bad cursor,
        a filter nothing could match (``checked_filters``).
    """
    filters = checked_filters(filters)
    exact = as_case_code(filters.q)
    after = _page_bounds(page, per_page, cursor, exact)
    rows, where = _page("api", _API_COLUMNS, user, filters, page, per_page, after, exact, work_list)
    count = _count_of_page(rows, where, page, after)
    return _case_page(_listed(rows), count, page, per_page, exact)


def _listed(rows: list) -> list[ListedCase]:
    """``rows`` (``_API_COLUMNS``) with their collections: four statements by the page's ids."""
    if not rows:
        return []
    ids = [row.id for row in rows]
    parent_ids = sorted({row.parent_id for row in rows if row.parent_id is not None})
    worker_ids = sorted({row.victim_id for row in rows if row.victim_id is not None})
    run = db.session.connection().execute
    victims = run(_VICTIMS_OF, {"ids": ids, "workers": worker_ids}).all()
    deadlines = run(_DEADLINES_OF, {"ids": ids}).all()
    children = run(_CHILDREN_OF, {"ids": ids}).all()
    parents = {row.id: row for row in run(_PARENTS, {"ids": parent_ids})} if parent_ids else {}
    by_case: dict[int, list] = {}
    by_id = {}
    for victim in victims:
        by_case.setdefault(victim.case_id, []).append(victim)
        by_id[victim.id] = victim
    deadlines_of: dict[int, list] = {}
    for deadline in deadlines:
        deadlines_of.setdefault(deadline.case_id, []).append(deadline)
    children_of: dict[int, list] = {}
    for child in children:
        children_of.setdefault(child.parent_id, []).append(child)
    listed = []
    for row in rows:
        parent = parents.get(row.parent_id)
        worker = by_id.get(row.victim_id)
        listed.append(
            ListedCase(
                row,
                enterprise=(
                    Named(row.enterprise_tax_code, row.enterprise_name)
                    if row.enterprise_id is not None
                    else None
                ),
                commune=Named(row.commune_code, row.commune_name),
                victims=by_case.get(row.id, []),
                deadlines=deadlines_of.get(row.id, []),
                children=children_of.get(row.id, []),
                parent=(
                    ListedParent(parent, [worker] if worker is not None else [])
                    if parent is not None
                    else None
                ),
            )
        )
    return listed


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
