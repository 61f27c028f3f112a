"""Sign-in, sign-out, password change and the language switch."""

from flask import Blueprint

bp = Blueprint("auth", __name__, template_folder="templates")

from app.auth import views  # noqa: E402,F401  (routes register on import)
