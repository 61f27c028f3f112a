"""The account pages (``/admin/users``): only the administrator lists, creates, edits, locks and
unlocks accounts and sets new passwords, with the same rules as ``flask user add``; bad input
is refused next to its field and writes nothing; a concurrent edit is refused, not overwritten."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import ApiToken, User
from app.services import users as accounts
from tests.conftest import csrf_token_from, post_login
from tests.factories import PASSWORD, make_commune, make_enterprise, make_user

LIST = "/admin/users"
NEW_PASSWORD = "new-horse-battery-9"


@pytest.fixture
def admin(client, login):
    """The signed-in administrator ``qt1``; returns a CSRF token for posting."""
    make_user("admin", username="qt1", full_name="Quản Trị Một")
    login("qt1")
    return csrf_token_from(client.get(f"{LIST}/new").get_data(as_text=True))


@pytest.fixture
def sign_in(app):
    """``sign_in(username)`` → a separate browser signed in as that user (the account owner)."""

    def open_browser(username: str, password: str = PASSWORD):
        other = app.test_client()
        return other, post_login(other, username, password).status_code

    return open_browser


def count_users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def by_name(username: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username))


def field_error(html: str, field_id: str) -> str:
    match = re.search(rf'<p class="field-error" id="{field_id}-error">([^<]*)</p>', html)
    assert match, f"no error next to {field_id}"
    return match.group(1)


def new_user_form(token: str, **changes) -> dict:
    data = {
        "csrf_token": token,
        "username": "hoa.nguyen",
        "full_name": "Nguyễn Thị Hoa",
        "email": "hoa@example.vn",
        "role": "inspector",
        "enterprise": "",
        "commune": "",
        "password": "s3cret-pass",
        "confirm": "s3cret-pass",
    }
    data.update(changes)
    return data


def edit_form(client, user: User, **changes) -> dict:
    """The edit form as the page renders it (with its stamp), then ``changes``."""
    page = client.get(f"{LIST}/{user.id}").get_data(as_text=True)
    stamp = re.search(r'name="stamp" type="hidden" value="([^"]*)"', page).group(1)
    data = {
        "csrf_token": csrf_token_from(page),
        "stamp": stamp,
        "full_name": user.full_name,
        "email": user.email or "",
        "role": user.role,
        "enterprise": user.enterprise.tax_code if user.enterprise else "",
        "commune": user.commune_code or "",
    }
    data.update(changes)
    return data


def rows(html: str) -> list[str]:
    return re.findall(r'data-testid="user-row" data-username="([^"]+)"', html)


# -- the list -----------------------------------------------------------------------------------


def test_admin_sees_each_account_with_role_scope_and_status(client, admin):
    enterprise = make_enterprise(name="Công ty TNHH Cơ khí Hải An", tax_code="0201234567")
    commune = make_commune("11311", "Phường Hồng Bàng")
    make_user("enterprise", username="dn1", enterprise=enterprise)
    make_user("commune", username="xa1", commune=commune)
    make_user("union", username="cd_city")
    make_user("inspector", username="tt_old", active=False)

    html = client.get(LIST).get_data(as_text=True)

    assert rows(html) == ["cd_city", "dn1", "qt1", "tt_old", "xa1"]
    assert "Quản Trị Một" in html
    dn1 = html[html.index('data-username="dn1"') :]
    assert "Doanh nghiệp" in dn1 and "Công ty TNHH Cơ khí Hải An" in dn1 and "0201234567" in dn1
    xa1 = html[html.index('data-username="xa1"') :]
    assert "UBND cấp xã" in xa1 and "Phường Hồng Bàng" in xa1
    city = html[html.index('data-username="cd_city"') :]
    assert "Công đoàn" in city and "Liên đoàn Lao động thành phố" in city
    old = html[html.index('data-username="tt_old"') :]
    assert "Thanh tra lao động" in old and "Đã khoá" in old.split("</tr>")[0]
    assert "Đang hoạt động" in dn1.split("</tr>")[0]


def test_the_list_filters_by_role_status_and_search_text(client, admin):
    enterprise = make_enterprise(name="Công ty Đóng tàu Bạch Đằng")
    make_user("enterprise", username="dn_tau", enterprise=enterprise)
    make_user("inspector", username="thanhtra1", full_name="Phạm Văn Tra")
    make_user("inspector", username="thanhtra2", active=False)

    assert rows(client.get(f"{LIST}?role=inspector").get_data(as_text=True)) == [
        "thanhtra1",
        "thanhtra2",
    ]
    assert rows(client.get(f"{LIST}?role=inspector&status=inactive").get_data(as_text=True)) == [
        "thanhtra2"
    ]
    assert rows(client.get(f"{LIST}?q=Phạm Văn").get_data(as_text=True)) == ["thanhtra1"]
    assert rows(client.get(f"{LIST}?q=thanhtra").get_data(as_text=True)) == [
        "thanhtra1",
        "thanhtra2",
    ]
    assert rows(client.get(f"{LIST}?q=Bạch Đằng").get_data(as_text=True)) == ["dn_tau"]
    assert rows(client.get(f"{LIST}?q=nobody").get_data(as_text=True)) == []


def test_the_list_is_paginated_with_the_filters_kept(client, admin):
    for n in range(30):
        make_user("insurance", username=f"bh{n:02d}")
    first = client.get(f"{LIST}?role=insurance").get_data(as_text=True)
    assert len(rows(first)) == 25
    assert "30 tài khoản" in first and "trang 1/2" in first
    assert 'href="/admin/users?page=2&amp;role=insurance"' in first
    second = client.get(f"{LIST}?role=insurance&page=2").get_data(as_text=True)
    assert rows(second) == [f"bh{n:02d}" for n in range(25, 30)]


# -- creating -----------------------------------------------------------------------------------


def test_admin_creates_an_enterprise_account_that_can_sign_in(client, admin, sign_in):
    make_enterprise(tax_code="0201234567")
    response = client.post(
        LIST, data=new_user_form(admin, role="enterprise", enterprise="0201234567-")
    )
    assert response.status_code == 302
    user = by_name("hoa.nguyen")
    assert (user.role, user.enterprise.tax_code, user.commune_code) == (
        "enterprise",
        "0201234567",
        None,
    )
    assert (user.full_name, user.email, user.active) == ("Nguyễn Thị Hoa", "hoa@example.vn", True)
    assert user.password_hash.startswith("$argon2id$")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã tạo tài khoản hoa.nguyen." in page
    assert sign_in("hoa.nguyen", "s3cret-pass")[1] == 302


@pytest.mark.parametrize(
    ("role", "enterprise", "commune", "scope"),
    [
        ("union", "", "", (None, None)),  # the city federation
        ("union", "0201234567", "", ("0201234567", None)),  # a grassroots union
        ("commune", "", "11311", (None, "11311")),
        ("insurance", "", "", (None, None)),
        ("admin", "", "", (None, None)),
    ],
)
def test_each_role_gets_the_scope_it_needs(client, admin, role, enterprise, commune, scope):
    make_enterprise(tax_code="0201234567", commune=make_commune("11311"))
    form = new_user_form(admin, role=role, enterprise=enterprise, commune=commune)
    assert client.post(LIST, data=form).status_code == 302
    user = by_name("hoa.nguyen")
    assert (user.enterprise.tax_code if user.enterprise else None, user.commune_code) == scope


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        ({"username": ""}, "username", "Bắt buộc nhập."),
        ({"username": "a b"}, "username", "Tên đăng nhập gồm 3–64 ký tự"),
        ({"username": "qt1"}, "username", "Tên đăng nhập &#39;qt1&#39; đã tồn tại."),
        ({"full_name": "  "}, "full_name", "Bắt buộc nhập."),
        ({"full_name": "A" * 201}, "full_name", "Họ tên tối đa 200 ký tự."),
        ({"email": "not-an-email"}, "email", "không hợp lệ"),
        ({"password": "short", "confirm": "short"}, "password", "Mật khẩu cần ít nhất 8 ký tự."),
        ({"password": ""}, "password", "Bắt buộc nhập."),
        ({"confirm": "something-else"}, "confirm", "Hai mật khẩu không khớp."),
        ({"role": "boss"}, "role", "Vai trò &#39;boss&#39; không tồn tại"),
        ({"role": "enterprise"}, "enterprise", "Vai trò enterprise cần mã số thuế"),
        (
            {"role": "enterprise", "enterprise": "0209999999"},
            "enterprise",
            "Không có doanh nghiệp mã số thuế 0209999999.",
        ),
        ({"enterprise": "0201234567"}, "enterprise", "Vai trò inspector không gắn với doanh"),
        ({"commune": "11311"}, "commune", "Vai trò inspector không gắn với xã/phường."),
        ({"role": "commune"}, "commune", "Vai trò commune cần mã xã/phường."),
        ({"role": "commune", "commune": "99999"}, "commune", "Không có xã/phường mã 99999."),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_written(
    client, admin, changes, field_id, message
):
    make_enterprise(tax_code="0201234567", commune=make_commune("11311"))
    before = count_users()
    response = client.post(LIST, data=new_user_form(admin, **changes))
    assert response.status_code == 422
    assert message in field_error(response.get_data(as_text=True), field_id)
    assert count_users() == before


def test_the_new_account_form_keeps_what_was_typed_but_not_the_password(client, admin):
    response = client.post(LIST, data=new_user_form(admin, role="commune"))
    html = response.get_data(as_text=True)
    assert 'value="hoa.nguyen"' in html and 'value="Nguyễn Thị Hoa"' in html
    assert "s3cret-pass" not in html


# -- editing ------------------------------------------------------------------------------------


def test_admin_edits_name_email_role_and_scope(client, admin):
    commune = make_commune("11311", "Phường Hồng Bàng")
    user = make_user("inspector", username="thanh", full_name="Trần Thanh")
    page = client.get(f"{LIST}/{user.id}").get_data(as_text=True)
    assert 'value="Trần Thanh"' in page and "Thanh tra lao động" in page

    form = edit_form(
        client,
        user,
        full_name="Trần Văn Thanh",
        email="thanh@hongbang.gov.vn",
        role="commune",
        commune=commune.code,
    )
    response = client.post(f"{LIST}/{user.id}", data=form)
    assert response.status_code == 302
    user = by_name("thanh")
    assert (user.full_name, user.email, user.role, user.commune_code) == (
        "Trần Văn Thanh",
        "thanh@hongbang.gov.vn",
        "commune",
        "11311",
    )
    assert "Đã lưu tài khoản thanh." in client.get(f"{LIST}/{user.id}").get_data(as_text=True)


def test_an_edit_that_breaks_the_scope_rules_changes_nothing(client, admin):
    user = make_user("inspector", username="thanh", full_name="Trần Thanh")
    form = edit_form(client, user, full_name="Tên Mới", role="enterprise")
    response = client.post(f"{LIST}/{user.id}", data=form)
    assert response.status_code == 422
    assert "Vai trò enterprise cần mã số thuế" in field_error(
        response.get_data(as_text=True), "enterprise"
    )
    user = by_name("thanh")
    assert (user.full_name, user.role) == ("Trần Thanh", "inspector")


def test_a_stale_edit_is_refused_instead_of_overwriting(client, admin):
    """Two administrators open the same account; the second save must not undo the first."""
    user = make_user("inspector", username="thanh", full_name="Trần Thanh")
    mine = edit_form(client, user, full_name="Tên Của Tôi")
    theirs = edit_form(client, user, full_name="Tên Của Người Khác")
    assert client.post(f"{LIST}/{user.id}", data=theirs).status_code == 302

    response = client.post(f"{LIST}/{user.id}", data=mine)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Tài khoản vừa được người khác thay đổi. Vui lòng tải lại trang" in html
    assert by_name("thanh").full_name == "Tên Của Người Khác"


def test_the_user_logging_out_meanwhile_is_not_a_conflict(client, admin):
    """Sessions, language and password rehash touch the row but not what the form edits."""
    user = make_user("inspector", username="thanh")
    form = edit_form(client, user, full_name="Tên Mới")
    accounts.end_sessions(user)
    accounts.set_locale(user, "en")
    assert client.post(f"{LIST}/{user.id}", data=form).status_code == 302
    assert by_name("thanh").full_name == "Tên Mới"


def test_an_administrator_cannot_change_their_own_role(client, admin):
    me = by_name("qt1")
    response = client.post(f"{LIST}/{me.id}", data=edit_form(client, me, role="inspector"))
    assert response.status_code == 422
    assert "Bạn không thể đổi vai trò của chính mình." in field_error(
        response.get_data(as_text=True), "role"
    )
    assert by_name("qt1").role == "admin"


def test_an_unknown_account_is_404(client, admin):
    assert client.get(f"{LIST}/99999").status_code == 404
    assert client.post(f"{LIST}/99999/deactivate", data={"csrf_token": admin}).status_code == 404


# -- locking and unlocking ----------------------------------------------------------------------


def test_a_locked_account_cannot_sign_in_use_its_session_or_its_api_token(
    client, admin, sign_in, api_token
):
    make_user("inspector", username="thanh")
    token = api_token("thanh")
    their_browser, status = sign_in("thanh")
    assert status == 302 and their_browser.get("/").status_code == 200
    user = by_name("thanh")

    response = client.post(f"{LIST}/{user.id}/deactivate", data={"csrf_token": admin})
    assert response.status_code == 302
    assert "Đã khoá tài khoản thanh" in client.get(f"{LIST}/{user.id}").get_data(as_text=True)
    assert by_name("thanh").active is False

    assert their_browser.get("/").status_code == 302  # the open session ended
    assert sign_in("thanh")[1] == 401
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0

    response = client.post(f"{LIST}/{user.id}/reactivate", data={"csrf_token": admin})
    assert response.status_code == 302
    assert by_name("thanh").active is True
    assert sign_in("thanh")[1] == 302
    # Reactivation revives no old credential.
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_an_administrator_cannot_lock_themselves_out(client, admin):
    me = by_name("qt1")
    page = client.get(f"{LIST}/{me.id}").get_data(as_text=True)
    assert f"/admin/users/{me.id}/deactivate" not in page  # no button offered
    response = client.post(f"{LIST}/{me.id}/deactivate", data={"csrf_token": admin})
    assert response.status_code == 409
    assert "Bạn không thể tự khoá tài khoản của chính mình." in response.get_data(as_text=True)
    assert by_name("qt1").active is True
    assert client.get(LIST).status_code == 200  # still signed in


def test_a_button_without_csrf_changes_nothing(client, admin):
    user = make_user("inspector", username="thanh")
    assert client.post(f"{LIST}/{user.id}/deactivate").status_code == 400
    assert by_name("thanh").active is True


# -- new password -------------------------------------------------------------------------------


def test_admin_sets_a_new_password_which_ends_sessions_and_tokens(
    client, admin, sign_in, api_token
):
    make_user("inspector", username="thanh")
    token = api_token("thanh")
    their_browser, _ = sign_in("thanh")
    user = by_name("thanh")
    response = client.post(
        f"{LIST}/{user.id}/password",
        data={
            "reset-csrf_token": admin,
            "reset-password": NEW_PASSWORD,
            "reset-confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert "Đã đặt mật khẩu mới cho thanh" in client.get(f"{LIST}/{user.id}").get_data(as_text=True)
    assert their_browser.get("/").status_code == 302
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert sign_in("thanh")[1] == 401
    assert sign_in("thanh", NEW_PASSWORD)[1] == 302


@pytest.mark.parametrize(
    ("password", "confirm", "field_id", "message"),
    [
        ("short", "short", "reset-password", "Mật khẩu cần ít nhất 8 ký tự."),
        ("", "", "reset-password", "Bắt buộc nhập."),
        (NEW_PASSWORD, "other-password", "reset-confirm", "Hai mật khẩu không khớp."),
    ],
)
def test_a_bad_new_password_is_refused_and_the_old_one_still_works(
    client, admin, sign_in, password, confirm, field_id, message
):
    user = make_user("inspector", username="thanh")
    response = client.post(
        f"{LIST}/{user.id}/password",
        data={"reset-csrf_token": admin, "reset-password": password, "reset-confirm": confirm},
    )
    assert response.status_code == 422
    assert message in field_error(response.get_data(as_text=True), field_id)
    assert sign_in("thanh")[1] == 302


def test_an_administrator_changes_their_own_password_on_the_password_page(client, admin):
    me = by_name("qt1")
    response = client.post(
        f"{LIST}/{me.id}/password",
        data={
            "reset-csrf_token": admin,
            "reset-password": NEW_PASSWORD,
            "reset-confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 422
    assert "Đổi mật khẩu của chính bạn ở trang Đổi mật khẩu" in response.get_data(as_text=True)
    assert client.get(LIST).status_code == 200  # still signed in with the old session


# -- who may use the pages ----------------------------------------------------------------------

ROLES_REFUSED = ["enterprise", "inspector", "union", "commune", "insurance"]


def admin_urls(target: User) -> tuple[list[str], list[str]]:
    gets = [LIST, f"{LIST}/new", f"{LIST}/{target.id}"]
    posts = [
        LIST,
        f"{LIST}/{target.id}",
        f"{LIST}/{target.id}/password",
        f"{LIST}/{target.id}/deactivate",
        f"{LIST}/{target.id}/reactivate",
    ]
    return gets, posts


@pytest.mark.parametrize("role", ROLES_REFUSED)
def test_every_other_role_is_refused_on_every_account_url(client, login, role):
    target = make_user("inspector", username="target", full_name="Đích")
    user = make_user(role)
    login(user.username)
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    gets, posts = admin_urls(target)
    for url in gets:
        assert client.get(url).status_code == 403, url
    body = {
        **new_user_form(token, username="intruder"),
        "stamp": accounts.account_stamp(target),
        "full_name": "Bị Đổi",
        "reset-password": NEW_PASSWORD,
        "reset-confirm": NEW_PASSWORD,
    }
    for url in posts:
        assert client.post(url, data=body).status_code == 403, url
    target = by_name("target")
    assert by_name("intruder") is None
    assert (target.full_name, target.active, target.role) == ("Đích", True, "inspector")
    assert client.get("/").status_code == 200  # nothing ended their own session


def test_anonymous_callers_are_sent_to_login(client):
    target = make_user("inspector")
    gets, posts = admin_urls(target)
    for url in gets:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    for url in posts:
        response = client.post(url, data=new_user_form(token, username="intruder"))
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    assert by_name("intruder") is None and by_name(target.username).active is True


def test_only_the_administrator_sees_the_accounts_link(client, login):
    make_user("inspector", username="thanh")
    login("thanh")
    assert 'href="/admin/users"' not in client.get("/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/").get_data(True))})
    make_user("admin", username="qt1")
    login("qt1")
    html = client.get(LIST).get_data(as_text=True)
    assert '<a href="/admin/users" aria-current="page">Tài khoản</a>' in html
    assert '<a href="/admin/">Quản trị</a>' in html  # one current item, not two


# -- English ------------------------------------------------------------------------------------


def test_the_account_pages_in_english(client, admin):
    make_user("inspector", username="thanh", active=False)
    home = client.get("/").get_data(as_text=True)
    client.post("/lang/en", data={"csrf_token": csrf_token_from(home), "next": "/"})

    html = client.get(LIST).get_data(as_text=True)
    for text in (
        "User accounts",
        "Username",
        "Role",
        "Scope",
        "Account status",
        "Labour inspector",
        "Administrator",
        "Deactivated",
        "Active",
        "Create an account",
    ):
        assert text in html, text
    assert "Thanh tra lao động" not in html and "Tài khoản người dùng" not in html

    html = client.get(f"{LIST}/new").get_data(as_text=True)
    assert "Initial password" in html and "Repeat the password" in html
    assert "Enterprise tax code" in html and "— No commune —" in html

    response = client.post(LIST, data=new_user_form(admin, role="commune", email="nope"))
    html = response.get_data(as_text=True)
    assert field_error(html, "commune") == "The role commune needs a commune."
    assert field_error(html, "email") == "The email address &#39;nope&#39; is not valid."


def test_each_change_is_recorded_with_the_administrator_who_made_it(client, admin, caplog):
    """Each act once in the security audit, with its actor, and once in the app log (INFO)."""
    from app.models import SecurityEvent

    caplog.set_level("INFO")
    client.post(LIST, data=new_user_form(admin))
    user = by_name("hoa.nguyen")
    client.post(f"{LIST}/{user.id}", data=edit_form(client, user, full_name="Tên Mới"))
    client.post(
        f"{LIST}/{user.id}/password",
        data={
            "reset-csrf_token": admin,
            "reset-password": NEW_PASSWORD,
            "reset-confirm": NEW_PASSWORD,
        },
    )
    client.post(f"{LIST}/{user.id}/deactivate", data={"csrf_token": admin})
    client.post(f"{LIST}/{user.id}/reactivate", data={"csrf_token": admin})
    acts = [
        "account.created",
        "account.updated",
        "account.password_reset",
        "account.locked",
        "account.unlocked",
    ]
    events = db.session.scalars(
        select(SecurityEvent)
        .where(SecurityEvent.target == "hoa.nguyen", SecurityEvent.action.in_(acts))
        .order_by(SecurityEvent.seq)
    ).all()
    assert [(e.action, e.actor, e.actor_role) for e in events] == [
        (action, "qt1", "admin") for action in acts
    ]
    assert events[1].before == {"full_name": "Nguyễn Thị Hoa"}
    assert events[1].after == {"full_name": "Tên Mới"}
    logged = [
        r.security_event["action"]
        for r in caplog.records
        if getattr(r, "security_event", {}).get("target") == "hoa.nguyen"
    ]
    assert logged == acts
