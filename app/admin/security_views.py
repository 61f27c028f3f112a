"""The security audit for the administrator (``/admin/security``): every recorded privileged or
security act, newest first, filtered by who, what, on what and when, 50 a page.

Thin: parse the filters, ask ``app/services/security_audit.py``, render. Bad filters are shown
next to their fields (422) with no list.
"""

from __future__ import annotations

from flask import render_template, request

from app.admin import bp
from app.admin.security_forms import SecurityFilterForm
from app.errors import ValidationFailed
from app.forms import attach_errors
from app.i18n import pick
from app.permissions import require_permission
from app.services import security_audit


@bp.get("/security")
@require_permission("admin.security")
def security():
    form = SecurityFilterForm(formdata=request.args)
    page, status = None, 200
    if form.validate():
        try:
            page = security_audit.list_events(
                actor=form.actor.data,
                action=form.action.data or None,
                target=form.target.data,
                start=form.start.data,
                end=form.end.data,
                page=max(1, min(request.args.get("page", 1, type=int) or 1, 10**6)),
            )
        except ValidationFailed as exc:
            attach_errors(form, exc.errors)
    if page is None:
        status = 422
    return (
        render_template(
            "admin/security.html",
            form=form,
            page=page,
            args=form.args(),
            action_label=lambda key: pick(security_audit.ACTIONS.get(key), key),
            target_label=lambda key: pick(security_audit.TARGET_TYPES.get(key), key),
        ),
        status,
    )
