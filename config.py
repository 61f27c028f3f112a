"""Configuration for SafeCase, read from the environment in one place.

Three shapes share one set of keys: development (no settings: SQLite under
``instance/`` and jobs run in-process after commit), testing (the same, unless
``DATABASE_URL`` / ``REDIS_URL`` point at real servers, as CI does) and
production (PostgreSQL + Redis + RQ workers; refuses to start without a real
``SECRET_KEY`` and ``DATABASE_URL``). Only this module reads ``os.environ``.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str | None = None) -> str | None:
    """A string setting; an empty value counts as unset."""
    value = os.environ.get(name, "").strip()
    return value or default


def env_int(name: str, default: int) -> int:
    raw = env_str(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be a whole number, got {raw!r}") from exc


def env_bool(name: str, default: bool) -> bool:
    raw = env_str(name)
    if raw is None:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise RuntimeError(f"{name} must be true or false, got {raw!r}")


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs (SQLAlchemy defaults to psycopg2)."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


MAIL_SECURITY_CHOICES = ("none", "starttls", "ssl")
EMAIL_JOBS_CHOICES = ("per_notice", "per_notification")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class Config:
    """Settings common to every shape, read from the environment when ``settings()`` is called.

    Reading happens at call time (inside ``create_app``), never at import, so tests and
    tools can set the environment first (redash's import-time settings are the pitfall).
    """

    name = "base"

    @classmethod
    def settings(cls) -> dict:
        instance_dir = Path(env_str("SAFECASE_INSTANCE_DIR", str(BASE_DIR / "instance")))
        redis_url = env_str("REDIS_URL")
        return {
            # Instance folder: the embedded SQLite file and default uploads (never committed).
            "INSTANCE_DIR": str(instance_dir),
            # Signs sessions and CSRF tokens; only development has a throwaway default.
            "SECRET_KEY": env_str("SECRET_KEY"),
            # Database: PostgreSQL in production, an SQLite file under instance/ by default.
            "SQLALCHEMY_DATABASE_URI": normalise_database_url(
                env_str("DATABASE_URL", f"sqlite:///{instance_dir / 'safecase.db'}")
            ),
            # Check pooled connections before use (PostgreSQL restarts, idle timeouts).
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
            # Redis: when set, jobs go to RQ queues and rate limits are shared across workers.
            "REDIS_URL": redis_url,
            # Run jobs in-process after commit when there is no Redis (embedded shape).
            "JOBS_INLINE": redis_url is None,
            # Province code used in case codes such as HP-2026-A000123.
            "SAFECASE_PROVINCE": env_str("SAFECASE_PROVINCE", "HP"),
            # Where uploaded documents are stored under server-made names.
            "UPLOAD_DIR": env_str("UPLOAD_DIR", str(instance_dir / "uploads")),
            # Where background statistics exports are built and kept for their requester.
            "EXPORT_DIR": env_str("EXPORT_DIR", str(instance_dir / "exports")),
            # Largest request body accepted: one 20 MB document plus form overhead (a JSON body
            # has its own, smaller limit: workflows.inputs.JSON_MAX_BYTES).
            "MAX_CONTENT_LENGTH": 21 * 1024 * 1024,
            # Largest text part of a multipart form (bytes; the upload forms): a hundred times
            # any text's limit (workflows.inputs.TEXT_MAX); beyond it the answer is 413.
            "MAX_FORM_MEMORY_SIZE": 500_000,
            # SMTP for email notifications; no MAIL_SERVER means in-app notifications only.
            "MAIL_SERVER": env_str("MAIL_SERVER"),
            # SMTP port on MAIL_SERVER.
            "MAIL_PORT": env_int("MAIL_PORT", 25),
            # From address of notification emails.
            "MAIL_SENDER": env_str("MAIL_SENDER", "SafeCase <no-reply@safecase.local>"),
            # How the SMTP connection is protected: "none" (a local relay), "starttls"
            # (upgrade after connecting, usually port 587) or "ssl" (TLS from the start, 465).
            "MAIL_SECURITY": env_str("MAIL_SECURITY", "none"),
            # SMTP login, when the server asks for one (sent only over starttls or ssl in
            # production).
            "MAIL_USERNAME": env_str("MAIL_USERNAME"),
            "MAIL_PASSWORD": env_str("MAIL_PASSWORD"),
            # CA certificates (PEM) to trust for the SMTP server besides the system's, e.g. a
            # city's internal CA; the server's certificate and name are always verified.
            "MAIL_CA_FILE": env_str("MAIL_CA_FILE"),
            # How notification emails are queued: "per_notice" (one job per notice sending all
            # its recipients' emails over one SMTP connection) or "per_notification" (one job
            # per email); app.jobs.notifications.
            "EMAIL_JOBS": env_str("EMAIL_JOBS", "per_notice"),
            # Lifetime of an API bearer token.
            "API_TOKEN_TTL": timedelta(hours=env_int("API_TOKEN_TTL_HOURS", 12)),
            # Failed sign-in attempts allowed per client address and, separately, per username,
            # on the login page and POST /api/v1/tokens together (Flask-Limiter syntax).
            "LOGIN_RATE_LIMIT": env_str("LOGIN_RATE_LIMIT", "10 per minute"),
            # Level of the application log (JSON lines on stderr, app/logs.py).
            "LOG_LEVEL": env_str("LOG_LEVEL", "INFO").upper(),
            # Session cookies: not readable by scripts, not sent on cross-site POSTs.
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            # Secure (HTTPS-only) cookies; production switches this on.
            "SESSION_COOKIE_SECURE": False,
            # The session cookie's name; production uses the __Host- prefix (Secure, path /,
            # no Domain: no other host under the domain can set or read it).
            "SESSION_COOKIE_NAME": "session",
            "REMEMBER_COOKIE_HTTPONLY": True,
            "REMEMBER_COOKIE_SAMESITE": "Lax",
            "REMEMBER_COOKIE_SECURE": False,
            # How long a browser session lasts.
            "PERMANENT_SESSION_LIFETIME": timedelta(hours=env_int("SESSION_HOURS", 8)),
            # Redirect plain HTTP to HTTPS (behind a proxy: when X-Forwarded-Proto is not
            # https); production only, development and the tests serve plain HTTP.
            "FORCE_HTTPS": False,
            # Strict-Transport-Security on HTTPS answers (one year); production only.
            "HSTS": False,
            # Languages: Vietnamese first, English second.
            "BABEL_DEFAULT_LOCALE": "vi",
            "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
            "LANGUAGES": ("vi", "en"),
            # CSRF tokens live as long as the session.
            "WTF_CSRF_TIME_LIMIT": None,
            "TESTING": False,
            "DEBUG": False,
        }

    @classmethod
    def check(cls, settings: dict) -> None:
        """Fail fast on settings that cannot work; production is stricter."""
        level = settings.get("LOG_LEVEL")
        if level not in LOG_LEVELS:
            raise RuntimeError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {level!r}")
        security = settings.get("MAIL_SECURITY") or "none"
        if security not in MAIL_SECURITY_CHOICES:
            choices = ", ".join(MAIL_SECURITY_CHOICES)
            raise RuntimeError(f"MAIL_SECURITY must be one of {choices}, got {security!r}")
        if bool(settings.get("MAIL_USERNAME")) != bool(settings.get("MAIL_PASSWORD")):
            raise RuntimeError("MAIL_USERNAME and MAIL_PASSWORD go together: set both or neither")
        email_jobs = settings.get("EMAIL_JOBS") or "per_notice"
        if email_jobs not in EMAIL_JOBS_CHOICES:
            choices = ", ".join(EMAIL_JOBS_CHOICES)
            raise RuntimeError(f"EMAIL_JOBS must be one of {choices}, got {email_jobs!r}")


class DevelopmentConfig(Config):
    """No settings: SQLite under instance/, jobs in-process, a throwaway secret key."""

    name = "development"

    @classmethod
    def settings(cls) -> dict:
        values = super().settings()
        values["SECRET_KEY"] = values["SECRET_KEY"] or "dev-only-not-secret"
        values["DEBUG"] = env_bool("FLASK_DEBUG", False)
        return values


class TestingConfig(Config):
    """The test suite: SQLite unless DATABASE_URL is set, jobs inline unless REDIS_URL is set."""

    name = "testing"

    @classmethod
    def settings(cls) -> dict:
        values = super().settings()
        values.update(
            TESTING=True,
            SECRET_KEY="testing-secret-key",
            # CSRF stays on; test helpers read the token from the page like a browser does.
            WTF_CSRF_ENABLED=True,
            LOGIN_RATE_LIMIT="5 per minute",
            # No outbound mail unless a test starts its own SMTP server on loopback.
            MAIL_SERVER=None,
        )
        return values


class ProductionConfig(Config):
    """PostgreSQL, Redis and RQ workers behind gunicorn."""

    name = "production"

    @classmethod
    def settings(cls) -> dict:
        values = super().settings()
        values.update(
            SESSION_COOKIE_SECURE=True,
            SESSION_COOKIE_NAME="__Host-session",
            REMEMBER_COOKIE_SECURE=True,
            # FORCE_HTTPS=false only where the proxy in front terminates TLS and cannot send
            # X-Forwarded-Proto: https (every request would otherwise be redirected).
            FORCE_HTTPS=env_bool("FORCE_HTTPS", True),
            HSTS=True,
        )
        return values

    @classmethod
    def check(cls, settings: dict) -> None:
        missing = []
        if not settings.get("SECRET_KEY"):
            missing.append("SECRET_KEY")
        if env_str("DATABASE_URL") is None:
            missing.append("DATABASE_URL")
        if missing:
            raise RuntimeError(
                "Production needs these settings: " + ", ".join(missing) + " (see README)"
            )
        if len(settings["SECRET_KEY"]) < 32:
            raise RuntimeError("SECRET_KEY must be at least 32 random characters in production")
        if settings.get("LOG_LEVEL") in ("WARNING", "ERROR"):
            # Security events and job retries are logged at INFO; production keeps them.
            raise RuntimeError("LOG_LEVEL must be INFO (or DEBUG) in production")
        if settings.get("MAIL_PASSWORD") and settings.get("MAIL_SECURITY", "none") == "none":
            raise RuntimeError(
                "MAIL_PASSWORD would be sent in clear text: set MAIL_SECURITY to starttls or ssl"
            )
        super().check(settings)


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for_environment() -> type[Config]:
    """The config class named by SAFECASE_ENV (default development)."""
    name = env_str("SAFECASE_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError as exc:
        choices = ", ".join(CONFIGS)
        raise RuntimeError(f"SAFECASE_ENV must be one of {choices}, got {name!r}") from exc
