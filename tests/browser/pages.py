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


def go_to_declaration(page: Page, link_name: str) -> None:
    """Follow a declaration link of the navigation, opening the "Khai báo" menu first when the
    role may declare more than one kind (the links are folded into it)."""
    menu = page.get_by_test_id("nav-declare")
    if menu.count():
        menu.locator("summary").click()
    page.get_by_role("navigation").get_by_role("link", name=link_name).click()
