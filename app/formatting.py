"""Template filters: Vietnamese dates (dd/mm/yyyy, Vietnam time) and whole-VND money."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask

from app.clock import to_local
from app.i18n import localize


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


def format_number(value: int | float | None, places: int | None = None) -> str:
    """A number as people read it: ``1.234,5`` in Vietnamese, ``1,234.5`` in English; "—" for
    None (no figure). ``places`` fixes the decimals; by default a whole number has none and
    any other up to two (trailing zeros dropped)."""
    from app.i18n import english

    if value is None:
        return "—"
    if places is None:
        places = 0 if float(value).is_integer() else 2
        text = f"{value:,.{places}f}"
        if places:
            text = text.rstrip("0").rstrip(".")
    else:
        text = f"{value:,.{places}f}"
    if english():
        return text
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def format_vnd(value: int | None) -> str:
    """12.345.000 đ — Vietnamese groups thousands with dots."""
    if value is None:
        return ""
    return f"{int(value):,}".replace(",", ".") + " đ"


def format_percent(value: int | float | None) -> str:
    """41 % or 25,5 % (the space Vietnamese typography puts before the sign)."""
    if value is None:
        return ""
    return format_number(value) + " %"


def init_app(app: Flask) -> None:
    app.add_template_filter(format_date, "date_vn")
    app.add_template_filter(format_datetime, "datetime_vn")
    app.add_template_filter(format_vnd, "vnd")
    app.add_template_filter(format_number, "number_vn")
    app.add_template_filter(format_period, "period")
    # A message the workflows mark (a calculator's legal basis) in the reader's language.
    app.add_template_filter(localize, "localize")
    # A global, not a context variable: macros imported without context call it too.
    app.add_template_global(code_name, "code_name")

    from flask_babel import get_locale

    from app.forms import error_links
    from app.models.user import ROLE_LABELS
    from app.permissions import has_permission

    @app.context_processor
    def inject_helpers():
        return {
            "ROLE_LABELS": ROLE_LABELS,
            "error_links": error_links,
            "has_permission": has_permission,
            "get_locale": get_locale,
        }


def code_name(list_name: str | None, code: str | None, label: str | None = None):
    """A code's name as a page shows it (``label``: the name already read, else the list's):
    in the reader's language; on an English page, a code its list names only in Vietnamese
    (an administrator's code without an English label) keeps its Vietnamese name, marked
    ``lang="vi"`` so it is read as Vietnamese (WCAG 2.1: 3.1.2). Without a list: ``label``."""
    from markupsafe import Markup

    from app.i18n import english
    from app.services import codes

    if list_name is None:
        return label or ""
    text = label if label is not None else codes.label(list_name, code)
    entry = codes.entries(list_name).get(code or "")
    if english() and entry is not None and not entry.label_en and text == entry.label_vi:
        return Markup('<span lang="vi">%s</span>') % text
    return text


def format_period(text: str | None) -> str:
    """A reporting period as people read it: "2026-H1" → "6 tháng đầu năm 2026" (English:
    "First half of 2026"); anything else as it is."""
    from app.i18n import english
    from workflows.law.reporting import parse_period

    period = parse_period(text)
    if period is None:
        return text or ""
    return period.label_en if english() else period.label_vi
