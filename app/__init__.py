"""SafeCase application factory: wiring only (no queries, no network, no migrations)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from flask import Flask, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from app import inputs, logs
from app.errors import NotAuthenticated, SafeCaseError
from app.extensions import babel, csrf, db, limiter, login_manager, migrate
from app.forms import handle_csrf_error
from app.i18n import N_, localize, localize_errors
from app.permissions import wants_json
from config import Config, config_for_environment

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def create_app(config: type[Config] | Mapping | None = None) -> Flask:
    """Build the app from a config class (default: from SAFECASE_ENV) or a test mapping.

    A mapping is applied over the testing defaults, as in the Flask tutorial.
    """
    from config import TestingConfig

    app = Flask(__name__, instance_path=None)
    if config is None:
        config = config_for_environment()
    if isinstance(config, Mapping):
        settings = TestingConfig.settings()
        settings.update(config)
        config_cls: type[Config] = TestingConfig
    else:
        settings = config.settings()
        config_cls = config
    config_cls.check(settings)
    app.config.from_mapping(settings)
    logs.init_app(app)
    app.json.ensure_ascii = False  # Vietnamese stays readable in API answers
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///") :]).parent.mkdir(
            parents=True, exist_ok=True
        )

    init_extensions(app)
    inputs.init_app(app)  # before the blueprints: their routes use its ``int`` converter
    register_blueprints(app)
    register_error_handlers(app)
    register_template_helpers(app)

    from app import cli, jobs

    jobs.init_app(app)
    cli.init_app(app)
    return app


def select_locale() -> str:
    chosen = session.get("lang")
    if chosen in ("vi", "en"):
        return chosen
    if current_user and current_user.is_authenticated:
        return current_user.locale or "vi"
    return "vi"


def init_extensions(app: Flask) -> None:
    from app import headers, models  # noqa: F401  (models: register every table)
    from app.db_events import init_app as init_db_events

    db.init_app(app)
    init_db_events(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    headers.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = N_("Vui lòng đăng nhập để tiếp tục.")
    login_manager.localize_callback = localize  # flashed in the user's language
    login_manager.session_protection = "basic"

    from app.services.users import load_session_user

    login_manager.user_loader(load_session_user)


def register_blueprints(app: Flask) -> None:
    from app import (
        admin,
        calculations,
        cases,
        claims,
        help,
        notifications,
        reports,
        statistics,
        tasks,
        tracker,
    )
    from app.api import bp as api_bp
    from app.auth import bp as auth_bp
    from app.main import bp as main_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(cases.bp, url_prefix="/cases")
    app.register_blueprint(claims.bp, url_prefix="/claims")
    app.register_blueprint(calculations.bp, url_prefix="/calculations")
    app.register_blueprint(notifications.bp, url_prefix="/notifications")
    app.register_blueprint(tasks.bp, url_prefix="/tasks")
    app.register_blueprint(reports.bp, url_prefix="/reports")
    app.register_blueprint(statistics.bp, url_prefix="/statistics")
    app.register_blueprint(tracker.bp, url_prefix="/statistics")
    app.register_blueprint(admin.bp, url_prefix="/admin")
    app.register_blueprint(help.bp, url_prefix="/help")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    csrf.exempt(api_bp)  # the API authenticates with bearer tokens, never with cookies


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(SafeCaseError)
    def handle_domain_error(error: SafeCaseError):
        db.session.rollback()
        if wants_json():
            body = {"error": error.message}
            if error.errors:
                body["errors"] = error.errors
            return jsonify(body), error.status
        if isinstance(error, NotAuthenticated):
            return redirect(url_for("auth.login", next=request.full_path))
        return (
            render_template(
                "error.html",
                error=error,
                message=localize(error.message),
                errors=localize_errors(error.errors),
            ),
            error.status,
        )

    app.register_error_handler(CSRFError, handle_csrf_error)

    @app.errorhandler(404)
    def handle_404(error):
        if wants_json():
            return jsonify({"error": "Không tìm thấy."}), 404
        return render_template("error.html", error=error, message=_("Không tìm thấy trang.")), 404

    @app.errorhandler(405)
    def handle_405(error):
        # RFC 9110 §15.5.6: a 405 names the methods the resource does support.
        allowed = {"Allow": ", ".join(sorted(error.valid_methods or ()))}
        if wants_json():
            return jsonify({"error": "Method not allowed."}), 405, allowed
        message = _("Trang này không nhận yêu cầu kiểu này.")
        return render_template("error.html", error=error, message=message), 405, allowed

    @app.errorhandler(429)
    def handle_429(error):
        message = N_("Quá nhiều lần thử. Vui lòng đợi một phút rồi thử lại.")
        if wants_json():
            return jsonify({"error": message}), 429
        return render_template("auth/login.html", form=None, rate_limited=localize(message)), 429

    @app.errorhandler(500)
    def handle_500(error):
        db.session.rollback()
        if wants_json():
            return jsonify({"error": "Lỗi hệ thống."}), 500
        return render_template("error.html", error=error, message=_("Lỗi hệ thống.")), 500


def register_template_helpers(app: Flask) -> None:
    from app import formatting

    formatting.init_app(app)
