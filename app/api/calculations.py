"""Calculator endpoints of the API (filled in by the claims issue)."""

from app.api import bp  # noqa: F401
