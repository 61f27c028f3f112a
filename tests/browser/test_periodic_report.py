"""A half-year report's whole lifecycle in Chromium: the inspector opens the period, the
enterprise completes and files its report, the inspector returns it, it is filed again and
accepted — and the report page does not scroll sideways on a 390 px phone."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.browser.pages import log_in
from tests.factories import make_accident, make_commune, make_enterprise, make_user

pytestmark = pytest.mark.browser


def as_user(browser, live_server, username: str, **context):
    page = browser.new_context(base_url=live_server, locale="vi-VN", **context).new_page()
    page.set_default_timeout(15_000)
    log_in(page, username)
    return page


def test_a_half_year_report_is_filed_returned_filed_again_and_accepted(
    app, browser, live_server, declaration_day
):
    commune = make_commune(name="Phường Ngô Quyền")
    enterprise = make_enterprise(commune, name="Công ty TNHH Cơ khí Lạch Tray")
    officer = make_user("enterprise", username="dn1", enterprise=enterprise)
    make_user("inspector", username="tt1")
    make_accident(officer, outcomes=("serious", "light"), occurred_at="2026-03-10T08:30:00+07:00")
    db.session.commit()  # the live server writes: end the test's transaction

    inspector = as_user(browser, live_server, "tt1")
    inspector.get_by_role("link", name="Báo cáo định kỳ").click()
    inspector.wait_for_url("**/reports/")
    inspector.get_by_label("Kỳ báo cáo").last.fill("2026-H1")
    inspector.get_by_role("button", name="Mở báo cáo").click()
    assert "Đã mở 1 báo cáo cho kỳ 2026-H1" in inspector.get_by_role("status").first.inner_text()

    phone = {"viewport": {"width": 390, "height": 844}}
    ent = as_user(browser, live_server, "dn1", **phone)
    ent.get_by_role("link", name="Báo cáo định kỳ").click()
    ent.get_by_test_id("reports").get_by_role("link").first.click()
    assert ent.get_by_test_id("report-state").inner_text() == "Chưa nộp"
    assert ent.get_by_test_id("report-due").inner_text() == "04/07/2026"
    victims = ent.get_by_test_id("totals-all").locator('[data-total="victims"] td')
    assert victims.inner_text() == "2"
    width = ent.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the report page scrolls sideways ({width}px)"

    ent.get_by_text("Nộp báo cáo", exact=True).first.click()  # opens the disclosure
    ent.get_by_label("Tổng số lao động").fill("120")
    ent.get_by_label("Số lao động nữ").fill("200")
    ent.get_by_label("Tổng quỹ lương (đồng)").fill("1.500.000.000")
    ent.get_by_test_id("form-submit").get_by_role("button", name="Nộp báo cáo").click()
    assert (
        "không được lớn hơn tổng số lao động"
        in ent.locator("#submit-figures-female_workers-error").inner_text()
    )
    assert ent.get_by_label("Tổng số lao động").input_value() == "120"  # kept
    ent.get_by_label("Số lao động nữ").fill("40")
    ent.get_by_test_id("form-submit").get_by_role("button", name="Nộp báo cáo").click()
    assert ent.get_by_test_id("report-state").inner_text() == "Đã nộp"
    assert ent.get_by_test_id("report-figures").locator('[data-figure="workers"]').inner_text() == (
        "120"
    )
    report_url = ent.url

    inspector.goto(report_url)
    inspector.get_by_text("Trả lại báo cáo", exact=True).first.click()
    inspector.get_by_label("Lý do trả lại").fill("Quỹ lương chưa đúng")
    inspector.get_by_test_id("form-send_back").get_by_role("button").click()
    assert inspector.get_by_test_id("report-state").inner_text() == "Bị trả lại"

    ent.goto(report_url)
    assert "Quỹ lương chưa đúng" in ent.get_by_test_id("report-returned").inner_text()
    ent.get_by_text("Nộp báo cáo", exact=True).first.click()
    assert ent.get_by_label("Tổng số lao động").input_value() == "120"  # starts from the filed
    ent.get_by_label("Tổng quỹ lương (đồng)").fill("1.800.000.000")
    ent.get_by_test_id("form-submit").get_by_role("button", name="Nộp báo cáo").click()
    assert ent.get_by_test_id("report-state").inner_text() == "Đã nộp"

    inspector.goto(report_url)
    inspector.get_by_text("Chấp nhận báo cáo", exact=True).first.click()
    inspector.get_by_test_id("form-accept").get_by_role("button").click()
    assert inspector.get_by_test_id("report-state").inner_text() == "Đã chấp nhận"
    with inspector.expect_download() as download:
        inspector.get_by_test_id("report-xlsx").click()
    assert download.value.suggested_filename.endswith("-bao-cao.xlsx")
