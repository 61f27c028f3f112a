"""A step the user could take but that waits on something else first is named on the case
page with what it waits on (an accident's closing on its open claims), instead of the page
saying the user has nothing to do — and only to whom the step belongs."""

from __future__ import annotations

import pytest

from tests.api.claim_flow import announce_accident, claims_of
from tests.conftest import post_login
from tests.factories import PASSWORD, make_enterprise, make_user

pytestmark = pytest.mark.usefixtures("frozen")


def test_closing_waits_on_the_open_claims_and_the_page_says_so(app, client, login):
    enterprise = make_enterprise()
    officer = make_user("enterprise", enterprise=enterprise, username="dn7")
    make_user("union", enterprise=enterprise, username="cd7")
    # Light injuries: the enterprise investigates, announces and closes itself.
    accident = announce_accident(officer, ("light",))
    assert [c.state for c in claims_of(accident)] != ["closed"]
    login("dn7")
    page = client.get(f"/cases/{accident.id}").text
    assert 'data-testid="waiting-actions"' in page
    assert "Đóng vụ việc" in page and "chỉ đóng khi mọi hồ sơ đã đóng" in page
    assert "Bạn không có thao tác nào" not in page
    # The union cannot close it: nothing about closing for it.
    union = app.test_client()
    post_login(union, "cd7", PASSWORD, "")
    union_page = union.get(f"/cases/{accident.id}").text
    assert accident.code in union_page
    assert 'data-testid="waiting-actions"' not in union_page
