"""The quick notice (báo tin nhanh) in the browser, through the Flask test client: the page in
the "Khai báo" menu of the roles that declare accidents, every error at once, the banner on
the case page, the full declaration started from what the notice said, and what a role that
may not declare cannot open (403)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Case
from tests.conftest import csrf_token_from
from tests.factories import make_notice, make_user

pytestmark = pytest.mark.usefixtures("declaration_day")  # 10:00 on 20/11/2026, Vietnam


def text_of(response) -> str:
    return response.get_data(as_text=True)


def count_cases() -> int:
    return db.session.scalar(select(func.count()).select_from(Case))


def error_of(page: str, field_id: str) -> str | None:
    match = re.search(rf'<p class="field-error" id="{field_id}-error">([^<]*)</p>', page)
    return match.group(1) if match else None


def notice_form(token: str, commune_code: str, **typed) -> dict:
    data = {
        "csrf_token": token,
        "occurred_date": "20/11/2026",
        "occurred_time": "08:30",
        "commune_code": commune_code,
        "location": "Công trường nhà xưởng số 3",
        "description": "Sập giàn giáo khi đang đổ bê tông.",
        "deaths": "1",
        "seriously_injured": "2",
        "lightly_injured": "0",
        "reporter_name": "Trần Văn Bình, quản đốc",
        "contact_phone": "0912 345 678",
    }
    data.update(typed)
    return data


def victim_fields(index: int, outcome: str, **typed) -> dict:
    fields = {
        "full_name": f"Nguyễn Văn Nạn {index}",
        "birth_date": "02/04/1990",
        "gender": "male",
        "national_id": f"0310900012{index:02d}",
        "occupation": "Thợ xây",
        "outcome": outcome,
        "monthly_wage_vnd": "9.000.000",
    }
    fields.update(typed)
    return {f"victims-{index}-{name}": value for name, value in fields.items()}


def test_the_notice_is_in_the_declare_menu_of_the_roles_that_declare_accidents(signed_in):
    make_user("enterprise", username="hoa")
    make_user("commune", username="xa")
    make_user("inspector", username="tra")
    for username in ("hoa", "xa"):
        home = text_of(signed_in(username).get("/"))
        assert 'href="/cases/declare/notice"' in home, username
        assert "Báo tin nhanh tai nạn" in home
    assert 'href="/cases/declare/notice"' not in text_of(signed_in("tra").get("/"))


@pytest.mark.parametrize("role", ["inspector", "union", "insurance", "admin"])
def test_a_role_that_may_not_declare_cannot_open_or_post_the_notice(signed_in, role):
    make_user(role, username="khac")
    client = signed_in("khac")
    assert client.get("/cases/declare/notice").status_code == 403
    token = csrf_token_from(text_of(client.get("/")))
    assert client.post("/cases/declare/notice", data={"csrf_token": token}).status_code == 403
    assert count_cases() == 0


def test_a_notice_with_everything_wrong_shows_every_error_at_once(signed_in):
    make_user("enterprise", username="hoa")
    client = signed_in("hoa")
    page = text_of(client.get("/cases/declare/notice"))
    assert "<h1>Báo tin nhanh tai nạn lao động</h1>" in page
    assert 'data-testid="police-hint"' in page
    data = notice_form(
        csrf_token_from(page),
        "",
        occurred_date="31/02/2026",  # the form's own check
        location="",
        deaths="một",  # the form's own check
        reporter_name="",
        contact_phone="12",
    )
    response = client.post("/cases/declare/notice", data=data)
    assert response.status_code == 422
    shown = text_of(response)
    assert count_cases() == 0
    assert error_of(shown, "occurred_date") == "Ngày không hợp lệ (dd/mm/yyyy)."
    assert error_of(shown, "deaths") == "Phải là số nguyên."
    assert error_of(shown, "location") == "Bắt buộc nhập."
    assert error_of(shown, "reporter_name") == "Bắt buộc nhập."
    assert error_of(shown, "commune_code") == "Bắt buộc nhập."
    assert error_of(shown, "contact_phone").startswith("Số điện thoại không hợp lệ")
    assert len(re.findall(r'<p class="field-error" id="', shown)) == 6
    assert 'data-testid="error-summary"' in shown


def test_notice_then_banner_then_the_full_declaration_started_from_it(signed_in):
    user = make_user("enterprise", username="hoa")
    commune = user.enterprise.commune_code
    client = signed_in("hoa")
    token = csrf_token_from(text_of(client.get("/cases/declare/notice")))
    response = client.post("/cases/declare/notice", data=notice_form(token, commune))
    assert response.status_code == 302
    case = db.session.scalars(select(Case)).one()
    assert case.state == "notified" and case.data["notice"]["deaths"] == 1
    page = text_of(client.get(response.headers["Location"]))
    assert f"Đã báo tin nhanh vụ việc {case.code}" in page
    assert "Báo tin nhanh — chưa hoàn thiện khai báo" in page
    assert "1 người chết, 2 người bị thương nặng, 0 người bị thương nhẹ" in page
    assert f'href="/cases/{case.id}/complete"' in page
    assert 'href="tel:0912345678"' in page

    form = text_of(client.get(f"/cases/{case.id}/complete"))
    assert "Hoàn thiện khai báo tai nạn lao động" in form
    assert 'value="20/11/2026"' in form and 'value="08:30"' in form
    assert 'value="Công trường nhà xưởng số 3"' in form
    # One block per person the notice counted, with the outcome chosen.
    for index, outcome in enumerate(("death", "serious", "serious")):
        assert re.search(
            rf'name="victims-{index}-outcome"[^>]*>.*?<option selected value="{outcome}">',
            form,
            re.S,
        ), index
    data = {
        "csrf_token": csrf_token_from(form),
        "version": str(case.version),
        "occurred_date": "20/11/2026",
        "occurred_time": "08:30",
        "commune_code": commune,
        "location": "Công trường nhà xưởng số 3, trục B",
        "description": "Sập giàn giáo khi đang đổ bê tông sàn tầng 2.",
        "accident_type": "at_work",
        **victim_fields(0, "death"),
        **victim_fields(1, "serious"),
        **victim_fields(2, "serious"),
    }
    response = client.post(f"/cases/{case.id}/complete", data=data)
    assert response.status_code == 302, text_of(response)[:2000]
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.state == "declared" and len(case.victims) == 3
    shown = text_of(client.get(response.headers["Location"]))
    assert "chưa hoàn thiện khai báo" not in shown
    assert f"Đã khai báo vụ việc {case.code}" in shown
    assert 'data-testid="notice-facts"' in shown  # what the notice said stays on the page
    # The history tells both steps in words, the notice's counts labelled.
    history = shown.split('id="timeline-h"', 1)[1] if 'id="timeline-h"' in shown else shown
    assert "Báo tin nhanh" in history and "Hoàn thiện khai báo" in history
    assert "Số người chết" in history and "seriously_injured" not in history
    assert "Lưu ý: số người bị nạn" not in shown


def test_a_completion_with_bad_fields_shows_them_all_and_changes_nothing(signed_in):
    user = make_user("enterprise", username="hoa")
    case = make_notice(user, deaths=0, seriously_injured=1, lightly_injured=1)
    client = signed_in("hoa")
    form = text_of(client.get(f"/cases/{case.id}/complete"))
    data = {
        "csrf_token": csrf_token_from(form),
        "version": str(case.version),
        "occurred_date": "20/11/2026",
        "occurred_time": "25:00",  # the form's own check
        "commune_code": user.enterprise.commune_code,
        "location": "",
        "description": "Ngã từ giàn giáo.",
        **victim_fields(0, "serious", national_id="123"),  # the service's check
        **victim_fields(1, "light", monthly_wage_vnd="chín triệu"),  # the form's own check
    }
    response = client.post(f"/cases/{case.id}/complete", data=data)
    assert response.status_code == 422
    page = text_of(response)
    assert error_of(page, "occurred_time") == "Giờ không hợp lệ (HH:MM)."
    assert error_of(page, "location") == "Bắt buộc nhập."
    assert error_of(page, "victims-0-national_id") == "Số CCCD phải gồm đúng 12 chữ số."
    assert error_of(page, "victims-1-monthly_wage_vnd").startswith("Số tiền phải là số nguyên")
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "notified"
    assert db.session.get(Case, case.id).victims == []


def test_a_declaration_that_differs_from_the_notice_is_accepted_with_a_warning(signed_in):
    user = make_user("enterprise", username="hoa")
    case = make_notice(user, deaths=0, seriously_injured=2)
    client = signed_in("hoa")
    form = text_of(client.get(f"/cases/{case.id}/complete"))
    data = {
        "csrf_token": csrf_token_from(form),
        "version": str(case.version),
        "occurred_date": "20/11/2026",
        "occurred_time": "08:30",
        "commune_code": user.enterprise.commune_code,
        "location": "Công trường",
        "description": "Ngã từ giàn giáo.",
        **victim_fields(0, "serious"),
    }
    response = client.post(f"/cases/{case.id}/complete", data=data)
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    assert "Lưu ý: số người bị nạn đã khai báo (0 người chết, 1 người bị thương nặng" in page
    assert 'data-testid="notice-counts-differ"' in page


def test_only_the_side_that_gave_the_notice_may_complete_it(signed_in):
    user = make_user("enterprise", username="hoa")
    make_user("commune", username="xa", commune_code=user.enterprise.commune_code)
    make_user("inspector", username="tra")
    case = make_notice(user)
    commune = signed_in("xa")
    assert commune.get(f"/cases/{case.id}").status_code == 200  # it sees it
    assert "complete-declaration" not in text_of(commune.get(f"/cases/{case.id}"))
    assert commune.get(f"/cases/{case.id}/complete").status_code == 403
    inspector = signed_in("tra")
    page = text_of(inspector.get(f"/cases/{case.id}"))
    assert "Báo tin nhanh — chưa hoàn thiện khai báo" in page
    assert 'data-testid="complete-declaration"' not in page
    assert inspector.get(f"/cases/{case.id}/complete").status_code == 403


def test_a_declared_case_has_no_completion_page(signed_in):
    from tests.factories import make_accident

    user = make_user("enterprise", username="hoa")
    case = make_accident(user)
    response = signed_in("hoa").get(f"/cases/{case.id}/complete")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{case.id}")


def test_the_notice_page_in_english(signed_in):
    make_user("enterprise", username="hoa")
    client = signed_in("hoa")
    home = text_of(client.get("/"))
    client.post("/lang/en", data={"csrf_token": csrf_token_from(home), "next": "/"})
    page = text_of(client.get("/cases/declare/notice"))
    for text in ("Quick notice of an occupational accident", "Number dead", "Contact phone"):
        assert text in page, text
