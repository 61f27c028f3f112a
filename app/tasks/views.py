"""Role inboxes: the signed-in user's open tasks (role and scope), soonest due first.

The blueprint also registers the "tasks" navigation counter (one COUNT query) and, when
embedded, the in-process periodic run (deadline scan and relays, ``app.jobs.scheduler``):
both are app-wide hooks this area owns, attached when the blueprint is registered.
"""

from __future__ import annotations

from flask import render_template, request

from app.clock import as_utc, now
from app.errors import ValidationFailed
from app.i18n import pick
from app.inputs import cursor_arg, first_page_instead, page_number
from app.permissions import acting_user, has_permission, require_permission
from app.services import inbox as inbox_service
from app.services.cases import task_is_overdue
from app.services.inbox import TaskFilters
from app.tasks import bp
from workflows import REGISTRY

# The inbox's page size in the browser.
INBOX_PAGE = 25


# The nav badge counts up to this many open tasks and says "99+" beyond: it is read on every
# page, and an exact count of a city-wide inbox cost 200 ms at 10⁶ cases.
BADGE_CAP = 99


def open_task_count(user) -> int | str:
    """How many open tasks the inbox of ``user`` shows (the nav badge): one COUNT of at most
    ``BADGE_CAP + 1`` rows; ``"99+"`` beyond."""
    if not has_permission(user, "tasks.view"):
        return 0
    count = inbox_service.open_count(user, BADGE_CAP)
    return f"{BADGE_CAP}+" if count.capped else count.total


def _register_app_hooks(state) -> None:
    state.app.extensions.setdefault("safecase_nav_counters", {})["tasks"] = open_task_count


bp.record_once(_register_app_hooks)


def inbox_filters() -> tuple[TaskFilters, dict[str, str]]:
    """The inbox filters from the query string (``kind``, ``overdue=1``, ``case``) and the same
    as link arguments (blank ones left out)."""
    args = {
        name: (request.args.get(name) or "").strip()
        for name in ("kind", "overdue", "case")
        if (request.args.get(name) or "").strip()
    }
    filters = TaskFilters(
        kind=args.get("kind"),
        overdue=args.get("overdue") in ("1", "true", "on"),
        case_code=args.get("case"),
    )
    return filters, args


@bp.get("/")
@require_permission("tasks.view")
def inbox():
    user = acting_user()
    at = now()
    filters, args = inbox_filters()
    try:
        page = inbox_service.inbox(user, filters, per_page=INBOX_PAGE, cursor=cursor_arg(), at=at)
    except ValidationFailed as refused:
        return first_page_instead(refused, "tasks.inbox", filters=("kind",), **args)
    rows = [
        {
            "task": task,
            "case": task.case,
            "due_at": as_utc(task.due_at),
            "overdue": task_is_overdue(task, at),
        }
        for task in page.items
    ]
    kinds = [(kind, pick((d.label_vi, d.label_en))) for kind, d in REGISTRY.items()]
    return render_template(
        "tasks/inbox.html",
        rows=rows,
        user=user,
        page=page,
        number=page_number(),
        args=args,
        filters=filters,
        filtered=filters != TaskFilters(),  # "nothing matches", not "nothing waits"
        kinds=kinds,
    )
