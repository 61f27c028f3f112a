"""Claims seen from the people who follow the workers: "Người lao động của tôi".

A trade-union officer (city federation: every enterprise; grassroots union: its own) and an
enterprise's OSH officer (its own claims) get one row per claim in scope with what the worker
is owed and what is late, most urgent first. Reading is one query for the claims with their
worker, parent accident and enterprise, plus eager loads of the collections the engine's
action check reads — never one query per row. The quick "Xác nhận đã nhận tiền" button goes
through the workflow engine like every other state change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    exists,
    false,
    literal,
    or_,
    select,
    true,
    tuple_,
    union_all,
)
from sqlalchemy.orm import aliased

from app.clock import VN_TZ, as_utc, now, to_local
from app.errors import PermissionDenied, ValidationFailed
from app.extensions import db
from app.i18n import N_, lazy_pick
from app.models import Case, CaseDeadline, Enterprise, Victim
from app.services import case_store
from app.services import paging as paging_module
from app.services.case_snapshot import Related
from app.services.case_store import CaseRecord
from app.services.paging import (
    BAD_CURSOR,
    capped_count_statement,
    check_per_page,
    count_of,
    decode_cursor,
    encode_cursor,
)
from app.services.prepared import Bound, Prepared
from app.services.privacy import data_view, national_id_for, state_labels
from app.services.rulebook import load_rulebook
from app.services.search import code_contains
from app.services.visibility import case_filter
from app.services.workflow_engine import available_actions, fire_transition
from workflows import get_workflow
from workflows.base import parse_iso

# Roles that have this view (workflows.md: the union confirms receipt, the employer pays).
WORKER_VIEW_ROLES = ("union", "enterprise")

KIND_LABELS = {
    "one_time": _l("Trợ cấp một lần"),
    "monthly": _l("Trợ cấp hằng tháng"),
    "death": _l("Trợ cấp một lần khi chết"),
}


@dataclass(frozen=True)
class WorkerRow:
    """One claim as the worker's follower sees it."""

    case_id: int
    code: str
    version: int
    state: str
    state_label: str
    worker_name: str
    national_id: str
    enterprise_name: str
    accident_id: int | None
    accident_code: str
    death: bool
    minimum_vnd: int | None
    paid_vnd: int
    paid_at: datetime | None
    confirmed_at: datetime | None
    equivalent_si_vnd: int | None
    insurance_applicable: bool
    expected_kind: str | None
    expected_vnd: int | None
    decided_vnd: int | None
    insurance_approved: bool | None
    # The decided benefit's kind ("monthly": the amount is per month); None for a reader
    # without medical access, as the expected kind.
    decided_kind: str | None
    due_label: str | None
    due_at: datetime | None
    days_late: int | None
    actions: tuple[str, ...] = field(default=())

    @property
    def overdue(self) -> bool:
        return self.days_late is not None

    @property
    def expected_kind_label(self) -> str:
        return KIND_LABELS.get(self.expected_kind or "", "")

    @property
    def can_confirm_receipt(self) -> bool:
        return "confirm_receipt" in self.actions

    @property
    def has_decision(self) -> bool:
        """The employer's decision paper exists once an amount was computed."""
        return self.state in ("assessed", "closed") and self.minimum_vnd is not None


def _next_deadline(deadlines) -> tuple[str, datetime] | None:
    """The earliest running deadline of the claim (compensation, filing, decision), from its
    deadline rows (``case_store.load_deadlines``: name → row)."""
    running = [
        (as_utc(d["due_at"]), name)
        for name, d in deadlines.items()
        if d["met_at"] is None and d["paused_at"] is None
    ]
    if not running:
        return None
    due_at, name = min(running)
    try:
        deadline = get_workflow("claim").deadline(name)
        label = lazy_pick((deadline.label_vi, deadline.label_en))
    except KeyError:
        label = name
    return label, due_at


def _state_label(user, state: str):
    return lazy_pick(state_labels(user, "claim", state))


def _days_late(due_at: datetime | None, at: datetime) -> int | None:
    """Whole days (started) past ``due_at``; None when not yet due."""
    if due_at is None or due_at >= at:
        return None
    return max(1, math.ceil((at - due_at) / timedelta(days=1)))


def _row(claim: CaseRecord, listed, deadlines, user, at: datetime, actions: list[str]):
    """A :class:`WorkerRow` of ``claim`` with what its page read beside it (``listed``: the
    worker's name and national ID, the accident's code, the enterprise's name) and its
    ``deadlines`` (name → row)."""
    # What the user may see of it: no benefit kind for the union (app.services.privacy).
    data = data_view(user, claim)
    comp = data.get("compensation") or {}
    ins = data.get("insurance") or {}
    due = _next_deadline(deadlines) if claim.state != "closed" else None
    return WorkerRow(
        case_id=claim.id,
        code=claim.code,
        version=claim.version,
        state=claim.state,
        state_label=_state_label(user, claim.state),
        worker_name=listed.worker_name if listed.worker_name is not None else "—",
        national_id=national_id_for(user, listed.worker_national_id or ""),
        enterprise_name=listed.enterprise_name or "—",
        accident_id=claim.parent_id,
        accident_code=listed.accident_code or "—",
        death=bool(data.get("death")),
        minimum_vnd=comp.get("minimum_vnd"),
        paid_vnd=comp.get("paid_vnd") or 0,
        paid_at=parse_iso(comp.get("paid_at")),
        confirmed_at=parse_iso(comp.get("confirmed_at")),
        equivalent_si_vnd=comp.get("equivalent_si_vnd"),
        insurance_applicable=bool(ins.get("applicable", data.get("insured"))),
        expected_kind=ins.get("expected_kind"),
        expected_vnd=ins.get("expected_vnd"),
        decided_vnd=ins.get("decided_vnd"),
        insurance_approved=ins.get("approved"),
        decided_kind=ins.get("kind"),
        due_label=due[0] if due else None,
        due_at=due[1] if due else None,
        days_late=_days_late(due[1] if due else None, at),
        actions=tuple(actions),
    )


WORKERS_CURSOR = "workers"
# "Người lao động của tôi" shows open claims unless asked for the closed ones, or all.
WORKER_STATUSES = ("open", "closed", "all")
WORKERS_PAGE = 25


@dataclass(frozen=True)
class WorkerFilters:
    """``status``: ``open`` (default), ``closed`` or ``all``; ``overdue``: only claims with a
    running deadline past due; ``code``: part of the claim's code or of its accident's, any
    letter case ("c000123", "2026-A00004", "123")."""

    status: str = "open"
    overdue: bool = False
    code: str | None = None


@dataclass(frozen=True)
class WorkerPage:
    """A page of "my workers". ``total`` is exact unless ``total_capped`` (the cap, more
    exist); ``next_cursor`` is None on the last page."""

    rows: list[WorkerRow]
    total: int
    total_capped: bool
    next_cursor: str | None
    per_page: int


# The aliases "my workers" reads through, made once: a fresh ``aliased()`` per call costs
# SQLAlchemy an adaptation of each column it touches (about 3 ms a page, more than the page's
# own statements deep in the list).
_PARENT = aliased(Case, name="parent_case")
_DUE = aliased(CaseDeadline, name="due")
_DEADLINE = aliased(CaseDeadline, name="deadline")
_EARLIER = aliased(CaseDeadline, name="earlier")
_RUNNING = aliased(CaseDeadline, name="running")
_ACCIDENT = aliased(Case, name="accident")


def _running(deadline) -> ColumnElement[bool]:
    return and_(deadline.met_at.is_(None), deadline.paused_at.is_(None))


def code_matches(typed: str, bound: Bound | None = None):
    """A claim whose code, or whose accident's, holds ``typed`` (trimmed, any letter case; a
    full code is one such part; ``search.code_contains``)."""
    parent = _PARENT
    return or_(
        code_contains(Case.code, typed, bound),
        Case.parent_id.in_(select(parent.id).where(code_contains(parent.code, typed, bound))),
    )


def my_workers(
    user,
    filters: WorkerFilters = WorkerFilters(),  # noqa: B008 - frozen, never changed
    *,
    per_page: int = WORKERS_PAGE,
    cursor: str | None = None,
) -> WorkerPage:
    """The claims in ``user``'s scope, most urgent first, filtered and paged in SQL.

    Order, in three runs: (0) open claims with a running deadline, by their earliest one
    (overdue first, the most overdue on top: soonest due first), read from the running
    deadlines in due order (``ix_case_deadline_running``); (1) open claims with nothing
    running, newest first; (2) closed claims, newest first. Each run is one statement for the
    ids, limited to the page and continued after the cursor (run, key, id); then one
    statement loads the page's claims with their worker, accident and enterprise, and one
    per collection the engine's action check reads: the same statements for 10 rows as for
    100. Reads only.

    :raises PermissionDenied: for roles other than union and enterprise.
    :raises ValidationFailed: an unknown status, per_page outside 1..100, a bad cursor.
    """
    if user.role not in WORKER_VIEW_ROLES:
        raise PermissionDenied(N_("Chỉ công đoàn và doanh nghiệp có danh sách người lao động."))
    if filters.status not in WORKER_STATUSES:
        raise ValidationFailed(
            {"status": [N_("Trạng thái không hợp lệ: %(states)s.", states="open, closed, all")]}
        )
    check_per_page(per_page)
    after = decode_cursor(WORKERS_CURSOR, cursor, (int, datetime, int)) if cursor else None
    if after is not None and (not 0 <= after[0] <= 2 or after[1] is None):
        raise ValidationFailed({"cursor": [BAD_CURSOR]})
    at = now()
    # Every value a named parameter, every choice marked: the count and the runs' statement
    # are built once per shape (app.services.prepared).
    bound = Bound("my workers", filters.status, filters.overdue)
    base = [Case.kind == "claim", case_filter(user, bound)]
    if filters.code and filters.code.strip():
        bound.mark("code")
        base.append(code_matches(filters.code, bound))
    moment = bound("w_at", at, CaseDeadline.due_at.type) if filters.overdue else None
    counted = bound("w_counted", paging_module.COUNT_CAP + 1, Integer())
    limit = bound("w_limit", per_page + 1, Integer())
    run_after, key_after, id_after = after if after is not None else (0, None, None)
    bound.mark("after", run_after, key_after is not None)
    edge = None
    if key_after is not None:
        key_type = CaseDeadline.due_at.type if run_after == 0 else Case.declared_at.type
        edge = (bound("w_after_key", key_after, key_type), bound("w_after_id", id_after, Integer()))

    def count_statement():
        status = {"open": Case.state != "closed", "closed": Case.state == "closed"}
        where = [*base, status.get(filters.status, true())]
        if filters.overdue:
            due = _DUE
            where.append(exists().where(due.case_id == Case.id, _running(due), due.due_at < moment))
        return capped_count_statement(select(Case.id).where(*where), counted)

    run = db.session.connection().execute
    found = run(_WORKER_COUNTS.statement(bound, count_statement), bound.values).scalar()
    count = count_of(found or 0)
    keys_statement = _WORKER_RUNS.statement(
        bound, lambda: _runs_statement(base, filters, run_after, edge, limit, moment)
    )
    keys = _in_order(run(keys_statement, bound.values).all(), per_page + 1)
    more = len(keys) > per_page
    keys = keys[:per_page]
    rows = _load_rows(user, [key[2] for key in keys], at)
    last = keys[-1] if keys else None
    return WorkerPage(
        rows=rows,
        total=count.total,
        total_capped=count.capped,
        next_cursor=encode_cursor(WORKERS_CURSOR, last[:2] + (last[3],)) if more else None,
        per_page=per_page,
    )


def _runs_statement(base, filters: WorkerFilters, run_after: int, edge, limit, moment):
    """The first ``limit`` claims after the cursor as ``(run, key, case id, cursor id)``, in
    one statement: each run's first ``limit`` ids after the cursor (``run_after``, ``edge``:
    the key and id parameters, or None from a run's start), glued by UNION ALL (a run the
    status or the cursor rules out is asked ``WHERE false``); put in order by
    :func:`_in_order`. ``moment``: the "overdue" parameter (when filtered)."""
    deadline, earlier = _DEADLINE, _EARLIER
    first_running = ~exists().where(
        earlier.case_id == deadline.case_id,
        _running(earlier),
        tuple_(earlier.due_at, earlier.id) < tuple_(deadline.due_at, deadline.id),
    )
    dated = (
        select(Case.id.label("case_id"), deadline.due_at.label("key"), deadline.id.label("cid"))
        .select_from(deadline)
        .join(Case, Case.id == deadline.case_id)
        .where(*base, _running(deadline), first_running, Case.state != "closed")
        .order_by(deadline.due_at, deadline.id)
    )
    if filters.overdue:
        dated = dated.where(deadline.due_at < moment)
    running = _RUNNING
    newest = (Case.id.label("case_id"), Case.declared_at.label("key"), Case.id.label("cid"))
    undated = (
        select(*newest)
        .where(*base, Case.state != "closed")
        .where(~exists().where(running.case_id == Case.id, _running(running)))
        .order_by(Case.declared_at.desc(), Case.id.desc())
    )
    closed = (
        select(*newest)
        .where(*base, Case.state == "closed")
        .order_by(Case.declared_at.desc(), Case.id.desc())
    )
    wanted = {
        "open": (True, True, False),
        "closed": (False, False, True),
        "all": (True, True, True),
    }[filters.status]
    if filters.overdue:  # only a running deadline can be overdue
        wanted = (wanted[0], False, False)
    runs = []
    for run, (query, ascending) in enumerate(((dated, True), (undated, False), (closed, False))):
        if not wanted[run] or run < run_after:
            query = query.where(false())
        elif run == run_after and edge is not None:
            columns = (deadline.due_at, deadline.id) if run == 0 else (Case.declared_at, Case.id)
            after = tuple_(*edge)
            query = query.where(tuple_(*columns) > after if ascending else tuple_(*columns) < after)
        page = query.limit(limit).subquery()
        runs.append(select(literal(run).label("run"), page.c.case_id, page.c.key, page.c.cid))
    return union_all(*runs)


def _in_order(rows, limit: int) -> list[tuple]:
    """The runs' rows as ``(run, key, case id, cursor id)``, the first ``limit`` in the
    list's order: the runs in turn, the first soonest due first, the others newest first."""

    def in_order(row) -> tuple:
        moment = as_utc(row.key).timestamp()
        return (row.run, moment, row.cid) if row.run == 0 else (row.run, -moment, -row.cid)

    return [(r.run, r.key, r.case_id, r.cid) for r in sorted(rows, key=in_order)[:limit]]


# The count and the runs' statement of "my workers", one per shape.
_WORKER_COUNTS = Prepared("my workers count")
_WORKER_RUNS = Prepared("my workers runs")


# What a row reads beside the claim's own columns, in the claim's statement.
_LISTED = (
    Victim.full_name.label("worker_name"),
    Victim.national_id.label("worker_national_id"),
    _ACCIDENT.code.label("accident_code"),
    Enterprise.name.label("enterprise_name"),
)
_CLAIM_COLUMNS = tuple(column for column in Case.__table__.c if column.key != "search_text")


def _load_rows(user, ids: list[int], at: datetime) -> list[WorkerRow]:
    """The rows of the claims ``ids``, in that order: one statement for the claims (as the
    engine's plain records, ``CaseRecord``) with their worker's name and ID, accident's code and
    enterprise's name, and one for their deadlines — no ORM objects (building them cost more
    than the page's SQL, docs/performance-lists.md).

    Only what a row shows is read: of the accident its code (not its declaration, the largest
    JSON of all). The engine's action check reads a claim's columns, data and deadlines
    (given); its guards read no other related rows (only effects do, when an action is
    fired), and ``Related`` loads any it would ask for on first read."""
    if not ids:
        return []
    loaded = db.session.execute(
        select(*_CLAIM_COLUMNS, *_LISTED)
        .outerjoin(Victim, Victim.id == Case.victim_id)
        .outerjoin(_ACCIDENT, _ACCIDENT.id == Case.parent_id)
        .outerjoin(Enterprise, Enterprise.id == Case.enterprise_id)
        .where(Case.id.in_(ids))
    ).all()
    by_id = {row.id: row for row in loaded}
    deadlines_of = case_store.load_deadlines_of(ids)
    rules = load_rulebook()
    rows = []
    for case_id in ids:
        listed = by_id[case_id]
        claim = CaseRecord(
            {column.key: listed[index] for index, column in enumerate(_CLAIM_COLUMNS)}
        )
        deadlines = deadlines_of.get(case_id, {})
        related = Related(claim, deadlines=deadlines)
        actions = available_actions(claim, user, rules, related)
        rows.append(_row(claim, listed, deadlines, user, at, actions))
    return rows


def confirm_receipt(
    user,
    claim_id: int,
    version: int,
    *,
    ip: str | None = None,
    received_on: str | None = None,
    received_by: str | None = None,
    recipient_name: str | None = None,
    recipient_relationship: str | None = None,
) -> Case:
    """The union confirms the worker (or, for a deceased worker, a named relative) received
    the payment, on ``received_on`` (dd/mm/yyyy, Vietnam time; today when empty: now, an
    earlier day: its end).

    One transaction, through the workflow engine (event, tasks, notices), which checks the day
    and the recipient.

    :raises ValidationFailed: ``received_on`` not a dd/mm/yyyy day; and as ``fire_transition``.
    :raises NotFound, PermissionDenied, StaleVersion, TransitionNotAllowed: as
        ``fire_transition``.
    """
    confirmed_at = now()
    text = (received_on or "").strip()
    if text:
        try:
            day = datetime.strptime(text, "%d/%m/%Y").date()
        except ValueError:
            raise ValidationFailed(
                {"received_on": [N_("Ngày không hợp lệ (dd/mm/yyyy).")]}
            ) from None
        if day != to_local(confirmed_at).date():
            confirmed_at = datetime.combine(day, time(23, 59), VN_TZ)
    payload = {
        "version": version,
        "confirmed_at": confirmed_at.isoformat(),
        "received_by": received_by or None,
        "recipient_name": (recipient_name or "").strip() or None,
        "recipient_relationship": (recipient_relationship or "").strip() or None,
    }
    fire_transition(
        claim_id,
        "confirm_receipt",
        user,
        {k: v for k, v in payload.items() if v is not None},
        ip=ip,
    )
    return db.session.get(Case, claim_id)
