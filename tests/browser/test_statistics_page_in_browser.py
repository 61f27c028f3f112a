"""The statistics page in Chromium on a 390 px phone: the filters' errors beside the fields,
the figures without any sideways scrolling, and a long export's progress page offering the
file."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.extensions import db
from tests.browser.pages import log_in
from tests.statistics.city import build_city

pytestmark = pytest.mark.browser


def _no_sideways_scroll(page) -> None:
    """Neither the page nor any table is wider than the screen, nor scrolls inside (the
    header row is only for screen readers on a phone, visually hidden)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    wider = page.evaluate(
        """[...document.querySelectorAll('table, table *')]
             .filter(el => !(el.closest('thead')
                             && getComputedStyle(el.closest('thead')).position === 'absolute'))
             .filter(el => el.getBoundingClientRect().right > 390
                           || el.scrollWidth > el.clientWidth + 1)
             .map(el => el.tagName + ' ' + (el.textContent || '').trim().slice(0, 30))"""
    )
    assert wider == []


@pytest.fixture
def city(app, declaration_day):
    return build_city()


def test_statistics_on_a_phone(app, page, city):
    username = city.insp.username
    db.session.commit()  # let the live server write (SQLite's lock), see test_document_upload
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, username)
    page.get_by_role("link", name="Thống kê").first.click()
    page.wait_for_url("**/statistics")

    page.get_by_label("Từ ngày").fill("31/02/2026")
    page.get_by_label("Ngành (VSIC, ví dụ C hoặc C25)").fill("Q1")
    page.get_by_role("button", name="Xem thống kê").click()
    expect(page.get_by_test_id("error-from")).to_be_visible()
    expect(page.get_by_test_id("error-industry")).to_be_visible()
    expect(page.get_by_label("Từ ngày")).to_have_value("31/02/2026")

    page.get_by_label("Từ ngày").fill("01/01/2026")
    page.get_by_label("Đến ngày").fill("31/12/2026")
    page.get_by_label("Ngành (VSIC, ví dụ C hoặc C25)").fill("")
    page.get_by_role("button", name="Xem thống kê").click()
    totals = page.get_by_test_id("totals")
    expect(totals.locator('tr[data-key="accidents"] td').first).to_have_text("5")
    expect(page.get_by_test_id("by-industry")).to_be_visible()
    _no_sideways_scroll(page)

    # Two years for the whole city go to the background: a progress page, then the file.
    page.goto("/statistics?from=01/01/2025&to=31/12/2026")
    page.get_by_test_id("download-xlsx").click()
    page.wait_for_url(re.compile(r"/statistics/exports/[0-9a-f]{32}$"))
    if app.config.get("REDIS_URL"):
        # The production shape: the export waits in RQ until a worker takes it. Run the real
        # worker command once on the exports' queue, as a deployment's worker process would.
        result = app.test_cli_runner().invoke(args=["worker", "--burst", "--queue", "default"])
        assert result.exit_code == 0, result.output
    expect(page.locator("#export-progress")).to_have_attribute("value", "100")
    download_link = page.get_by_test_id("export-download")
    expect(download_link).to_be_visible()
    with page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename == "thong-ke-tai-nan-2025-01-01-2026-12-31.xlsx"
    _no_sideways_scroll(page)
