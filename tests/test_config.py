"""The factory and the configuration shapes."""

import pytest

from app import create_app
from config import DevelopmentConfig, ProductionConfig, TestingConfig, normalise_database_url


def test_development_defaults_to_sqlite_under_instance(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("SAFECASE_INSTANCE_DIR", str(tmp_path / "instance"))
    settings = DevelopmentConfig.settings()
    assert (
        settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'instance' / 'safecase.db'}"
    )
    assert settings["JOBS_INLINE"] is True
    assert settings["SECRET_KEY"]


def test_testing_config_keeps_csrf_on():
    assert TestingConfig.settings()["WTF_CSRF_ENABLED"] is True


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1/safecase")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_refuses_to_start_without_database_url(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        create_app(ProductionConfig)


def test_production_refuses_a_short_secret_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "short")
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1/safecase")
    with pytest.raises(RuntimeError, match="32"):
        create_app(ProductionConfig)


def test_production_cookies_are_secure(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1/safecase")
    app = create_app(ProductionConfig)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


def test_unknown_environment_name_is_refused(monkeypatch):
    monkeypatch.setenv("SAFECASE_ENV", "staging")
    with pytest.raises(RuntimeError, match="SAFECASE_ENV"):
        create_app()


def test_postgres_urls_use_psycopg3():
    assert normalise_database_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_factory_accepts_a_mapping_over_testing_defaults(app_config):
    app = create_app({**app_config, "SAFECASE_PROVINCE": "HN"})
    assert app.config["TESTING"] is True
    assert app.config["SAFECASE_PROVINCE"] == "HN"


def test_an_unknown_mail_security_refuses_to_start():
    with pytest.raises(RuntimeError, match="MAIL_SECURITY must be one of none, starttls, ssl"):
        create_app({"MAIL_SECURITY": "tls"})


def test_a_mail_login_needs_both_username_and_password():
    with pytest.raises(RuntimeError, match="MAIL_USERNAME and MAIL_PASSWORD"):
        create_app({"MAIL_USERNAME": "safecase"})


def test_production_refuses_to_send_a_mail_password_in_clear(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1/safecase")
    monkeypatch.setenv("MAIL_USERNAME", "safecase")
    monkeypatch.setenv("MAIL_PASSWORD", "mail-secret-1")
    monkeypatch.delenv("MAIL_SECURITY", raising=False)
    with pytest.raises(RuntimeError, match="clear text"):
        create_app(ProductionConfig)
    monkeypatch.setenv("MAIL_SECURITY", "starttls")
    ProductionConfig.check(ProductionConfig.settings())  # over TLS it is accepted


def test_production_keeps_info_logs_as_json_lines(monkeypatch, capsys):
    """INFO lines (security events, job retries) were dropped by Python's default WARNING."""
    import json
    import logging

    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1/safecase")
    monkeypatch.delenv("LOG_LEVEL", raising=False)
    app = create_app(ProductionConfig)
    assert app.config["LOG_LEVEL"] == "INFO"
    capsys.readouterr()
    logging.getLogger("app.services.users").info("kept", extra={"who": "qt1"})
    (line,) = capsys.readouterr().err.splitlines()
    assert json.loads(line) | {"ts": None} == {
        "ts": None,
        "level": "INFO",
        "logger": "app.services.users",
        "msg": "kept",
        "who": "qt1",
    }


def test_production_refuses_to_drop_info_logs(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1/safecase")
    monkeypatch.setenv("LOG_LEVEL", "warning")
    with pytest.raises(RuntimeError, match="LOG_LEVEL must be INFO"):
        create_app(ProductionConfig)


def test_an_unknown_log_level_refuses_to_start():
    with pytest.raises(RuntimeError, match="LOG_LEVEL must be one of"):
        create_app({"LOG_LEVEL": "LOUD"})
