"""The help pages: ``/help/`` for the signed-in user's role, ``/help/<role>`` for another's."""

from __future__ import annotations

from flask import abort, render_template, url_for
from flask_login import current_user, login_required

from app.help import bp
from app.help.content import FIXED_LIMITS, HELP
from app.i18n import localize, pick
from app.models.user import ROLE_LABELS
from app.services.rulebook import load_rulebook
from app.services.rules_admin import today_vn
from workflows.law.rules import RULE_DESCRIPTIONS


def _limits(keys: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(what, value in force today, legal source) for each key: a rules-table value through the
    RuleBook (what an administrator set, or the law's default), or a fixed limit."""
    rules, today = load_rulebook(), today_vn()
    rows = []
    for key in keys:
        if key in FIXED_LIMITS:
            what, source = FIXED_LIMITS[key]
            rows.append((pick(what), "", pick(source)))
            continue
        label, source = RULE_DESCRIPTIONS[key]
        value = rules.get(key, today)
        shown = f"{value:,}".replace(",", ".") if isinstance(value, int) else str(value)
        rows.append((localize(label), shown, localize(source)))
    return rows


@bp.get("/")
@bp.get("/<role>")
@login_required
def page(role: str | None = None):
    role = role or current_user.role
    if role not in HELP:
        abort(404)
    help_ = HELP[role]
    steps = [
        (pick(step.text), url_for(step.endpoint, **dict(step.args)) if step.endpoint else None)
        for step in help_.steps
    ]
    return render_template(
        "help/page.html",
        role=role,
        role_label=pick(ROLE_LABELS[role]),
        intro=pick(help_.intro),
        steps=steps,
        limits=_limits(help_.limits),
        papers=[pick(p) for p in help_.papers],
        others=[(r, pick(ROLE_LABELS[r])) for r in HELP if r != role],
    )
