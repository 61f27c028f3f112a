"""The directive tracker and process analytics pages, under ``/statistics`` beside the city
statistics (``/statistics/targets``, ``/statistics/process``)."""

from flask import Blueprint

bp = Blueprint("tracker", __name__, template_folder="templates")

from app.tracker import views  # noqa: E402,F401
