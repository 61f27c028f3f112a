"""The directive tracker's and the process analytics' tables as files (``table_export``).

The tables are built from the very dicts the pages and the API show
(``targets.targets_for``, ``targets.monthly_chart``, ``analytics.process_analytics``), so a
file carries the JSON's numbers; only labels are added, in ``lang`` ("vi" or "en"), and raw keys
(a target's or a status's name) never appear.

- Targets (``chi-tieu-<year>.xlsx|csv``): the targets (label, baseline year, baseline, value,
  change %, goal %, status, projected year end and its 90 % band; rates in ‰, counts whole),
  then the deaths by month (month 1–12, deaths — empty for months to come —, the model's
  expected deaths of the months to come).
- Process (``phan-tich-quy-trinh-<from>-<to>.xlsx|csv``): each step overall, then by industry
  and by enterprise (one long table each, the step in the first column), then the enterprises
  late most often. Durations in days (1 decimal). No victim appears: the source has none.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.formatting import format_date
from app.services.table_export import ONE_DECIMAL, TWO_DECIMALS, Table
from app.services.targets import STATUS_LABELS, TARGET_LABELS

Pair = tuple[str, str]


def _pick(pair: Pair, lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def _headers(pairs: list[Pair], lang: str) -> list[str]:
    return [_pick(pair, lang) for pair in pairs]


# -- the directive's targets ---------------------------------------------------------------------

TARGET_HEADERS: list[Pair] = [
    ("Chỉ tiêu", "Target"),
    ("Năm gốc", "Baseline year"),
    ("Giá trị năm gốc", "Baseline value"),
    ("Giá trị năm %(year)s", "Value %(year)s"),
    ("Thay đổi (%)", "Change (%)"),
    ("Mục tiêu (%)", "Goal (%)"),
    ("Đánh giá", "Status"),
    ("Dự báo cuối năm", "Projected year end"),
    ("Dự báo: cận dưới (90 %)", "Projection: low (90 %)"),
    ("Dự báo: cận trên (90 %)", "Projection: high (90 %)"),
]
MONTH_HEADERS: list[Pair] = [
    ("Tháng", "Month"),
    ("Số người chết", "Deaths"),
    ("Dự báo (mô hình)", "Projected (model)"),
]


def targets_tables(
    year: int, items: list[dict[str, Any]], months: list[dict[str, Any]], lang: str = "vi"
) -> list[Table]:
    """The targets table and the monthly deaths table of ``year``; ``items`` as
    ``targets.targets_for`` gives them, ``months`` as ``targets.monthly_chart``."""
    headers = [h.replace("%(year)s", str(year)) for h in _headers(TARGET_HEADERS, lang)]
    rows = []
    for item in items:
        projection = item["projection"] or {}
        rows.append(
            [
                _pick(TARGET_LABELS[item["target"]], lang),
                item["baseline_year"],
                item["baseline"],
                item["value"],
                item["change_pct"],
                item["goal_pct"],
                _pick(STATUS_LABELS[item["status"]], lang),
                projection.get("value"),
                projection.get("low"),
                projection.get("high"),
            ]
        )

    def pick(pair: Pair) -> str:
        return _pick(pair, lang)

    return [
        Table(
            title=pick(("Chỉ tiêu Chỉ thị 31-CT/TW năm %s", "Directive 31-CT/TW targets %s"))
            % year,
            sheet=pick(("Chỉ tiêu %s", "Targets %s")) % year,
            headers=headers,
            rows=rows,
            formats={
                4: ONE_DECIMAL,
                5: ONE_DECIMAL,
                7: TWO_DECIMALS,
                8: TWO_DECIMALS,
                9: TWO_DECIMALS,
            },  # fmt: skip
        ),
        Table(
            title=pick(("Số người chết theo tháng, năm %s", "Deaths by month, %s")) % year,
            sheet=pick(("Theo tháng %s", "By month %s")) % year,
            headers=_headers(MONTH_HEADERS, lang),
            rows=[[m["month"], m["deaths"], m["projected"]] for m in months],
            formats={2: ONE_DECIMAL},
        ),
    ]


def targets_filename(year: int, extension: str) -> str:
    """``chi-tieu-2026.xlsx``: ASCII, safe in a header."""
    return f"chi-tieu-{year}.{extension}"


# -- process analytics ---------------------------------------------------------------------------

SUMMARY_HEADERS: list[Pair] = [
    ("Số vụ", "Cases"),
    ("Trung vị (ngày)", "Median (days)"),
    ("Phân vị 90 (ngày)", "90th percentile (days)"),
]
STEP: Pair = ("Bước", "Step")
INDUSTRY_HEADERS: list[Pair] = [("Mã ngành (VSIC)", "Industry code (VSIC)"),
                                ("Ngành", "Industry")]  # fmt: skip
ENTERPRISE_HEADERS: list[Pair] = [("Mã số thuế", "Tax code"), ("Doanh nghiệp", "Enterprise")]
LATE_HEADERS: list[Pair] = [
    *ENTERPRISE_HEADERS,
    ("Số thời hạn", "Deadlines"),
    ("Trễ hạn", "Late"),
    ("Tỷ lệ trễ (%)", "Share late (%)"),
]


def _summary(item: dict[str, Any]) -> list[Any]:
    return [item["n"], item["median_days"], item["p90_days"]]


def process_tables(body: dict[str, Any], lang: str = "vi") -> list[Table]:
    """The tables of ``body`` (``analytics.process_analytics(query, lang=lang)``): overall,
    by industry, by enterprise, late enterprises."""

    def pick(pair: Pair) -> str:
        return _pick(pair, lang)

    scope = pick(("khai báo từ %s đến %s", "declared %s to %s")) % (
        format_date(date.fromisoformat(body["from"])),
        format_date(date.fromisoformat(body["to"])),
    )
    if body["industry"]:
        scope += pick((", ngành %s", ", industry %s")) % body["industry"]
    if body["enterprise"]:
        scope += pick((", doanh nghiệp %s", ", enterprise %s")) % body["enterprise"]

    def title(pair: Pair) -> str:
        return f"{pick(pair)} ({scope})"

    measures = body["measures"]
    days = {1: ONE_DECIMAL, 2: ONE_DECIMAL}
    grouped = {3: ONE_DECIMAL, 4: ONE_DECIMAL}

    def grouped_table(titled: Pair, sheet: Pair, group_headers, group: str) -> Table:
        # Each step's durations per group (industry or enterprise), one row per step and group.
        return Table(
            title=title(titled),
            sheet=pick(sheet),
            headers=[pick(STEP), *_headers(group_headers, lang), *_headers(SUMMARY_HEADERS, lang)],
            rows=[
                [m["label"], g["key"], g["label"], *_summary(g)] for m in measures for g in m[group]
            ],  # fmt: skip
            formats=grouped,
        )

    return [
        Table(
            title=title(("Thời gian xử lý: toàn bộ", "Time taken: overall")),
            sheet=pick(("Toàn bộ", "Overall")),
            headers=[pick(STEP), *_headers(SUMMARY_HEADERS, lang)],
            rows=[[m["label"], *_summary(m["overall"])] for m in measures],
            formats=days,
        ),
        grouped_table(
            ("Thời gian xử lý theo ngành", "Time taken by industry"),
            ("Theo ngành", "By industry"),
            INDUSTRY_HEADERS,
            "by_industry",
        ),
        grouped_table(
            ("Thời gian xử lý theo doanh nghiệp", "Time taken by enterprise"),
            ("Theo doanh nghiệp", "By enterprise"),
            ENTERPRISE_HEADERS,
            "by_enterprise",
        ),
        Table(
            title=title(("Doanh nghiệp hay trễ hạn nhất", "Enterprises late most often")),
            sheet=pick(("Trễ hạn", "Late")),
            headers=_headers(LATE_HEADERS, lang),
            rows=[
                [e["key"], e["label"], e["deadlines"], e["late"], e["late_share"]]
                for e in body["late_enterprises"]
            ],  # fmt: skip
            formats={4: ONE_DECIMAL},
        ),
    ]


def process_filename(body: dict[str, Any], extension: str) -> str:
    """``phan-tich-quy-trinh-2026-01-01-2026-04-10.xlsx``: ASCII, safe in a header."""
    return f"phan-tich-quy-trinh-{body['from']}-{body['to']}.{extension}"
