"""City statistics pages: the filter form, the figures, their XLSX / CSV files and the
progress page of a background export."""

from flask import Blueprint

bp = Blueprint("statistics", __name__, template_folder="templates")

from app.statistics import views  # noqa: E402,F401
