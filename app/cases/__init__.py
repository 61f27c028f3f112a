"""Cases in the browser: list, declaration, case page, actions, documents and papers."""

from flask import Blueprint

bp = Blueprint("cases", __name__, template_folder="templates")

from app.cases import documents, papers, views  # noqa: E402,F401
