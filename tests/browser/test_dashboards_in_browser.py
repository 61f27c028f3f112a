"""The home dashboard and the tracker on a phone (390 px) in Chromium: the charts are drawn from
the tables, and nothing scrolls sideways."""

from __future__ import annotations

import os

import pytest

from app.extensions import db
from tests.browser.pages import log_in
from tests.views.test_dashboards import city  # noqa: F401  (the same small city)

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def shot(page, name: str) -> None:
    folder = os.environ.get("SAFECASE_SHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def username_of(user) -> str:
    """The user's name, read before the browser acts: the test's session must not hold SQLite's
    write lock (every transaction begins IMMEDIATE) while the served app signs in."""
    name = user.username
    db.session.commit()
    return name


def sideways_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_the_inspector_dashboard_and_tracker_fit_a_phone(city, page):  # noqa: F811
    page.set_viewport_size(PHONE)
    log_in(page, username_of(city.insp))
    page.wait_for_selector("#trend-table")
    # Chart.js drew a canvas for each charted table; the tables are still there.
    assert page.locator(".chart-box canvas").count() == page.locator("table[data-chart]").count()
    assert page.locator("#trend-table tbody tr").count() == 12
    assert sideways_overflow(page) <= 0
    shot(page, "home-inspector-390")

    page.goto("/statistics/targets")
    assert page.locator("[data-target]").count() == 3
    assert page.locator(".chart-box canvas").count() == 1
    assert page.get_by_test_id("projection").count() == 1
    assert sideways_overflow(page) <= 0
    shot(page, "targets-390")

    page.goto("/statistics/process")
    assert page.locator("[data-measure]").count() == 5
    assert sideways_overflow(page) <= 0
    shot(page, "process-390")


def test_the_enterprise_dashboard_fits_a_phone(city, page):  # noqa: F811
    page.set_viewport_size(PHONE)
    log_in(page, username_of(city.ent_a))
    page.wait_for_selector("#trend-table")
    assert page.locator(".chart-box canvas").count() == 1
    assert sideways_overflow(page) <= 0
    shot(page, "home-enterprise-390")
