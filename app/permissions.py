"""Permissions: names, which role holds which, and the decorators that guard endpoints.

Denied by default: a role holds only the permissions listed here. Case-level rules
(which trigger, in which state, on which case) belong to the workflow definitions and
the engine; these guard whole pages and API endpoints.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import g, request
from flask_login import current_user

from app.errors import NotAuthenticated, PermissionDenied
from app.i18n import N_
from workflows import REGISTRY
from workflows.base import USER_ROLES

# Who may declare which kind is each workflow's declaration spec; "cases.declare" (the
# declaration pages and ``POST /cases``) goes to every role that may declare at least one kind.
DECLARING_ROLES = frozenset(
    declarer.role
    for definition in REGISTRY.values()
    if definition.declaration is not None
    for declarer in definition.declaration.declarers
)
# Statistics: every role that works on cases, each within its own scope (contract.md "all
# (scoped)"); the administrator sees no case content, so not the statistics either.
_CASE_WORK = frozenset(
    {"cases.view", "cases.act", "tasks.view", "calculations.use", "statistics.view"}
)

# Who reads statutory periodic reports (each within its scope: an enterprise its own, a commune
# its commune's, a union its scope, the inspector all); insurance files none and sees none.
REPORT_READERS = frozenset({"enterprise", "commune", "union", "inspector"})

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    **{
        role: _CASE_WORK
        | ({"cases.declare"} if role in DECLARING_ROLES else frozenset())
        | ({"reports.view"} if role in REPORT_READERS else frozenset())
        | ({"reports.open"} if role == "inspector" else frozenset())
        for role in USER_ROLES
        if role != "admin"
    },
    # The administrator manages people, rules tables, code lists and the enterprises'
    # classification, and reads the security audit; no case content by default.
    "admin": frozenset(
        {
            "admin.users",
            "admin.rules",
            "admin.jobs",
            "admin.codes",
            "admin.security",
            "calculations.use",
            "reports.open",
        }
    ),
}


def roles_without(permission: str) -> tuple[str, ...]:
    """The roles a ``require_permission(permission)`` endpoint refuses (403), in role order."""
    return tuple(r for r in USER_ROLES if permission not in ROLE_PERMISSIONS.get(r, frozenset()))


def has_permission(user, permission: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return permission in ROLE_PERMISSIONS.get(user.role, frozenset())


def acting_user():
    """The caller: the API bearer-token user when set, else the session user."""
    return g.get("api_user") or (current_user if current_user.is_authenticated else None)


def require_permission(permission: str) -> Callable:
    """Guard an endpoint: 401/redirect when anonymous, 403 when the role lacks ``permission``."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            user = acting_user()
            if user is None:
                raise NotAuthenticated(N_("Cần đăng nhập."))
            if not has_permission(user, permission):
                raise PermissionDenied(N_("Vai trò của bạn không được phép thực hiện việc này."))
            return view(*args, **kwargs)

        # Read by the OpenAPI document, which documents the 403 of the roles without it.
        wrapped.required_permission = permission
        return wrapped

    return decorator


def wants_json() -> bool:
    """API callers (and fetch() clients asking for JSON) get JSON errors; browsers get pages."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )
