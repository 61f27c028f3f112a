"""Fixtures shared by the page tests."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token_from


@pytest.fixture
def signed_in(app):
    """``signed_in(username)`` → a fresh test client signed in through the login form."""

    def sign_in(username: str):
        client = app.test_client()
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        response = client.post(
            "/login",
            data={"username": username, "password": "correct-horse-1", "csrf_token": token},
        )
        assert response.status_code == 302
        return client

    return sign_in
