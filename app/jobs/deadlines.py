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
  the task's own; marks ``escalated_at``.

Each step is a conditional ``UPDATE … WHERE <column> IS NULL`` and, only when it changed
a row, an outbox row in the same transaction: two scans at once (two processes, a CLI run
beside the scheduler) cannot both win, and running the scan again at the same or a later
time sends nothing new. Notices go through the outbox, so they follow the same dispatch,
email and relay path as the workflows' own notices. When a deadline is moved (extension,
resumption) the engine resets the three columns and the cycle starts again.

The workflows define no timeout transitions (statutory limits oblige people, they do not
move a case by themselves), so the scan never fires a trigger.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update

from app.clock import VN_TZ, as_utc, now, to_local
from app.extensions import db
from app.models import OutboxMessage, Task
from app.models.user import ROLE_LABELS
from app.services.rulebook import load_rulebook
from app.services.unit_of_work import unit_of_work
from workflows import get_workflow
from workflows.inputs import DATE_MAX, DATE_MIN, day_in_range

log = logging.getLogger(__name__)

DEFAULT_REMINDER_HOURS = 24


@dataclass
class ScanResult:
    reminded: int = 0
    overdue: int = 0
    escalated: int = 0

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


def supervisors_of(task: Task) -> tuple[str, ...]:
    """Who is told when ``task`` is overdue, from the workflow definition (never the task's
    own role, which already got the overdue notice)."""
    roles: tuple[str, ...] = ()
    if task.deadline:
        try:
            roles = get_workflow(task.case.kind).deadline(task.deadline).supervisors
        except KeyError:
            roles = ()
    if not roles and task.role == "enterprise":
        roles = ("inspector",)
    return tuple(r for r in dict.fromkeys(roles) if r != task.role)


def scan(as_of: str | datetime | None = None) -> ScanResult:
    """Remind, mark overdue and escalate open tasks as of ``as_of`` (default: now)."""
    at = parse_as_of(as_of) or now()
    horizon = at + timedelta(hours=reminder_hours(at))
    candidates = list(
        db.session.scalars(
            select(Task.id)
            .where(
                Task.closed_at.is_(None),
                Task.due_at.is_not(None),
                or_(
                    and_(Task.reminded_at.is_(None), Task.due_at > at, Task.due_at <= horizon),
                    and_(
                        Task.due_at <= at,
                        or_(Task.overdue_at.is_(None), Task.escalated_at.is_(None)),
                    ),
                ),
            )
            .order_by(Task.due_at, Task.id)
        )
    )
    db.session.rollback()
    result = ScanResult()
    for task_id in candidates:
        try:
            _scan_task(task_id, at, result)
        except Exception:  # one broken task must not stop the others
            log.exception("deadline scan failed for task %s", task_id)
    log.info("deadline scan as of %s: %s", at.isoformat(), result.summary())
    return result


# The STYLE name for the same job.
scan_overdue = scan


def _claim(task: Task, column, at: datetime) -> bool:
    """Set ``column`` once: True only for the one caller whose UPDATE changed the row.

    Only while the task is still due when this scan read it: a transition that moved the
    deadline meanwhile (and cleared the reminder marks for the new one) wins.
    """
    changed = db.session.execute(
        update(Task)
        .where(
            Task.id == task.id,
            Task.closed_at.is_(None),
            Task.due_at == task.due_at,
            column.is_(None),
        )
        .values({column.key: at})
        .execution_options(synchronize_session=False)
    )
    return changed.rowcount == 1


def _scan_task(task_id: int, at: datetime, result: ScanResult) -> None:
    with unit_of_work():
        task = db.session.execute(
            select(Task).where(Task.id == task_id).execution_options(populate_existing=True)
        ).scalar_one_or_none()
        if task is None or task.closed_at is not None or task.due_at is None:
            return
        due = as_utc(task.due_at)
        if due > at:
            if task.reminded_at is None and _claim(task, Task.reminded_at, at):
                _notice(task, "task.reminder", (task.role,), at)
                result.reminded += 1
            return
        if task.overdue_at is None and _claim(task, Task.overdue_at, at):
            _notice(task, "task.overdue", (task.role,), at)
            result.overdue += 1
        supervisors = supervisors_of(task)
        if supervisors and task.escalated_at is None and _claim(task, Task.escalated_at, at):
            _notice(task, "task.escalated", supervisors, at)
            result.escalated += 1


def _notice(task: Task, event: str, roles: tuple[str, ...], at: datetime) -> None:
    """An outbox row in the scan's transaction, dispatched after commit like any notice."""
    from app.jobs.notifications import queue_outbox

    deadline_label = ""
    if task.deadline:
        try:
            deadline_label = get_workflow(task.case.kind).deadline(task.deadline).label_vi
        except KeyError:
            deadline_label = task.deadline
    row = OutboxMessage(
        case_id=task.case_id,
        event=event,
        roles=list(roles),
        urgent=False,
        payload={
            "case_code": task.case.code,
            "trigger": "deadline_scan",
            "actor": "system",
            "task_id": task.id,
            "task": task.name,
            "title": task.title_vi,
            "role": task.role,
            "role_label": ROLE_LABELS.get(task.role, (task.role,))[0],
            "due": to_local(task.due_at).strftime("%d/%m/%Y %H:%M"),
            "deadline": deadline_label,
        },
        created_at=now(),
    )
    db.session.add(row)
    db.session.flush()
    queue_outbox(row.id)
