"""Role inboxes: the signed-in user's open tasks (role and scope), soonest due first.

The blueprint also registers the "tasks" navigation counter (one COUNT query) and, when
embedded, the in-process periodic run (deadline scan and relays, ``app.jobs.scheduler``):
both are app-wide hooks this area owns, attached when the blueprint is registered.
"""

from __future__ import annotations

from flask import render_template
from sqlalchemy import func, select

from app.clock import as_utc, now
from app.extensions import db
from app.models import Case, Task
from app.permissions import acting_user, has_permission, require_permission
from app.services.cases import open_tasks_for, task_is_overdue
from app.services.visibility import case_filter
from app.tasks import bp


def open_task_count(user) -> int:
    """How many open tasks the inbox of ``user`` shows (the nav badge): one COUNT query."""
    if not has_permission(user, "tasks.view"):
        return 0
    return db.session.scalar(
        select(func.count(Task.id))
        .join(Case, Task.case_id == Case.id)
        .where(Task.closed_at.is_(None), Task.role == user.role, case_filter(user))
    )


def _register_app_hooks(state) -> None:
    state.app.extensions.setdefault("safecase_nav_counters", {})["tasks"] = open_task_count


bp.record_once(_register_app_hooks)


@bp.get("/")
@require_permission("tasks.view")
def inbox():
    user = acting_user()
    at = now()
    rows = [
        {
            "task": task,
            "case": task.case,
            "due_at": as_utc(task.due_at),
            "overdue": task_is_overdue(task, at),
        }
        for task in open_tasks_for(user)
    ]
    return render_template("tasks/inbox.html", rows=rows, user=user)
