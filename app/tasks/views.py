"""Views of the tasks area (filled in by its issue)."""

from app.tasks import bp  # noqa: F401
