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

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "enterprise": frozenset(
        {"cases.view", "cases.declare", "cases.act", "tasks.view", "calculations.use"}
    ),
    "inspector": frozenset({"cases.view", "cases.act", "tasks.view", "calculations.use"}),
    "union": frozenset({"cases.view", "cases.act", "tasks.view", "calculations.use"}),
    "commune": frozenset(
        {"cases.view", "cases.declare", "cases.act", "tasks.view", "calculations.use"}
    ),
    "insurance": frozenset({"cases.view", "cases.act", "tasks.view", "calculations.use"}),
    # The administrator manages people and rules tables; no case content by default.
    "admin": frozenset({"admin.users", "admin.rules", "admin.jobs", "calculations.use"}),
}


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
