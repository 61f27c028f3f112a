"""Reading the CSV files people make (the commune list, code lists): one reader for every
import, so each takes what Excel writes and each error names the line and the column.

Excel saves "CSV UTF-8" with a byte-order mark and CRLF line ends, and with Vietnamese
regional settings separates values with a semicolon; a file exported on a Mac may hold
decomposed (NFD) Vietnamese. :func:`read_csv` takes all of these and gives NFC text
(``workflows.inputs.nfc``), so an import compares what it reads with what is stored as equals.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from app.errors import ValidationFailed
from app.i18n import N_
from workflows.inputs import has_bad_characters, nfc

NOT_UTF8 = N_("Tệp phải là CSV mã hóa UTF-8.")
NO_ROWS = N_("Tệp không có dòng dữ liệu nào.")


@dataclass(frozen=True)
class CsvRow:
    """One row of a CSV file: ``line``, the file's line where it starts (the header is line
    1), and its ``values`` by column name (lower case), NFC and stripped; "" when missing."""

    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")


def read_csv(data: bytes | str, columns: Iterable[str], required: Iterable[str]) -> list[CsvRow]:
    """The rows of a CSV file as people make them: UTF-8 with or without the byte-order mark
    Excel writes, CRLF, LF or CR line ends, a comma or a semicolon between values (Excel with
    Vietnamese regional settings), header names in any case with spaces around. Blank lines are
    skipped; line numbers stay the file's. Only ``columns`` are kept.

    :raises ValidationFailed: under ``file``: not UTF-8, a ``required`` column missing from
        the header, a line the csv module cannot read (a NUL byte), or no rows.
    """
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationFailed({"file": [NOT_UTF8]}) from None
    text = nfc(data.removeprefix("\ufeff"))
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if ";" in first and "," not in first else ","
    # newline="": the csv module reads \r\n, \n and \r itself (and newlines inside quotes).
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader, [])]
    columns = tuple(columns)
    if any(name not in header for name in required):
        header_needed = N_("Dòng đầu phải là tiêu đề %(columns)s.", columns=",".join(columns))
        raise ValidationFailed({"file": [header_needed]})
    rows = []
    line = reader.line_num + 1
    try:
        for values in reader:
            if any(has_bad_characters(value) for value in values):
                raise csv.Error("NUL")  # PostgreSQL would refuse it in text
            if any(value.strip() for value in values):
                cells = dict(zip(header, (value.strip() for value in values), strict=False))
                rows.append(CsvRow(line, {name: cells.get(name, "") for name in columns}))
            line = reader.line_num + 1
    except csv.Error:  # a NUL, or a value longer than the csv module takes
        raise ValidationFailed({"file": [N_("Dòng %(n)s: không đọc được.", n=line)]}) from None
    if not rows:
        raise ValidationFailed({"file": [NO_ROWS]})
    return rows


def cell_error(row: CsvRow, column: str, problem: str) -> str:
    """Where in the file a problem is: "Dòng 3, cột name: …" (line 3, column name)."""
    return N_("Dòng %(line)s, cột %(column)s: %(problem)s", line=row.line, column=column,
              problem=problem)  # fmt: skip
