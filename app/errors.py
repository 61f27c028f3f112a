"""Domain exceptions raised by services and mapped to HTTP answers in one place.

Services never build responses; views and the API catch nothing themselves — the
handlers registered by ``register_error_handlers`` turn these into flash + redirect
for HTML and ``{"error": ..., "errors": ...}`` JSON for the API. Messages are Vietnamese,
marked with ``app.i18n.N_`` so the web UI can show them in the user's language (the API
keeps the Vietnamese text).
"""

from __future__ import annotations

from app.i18n import N_


class SafeCaseError(Exception):
    """Base of every domain error; ``status`` is the HTTP status it maps to."""

    status = 400

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class ValidationFailed(SafeCaseError):
    """Input is invalid; ``errors`` maps field paths to messages. Nothing was changed."""

    status = 422

    def __init__(self, errors: dict[str, list[str]], message: str = N_("Dữ liệu không hợp lệ.")):
        super().__init__(message, errors)


class NotAuthenticated(SafeCaseError):
    status = 401


class PermissionDenied(SafeCaseError):
    """Authenticated but the role or scope does not allow this."""

    status = 403


class NotFound(SafeCaseError):
    """Missing, or not visible to the caller (the two are indistinguishable on purpose)."""

    status = 404


class Conflict(SafeCaseError):
    """The caller's version is stale, or the action is not allowed in the current state."""

    status = 409


class StaleVersion(Conflict):
    pass


class TransitionNotAllowed(Conflict):
    pass
