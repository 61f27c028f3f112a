"""A periodic report as files: the statutory form as PDF (fpdf2) and as XLSX (openpyxl).

Both are drawn from one layout (``report_sections``) built from ``reports.report_view``, so
the PDF, the XLSX and the JSON carry the same totals: the frozen ``submitted`` totals once the
report was filed, else the live ones — and each file says which. Titles follow Decree 39/2016
Appendix XII (enterprise) and XVI (commune) (``workflows.law.reporting.FORM_LABELS``; the exact
column layout of the appendices is UNVERIFIED, see docs/statistics.md). Only counts and
amounts are written: no victim's name, national ID or medical detail is in a report.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from app.formatting import format_date, format_datetime
from app.services.papers import Paper, PaperPDF
from app.services.reports import BLOCK_LABELS, BREAKDOWN_LABELS, total_rows
from workflows import get_workflow
from workflows.base import parse_iso
from workflows.report import FIGURES

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YES_NO = {True: "Có", False: "Không"}


@dataclass
class Section:
    """A titled table: ``header`` then ``rows`` (cells are str or int)."""

    title: str
    header: list[str]
    rows: list[list[Any]] = field(default_factory=list)


def _day(text: str | None) -> str:
    return format_date(date.fromisoformat(text)) if text else "—"


def header_lines(view: dict[str, Any]) -> list[tuple[str, str]]:
    """The form's header as (label, value) pairs."""
    reporter = view["reporter"]
    name = reporter["name"] or "—"
    if reporter.get("tax_code"):
        name = f"{name} (MST {reporter['tax_code']})"
    submitted = view.get("submitted") or {}
    source = (
        f"Số liệu đã nộp lúc {format_datetime(parse_iso(submitted['submitted_at']))} "
        "(cố định khi nộp)"
        if view["shown"] == "submitted"
        else "Số liệu hiện tại từ các vụ việc (báo cáo chưa nộp)"
    )
    return [
        ("Mã báo cáo", view["code"]),
        ("Đơn vị báo cáo", name),
        ("Xã/phường", reporter.get("commune_name") or reporter.get("commune_code") or "—"),
        (
            "Kỳ báo cáo",
            f"{view['period_label'][0]} ({_day(view['first_day'])} – {_day(view['last_day'])})",
        ),
        ("Hạn nộp", _day(view["due_on"])),
        ("Trạng thái", get_workflow("report").state(view["state"]).label_vi),
        ("Số liệu", source),
    ]


def _figure_text(part, value: Any) -> Any:
    if value is None:
        return "—"
    if part.kind == "bool":
        return YES_NO.get(value, str(value))
    if part.kind == "date":
        return _day(value)
    return value


def report_sections(view: dict[str, Any]) -> list[Section]:
    """The statutory form's tables: the accident block, the commuting block, the breakdowns by
    occupation / cause / injuring factor, and the reporter's own figures."""
    totals = view["totals"]
    sections = [
        Section(
            BLOCK_LABELS["all"][0],
            ["Chỉ tiêu", "Số liệu"],
            [[labels[0], value] for _, labels, value in total_rows(totals)],
        ),
        Section(
            BLOCK_LABELS["commuting"][0],
            ["Chỉ tiêu", "Số liệu"],
            [[labels[0], value] for _, labels, value in total_rows(totals.get("commuting") or {})],
        ),
    ]
    for name, labels in BREAKDOWN_LABELS.items():
        items = (totals.get("by") or {}).get(name) or []
        sections.append(
            Section(
                labels[0],
                ["Mã", "Tên", "Số vụ", "Số người bị nạn", "Số người chết"],
                [
                    [i["key"] or "—", i["label"], i["accidents"], i["victims"], i["deaths"]]
                    for i in items
                ],
            )
        )
    submitted = view.get("submitted") or {}
    figures = submitted.get("figures") if view["shown"] == "submitted" else view.get("figures")
    sections.append(
        Section(
            "Số liệu của đơn vị",
            ["Chỉ tiêu", "Số liệu"],
            [
                [part.label_vi, _figure_text(part, (figures or {}).get(part.name))]
                for part in FIGURES.parts
            ],
        )  # fmt: skip
    )
    return sections


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return YES_NO[value]
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value)


def report_pdf(view: dict[str, Any]) -> Paper:
    """The statutory form as PDF (A4, Vietnamese), with the text lines written."""
    title, _ = view["form_label"]
    pdf = PaperPDF(title)
    pdf.add_page()
    pdf.national_header()
    pdf.heading(title.upper() if len(title) < 60 else title, size=12)
    for label, value in header_lines(view):
        pdf.field(label, value)
    usable = int(pdf.w - pdf.l_margin - pdf.r_margin)
    for section in report_sections(view):
        pdf.section(section.title)
        if not section.rows:
            pdf.paragraph("Không có.")
            continue
        widths = (
            [usable - 45, 45]
            if len(section.header) == 2
            else [20, usable - 20 - 3 * 25, 25, 25, 25]
        )
        pdf.grid(section.header, [[_cell(v) for v in row] for row in section.rows], widths)
    pdf.signatures(("NGƯỜI LẬP BÁO CÁO", ""), ("THỦ TRƯỞNG ĐƠN VỊ", ""))
    return Paper(f"{view['code']}-bao-cao.pdf", pdf.render(), pdf.lines)


def report_xlsx(view: dict[str, Any]) -> bytes:
    """The statutory form as one worksheet: the header, then each table (numbers as numbers)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Báo cáo"
    bold = Font(bold=True)
    sheet.append([view["form_label"][0]])
    sheet["A1"].font = Font(bold=True, size=12)
    for label, value in header_lines(view):
        sheet.append([label, value])
    for section in report_sections(view):
        sheet.append([])
        sheet.append([section.title])
        sheet.cell(sheet.max_row, 1).font = bold
        sheet.append(section.header)
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for row in section.rows:
            sheet.append(row)
    sheet.column_dimensions["A"].width = 58
    sheet.column_dimensions["B"].width = 40
    for letter in "CDE":
        sheet.column_dimensions[letter].width = 16
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
