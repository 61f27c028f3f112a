"""The compensation and insurance calculators (web page and API)."""

from flask import Blueprint

bp = Blueprint("calculations", __name__, template_folder="templates")

from app.calculations import views  # noqa: E402,F401
