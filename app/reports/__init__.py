"""Statutory periodic reports in the browser: the list, the report page, its files."""

from flask import Blueprint

bp = Blueprint("reports", __name__, template_folder="templates")

from app.reports import views  # noqa: E402,F401
