"""The calculator page "Tính bồi thường, trợ cấp": both calculators, results with the amount in
Vietnamese money format and the article applied, errors next to the fields."""

import re

import pytest

from tests.conftest import csrf_token_from
from tests.factories import make_user

URL = "/calculations/"


def comp_form(token, **changes):
    data = {
        "csrf_token": token,
        "comp-capacity_loss_pct": "25",
        "comp-monthly_wage_vnd": "10.000.000",
        "comp-submit": "Tính bồi thường",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def ins_form(token, **changes):
    data = {
        "csrf_token": token,
        "ins-capacity_loss_pct": "45",
        "ins-insured_wage_vnd": "10.000.000",
        "ins-contribution_years": "6",
        "ins-on_date": "10/05/2026",
        "ins-submit": "Tính trợ cấp BHXH",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def page_token(client, login):
    """A city union officer signed in through ``login``; the calculator page's CSRF token."""
    make_user("union", username="cd1")
    login("cd1")
    page = client.get(URL)
    return csrf_token_from(page.get_data(as_text=True))


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


@pytest.mark.parametrize(
    "role", ["enterprise", "inspector", "union", "commune", "insurance", "admin"]
)
def test_page_renders_for_every_signed_in_role(client, login, role):
    user = make_user(role)
    login(user.username)
    response = client.get(URL)
    assert response.status_code == 200
    html = text(response)
    assert "Tính bồi thường, trợ cấp" in html
    assert 'name="comp-monthly_wage_vnd"' in html and 'name="ins-on_date"' in html
    assert "2.530.000 đ" in html  # the base salary in force today (from 1/7/2026)


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_compensation_result_shows_months_amount_and_article(client, page_token):
    response = client.post(URL, data=comp_form(page_token))
    assert response.status_code == 200
    html = text(response)
    assert 'data-testid="months">7,5<' in html
    assert "75.000.000 đ" in html
    assert "Điều 38 khoản 4 điểm a" in html


def test_compensation_for_a_death_without_percentage(client, page_token):
    data = comp_form(page_token, **{"comp-capacity_loss_pct": None, "comp-death": "y"})
    html = text(client.post(URL, data=data))
    assert "300.000.000 đ" in html
    assert "khoản 4 điểm b" in html


def test_insurance_result_shows_kind_amount_base_salary_and_article(client, page_token):
    response = client.post(URL, data=ins_form(page_token))
    assert response.status_code == 200
    html = text(response)
    assert "Trợ cấp hằng tháng" in html
    assert "1.557.200 đ" in html
    assert 'data-testid="base-salary">2.340.000 đ (ngày 10/05/2026)' in html
    assert "Điều 49" in html


def test_insurance_accepts_an_iso_date_too(client, page_token):
    html = text(client.post(URL, data=ins_form(page_token, **{"ins-on_date": "2026-07-01"})))
    assert "1.667.400 đ" in html and "2.530.000 đ (ngày 01/07/2026)" in html


def test_below_5_percent_says_not_eligible(client, page_token):
    html = text(client.post(URL, data=comp_form(page_token, **{"comp-capacity_loss_pct": "3"})))
    assert "Không thuộc diện được bồi thường" in html


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        ({"comp-monthly_wage_vnd": "mười triệu"}, "comp-monthly_wage_vnd", "số nguyên đồng"),
        ({"comp-monthly_wage_vnd": "0"}, "comp-monthly_wage_vnd", "lớn hơn 0"),
        ({"comp-monthly_wage_vnd": None}, "comp-monthly_wage_vnd", "Bắt buộc"),
        ({"comp-capacity_loss_pct": "120"}, "comp-capacity_loss_pct", "từ 0 đến 100"),
        ({"comp-capacity_loss_pct": ""}, "comp-capacity_loss_pct", "Bắt buộc"),
    ],
)
def test_compensation_errors_are_next_to_the_field(client, page_token, changes, field_id, message):
    response = client.post(URL, data=comp_form(page_token, **changes))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    match = re.search(rf'<p class="field-error" id="{field_id}-error">([^<]*)</p>', html)
    assert match, html
    assert message in match.group(1)
    assert f'aria-describedby="{field_id}-error"' in html
    assert 'data-testid="compensation-result"' not in html


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        ({"ins-on_date": "31/02/2026"}, "ins-on_date", "Ngày không hợp lệ"),
        ({"ins-on_date": "01/01/2015"}, "ins-on_date", "Chưa có mức lương cơ sở"),
        ({"ins-contribution_years": "-2"}, "ins-contribution_years", "từ 0 đến 60"),
        ({"ins-insured_wage_vnd": "-5"}, "ins-insured_wage_vnd", "số nguyên đồng"),
    ],
)
def test_insurance_errors_are_next_to_the_field(client, page_token, changes, field_id, message):
    response = client.post(URL, data=ins_form(page_token, **changes))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    match = re.search(rf'<p class="field-error" id="{field_id}-error">([^<]*)</p>', html)
    assert match, html
    assert message in match.group(1)


def test_typed_values_are_kept_after_an_error(client, page_token):
    html = client.post(
        URL, data=comp_form(page_token, **{"comp-capacity_loss_pct": "250"})
    ).get_data(as_text=True)
    assert 'value="250"' in html and 'value="10.000.000"' in html


def test_post_without_csrf_is_refused(client, page_token):
    data = comp_form(page_token)
    del data["csrf_token"]
    assert client.post(URL, data=data).status_code == 400


def test_insurance_result_shows_the_rate_of_the_base_salary(client, page_token):
    monthly = text(client.post(URL, data=ins_form(page_token)))
    assert 'data-testid="rate">(58% mức lương cơ sở)' in monthly
    one_time = text(client.post(URL, data=ins_form(page_token, **{"ins-capacity_loss_pct": "20"})))
    assert 'data-testid="rate">(12,5 lần mức lương cơ sở)' in one_time
    assert "49.250.000 đ" in one_time


def test_page_has_the_new_inputs_with_vietnamese_labels(client, page_token):
    html = text(client.get(URL))
    for name in (
        "comp-accident_type",
        "comp-third_party",
        "ins-treatment_ended_on",
        "ins-outpatient",
        "ins-council_concluded_on",
    ):
        assert f'name="{name}"' in html
    assert "Trên đường đi từ nơi ở đến nơi làm việc" in html
    assert "Ngày Hội đồng giám định y khoa kết luận" in html


def test_issue_example_on_the_page_uses_the_councils_month(client, page_token):
    data = ins_form(
        page_token,
        **{
            "ins-capacity_loss_pct": "25",
            "ins-insured_wage_vnd": "8.400.000",
            "ins-contribution_years": "4",
            "ins-on_date": "20/06/2026",
            "ins-outpatient": "y",
            "ins-council_concluded_on": "12/11/2026",
        },
    )
    response = client.post(URL, data=data)
    assert response.status_code == 200
    html = text(response)
    # 15 × 2,530,000 + 1.4 × 8,400,000
    assert "49.710.000 đ" in html
    assert 'data-testid="start-month">11/2026' in html
    assert 'data-testid="base-salary">2.530.000 đ (tháng 11/2026)' in html
    # Art. 54 at 25 %: 5 days × 0.3 × 2,530,000 = 5 × 759.000
    assert 'data-testid="convalescence">tối đa 5 ngày × 759.000 đ = 3.795.000 đ' in html


def test_convalescence_below_15_percent_says_none(client, page_token):
    html = text(client.post(URL, data=ins_form(page_token, **{"ins-capacity_loss_pct": "10"})))
    assert 'data-testid="convalescence">không có (suy giảm dưới 15%)' in html


def test_commuting_accident_caused_by_a_third_party_on_the_page(client, page_token):
    data = comp_form(page_token, **{"comp-accident_type": "commuting", "comp-third_party": "y"})
    html = text(client.post(URL, data=data))
    # 0.4 × 7.5 months × 10,000,000
    assert 'data-testid="months">3<' in html and "30.000.000 đ" in html
    assert "Điều 39 khoản 1" in html


@pytest.mark.parametrize(
    ("form", "changes", "field_id", "message"),
    [
        (
            ins_form,
            {"ins-council_concluded_on": "31/11/2026"},
            "ins-council_concluded_on",
            "Ngày không hợp lệ",
        ),
        (ins_form, {"ins-outpatient": "y"}, "ins-council_concluded_on", "Bắt buộc"),
        (
            ins_form,
            {"ins-treatment_ended_on": "01/05/2026"},
            "ins-treatment_ended_on",
            "trước ngày bị tai nạn",
        ),
        (
            comp_form,
            {"comp-third_party": "y", "comp-worker_at_fault": "y"},
            "comp-third_party",
            "người khác gây ra",
        ),
    ],
)
def test_new_inputs_errors_are_next_to_the_field(
    client, page_token, form, changes, field_id, message
):
    response = client.post(URL, data=form(page_token, **changes))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    match = re.search(rf'<p class="field-error" id="{field_id}-error">([^<]*)</p>', html)
    assert match, html
    assert message in match.group(1)


def test_an_unknown_accident_type_is_422(client, page_token):
    response = client.post(URL, data=comp_form(page_token, **{"comp-accident_type": "holiday"}))
    assert response.status_code == 422
    assert 'id="comp-accident_type-error"' in response.get_data(as_text=True)


# --- top-up after an insurer (Art. 39(2)); devices, retraining, settling abroad (51, 55, 49) ---


def test_page_has_the_claim_item_inputs_with_vietnamese_labels(client, page_token):
    html = text(client.get(URL))
    for name in (
        "comp-insurer_paid_vnd",
        "ins-device_cost_vnd",
        "ins-device_cap_vnd",
        "ins-tuition_vnd",
        "ins-retraining_on",
        "ins-settling_abroad",
    ):
        assert f'name="{name}"' in html
    assert "Số tiền doanh nghiệp bảo hiểm tai nạn đã chi trả" in html
    assert "Học phí chuyển đổi nghề nghiệp" in html


def test_top_up_on_the_page(client, page_token):
    data = comp_form(page_token, **{"comp-insurer_paid_vnd": "50.000.000"})
    html = text(client.post(URL, data=data))
    # minimum 7.5 × 10,000,000 = 75,000,000; the insurer paid 50,000,000 → 25,000,000
    assert "(Điều 39 khoản 2)" in html
    assert 'data-testid="top-up">25.000.000 đ<' in html


def test_claim_items_on_the_page_with_their_articles(client, page_token):
    data = ins_form(
        page_token,
        **{
            "ins-device_cost_vnd": "8.000.000",
            "ins-device_cap_vnd": "5.000.000",
            "ins-tuition_vnd": "100.000.000",
            "ins-retraining_on": "15/07/2026",
            "ins-settling_abroad": "y",
        },
    )
    response = client.post(URL, data=data)
    assert response.status_code == 200
    html = text(response)
    # the device costs 8,000,000, above its cap of 5,000,000: the cap
    assert "dụng cụ chỉnh hình (Điều 51)" in html
    assert 'data-testid="item-assistive_device">5.000.000 đ (tối đa 5.000.000 đ)' in html
    # 50 % × 100,000,000 = 50,000,000 > 15 × 2,530,000 = 37,950,000
    assert "Hỗ trợ chuyển đổi nghề nghiệp (Điều 55)" in html
    assert 'data-testid="item-retraining">37.950.000 đ (tối đa 37.950.000 đ)' in html
    # 3 × 1,557,200 (45 %, 6 years, 10,000,000, base 2,340,000) = 4,671,600
    assert "ra nước ngoài định cư (Điều 49)" in html
    assert 'data-testid="item-settling_abroad">4.671.600 đ (03 tháng' in html


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        ({"ins-device_cost_vnd": "1.000.000"}, "ins-device_cap_vnd", "Nhập cả"),
        ({"ins-tuition_vnd": "nhiều"}, "ins-tuition_vnd", "Số tiền"),
        (
            {"ins-settling_abroad": "y", "ins-capacity_loss_pct": "25"},
            "ins-settling_abroad",
            "hằng tháng",
        ),
    ],
)
def test_claim_item_errors_are_next_to_the_field(client, page_token, changes, field_id, message):
    response = client.post(URL, data=ins_form(page_token, **changes))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    match = re.search(rf'<p class="field-error" id="{field_id}-error">([^<]*)</p>', html)
    assert match, html
    assert message in match.group(1)
