"""The accident figures as files: XLSX (openpyxl) and CSV, the same numbers as the JSON.

Both files hold the same tables (docs/statistics.md "City statistics"):

- the totals: one row per measure — ``key``, label, total, with a labour relation, without
  one (the costs one row each, then property damage; the workforce, K and K_fatal have the
  total only, as the contract defines them over all victims of the enterprises in scope);
- one table per breakdown (industry, commune, type of ownership, occupation, cause,
  injuring factor, gender, age band): ``key``, label, accidents, victims, deaths.

XLSX: a sheet of totals (with the period on top) and one sheet per breakdown. CSV: UTF-8
with a byte-order mark (so Excel shows Vietnamese), CRLF line ends, the totals table first,
then each breakdown as its own table with its own header row, separated by one blank line; the
first column of each breakdown table names the breakdown on every row, so a table still says
what it is when copied out alone. Labels follow ``lang``; keys stay the codes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from typing import Any

from app.services.statistics import (
    BREAKDOWN_LABELS,
    BREAKDOWNS,
    COST_LABELS,
    COUNT_LABELS,
    COUNTS,
    PROPERTY_DAMAGE_LABEL,
    RATE_LABELS,
)

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv; charset=utf-8"
HEADERS = {
    "totals": (
        ("Mã chỉ tiêu", "Key"),
        ("Chỉ tiêu", "Measure"),
        ("Tổng số", "Total"),
        ("Có quan hệ lao động", "With a labour relation"),
        ("Không có quan hệ lao động", "Without a labour relation"),
    ),
    "breakdown": (
        ("Phân theo", "Breakdown"),
        ("Mã", "Key"),
        ("Tên", "Label"),
        ("Số vụ", "Accidents"),
        ("Số người bị nạn", "Victims"),
        ("Số người chết", "Deaths"),
    ),
}
PERIOD_LABEL = ("Thời kỳ", "Period")
# Excel refuses sheet titles over 31 characters.
SHEET_TITLE_MAX = 31

Progress = Callable[[int, int], None]


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def totals_rows(figures: Mapping[str, Any], lang: str = "vi") -> list[tuple]:
    """The totals table: ``(key, label, total, with, without)`` per measure, in the forms'
    order; the workforce, K and K_fatal of each block as the figures give them (none for the
    block without a labour relation)."""
    blocks = (figures, figures["with_labour_relation"], figures["without_labour_relation"])
    rows: list[tuple] = [
        (name, _pick(COUNT_LABELS[name], lang), *(block[name] for block in blocks))
        for name in COUNTS
    ]
    rows += [
        (f"costs_vnd.{name}", _pick(label, lang), *(b["costs_vnd"][name] for b in blocks))
        for name, label in COST_LABELS.items()
    ]
    rows.append(
        ("property_damage_vnd", _pick(PROPERTY_DAMAGE_LABEL, lang),
         *(block["property_damage_vnd"] for block in blocks))
    )  # fmt: skip
    rows += [
        (name, _pick(label, lang), *(block.get(name) for block in blocks))
        for name, label in RATE_LABELS.items()
    ]
    return rows


def breakdown_rows(figures: Mapping[str, Any], name: str) -> list[tuple]:
    """One breakdown's table: ``(key, label, accidents, victims, deaths)`` per item."""
    return [
        (item["key"], item["label"], item["accidents"], item["victims"], item["deaths"])
        for item in figures["by"][name]
    ]


def _period(figures: Mapping[str, Any]) -> str:
    first, last = figures["from"], figures["to"]
    return f"{first[8:10]}/{first[5:7]}/{first[:4]} – {last[8:10]}/{last[5:7]}/{last[:4]}"


def accidents_xlsx(
    figures: Mapping[str, Any], lang: str = "vi", progress: Progress | None = None
) -> bytes:
    """The figures as an XLSX workbook (see the module docstring); ``progress(done, total)``
    is called after each sheet, for the background export's progress bar."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    steps = 1 + len(BREAKDOWNS) + 1
    book = Workbook()
    sheet = book.active
    sheet.title = _pick(("Tổng hợp", "Totals"), lang)
    sheet.append([_pick(PERIOD_LABEL, lang), _period(figures)])
    sheet.append([])
    sheet.append([_pick(h, lang) for h in HEADERS["totals"]])
    header_row = sheet.max_row
    for row in totals_rows(figures, lang):
        sheet.append(list(row))
    _bold(sheet, header_row, Font)
    _widths(sheet, (24, 48, 14, 20, 22))
    if progress:
        progress(1, steps)
    for done, name in enumerate(BREAKDOWNS, start=2):
        title = _pick(BREAKDOWN_LABELS[name], lang)[:SHEET_TITLE_MAX]
        sheet = book.create_sheet(title)
        sheet.append([_pick(h, lang) for h in HEADERS["breakdown"]])
        for row in breakdown_rows(figures, name):
            sheet.append([name, *row])
        _bold(sheet, 1, Font)
        _widths(sheet, (16, 14, 48, 10, 16, 14))
        if progress:
            progress(done, steps)
    out = io.BytesIO()
    book.save(out)
    if progress:
        progress(steps, steps)
    return out.getvalue()


def _bold(sheet, row: int, font_cls) -> None:
    for cell in sheet[row]:
        cell.font = font_cls(bold=True)


def _widths(sheet, widths: tuple[int, ...]) -> None:
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def accidents_csv(figures: Mapping[str, Any], lang: str = "vi") -> bytes:
    """The figures as CSV (see the module docstring): UTF-8 with BOM, CRLF line ends."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([_pick(h, lang) for h in HEADERS["totals"]])
    for row in totals_rows(figures, lang):
        writer.writerow(["" if value is None else value for value in row])
    for name in BREAKDOWNS:
        writer.writerow([])
        writer.writerow([_pick(h, lang) for h in HEADERS["breakdown"]])
        for row in breakdown_rows(figures, name):
            writer.writerow([name, *row])
    return text.getvalue().encode("utf-8-sig")


def filename(figures: Mapping[str, Any], extension: str) -> str:
    """``thong-ke-tai-nan-2026-01-01-2026-06-30.xlsx``: ASCII, safe in a header."""
    return f"thong-ke-tai-nan-{figures['from']}-{figures['to']}.{extension}"
