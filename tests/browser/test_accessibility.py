"""axe-core (WCAG 2.1 A and AA rules) on each role's main pages, in Vietnamese and in English:
no violation. axe-core comes bundled with axe-playwright-python (a well-kept wrapper; the
script is injected by Playwright, not served by SafeCase)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from app.extensions import db
from tests.api.claim_flow import assessed_claim, stamp
from tests.browser.pages import log_in
from tests.conftest import csrf_token_from
from tests.factories import act, make_user

pytestmark = pytest.mark.browser

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture
def world(app):
    employer = make_user("enterprise", username="dn1")
    claim = assessed_claim(employer, 25)
    act(claim, employer, "record_payment", amount_vnd=80_000_000, paid_at=stamp())
    make_user("union", username="cd1", enterprise=employer.enterprise)
    make_user("inspector", username="tt1")
    make_user("admin", username="qt1")
    ids = {"claim": claim.id, "accident": claim.parent_id}
    db.session.commit()  # the live server writes: end the test's transaction
    return ids


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
