"""What every web form does with a service's refusal (each message next to its input) and with
a form whose CSRF token was refused (the page again, with everything typed)."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, flash, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from app.i18n import localize_errors
from app.permissions import wants_json


def attach_errors(form, errors: dict[str, list[str]]) -> None:
    """Put ``ValidationFailed.errors`` on the form's fields, in the user's language; a message
    for no field of this form goes to ``form.form_errors`` (shown above the form).

    Forms with rows of inputs (teams, victims) use ``app.cases.forms.apply_errors``.
    """
    for name, messages in localize_errors(errors).items():
        target = form._fields.get(name)  # not getattr: a field named like a form attribute
        if target is None:
            form.form_errors.extend(messages)
        else:
            target.errors = [*target.errors, *messages]


# -- a form whose session expired -----------------------------------------------------------


def keeps_form(view: Callable) -> Callable:
    """Mark a POST view that, when :func:`form_expired`, renders its page again from what was
    posted and does nothing else.

    When a form's CSRF token is refused (it expired, or the session changed since the page was
    loaded), the handler in ``app/__init__.py`` runs such a view again, through its own
    permission checks, with :func:`form_expired` true, instead of answering with an error page:
    a long declaration comes back with everything typed and a line asking to send it again.
    The mark survives ``functools.wraps`` (it lives in the function's ``__dict__``).
    """
    view.keeps_form = True  # type: ignore[attr-defined]
    return view


def form_expired() -> bool:
    """Whether this request's form was refused for its CSRF token (see :func:`keeps_form`)."""
    return bool(g.get("form_expired"))


def handle_csrf_error(error: CSRFError):
    """A POST whose CSRF token was refused: a :func:`keeps_form` view's page again with what
    was posted (400), else an error page in the user's language (flask_wtf's description,
    "The CSRF session token is missing.", is English and says nothing a user can act on);
    JSON for API-style callers."""
    if wants_json():
        return jsonify({"error": "CSRF token missing or invalid."}), 400
    view = current_app.view_functions.get(request.endpoint or "")
    if request.method == "POST" and getattr(view, "keeps_form", False):
        g.form_expired = True
        flash(_("Phiên làm việc đã hết hạn nên nội dung chưa được gửi. Những gì bạn đã nhập "
                "vẫn còn bên dưới: vui lòng kiểm tra rồi gửi lại."), "error")  # fmt: skip
        return current_app.ensure_sync(view)(**(request.view_args or {}))
    message = _("Phiên làm việc của biểu mẫu đã hết hạn, vui lòng tải lại trang rồi thử lại.")
    return render_template("error.html", error=error, message=message), 400


# -- the error summary ----------------------------------------------------------------------


def error_links(form) -> list[tuple[str, str, str]]:
    """Every refused input of ``form``, rows and sub-forms included, in page order, as
    ``(input id, label, its messages)``: the error summary links each to its input so a
    keyboard or screen-reader user goes straight there (WCAG 2.1: 3.3.1, 2.4.3). A form that
    names its inputs better (the declaration: "Nạn nhân 2: Họ và tên") gives them through its
    own ``refused_inputs()``. Group errors (``group_errors``, e.g. a team with no head) link to
    the group's fieldset."""
    from wtforms.fields import FieldList, FormField

    if hasattr(form, "refused_inputs"):
        return [(i, label, " ".join(map(str, m))) for i, label, m in form.refused_inputs()]
    links: list[tuple[str, str, str]] = []

    def add(field_id: str, label, messages) -> None:
        if messages:
            links.append((field_id, str(label), " ".join(str(m) for m in messages)))

    def walk(current, group_errors) -> None:
        for f in current:
            if isinstance(f, FieldList | FormField):
                add(f.id, f.label.text, group_errors.get(f.name, []))
                subforms = [e.form for e in f.entries] if isinstance(f, FieldList) else [f.form]
                for sub in subforms:
                    walk(sub, getattr(sub, "group_errors", {}))
            elif isinstance(f.errors, list | tuple):
                add(f.id, f.label.text, f.errors)

    walk(form, getattr(form, "group_errors", {}))
    return links
