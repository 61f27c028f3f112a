"""The open tasks of a generated city: what each case's state waits on, as the engine opens them.

``bench.seed`` writes cases at the state their sampled history reached, but no tasks. The
inbox, the dashboards and the deadline scan read tasks, so their benchmarks need them. This step
asks the workflows themselves (``WorkflowDefinition.open_tasks`` on a snapshot of each case, the
same call ``app.services.workflow_engine.sync_tasks`` makes after every move) which tasks are
open, with their roles resolved and their due times taken from the case's open deadlines, and
inserts them. Being the engine's own rule, a change to a workflow's tasks changes the seeded
tasks too.

It runs at the end of ``python -m bench.seed`` and alone on a seeded database with
``python -m bench.seed --tasks-only``. It is idempotent: a case that already has an open task is
skipped, so an interrupted run can be started again.

``opened_at`` is when the task's deadline started, or the case's declaration when the task has
no deadline (the generator keeps no history of moves). No reminders, overdue or escalation marks
are set: the first deadline scan after seeding does that, as it would in production.
"""

from __future__ import annotations

from collections.abc import Callable
from time import perf_counter

BATCH = 5_000


def add_open_tasks(say: Callable[[str], None] = print, *, batch: int = BATCH) -> int:
    """Insert the open tasks of every case that has none; returns how many were inserted.

    Runs in the current app context on ``db``; commits once per ``batch`` cases.
    """
    from sqlalchemy import and_, exists, insert, or_, select
    from sqlalchemy.orm import selectinload

    from app.clock import now
    from app.extensions import db
    from app.models import Case, Task
    from app.services.case_snapshot import snapshot
    from app.services.rulebook import load_rulebook
    from workflows import REGISTRY

    at = now()
    rules = load_rulebook()
    # Only the states that have tasks at all: most cases (closed, rejected) are read never.
    waiting = [
        and_(Case.kind == kind, Case.state.in_([s.name for s in definition.states if s.tasks]))
        for kind, definition in REGISTRY.items()
        if any(s.tasks for s in definition.states)
    ]
    has_open_task = exists().where(Task.case_id == Case.id, Task.closed_at.is_(None))
    started = perf_counter()
    inserted = cases_read = 0
    last_id = 0
    while True:
        ids = list(
            db.session.scalars(
                select(Case.id)
                .where(Case.id > last_id, or_(*waiting), ~has_open_task)
                .order_by(Case.id)
                .limit(batch)
            )
        )
        if not ids:
            break
        last_id = ids[-1]
        cases = db.session.scalars(
            select(Case)
            .where(Case.id.in_(ids))
            .options(selectinload(Case.victims), selectinload(Case.deadlines))
        ).all()
        rows = []
        for case in cases:
            definition = REGISTRY[case.kind]
            snap = snapshot(case)
            for open_task in definition.open_tasks(snap, now=at, rules=rules):
                deadline = (
                    snap.open_deadline(open_task.task.deadline) if open_task.task.deadline else None
                )
                rows.append(
                    {
                        "case_id": case.id,
                        "case_kind": case.kind,
                        "name": open_task.task.name,
                        "role": open_task.role,
                        "title_vi": open_task.task.title_vi,
                        "title_en": open_task.task.title_en,
                        "deadline": open_task.task.deadline,
                        "due_at": open_task.due_at,
                        "opened_at": (deadline or {}).get("started_at") or case.declared_at,
                    }
                )
        if rows:
            db.session.execute(insert(Task), rows)
        db.session.commit()
        db.session.expunge_all()
        inserted += len(rows)
        cases_read += len(ids)
        say(
            f"  tasks: {cases_read:,} waiting cases read, {inserted:,} tasks "
            f"({perf_counter() - started:,.0f} s)"
        )
    return inserted
