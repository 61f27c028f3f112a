"""Steps the browser tests share."""

from __future__ import annotations

from playwright.sync_api import Page


def log_in(page: Page, username: str, password: str = "correct-horse-1") -> None:
    """Sign in through the login page (Vietnamese labels) and wait for the home page."""
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/")
