"""Issue #12 in the browser pages: a form whose CSRF token expired or whose session changed
comes back with everything typed and a line asking to send it again (in the user's language,
never werkzeug's English); what forms send is NFC, numbers ASCII and bounded, and filters
with impossible dates or pages answer a page, never a 500. CSRF stays on (TestingConfig), as
in production: the tests take the token from the page as a browser does."""

from __future__ import annotations

import unicodedata

from sqlalchemy import select

from app.extensions import db
from app.models import Case
from tests.conftest import csrf_token_from
from tests.factories import make_accident, make_user
from tests.views.test_cases_pages import count_cases, declaration_form, text_of, web_victim

VI_AGAIN = "Phiên làm việc đã hết hạn nên nội dung chưa được gửi."
EN_AGAIN = "Your session expired, so nothing was sent."
ENGLISH_WERKZEUG = "CSRF"
PLACE = "Xưởng đúc phía Bắc, khu công nghiệp Đình Vũ"
ACCOUNT = "Công nhân Lê Văn Tâm bị mảnh khuôn văng vào mặt khi đang tháo khuôn đúc."


def _long_declaration(client, user) -> dict:
    token = csrf_token_from(text_of(client.get("/cases/declare")))
    victims = {
        0: web_victim("death", full_name="Lê Văn Tâm", national_id="031090004321"),
        1: web_victim("serious", full_name="Phạm Thị Hoa", national_id="031095008765"),
    }
    return declaration_form(
        token, user.enterprise.commune_code, victims, location=PLACE, description=ACCOUNT
    )


def _expire_session_token(client) -> None:
    """What an expired or replaced session looks like to the server: no CSRF secret."""
    with client.session_transaction() as session:
        session.pop("csrf_token", None)


# -- a lost form ----------------------------------------------------------------------------------


def test_a_declaration_whose_session_expired_comes_back_with_everything_typed(signed_in):
    user = make_user("enterprise", username="hoa")
    client = signed_in("hoa")
    data = _long_declaration(client, user)
    _expire_session_token(client)
    response = client.post("/cases/declare", data=data)
    page = text_of(response)
    assert response.status_code == 400
    assert count_cases() == 0
    assert VI_AGAIN in page and ENGLISH_WERKZEUG not in page
    for typed in (PLACE, ACCOUNT, "Lê Văn Tâm", "031090004321", "Phạm Thị Hoa", "031095008765"):
        assert typed in page, typed
    # The page carries a fresh token: sending it again as it is declares the case.
    again = {**data, "csrf_token": csrf_token_from(page)}
    response = client.post("/cases/declare", data=again)
    assert response.status_code == 302, text_of(response)
    case = db.session.scalars(select(Case)).one()
    assert case.location == PLACE and [v.full_name for v in case.victims] == [
        "Lê Văn Tâm",
        "Phạm Thị Hoa",
    ]


def test_the_line_asking_to_send_again_is_english_in_english(signed_in):
    user = make_user("enterprise", username="hoa")
    client = signed_in("hoa")
    data = _long_declaration(client, user)
    with client.session_transaction() as session:
        session.pop("csrf_token", None)
        session["lang"] = "en"
    page = text_of(client.post("/cases/declare", data=data))
    assert EN_AGAIN in page and VI_AGAIN not in page and PLACE in page
    assert count_cases() == 0


def test_a_declaration_with_another_sessions_token_comes_back_too(app, signed_in):
    """The session changed (signed in again in another tab): the token no longer matches."""
    user = make_user("enterprise", username="hoa")
    client = signed_in("hoa")
    data = _long_declaration(client, user)
    other = signed_in("hoa")
    data["csrf_token"] = csrf_token_from(text_of(other.get("/cases/declare")))
    response = client.post("/cases/declare", data=data)
    assert response.status_code == 400
    assert VI_AGAIN in text_of(response) and PLACE in text_of(response)
    assert count_cases() == 0


def test_an_action_form_whose_session_expired_comes_back_and_fires_nothing(signed_in):
    """One more of its kind: the case page's action forms (here a long rejection reason)."""
    reporter = make_user("enterprise")
    make_user("inspector", username="thanh")
    case = make_accident(reporter, ("death",))
    client = signed_in("thanh")
    token = csrf_token_from(text_of(client.get(f"/cases/{case.id}")))
    reason = "Trùng với vụ đã khai báo hôm qua; hai doanh nghiệp cùng khai báo một tai nạn."
    _expire_session_token(client)
    response = client.post(
        f"/cases/{case.id}/actions/reject",
        data={"csrf_token": token, "version": "1", "reject-reason": reason},
    )
    page = text_of(response)
    assert response.status_code == 400
    assert VI_AGAIN in page and reason in page and ENGLISH_WERKZEUG not in page
    db.session.refresh(case)
    assert case.state == "declared" and case.version == 1


def test_a_reason_of_two_million_characters_typed_in_a_form_is_refused(signed_in):
    reporter = make_user("enterprise")
    make_user("inspector", username="thanh")
    case = make_accident(reporter, ("death",))
    client = signed_in("thanh")
    token = csrf_token_from(text_of(client.get(f"/cases/{case.id}")))
    for reason in ("x" * 2_000_000, "x" * 5001):
        response = client.post(
            f"/cases/{case.id}/actions/reject",
            data={"csrf_token": token, "version": "1", "reject-reason": reason},
        )
        assert response.status_code == 422
        assert 'id="reject-reason-error"' in text_of(response)
        assert "Tối đa 5000 ký tự." in text_of(response)
    db.session.refresh(case)
    assert case.state == "declared" and case.version == 1


def test_another_form_without_its_token_gets_a_vietnamese_error_page(signed_in):
    make_user("inspector", username="thanh")
    client = signed_in("thanh")
    _expire_session_token(client)
    response = client.post("/notifications/read-all", data={})
    assert response.status_code == 400
    page = text_of(response)
    assert "Phiên làm việc của biểu mẫu đã hết hạn" in page
    assert ENGLISH_WERKZEUG not in page and "session token is missing" not in page


# -- what forms send ------------------------------------------------------------------------------


def _declare(client, user, **typed):
    token = csrf_token_from(text_of(client.get("/cases/declare")))
    data = declaration_form(token, user.enterprise.commune_code, {0: {**web_victim(), **typed}})
    return client.post("/cases/declare", data=data)


def test_a_name_typed_on_a_mac_is_stored_composed(signed_in):
    user = make_user("enterprise", username="hoa")
    client = signed_in("hoa")
    response = _declare(client, user, full_name=unicodedata.normalize("NFD", "Nguyễn Thị Trâm"))
    assert response.status_code == 302
    case = db.session.scalars(select(Case)).one()
    assert case.victims[0].full_name == "Nguyễn Thị Trâm"


def test_a_10000_character_name_typed_in_the_form_is_refused_beside_it(signed_in):
    user = make_user("enterprise", username="hoa")
    client = signed_in("hoa")
    response = _declare(client, user, full_name="A" * 10_000)
    page = text_of(response)
    assert response.status_code == 422
    assert 'id="victims-0-full_name-error"' in page and "Tối đa 200 ký tự." in page
    assert count_cases() == 0


def test_a_wage_of_thirty_nines_typed_in_the_form_is_refused_beside_it(signed_in):
    """One more of its kind: a number field of the form (it used to be stored)."""
    user = make_user("enterprise", username="hoa")
    client = signed_in("hoa")
    response = _declare(client, user, monthly_wage_vnd="9" * 30)
    page = text_of(response)
    assert response.status_code == 422
    assert 'id="victims-0-monthly_wage_vnd-error"' in page
    assert "Số tiền không được vượt quá 10.000.000.000 đồng." in page
    assert count_cases() == 0


def test_full_width_digits_typed_in_the_form_are_no_national_id(signed_in):
    user = make_user("enterprise", username="hoa")
    client = signed_in("hoa")
    response = _declare(client, user, national_id="０３１０９０００１２３４")
    assert response.status_code == 422
    assert "Số CCCD phải gồm đúng 12 chữ số." in text_of(response)
    response = _declare(client, user, si_years="٦")  # no number here either
    assert response.status_code == 422
    assert 'id="victims-0-si_years-error"' in text_of(response)
    assert count_cases() == 0


def test_list_filters_with_impossible_dates_and_pages_answer_a_page(signed_in):
    make_user("inspector", username="thanh")
    client = signed_in("thanh")
    # A refused filter: 422, its message beside the field, no list under it; a page past
    # the end: the last page (a redirect); never a 500.
    expected = {
        "declared_from=01/01/0001": 422,
        "declared_to=9999-12-31&declared_from=0001-01-01": 422,
        "page=100000000000000000000": 302,
        "page=٣": 200,
        "incident=99999999999999999999": 200,
    }
    for query, status in expected.items():
        response = client.get(f"/cases/?{query}")
        assert response.status_code == status, query
    page = text_of(client.get("/cases/?declared_from=01/01/0001"))
    assert "Ngày phải từ 01/01/1900 đến 31/12/2100." in page
    assert client.get("/notifications/?page=100000000000000000000").status_code == 200
    assert client.get(f"/cases/{2**63}").status_code == 404
    assert client.get("/cases/declare?incident=99999999999999999999").status_code in (200, 403)
