"""Views of the admin area (filled in by its issue)."""

from app.admin import bp  # noqa: F401
