"""Any table as a file: XLSX (openpyxl) and CSV, for the pages whose numbers people take away.

A :class:`Table` is a title, a header row and rows of plain values (text, int, float, None).
Both formats carry the values as they are — a number stays a number, ``None`` is an empty cell
— so a file read back gives the JSON's figures:

- **XLSX**: one sheet per table, named by ``Table.sheet`` (default: the title) cut to Excel's
  31 characters, stripped of the characters Excel refuses (``[]:*?/\\``) and made unique
  (``" (2)"``…, compared without case as Excel does). Row 1 holds the full title (a sheet name
  may be cut), row 2 the header (bold, frozen), the rows from row 3. Column widths follow the
  longest text (8 to 60 characters). ``Table.formats`` gives a column's number format by its
  index, e.g. :data:`MONEY` (whole VND with thousands separators).
- **CSV**: UTF-8 **with a byte-order mark** (without it Excel reads Vietnamese as mojibake),
  CRLF line ends, comma separated; each table is its title row, its header row and its rows,
  tables separated by one blank line.

Text that a spreadsheet would run as a formula (starting ``=``, ``+``, ``-``, ``@``) stays text:
an XLSX cell is typed as a string, a CSV field gets a leading apostrophe (OWASP "CSV
injection"), since enterprise names and codes are typed by users.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The full Content-Type: pass it as a Response's content_type (a mimetype= of text/* gets a
# second charset from Werkzeug).
CSV_MIMETYPE = "text/csv; charset=utf-8"
MONEY = "#,##0"  # whole VND, thousands separated (shown as the reader's locale does)
ONE_DECIMAL = "0.0"
TWO_DECIMALS = "0.00"
SHEET_TITLE_MAX = 31  # Excel refuses longer sheet names
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_WIDTH_MIN, _WIDTH_MAX = 8, 60


@dataclass(frozen=True)
class Table:
    """``title``: what the table is (a row above it in both files); ``headers``: the column
    names; ``rows``: one list of values a row, as long as ``headers``; ``sheet``: a shorter
    sheet name for the workbook; ``formats``: column index → Excel number format."""

    title: str
    headers: list[str]
    rows: list[list[Any]]
    sheet: str | None = None
    formats: Mapping[int, str] = field(default_factory=dict)


def sheet_titles(tables: Sequence[Table]) -> list[str]:
    """Each table's sheet name: at most 31 characters, no forbidden character, unique."""
    taken: set[str] = set()
    titles = []
    for table in tables:
        base = _SHEET_FORBIDDEN.sub("-", table.sheet or table.title).strip() or "Sheet"
        title = base[:SHEET_TITLE_MAX].strip()
        n = 1
        while title.casefold() in taken:
            n += 1
            suffix = f" ({n})"
            title = base[: SHEET_TITLE_MAX - len(suffix)].strip() + suffix
        taken.add(title.casefold())
        titles.append(title)
    return titles


def to_xlsx(tables: Sequence[Table]) -> bytes:
    """The tables as an XLSX workbook, one sheet each (see the module docstring)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for table, title in zip(tables, sheet_titles(tables), strict=True):
        sheet = book.create_sheet(title)
        sheet.append([table.title])
        sheet["A1"].font = bold
        sheet.append(list(table.headers))
        for cell in sheet[2]:
            cell.font = bold
        for row in table.rows:
            sheet.append(list(row))
            for index, cell in enumerate(sheet[sheet.max_row]):
                if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
                    cell.data_type = "s"  # openpyxl would otherwise store it as a formula
                elif index in table.formats and isinstance(cell.value, int | float):
                    cell.number_format = table.formats[index]
        sheet.freeze_panes = "A3"
        for index, width in enumerate(_widths(table), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
    if not tables:
        book.create_sheet("Sheet")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _widths(table: Table) -> list[int]:
    columns = zip(table.headers, *table.rows, strict=False)
    return [
        max(_WIDTH_MIN, min(_WIDTH_MAX, max(len(_text(value)) for value in column) + 2))
        for column in columns
    ]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def to_csv(tables: Iterable[Table]) -> bytes:
    """The tables as CSV (see the module docstring): UTF-8 with BOM, CRLF line ends."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    for number, table in enumerate(tables):
        if number:
            writer.writerow([])
        writer.writerow([_csv_value(table.title)])
        writer.writerow([_csv_value(header) for header in table.headers])
        for row in table.rows:
            writer.writerow([_csv_value(value) for value in row])
    return text.getvalue().encode("utf-8-sig")


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
