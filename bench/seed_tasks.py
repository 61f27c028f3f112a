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

    Runs in the current app context on ``db``; commits once per ``batch`` cases. Reads with
    three plain queries per batch (cases, their victims, their deadlines) into the engine's
    ``CaseSnapshot`` — the ORM would take an hour over a million cases.
    """
    from collections import defaultdict

    from sqlalchemy import and_, exists, insert, or_, select

    from app.clock import as_utc, now
    from app.extensions import db
    from app.models import Case, CaseDeadline, Task, Victim
    from app.services.case_store import DEADLINE_FIELDS, VICTIM_VIEW
    from app.services.rulebook import load_rulebook
    from workflows import REGISTRY
    from workflows.base import CaseSnapshot

    at = now()
    rules = load_rulebook()
    # Only the states that have tasks at all: most cases (closed, rejected) are never read.
    waiting = [
        and_(Case.kind == kind, Case.state.in_([s.name for s in definition.states if s.tasks]))
        for kind, definition in REGISTRY.items()
        if any(s.tasks for s in definition.states)
    ]
    has_open_task = exists().where(Task.case_id == Case.id, Task.closed_at.is_(None))
    columns = (
        Case.id, Case.code, Case.kind, Case.state, Case.version, Case.severity,
        Case.investigation_level, Case.labour_relation, Case.enterprise_id, Case.commune_code,
        Case.declared_at, Case.occurred_at, Case.data, Case.parent_id,
    )  # fmt: skip
    started = perf_counter()
    inserted = cases_read = 0
    last_id = 0
    while True:
        cases = (
            db.session.execute(
                select(*columns)
                .where(Case.id > last_id, or_(*waiting), ~has_open_task)
                .order_by(Case.id)
                .limit(batch)
            )
            .mappings()
            .all()
        )
        if not cases:
            break
        ids = [case["id"] for case in cases]
        last_id = ids[-1]
        victims = defaultdict(list)
        for row in db.session.execute(
            select(Victim.case_id, *(getattr(Victim, n) for n in VICTIM_VIEW))
            .where(Victim.case_id.in_(ids))
            .order_by(Victim.id)
        ).mappings():
            victims[row["case_id"]].append({n: row[n] for n in VICTIM_VIEW})
        deadlines = defaultdict(dict)
        for row in db.session.execute(
            select(
                CaseDeadline.case_id,
                CaseDeadline.id,
                CaseDeadline.name,
                *(getattr(CaseDeadline, n) for n in DEADLINE_FIELDS),
            ).where(CaseDeadline.case_id.in_(ids))  # fmt: skip
        ).mappings():
            view = {"id": row["id"], "name": row["name"]}
            view.update({n: row[n] for n in DEADLINE_FIELDS})
            for name in ("due_at", "started_at", "paused_at", "met_at"):
                view[name] = as_utc(view[name])
            deadlines[row["case_id"]][row["name"]] = view
        children = defaultdict(list)
        for row in db.session.execute(
            select(Case.parent_id, Case.id, Case.kind, Case.state).where(Case.parent_id.in_(ids))
        ).mappings():
            children[row["parent_id"]].append({"id": row["id"], "kind": row["kind"],
                                               "state": row["state"]})  # fmt: skip
        parent_ids = {case["parent_id"] for case in cases if case["parent_id"]}
        parents = {
            row["id"]: {
                **row,
                "data": dict(row["data"] or {}),
                "occurred_at": as_utc(row["occurred_at"]),
            }  # fmt: skip
            for row in db.session.execute(
                select(
                    Case.id,
                    Case.code,
                    Case.kind,
                    Case.state,
                    Case.data,
                    Case.severity,
                    Case.occurred_at,
                ).where(Case.id.in_(parent_ids))  # fmt: skip
            ).mappings()
        }
        rows = []
        for case in cases:
            snap = CaseSnapshot(
                **{k: case[k] for k in ("id", "code", "kind", "state", "version", "severity",
                                       "investigation_level", "labour_relation",
                                       "enterprise_id", "commune_code")},
                declared_at=as_utc(case["declared_at"]),
                occurred_at=as_utc(case["occurred_at"]),
                data=dict(case["data"] or {}),
                victims=tuple(victims.get(case["id"], ())),
                deadlines=deadlines.get(case["id"], {}),
                children=tuple(children.get(case["id"], ())),
                parent=parents.get(case["parent_id"]),
            )  # fmt: skip
            for open_task in REGISTRY[case["kind"]].open_tasks(snap, now=at, rules=rules):
                name = open_task.task.deadline
                deadline = snap.open_deadline(name) if name else None
                rows.append(
                    {
                        "case_id": case["id"],
                        "case_kind": case["kind"],
                        "enterprise_id": case["enterprise_id"],
                        "commune_code": case["commune_code"],
                        "name": open_task.task.name,
                        "role": open_task.role,
                        "title_vi": open_task.task.title_vi,
                        "title_en": open_task.task.title_en,
                        "deadline": name,
                        "due_at": open_task.due_at,
                        "opened_at": (deadline or {}).get("started_at") or snap.declared_at,
                    }
                )
        if rows:
            db.session.execute(insert(Task), rows)
        db.session.commit()
        inserted += len(rows)
        cases_read += len(ids)
        say(
            f"  tasks: {cases_read:,} waiting cases read, {inserted:,} tasks "
            f"({perf_counter() - started:,.0f} s)"
        )
    return inserted
