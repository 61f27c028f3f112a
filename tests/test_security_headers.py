"""Security headers on every answer (app/headers.py, Flask-Talisman): the Content-Security-Policy,
no framing, no sniffing, the referrer policy, ``Cache-Control: no-store`` on everything that may
carry personal data (pages, JSON, PDFs, exports, errors) while static files stay cacheable; in
production HTTPS only, HSTS and the ``__Host-`` session cookie. The browser tests check that the
pages draw under the policy (tests/browser/test_content_security_policy.py)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from app import create_app
from app.headers import CONTENT_SECURITY_POLICY
from config import ProductionConfig
from tests.api.case_api import Api
from tests.conftest import csrf_token_from
from tests.factories import PASSWORD, make_accident, make_user

pytestmark = pytest.mark.usefixtures("declaration_day")


def directives(header: str) -> dict[str, set[str]]:
    """``Content-Security-Policy`` as {directive: {sources}}."""
    parsed = {}
    for part in header.split(";"):
        name, *sources = part.split()
        parsed[name] = set(sources)
    return parsed


def assert_hardened(response) -> None:
    """The headers every answer carries."""
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["default-src"] == {"'self'"}
    assert policy["script-src"] == {"'self'"}
    assert policy["object-src"] == {"'none'"} and policy["base-uri"] == {"'none'"}
    assert policy["form-action"] == {"'self'"}
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # not in development or tests


def assert_not_stored(response) -> None:
    assert response.headers["Cache-Control"] == "no-store"


@pytest.fixture
def world(app):
    reporter = make_user("enterprise", username="hoa")
    make_user("inspector", username="thanh")
    case = make_accident(reporter, ("death",))
    return {"id": case.id, "inspector": make_user("inspector")}


def test_the_policy_is_strict_on_every_page(client):
    response = client.get("/login")
    assert response.status_code == 200  # plain HTTP is served, not redirected, outside production
    assert_hardened(response)
    assert_not_stored(response)
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["frame-ancestors"] == {"'none'"} and policy["style-src"] == {"'self'"}
    assert response.headers["X-Frame-Options"] == "DENY"
    every_source = set().union(*policy.values())
    assert not every_source & {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "https:"}
    assert directives(response.headers["Content-Security-Policy"]) == {
        name: set(value.split()) for name, value in CONTENT_SECURITY_POLICY.items()
    }


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/cases/",
        "/cases/{id}",
        "/cases/{id}/papers/declaration.pdf",
        "/tasks/",
        "/notifications/",
        "/statistics",
        "/statistics/accidents.csv",
        "/cases/999999",  # an error page
    ],
)
def test_pages_pdfs_and_exports_are_never_stored(world, signed_in, path):
    response = signed_in("thanh").get(path.format(id=world["id"]))
    assert response.status_code in (200, 404), (path, response.status_code)
    assert_hardened(response)
    assert_not_stored(response)


@pytest.mark.parametrize(
    "path",
    [
        "/me",
        "/cases",
        "/cases/{id}",
        "/cases/{id}/events",
        "/cases/{id}/papers/declaration.pdf",
        "/tasks",
        "/statistics/accidents.csv",
        "/cases/999999",
        "/openapi.json",
    ],
)
def test_api_answers_are_never_stored(world, client, path):
    response = Api(client).get(path.format(id=world["id"]), world["inspector"])
    assert response.status_code in (200, 404), (path, response.status_code)
    assert_hardened(response)
    assert_not_stored(response)


def test_a_refused_token_and_a_missing_token_are_not_stored_either(client):
    for response in (
        client.post("/api/v1/tokens", json={"username": "nobody", "password": "x"}),
        client.get("/api/v1/cases"),
    ):
        assert response.status_code == 401
        assert_not_stored(response)


def test_static_files_stay_cacheable(client):
    response = client.get("/static/safecase.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers.get("ETag")  # revalidated, not downloaded again
    response.close()


def test_only_the_diagram_page_may_be_framed_and_use_inline_styles(world, signed_in):
    """The workflow diagram's own page (Mermaid needs inline styles) is framed by the case
    page; it holds only the workflow's diagram."""
    browser = signed_in("thanh")
    case_page = browser.get(f"/cases/{world['id']}").get_data(as_text=True)
    assert '<iframe class="diagram-frame"' in case_page
    assert "/cases/diagram/accident?current=declared" in case_page

    response = browser.get("/cases/diagram/accident?current=declared")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<pre class="mermaid"' in page and "stateDiagram-v2" in page
    assert "class declared current" in page
    assert "vendor/mermaid/mermaid.min.js" in page
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["style-src"] == {"'self'", "'unsafe-inline'"}
    assert policy["script-src"] == {"'self'"}
    assert policy["frame-ancestors"] == {"'self'"}
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert_not_stored(response)


@pytest.mark.parametrize(
    "path", ["/cases/diagram/nothing", "/cases/diagram/accident?current=nowhere"]
)
def test_an_unknown_workflow_or_state_has_no_diagram(world, signed_in, path):
    assert signed_in("thanh").get(path).status_code == 404


def test_the_diagram_page_needs_a_sign_in(client):
    response = client.get("/cases/diagram/accident")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# -- production ------------------------------------------------------------------------------

PRODUCTION_KEYS = (
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_NAME",
    "REMEMBER_COOKIE_SECURE",
    "FORCE_HTTPS",
    "HSTS",
)


def test_production_settings(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1/safecase")
    monkeypatch.delenv("FORCE_HTTPS", raising=False)
    config = create_app(ProductionConfig).config
    assert config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert config["SESSION_COOKIE_SECURE"] is True and config["SESSION_COOKIE_PATH"] is None
    assert config["SESSION_COOKIE_DOMAIN"] is None  # __Host-: no Domain attribute
    assert config["FORCE_HTTPS"] is True and config["HSTS"] is True


@pytest.fixture
def production(app, app_config, monkeypatch):
    """A second app on the test database with production's header and cookie settings (the
    test's own ``app`` keeps its context for the factories)."""
    monkeypatch.setenv("FORCE_HTTPS", "true")
    settings = ProductionConfig.settings()
    return create_app({**app_config, **{key: settings[key] for key in PRODUCTION_KEYS}})


def test_production_redirects_plain_http_to_https(production):
    response = production.test_client().get("/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "https://localhost/login"


class HttpsClient(FlaskClient):
    """A test client whose requests arrive over HTTPS."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", "https://localhost")
        return super().open(*args, **kwargs)


def test_production_sends_hsts_and_the_host_prefixed_session_cookie(production):
    make_user("inspector", username="thanh")
    production.test_client_class = HttpsClient
    client = production.test_client()
    response = client.get("/login")
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=31556926"
    assert_not_stored(response)
    token = csrf_token_from(response.get_data(as_text=True))
    form = {"username": "thanh", "password": PASSWORD, "csrf_token": token, "next": ""}
    # Over HTTPS Flask-WTF also wants a same-origin Referer, which browsers send under
    # Referrer-Policy: same-origin (no-referrer would break every form in production).
    assert client.post("/login", data=form).status_code == 400
    referred = {"Referer": "https://localhost/login"}
    signed = client.post("/login", data=form, headers=referred)
    assert signed.status_code == 302
    [set_cookie] = signed.headers.getlist("Set-Cookie")
    assert set_cookie.startswith("__Host-session=")
    attributes = {part.strip().split("=")[0].lower() for part in set_cookie.split(";")[1:]}
    assert {"secure", "httponly", "path"} <= attributes and "domain" not in attributes
    cookie = client.get_cookie("__Host-session")
    assert cookie.path == "/" and cookie.origin_only and cookie.same_site == "Lax"
    assert client.get_cookie("session") is None
    assert client.get("/").status_code == 200  # the session works under its new name


def test_production_trusts_the_proxys_https(production):
    """Behind a TLS-terminating proxy that says X-Forwarded-Proto: https."""
    response = production.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert "Strict-Transport-Security" in response.headers
