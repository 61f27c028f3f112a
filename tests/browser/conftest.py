"""Browser fixtures: a live SafeCase on a loopback port and Debian's Chromium via Playwright."""

from __future__ import annotations

import os

import pytest

from tests.conftest import serving

CHROMIUM = os.environ.get("SAFECASE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    if not os.path.exists(CHROMIUM):
        skip = pytest.mark.skip(
            reason=f"{CHROMIUM} missing: `make test` installs Debian's chromium"
        )
        for item in items:
            item.add_marker(skip)


@pytest.fixture
def live_server(app_config):
    """``http://127.0.0.1:PORT`` of a threaded server on the test's database."""
    with serving(app_config) as address:
        yield f"http://{address}"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()
