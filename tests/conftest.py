"""Fixtures shared by the whole suite (flaskr style): app, db, client, runner, login.

The suite runs in two shapes. Embedded (no settings): each test gets a copy of an
SQLite file migrated once per session. Production-shaped (DATABASE_URL): the schema
is migrated once on the given PostgreSQL database and every table is truncated
between tests. REDIS_URL, when set, makes jobs go through RQ.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient
from hypothesis import settings
from sqlalchemy import text

from app import clock, create_app
from app.extensions import db, limiter
from tests.factories import NOW, PASSWORD, make_commune, make_enterprise, make_user

# Property tests check rules, not speed: Hypothesis's default 200 ms deadline per example is a
# timed assertion that fails on a busy machine (CI shares two CPUs), so it is off.
settings.register_profile("safecase", deadline=None)
settings.load_profile("safecase")

DATABASE_URL = os.environ.get("DATABASE_URL")
REDIS_URL = os.environ.get("REDIS_URL")
POSTGRES = bool(DATABASE_URL and DATABASE_URL.startswith("postgres"))


def _migrate(app) -> None:
    """Migrate, then load the shipped code lists, as ``make run`` does (``make migrate``)."""
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        _load_codes()


def _load_codes() -> None:
    from app.services.codes import load_defaults

    load_defaults()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory) -> str | None:
    """Migrate once per session: an SQLite template file, or the PostgreSQL schema."""
    if POSTGRES:
        app = create_app({"SQLALCHEMY_DATABASE_URI": _pg_url()})
        with app.app_context():
            db.session.execute(text("DROP SCHEMA public CASCADE"))
            db.session.execute(text("CREATE SCHEMA public"))
            db.session.commit()
            db.engine.dispose()
        _migrate(app)
        with app.app_context():
            db.engine.dispose()
        return None
    path = tmp_path_factory.mktemp("template") / "template.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    _migrate(app)
    with app.app_context():
        db.engine.dispose()
    return str(path)


def _pg_url() -> str:
    from config import normalise_database_url

    return normalise_database_url(DATABASE_URL)


def _truncate_all() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    db.session.execute(text(f"TRUNCATE {', '.join(map(_quote, tables))} RESTART IDENTITY CASCADE"))
    db.session.commit()
    _load_codes()  # the next test starts from the shipped lists, as after migrating


def _quote(name: str) -> str:
    return f'"{name}"'


@pytest.fixture
def app_config(tmp_path, database_template) -> dict:
    """Settings for one test's app; tests may add keys before asking for ``app``."""
    if POSTGRES:
        uri = _pg_url()
    else:
        path = tmp_path / "safecase.db"
        shutil.copyfile(database_template, path)
        uri = f"sqlite:///{path}"
    return {
        "SQLALCHEMY_DATABASE_URI": uri,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "EXPORT_DIR": str(tmp_path / "exports"),
        "REDIS_URL": REDIS_URL,
        "JOBS_INLINE": REDIS_URL is None,
        "SAFECASE_INSTANCE_DIR": str(tmp_path),
    }


class IsolatedClient(FlaskClient):
    """A test client whose requests run in their own app context, as in production.

    The ``app`` fixture keeps an app context open for factories and assertions. Flask
    would reuse it for requests, sharing ``g`` (CSRF token cache, API user) and the
    database session between requests. Each request here gets a fresh context; the
    test's own session is committed before and expired after, so it sees what the
    request wrote.
    """

    def open(self, *args, **kwargs):
        db.session.commit()
        outer = _cv_app.get(None)
        token = _cv_app.set(None) if outer is not None else None
        try:
            return super().open(*args, **kwargs)
        finally:
            if token is not None:
                _cv_app.reset(token)
            db.session.expire_all()


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        limiter.reset()  # counters live in Redis in CI: start every test from zero
    with app.app_context():
        yield app
        db.session.remove()
        if POSTGRES:
            _truncate_all()
        db.engine.dispose()


@pytest.fixture
def frozen():
    """``frozen(at)`` freezes the clock at ``at`` (aware); it is always unfrozen after the test."""
    yield clock.freeze
    clock.freeze(None)


@pytest.fixture
def declaration_day(frozen):
    """The clock stands at ``factories.NOW`` (10:00 on 20/11/2026 in Vietnam), the day the
    factories' declarations are made; ``frozen(at)`` moves it. Returns NOW."""
    frozen(NOW)
    return NOW


@pytest.fixture
def crash_after_notices(monkeypatch):
    """``crash_after_notices(check=None)``: from then on the engine writes a transition's
    notices (its outbox rows are flushed into the transaction), runs ``check()`` and then
    raises ``RuntimeError`` — a move that fails after its side effects were written."""
    from app.services import workflow_engine

    real_write_notices = workflow_engine.write_notices

    def arm(check=None):
        def write_then_fail(*args, **kwargs):
            real_write_notices(*args, **kwargs)
            if check is not None:
                check()
            raise RuntimeError("crash after the notices were written")

        monkeypatch.setattr(workflow_engine, "write_notices", write_then_fail)

    return arm


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


@contextmanager
def serving(app_config: dict) -> Iterator[str]:
    """A second app instance (same database) on a free loopback port, served by a threaded
    WSGI server as in production: each request has its own thread and connection, and sees
    what the test committed. Yields ``127.0.0.1:PORT``."""
    from werkzeug.serving import make_server

    server_app = create_app(app_config)
    server = make_server("127.0.0.1", 0, server_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with server_app.app_context():
            db.engine.dispose()


def csrf_token_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def post_login(client, username: str, password: str = PASSWORD, next_url: str = ""):
    """Sign ``client`` in through the real login form; returns the form POST's response."""
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": next_url},
    )


@pytest.fixture
def login(client):
    """``login(username, password, next_url)`` signs the test client in through the real form."""

    def do_login(username: str, password: str = PASSWORD, next_url: str = ""):
        return post_login(client, username, password, next_url)

    return do_login


@pytest.fixture
def signed_in(app):
    """``signed_in(username)`` → a fresh test client signed in through the login form."""

    def sign_in(username: str):
        client = app.test_client()
        assert post_login(client, username).status_code == 302
        return client

    return sign_in


@pytest.fixture
def api_token(client):
    """``api_token(username, password)`` → a bearer token from POST /api/v1/tokens."""

    def issue(username: str, password: str = "correct-horse-1") -> str:
        response = client.post("/api/v1/tokens", json={"username": username, "password": password})
        assert response.status_code == 201, response.get_json()
        return response.get_json()["token"]

    return issue


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL (CI does)")
    skip_redis = pytest.mark.skip(reason="needs Redis: set REDIS_URL (CI does)")
    for item in items:
        if "postgres" in item.keywords and not POSTGRES:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not REDIS_URL:
            item.add_marker(skip_redis)


ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def tenants(app):
    """Enterprise A in commune X and enterprise B in commune Y, each with its officer and
    grassroots union; the city union, both communes' officers, an inspector, an insurance
    officer and an admin."""
    x, y = make_commune(), make_commune()
    a, b = make_enterprise(x), make_enterprise(y)
    return SimpleNamespace(
        x=x,
        y=y,
        a=a,
        b=b,
        ent_a=make_user("enterprise", enterprise=a),
        ent_b=make_user("enterprise", enterprise=b),
        union_a=make_user("union", enterprise=a),
        union_b=make_user("union", enterprise=b),
        city_union=make_user("union"),
        comm_x=make_user("commune", commune=x),
        comm_y=make_user("commune", commune=y),
        insp=make_user("inspector"),
        insurance=make_user("insurance"),
        admin=make_user("admin"),
    )
