"""The rows a transition reads and writes, through SQLAlchemy Core statements built once.

Firing a trigger is SafeCase's hottest write, and through the ORM most of its time went to
the unit of work (identity map, change tracking, three flushes) rather than to the
database: 12 statements took 15× the time of the raw UPDATE + INSERT they stand for
(docs/performance-engine.md). The engine therefore works on plain rows here: each
statement is built once at import with bound parameters, so executing it skips building
and cache-keying a new expression; an UPDATE's SET clause is the keys it is given.

Everything runs on the session's connection, inside the caller's unit of work. ORM
objects of the rows written here go stale until the commit expires them (the engine
expires them itself when it runs inside a caller's unit of work).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update

from app.extensions import db
from app.models import Case, CaseDeadline, OutboxMessage, Task, Victim
from workflows import REGISTRY
from workflows.base import SETTABLE_COLUMNS

CASE = Case.__table__
DEADLINE = CaseDeadline.__table__
VICTIM = Victim.__table__
TASK = Task.__table__
OUTBOX = OutboxMessage.__table__

# What a transition may write on the case row: the machine's state, the version, the
# chain head, the kind's JSON data and the columns effects may set or kinds derive.
WRITABLE_CASE_COLUMNS = frozenset(
    {"state", "version", "data", "last_event_seq", "last_event_hash"}
    | SETTABLE_COLUMNS
    | {column for definition in REGISTRY.values() for column in definition.indexed_columns}
)
# The columns a kind derives from its data (``indexed_columns``), which ``shared_with`` scopes
# read: a case loaded by code carries them so ``can_see`` can judge it.
_DERIVED_COLUMNS = sorted(
    {column for definition in REGISTRY.values() for column in definition.indexed_columns}
)

# The victim fields guards and effects see (never the national ID or medical detail).
VICTIM_VIEW = (
    "id",
    "full_name",
    "outcome",
    "died_at",
    "monthly_wage_vnd",
    "insured_wage_vnd",
    "si_number",
    "si_years",
    "gender",
    "birth_date",
    "occupation",
)
DEADLINE_FIELDS = ("due_at", "started_at", "days", "unit", "paused_at", "extended", "met_at")

_case = select(CASE).where(CASE.c.id == bindparam("case_id"))
_case_locked = _case.with_for_update()  # SQLite: the BEGIN IMMEDIATE of db_events locks
_save_case = update(CASE).where(
    CASE.c.id == bindparam("_id"), CASE.c.version == bindparam("_version")
)
_victims = (
    select(*(VICTIM.c[name] for name in VICTIM_VIEW))
    .where(VICTIM.c.case_id == bindparam("case_id"))
    .order_by(VICTIM.c.id)
)
_update_victim = update(VICTIM).where(VICTIM.c.id == bindparam("_id"))
# Only the search column: it is derived from other rows, never part of a transition's state.
_save_search_text = (
    update(CASE).where(CASE.c.id == bindparam("_id")).values(search_text=bindparam("_text"))
)
_deadlines = (
    select(DEADLINE.c.id, DEADLINE.c.name, *(DEADLINE.c[name] for name in DEADLINE_FIELDS))
    .where(DEADLINE.c.case_id == bindparam("case_id"))
    .order_by(DEADLINE.c.id)
)
# Several cases' deadlines at once (a list's page): the same columns, with whose they are.
_deadlines_of = (
    select(DEADLINE.c.case_id, *_deadlines.selected_columns)
    .where(DEADLINE.c.case_id.in_(bindparam("case_ids", expanding=True)))
    .order_by(DEADLINE.c.id)
)
_update_deadline = update(DEADLINE).where(DEADLINE.c.id == bindparam("_id"))
_insert_deadline = insert(DEADLINE).returning(DEADLINE.c.id, sort_by_parameter_order=True)
_children = (
    select(CASE.c.id, CASE.c.kind, CASE.c.state)
    .where(CASE.c.parent_id == bindparam("case_id"))
    .order_by(CASE.c.id)
)
_by_code = select(
    CASE.c.id,
    CASE.c.code,
    CASE.c.kind,
    CASE.c.enterprise_id,
    CASE.c.commune_code,
    *(CASE.c[column] for column in _DERIVED_COLUMNS),
).where(CASE.c.code == bindparam("code"))
_open_tasks = select(
    TASK.c.id,
    TASK.c.name,
    TASK.c.role,
    TASK.c.due_at,
    TASK.c.enterprise_id,
    TASK.c.commune_code,
).where(TASK.c.case_id == bindparam("case_id"), TASK.c.closed_at.is_(None))
_update_task = update(TASK).where(TASK.c.id == bindparam("_id"))
_insert_task = insert(TASK)
_insert_outbox = insert(OUTBOX)


class CaseRecord:
    """The engine's working copy of one case row: its columns as plain attributes.

    ``can_see`` and the snapshot read it like a ``Case``; the engine sets ``state`` (through
    ``CaseFlow``), the version, the chain head and what effects decide, then ``save_case``.
    """

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.__dict__.update(values)
        self._loaded_version = self.version

    def __repr__(self) -> str:
        return f"<CaseRecord {self.__dict__.get('code')} {self.__dict__.get('state')}>"


def _run(statement, params=None):
    return db.session.connection().execute(statement, params)


def load_case(case_id: int, *, lock: bool = False) -> CaseRecord | None:
    """The case row (locked for the transaction when ``lock``), or None."""
    row = _run(_case_locked if lock else _case, {"case_id": case_id}).mappings().first()
    return CaseRecord(row) if row is not None else None


def save_case(record: CaseRecord) -> None:
    """Write the record's writable columns, if the row still has the version it was read at.

    The row is locked, so a mismatch means a bug, not a race: it raises.
    """
    params = {name: getattr(record, name) for name in WRITABLE_CASE_COLUMNS}
    params["_id"] = record.id
    params["_version"] = record._loaded_version
    if _run(_save_case, params).rowcount != 1:
        raise RuntimeError(f"case {record.id} changed under its lock")
    record._loaded_version = record.version


def load_victims(case_id: int) -> list[dict[str, Any]]:
    return [dict(row) for row in _run(_victims, {"case_id": case_id}).mappings()]


def update_victims(changes: Mapping[int, Mapping[str, Any]]) -> None:
    for victim_id, columns in changes.items():
        _run(_update_victim, {"_id": victim_id, **columns})


def save_search_texts(texts: Mapping[int, str]) -> None:
    """Write ``{case id: search text}`` (``app.services.search.refresh``)."""
    if texts:
        _run(_save_search_text, [{"_id": k, "_text": v} for k, v in texts.items()])


def load_deadlines(case_id: int) -> dict[str, dict[str, Any]]:
    """A case's deadline rows by name, each with its ``id``."""
    return {row["name"]: dict(row) for row in _run(_deadlines, {"case_id": case_id}).mappings()}


def load_deadlines_of(case_ids: Iterable[int]) -> dict[int, dict[str, dict[str, Any]]]:
    """:func:`load_deadlines` for several cases in one statement: ``{case id: {name: row}}``
    (a case with none is absent)."""
    found: dict[int, dict[str, dict[str, Any]]] = {}
    for row in _run(_deadlines_of, {"case_ids": list(case_ids)}).mappings():
        values = dict(row)
        found.setdefault(values.pop("case_id"), {})[values["name"]] = values
    return found


def save_deadlines(
    case_id: int, changed: Iterable[dict[str, Any]], added: Iterable[dict[str, Any]]
) -> None:
    """UPDATE the ``changed`` rows (by ``id``) and INSERT the ``added`` ones (their ``id`` set)."""
    updates = [
        {"_id": row["id"], **{name: row[name] for name in DEADLINE_FIELDS}} for row in changed
    ]
    if updates:
        _run(_update_deadline, updates)
    added = list(added)
    inserts = [
        {"case_id": case_id, "name": row["name"], **{n: row[n] for n in DEADLINE_FIELDS}}
        for row in added
    ]
    if inserts:
        for row, new_id in zip(added, _run(_insert_deadline, inserts).scalars(), strict=True):
            row["id"] = new_id


def load_children(case_id: int) -> list[dict[str, Any]]:
    return [dict(row) for row in _run(_children, {"case_id": case_id}).mappings()]


def find_by_code(code: str):
    """The few columns that say whether a case exists and who may see it, or None."""
    return _run(_by_code, {"code": code}).first()


def load_open_tasks(case_id: int):
    return _run(_open_tasks, {"case_id": case_id}).all()


def set_task_scope(task_ids: list[int], scope: Mapping[str, Any]) -> None:
    """Tasks ``task_ids`` take ``scope`` (their case's ``enterprise_id`` and
    ``commune_code``)."""
    if task_ids:
        _run(_update_task, [{"_id": task_id, **scope} for task_id in task_ids])


def close_tasks(task_ids: list[int], at: datetime) -> None:
    if task_ids:
        _run(_update_task, [{"_id": task_id, "closed_at": at} for task_id in task_ids])


def move_task_due(changes: list[tuple[int, datetime | None]]) -> None:
    """A task's deadline moved: new due time, and its reminders start over (the deadline
    scan reads it again: no longer settled)."""
    if changes:
        _run(
            _update_task,
            [
                {
                    "_id": task_id,
                    "due_at": due_at,
                    "overdue_at": None,
                    "reminded_at": None,
                    "escalated_at": None,
                    "settled_at": None,
                }
                for task_id, due_at in changes
            ],
        )


def insert_tasks(rows: list[dict[str, Any]]) -> None:
    if rows:
        _run(_insert_task, rows)


def insert_outbox(rows: list[dict[str, Any]]) -> list[int]:
    """Insert outbox rows; their ids, in order (one statement each: usually one or two)."""
    return [_run(_insert_outbox, row).inserted_primary_key[0] for row in rows]
