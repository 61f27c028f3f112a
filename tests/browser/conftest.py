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


# Every page a browser test opens is watched for Content-Security-Policy violations: the
# page's own ``securitypolicyviolation`` events (recorded by a script the browser runs before
# the page's, outside the page's CSP) and Chromium's console errors about the policy.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " blocked " + event.blockedURI +
    " (" + (event.sourceFile || document.location.pathname) + ":" + event.lineNumber + ")");
});
"""


class CspWatch:
    """What the pages of one test broke of the CSP, by page URL."""

    def __init__(self, page) -> None:
        self.page = page
        self.console: list[str] = []
        page.on("console", self._console)

    def _console(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.console.append(f"{self.page.url}: {message.text}")

    def violations(self) -> list[str]:
        """The console's errors, and the current page's recorded events (if it is ours)."""
        try:
            events = self.page.evaluate("window.__cspViolations || []")
        except Exception:  # the page is gone or navigating: the console still has them
            events = []
        return self.console + [f"{self.page.url}: {event}" for event in events]


@pytest.fixture
def page(browser, live_server):
    """A Chromium page on the live server; the test fails if any page broke the CSP."""
    context = browser.new_context(base_url=live_server, locale="vi-VN")
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15_000)
    watch = CspWatch(page)
    page.csp_watch = watch
    try:
        yield page
        assert watch.violations() == [], "Content-Security-Policy violations"
    finally:
        context.close()


@pytest.fixture
def world(app):
    """A paid 25 % claim of enterprise dn1 (Trần Thị Hoa), its union cd1, inspector tt1 and
    administrator qt1: enough for each role's main pages. Returns the claim's and accident's
    ids; the test's transaction is committed so the live server can write."""
    from app.extensions import db
    from tests.api.claim_flow import assessed_claim, stamp
    from tests.factories import act, make_user

    employer = make_user("enterprise", username="dn1", full_name="Trần Thị Hoa")
    claim = assessed_claim(employer, 25)
    act(claim, employer, "record_payment", amount_vnd=80_000_000, paid_at=stamp())
    make_user("union", username="cd1", enterprise=employer.enterprise)
    make_user("inspector", username="tt1")
    make_user("admin", username="qt1")
    ids = {"claim": claim.id, "accident": claim.parent_id}
    db.session.commit()
    return ids
