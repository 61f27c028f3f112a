"""The Content-Security-Policy in Chromium: the pages that draw — the workflow diagram (Mermaid,
in its frame) on a case page, the charts (Chart.js) on the dashboard and the statistics page —
draw everything with no violation, and what the policy forbids is really refused.

Every browser test's ``page`` fails on a violation anyway (tests/browser/conftest.py); these
tests visit the drawing pages on purpose and prove the watch itself sees a violation.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.extensions import db
from tests.browser.pages import log_in
from tests.factories import make_user
from tests.views.test_dashboards import city  # noqa: F401  (a small city with accidents)

pytestmark = pytest.mark.browser


def _policy(response) -> str:
    return response.headers["content-security-policy"]


def test_the_diagram_and_the_charts_draw_without_a_csp_violation(city, page):  # noqa: F811
    username, case_id = city.insp.username, city.first.id
    db.session.commit()  # let the live server write (SQLite's lock)
    log_in(page, username)

    # The dashboard: a canvas drawn for every charted table.
    page.wait_for_selector("#trend-table")
    charted = page.locator("table[data-chart]").count()
    assert charted > 0 and page.locator(".chart-box canvas").count() == charted

    # A case page: strict policy; the diagram is drawn in its frame, which grows to it.
    response = page.goto(f"/cases/{case_id}")
    policy = _policy(response)
    assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in policy
    frame = page.frame_locator("iframe.diagram-frame")
    expect(frame.locator("pre.mermaid svg")).to_be_visible()
    expect(frame.locator("body[data-drawn]")).to_have_count(1)
    # Mermaid's own styles applied: the current state is filled as the diagram's classDef says.
    fill = frame.locator("pre.mermaid svg g.current").first.evaluate(
        "g => getComputedStyle(g.querySelector('rect, path')).fill"
    )
    assert fill == "rgb(255, 224, 138)"  # #ffe08a
    height = page.locator("iframe.diagram-frame").evaluate("f => f.getBoundingClientRect().height")
    assert height > 200

    # The statistics page: its charts.
    page.goto("/statistics")
    page.wait_for_selector("table[data-chart]")
    assert page.locator(".chart-box canvas").count() == page.locator("table[data-chart]").count()

    assert page.csp_watch.violations() == []


def test_what_the_policy_forbids_is_refused_and_seen(app, page):
    """An injected inline handler does not run, and the watch reports it (so the check on
    every page could fail)."""
    make_user("inspector", username="thanh")
    db.session.commit()
    log_in(page, "thanh")
    page.evaluate(
        """document.body.insertAdjacentHTML('beforeend',
             '<img src="/static/favicon.svg" onload="window.__ran = true">')"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("window.__ran === undefined")
    seen = page.csp_watch.violations()
    assert any("script-src" in v for v in seen), seen
    page.csp_watch.console.clear()
    page.evaluate("window.__cspViolations = []")
