"""The declaration's victim blocks in Chromium: one more is added on demand and an added one
can be taken away again, the others renumbered; the hints say which number and which wage."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.browser.pages import log_in
from tests.factories import make_user

pytestmark = pytest.mark.browser


def test_an_added_victim_block_can_be_removed(app, page):
    make_user("enterprise", username="dn1")
    db.session.commit()
    log_in(page, "dn1")
    page.goto("/cases/declare")
    blocks = page.get_by_test_id("victim-block")
    assert blocks.count() == 1
    assert blocks.first.get_by_role("button", name="Bỏ nạn nhân này").count() == 0
    page.get_by_role("button", name="Thêm nạn nhân").click()
    page.get_by_role("button", name="Thêm nạn nhân").click()
    assert blocks.count() == 3
    blocks.nth(1).get_by_label("Họ và tên").fill("Người thứ hai")
    blocks.nth(1).get_by_role("button", name="Bỏ nạn nhân này").click()
    assert blocks.count() == 2
    assert blocks.nth(1).locator("[data-repeat-number]").inner_text() == "2"
    assert "Người thứ hai" not in page.content()
    assert "12 chữ số in trên thẻ căn cước" in blocks.first.inner_text()
    assert "bình quân 6 tháng liền kề" in blocks.first.inner_text()
