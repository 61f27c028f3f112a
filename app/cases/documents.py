"""Case documents routes (filled in by the accident issue)."""

from app.cases import bp  # noqa: F401
