"""Views of the cases area (filled in by its issue)."""

from app.cases import bp  # noqa: F401
