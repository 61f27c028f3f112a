"""The /statistics page: the filters (errors beside the fields, all at once, what was typed
kept), the figures in the caller's scope, the downloads carrying the same filters, the
navigation, and the background export's progress page."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from tests.statistics.city import finish_export, people_named

YEAR = "from=01/01/2026&to=31/12/2026"


def _row(html: str, key: str) -> list[str]:
    match = re.search(rf'<tr data-key="{re.escape(key)}">(.*?)</tr>', html, re.S)
    assert match, key
    return [re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]  # fmt: skip


def test_inspector_sees_the_citys_figures_side_by_side(signed_in, city):
    client = signed_in(city.insp.username)
    html = client.get(f"/statistics?{YEAR}").get_data(as_text=True)
    # total, with a labour relation, without (conftest's table).
    assert _row(html, "accidents") == ["5", "4", "1"]
    assert _row(html, "victims") == ["7", "6", "1"]
    assert _row(html, "costs_vnd.total") == ["21.000.000 đ", "21.000.000 đ", "0 đ"]
    # K over every victim (contract.md); the with-a-labour-relation column: the workforce's own.
    assert _row(html, "k") == ["7,00", "6,00", "—"]
    assert _row(html, "k_fatal") == ["1,00", "1,00", "—"]
    assert 'data-testid="by-industry"' in html and 'data-testid="charts"' in html
    assert 'href="/statistics"' in html and ">Thống kê<" in html  # in the navigation
    xlsx = re.search(r'href="([^"]+)" data-testid="download-xlsx"', html).group(1)
    assert "from=01/01/2026" in xlsx.replace("%2F", "/") and "to=31/12/2026" in xlsx.replace(
        "%2F", "/"
    )


def test_enterprise_sees_its_own_and_the_page_names_no_victim(signed_in, city):
    client = signed_in(city.ent1.username)
    html = client.get(f"/statistics?{YEAR}").get_data(as_text=True)
    assert _row(html, "accidents") == ["2", "2", "0"]
    secrets = people_named(city)
    assert not [s for s in secrets if s in html]


def test_every_bad_filter_is_shown_beside_its_field_with_what_was_typed(signed_in, city):
    client = signed_in(city.insp.username)
    response = client.get(
        "/statistics?from=31/02/2026&to=01/01/2026&commune=zzz&industry=Q1&labour_relation=x"
        "&enterprise=abc"
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for name in ("from", "commune", "industry", "labour_relation", "enterprise"):
        assert f'id="{name}-error"' in html, name
    assert 'value="31/02/2026"' in html and 'value="zzz"' in html and 'value="Q1"' in html
    assert 'aria-invalid="true"' in html
    assert 'data-testid="totals"' not in html


def test_from_after_to_is_refused_beside_to(signed_in, city):
    client = signed_in(city.insp.username)
    response = client.get("/statistics?from=02/01/2026&to=01/01/2026")
    assert response.status_code == 422
    assert 'id="to-error"' in response.get_data(as_text=True)


def test_csv_download_carries_the_filters(signed_in, city):
    client = signed_in(city.comm_x.username)
    response = client.get(f"/statistics/accidents.csv?{YEAR}&labour_relation=false")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    text = response.data.decode("utf-8-sig")
    assert "accidents,Số vụ tai nạn,1,0,1\r\n" in text


def test_administrator_has_no_statistics_page(signed_in, city):
    client = signed_in(city.admin.username)
    assert client.get("/statistics").status_code == 403
    assert 'href="/statistics"' not in client.get("/").get_data(as_text=True)


def test_a_long_export_runs_in_the_background_with_a_progress_page(signed_in, city):
    client = signed_in(city.insp.username)
    response = client.get("/statistics/accidents.xlsx?from=01/01/2025&to=31/12/2026")
    assert response.status_code == 303
    page_url = response.headers["Location"]
    assert re.fullmatch(r"/statistics/exports/[0-9a-f]{32}", page_url)
    finish_export(page_url.rsplit("/", 1)[1])
    page = client.get(page_url).get_data(as_text=True)
    assert '<progress id="export-progress" max="100" value="100"' in page
    assert "statistics.js" in page
    status = client.get(f"{page_url}.json").get_json()
    assert status == {"status": "done", "progress": 100, "file_url": f"{page_url}/file"}
    with client.get(status["file_url"]) as download:
        assert download.status_code == 200
        book = load_workbook(io.BytesIO(download.data))
    rows = {r[0]: r[2] for r in book.worksheets[0].iter_rows(min_row=4, values_only=True)}
    assert rows["accidents"] == 6

    other = signed_in(city.ent1.username)
    for url in (page_url, f"{page_url}.json", f"{page_url}/file"):
        assert other.get(url).status_code == 404, url


def test_a_short_export_downloads_at_once(signed_in, city):
    client = signed_in(city.ent2.username)
    response = client.get(f"/statistics/accidents.xlsx?{YEAR}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    rows = {r[0]: r[2] for r in book.worksheets[0].iter_rows(min_row=4, values_only=True)}
    assert (rows["accidents"], rows["deaths"]) == (2, 1)
