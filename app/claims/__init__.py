"""Claims in the browser: the union officer's and the enterprise's view of every worker's claim."""

from flask import Blueprint

bp = Blueprint("claims", __name__, template_folder="templates")

from app.claims import views  # noqa: E402,F401
