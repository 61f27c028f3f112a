"""Sign-in limits and token revocation: failed attempts are limited per address and per
username, on the login page and ``POST /api/v1/tokens`` together; successful sign-ins are never
limited; a lockout is recorded once; a token owner revokes one token or all of them, and
signing out of the web revokes no token."""

from __future__ import annotations

import pytest
from limits import parse
from sqlalchemy import func, select

from app.extensions import db
from app.models import ApiToken, SecurityEvent
from tests.conftest import csrf_token_from, post_login
from tests.factories import PASSWORD, make_user

TOKENS = "/api/v1/tokens"


@pytest.fixture
def limit(app) -> int:
    """How many failures the limit allows (5 per minute in the test settings)."""
    return parse(app.config["LOGIN_RATE_LIMIT"]).amount


def from_address(n: int) -> dict:
    return {"REMOTE_ADDR": f"127.0.0.{n}"}


def token_attempt(client, username: str, password: str, address: int = 1):
    return client.post(
        TOKENS,
        json={"username": username, "password": password},
        environ_base=from_address(address),
    )


def web_attempt(client, username: str, password: str, address: int = 1):
    page = client.get("/login", environ_base=from_address(address)).get_data(as_text=True)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_token_from(page)},
        environ_base=from_address(address),
    )


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


# -- per username ---------------------------------------------------------------------------


def test_fifteen_wrong_passwords_for_one_user_from_fifteen_addresses_get_429(client, limit):
    make_user("inspector", username="thanh")
    statuses = [
        token_attempt(client, "thanh", "wrong", address=n).status_code for n in range(1, 16)
    ]
    assert statuses == [401] * limit + [429] * (15 - limit)
    body = token_attempt(client, "thanh", "wrong", address=99).get_json()
    assert body["error"] == "Quá nhiều lần thử. Vui lòng đợi một phút rồi thử lại."
    # While the limit holds even the right password is refused, from yet another address...
    assert token_attempt(client, "THANH ", PASSWORD, address=100).status_code == 429
    # ... and on the login page too: the limit is the username's, not the door's.
    assert web_attempt(client, "thanh", PASSWORD, address=101).status_code == 429
    # Another account is not affected.
    make_user("inspector", username="lan")
    assert token_attempt(client, "lan", PASSWORD, address=102).status_code == 201


def test_failures_on_the_login_page_count_for_the_api_too(client, limit):
    make_user("inspector", username="thanh")
    for n in range(limit):
        assert web_attempt(client, "thanh", "wrong", address=n + 1).status_code == 401
    assert token_attempt(client, "thanh", PASSWORD, address=50).status_code == 429


# -- per address ------------------------------------------------------------------------------


def test_one_address_trying_many_usernames_gets_429(client, limit):
    for n in range(limit):
        assert token_attempt(client, f"user{n}", "wrong", address=7).status_code == 401
    assert token_attempt(client, "someone-else", "wrong", address=7).status_code == 429
    assert web_attempt(client, "and-another", "wrong", address=7).status_code == 429
    assert token_attempt(client, "someone-else", "wrong", address=8).status_code == 401


# -- only failures count ----------------------------------------------------------------------


def test_successful_sign_ins_are_never_limited(app, client, limit):
    make_user("inspector", username="thanh")
    for _ in range(limit * 2 + 1):
        assert token_attempt(client, "thanh", PASSWORD).status_code == 201
    for _ in range(limit * 2 + 1):
        browser = app.test_client()
        assert web_attempt(browser, "thanh", PASSWORD).status_code == 302
    # A few failures in between do not lock out the next success either.
    for _ in range(limit - 1):
        assert token_attempt(client, "thanh", "wrong").status_code == 401
    assert token_attempt(client, "thanh", PASSWORD).status_code == 201


def test_a_malformed_body_does_not_count(client, limit):
    for _ in range(limit + 2):
        assert client.post(TOKENS, json={"username": 5}).status_code == 422
    make_user("inspector", username="thanh")
    assert token_attempt(client, "thanh", PASSWORD).status_code == 201


# -- the lockout is recorded once -------------------------------------------------------------


def test_a_lockout_is_recorded_once_per_window(client, limit):
    make_user("inspector", username="thanh")
    for n in range(limit):
        token_attempt(client, "thanh", "wrong", address=n + 1)
    for n in range(4):
        assert token_attempt(client, "thanh", "wrong", address=20 + n).status_code == 429
    lockouts = db.session.scalars(
        select(SecurityEvent).where(SecurityEvent.action == "auth.locked_out")
    ).all()
    assert [(e.actor, e.target, e.detail, e.ip) for e in lockouts] == [
        ("", "thanh", {"channel": "api", "limit": "username"}, "127.0.0.20")
    ]
    assert count(SecurityEvent, SecurityEvent.action == "auth.sign_in_failed") == limit


# -- revoking tokens --------------------------------------------------------------------------


@pytest.fixture
def owner(client):
    make_user("inspector", username="thanh")
    make_user("inspector", username="lan")
    first, second = (token_attempt(client, "thanh", PASSWORD).get_json()["token"] for _ in "12")
    other = token_attempt(client, "lan", PASSWORD).get_json()["token"]
    return first, second, other


def test_revoking_the_current_token(client, owner):
    first, second, other = owner
    response = client.delete(f"{TOKENS}/current", headers=bearer(first))
    assert response.status_code == 204
    assert response.get_data() == b""
    assert client.get("/api/v1/me", headers=bearer(first)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(second)).status_code == 200
    assert client.get("/api/v1/me", headers=bearer(other)).status_code == 200
    assert client.delete(f"{TOKENS}/current", headers=bearer(first)).status_code == 401
    event = db.session.scalars(
        select(SecurityEvent).where(SecurityEvent.action == "auth.token_revoked")
    ).one()
    assert (event.actor, event.target, event.detail["which"], event.detail["count"]) == (
        "thanh",
        "thanh",
        "current",
        1,
    )


def test_revoking_every_token_of_the_owner(client, owner):
    first, second, other = owner
    assert client.delete(TOKENS, headers=bearer(second)).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(first)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(second)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(other)).status_code == 200
    assert count(ApiToken) == 1
    event = db.session.scalars(
        select(SecurityEvent).where(SecurityEvent.action == "auth.token_revoked")
    ).one()
    assert (event.actor, event.detail) == ("thanh", {"which": "all", "count": 2})


def test_revoking_needs_a_token(client, owner):
    assert client.delete(TOKENS).status_code == 401
    assert client.delete(f"{TOKENS}/current", headers=bearer("not-a-token")).status_code == 401
    assert count(ApiToken) == 3
    assert count(SecurityEvent, SecurityEvent.action == "auth.token_revoked") == 0


def test_revoking_tokens_keeps_the_browser_session(app, client, owner):
    first, _second, _other = owner
    browser = app.test_client()
    assert post_login(browser, "thanh").status_code == 302
    assert client.delete(TOKENS, headers=bearer(first)).status_code == 204
    assert browser.get("/").status_code == 200
    assert b"thanh" in browser.get("/").get_data()


def test_signing_out_of_the_web_revokes_no_token(app, client, owner):
    first, second, _other = owner
    browser = app.test_client()
    assert post_login(browser, "thanh").status_code == 302
    home = browser.get("/").get_data(as_text=True)
    assert browser.post("/logout", data={"csrf_token": csrf_token_from(home)}).status_code == 302
    assert browser.get("/").status_code == 302  # the session has ended
    assert client.get("/api/v1/me", headers=bearer(first)).status_code == 200
    assert client.get("/api/v1/me", headers=bearer(second)).status_code == 200
    assert count(ApiToken) == 3


def test_the_revoke_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths[TOKENS.removeprefix("/api/v1")]) == {"post", "delete"}
    assert "204" in paths["/tokens"]["delete"]["responses"]
    assert "204" in paths["/tokens/current"]["delete"]["responses"]
    assert "429" in paths["/tokens"]["post"]["responses"]


@pytest.mark.parametrize("username", ["a\x00b", "x" * 100_000, "thanh\x7f"])
def test_a_name_no_account_can_have_is_a_wrong_credential_not_an_error(client, username):
    make_user("inspector", username="thanh")
    response = client.post(TOKENS, json={"username": username, "password": PASSWORD})
    # A JSON body with a NUL is refused at the boundary (app/inputs.py) before any lookup.
    assert response.status_code == (422 if "\x00" in username else 401)
    assert web_attempt(client, username, PASSWORD, address=2).status_code == 401
