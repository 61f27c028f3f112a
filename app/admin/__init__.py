"""Administration: user accounts, rules tables (base salary, limits, holidays), code lists and
the enterprises' classification, failed jobs."""

from flask import Blueprint

bp = Blueprint("admin", __name__, template_folder="templates")

from app.admin import codes_views, jobs_views, users_views, views  # noqa: E402,F401
