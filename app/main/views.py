"""Home: who is signed in, with which role and scope."""

from flask import render_template
from flask_login import current_user, login_required

from app.main import bp
from app.main.navigation import nav_items_for


@bp.app_context_processor
def inject_navigation():
    def nav_items():
        return nav_items_for(current_user) if current_user.is_authenticated else []

    return {"nav_items": nav_items}


@bp.get("/")
@login_required
def home():
    return render_template("main/home.html", user=current_user)


@bp.get("/healthz")
def health():
    return {"status": "ok"}
