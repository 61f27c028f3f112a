"""The tracker's and process analytics' files: read back, they carry the API's numbers.

The fixtures are those of ``test_targets.py`` (``city``: today 20/11/2026, so 2025 is a
finished year) and ``test_process_analytics.py`` (``timelines``: three accidents of spring 2026
with known step times). Beside the comparison with the JSON, each test anchors a few figures
known from the data it made, so a file that merely copied a wrong JSON would still fail.
"""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.services.table_export import MONEY, Table, sheet_titles, to_csv, to_xlsx
from tests.api.case_api import Api
from tests.statistics import test_process_analytics, test_targets
from tests.statistics.tracker_data import accident_on, filed_report, vn

city = test_targets.city
timelines = test_process_analytics.timelines
BOM = b"\xef\xbb\xbf"
RAW_STATUSES = ("on_track", "off_track", "no_data", '"met"', ",met,")


@pytest.fixture
def api(client):
    return Api(client)


def sheets(data: bytes) -> dict[str, list[tuple]]:
    """Sheet name → its rows (title, header, data rows) as values."""
    book = load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def csv_tables(data: bytes) -> list[list[list[str]]]:
    """The CSV's tables (split at the blank lines), each as its rows (title, header, data)."""
    assert data.startswith(BOM)
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    tables: list[list[list[str]]] = [[]]
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")):
        if row:
            tables[-1].append(row)
        else:
            tables.append([])
    return tables


def number(text: str) -> float | None:
    return None if text == "" else float(text)


def every_text(data: bytes, kind: str) -> str:
    if kind == "csv":
        return data.decode("utf-8-sig")
    return "\n".join(str(value) for rows in sheets(data).values() for row in rows for value in row)


# -- the generic tables --------------------------------------------------------------------------


def test_sheet_titles_are_short_unique_and_allowed():
    long = "Từ khai báo đến khi thành lập đoàn điều tra theo ngành"
    tables = [Table(long, [], []), Table(long, [], []), Table("a/b: c?", [], []),
              Table("X", [], [], sheet="Tổng"), Table("Y", [], [], sheet="tổng")]  # fmt: skip
    titles = sheet_titles(tables)
    assert titles[0] == long[:31].strip() and len(titles[0]) <= 31
    assert titles[1].endswith(" (2)") and len(titles[1]) <= 31
    assert titles[2] == "a-b- c-"
    assert titles[3:] == ["Tổng", "tổng (2)"]


def test_xlsx_keeps_numbers_formats_money_and_leaves_none_empty():
    table = Table(
        "Chi phí (VND)",
        ["Doanh nghiệp", "Chi phí", "Tỷ lệ"],
        [["Công ty Một", 1_234_567, 12.5], ['=HYPERLINK("x")', None, 0.0]],
        formats={1: MONEY},
    )
    book = load_workbook(io.BytesIO(to_xlsx([table, Table("Trống", ["A"], [])])))
    sheet = book.worksheets[0]
    assert [s.title for s in book.worksheets] == ["Chi phí (VND)", "Trống"]
    assert sheet["A1"].value == "Chi phí (VND)" and sheet["A1"].font.bold
    assert [c.value for c in sheet[2]] == ["Doanh nghiệp", "Chi phí", "Tỷ lệ"]
    assert all(c.font.bold for c in sheet[2])
    assert sheet["B3"].value == 1_234_567 and sheet["B3"].number_format == "#,##0"
    assert sheet["C3"].value == 12.5
    assert sheet["A4"].value == '=HYPERLINK("x")' and sheet["A4"].data_type == "s"
    assert sheet["B4"].value is None
    assert sheet.column_dimensions["A"].width >= len("Doanh nghiệp")


def test_csv_has_bom_crlf_and_titled_tables_separated_by_a_blank_line():
    tables = [Table("Một", ["Tên", "Số"], [["Hà Nội", 1], ["@x", None]]),
              Table("Hai", ["A"], [[2.5]])]  # fmt: skip
    assert to_csv(tables) == (
        BOM + "Một\r\nTên,Số\r\nHà Nội,1\r\n'@x,\r\n\r\nHai\r\nA\r\n2.5\r\n".encode()
    )


# -- the directive's targets ---------------------------------------------------------------------


def finished_year(city):
    """2024: three deaths among 2,000 workers, 100 examined, both monitored; 2025: two deaths
    (May and December), 110 examined, one monitored; a commune's death (June 2025) is not the
    fatal rate's."""
    accident_on(city.ent_a, vn(2024, 3, 10), ("death", "death"))
    accident_on(city.ent_b, vn(2024, 8, 1), ("death", "serious"))
    filed_report(city.a, 2024, workers=1000, od_examined_workers=60, environment_monitored=True)
    filed_report(city.b, 2024, workers=1000, od_examined_workers=40, environment_monitored=True)
    victims = [
        accident_on(city.ent_a, vn(2025, 12, 31, 23), ("death",)),
        accident_on(city.ent_b, vn(2025, 5, 5), ("death", "light")),
        accident_on(city.comm, vn(2025, 6, 6), ("death",)),
    ]
    filed_report(city.a, 2025, workers=1200, od_examined_workers=70, environment_monitored=True)
    filed_report(city.b, 2025, workers=800, od_examined_workers=40, environment_monitored=False)
    return [v.full_name for case in victims for v in case.victims]


TARGET_ROWS_2025 = [
    # label, baseline year, baseline, value, change %, goal %, status, projection ×3
    ("Tần suất tai nạn lao động chết người (K chết, ‰)", 2024, 1.5, 1.0, -33.3, -4.0, "Đạt",
     None, None, None),
    ("Số người lao động được khám phát hiện bệnh nghề nghiệp", 2024, 100, 110, 10.0, 5.0, "Đạt",
     None, None, None),
    ("Số cơ sở được quan trắc môi trường lao động", 2024, 2, 1, -50.0, 5.0, "Chưa đạt",
     None, None, None),
]  # fmt: skip


def json_target_rows(items):
    return [
        (item["baseline_year"], item["baseline"], item["value"], item["change_pct"],
         item["goal_pct"], *(((item["projection"] or {}).get(k)) for k in ("value", "low", "high")))
        for item in items
    ]  # fmt: skip


def test_the_targets_workbook_carries_the_apis_numbers(city, api, signed_in):
    names = finished_year(city)
    items = api.get("/statistics/targets?year=2025", city.insp).get_json()
    response = signed_in(city.insp.username).get("/statistics/targets.xlsx?year=2025")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"] == 'attachment; filename="chi-tieu-2025.xlsx"'

    book = sheets(response.data)
    assert list(book) == ["Chỉ tiêu 2025", "Theo tháng 2025"]
    targets = book["Chỉ tiêu 2025"]
    assert targets[0][0] == "Chỉ tiêu Chỉ thị 31-CT/TW năm 2025"
    assert targets[1][:4] == ("Chỉ tiêu", "Năm gốc", "Giá trị năm gốc", "Giá trị năm 2025")
    assert targets[2:] == TARGET_ROWS_2025
    assert [row[1:6] + row[7:] for row in targets[2:]] == json_target_rows(items)

    months = book["Theo tháng 2025"]
    assert months[1] == ("Tháng", "Số người chết", "Dự báo (mô hình)")
    deaths = {5: 1, 12: 1}  # the commune's June death has no labour relation
    assert months[2:] == [(m, deaths.get(m, 0), None) for m in range(1, 13)]

    text = every_text(response.data, "xlsx")
    assert not any(raw in text for raw in ("on_track", "off_track", "no_data", "fatal_rate"))
    assert not any(name in text for name in names)


def test_the_targets_csv_carries_the_apis_numbers(city, api, signed_in):
    names = finished_year(city)
    items = api.get("/statistics/targets?year=2025", city.insp).get_json()
    response = signed_in(city.insp.username).get("/statistics/targets.csv?year=2025")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="chi-tieu-2025.csv"'
    assert response.data.startswith(BOM)

    targets, months = csv_tables(response.data)
    assert targets[0] == ["Chỉ tiêu Chỉ thị 31-CT/TW năm 2025"]
    assert [row[6] for row in targets[2:]] == ["Đạt", "Đạt", "Chưa đạt"]
    assert [row[0] for row in targets[2:]] == [row[0] for row in TARGET_ROWS_2025]
    read = [
        (int(row[1]), *(number(cell) for cell in row[2:6]), *(number(c) for c in row[7:]))
        for row in targets[2:]
    ]
    assert read == json_target_rows(items)
    assert months[0] == ["Số người chết theo tháng, năm 2025"]
    assert [row[1] for row in months[2:]] == ["1" if m in (5, 12) else "0" for m in range(1, 13)]

    text = every_text(response.data, "csv")
    assert not any(raw in text for raw in RAW_STATUSES)
    assert not any(name in text for name in names)


def test_the_running_years_file_carries_the_projection(city, api, signed_in):
    # One death a month from 2024 to October 2026 (today is 20/11/2026).
    for year, last in ((2024, 12), (2025, 12), (2026, 10)):
        for month in range(1, last + 1):
            accident_on(city.ent_a if month % 2 else city.ent_b, vn(year, month, 15), ("death",))
    items = api.get("/statistics/targets", city.insp).get_json()
    book = sheets(signed_in(city.insp.username).get("/statistics/targets.xlsx").data)
    targets, months = book["Chỉ tiêu 2026"], book["Theo tháng 2026"]
    assert [row[1:6] + row[7:] for row in targets[2:]] == json_target_rows(items)
    fatal = targets[2]
    assert fatal[7] is not None and fatal[8] <= fatal[7] <= fatal[9]
    assert [row[1] for row in months[2:]] == [1] * 10 + [0, None]
    projected = [row[2] for row in months[2:]]
    assert projected[:10] == [None] * 10 and all(v > 0 for v in projected[10:])


def test_the_targets_files_follow_the_pages_rules(city, signed_in):
    enterprise = signed_in(city.ent_a.username)
    for extension in ("xlsx", "csv"):
        assert enterprise.get(f"/statistics/targets.{extension}?year=2025").status_code == 403
        assert enterprise.get(f"/statistics/targets.{extension}?year=abc").status_code == 403
    inspector = signed_in(city.insp.username)
    bad = inspector.get("/statistics/targets.csv?year=1999")
    assert bad.status_code == 422 and 'id="year-error"' in bad.get_data(as_text=True)
    page = inspector.get("/statistics/targets?year=2025").get_data(as_text=True)
    assert 'href="/statistics/targets.xlsx?year=2025"' in page
    assert 'href="/statistics/targets.csv?year=2025"' in page
    assert "Tải XLSX" in page and "Tải CSV" in page


def test_the_targets_file_in_english(city, signed_in):
    finished_year(city)
    city.insp.locale = "en"
    db.session.commit()
    book = sheets(signed_in(city.insp.username).get("/statistics/targets.xlsx?year=2025").data)
    targets = book["Targets 2025"]
    assert targets[1][0] == "Target" and targets[2][0].startswith("Fatal accident rate")
    assert [row[6] for row in targets[2:]] == ["Met", "Met", "Off track"]


# -- process analytics ---------------------------------------------------------------------------

PROCESS = "/statistics/process{}?from=2026-01-01&to=2026-04-10"


def summary_rows(body):
    overall = [(m["label"], m["overall"]["n"], m["overall"]["median_days"],
                m["overall"]["p90_days"]) for m in body["measures"]]  # fmt: skip
    grouped = {
        by: [
            (m["label"], g["key"], g["label"], g["n"], g["median_days"], g["p90_days"])
            for m in body["measures"]
            for g in m[by]
        ]  # fmt: skip
        for by in ("by_industry", "by_enterprise")
    }
    late = [(e["key"], e["label"], e["deadlines"], e["late"], e["late_share"])
            for e in body["late_enterprises"]]  # fmt: skip
    return overall, grouped["by_industry"], grouped["by_enterprise"], late


def victim_names(timelines):
    return [v.full_name for case in (timelines.one, timelines.three) for v in case.victims]


def test_the_process_workbook_carries_the_apis_numbers(timelines, api, signed_in):
    body = api.get(PROCESS.format(""), timelines.insp).get_json()
    response = signed_in(timelines.insp.username).get(PROCESS.format(".xlsx"))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="phan-tich-quy-trinh-2026-01-01-2026-04-10.xlsx"'
    )
    book = sheets(response.data)
    assert list(book) == ["Toàn bộ", "Theo ngành", "Theo doanh nghiệp", "Trễ hạn"]
    assert book["Toàn bộ"][0][0] == (
        "Thời gian xử lý: toàn bộ (khai báo từ 01/01/2026 đến 10/04/2026)"
    )
    read = tuple(book[name][2:] for name in book)
    assert read == summary_rows(body)
    # Known from the timelines: lags 1, 3 and 0.5 days; E2 late once of once, E1 once of twice.
    assert book["Toàn bộ"][2] == ("Từ khi xảy ra đến khi khai báo", 3, 1.0, 2.6)
    assert book["Trễ hạn"][2:] == [("0200000002", "Công ty Xây dựng Hai", 1, 1, 100.0),
                                   ("0200000001", "Công ty Cơ khí Một", 2, 1, 50.0)]  # fmt: skip
    text = every_text(response.data, "xlsx")
    assert not any(name in text for name in victim_names(timelines))


def test_the_process_csv_carries_the_apis_numbers(timelines, api, signed_in):
    body = api.get(PROCESS.format(""), timelines.insp).get_json()
    response = signed_in(timelines.insp.username).get(PROCESS.format(".csv"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    tables = csv_tables(response.data)
    assert [t[0][0].split(" (")[0] for t in tables] == [
        "Thời gian xử lý: toàn bộ", "Thời gian xử lý theo ngành",
        "Thời gian xử lý theo doanh nghiệp", "Doanh nghiệp hay trễ hạn nhất"]  # fmt: skip
    overall, by_industry, by_enterprise, late = summary_rows(body)
    assert [(r[0], int(r[1]), number(r[2]), number(r[3])) for r in tables[0][2:]] == overall
    for table, expected in ((tables[1], by_industry), (tables[2], by_enterprise)):
        read = [(r[0], r[1], r[2], int(r[3]), number(r[4]), number(r[5])) for r in table[2:]]
        assert read == expected
    assert [(r[0], r[1], int(r[2]), int(r[3]), float(r[4])) for r in tables[3][2:]] == late
    assert not any(name in every_text(response.data, "csv") for name in victim_names(timelines))


def test_the_process_files_follow_the_pages_rules(timelines, signed_in):
    own = sheets(signed_in(timelines.ent1.username).get("/statistics/process.xlsx").data)
    assert {row[1] for row in own["Theo doanh nghiệp"][2:]} == {"0200000001"}
    assert [row[0] for row in own["Trễ hạn"][2:]] == ["0200000001"]
    assert signed_in(timelines.comm.username).get("/statistics/process.csv").status_code == 403
    inspector = signed_in(timelines.insp.username)
    bad = inspector.get("/statistics/process.xlsx?from=2026-13-01&industry=25C")
    assert bad.status_code == 422
    assert 'id="f-from-error"' in bad.get_data(as_text=True)
    page = inspector.get("/statistics/process?from=2026-01-01&industry=C25").get_data(as_text=True)
    assert 'href="/statistics/process.csv?from=2026-01-01&amp;industry=C25"' in page
