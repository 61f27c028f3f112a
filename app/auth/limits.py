"""The sign-in limits, one definition for the login page and ``POST /api/v1/tokens``.

Two limits of ``LOGIN_RATE_LIMIT`` each (default 10 per minute), both shared by the two ways
in, so a guesser gains nothing by switching between the page and the API: one per client
address and one per username (whatever the address: 15 wrong passwords for one account from
15 addresses are refused after the limit). Only failed attempts (answer 401) count, so someone
who signs in successfully again and again is never blocked; while a limit is reached every
attempt, even with the right password, is refused (429). Each time a limit is reached the
security audit records one ``auth.locked_out`` per limit window (not one per refused attempt,
which a script could repeat without end).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, request
from flask_limiter.util import get_remote_address
from limits import parse

from app.extensions import limiter
from app.services.users import record_lockout

# Limit scopes, shared by the web login and the API token endpoint.
ADDRESS_SCOPE = "sign-in-address"
USERNAME_SCOPE = "sign-in-username"


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def attempted_username() -> str:
    """The username the attempt names: the login form's field, or the API body's ``username``
    (``""`` when there is none, or the body is not a JSON object with a string there)."""
    if request.blueprint == "api":
        try:
            body = request.get_json(silent=True)
        except RecursionError:  # nested too deep to parse: it names no one (the view refuses it)
            body = None
        value = body.get("username") if isinstance(body, dict) else None
    else:
        value = request.form.get("username")
    return value.strip().lower() if isinstance(value, str) else ""


def username_key() -> str:
    return "login-user:" + attempted_username()


def failed(response) -> bool:
    """Only a refused password counts against the limits."""
    return response.status_code == 401


def _breached(which: str) -> Callable:
    def on_breach(request_limit) -> None:
        # One audit event per key and window: test-and-count "1 per <the limit's window>".
        window = parse(login_limit())
        once = type(window)(1, window.multiples)
        if limiter.limiter.hit(once, "sign-in-lockout-audit", request_limit.key):
            channel = "api" if request.blueprint == "api" else "web"
            record_lockout(attempted_username(), channel=channel, limit=which)
        return None

    return on_breach


def sign_in_limits(view: Callable) -> Callable:
    """Decorate a sign-in view (its POSTs) with both limits."""
    view = limiter.shared_limit(
        login_limit,
        scope=USERNAME_SCOPE,
        key_func=username_key,
        methods=["POST"],
        deduct_when=failed,
        on_breach=_breached("username"),
    )(view)
    return limiter.shared_limit(
        login_limit,
        scope=ADDRESS_SCOPE,
        key_func=get_remote_address,
        methods=["POST"],
        deduct_when=failed,
        on_breach=_breached("address"),
    )(view)
