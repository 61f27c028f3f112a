"""What every web form does with a service's refusal: show each message next to its input."""

from __future__ import annotations

from app.i18n import localize_errors


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
