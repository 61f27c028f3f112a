"""Web login and logout, session invalidation, CSRF and the login rate limit."""

from tests.conftest import csrf_token_from
from tests.factories import make_user


def test_login_page_is_vietnamese(client):
    page = client.get("/login").get_data(as_text=True)
    assert "Đăng nhập" in page
    assert 'lang="vi"' in page


def test_login_then_home_shows_user_role_and_scope(client, login):
    user = make_user("enterprise", username="hoa")
    response = login("hoa")
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "hoa" in home
    assert "Doanh nghiệp" in home
    assert user.enterprise.name in home


def test_wrong_password_and_unknown_user_get_the_same_generic_message(client, login):
    make_user("inspector", username="thanh")
    wrong_password = login("thanh", "nope-nope-1")
    unknown_user = login("nobody", "nope-nope-1")
    assert wrong_password.status_code == unknown_user.status_code == 401
    message = "Tên đăng nhập hoặc mật khẩu không đúng."
    assert message in wrong_password.get_data(as_text=True)
    assert message in unknown_user.get_data(as_text=True)


def test_anonymous_home_redirects_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_copied_cookie_stops_working_after_logout(app, client, login):
    make_user("inspector", username="thanh")
    login("thanh")
    cookie = client.get_cookie("session").value
    home = client.get("/")
    assert home.status_code == 200
    token = csrf_token_from(home.get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302

    thief = app.test_client()
    thief.set_cookie("session", cookie)
    response = thief.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_password_change_ends_other_sessions(app, client, login):
    make_user("inspector", username="thanh")
    login("thanh")
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    assert other.get("/").status_code == 200

    page = client.get("/account/password").get_data(as_text=True)
    response = client.post(
        "/account/password",
        data={
            "csrf_token": csrf_token_from(page),
            "current_password": "correct-horse-1",
            "new_password": "battery-staple-2",
            "confirm": "battery-staple-2",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this browser stays signed in
    assert other.get("/").status_code == 302  # the copied cookie is dead


def test_login_without_csrf_token_is_refused(client):
    make_user("inspector", username="thanh")
    response = client.post("/login", data={"username": "thanh", "password": "correct-horse-1"})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_logout_without_csrf_token_is_refused(client, login):
    make_user("inspector", username="thanh")
    login("thanh")
    response = client.post("/logout")
    assert response.status_code == 400
    assert client.get("/").status_code == 200


def test_login_attempts_are_rate_limited(client, login):
    make_user("inspector", username="thanh")
    statuses = [login("thanh", "wrong-password").status_code for _ in range(6)]
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    # Even the right password is refused while the limit holds.
    assert login("thanh").status_code == 429


def test_session_cookie_is_httponly_and_samesite_lax(client, login):
    make_user("inspector", username="thanh")
    response = login("thanh")
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header


def test_inactive_user_cannot_log_in(client, login):
    make_user("inspector", username="thanh", active=False)
    assert login("thanh").status_code == 401


def test_language_switch_to_english(client, login):
    make_user("inspector", username="thanh")
    login("thanh")
    home = client.get("/").get_data(as_text=True)
    client.post("/lang/en", data={"csrf_token": csrf_token_from(home), "next": "/"})
    english = client.get("/").get_data(as_text=True)
    assert 'lang="en"' in english
    assert "Labour inspector" in english


def test_open_redirect_after_login_is_refused(client, login):
    make_user("inspector", username="thanh")
    response = login("thanh", next_url="https://evil.example/")
    assert response.headers["Location"] == "/"


def test_every_page_names_its_icon_and_the_old_icon_address_leads_to_it(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'rel="icon" href="/static/favicon.svg"' in page
    old = client.get("/favicon.ico")
    assert old.status_code == 301 and old.headers["Location"].endswith("/static/favicon.svg")
    with client.get("/static/favicon.svg") as icon:  # a file response: closed after use
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
