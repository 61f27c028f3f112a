"""Parsing a trigger's raw payload (JSON body or form) against its declared fields.

``parse_payload(fields, raw)`` is pure: it coerces what it safely can (a number sent as text,
a date string), refuses what is ambiguous (``1`` for a bool, a datetime without a time zone),
and returns ``(clean, errors)``. Errors are keyed by field path (``team.0.name``) with
Vietnamese messages, ready for the API's 422 ``errors`` object. Keys the transition does not
declare are ignored (the engine reads ``version`` itself). An optional field that is missing
or empty is left out of ``clean``; a present one is validated like a required one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from workflows.base import Field

REQUIRED = "Bắt buộc nhập."
BAD_TEXT = "Phải là văn bản."
BAD_BOOL = "Phải là true hoặc false."
BAD_INT = "Phải là số nguyên."
BAD_MONEY = "Số tiền phải là số nguyên đồng, không âm."
BAD_PERCENT = "Phải là số từ 0 đến 100."
BAD_DATE = "Ngày không hợp lệ (YYYY-MM-DD)."
BAD_DATETIME = "Ngày giờ không hợp lệ (ISO 8601 có múi giờ)."
BAD_LIST = "Phải là danh sách."
BAD_ITEM = "Phải là một đối tượng."
BAD_CASE_CODE = "Mã vụ việc không hợp lệ (ví dụ HP-2026-A000123)."
BAD_VICTIM_ID = "Mã nạn nhân phải là số nguyên dương."
BAD_PAYLOAD = "Dữ liệu gửi lên phải là một đối tượng JSON."

_INT_TEXT = re.compile(r"[+-]?\d+")
_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
# ISO 8601 date, "T" or space, time, and an explicit offset (Z or ±HH:MM).
_DATETIME_TEXT = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})", re.IGNORECASE
)
_CASE_CODE = re.compile(r"[A-Z]{2,5}-\d{4}-[A-Z]\d{6}")


class _Invalid(Exception):
    """One field (or sub-field) is invalid; carries its path-relative errors."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def _fail(message: str, path: str = "") -> _Invalid:
    return _Invalid({path: [message]})


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _choices_message(choices: tuple[str, ...]) -> str:
    return "Giá trị không hợp lệ; chọn một trong: " + ", ".join(choices) + "."


# -- scalars --------------------------------------------------------------------------------


def _text(value: Any, f: Field) -> str:
    if not isinstance(value, str):
        raise _fail(BAD_TEXT)
    text = value.strip()
    if f.choices and text not in f.choices:
        raise _fail(_choices_message(f.choices))
    return text


def _bool(value: Any, f: Field) -> bool:
    # Strict: only real booleans or their JSON spelling. 1/"yes"/"on" are refused so a typo
    # cannot silently mean "true" in a legal record.
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise _fail(BAD_BOOL)


def _int(value: Any, f: Field) -> int:
    if isinstance(value, bool):
        raise _fail(BAD_INT)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INT_TEXT.fullmatch(value.strip()):
        return int(value.strip())
    raise _fail(BAD_INT)


def _money(value: Any, f: Field) -> int:
    try:
        amount = _int(value, f)
    except _Invalid:
        raise _fail(BAD_MONEY) from None
    if amount < 0:
        raise _fail(BAD_MONEY)
    return amount


def _percent(value: Any, f: Field) -> int | float:
    if isinstance(value, bool):
        raise _fail(BAD_PERCENT)
    if isinstance(value, str):
        try:
            value = float(value.strip().replace(",", "."))
        except ValueError:
            raise _fail(BAD_PERCENT) from None
    if not isinstance(value, int | float) or not math.isfinite(value) or not 0 <= value <= 100:
        raise _fail(BAD_PERCENT)
    # 25.0 and 25 mean the same loss; keep whole numbers as int so amounts print cleanly.
    return int(value) if float(value).is_integer() else float(value)


def _date(value: Any, f: Field) -> date:
    if isinstance(value, datetime):
        raise _fail(BAD_DATE)
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DATE_TEXT.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _fail(BAD_DATE)


def _datetime(value: Any, f: Field) -> datetime:
    # The offset is kept as sent (the moment is what matters; "which day" is decided later in
    # Vietnam local time). A naive time is refused: the server cannot guess the zone.
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and _DATETIME_TEXT.fullmatch(value.strip()):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise _fail(BAD_DATETIME) from None
    else:
        raise _fail(BAD_DATETIME)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise _fail(BAD_DATETIME)
    return moment


def _case_code(value: Any, f: Field) -> str:
    if not isinstance(value, str) or not _CASE_CODE.fullmatch(value.strip().upper()):
        raise _fail(BAD_CASE_CODE)
    return value.strip().upper()


def _victim_id(value: Any, f: Field) -> int:
    try:
        victim_id = _int(value, f)
    except _Invalid:
        raise _fail(BAD_VICTIM_ID) from None
    if victim_id <= 0:
        raise _fail(BAD_VICTIM_ID)
    return victim_id


# -- lists ----------------------------------------------------------------------------------


def _list_text(value: Any, f: Field) -> list[str]:
    # A form textarea sends one item per line (blank lines are skipped); JSON sends a list, in
    # which a blank item is an error at its index.
    if isinstance(value, str):
        lines = [line.strip() for line in value.splitlines() if line.strip()]
        if not lines:
            raise _fail(REQUIRED)
        return lines
    if not isinstance(value, list | tuple):
        raise _fail(BAD_LIST)
    items: list[str] = []
    errors: dict[str, list[str]] = {}
    for index, item in enumerate(value):
        if not isinstance(item, str):
            errors[str(index)] = [BAD_TEXT]
        elif not item.strip():
            errors[str(index)] = [REQUIRED]
        else:
            items.append(item.strip())
    if errors:
        raise _Invalid(errors)
    return items


def _members(value: Any, f: Field) -> list[dict]:
    # A list of people (an investigation team, the attendees of a meeting), shaped by
    # ``f.members``: a name, an organisation and, when the field has roles, a role each.
    shape = f.members
    if not isinstance(value, list | tuple):
        raise _fail(BAD_LIST)
    if not value:
        raise _fail(REQUIRED)
    members: list[dict] = []
    errors: dict[str, list[str]] = {}
    checks = [("organisation", shape.organisations)]
    if shape.roles:
        checks.append(("role", shape.roles))
    for index, item in enumerate(value):
        if not isinstance(item, Mapping):
            errors[str(index)] = [BAD_ITEM]
            continue
        member: dict[str, str] = {}
        name = item.get("name")
        if _is_blank(name):
            errors[f"{index}.name"] = [REQUIRED]
        elif not isinstance(name, str):
            errors[f"{index}.name"] = [BAD_TEXT]
        else:
            member["name"] = name.strip()
        for key, allowed in checks:
            raw = item.get(key)
            if _is_blank(raw):
                errors[f"{index}.{key}"] = [REQUIRED]
            elif not isinstance(raw, str) or raw.strip() not in allowed:
                errors[f"{index}.{key}"] = [_choices_message(allowed)]
            else:
                member[key] = raw.strip()
        members.append(member)
    if errors:
        raise _Invalid(errors)
    if shape.single is not None and sum(m["role"] == shape.single for m in members) != 1:
        raise _fail(shape.single_message)
    return members


_PARSERS: dict[str, Callable[[Any, Field], Any]] = {
    "text": _text,
    "bool": _bool,
    "int": _int,
    "money": _money,
    "percent": _percent,
    "date": _date,
    "datetime": _datetime,
    "list_text": _list_text,
    "members": _members,
    "case_code": _case_code,
    "victim_id": _victim_id,
    "documents": _list_text,
}


def parse_value(f: Field, value: Any) -> Any:
    """Parse one present, non-blank value of field ``f``.

    :raises ValueError: with ``args[0]`` the error dict relative to the field (``""`` for the
        field itself, ``"0.name"`` for a sub-field).
    """
    try:
        return _PARSERS[f.kind](value, f)
    except _Invalid as invalid:
        raise ValueError(invalid.errors) from None


def parse_payload(fields: tuple[Field, ...], raw: Any) -> tuple[dict, dict[str, list[str]]]:
    """Validate and coerce ``raw`` against ``fields``.

    Returns ``(clean, errors)``: ``clean`` maps each valid, present field to its Python value
    (aware ``datetime``, ``date``, ``int``...); ``errors`` maps field paths (``"team.0.name"``)
    to Vietnamese messages. Unknown keys, ``version`` included, are ignored. A bool ``False``
    is a value, not a blank.
    """
    if not isinstance(raw, Mapping):
        return {}, {"payload": [BAD_PAYLOAD]}
    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for f in fields:
        value = raw.get(f.name)
        if _is_blank(value):
            if f.required:
                errors[f.name] = [REQUIRED]
            continue
        try:
            clean[f.name] = parse_value(f, value)
        except ValueError as invalid:
            for sub, messages in invalid.args[0].items():
                errors[f"{f.name}.{sub}" if sub else f.name] = messages
    return clean, errors
