"""The language switch reaches the form labels too (English is the second language)."""

from tests.conftest import csrf_token_from


def test_login_page_in_english_after_the_language_switch(client):
    page = client.get("/login").get_data(as_text=True)
    client.post("/lang/en", data={"csrf_token": csrf_token_from(page), "next": "/login"})
    english = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in english
    assert "Username" in english and "Password" in english and "Sign in" in english
