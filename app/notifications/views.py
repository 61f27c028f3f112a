"""Views of the notifications area (filled in by its issue)."""

from app.notifications import bp  # noqa: F401
