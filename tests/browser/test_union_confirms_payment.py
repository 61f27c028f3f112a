"""A grassroots union officer confirms in Chromium that a worker received the compensation."""

import pytest

from app.extensions import db
from tests.api.claim_flow import assessed_claim, stamp
from tests.factories import act, make_user

pytestmark = pytest.mark.browser


def test_union_officer_confirms_receipt_from_my_workers(app, page):
    employer = make_user("enterprise", username="dn1")
    claim = assessed_claim(employer, 25)
    act(claim, employer, "record_payment", amount_vnd=80_000_000, paid_at=stamp())
    db.session.refresh(claim)
    code, worker = claim.code, claim.parent.victims[0].full_name
    make_user("union", username="cd1", full_name="Lê Văn Công", enterprise=employer.enterprise)
    # SQLite takes the write lock at BEGIN: end the test's transaction and touch no ORM object
    # afterwards, so the live server can write.
    db.session.commit()

    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill("cd1")
    page.get_by_label("Mật khẩu").fill("correct-horse-1")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/")
    page.get_by_role("link", name="Người lao động của tôi").click()
    page.wait_for_url("**/claims/")

    row = page.get_by_test_id(f"claim-{code}")
    assert worker in row.inner_text()
    assert row.get_by_test_id("paid").inner_text().startswith("80.000.000 đ")
    assert row.get_by_test_id("receipt").inner_text() == "Đã chi trả, chờ xác nhận"

    # Not one click: open the form, say who received it and on which day, then confirm.
    row.get_by_text("Xác nhận đã nhận tiền…").click()
    row.get_by_label("Người nhận tiền").select_option("relative")
    row.get_by_label("Họ tên thân nhân (nếu thân nhân nhận)").fill("Nguyễn Thị Lan")
    row.get_by_label("Quan hệ với người lao động").fill("Vợ")
    row.get_by_role("button", name="Xác nhận đã nhận tiền").click()
    page.wait_for_url("**/claims/")
    assert "Đã xác nhận việc nhận tiền" in page.get_by_role("status").first.inner_text()
    row = page.get_by_test_id(f"claim-{code}")
    assert row.get_by_test_id("receipt").inner_text().startswith("Đã xác nhận nhận tiền ngày")
    assert row.get_by_role("button", name="Xác nhận đã nhận tiền").count() == 0
