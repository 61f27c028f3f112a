"""Help in the browser: one short page per role — what to do, the legal limits that apply (read
from the rules table, so they always show what is in force) and where the forms are."""

from flask import Blueprint

bp = Blueprint("help", __name__, template_folder="templates")

from app.help import views  # noqa: E402,F401
