"""Administration: user accounts, rules tables (base salary, limits, holidays), code lists and
the enterprises' classification, failed jobs, the security audit."""

from flask import Blueprint

bp = Blueprint("admin", __name__, template_folder="templates")

from app.admin import (  # noqa: E402,F401
    codes_views,
    jobs_views,
    security_views,
    users_views,
    views,
)
