"""Home: who is signed in, with which role and scope; for an inspector the city's situation,
for an enterprise its own (``app/services/dashboards.py``)."""

from flask import redirect, render_template, url_for
from flask_login import current_user, login_required

from app.i18n import english
from app.main import bp
from app.main.navigation import nav_items_for
from app.services import dashboards


@bp.app_context_processor
def inject_navigation():
    def nav_items():
        return nav_items_for(current_user) if current_user.is_authenticated else []

    return {"nav_items": nav_items}


@bp.get("/")
@login_required
def home():
    dashboard = None
    role = current_user.role
    if role == "inspector" or (role == "union" and not current_user.enterprise_id):
        # The city's union federation follows the whole city, as the inspectorate does.
        dashboard = dashboards.city_dashboard(current_user, "en" if english() else "vi")
    elif (role == "enterprise" and current_user.enterprise_id) or (
        role == "commune" and current_user.commune_code
    ):
        dashboard = dashboards.enterprise_dashboard(current_user)
    return render_template("main/home.html", user=current_user, dashboard=dashboard)


@bp.get("/healthz")
def health():
    return {"status": "ok"}


@bp.get("/favicon.ico")
def favicon():
    """Browsers and tools that ask for /favicon.ico before reading the page's icon link."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)
