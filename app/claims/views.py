"""Views of the claims area (filled in by its issue)."""

from app.claims import bp  # noqa: F401
