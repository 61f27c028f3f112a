"""The security audit page (``/admin/security``): only the administrator reads it, from the
navigation; it lists events newest first, filtered by actor, action, target and days
(dd/mm/yyyy, Vietnam time), 50 a page; a bad filter is shown next to its field (422)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from app.services import security_audit
from tests.factories import VN, make_user

URL = "/admin/security"


@pytest.fixture
def admin(signed_in):
    make_user("admin", username="qt1")
    return signed_in("qt1")


def rows(html: str) -> list[tuple[str, str, str]]:
    """(action, actor, target) of each listed event, in page order."""
    return re.findall(
        r'data-testid="security-event" data-action="([^"]*)" data-actor="([^"]*)" '
        r'data-target="([^"]*)"',
        html,
    )


def field_error(html: str, field_id: str) -> str:
    match = re.search(rf'<p class="field-error" id="{field_id}-error">([^<]*)</p>', html)
    assert match, f"no error next to {field_id}"
    return match.group(1)


def at(day: str, hour: int = 12):
    """``day`` (dd/mm/yyyy) at ``hour`` o'clock, Vietnam time."""
    return datetime.strptime(day, "%d/%m/%Y").replace(hour=hour, tzinfo=VN)


@pytest.fixture
def history(app, frozen):
    """Events on three days by two administrators and an anonymous caller."""
    one, two = make_user("admin", username="qt_mot"), make_user("admin", username="qt_hai")
    plan = [
        ("01/03/2027", one, "account.locked", "user", "thanh"),
        ("01/03/2027", None, "commune.imported", "communes", "HP"),
        ("02/03/2027", two, "rules.value_added", "rule", "base_salary_vnd 2027-07-01"),
        ("02/03/2027", security_audit.ANONYMOUS, "auth.sign_in_failed", "user", "thanh"),
        ("03/03/2027", one, "account.unlocked", "user", "thanh"),
    ]
    for day, actor, action, target_type, target in plan:
        frozen(at(day))
        security_audit.record(action, actor=actor, target_type=target_type, target=target)
    # The last minute of 03/03 in Vietnam is 16:59 UTC the same day; 00:30 on 04/03 is after.
    frozen(at("04/03/2027", 0).replace(minute=30))
    security_audit.record("account.locked", actor=two, target_type="user", target="lan")
    frozen(None)


def test_only_the_administrator_reads_it(client, signed_in):
    for role in ("enterprise", "inspector", "union", "commune", "insurance"):
        user = make_user(role)
        assert signed_in(user.username).get(URL).status_code == 403
    assert client.get(URL).status_code == 302  # anonymous: to the login page
    assert "/login" in client.get(URL).headers["Location"]


def test_the_navigation_leads_there_for_the_administrator_only(admin, signed_in):
    assert f'href="{URL}"' in admin.get("/").get_data(as_text=True)
    make_user("inspector", username="tt1")
    assert f'href="{URL}"' not in signed_in("tt1").get("/").get_data(as_text=True)


def test_every_event_newest_first_with_its_labels(admin, history):
    html = admin.get(URL).get_data(as_text=True)
    listed = rows(html)
    assert listed[:6] == [
        ("account.locked", "qt_hai", "lan"),
        ("account.unlocked", "qt_mot", "thanh"),
        ("auth.sign_in_failed", "", "thanh"),
        ("rules.value_added", "qt_hai", "base_salary_vnd 2027-07-01"),
        ("commune.imported", "(cli)", "HP"),
        ("account.locked", "qt_mot", "thanh"),
    ]
    assert "Khoá tài khoản" in html and "Dòng lệnh trên máy chủ" in html
    assert "Chưa đăng nhập" in html and "01/03/2027 12:00" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            {"actor": "qt_mot"},
            [("account.unlocked", "qt_mot", "thanh"), ("account.locked", "qt_mot", "thanh")],
        ),
        ({"actor": "QT_HAI", "action": "account.locked"}, [("account.locked", "qt_hai", "lan")]),
        ({"action": "auth.sign_in_failed"}, [("auth.sign_in_failed", "", "thanh")]),
        ({"target": "salary"}, [("rules.value_added", "qt_hai", "base_salary_vnd 2027-07-01")]),
        (
            {"target": "thanh", "start": "02/03/2027", "end": "03/03/2027"},
            [("account.unlocked", "qt_mot", "thanh"), ("auth.sign_in_failed", "", "thanh")],
        ),
        ({"start": "04/03/2027"}, [("account.locked", "qt_hai", "lan")]),
        ({"end": "01/03/2027", "actor": "qt_"}, [("account.locked", "qt_mot", "thanh")]),
        ({"target": "%"}, []),  # taken literally, not as a wildcard
    ],
    ids=[
        "actor",
        "actor-any-case-and-action",
        "action",
        "target",
        "target-and-days",
        "from-a-day",
        "to-a-day",
        "literal-percent",
    ],
)
def test_filters(admin, history, query, expected):
    response = admin.get(URL, query_string=query)
    assert response.status_code == 200
    assert rows(response.get_data(as_text=True)) == expected


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"start": "31/02/2027"}, "start", "Ngày không hợp lệ"),
        ({"end": "01/01/0001"}, "end", "Ngày phải trong khoảng năm 2000–2100."),
        ({"start": "03/03/2027", "end": "01/03/2027"}, "end", "Ngày kết thúc phải từ ngày"),
        ({"action": "account.deleted"}, "action", "Không có loại sự kiện"),
        ({"actor": "x" * 65}, "actor", "Tối đa 64 ký tự."),
        ({"actor": "a\x07b"}, "actor", "Không được có ký tự điều khiển."),
        ({"target": "\x07"}, "target", "Không được có ký tự điều khiển."),
        ({"start": "\x07"}, "start", "Ngày không hợp lệ"),
    ],
)
def test_a_bad_filter_is_shown_next_to_its_field(admin, history, query, field, message):
    response = admin.get(URL, query_string=query)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in field_error(html, field)
    assert rows(html) == []


def test_paging_fifty_a_page(admin, app):
    actor = make_user("admin", username="qt_nhieu")
    for n in range(1, 56):
        security_audit.record("account.locked", actor=actor, target_type="user", target=f"u{n}")
    first = rows(admin.get(URL, query_string={"actor": "qt_nhieu"}).get_data(as_text=True))
    assert [target for _, _, target in first] == [f"u{n}" for n in range(55, 5, -1)]
    page = admin.get(URL, query_string={"actor": "qt_nhieu", "page": 2}).get_data(as_text=True)
    assert [target for _, _, target in rows(page)] == [f"u{n}" for n in range(5, 0, -1)]
    assert "actor=qt_nhieu" in page  # the filter is kept on the page links
    # A page past the last, or one no integer column holds, shows the last page, not a 500.
    for wild in ("9", str(10**20), "-3", "abc"):
        response = admin.get(URL, query_string={"actor": "qt_nhieu", "page": wild})
        assert response.status_code == 200, wild
        expected = "u5" if wild in ("9", str(10**20)) else "u55"
        assert rows(response.get_data(as_text=True))[0][2] == expected, wild


def test_the_page_in_english(admin, history):
    from tests.conftest import csrf_token_from

    home = admin.get("/").get_data(as_text=True)
    admin.post("/lang/en", data={"csrf_token": csrf_token_from(home), "next": "/"})
    html = admin.get(URL).get_data(as_text=True)
    for text in (
        "Security log",
        "Done by",
        "Kind of event",
        "Account locked",
        "Failed sign-in",
        "Command line on the server",
        "Not signed in",
        "Rule value added",
    ):
        assert text in html, text
