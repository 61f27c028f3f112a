"""Security headers of every response, through Flask-Talisman, and what may be cached.

- **Content-Security-Policy** (``CONTENT_SECURITY_POLICY``): scripts, styles, images, fonts
  and connections from this site only, no inline script, no ``eval``, no plug-ins, no
  ``<base>``, forms post here only, and no page may be framed (``frame-ancestors 'none'``, with
  ``X-Frame-Options: DENY`` for older browsers). The templates have no inline script or style,
  and Chart.js (statistics pages, dashboards) draws under it. One page differs
  (``drawing_frame``): Mermaid cannot draw without inline styles (it writes a ``<style>``
  element and ``style`` attributes into the page as it lays the diagram out), so the case
  page shows the workflow diagram in a same-origin frame whose page holds nothing but the
  diagram of a workflow definition — no personal data, nothing a user typed — and only that
  page allows inline styles and being framed by this site.
- ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin`` (case ids in URLs never
  leave the site, and Flask-WTF's HTTPS Referer check still sees same-origin referrers), a
  ``Permissions-Policy`` that turns off what the app never uses.
- **HTTPS** (production only, ``FORCE_HTTPS`` and ``HSTS`` in config.py): plain-HTTP requests
  are redirected and ``Strict-Transport-Security`` is sent on HTTPS answers; development and
  the tests serve plain HTTP.
- **Cache-Control: no-store** on every answer that is not a static file: pages, JSON, PDFs,
  exports and downloads carry personal data and must not stay in a browser's or a proxy's
  cache. Static files (``/static/…``) keep Flask's revalidated caching.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_talisman import Talisman

SELF = "'self'"
CONTENT_SECURITY_POLICY = {
    "default-src": SELF,
    "script-src": SELF,
    "style-src": SELF,
    "img-src": SELF,
    "font-src": SELF,
    "connect-src": SELF,
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": SELF,
    "frame-ancestors": "'none'",
}
# The workflow diagram's own page (``cases.diagram``): inline styles for Mermaid, framed by
# the case page; scripts stay as strict as everywhere.
DRAWING_POLICY = {
    **CONTENT_SECURITY_POLICY,
    "style-src": f"{SELF} 'unsafe-inline'",
    "frame-ancestors": SELF,
}
# Browser features the app never uses, refused for every page.
PERMISSIONS_POLICY = {
    "browsing-topics": "()",
    "camera": "()",
    "microphone": "()",
    "geolocation": "()",
    "payment": "()",
}
NO_STORE = "no-store"


def init_app(app: Flask) -> None:
    """Wire Talisman with the app's settings and the ``no-store`` rule (wiring only).

    One Talisman per app, kept in ``app.extensions``: Talisman keeps its options and its app
    on the instance, so a shared unbound one (the usual extension pattern) would give every app
    in a process (the tests build many) the settings of the last one built.
    """
    app.extensions["talisman"] = Talisman(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["HSTS"],
        # Not includeSubDomains: other services of the city may share the parent domain.
        strict_transport_security_include_subdomains=False,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
        permissions_policy=PERMISSIONS_POLICY,
        # Talisman would otherwise overwrite the cookie settings of config.py.
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=app.config["SESSION_COOKIE_HTTPONLY"],
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
    )
    app.after_request(forbid_storing)


def forbid_storing(response: Response) -> Response:
    """``Cache-Control: no-store`` on everything but static files."""
    if request.endpoint != "static":
        response.headers["Cache-Control"] = NO_STORE
    return response


# Decorates the diagram view (right under the route decorator): Talisman reads per-view options
# from the registered view function, and any instance's decorator writes them.
drawing_frame = Talisman()(content_security_policy=DRAWING_POLICY, frame_options="SAMEORIGIN")
