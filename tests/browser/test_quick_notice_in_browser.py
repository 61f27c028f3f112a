"""The two-step declaration in Chromium at 1366 px: an enterprise gives a quick notice from the
"Khai báo" menu (refused first with every error at once), the case page shows the banner and
the inspectorate's urgent notice arrives, then the full declaration — started from what the
notice said — completes it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app import clock
from tests.browser.pages import go_to_declaration, log_in
from tests.factories import make_user

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 768}


def yesterday() -> str:
    return (clock.to_local(clock.now()) - timedelta(days=1)).strftime("%d/%m/%Y")


def no_sideways_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow} px"


def test_quick_notice_then_full_declaration(app, page, browser, live_server):
    make_user("enterprise", username="hoa", full_name="Trần Thị Hoa")
    make_user("inspector", username="tra", full_name="Nguyễn Văn Tra")
    page.set_viewport_size(DESKTOP)
    log_in(page, "hoa")

    # -- the notice, refused first: every error at once --
    go_to_declaration(page, "Báo tin nhanh tai nạn")
    expect(page.get_by_role("heading", level=1)).to_have_text("Báo tin nhanh tai nạn lao động")
    no_sideways_scroll(page)
    day = yesterday()
    page.get_by_label("Ngày xảy ra").fill(day)
    page.get_by_label("Giờ xảy ra").fill("14:20")
    page.get_by_label("Số người chết").fill("1")
    page.get_by_label("Số người bị thương nặng").fill("1")
    page.get_by_label("Số điện thoại liên hệ").fill("12")
    page.get_by_role("button", name="Gửi tin báo").click()
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    # Place, account, reporter and phone, all at once.
    expect(summary.get_by_role("link")).to_have_count(4)
    expect(page.locator("#contact_phone-error")).to_contain_text("Số điện thoại không hợp lệ")
    expect(page.get_by_label("Ngày xảy ra")).to_have_value(day)

    page.get_by_role("textbox", name="Nơi xảy ra tai nạn").fill("Công trường nhà xưởng số 3")
    page.get_by_label("Diễn biến vụ tai nạn").fill("Sập giàn giáo khi đổ bê tông sàn tầng 2.")
    page.get_by_label("Người báo tin (họ tên, chức vụ)").fill("Trần Thị Hoa, cán bộ an toàn")
    page.get_by_label("Số điện thoại liên hệ").fill("0912 345 678")
    page.get_by_role("button", name="Gửi tin báo").click()
    page.wait_for_url(re.compile(r"/cases/\d+$"))
    case_url = page.url
    expect(page.locator(".flashes")).to_contain_text("Đã báo tin nhanh vụ việc HP-")
    banner = page.get_by_test_id("notice-banner")
    expect(banner).to_contain_text("Báo tin nhanh — chưa hoàn thiện khai báo")
    expect(banner).to_contain_text("1 người chết, 1 người bị thương nặng, 0 người bị thương nhẹ")
    expect(page.get_by_test_id("case-severity")).to_have_text("Chết người")
    expect(page.locator('[data-deadline="scene_arrival"]')).to_be_visible()
    no_sideways_scroll(page)

    # -- the inspectorate was told at once (after commit), urgently --
    if app.config.get("REDIS_URL"):
        # The production shape: the notice waits in RQ until a worker takes it. Run the real
        # worker command once, as a deployment's worker process would.
        result = app.test_cli_runner().invoke(args=["worker", "--burst"])
        assert result.exit_code == 0, result.output
    inspector = browser.new_context(base_url=live_server, locale="vi-VN").new_page()
    log_in(inspector, "tra")
    inspector.goto("/notifications/")
    expect(inspector.get_by_role("main")).to_contain_text("Báo tin nhanh: tai nạn lao động chết")
    inspector.context.close()

    # -- the full declaration, started from the notice --
    banner.get_by_role("link", name="Hoàn thiện khai báo").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Hoàn thiện khai báo tai nạn lao động"
    )
    expect(page.get_by_test_id("notice-summary")).to_contain_text("1 người chết")
    expect(page.get_by_label("Ngày xảy ra")).to_have_value(day)
    expect(page.get_by_label("Giờ xảy ra")).to_have_value("14:20")
    expect(page.get_by_role("textbox", name="Nơi xảy ra tai nạn")).to_have_value(
        "Công trường nhà xưởng số 3"
    )
    no_sideways_scroll(page)
    people = [
        ("Nguyễn Văn Giàn", "031085001111", "Tử vong"),
        ("Lê Văn Giáo", "031088002222", "Bị thương nặng"),
    ]
    for number, (name, national_id, outcome) in enumerate(people, start=1):
        victim = page.get_by_role("group", name=f"Nạn nhân {number}", exact=True)
        expect(victim.get_by_label("Hậu quả").locator("option:checked")).to_have_text(outcome)
        victim.get_by_label("Họ và tên").fill(name)
        victim.get_by_label("Ngày sinh").fill("01/01/1985")
        victim.get_by_label("Giới tính").select_option(label="Nam")
        victim.get_by_label("Số CCCD (12 chữ số)").fill(national_id)
        victim.get_by_label("Lương bình quân 6 tháng", exact=False).fill("8.000.000")
    page.get_by_role("button", name="Gửi khai báo đầy đủ").click()
    page.wait_for_url(case_url)
    expect(page.locator(".flashes")).to_contain_text("Đã khai báo vụ việc HP-")
    expect(page.get_by_test_id("case-state")).to_have_text("Đã khai báo")
    expect(page.get_by_test_id("notice-banner")).to_have_count(0)
    expect(page.get_by_test_id("victims")).to_contain_text("Nguyễn Văn Giàn")
    expect(page.get_by_test_id("notice-facts")).to_contain_text("Trần Thị Hoa, cán bộ an toàn")
    expect(page.locator('[data-deadline="declaration"]')).to_contain_text("đã hoàn thành")
    no_sideways_scroll(page)


def test_the_notice_pages_fit_a_phone(app, page):
    from app.extensions import db
    from tests.factories import make_notice

    user = make_user("enterprise", username="hoa")
    notice = make_notice(user).id
    db.session.commit()  # after the read: the live server must be free to write
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "hoa")
    for url, button in (
        ("/cases/declare/notice", "Gửi tin báo"),
        (f"/cases/{notice}/complete", "Gửi khai báo đầy đủ"),
    ):
        page.goto(url)
        expect(page.get_by_role("button", name=button)).to_be_visible()
        no_sideways_scroll(page)
        page.get_by_role("button", name=button).click()  # refused: errors beside the inputs
        expect(page.get_by_test_id("error-summary")).to_be_visible()
        no_sideways_scroll(page)
    page.goto(f"/cases/{notice}")
    expect(page.get_by_test_id("complete-declaration")).to_be_in_viewport()
    no_sideways_scroll(page)
