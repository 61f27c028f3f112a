"""Firing a workflow trigger from a page's action form: the one flow the case page and the
report page share (validate the form, fire through the engine, show refusals beside the fields
or as a message, redirect on success)."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, request
from flask_babel import gettext as _

from app.cases.forms import action_payload, apply_errors
from app.cases.presenter import trigger_label
from app.errors import Conflict, ValidationFailed
from app.forms import form_expired
from app.i18n import localize
from app.services.workflow_engine import action_errors, available_actions, fire_transition
from workflows import get_workflow

# ``failed(form, trigger, status)`` renders the page again with the refused form (or none).
Failed = Callable[..., object]


def act_from_page(case, user, trigger: str, form, *, failed: Failed, done_url: str):
    """Fire ``trigger`` on ``case`` with ``form``'s values.

    A form the page offered and that fails its own checks comes back with those errors and
    every one the engine would add on the other inputs (``action_errors``), beside its fields
    (422), as does a form the engine refuses with field errors; a refusal of the case's
    state (409) comes back as a message; success redirects to ``done_url`` with a notice. A
    form whose CSRF token was refused (``app.forms.keeps_form``: the views that call this are
    marked) comes back as it was typed (400), and nothing is fired.
    """
    if form_expired():
        return failed(form, trigger, 400)
    offered = trigger in available_actions(case, user)
    if not form.validate() and offered:
        # The form refused some inputs (a day that is no day); the engine says what it would
        # refuse of the others, so every error shows in one round (#15).
        payload = action_payload(form)
        form.show_errors(action_errors(case.id, trigger, user, payload))
        return failed(form, trigger, 422)
    try:
        fire_transition(case.id, trigger, user, action_payload(form), ip=request.remote_addr)
    except ValidationFailed as exc:
        apply_errors(form, exc.errors, form.row_map)
        if not offered:  # no form on the page to show them next to
            flash(" ".join(localize(m) for ms in exc.errors.values() for m in ms), "error")
        return failed(form, trigger, 422)
    except Conflict as exc:
        flash(localize(exc.message), "error")
        return failed(None, None, 409)
    label = trigger_label(get_workflow(case.kind), trigger)
    flash(_("Đã thực hiện: %(action)s.", action=label), "info")
    return redirect(done_url)
