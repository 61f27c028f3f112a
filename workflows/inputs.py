"""What any input may be, declared once: text in Unicode NFC, digits in ASCII, and the bounds of
each kind of value (how long a text, how large a number, which days, how many items, how deep a
JSON body).

Every boundary goes through this module. The web request (``app/inputs.py``: form fields, query
strings, JSON bodies, uploaded file names), the command line (``app/cli.py``) and imported files
(``app.inputs.read_csv``) put text in NFC; the parsers of trigger payloads and declarations
(``workflows/fields.py``) check each value against its field's :class:`Bounds`, which start from
its kind's (:data:`KIND_BOUNDS`) and may be narrowed by the field; the OpenAPI document shows the
same bounds (``Bounds.schema``: ``maxLength``, ``minimum``, ``maximum``, ``maxItems``), and the
services that take other input (accounts, enterprises, code lists, calculators, statistics
filters) use the constants below. Nothing here imports Flask or the database.

Why: text typed on macOS and iOS keyboards arrives decomposed (NFD), so "Trâm" typed there is
not equal to "Trâm" typed elsewhere and search and "same person twice" miss it; ``\\d`` and
``int()`` take full-width and Arabic-Indic digits, so "０３１…" would pass as a national ID; and a
number or text with no bound reaches a column or a date conversion that fails with a 500.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from workflows.messages import N_, Message

# -- text ------------------------------------------------------------------------------------


def nfc(text: str) -> str:
    """``text`` in Unicode NFC (one code point per accented letter). Not stripped: what to strip
    is each parser's decision."""
    return unicodedata.normalize("NFC", text)


# Letters that stand alone in Unicode (no decomposition into a base and a mark) but which people
# type as the plain letter: Vietnamese "đ" is written "d" on a keyboard without Telex.
_FOLD_LETTERS = str.maketrans({"đ": "d"})


def fold(text: str) -> str:
    """``text`` as search compares it: case-folded, without accents or other combining marks,
    "đ" as "d", whitespace runs as one space, no space at either end.

    "  NGUYỄN   Văn Đức" (NFC or NFD) → "nguyen van duc". Case folding comes first, so a
    capital whose lower case gains a mark (Turkish "İ" → "i̇") loses it too. The one rule for
    the search column (``case.search_text``, ``app.services.search``) and what is typed into
    the search box; migration 0010 holds a copy that a test compares with this one.
    """
    decomposed = unicodedata.normalize("NFD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.translate(_FOLD_LETTERS).split())


class TooDeep(ValueError):
    """A JSON value nested deeper than allowed."""


class BadCharacters(ValueError):
    """Text with a NUL or half of a UTF-16 surrogate pair: no text anyone typed has them, a
    database refuses NUL and no answer can encode a lone surrogate."""


_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


def has_bad_characters(text: str) -> bool:
    """Whether ``text`` holds a NUL or a lone surrogate (see :class:`BadCharacters`)."""
    return _FORBIDDEN.search(text) is not None


def nfc_tree(value: Any, max_depth: int | None = None) -> Any:
    """A JSON-like value (dicts, lists, strings, numbers…) with every string, object keys too,
    in NFC; other values as they are.

    :raises TooDeep: lists and objects nested more than ``max_depth`` levels (default
        :data:`JSON_MAX_DEPTH`).
    :raises BadCharacters: a string with a NUL or a lone surrogate.
    """
    limit = JSON_MAX_DEPTH if max_depth is None else max_depth

    def walk(item: Any, depth: int) -> Any:
        if isinstance(item, str):
            if has_bad_characters(item):
                raise BadCharacters(bad_characters())
            return nfc(item)
        if isinstance(item, dict | list | tuple) and depth >= limit:
            raise TooDeep(json_too_deep())
        if isinstance(item, dict):
            return {walk(k, depth): walk(v, depth + 1) for k, v in item.items()}
        if isinstance(item, list | tuple):
            return [walk(v, depth + 1) for v in item]
        return item

    return walk(value, 0)


def load_json(data: bytes | str, max_depth: int | None = None) -> Any:
    """A JSON text parsed, its strings (object keys too) in NFC.

    :raises TooDeep: nested more than ``max_depth`` (default :data:`JSON_MAX_DEPTH`) levels,
        however deep (the parser itself gives up with a RecursionError near 1,000).
    :raises BadCharacters: a string with a NUL or a lone surrogate.
    :raises ValueError: not JSON (or not UTF-8).
    """
    try:
        value = json.loads(data)
    except RecursionError:
        raise TooDeep(json_too_deep()) from None
    return nfc_tree(value, max_depth)


# -- digits ----------------------------------------------------------------------------------

# ASCII digits only: Python's ``\d`` and ``int()`` also take "０３１" (full-width) and "٠٣١"
# (Arabic-Indic), which would pass as a national ID and then not match the same ID typed in
# ASCII. Patterns in this code base write ``[0-9]``.
_DIGITS = re.compile(r"[0-9]+")
_WHOLE = re.compile(r"[+-]?[0-9]+")
# Longer than this is no number anyone means (and ``int()`` of it costs time).
_LONGEST_NUMBER = 40


def is_digits(text: Any, count: int | None = None) -> bool:
    """Whether ``text`` is a string of ASCII digits only (exactly ``count`` of them if given)."""
    if not isinstance(text, str) or not _DIGITS.fullmatch(text):
        return False
    return count is None or len(text) == count


# A telephone number as people write it: "0912 345 678", "(0225) 3.842.123", "+84-912-345-678".
_PHONE_SEPARATORS = re.compile(r"[ .\-()\u00a0]")
_PHONE = re.compile(r"\+?[0-9]{8,15}")


def phone_number(text: Any) -> str | None:
    """``text`` as a telephone number without its separators ("0912345678", "+84912345678"),
    or None when it is not one: 8 to 15 ASCII digits, an optional leading "+", and spaces,
    dots, dashes or brackets between them (a Vietnamese mobile number has 10 digits, a landline
    with its area code 11, an international one up to 15: ITU-T E.164)."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    bare = _PHONE_SEPARATORS.sub("", text.strip())
    return bare if _PHONE.fullmatch(bare) else None


def int_from_text(text: Any) -> int | None:
    """The whole number ``text`` writes in ASCII digits (an optional sign; spaces around are
    ignored), or None: not text, not ASCII digits, or longer than 40 characters."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if len(text) > _LONGEST_NUMBER or not _WHOLE.fullmatch(text):
        return None
    return int(text)


# -- bounds ----------------------------------------------------------------------------------

# Row ids are INTEGER columns (PostgreSQL int4): a larger id names nothing (404), and an
# ``int`` field is kept in the same range so it fits the columns it is copied into.
ID_MAX = 2**31 - 1
INT_MAX = 2**31 - 1
# Page numbers of a list: beyond any real list, and small enough that the offset stays a
# 64-bit integer whatever the page size.
PAGE_MAX = 1_000_000
# Head counts (workers, samples, casualties): whole, and below any real workforce.
COUNT_MAX = 10_000_000
# A monthly wage above this is a typing slip, not a salary (the calculators and the victim's
# wages share it; it also keeps every product well inside a PostgreSQL BIGINT).
MAX_WAGE_VND = 10_000_000_000
# Any other single amount (a payment, a cost, an insurance decision).
MAX_AMOUNT_VND = 100_000_000_000
# Totals an enterprise reports (its yearly wage fund, the property damage of a disaster).
MAX_TOTAL_VND = 10**15
# Lengths, in characters after stripping: a person's or organisation's name, one item of a
# list (a cause, a measure, a document's name), and any other text (a reason, a note, a
# description).
NAME_MAX = 200
LINE_MAX = 1000
TEXT_MAX = 5000
CODE_MAX = 20
# Items of a list field, and people of a team or meeting.
LIST_MAX = 100
MEMBERS_MAX = 50
# People one declaration lists (the victims of an accident, the workers of a disease): more
# than any event recorded in Vietnam (the declaration page fits them: ``FORM_PARTS_MAX``).
VICTIMS_MAX = 200
# Fields of one web form (werkzeug's default is 1,000): the declaration page's VICTIMS_MAX
# victim blocks of a dozen inputs each fit; beyond it the answer is 413 (app/inputs.py).
FORM_PARTS_MAX = 3000
# The days anything happened or is due: a date outside is a typing slip (0001-01-01,
# 9999-12-31), and converting it between time zones would overflow.
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2100, 12, 31)
# A JSON body: its size (an upload has its own, larger limit: MAX_CONTENT_LENGTH) and how
# deeply its lists and objects nest (a payload's deepest is a record in an object: 3).
JSON_MAX_BYTES = 2 * 1024 * 1024
JSON_MAX_DEPTH = 20


@dataclass(frozen=True)
class Bounds:
    """What a value of a kind may be: ``max_length`` characters of text (of each item, for a
    list; of each name, for people), ``minimum``/``maximum`` of a number, ``max_items`` of a
    list. None: no bound of that sort."""

    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    max_items: int | None = None

    def narrowed(self, **overrides: int | None) -> Bounds:
        """These bounds with the given ones instead (None keeps the kind's)."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    def schema(self) -> dict[str, int]:
        """The JSON-schema keywords saying the same (for a list: ``maxItems`` only)."""
        words = {"maxLength": self.max_length, "minimum": self.minimum, "maximum": self.maximum}
        if self.max_items is not None:
            words = {"maxItems": self.max_items}
        return {k: v for k, v in words.items() if v is not None}


# Each kind's bounds: the kinds of a trigger's fields (``workflows.base.FIELD_KINDS``) and of a
# declaration's inputs (``workflows.declaration.INPUT_KINDS``). Dates and moments are bounded by
# DATE_MIN..DATE_MAX; choices, flags and fixed shapes (digits, case codes) need nothing more.
KIND_BOUNDS: dict[str, Bounds] = {
    "text": Bounds(max_length=TEXT_MAX),
    "code": Bounds(max_length=CODE_MAX),
    "reference": Bounds(max_length=CODE_MAX),
    "int": Bounds(minimum=-INT_MAX, maximum=INT_MAX),
    "count": Bounds(minimum=0, maximum=COUNT_MAX),
    "money": Bounds(minimum=0, maximum=MAX_AMOUNT_VND),
    "percent": Bounds(minimum=0, maximum=100),
    "victim_id": Bounds(minimum=1, maximum=ID_MAX),
    "list_text": Bounds(max_length=LINE_MAX, max_items=LIST_MAX),
    "documents": Bounds(max_length=LINE_MAX, max_items=LIST_MAX),
    "members": Bounds(max_length=NAME_MAX, max_items=MEMBERS_MAX),
}


def kind_bounds(kind: str) -> Bounds:
    """The bounds of ``kind`` (none for a kind that needs none)."""
    return KIND_BOUNDS.get(kind, Bounds())


def day_in_range(value: date | datetime) -> bool:
    """Whether ``value``'s day (as written, before any time-zone conversion) is from
    DATE_MIN to DATE_MAX."""
    day = value.date() if isinstance(value, datetime) else value
    return DATE_MIN <= day <= DATE_MAX


# -- messages --------------------------------------------------------------------------------


def vnd_text(amount: int) -> str:
    """``10000000000`` → ``10.000.000.000`` (as Vietnamese writes amounts)."""
    return f"{amount:,}".replace(",", ".")


def too_long(limit: int) -> Message:
    return N_("Tối đa %(n)s ký tự.", n=limit)


def too_many(limit: int) -> Message:
    return N_("Tối đa %(n)s mục.", n=limit)


def out_of_range(low: int, high: int) -> Message:
    return N_("Phải là số nguyên từ %(low)s đến %(high)s.", low=vnd_text(low), high=vnd_text(high))


def amount_too_big(limit: int) -> Message:
    return N_("Số tiền không được vượt quá %(amount)s đồng.", amount=vnd_text(limit))


def day_out_of_range() -> Message:
    return N_(
        "Ngày phải từ %(low)s đến %(high)s.",
        low=DATE_MIN.strftime("%d/%m/%Y"),
        high=DATE_MAX.strftime("%d/%m/%Y"),
    )


def bad_characters() -> Message:
    return N_("Văn bản chứa ký tự không hợp lệ (NUL hoặc mã UTF-16 lẻ).")


def json_too_deep() -> Message:
    return N_("Nội dung JSON lồng nhau quá %(n)s cấp.", n=JSON_MAX_DEPTH)
