"""axe-core (WCAG 2.1 A and AA rules) on each role's main pages, in Vietnamese and in English:
no violation. axe-core comes bundled with axe-playwright-python (a well-kept wrapper; the
script is injected by Playwright, not served by SafeCase)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.pages import log_in
from tests.conftest import csrf_token_from

pytestmark = pytest.mark.browser

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


PAGES = {
    "dn1": ["/", "/cases/", "/cases/{accident}", "/cases/{claim}", "/claims/", "/cases/declare",
            "/cases/declare/disease", "/cases/declare/incident",
            "/notifications/", "/reports/", "/calculations/", "/help/"],
    "cd1": ["/", "/claims/", "/cases/{claim}"],
    "tt1": ["/", "/cases/", "/cases/{accident}", "/statistics/", "/tracker/"],
    "qt1": ["/", "/admin/", "/admin/users", "/admin/security"],
}  # fmt: skip


def _english(page) -> None:
    token = csrf_token_from(page.content())
    page.request.post("/lang/en", form={"csrf_token": token, "next": "/"})


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("username", list(PAGES))
def test_no_wcag_violation_on_the_main_pages(world, page, username, language):
    axe = Axe()
    log_in(page, username)
    if language == "en":
        _english(page)
    found = {}
    for path in PAGES[username]:
        response = page.goto(path.format(**world))
        if response is None or response.status == 404:
            continue  # a page this deployment does not have
        page.wait_for_load_state("networkidle")
        results = axe.run(page, options=WCAG_21_AA)
        if results.violations_count:
            found[path] = results.generate_report()
    assert not found, "\n\n".join(f"{path}:\n{report}" for path, report in found.items())


@pytest.mark.parametrize("language", ["vi", "en"])
def test_no_wcag_violation_on_the_quick_notice_pages(world, page, language):
    """The quick notice (refused with its errors too), a case page with the notice's banner and
    the full declaration started from it (#15)."""
    from app.extensions import db
    from app.models import User
    from tests.factories import make_notice

    employer = db.session.query(User).filter_by(username="dn1").one()
    notice = make_notice(employer).id
    # Read before committing: a read after it would open a transaction (BEGIN IMMEDIATE on
    # SQLite) that keeps the live server from writing.
    db.session.commit()
    axe = Axe()
    log_in(page, "dn1")
    if language == "en":
        _english(page)
    found = {}
    for path in ("/cases/declare/notice", f"/cases/{notice}", f"/cases/{notice}/complete"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        results = axe.run(page, options=WCAG_21_AA)
        if results.violations_count:
            found[path] = results.generate_report()
    page.goto("/cases/declare/notice")
    page.locator("form[data-testid=declare-form] button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    results = axe.run(page, options=WCAG_21_AA)
    if results.violations_count:
        found["refused notice"] = results.generate_report()
    assert not found, "\n\n".join(f"{path}:\n{report}" for path, report in found.items())
