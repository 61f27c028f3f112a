"""Reading a statistics filter from a query string: the one parser of every statistics
endpoint (``/api/v1/statistics/*``) and of the ``/statistics`` page.

``parse_query(args, user)`` answers a :class:`~app.services.statistics.Query` or raises
``ValidationFailed`` with every field's problem at once (STYLE: validation that tells
everything). Arguments, all optional:

- ``from``, ``to``: ISO ``yyyy-mm-dd`` or ``dd/mm/yyyy`` Vietnam-local days, both inclusive;
  default 1 January of the current year and today (Vietnam time). ``from`` after ``to`` or a
  span over :data:`MAX_YEARS` years is refused.
- ``enterprise``: an enterprise id (digits, up to 9) or tax code (10 digits, or 10-3 for a
  branch). One outside the caller's scope — or not registered at all — gives zeros, exactly
  as one in scope without accidents would, so no caller learns which enterprises exist.
- ``commune``: a commune code in the register (communes are public; unknown → 422).
- ``industry``: a VSIC 2018 section letter (``C``) or division (``C25``); a division must be in
  the ``industry`` code list or held by some enterprise or case (else 422).
- ``labour_relation``: ``true``/``false`` (also ``1``/``0``, ``yes``/``no``, ``có``/``không``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import exists, or_, select

from app import clock
from app.errors import ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import Case, CodeEntry, Commune, Enterprise
from app.services.statistics import Query
from app.services.visibility import enterprise_filter
from workflows.inputs import day_in_range, day_out_of_range, nfc
from workflows.law.calendar import VN_TZ

# The longest period one request may count (a bound on the work, and no statutory summary
# spans more).
MAX_YEARS = 10
FIELDS = ("from", "to", "enterprise", "commune", "industry", "labour_relation")
TRUE = frozenset({"true", "1", "yes", "có", "co"})
FALSE = frozenset({"false", "0", "no", "không", "khong"})
_ISO = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_VN = re.compile(r"^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}$")
_SECTION = re.compile(r"^[A-U]$")
_DIVISION = re.compile(r"^[A-U][0-9]{2}$")
_ENTERPRISE_ID = re.compile(r"^[0-9]{1,9}$")
_TAX_CODE = re.compile(r"^[0-9]{10}(-[0-9]{3})?$")
# Matches no enterprise (ids start at 1): an enterprise the caller may not see counts nothing.
NO_ENTERPRISE = 0

BAD_DATE = N_("Ngày không hợp lệ (dd/mm/yyyy hoặc yyyy-mm-dd).")
FROM_AFTER_TO = N_("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.")
TOO_LONG = N_("Khoảng thời gian tối đa là %(years)s năm.", years=MAX_YEARS)
BAD_ENTERPRISE = N_("Nhập mã doanh nghiệp (số) hoặc mã số thuế (10 chữ số).")
UNKNOWN_COMMUNE = N_("Không có xã, phường mang mã này.")
BAD_INDUSTRY = N_("Mã ngành VSIC không hợp lệ (một chữ cái A–U, có thể kèm 2 chữ số, ví dụ C25).")
UNKNOWN_INDUSTRY = N_("Không có ngành mang mã này.")
BAD_BOOLEAN = N_("Chỉ nhận true hoặc false.")


def today() -> date:
    """Today in Vietnam (the clock is UTC)."""
    return clock.now().astimezone(VN_TZ).date()


def parse_day(text: str) -> date | None:
    """``yyyy-mm-dd`` or ``dd/mm/yyyy`` → a date; None when it is neither or not a real day."""
    text = text.strip()
    try:
        if _ISO.match(text):
            return date.fromisoformat(text)
        if _VN.match(text):
            return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return None
    return None


def _arg(args: Mapping[str, str], name: str) -> str:
    # NFC like every other text the app takes (a commune's name typed on a Mac is NFD): the
    # request's arguments already are (app/inputs.py); an export job's stored ones too.
    value = args.get(name)
    return nfc(value).strip() if isinstance(value, str) else ""


def parse_query(args: Mapping[str, str], user) -> Query:
    """The statistics filter in ``args`` (a request's query arguments) for ``user``.

    :raises ValidationFailed: errors keyed by argument name (all of them at once).
    """
    query, errors = check_query(args, user)
    if errors:
        raise ValidationFailed(errors)
    return query


def check_query(args: Mapping[str, str], user) -> tuple[Query | None, dict[str, list[str]]]:
    """:func:`parse_query` for a page that shows the errors beside its fields: ``(query,
    {})`` or ``(None, errors)``."""
    errors: dict[str, list[str]] = {}
    first, last = _period(args, errors)
    enterprise_id = _enterprise(_arg(args, "enterprise"), user, errors)
    commune = _commune(_arg(args, "commune"), errors)
    industry = _industry(_arg(args, "industry"), errors)
    relation = _boolean(_arg(args, "labour_relation"), "labour_relation", errors)
    if errors:
        return None, errors
    return Query(first, last, enterprise_id=enterprise_id, commune_code=commune,
                 industry=industry, labour_relation=relation), {}  # fmt: skip


def _period(args: Mapping[str, str], errors: dict[str, list[str]]) -> tuple[date, date]:
    now = today()
    days = {"from": date(now.year, 1, 1), "to": now}
    for name in days:
        raw = _arg(args, name)
        if raw:
            parsed = parse_day(raw)
            if parsed is None:
                errors[name] = [BAD_DATE]
            elif not day_in_range(parsed):  # 0001-01-01 overflows in UTC
                errors[name] = [day_out_of_range()]
            else:
                days[name] = parsed
    first, last = days["from"], days["to"]
    if not errors:
        if first > last:
            errors["to"] = [FROM_AFTER_TO]
        elif last >= _years_after(first, MAX_YEARS):
            errors["to"] = [TOO_LONG]
    return first, last


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def _enterprise(raw: str, user, errors: dict[str, list[str]]) -> int | None:
    if not raw:
        return None
    if _ENTERPRISE_ID.match(raw):
        term = Enterprise.id == int(raw)
    elif _TAX_CODE.match(raw):
        term = Enterprise.tax_code == raw
    else:
        errors["enterprise"] = [BAD_ENTERPRISE]
        return None
    found = db.session.scalar(select(Enterprise.id).where(term, enterprise_filter(user)))
    return found if found is not None else NO_ENTERPRISE


def _commune(raw: str, errors: dict[str, list[str]]) -> str | None:
    if not raw:
        return None
    if db.session.get(Commune, raw) is None:
        errors["commune"] = [UNKNOWN_COMMUNE]
        return None
    return raw


def _industry(raw: str, errors: dict[str, list[str]]) -> str | None:
    code = raw.upper()
    if not code:
        return None
    if _SECTION.match(code):
        return code  # the 21 sections of VSIC 2018 are fixed
    if not _DIVISION.match(code):
        errors["industry"] = [BAD_INDUSTRY]
        return None
    known = db.session.scalar(
        select(
            or_(
                exists().where(CodeEntry.list_name == "industry", CodeEntry.code == code),
                exists().where(Enterprise.industry_code == code),
                exists().where(Case.industry_code == code),
            )
        )
    )
    if not known:
        errors["industry"] = [UNKNOWN_INDUSTRY]
        return None
    return code


def _boolean(raw: str, name: str, errors: dict[str, list[str]]) -> bool | None:
    value = raw.lower()
    if not value:
        return None
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    errors[name] = [BAD_BOOLEAN]
    return None


def parse_flag(args: Mapping[str, str], name: str) -> bool:
    """An optional yes/no argument such as ``async`` (absent: False).

    :raises ValidationFailed: neither true nor false.
    """
    errors: dict[str, list[str]] = {}
    value = _boolean(_arg(args, name), name, errors)
    if errors:
        raise ValidationFailed(errors)
    return bool(value)
