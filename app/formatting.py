"""Template filters: Vietnamese dates (dd/mm/yyyy, Vietnam time) and whole-VND money."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask

from app.clock import to_local


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return to_local(value).strftime("%d/%m/%Y %H:%M")


def format_vnd(value: int | None) -> str:
    """12.345.000 đ — Vietnamese groups thousands with dots."""
    if value is None:
        return ""
    return f"{int(value):,}".replace(",", ".") + " đ"


def init_app(app: Flask) -> None:
    app.add_template_filter(format_date, "date_vn")
    app.add_template_filter(format_datetime, "datetime_vn")
    app.add_template_filter(format_vnd, "vnd")

    from flask_babel import get_locale

    from app.models.user import ROLE_LABELS
    from app.permissions import has_permission

    @app.context_processor
    def inject_helpers():
        return {
            "ROLE_LABELS": ROLE_LABELS,
            "has_permission": has_permission,
            "get_locale": get_locale,
        }
