"""Views of the calculations area (filled in by its issue)."""

from app.calculations import bp  # noqa: F401
