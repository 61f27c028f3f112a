"""The deadline scan: reminders before a task's due time, overdue notices and escalation.

Deadlines are data (``task.due_at``, computed by the workflows in calendar or working
days, see ``workflows/law/calendar.py``); this periodic job (``flask deadlines scan``, the
scheduler, or the in-process hook when embedded) compares them with the clock. For each
open task with a due time:

- **reminder** — once, when ``as_of >= due_at - reminder_before_hours`` (a dated rule of
  the RuleBook, default 24 h) and the due time has not passed: ``task.reminder`` to the
  users of the task's role who can see the case; marks ``reminded_at``;
- **overdue** — once, when ``as_of >= due_at``: ``task.overdue`` to the same users;
  marks ``overdue_at``;
- **escalation** — once, when overdue and the workflow names supervisors for the task's
  deadline (``Deadline.supervisors``; a task without a deadline falls back to the
  inspector for enterprise steps): ``task.escalated`` to the supervising roles other than
  the task's own; marks ``escalated_at``;
- **settled** — when the overdue notice is sent and the escalation too, or there is nobody
  to escalate to (an inspector's own step): marks ``settled_at``. A settled task is never
  read again until its deadline moves.

What it reads (issue #14): one query (``scan_query``) over the partial index
``ix_task_scan_due`` — open, unsettled tasks, by ``(due_at, reminded_at)`` — returns the
tasks due for a change and nothing else: overdue ones not yet settled, and due-soon ones
not yet reminded. A task already reminded and not yet due, a settled task and a closed task
are not read. Before, an overdue task without supervisors was read by every scan forever.

Each step is a conditional ``UPDATE … WHERE <column> IS NULL … RETURNING`` over a batch of
tasks and, only for the rows it changed, an outbox row in the same transaction: two scans
at once (two processes, a CLI run beside the scheduler) cannot both win, and running the
scan again at the same or a later time sends nothing new. Notices go through the outbox, so
they follow the same dispatch, email and relay path as the workflows' own notices. When a
deadline is moved (extension, resumption) the engine resets the three marks and
``settled_at`` (``case_store.move_task_due``) and the cycle starts again.

The workflows define no timeout transitions (statutory limits oblige people, they do not
move a case by themselves), so the scan never fires a trigger.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, union_all, update

from app.clock import VN_TZ, as_utc, now, to_local
from app.extensions import db
from app.models import Case, OutboxMessage, Task
from app.models.user import ROLE_LABELS
from app.models.work import TASK_SCAN_PREDICATE
from app.services.rulebook import load_rulebook
from app.services.unit_of_work import unit_of_work
from workflows import get_workflow
from workflows.inputs import DATE_MAX, DATE_MIN, day_in_range

log = logging.getLogger(__name__)

DEFAULT_REMINDER_HOURS = 24


@dataclass
class ScanResult:
    """What one scan did: notices sent by kind, tasks settled, rows the reading query read."""

    reminded: int = 0
    overdue: int = 0
    escalated: int = 0
    settled: int = 0
    read: int = 0

    def summary(self) -> str:
        return f"reminded {self.reminded}, overdue {self.overdue}, escalated {self.escalated}"


def parse_as_of(value: str | datetime | None) -> datetime | None:
    """An aware datetime from ISO 8601 text with an offset.

    :raises ValueError: malformed, or without a UTC offset (ambiguous).
    """
    if value is None or isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(
                f"--as-of {value!r} is not an ISO 8601 time (e.g. 2027-01-15T00:00:00+07:00)"
            ) from None
    if parsed is not None and parsed.tzinfo is None:
        raise ValueError(
            f"--as-of {value!s} has no UTC offset; write e.g. 2027-01-15T00:00:00+07:00"
        )
    if parsed is not None and not day_in_range(parsed):
        raise ValueError(f"--as-of {value!s} is not between {DATE_MIN} and {DATE_MAX}")
    return as_utc(parsed) if parsed is not None else None


def reminder_hours(at: datetime) -> int:
    """The ``reminder_before_hours`` rule in force on the Vietnam-local day of ``at``."""
    try:
        hours = load_rulebook().get("reminder_before_hours", at.astimezone(VN_TZ).date())
        return max(0, int(hours))
    except (KeyError, TypeError, ValueError):
        return DEFAULT_REMINDER_HOURS


def supervisors_for(kind: str | None, deadline: str | None, role: str) -> tuple[str, ...]:
    """Who is told when a task of ``role`` on ``deadline`` of a ``kind`` case is overdue, from
    the workflow definition (never the task's own role, which already got the overdue
    notice). A task without a deadline (or of an unknown one) falls back to the inspector for
    enterprise steps. Empty: nobody to escalate to, the cycle ends with the overdue notice."""
    roles: tuple[str, ...] = ()
    if deadline and kind:
        try:
            roles = get_workflow(kind).deadline(deadline).supervisors
        except KeyError:
            roles = ()
    if not roles and role == "enterprise":
        roles = ("inspector",)
    return tuple(r for r in dict.fromkeys(roles) if r != role)


def supervisors_of(task: Task) -> tuple[str, ...]:
    """``supervisors_for`` a task row (its copied case kind, or its case's)."""
    kind = task.case_kind or (task.case.kind if task.case is not None else None)
    return supervisors_for(kind, task.deadline, task.role)


# Tasks handled per transaction: one round of conditional UPDATEs … RETURNING and one batch
# of outbox rows for all of them. A failing batch is redone one task per transaction.
SCAN_BATCH = 500

# What the scan reads of each task due for a change: enough to decide which marks to try and
# whom to escalate to. The marks themselves are not read: the conditional UPDATEs judge them.
_READ_COLUMNS = (
    Task.id,
    Task.case_id,
    Task.case_kind,
    Task.deadline,
    Task.role,
    Task.due_at,
)
# What a notice needs of the task, returned by the UPDATE that marked it.
_NOTICE_COLUMNS = (
    Task.id,
    Task.case_id,
    Task.case_kind,
    Task.name,
    Task.title_vi,
    Task.title_en,
    Task.role,
    Task.deadline,
    Task.due_at,
)


def _open_unsettled():
    """The partial index's predicate (``ix_task_scan_due``), as the scan's WHERE says it."""
    return (Task.closed_at.is_(None), Task.settled_at.is_(None))


def overdue_query(at: datetime):
    """Open, unsettled tasks due by ``at``: each still wants its overdue notice, its
    escalation or both (``settled_at`` is set as soon as it wants neither)."""
    return select(*_READ_COLUMNS).where(*_open_unsettled(), Task.due_at <= at)


def reminder_query(at: datetime, horizon: datetime):
    """Open tasks due in ``(at, horizon]`` not yet reminded (decided inside the index)."""
    return select(*_READ_COLUMNS).where(
        *_open_unsettled(), Task.due_at > at, Task.due_at <= horizon, Task.reminded_at.is_(None)
    )


def scan_query(at: datetime, horizon: datetime):
    """The scan's one reading query: every task due for a change as of ``at``, nothing else
    (``bench.deadlines`` times it against a bare ``SELECT … WHERE due_at <= :t``). In no
    particular order: each task is handled on its own.

    SQLite gets the same query in SQL with ``INDEXED BY ix_task_scan_due``: without
    statistics (nobody runs ANALYZE on the embedded file) its planner prefers the equality
    on ``closed_at`` of ``ix_task_open_role_due``, which reads every open task; with the
    clause it reads the partial index or fails loudly if the index could not serve.
    """
    if db.engine.dialect.name == "sqlite":
        return _SQLITE_SCAN.bindparams(at=at, horizon=horizon)
    return union_all(overdue_query(at), reminder_query(at, horizon))


def _sqlite_scan():
    from sqlalchemy import Integer, String, bindparam, text

    from app.models.mixins import UTCDateTime

    columns = ", ".join(c.key for c in _READ_COLUMNS)
    head = f"SELECT {columns} FROM task INDEXED BY ix_task_scan_due WHERE {TASK_SCAN_PREDICATE}"
    return (
        text(
            f"{head} AND due_at <= :at UNION ALL {head} AND due_at > :at "
            "AND due_at <= :horizon AND reminded_at IS NULL"
        )
        .bindparams(bindparam("at", type_=UTCDateTime()), bindparam("horizon", type_=UTCDateTime()))
        .columns(
            id=Integer(),
            case_id=Integer(),
            case_kind=String(),
            deadline=String(),
            role=String(),
            due_at=UTCDateTime(),
        )
    )


_SQLITE_SCAN = _sqlite_scan()


def scan(as_of: str | datetime | None = None) -> ScanResult:
    """Remind, mark overdue, escalate and settle open tasks as of ``as_of`` (default: now).

    Reads only the tasks due for a change (``scan_query``): a settled task, a task already
    reminded and not yet due, a closed task are never read. Each batch of ``SCAN_BATCH`` is
    one transaction; a batch that fails is redone task by task so one broken task does not
    stop the others.
    """
    at = parse_as_of(as_of) or now()
    horizon = at + timedelta(hours=reminder_hours(at))
    rows = db.session.execute(scan_query(at, horizon)).all()
    db.session.rollback()
    result = ScanResult(read=len(rows))
    for start in range(0, len(rows), SCAN_BATCH):
        batch = rows[start : start + SCAN_BATCH]
        try:
            _scan_batch(batch, at, horizon, result)
        except Exception:
            log.warning("deadline scan: a batch failed; redoing it task by task", exc_info=True)
            for row in batch:
                try:
                    _scan_batch([row], at, horizon, result)
                except Exception:  # one broken task must not stop the others
                    log.exception("deadline scan failed for task %s", row.id)
    log.info(
        "deadline scan as of %s: %s, settled %d, read %d",
        at.isoformat(),
        result.summary(),
        result.settled,
        result.read,
    )
    return result


# The STYLE name for the same job.
scan_overdue = scan


def due_for(column, at: datetime, horizon: datetime) -> tuple:
    """When a task is (still) due for ``column``'s mark, judged on its current due time."""
    if column is Task.reminded_at:
        return (Task.due_at > at, Task.due_at <= horizon)
    return (Task.due_at <= at,)


def mark(column, task_ids: list[int], at: datetime, horizon: datetime) -> list:
    """Set ``column`` to ``at`` on those of ``task_ids`` still due for it; the rows changed
    (``_NOTICE_COLUMNS``).

    One conditional ``UPDATE … WHERE <column> IS NULL … RETURNING``: of two scans at once only
    one changes a row (PostgreSQL re-checks the WHERE after the other's commit; SQLite's
    write lock serialises them). The due time is judged as it is now, not as the scan read
    it: a transition that moved a deadline meanwhile (and cleared the marks) wins.
    """
    if not task_ids:
        return []
    return db.session.execute(
        update(Task)
        .where(
            Task.id.in_(task_ids),
            *_open_unsettled(),
            column.is_(None),
            *due_for(column, at, horizon),
        )
        .values({column.key: at})
        .returning(*_NOTICE_COLUMNS)
        .execution_options(synchronize_session=False)
    ).all()


def _scan_batch(rows, at: datetime, horizon: datetime, result: ScanResult) -> None:
    kinds = _kinds(rows)
    due = [r for r in rows if as_utc(r.due_at) <= at]
    soon = [r.id for r in rows if as_utc(r.due_at) > at]
    supervised = {r.id: supervisors_for(kinds[r.id], r.deadline, r.role) for r in due}
    with unit_of_work():
        reminded = mark(Task.reminded_at, soon, at, horizon)
        overdue = mark(Task.overdue_at, [r.id for r in due], at, horizon)
        escalated = mark(
            Task.escalated_at, [i for i, roles in supervised.items() if roles], at, horizon
        )
        settled = _settle(
            [r.id for r in due], [i for i, roles in supervised.items() if not roles], at
        )
        codes = _case_codes({t.case_id for t in (*reminded, *overdue, *escalated)})
        notices = [
            *(_notice(t, "task.reminder", (t.role,), codes, at) for t in reminded),
            *(_notice(t, "task.overdue", (t.role,), codes, at) for t in overdue),
            *(_notice(t, "task.escalated", supervised[t.id], codes, at) for t in escalated),
        ]
        if notices:
            db.session.add_all(notices)
            db.session.flush()  # one batched INSERT … RETURNING for the ids
            from app.jobs.notifications import queue_outbox

            for row in notices:
                queue_outbox(row.id)
    result.reminded += len(reminded)
    result.overdue += len(overdue)
    result.escalated += len(escalated)
    result.settled += settled


def _settle(due_ids: list[int], unsupervised: list[int], at: datetime) -> int:
    """Settle the due tasks whose cycle is complete: overdue-marked, and escalated or with
    nobody to escalate to (``unsupervised``). A task whose escalation was not marked (another
    scan holds it) stays unsettled and is read again."""
    if not due_ids:
        return 0
    complete = Task.escalated_at.is_not(None)
    if unsupervised:
        complete = or_(complete, Task.id.in_(unsupervised))
    changed = db.session.execute(
        update(Task)
        .where(
            Task.id.in_(due_ids),
            *_open_unsettled(),
            Task.due_at <= at,
            Task.overdue_at.is_not(None),
            complete,
        )
        .values(settled_at=at)
        .execution_options(synchronize_session=False)
    )
    return changed.rowcount


def _kinds(rows) -> dict[int, str | None]:
    """Each row's case kind: the copy on the task, or (rows written before it was copied or
    by hand) the case's own."""
    kinds = {r.id: r.case_kind for r in rows}
    missing = {r.case_id for r in rows if r.case_kind is None}
    if missing:
        found = dict(db.session.execute(select(Case.id, Case.kind).where(Case.id.in_(missing))))
        kinds.update({r.id: found.get(r.case_id) for r in rows if r.case_kind is None})
    return kinds


def _case_codes(case_ids: set[int]) -> dict[int, tuple[str, str]]:
    """(code, kind) of each case, one query."""
    if not case_ids:
        return {}
    return {
        case_id: (code, kind)
        for case_id, code, kind in db.session.execute(
            select(Case.id, Case.code, Case.kind).where(Case.id.in_(case_ids))
        )
    }


def _notice(task, event: str, roles: tuple[str, ...], codes, at: datetime) -> OutboxMessage:
    """An outbox row in the scan's transaction, dispatched after commit like any notice."""
    code, kind = codes[task.case_id]
    deadline_label = deadline_label_en = ""
    if task.deadline:
        try:
            deadline = get_workflow(task.case_kind or kind).deadline(task.deadline)
            deadline_label, deadline_label_en = deadline.label_vi, deadline.label_en
        except KeyError:
            deadline_label = deadline_label_en = task.deadline
    return OutboxMessage(
        case_id=task.case_id,
        event=event,
        roles=list(roles),
        urgent=False,
        payload={
            "case_code": code,
            "trigger": "deadline_scan",
            "actor": "system",
            "task_id": task.id,
            "task": task.name,
            "title": task.title_vi,
            "title_en": task.title_en,
            "role": task.role,
            "role_label": ROLE_LABELS.get(task.role, (task.role,))[0],
            "role_label_en": ROLE_LABELS.get(task.role, (task.role, task.role))[1],
            "due": to_local(task.due_at).strftime("%d/%m/%Y %H:%M"),
            "deadline": deadline_label,
            "deadline_en": deadline_label_en,
        },
        created_at=now(),
    )
