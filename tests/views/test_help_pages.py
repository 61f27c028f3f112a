"""Help pages: each role's own page by default, the steps linking to where the work is done,
the legal limits with the value in force today (an administrator's new value shows at once)
and their source, in Vietnamese and English."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app.extensions import db
from app.help.content import HELP
from app.models.user import ROLE_LABELS
from tests.conftest import csrf_token_from
from tests.factories import make_user


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


@pytest.mark.parametrize("role", list(HELP))
def test_each_role_reads_its_own_help_first(app, signed_in, role):
    make_user(role, username="someone")
    page = text_of(signed_in("someone").get("/help/"))
    assert f"Trợ giúp: {ROLE_LABELS[role][0]}" in page
    assert 'data-testid="help-steps"' in page and 'data-testid="help-limits"' in page
    assert 'href="/help/"' in page  # the link in the top bar


def test_the_limits_show_the_value_in_force_and_follow_the_rules_table(app, signed_in):
    from app.models import RuleValue

    make_user("enterprise", username="dn1")
    client = signed_in("dn1")
    page = text_of(client.get("/help/"))
    assert "Thời hạn chi trả bồi thường, trợ cấp (ngày) 5 Luật ATVSLĐ 84/2015 Điều 38 khoản 7" in (
        re.sub(r"<[^>]+>", " ", page).replace("  ", " ").replace("  ", " ")
    )
    db.session.add(RuleValue(key="compensation_due_days", valid_from=date(2026, 1, 1), value=7,
                             source="Thử nghiệm"))  # fmt: skip
    db.session.commit()
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text_of(client.get("/help/"))))
    assert "Thời hạn chi trả bồi thường, trợ cấp (ngày) 7 " in page


def test_help_in_english_and_for_another_role(app, signed_in):
    make_user("union", username="cd1")
    client = signed_in("cd1")
    home = client.get("/").get_data(as_text=True)
    client.post("/lang/en", data={"csrf_token": csrf_token_from(home), "next": "/"})
    page = text_of(client.get("/help/inspector"))
    assert "Help: Labour inspector" in page and "Inspectors at the scene (hours)" in page
    assert client.get("/help/nobody").status_code == 404
