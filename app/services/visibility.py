"""Who sees which case (workflows.md "Parties and roles"): SQL filters both ways and a check.

Denied by default: a role not listed sees nothing. A case the caller may not see is
answered exactly like a missing one (404), so its existence does not leak. Beyond the common
scope rules here, a kind's definition may share its cases with a role while one of its indexed
columns is true (``WorkflowDefinition.shared_with``: a claim with insurance once filed); the
three answers below read that from the registry and name no kind.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, true

from app.models import Case, Enterprise, Task, User
from app.services.prepared import Bound
from workflows import REGISTRY


def _shared_columns(role: str | None) -> dict[str, list[str]]:
    """Column → the kinds whose definitions share a case with ``role`` while it is true."""
    found: dict[str, list[str]] = {}
    for kind, definition in REGISTRY.items():
        column = definition.shared_with.get(role)
        if column is not None:
            found.setdefault(column, []).append(kind)
    return found


def _is_shared(role: str | None, case) -> bool:
    """Whether ``case``'s definition shares it with ``role`` now (``_shared_columns``'s twin)."""
    definition = REGISTRY.get(case.kind)
    column = definition.shared_with.get(role) if definition is not None else None
    return column is not None and bool(getattr(case, column))


def case_filter(user, bound: Bound | None = None) -> ColumnElement[bool]:
    """A WHERE clause selecting the cases ``user`` may see: its scope, or a case shared with
    its role. With ``bound`` (a list's prepared statement, ``app.services.prepared``) the
    user's enterprise and commune are named parameters and the role's choice is marked."""
    role = getattr(user, "role", None)
    shared = [
        Case.kind.in_(kinds) & getattr(Case, column).is_(True)
        for column, kinds in _shared_columns(role).items()
    ]
    scope = _scope_filter(user, role, bound=bound)
    return or_(scope, *shared) if shared else scope


def _scope_filter(
    user, role: str | None, on=Case, bound: Bound | None = None
) -> ColumnElement[bool]:
    """The role's scope on ``on``'s ``enterprise_id`` and ``commune_code`` (a case's, or the
    copies a task keeps of its case's)."""

    def value(name: str, column, given):
        return bound(name, given, column.type) if bound is not None else given

    if bound is not None:
        bound.mark("scope", role, role == "union" and bool(user.enterprise_id))
    if role == "inspector":
        return true()
    if role == "enterprise":
        if bound is None and user.enterprise_id is None:
            return false()  # as ``can_see``: an enterprise user without one sees nothing
        return on.enterprise_id == value("scope_enterprise", on.enterprise_id, user.enterprise_id)
    if role == "union":
        # A grassroots union sees its enterprise; the city federation sees the whole city.
        if not user.enterprise_id:
            return true()
        return on.enterprise_id == value("scope_enterprise", on.enterprise_id, user.enterprise_id)
    if role == "commune":
        if bound is None and user.commune_code is None:
            return false()
        return on.commune_code == value("scope_commune", on.commune_code, user.commune_code)
    return false()


def task_scope(user) -> ColumnElement[bool]:
    """``case_filter``'s scope on a task's copy of its case's (``Task.enterprise_id``,
    ``Task.commune_code``): implied by ``case_filter`` for a role no kind is shared with, so
    an inbox adds it to read the role's open tasks from its own index (migration 0013); TRUE
    for a role a kind is shared with (those cases lie outside its scope). What a user may see
    is still ``case_filter``'s answer on the case."""
    role = getattr(user, "role", None)
    if _shared_columns(role):
        return true()
    return _scope_filter(user, role, Task)


def enterprise_filter(user) -> ColumnElement[bool]:
    """A WHERE clause on ``Enterprise``: the enterprises whose figures (workforce, reports)
    ``user`` may see — ``_scope_filter``'s rule for the enterprise itself."""
    role = getattr(user, "role", None)
    if role == "inspector":
        return true()
    if role == "enterprise":
        return Enterprise.id == user.enterprise_id
    if role == "union":
        return Enterprise.id == user.enterprise_id if user.enterprise_id else true()
    if role == "commune":
        return Enterprise.commune_code == user.commune_code
    return false()


def can_see(user, case: Case) -> bool:
    """Whether ``user`` may see ``case`` (a ``Case`` or the engine's record): ``case_filter``'s
    twin, so the two always agree."""
    role = getattr(user, "role", None)
    return _in_scope(user, role, case) or _is_shared(role, case)


def _in_scope(user, role: str | None, case) -> bool:
    if role == "inspector":
        return True
    if role == "enterprise":
        return case.enterprise_id is not None and case.enterprise_id == user.enterprise_id
    if role == "union":
        return not user.enterprise_id or case.enterprise_id == user.enterprise_id
    if role == "commune":
        return case.commune_code == user.commune_code
    return False


def viewers_filter(case: Case | None, role: str) -> ColumnElement[bool]:
    """A WHERE clause on ``User``: users of ``role`` who can see ``case`` (``can_see``'s twin)."""
    if case is None or _is_shared(role, case) or role == "inspector":
        return true()
    if role == "enterprise":
        return User.enterprise_id == case.enterprise_id if case.enterprise_id else false()
    if role == "union":
        if case.enterprise_id is None:
            return User.enterprise_id.is_(None)
        return or_(User.enterprise_id.is_(None), User.enterprise_id == case.enterprise_id)
    if role == "commune":
        return User.commune_code == case.commune_code
    return false()
