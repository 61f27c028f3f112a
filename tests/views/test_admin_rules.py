"""The rules tables page: only the administrator sees and changes it; a dated value added there
is used by calculations and by deadlines computed afterwards."""

import re
from datetime import date, datetime, timedelta

import pytest

from app.extensions import db
from app.models import HolidayAdjustment, RuleValue
from app.services.rulebook import load_rulebook
from tests.conftest import csrf_token_from
from tests.factories import make_user
from workflows.law.calendar import is_working_day

URL = "/admin/"


# "Future" and "in force" are judged against the clock: the tests add values valid from
# 01/07/2027, which stop being future that day. They run on the declaration day instead.
pytestmark = pytest.mark.usefixtures("declaration_day")


@pytest.fixture
def admin(client, login):
    make_user("admin", username="qt1")
    login("qt1")
    return csrf_token_from(client.get(URL).get_data(as_text=True))


def rule_form(token, **changes):
    data = {
        "csrf_token": token,
        "rule-key": "base_salary_vnd",
        "rule-valid_from": "01/07/2027",
        "rule-value": "3.000.000",
        "rule-source": "Nghị định thử nghiệm/2027/NĐ-CP",
    }
    data.update(changes)
    return data


def holiday_form(token, **changes):
    data = {
        "csrf_token": token,
        "holiday-day": "2027-04-26",
        "holiday-change": "added",
        "holiday-note": "Nghỉ bù Giỗ Tổ theo thông báo của Bộ Nội vụ",
    }
    data.update(changes)
    return data


def field_error(html: str, field_id: str) -> str:
    match = re.search(rf'<p class="field-error" id="{field_id}-error">([^<]*)</p>', html)
    assert match, f"no error next to {field_id}"
    return match.group(1)


def test_admin_sees_every_rule_with_label_basis_history_and_value_in_force(client, admin):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Mức lương cơ sở (VND/tháng)" in html
    assert "Nghị định 38/2019/NĐ-CP" in html
    assert "Thời hạn chi trả bồi thường, trợ cấp (ngày)" in html
    assert "Luật ATVSLĐ 84/2015 Điều 38 khoản 7" in html
    # The history of the base salary, with the value in force today (from 1/7/2026).
    for row in ("01/07/2019 → 1.490.000 đ", "01/07/2024 → 2.340.000 đ", "01/07/2026 → 2.530.000 đ"):
        assert row in html
    assert 'data-testid="current-base_salary_vnd">2.530.000 đ<' in html
    assert 'data-testid="current-compensation_due_days">5<' in html
    # The background jobs page is reached from here (it was linked from nowhere).
    assert 'href="/admin/jobs" data-testid="jobs-link"' in html


@pytest.mark.parametrize("role", ["enterprise", "inspector", "union", "commune", "insurance"])
def test_everyone_but_the_administrator_is_refused(client, login, role):
    user = make_user(role)
    login(user.username)
    assert client.get(URL).status_code == 403
    token = csrf_token_from(client.get("/calculations/").get_data(as_text=True))
    assert client.post("/admin/rules", data=rule_form(token)).status_code == 403
    assert client.post("/admin/holidays", data=holiday_form(token)).status_code == 403
    assert db.session.query(RuleValue).count() == 0
    assert db.session.query(HolidayAdjustment).count() == 0


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_new_base_salary_is_used_by_calculations_from_its_day(client, admin, api_token):
    response = client.post("/admin/rules", data=rule_form(admin))
    assert response.status_code == 302
    row = db.session.query(RuleValue).one()
    assert (row.key, row.valid_from, row.value) == ("base_salary_vnd", date(2027, 7, 1), "3000000")
    page = client.get(URL).get_data(as_text=True)
    assert "Đã thêm giá trị" in page
    assert "01/07/2027 → 3.000.000 đ" in page
    assert "Nghị định thử nghiệm/2027/NĐ-CP" in page

    make_user("inspector", username="tt1")
    headers = {"Authorization": f"Bearer {api_token('tt1')}"}
    body = {
        "capacity_loss_pct": 45,
        "insured_wage_vnd": 10_000_000,
        "contribution_years": 6,
        "death": False,
    }
    on_day = client.post(
        "/api/v1/calculations/insurance", json={**body, "on_date": "2027-07-02"}, headers=headers
    ).get_json()
    day_before = client.post(
        "/api/v1/calculations/insurance", json={**body, "on_date": "2027-06-30"}, headers=headers
    ).get_json()
    assert on_day["base_salary_vnd"] == 3_000_000
    assert day_before["base_salary_vnd"] == 2_530_000


def test_new_deadlines_use_a_changed_time_limit(client, admin):
    from tests.api.claim_flow import assessed_claim

    response = client.post(
        "/admin/rules",
        data=rule_form(
            admin,
            **{
                "rule-key": "compensation_due_days",
                "rule-valid_from": "2026-01-01",
                "rule-value": "7",
                "rule-source": "Thử nghiệm",
            },
        ),
    )
    assert response.status_code == 302
    claim = assessed_claim(make_user("enterprise"))
    comp = claim.data["compensation"]
    assessed_at = datetime.fromisoformat(claim.data["assessed_at"])
    assert datetime.fromisoformat(comp["due_at"]) == assessed_at + timedelta(days=7)


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        ({"rule-key": "no_such_rule"}, "rule-key", "không tồn tại"),
        ({"rule-valid_from": "31/02/2027"}, "rule-valid_from", "Ngày không hợp lệ"),
        ({"rule-valid_from": ""}, "rule-valid_from", "Bắt buộc"),
        ({"rule-value": "-5"}, "rule-value", "số nguyên dương"),
        ({"rule-value": "0"}, "rule-value", "số nguyên dương"),
        ({"rule-value": "ba triệu"}, "rule-value", "số nguyên dương"),
        ({"rule-value": ""}, "rule-value", "Bắt buộc"),
        ({"rule-source": ""}, "rule-source", "Bắt buộc"),
        ({"rule-key": "compensation_due_days", "rule-value": "5,5"}, "rule-value", "số nguyên"),
        # A switch takes only its listed values (a typo would break every re-assessment).
        (
            {"rule-key": "reassessment_compensation", "rule-value": "yes"},
            "rule-value",
            "none, difference",
        ),
    ],
)
def test_invalid_rule_values_are_refused_next_to_the_field(
    client, admin, changes, field_id, message
):
    response = client.post("/admin/rules", data=rule_form(admin, **changes))
    assert response.status_code == 422
    assert message in field_error(response.get_data(as_text=True), field_id)
    assert db.session.query(RuleValue).count() == 0


def test_a_duplicate_key_and_day_is_refused(client, admin):
    assert client.post("/admin/rules", data=rule_form(admin)).status_code == 302
    response = client.post("/admin/rules", data=rule_form(admin, **{"rule-value": "3100000"}))
    assert response.status_code == 422
    assert "01/07/2027" in field_error(response.get_data(as_text=True), "rule-valid_from")
    assert db.session.query(RuleValue).count() == 1


def test_a_row_on_a_defaults_day_corrects_that_default(client, admin):
    response = client.post(
        "/admin/rules",
        data=rule_form(admin, **{"rule-valid_from": "01/07/2026", "rule-value": "2.600.000"}),
    )
    assert response.status_code == 302
    assert load_rulebook().base_salary(date(2026, 8, 1)) == 2_600_000
    html = client.get(URL).get_data(as_text=True)
    assert "đã được thay thế" in html
    assert 'data-testid="current-base_salary_vnd">2.600.000 đ<' in html


def test_a_future_value_can_be_withdrawn_but_not_one_in_force(client, admin):
    client.post("/admin/rules", data=rule_form(admin))
    client.post(
        "/admin/rules",
        data=rule_form(admin, **{"rule-valid_from": "01/01/2026", "rule-value": "2.400.000"}),
    )
    future = db.session.query(RuleValue).filter_by(valid_from=date(2027, 7, 1)).one()
    past = db.session.query(RuleValue).filter_by(valid_from=date(2026, 1, 1)).one()
    client.post(f"/admin/rules/{past.id}/withdraw", data={"csrf_token": admin})
    assert "đã có hiệu lực" in client.get(URL).get_data(as_text=True)
    assert (
        client.post(f"/admin/rules/{future.id}/withdraw", data={"csrf_token": admin}).status_code
        == 302
    )
    assert [r.valid_from for r in db.session.query(RuleValue)] == [date(2026, 1, 1)]


def test_holiday_adjustments_are_added_and_reach_the_rule_book(client, admin):
    assert client.post("/admin/holidays", data=holiday_form(admin)).status_code == 302
    make_up = holiday_form(
        admin,
        **{"holiday-day": "24/04/2027", "holiday-change": "removed", "holiday-note": "Làm bù"},
    )
    assert client.post("/admin/holidays", data=make_up).status_code == 302
    html = client.get(URL).get_data(as_text=True)
    assert "26/04/2027" in html and "Ngày nghỉ bổ sung" in html
    assert "24/04/2027" in html and "Ngày làm việc bù" in html
    book = load_rulebook()
    assert book.holidays_added == {date(2027, 4, 26)}
    assert book.holidays_removed == {date(2027, 4, 24)}


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        ({"holiday-day": "2027-04-25"}, "holiday-day", "vốn đã là ngày nghỉ"),  # a Sunday
        (
            {"holiday-day": "2027-04-27", "holiday-change": "removed"},
            "holiday-day",
            "vốn đã là ngày làm việc",
        ),
        (  # a Saturday the government swapped into a working day (the holidays library)
            {"holiday-day": "22/08/2026", "holiday-change": "removed"},
            "holiday-day",
            "vốn đã là ngày làm việc",
        ),
        ({"holiday-day": "hôm qua"}, "holiday-day", "Ngày không hợp lệ"),
        ({"holiday-change": "maybe"}, "holiday-change", "Chọn"),
        ({"holiday-note": " "}, "holiday-note", "Bắt buộc"),
    ],
)
def test_invalid_holiday_adjustments_are_refused_next_to_the_field(
    client, admin, changes, field_id, message
):
    response = client.post("/admin/holidays", data=holiday_form(admin, **changes))
    assert response.status_code == 422
    assert message in field_error(response.get_data(as_text=True), field_id)
    assert db.session.query(HolidayAdjustment).count() == 0


def test_admin_can_still_make_a_swapped_working_saturday_a_day_off(client, admin):
    """The library's worked Saturday 22/08/2026 is a working day until the administrator says
    otherwise; then the rule book (what deadlines are counted with) has it off."""
    changes = {"holiday-day": "22/08/2026", "holiday-note": "Thông báo mới của Bộ Nội vụ"}
    assert client.post("/admin/holidays", data=holiday_form(admin, **changes)).status_code == 302
    book = load_rulebook()
    assert book.holidays_added == {date(2026, 8, 22)}
    assert not is_working_day(date(2026, 8, 22), book.holidays_added, book.holidays_removed)
    assert is_working_day(date(2026, 8, 22))


def test_the_same_day_cannot_be_adjusted_twice(client, admin):
    client.post("/admin/holidays", data=holiday_form(admin))
    response = client.post("/admin/holidays", data=holiday_form(admin, **{"holiday-note": "lại"}))
    assert response.status_code == 422
    assert "đã được điều chỉnh" in field_error(response.get_data(as_text=True), "holiday-day")
