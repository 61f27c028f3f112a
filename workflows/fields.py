"""Parsing a trigger's raw payload (JSON body or form) against its declared fields.

``parse_payload(fields, raw)`` is pure: it coerces what it safely can (a number sent as text,
a date string), refuses what is ambiguous (``1`` for a bool, a datetime without a time zone)
and what is beyond the field's bounds (``Field.bounds``, from ``workflows/inputs.py``: the
longest text, the smallest and largest number, the most items, days 1900–2100; digits ASCII
only), and returns ``(clean, errors)``. Errors are keyed by field path (``team.0.name``) with
Vietnamese messages, ready for the API's 422 ``errors`` object. Keys the transition does not
declare are ignored (the engine reads ``version`` itself). An optional field that is missing
or empty is left out of ``clean``; a present one is validated like a required one.

``parse_declaration(definition, raw, role=..., now=...)`` is the one parser of a declaration
body (``POST /cases`` and the declaration form): the kind's ``DeclarationSpec`` inputs, its own
``declaration_fields`` (through ``parse_payload``), the declarer's labour relation and the
victims, with the messages the API has always answered.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from workflows.base import VN_TZ, Field
from workflows.declaration import (
    BORN_AFTER,
    MAX_AGE,
    MIN_WORKING_AGE,
    MOMENT_NAIVE,
    N_,
    NO_VICTIMS,
    TOO_OLD,
    TOO_YOUNG,
    VICTIM_NOT_AN_OBJECT,
    VICTIM_TWICE,
    Check,
    DeclarationSpec,
    Input,
)
from workflows.inputs import (
    VICTIMS_MAX,
    Bounds,
    amount_too_big,
    day_in_range,
    day_out_of_range,
    int_from_text,
    is_digits,
    out_of_range,
    phone_number,
    too_long,
    too_many,
)

if TYPE_CHECKING:
    from workflows.base import WorkflowDefinition

# Messages a declaration's errors share are marked (N_) so the English catalogue keeps them.
REQUIRED = N_("Bắt buộc nhập.")
BAD_TEXT = N_("Phải là văn bản.")
BAD_BOOL = N_("Phải là true hoặc false.")
BAD_INT = "Phải là số nguyên."
BAD_MONEY = "Số tiền phải là số nguyên đồng, không âm."
BAD_PERCENT = "Phải là số từ 0 đến 100."
BAD_DATE = N_("Ngày không hợp lệ (YYYY-MM-DD).")
BAD_DATETIME = N_("Ngày giờ không hợp lệ (ISO 8601 có múi giờ).")
BAD_LIST = "Phải là danh sách."
BAD_ITEM = "Phải là một đối tượng."
BAD_CASE_CODE = "Mã vụ việc không hợp lệ (ví dụ HP-2026-A000123)."
BAD_VICTIM_ID = "Mã nạn nhân phải là số nguyên dương."
BAD_PAYLOAD = "Dữ liệu gửi lên phải là một đối tượng JSON."

# ASCII digits only ([0-9], never \d: workflows/inputs.py says why).
_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# ISO 8601 date, "T" or space, time, and an explicit offset (Z or ±HH:MM).
_DATETIME_TEXT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
    r"(Z|[+-][0-9]{2}:?[0-9]{2})",
    re.IGNORECASE,
)
_CASE_CODE = re.compile(r"[A-Z]{2,5}-[0-9]{4}-[A-Z][0-9]{6}")
_DECIMAL_TEXT = re.compile(r"[0-9]+([.,][0-9]+)?")


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
    _check_length(text, f.bounds)
    return text


def _check_length(text: str, bounds: Bounds) -> None:
    if bounds.max_length is not None and len(text) > bounds.max_length:
        raise _fail(too_long(bounds.max_length))


def _check_range(number: int | float, bounds: Bounds, message: str | None = None) -> None:
    """``message`` (default: "from … to …") when ``number`` is outside ``bounds``."""
    low, high = bounds.minimum, bounds.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        both = low is not None and high is not None
        raise _fail(message or (out_of_range(low, high) if both else BAD_INT))


def _bool(value: Any, f: Field) -> bool:
    # Strict: only real booleans or their JSON spelling. 1/"yes"/"on" are refused so a typo
    # cannot silently mean "true" in a legal record.
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise _fail(BAD_BOOL)


def _whole(value: Any) -> int:
    """A whole number: a JSON integer (or a float without a fraction) or ASCII digits as text."""
    if isinstance(value, bool):
        raise _fail(BAD_INT)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    number = int_from_text(value)
    if number is None:
        raise _fail(BAD_INT)
    return number


def _int(value: Any, f: Field) -> int:
    number = _whole(value)
    _check_range(number, f.bounds)
    return number


def _money(value: Any, f: Field) -> int:
    try:
        amount = _whole(value)
    except _Invalid:
        raise _fail(BAD_MONEY) from None
    bounds = f.bounds
    if amount < (bounds.minimum or 0):
        raise _fail(BAD_MONEY)
    if bounds.maximum is not None and amount > bounds.maximum:
        raise _fail(amount_too_big(bounds.maximum))
    return amount


def _percent(value: Any, f: Field) -> int | float:
    if isinstance(value, bool):
        raise _fail(BAD_PERCENT)
    if isinstance(value, str):
        text = value.strip()
        if not _DECIMAL_TEXT.fullmatch(text):  # ASCII digits: float() also takes "٢٥"
            raise _fail(BAD_PERCENT)
        value = float(text.replace(",", "."))
    if not isinstance(value, int | float) or not math.isfinite(value) or not 0 <= value <= 100:
        raise _fail(BAD_PERCENT)
    # 25.0 and 25 mean the same loss; keep whole numbers as int so amounts print cleanly.
    return int(value) if float(value).is_integer() else float(value)


def _date(value: Any, f: Field) -> date:
    if isinstance(value, datetime):
        raise _fail(BAD_DATE)
    if isinstance(value, str) and _DATE_TEXT.fullmatch(value.strip()):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise _fail(BAD_DATE) from None
    if not isinstance(value, date):
        raise _fail(BAD_DATE)
    if not day_in_range(value):
        raise _fail(day_out_of_range())
    return value


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
    if not day_in_range(moment):  # before any conversion: 9999-12-31T23:59-23:59 overflows
        raise _fail(day_out_of_range())
    return moment


def as_case_code(value: Any) -> str | None:
    """``value`` as a case code (``HP-2026-A000123``: stripped, upper-cased) when it is one
    whole code, else None."""
    if not isinstance(value, str) or not _CASE_CODE.fullmatch(value.strip().upper()):
        return None
    return value.strip().upper()


def _case_code(value: Any, f: Field) -> str:
    code = as_case_code(value)
    if code is None:
        raise _fail(BAD_CASE_CODE)
    return code


def _victim_id(value: Any, f: Field) -> int:
    try:
        victim_id = _whole(value)
    except _Invalid:
        raise _fail(BAD_VICTIM_ID) from None
    _check_range(victim_id, f.bounds, BAD_VICTIM_ID)
    return victim_id


# -- lists ----------------------------------------------------------------------------------


def _list_text(value: Any, f: Field) -> list[str]:
    # A form textarea sends one item per line (blank lines are skipped); JSON sends a list, in
    # which a blank item is an error at its index.
    bounds = f.bounds
    if isinstance(value, str):
        lines = [line.strip() for line in value.splitlines() if line.strip()]
        if not lines:
            raise _fail(REQUIRED)
        value = lines
    if not isinstance(value, list | tuple):
        raise _fail(BAD_LIST)
    if bounds.max_items is not None and len(value) > bounds.max_items:
        raise _fail(too_many(bounds.max_items))
    items: list[str] = []
    errors: dict[str, list[str]] = {}
    for index, item in enumerate(value):
        if not isinstance(item, str):
            errors[str(index)] = [BAD_TEXT]
        elif not item.strip():
            errors[str(index)] = [REQUIRED]
        elif bounds.max_length is not None and len(item.strip()) > bounds.max_length:
            errors[str(index)] = [too_long(bounds.max_length)]
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
    bounds = f.bounds
    if bounds.max_items is not None and len(value) > bounds.max_items:
        raise _fail(too_many(bounds.max_items))
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
        elif bounds.max_length is not None and len(name.strip()) > bounds.max_length:
            errors[f"{index}.name"] = [too_long(bounds.max_length)]
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


BAD_COUNT = "Phải là số nguyên từ 0 đến 10.000.000."
BAD_CODE = "Mã không hợp lệ: chữ, số, dấu chấm hoặc gạch ngang, tối đa 20 ký tự."
BAD_RECORD = "Phải là một đối tượng JSON."
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-_]{0,19}")
_COUNT = Field("count", "count").bounds  # the kind's own, which BAD_COUNT spells out


def _count(value: Any, f: Field) -> int:
    try:
        number = _whole(value)
    except _Invalid:
        raise _fail(BAD_COUNT) from None
    _check_range(number, f.bounds, BAD_COUNT if f.bounds == _COUNT else None)
    return number


def _code(value: Any, f: Field) -> str:
    # The shape only; whether the code is in ``f.code_list`` is the application's check.
    if not isinstance(value, str) or not _CODE.fullmatch(value.strip()):
        raise _fail(BAD_CODE)
    return value.strip().upper()


def _record(value: Any, f: Field) -> dict:
    if not isinstance(value, Mapping):
        raise _fail(BAD_RECORD)
    clean, errors = parse_payload(f.parts, value)
    if errors:
        raise _Invalid(errors)
    return clean


_PARSERS: dict[str, Callable[[Any, Field], Any]] = {
    "count": _count,
    "code": _code,
    "record": _record,
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


# -- declarations -----------------------------------------------------------------------------


def _input_is_blank(i: Input, value: Any) -> bool:
    # What counts as "not sent" differs by kind, as the API has always answered: a wage or code
    # sent as "" is missing, a count only when absent, a victim's optional text when falsy.
    if i.kind in ("money", "code", "reference"):
        return value is None or value == ""
    if i.kind == "case_code":
        return _is_blank(value)
    if i.kind in ("count", "flag"):
        return value is None
    if i.on_item or (i.kind == "digits" and not i.required):
        return not value
    return value is None or (isinstance(value, str) and not value.strip())


def _input_text(i: Input, value: Any) -> str:
    if not isinstance(value, str):
        raise _fail(i.invalid or BAD_TEXT)
    limit = i.bounds.max_length
    if limit is not None and len(value if i.kind == "text" else value.strip()) > limit:
        raise _fail(too_long(limit) if i.kind == "text" else i.invalid or BAD_TEXT)
    return value.strip()


def _input_case_code(i: Input, value: Any) -> str:
    try:
        return _case_code(value, Field(i.name, "case_code"))
    except _Invalid:
        raise _fail(i.invalid or BAD_CASE_CODE) from None


def _input_iso(i: Input, value: Any, parse: Callable[[str], Any], bad: str) -> Any:
    # A date (or moment) that is not text at all counts as not sent, as the API always said.
    if not isinstance(value, str):
        raise _fail(i.missing or REQUIRED)
    try:
        return parse(value.strip())
    except ValueError:
        raise _fail(i.invalid or bad) from None


def _input_date(i: Input, value: Any) -> date:
    day = _input_iso(i, value, date.fromisoformat, BAD_DATE)
    if not day_in_range(day):
        raise _fail(day_out_of_range())
    return day


def _input_moment(i: Input, value: Any) -> datetime:
    def parse(text: str) -> datetime:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))

    moment = _input_iso(i, value, parse, BAD_DATETIME)
    if moment.tzinfo is None:
        raise _fail(MOMENT_NAIVE)
    if not day_in_range(moment):  # before any conversion: 9999-12-31T23:59-23:59 overflows
        raise _fail(day_out_of_range())
    return moment


def _input_choice(i: Input, value: Any) -> str:
    if value not in i.choices:
        raise _fail(i.invalid or _choices_message(i.choices))
    return value


def _input_digits(i: Input, value: Any) -> str:
    # ASCII only: "０３１…" (full-width) or "٠٣١…" (Arabic-Indic) is no national ID.
    if not isinstance(value, str) or not is_digits(value.strip(), i.digits):
        raise _fail(i.invalid or BAD_TEXT)
    return value.strip()


def _input_number(i: Input, value: Any) -> int:
    invalid = _fail(i.invalid or (BAD_MONEY if i.kind == "money" else BAD_INT))
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid
    bounds = i.bounds
    if bounds.minimum is not None and value < bounds.minimum:
        raise invalid
    if bounds.maximum is not None and value > bounds.maximum:
        raise _fail(amount_too_big(bounds.maximum)) if i.kind == "money" else invalid
    return value


def _input_phone(i: Input, value: Any) -> str:
    number = phone_number(value)
    if number is None:
        raise _fail(i.invalid or BAD_TEXT)
    return number


def _input_flag(i: Input, value: Any) -> bool:
    # A real boolean only, as ``labour_relation``: "yes" or 1 must not mean true in a record.
    if not isinstance(value, bool):
        raise _fail(i.invalid or BAD_BOOL)
    return value


_INPUT_PARSERS: dict[str, Callable[[Input, Any], Any]] = {
    "text": _input_text,
    "code": _input_text,
    "reference": lambda i, value: value,
    "case_code": _input_case_code,
    "date": _input_date,
    "moment": _input_moment,
    "choice": _input_choice,
    "digits": _input_digits,
    "money": _input_number,
    "count": _input_number,
    "flag": _input_flag,
    "phone": _input_phone,
}


# ``code_exists(list_name, code)``: whether ``code`` may be given from the code list (the
# application's database answers; None: codes are checked for their shape only).
CodeExists = Callable[[str, str], bool]


def _parse_inputs(
    inputs: tuple[Input, ...],
    raw: Mapping,
    labour_relation: bool | None,
    prefix: str = "",
    code_exists: CodeExists | None = None,
) -> tuple[dict, dict[str, list[str]]]:
    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for i in inputs:
        value = raw.get(i.name)
        path = prefix.rstrip(".") if i.on_item else prefix + i.name
        if _input_is_blank(i, value):
            if i.required_for(labour_relation):
                _add(errors, path, i.missing or REQUIRED)
            elif i.default is not None:
                clean[i.name] = i.default
            continue
        try:
            clean[i.name] = _INPUT_PARSERS[i.kind](i, value)
        except _Invalid as problem:
            _add(errors, path, problem.errors[""][0])
            continue
        if i.code_list and code_exists and not code_exists(i.code_list, clean[i.name]):
            _add(errors, path, N_("Mã %(code)s không có trong danh mục.", code=clean.pop(i.name)))
    return clean, errors


def _add(errors: dict[str, list[str]], path: str, message: str) -> None:
    messages = errors.setdefault(path, [])
    if message not in messages:  # one input's problem is said once, however many share it
        messages.append(message)


def _labour_relation(spec: DeclarationSpec, raw: Mapping, role: str, errors: dict) -> bool | None:
    declarer = spec.declarer(role)
    if not spec.states_labour_relation:
        return declarer.labour_relation
    stated = raw.get("labour_relation", declarer.labour_relation)
    if not isinstance(stated, bool):
        _add(errors, "labour_relation", BAD_BOOL)
        return declarer.labour_relation
    if stated is not declarer.labour_relation:
        _add(errors, "labour_relation", declarer.other_relation)
    return stated


def _own_fields(
    spec: DeclarationSpec, fields: tuple[Field, ...], raw: Mapping, errors: dict
) -> tuple[dict, dict[str, str]]:
    """The kind's own fields; returns them and the name each was sent under (an alias or its
    own), under which its errors are reported (a field missing under both: under both)."""
    body = dict(raw)
    for alias, name in spec.aliases.items():
        if body.get(name) in (None, "") and body.get(alias) not in (None, ""):
            body[name] = body[alias]
    clean, field_errors = parse_payload(fields, body)
    used = {name: alias for alias, name in spec.aliases.items() if raw.get(alias) not in (None, "")}
    for path, messages in field_errors.items():
        missing = [a for a, n in spec.aliases.items() if n == path and path not in used]
        for target in [used.get(path, path), *missing]:
            for message in messages:
                _add(errors, target, message)
    return clean, used


def _age(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _victim(
    spec: DeclarationSpec,
    raw: Any,
    path: str,
    relation: bool | None,
    occurred: datetime | None,
    code_exists: CodeExists | None = None,
) -> tuple[dict | None, dict[str, list[str]]]:
    if not isinstance(raw, Mapping):
        return None, {path: [VICTIM_NOT_AN_OBJECT]}
    if spec.default_outcome and raw.get("outcome") in (None, ""):
        raw = {**raw, "outcome": spec.default_outcome}
    victim, errors = _parse_inputs(spec.victims, raw, relation, f"{path}.", code_exists)
    birth = victim.get("birth_date")
    if birth and occurred:
        day = occurred.date()
        if birth >= day:
            _add(errors, f"{path}.birth_date", BORN_AFTER)
        elif _age(birth, day) < MIN_WORKING_AGE:
            _add(errors, f"{path}.birth_date", TOO_YOUNG)
        elif _age(birth, day) > MAX_AGE:
            _add(errors, f"{path}.birth_date", TOO_OLD)
    return (None if errors else victim), errors


def _victims(
    spec: DeclarationSpec,
    raw: Mapping,
    relation: bool | None,
    occurred,
    errors: dict,
    code_exists: CodeExists | None = None,
) -> list[dict]:
    key = next((k for k in spec.victims_keys if k in raw), spec.victims_keys[0])
    items = raw.get(key)
    if not isinstance(items, list) or not items:
        _add(errors, "victims", NO_VICTIMS)
        return []
    if len(items) > VICTIMS_MAX:
        _add(errors, "victims", too_many(VICTIMS_MAX))
        return []
    victims = []
    for index, item in enumerate(items):
        victim, victim_errors = _victim(
            spec, item, f"victims.{index}", relation, occurred, code_exists
        )
        for path, messages in victim_errors.items():
            for message in messages:
                _add(errors, path, message)
        if victim is not None:
            victims.append(victim)
    ids = [v["national_id"] for v in victims]
    if len(set(ids)) != len(ids):
        _add(errors, "victims", VICTIM_TWICE)
    return victims


def _check(check: Check, value: Any, now: datetime, clean: Mapping[str, Any]) -> bool:
    """Whether ``value`` passes ``check`` (``clean``: the other values parsed so far)."""
    if check.rule == "some_positive":
        return any(clean.get(name) for name in (check.field, *check.others))
    if check.rule == "not_future":
        if isinstance(value, datetime):
            return value <= now
        return value <= now.astimezone(VN_TZ).date()
    if check.rule == "from_year":
        return value.year >= check.bounds[0]
    low, high = check.bounds
    return low <= value <= high


def parse_declaration(
    definition: WorkflowDefinition,
    raw: Any,
    *,
    role: str,
    now: datetime,
    code_exists: CodeExists | None = None,
) -> tuple[dict, dict[str, list[str]]]:
    """Validate and coerce a declaration body of ``definition``'s kind made by ``role``.

    Returns ``(clean, errors)``: ``clean`` holds the spec's inputs and the kind's own fields
    that are valid and present (an optional input not sent: its ``default``, if any),
    ``labour_relation`` (the declarer's), ``occurred_at`` (an aware datetime or None: from the
    body, or the Vietnam midnight of ``occurred_on``) and, when the kind lists victims,
    ``victims`` (one dict per valid victim, keyed by :data:`VICTIM`'s names); ``errors`` maps
    field paths (``victims.0.national_id``) to Vietnamese messages
    (:class:`~workflows.declaration.Message` when they carry parameters). Looking codes up
    (commune, incident) is the caller's part; an input with a ``code_list`` is checked with
    ``code_exists(list_name, code)`` when it is given.

    :raises KeyError: ``role`` may not declare this kind (ask ``may_declare`` first).
    """
    spec = definition.declaration
    if not isinstance(raw, Mapping):
        return {}, {"payload": [BAD_PAYLOAD]}
    errors: dict[str, list[str]] = {}
    relation = _labour_relation(spec, raw, role, errors)
    clean, input_errors = _parse_inputs(spec.inputs, raw, relation, "", code_exists)
    for path, messages in input_errors.items():
        for message in messages:
            _add(errors, path, message)
    own, used = _own_fields(spec, definition.declaration_fields, raw, errors)
    clean.update(own)
    clean["labour_relation"] = relation
    if spec.occurred_on is not None:
        day = clean.get(spec.occurred_on)
        clean["occurred_at"] = datetime.combine(day, time(), tzinfo=VN_TZ) if day else None
    clean.setdefault("occurred_at", None)
    for check in spec.checks:
        value = clean.get(check.field)
        if value is not None and not _check(check, value, now, clean):
            _add(errors, used.get(check.field, check.field), check.message)
    if spec.victims:
        clean["victims"] = _victims(spec, raw, relation, clean["occurred_at"], errors, code_exists)
    return clean, errors


def parse_notice(
    definition: WorkflowDefinition, raw: Any, *, role: str, now: datetime
) -> tuple[dict, dict[str, list[str]]]:
    """Validate and coerce a quick notice (báo tin nhanh) of ``definition``'s kind made by
    ``role`` against the kind's :class:`~workflows.declaration.NoticeSpec`.

    Returns ``(clean, errors)`` as :func:`parse_declaration` does: ``clean`` holds the notice's
    valid inputs (a count not sent: 0) and ``labour_relation`` (the declarer's: a notice does not
    state it); ``errors`` every problem at once, by input name. Looking the commune up is the
    caller's part.

    :raises KeyError: ``role`` may not declare this kind, or the kind has no quick notice.
    """
    spec = definition.declaration
    notice = spec.notice if spec is not None else None
    if notice is None:
        raise KeyError(f"{definition.kind} has no quick notice")
    relation = spec.labour_relation(role)
    if not isinstance(raw, Mapping):
        return {}, {"payload": [BAD_PAYLOAD]}
    clean, errors = _parse_inputs(notice.inputs, raw, relation)
    clean["labour_relation"] = relation
    for check in notice.checks:
        value = clean.get(check.field)
        if any(name in errors for name in (check.field, *check.others)):
            continue  # a value refused already: the check would judge a guess
        if value is not None and not _check(check, value, now, clean):
            _add(errors, check.field, check.message)
    return clean, errors
