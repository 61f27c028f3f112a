"""Signing in through the real login page in Chromium."""

import pytest

from tests.factories import make_user

pytestmark = pytest.mark.browser


def test_user_logs_in_through_the_login_page_and_sees_role_and_scope(app, page):
    user = make_user("enterprise", username="hoa", full_name="Trần Thị Hoa")
    page.goto("/")
    assert page.locator("h1").inner_text() == "Đăng nhập"
    page.get_by_label("Tên đăng nhập").fill("hoa")
    page.get_by_label("Mật khẩu").fill("correct-horse-1")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/")
    assert "Trần Thị Hoa" in page.locator("h1").inner_text()
    assert page.get_by_test_id("role").inner_text().startswith("Doanh nghiệp")
    assert user.enterprise.name in page.get_by_test_id("scope").inner_text()


def test_wrong_password_shows_the_message_next_to_the_field(app, page):
    make_user("inspector", username="thanh")
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill("thanh")
    page.get_by_label("Mật khẩu").fill("wrong-password")
    page.get_by_role("button", name="Đăng nhập").click()
    error = page.locator("#password-error")
    assert error.inner_text() == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert page.get_by_label("Mật khẩu").get_attribute("aria-invalid") == "true"
