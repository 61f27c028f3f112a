"""API tokens: issue (201), wrong credentials (401), missing or expired token (401)."""

from datetime import timedelta

from app import clock
from tests.factories import make_user


def test_token_issued_for_right_credentials(client):
    make_user("inspector", username="thanh")
    response = client.post(
        "/api/v1/tokens", json={"username": "thanh", "password": "correct-horse-1"}
    )
    assert response.status_code == 201
    body = response.get_json()
    assert len(body["token"]) >= 40
    assert body["expires_at"].endswith("+00:00")


def test_wrong_password_gets_401_with_json_error(client):
    make_user("inspector", username="thanh")
    response = client.post("/api/v1/tokens", json={"username": "thanh", "password": "nope"})
    assert response.status_code == 401
    assert response.get_json()["error"]


def test_malformed_body_gets_422_with_field_errors(client):
    response = client.post("/api/v1/tokens", data="not json", content_type="text/plain")
    assert response.status_code == 422
    assert "body" in response.get_json()["errors"]


def test_call_without_token_gets_401(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert "error" in response.get_json()


def test_call_with_token_identifies_the_user(client, api_token):
    make_user("inspector", username="thanh")
    token = api_token("thanh")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json()["role"] == "inspector"


def test_token_is_stored_hashed(app, api_token):
    from app.extensions import db
    from app.models import ApiToken

    make_user("inspector", username="thanh")
    token = api_token("thanh")
    stored = db.session.scalars(db.select(ApiToken.token_hash)).all()
    assert token not in stored
    assert len(stored[0]) == 64


def test_expired_token_gets_401(client, api_token):
    make_user("inspector", username="thanh")
    token = api_token("thanh")
    clock.freeze(clock.now() + timedelta(hours=13))
    try:
        response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    finally:
        clock.freeze(None)
    assert response.status_code == 401


def test_session_cookie_does_not_authenticate_the_api(client, login):
    make_user("inspector", username="thanh")
    login("thanh")
    assert client.get("/api/v1/me").status_code == 401


def test_openapi_document_is_served(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert "/tokens" in document["paths"]


def test_every_api_route_is_in_the_openapi_document(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = (
                rule.rule[len("/api/v1") :]
                .replace("<int:", "{")
                .replace("<", "{")
                .replace(">", "}")
            )
            assert path in document["paths"], f"{rule.rule} missing from the OpenAPI document"
