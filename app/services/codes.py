"""Code lists (danh mục): loading them from CSV, reading labels, checking coded inputs.

A code list is the set of ``CodeEntry`` rows of one ``list_name``: industries (VSIC 2018),
types of ownership, occupations (Decision 34/2020/QĐ-TTg), causes of accidents and injuring
factors. The shipped lists are the CSV files in ``app/data/codes/`` (``<list>.csv``, UTF-8,
header ``code,label_vi,label_en,parent``; sources and what is UNVERIFIED in
``docs/statistics.md``). ``load_defaults`` loads them on ``flask seed demo`` and
``flask codes load-defaults``; an administrator extends a list at ``/admin/codes`` or with
``flask codes load LIST FILE``.

Loading is an upsert: a code in the file is added or has its labels, parent and order updated;
a code not in the file is left as it is (old cases keep their codes), and whether a code is
offered (``active``) is the administrator's decision, which a load does not change. Reads
(``label``, ``exists``, ``choices``) are cached per request in ``flask.g`` and the cache is
dropped by every write.

Workflow fields of kind ``code`` (``Field.code_list``) and declaration inputs with a
``code_list`` are checked here (``unknown_codes``): a code must be an active code of its list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import g, has_app_context, has_request_context
from sqlalchemy import Integer, cast, func, select

from app.errors import ValidationFailed
from app.extensions import db
from app.i18n import N_, english
from app.models import CodeEntry
from app.services.csv_files import CsvRow, cell_error, read_csv
from app.services.security_audit import record
from app.services.unit_of_work import unit_of_work
from workflows.inputs import nfc as normalised
from workflows.inputs import too_long

DEFAULTS_DIR = Path(__file__).resolve().parent.parent / "data" / "codes"

# The code lists the application knows, with their (Vietnamese, English) names. A workflow
# field's ``code_list`` names one of them (tests/services/test_codes.py checks the registry).
LISTS: dict[str, tuple[str, str]] = {
    "industry": ("Ngành kinh tế (VSIC 2018)", "Industry (VSIC 2018)"),
    "ownership": ("Loại hình doanh nghiệp", "Type of ownership"),
    "occupation": ("Nghề nghiệp (Danh mục nghề nghiệp Việt Nam)", "Occupation (VSCO 2020)"),
    "cause": ("Nguyên nhân tai nạn lao động", "Cause of the accident"),
    "injuring_factor": ("Yếu tố gây chấn thương", "Injuring factor"),
}

# Lists whose codes mean something to the people choosing (VSIC C25, occupation 72) are
# offered as "code — label"; ownership's codes are internal words, offered by label only.
CODE_SHOWN = frozenset(LISTS) - {"ownership"}

# The stored columns' limits (``code_entry``).
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]{0,19}")
LABEL_LIMIT = 300
COLUMNS = ("code", "label_vi", "label_en", "parent")


@dataclass(frozen=True)
class Code:
    """One code as read (a plain value: safe to keep across sessions in the request cache)."""

    code: str
    label_vi: str
    label_en: str
    parent: str | None
    active: bool
    sort: int

    def label(self, lang: str | None = None) -> str:
        """The label in ``lang`` (``vi`` or ``en``; default: the user's language); an English
        label that is blank falls back to the Vietnamese one."""
        if lang is None:
            lang = "en" if has_request_context() and english() else "vi"
        return (self.label_en or self.label_vi) if lang == "en" else self.label_vi


def nfc(text: str | None) -> str:
    """Text in Unicode NFC (``workflows.inputs.nfc``), trimmed; "" for None."""
    return normalised(text or "").strip()


# -- reading (cached per request) -------------------------------------------------------------


def _cache() -> dict[str, dict[str, Code]]:
    if not has_app_context():
        return {}
    if "code_lists" not in g:
        g.code_lists = {}
    return g.code_lists


def forget() -> None:
    """Drop the request's cached lists (every write calls it)."""
    if has_app_context():
        g.pop("code_lists", None)


def entries(list_name: str) -> dict[str, Code]:
    """Every code of ``list_name`` (active or not), in the list's order, keyed by code."""
    cache = _cache()
    if list_name not in cache:
        rows = db.session.scalars(
            select(CodeEntry)
            .where(CodeEntry.list_name == list_name)
            .order_by(CodeEntry.sort, CodeEntry.code)
        )
        cache[list_name] = {
            r.code: Code(r.code, r.label_vi, r.label_en or "", r.parent, r.active, r.sort)
            for r in rows
        }
    return cache[list_name]


def exists(list_name: str, code: str | None, *, include_inactive: bool = False) -> bool:
    """Whether ``code`` is a code of ``list_name`` that is offered (active), or any of its
    codes with ``include_inactive``."""
    entry = entries(list_name).get(code or "")
    return entry is not None and (entry.active or include_inactive)


def label(list_name: str, code: str | None, lang: str | None = None) -> str:
    """The label of ``code`` (inactive codes too: old cases keep theirs); the code itself when
    the list does not have it, and "" for no code."""
    if not code:
        return ""
    entry = entries(list_name).get(code)
    return entry.label(lang) if entry is not None else code


def choices(list_name: str, lang: str | None = None) -> list[tuple[str, str]]:
    """The active codes as ``(code, "code — label")`` (ownership: the label only), in the
    list's order."""
    shown = list_name in CODE_SHOWN
    return [
        (entry.code, f"{entry.code} — {entry.label(lang)}" if shown else entry.label(lang))
        for entry in entries(list_name).values()
        if entry.active
    ]


def unknown_code_message(list_name: str, code: str) -> str:
    return N_(
        "Mã %(code)s không có trong danh mục %(list)s.",
        code=code,
        list=LISTS.get(list_name, (list_name,))[0],
    )


def unknown_codes(fields: Iterable[Any], clean: Mapping[str, Any], prefix: str = "") -> dict:
    """The payload's codes that are not active codes of their field's list.

    ``fields`` are ``workflows.base.Field``s (a ``record``'s parts are walked too) and
    ``clean`` the parsed payload; answers ``{"field.path": [message]}`` (empty when all hold).
    """
    errors: dict[str, list[str]] = {}
    for f in fields:
        value = clean.get(f.name)
        if value is None:
            continue
        if f.kind == "code" and f.code_list and not exists(f.code_list, value):
            errors[prefix + f.name] = [unknown_code_message(f.code_list, value)]
        elif f.kind == "record" and isinstance(value, Mapping):
            errors.update(unknown_codes(f.parts, value, f"{prefix}{f.name}."))
    return errors


# -- writing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadResult:
    list_name: str
    added: int
    updated: int

    def summary(self) -> str:
        return f"{self.list_name}: {self.added} mã mới, {self.updated} mã cập nhật"


def _check_list(list_name: str) -> None:
    if list_name not in LISTS:
        raise ValidationFailed(
            {"list": [N_("Không có danh mục %(name)s.", name=list_name)]},
        )


def _checked_rows(list_name: str, rows: list[CsvRow]) -> list[dict[str, Any]]:
    """The rows as ``CodeEntry`` values; every problem found, by line and column, before
    anything is written. :raises ValidationFailed: under ``file``, one message per problem."""
    problems: list[str] = []
    known = set(entries(list_name))
    in_file = {row["code"] for row in rows}
    seen: set[str] = set()
    checked = []
    for row in rows:
        code, label_vi, parent = row["code"], row["label_vi"], row["parent"] or None
        if not CODE_PATTERN.fullmatch(code):
            problems.append(cell_error(row, "code", N_("mã “%(code)s” không hợp lệ.", code=code)))
        elif code in seen:
            problems.append(cell_error(row, "code", N_("mã %(code)s lặp lại.", code=code)))
        seen.add(code)
        if not label_vi:
            problems.append(cell_error(row, "label_vi", N_("thiếu tên tiếng Việt.")))
        for column in ("label_vi", "label_en"):
            if len(row[column]) > LABEL_LIMIT:
                problems.append(cell_error(row, column, too_long(LABEL_LIMIT)))
        if parent is not None and (parent == code or parent not in in_file | known):
            problems.append(
                cell_error(row, "parent",
                           N_("mã cha %(parent)s không có trong danh mục.", parent=parent))
            )  # fmt: skip
        checked.append(
            {"code": code, "label_vi": label_vi, "label_en": row["label_en"], "parent": parent}
        )
    if problems:
        raise ValidationFailed({"file": problems})
    return checked


def load_rows(list_name: str, rows: list[CsvRow], *, actor=None) -> LoadResult:
    """Add or update the codes of ``rows`` in ``list_name``; one transaction. Codes not in
    ``rows`` are kept; ``active`` is kept; the order (``sort``) follows the rows. A load that
    changes something is recorded in the security audit (``actor``: the administrator, None
    for the command line).

    :raises ValidationFailed: unknown list (``list``) or any bad row (``file``); nothing is
        written.
    """
    _check_list(list_name)
    checked = _checked_rows(list_name, rows)
    added = updated = 0
    try:
        with unit_of_work():
            existing = {
                e.code: e
                for e in db.session.scalars(
                    select(CodeEntry).where(CodeEntry.list_name == list_name)
                )
            }
            for position, values in enumerate(checked, start=1):
                entry = existing.get(values["code"])
                if entry is None:
                    db.session.add(CodeEntry(list_name=list_name, sort=position, active=True,
                                             **values))  # fmt: skip
                    added += 1
                    continue
                new = {**values, "sort": position}
                if any(getattr(entry, k) != v for k, v in new.items()):
                    for key, value in new.items():
                        setattr(entry, key, value)
                    updated += 1
            if added or updated:
                record(
                    "codes.loaded", actor=actor, target_type="code_list", target=list_name,
                    rows=len(checked), added=added, updated=updated,
                )  # fmt: skip
    finally:
        forget()
    return LoadResult(list_name, added, updated)


def load_csv(list_name: str, data: bytes | str, *, actor=None) -> LoadResult:
    """``load_rows`` from a CSV's content with the header ``code,label_vi,label_en,parent``
    (``label_en`` and ``parent`` may be left out), read as ``csv_files.read_csv`` reads any
    file people make: Excel's byte-order mark and CRLF, a semicolon, NFC text.

    :raises ValidationFailed: as ``read_csv`` and ``load_rows``.
    """
    _check_list(list_name)
    return load_rows(list_name, read_csv(data, COLUMNS, ("code", "label_vi")), actor=actor)


def load_defaults() -> list[LoadResult]:
    """Load every shipped list (``app/data/codes/<list>.csv``); idempotent."""
    return [load_csv(name, (DEFAULTS_DIR / f"{name}.csv").read_bytes()) for name in LISTS]


def add_code(list_name: str, code: str, label_vi: str, label_en: str = "",
             parent: str | None = None, *, actor=None) -> CodeEntry:  # fmt: skip
    """Add one code at the end of ``list_name`` (recorded in the security audit; ``actor``: the
    administrator, None for the command line).

    :raises ValidationFailed: unknown list, malformed or existing code, missing label, unknown
        parent (under ``code``, ``label_vi``, ``label_en``, ``parent``).
    """
    _check_list(list_name)
    code, label_vi, label_en, parent = nfc(code), nfc(label_vi), nfc(label_en), nfc(parent or "")
    errors: dict[str, list[str]] = {}
    if not CODE_PATTERN.fullmatch(code):
        errors["code"] = [N_("Mã gồm chữ, số, dấu chấm, gạch ngang; tối đa 20 ký tự.")]
    elif code in entries(list_name):
        errors["code"] = [N_("Mã %(code)s đã có trong danh mục.", code=code)]
    errors.update(_label_errors(label_vi, label_en))
    if parent and parent not in entries(list_name):
        errors["parent"] = [N_("Mã cha %(parent)s không có trong danh mục.", parent=parent)]
    if errors:
        raise ValidationFailed(errors)
    try:
        with unit_of_work():
            last = db.session.scalar(
                select(func.max(CodeEntry.sort)).where(CodeEntry.list_name == list_name)
            )
            entry = CodeEntry(list_name=list_name, code=code, label_vi=label_vi,
                              label_en=label_en, parent=parent or None, active=True,
                              sort=(last or 0) + 1)  # fmt: skip
            db.session.add(entry)
            record(
                "codes.added", actor=actor, target_type="code", target=f"{list_name}:{code}",
                after={"label_vi": label_vi, "label_en": label_en, "parent": parent or None},
            )  # fmt: skip
    finally:
        forget()
    return entry


def _label_errors(label_vi: str, label_en: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not label_vi:
        errors["label_vi"] = [N_("Bắt buộc nhập tên tiếng Việt.")]
    for name, text in (("label_vi", label_vi), ("label_en", label_en)):
        if len(text) > LABEL_LIMIT:
            errors[name] = [N_("Tối đa %(n)s ký tự.", n=LABEL_LIMIT)]
    return errors


def _entry(list_name: str, code: str) -> CodeEntry:
    entry = db.session.get(CodeEntry, (list_name, code))
    if entry is None:
        raise ValidationFailed({"code": [unknown_code_message(list_name, code)]})
    return entry


def edit_labels(
    list_name: str, code: str, label_vi: str, label_en: str = "", *, actor=None
) -> CodeEntry:
    """Change a code's labels (its code stays: cases store it); a change is recorded in the
    security audit (``actor``: the administrator, None for the command line).

    :raises ValidationFailed: no such code, missing or too long label.
    """
    label_vi, label_en = nfc(label_vi), nfc(label_en)
    errors = _label_errors(label_vi, label_en)
    if errors:
        raise ValidationFailed(errors)
    try:
        with unit_of_work():
            entry = _entry(list_name, code)
            before = {"label_vi": entry.label_vi, "label_en": entry.label_en}
            entry.label_vi, entry.label_en = label_vi, label_en
            after = {"label_vi": label_vi, "label_en": label_en}
            if after != before:
                record(
                    "codes.edited", actor=actor, target_type="code",
                    target=f"{list_name}:{code}", before=before, after=after,
                )  # fmt: skip
    finally:
        forget()
    return entry


def set_active(list_name: str, code: str, active: bool, *, actor=None) -> CodeEntry:
    """Offer a code again, or stop offering it (old cases keep it and its label); a change is
    recorded in the security audit (``actor``: the administrator, None for the command line).

    :raises ValidationFailed: no such code.
    """
    try:
        with unit_of_work():
            entry = _entry(list_name, code)
            if entry.active != active:
                record(
                    "codes.reactivated" if active else "codes.deactivated", actor=actor,
                    target_type="code", target=f"{list_name}:{code}",
                    before={"active": entry.active}, after={"active": active},
                )  # fmt: skip
            entry.active = active
    finally:
        forget()
    return entry


def overview() -> list[dict[str, Any]]:
    """Each list with its name and how many codes it has, active and in all."""
    counts = dict.fromkeys(LISTS, (0, 0))
    rows = db.session.execute(
        select(CodeEntry.list_name, func.count(), func.sum(cast(CodeEntry.active, Integer)))
        .group_by(CodeEntry.list_name)
    )  # fmt: skip
    for name, total, active in rows:
        counts[name] = (total, int(active or 0))
    return [
        {"name": name, "labels": LISTS.get(name, (name, name)), "total": t, "active": a}
        for name, (t, a) in counts.items()
    ]
