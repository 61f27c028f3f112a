"""Each role's main pages on a 390 px phone (no sideways scroll, every button on screen), a case
page printed on A4 (at most two pages for a one-victim case), and a refused action in Chromium
(the address bar returns to the case page and the focus to a linked error summary)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.browser.pages import log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# What may overflow its own box on purpose: a wide table scrolls inside its labelled region.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const page = document.documentElement.scrollWidth;
  const off = [];
  for (const el of document.querySelectorAll('button, input[type=submit], a.button, summary')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;        // not shown
    if (el.closest('.table-wrap, table:not(.stack)')) continue;  // in a scrolling region
    if (box.left < -1 || box.right > width + 1) off.push((el.innerText || el.value || '').trim());
  }
  return {width, page, off};
}"""


def _check_phone_page(page, path: str) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    # Open every action and disclosure, so their forms are measured too.
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    measured = page.evaluate(OVERFLOW)
    assert measured["page"] <= measured["width"], f"{path} scrolls sideways: {measured}"
    assert measured["off"] == [], f"{path}: buttons off screen: {measured['off']}"


@pytest.mark.parametrize(
    ("username", "paths"),
    [
        (
            "dn1",
            [
                "/",
                "/cases/",
                "/cases/{accident}",
                "/cases/{claim}",
                "/claims/",
                "/cases/declare/disease",
                "/cases/declare/incident",
            ],
        ),
        ("cd1", ["/", "/claims/", "/cases/{claim}", "/cases/"]),
        ("tt1", ["/", "/cases/", "/cases/{accident}", "/statistics/"]),
        ("qt1", ["/", "/admin/", "/admin/users", "/admin/security"]),
    ],
)
def test_each_roles_main_pages_fit_a_phone(world, browser, live_server, username, paths):
    context = browser.new_context(base_url=live_server, locale="vi-VN", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page, username)
        for path in paths:
            _check_phone_page(page, path.format(**world))
    finally:
        context.close()


def test_a_printed_case_page_is_the_case_on_at_most_two_a4_pages(world, page):
    log_in(page, "dn1")
    page.goto(f"/cases/{world['accident']}")
    page.emulate_media(media="print")
    assert page.locator(".topbar").is_hidden()
    assert page.get_by_test_id("actions").is_hidden()
    assert page.get_by_test_id("timeline").is_visible()
    pdf = page.pdf(format="A4", print_background=False)
    pages = PdfReader(io.BytesIO(pdf)).pages
    text = "\n".join(p.extract_text() for p in pages)
    assert len(pages) <= 2, f"{len(pages)} pages"
    assert "Diễn biến xử lý" in text and "Thời hạn" in text or "Hạn" in text


def test_a_refused_action_returns_to_the_case_page_with_a_linked_summary(world, page):
    log_in(page, "dn1")
    page.goto(f"/cases/{world['claim']}")
    action = page.locator("#action-record_costs")
    action.locator("summary").click()
    form = page.get_by_test_id("form-record_costs")
    label = "Chi phí y tế (đồng, tổng đến nay)"
    form.get_by_label(label).fill("không phải số")
    form.get_by_role("button").last.click()
    page.wait_for_load_state()
    # The address is the case page's (a reload shows it; it does not post the form again).
    assert page.url.split("#")[0].endswith(f"/cases/{world['claim']}")
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    assert page.evaluate("() => document.activeElement.hasAttribute('data-error-summary')")
    link = summary.get_by_role("link").first
    target = link.get_attribute("href")
    link.click()
    assert page.evaluate("() => '#' + document.activeElement.id") == target
    # What was typed is still there.
    assert form.get_by_label(label).input_value() == "không phải số"
    page.reload()
    assert page.url.split("#")[0].endswith(f"/cases/{world['claim']}")


@pytest.mark.parametrize("username", ["dn1", "tt1", "qt1"])
def test_the_navigation_is_one_line_at_1366_px(world, browser, live_server, username):
    context = browser.new_context(base_url=live_server, locale="vi-VN",
                                  viewport={"width": 1366, "height": 768})  # fmt: skip
    page = context.new_page()
    try:
        log_in(page, username)
        tops = page.evaluate(
            "() => Array.from(document.querySelectorAll('ul.nav > li'))"
            ".map(li => Math.round(li.getBoundingClientRect().top))"
        )
        assert len(set(tops)) == 1, f"the navigation wraps: {tops}"
        # …and the tools (language, help, name, sign out) stay on the same line.
        bar = page.evaluate(
            "() => document.querySelector('.topbar').getBoundingClientRect().height"
        )
        assert bar < 60, f"the top bar takes {bar} px"
    finally:
        context.close()
