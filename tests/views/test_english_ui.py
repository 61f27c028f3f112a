"""The Python side of the UI follows the language switch: form labels and choices, the forms'
own validator messages, the services' error messages shown next to a field or on the error
page, and flash messages. Vietnamese (the source language) stays the default, byte for byte;
the JSON API keeps its Vietnamese error text whatever the session's language."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import Case
from tests.conftest import csrf_token_from
from tests.factories import make_user, victim_body

CALCULATOR = "/calculations/"


@pytest.fixture
def browser(signed_in):
    """``browser(username, lang)`` → a client signed in through the form, then switched to
    ``lang`` with the language buttons (Vietnamese needs no switch: it is the default)."""

    def open_browser(username: str, lang: str = "vi"):
        client = signed_in(username)
        if lang != "vi":
            home = client.get("/").get_data(as_text=True)
            switched = client.post(
                f"/lang/{lang}", data={"csrf_token": csrf_token_from(home), "next": "/"}
            )
            assert switched.status_code == 302
        return client

    return open_browser


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def field_error(page: str, field_id: str) -> str:
    """The error text shown right beside the input ``field_id``."""
    match = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error">([^<]*)</p>', page)
    assert match, f"no error beside {field_id}"
    return match.group(1).strip()


def flashes(page: str) -> list[str]:
    return [m.strip() for m in re.findall(r'<p class="flash flash-\w+">([^<]*)</p>', page)]


# -- the calculator: labels, the form's own messages, a service's message --------------------


def comp_form(token: str, **changes) -> dict:
    data = {
        "csrf_token": token,
        "comp-capacity_loss_pct": "25",
        "comp-monthly_wage_vnd": "10.000.000",
        "comp-submit": "1",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("lang", "label", "button", "not_money", "out_of_range"),
    [
        (
            "vi",
            "Tỷ lệ suy giảm khả năng lao động (%)",
            "Tính bồi thường",
            "Số tiền phải là số nguyên đồng, ví dụ 10.000.000.",
            "Tỷ lệ suy giảm khả năng lao động phải là số từ 0 đến 100.",
        ),
        (
            "en",
            "Loss of working capacity (%)",
            "Calculate compensation",
            "The amount must be whole đồng, e.g. 10.000.000.",
            "The loss of working capacity must be a number from 0 to 100.",
        ),
    ],
)
def test_calculator_labels_and_errors_beside_the_fields_follow_the_language(
    browser, lang, label, button, not_money, out_of_range
):
    make_user("union", username="cd1")
    client = browser("cd1", lang)
    page = text_of(client.get(CALCULATOR))
    assert f'<label for="comp-capacity_loss_pct">{label}</label>' in page
    assert f'class="primary">{button}</button>' in page
    token = csrf_token_from(page)

    # The form's own shape check.
    response = client.post(CALCULATOR, data=comp_form(token, **{"comp-monthly_wage_vnd": "abc"}))
    assert response.status_code == 422
    assert field_error(text_of(response), "comp-monthly_wage_vnd") == not_money

    # A rule the service checks (its message is Vietnamese; the page shows it translated).
    response = client.post(CALCULATOR, data=comp_form(token, **{"comp-capacity_loss_pct": "150"}))
    assert response.status_code == 422
    assert field_error(text_of(response), "comp-capacity_loss_pct") == out_of_range


# -- the declaration: choices, errors and the flash after declaring ---------------------------


def declaration(token: str, commune_code: str, **victim_fields) -> dict:
    data = {
        "csrf_token": token,
        "occurred_date": "2026-11-20",
        "occurred_time": "08:30",
        "commune_code": commune_code,
        "location": "Xưởng cơ khí số 2",
        "description": "Công nhân bị máy dập kẹp tay.",
    }
    victim = victim_body("death", **victim_fields)
    victim["monthly_wage_vnd"] = "9.000.000"
    victim["si_years"] = str(victim["si_years"])
    data.update({f"victims-0-{key}": value for key, value in victim.items()})
    return data


VI = {
    "label": "Ngày xảy ra",
    "choice": ">Tử vong</option>",
    "blank": ">— Chọn —</option>",
    "required": "Bắt buộc nhập.",
    "national_id": "Số CCCD phải gồm đúng 12 chữ số.",
    "flash": "Đã khai báo vụ việc {code} — mức độ: Chết người; cấp điều tra: Cấp tỉnh (thanh tra).",
}
EN = {
    "label": "Date of the accident",
    "choice": ">Died</option>",
    "blank": ">— Choose —</option>",
    "required": "Required.",
    "national_id": "The national ID number must have exactly 12 digits.",
    "flash": (
        "Case {code} declared — severity: Fatal; investigation level: Provincial (inspectorate)."
    ),
}


@pytest.mark.parametrize(("lang", "expected"), [("vi", VI), ("en", EN)])
def test_declaration_form_errors_and_flash_follow_the_language(browser, lang, expected):
    user = make_user("enterprise", username="hoa")
    client = browser("hoa", lang)
    page = text_of(client.get("/cases/declare"))
    assert f'<label for="occurred_date">{expected["label"]}' in page
    assert expected["choice"] in page and expected["blank"] in page
    token = csrf_token_from(page)
    commune = user.enterprise.commune_code

    # A blank time is refused by the form, a bad national ID by the declaration service.
    data = declaration(token, commune, national_id="12345")
    data["occurred_time"] = ""
    response = client.post("/cases/declare", data=data)
    assert response.status_code == 422
    page = text_of(response)
    assert field_error(page, "occurred_time") == expected["required"]

    response = client.post("/cases/declare", data=declaration(token, commune, national_id="1"))
    assert response.status_code == 422
    assert field_error(text_of(response), "victims-0-national_id") == expected["national_id"]

    response = client.post("/cases/declare", data=declaration(token, commune))
    assert response.status_code == 302
    case = db.session.query(Case).one()
    page = text_of(client.get(response.headers["Location"]))
    assert flashes(page) == [expected["flash"].format(code=case.code)]


# -- the error page and a plain flash ---------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "message"), [("vi", "Không tìm thấy vụ việc."), ("en", "Case not found.")]
)
def test_a_services_error_page_follows_the_language(browser, lang, message):
    make_user("inspector", username="thanh")
    response = browser("thanh", lang).get("/cases/999999")
    assert response.status_code == 404
    assert f'<p class="error-text" role="alert">{message}</p>' in text_of(response)


@pytest.mark.parametrize(
    ("lang", "message"),
    [("vi", "Đã bật email cho mọi thông báo."), ("en", "Email is on for every notification.")],
)
def test_flash_after_saving_preferences_follows_the_language(browser, lang, message):
    make_user("inspector", username="thanh")
    client = browser("thanh", lang)
    token = csrf_token_from(client.get("/notifications/").get_data(as_text=True))
    response = client.post("/notifications/preferences", data={"csrf_token": token})
    assert response.status_code == 302
    assert flashes(text_of(client.get("/notifications/"))) == [message]


def test_the_api_keeps_its_vietnamese_errors_for_an_english_user(browser, api_token):
    make_user("inspector", username="thanh")
    client = browser("thanh", "en")
    assert "Case not found." in text_of(client.get("/cases/999999"))
    response = client.get(
        "/api/v1/cases/999999", headers={"Authorization": f"Bearer {api_token('thanh')}"}
    )
    assert response.status_code == 404
    assert response.get_json() == {"error": "Không tìm thấy vụ việc."}


@pytest.mark.parametrize(
    ("lang", "name", "source"),
    [
        (
            "vi",
            "Thời hạn chi trả bồi thường, trợ cấp (ngày)",
            "Luật ATVSLĐ 84/2015 Điều 38 khoản 7",
        ),
        ("en", "Limit for paying compensation or allowance (days)", "OSH Law 84/2015 Art. 38(7)"),
    ],
)
def test_the_rules_table_names_each_rule_and_its_source_in_the_language(
    browser, lang, name, source
):
    make_user("admin", username="qt")
    page = text_of(browser("qt", lang).get("/admin/"))
    assert name in page and source in page
    if lang == "en":
        assert "Thời hạn chi trả" not in page


# -- the calculators' legal bases and the industries' names (#15) ------------------------------


@pytest.mark.parametrize(
    ("lang", "compensation", "insurance", "start_month"),
    [
        (
            "vi",
            "Luật ATVSLĐ 84/2015 Điều 38 khoản 4 điểm a (bồi thường)",
            "Luật ATVSLĐ 84/2015 Điều 49 (trợ cấp hằng tháng); mức lương cơ sở tại tháng hưởng"
            " 05/2026",
            "Luật ATVSLĐ 84/2015 Điều 50 khoản 1: điều trị ngoại trú, hưởng từ tháng",
        ),
        (
            "en",
            "OSH Law 84/2015 Art. 38(4)(a) (compensation)",
            "OSH Law 84/2015 Art. 49 (monthly allowance); base salary of the first month paid,"
            " 05/2026",
            "OSH Law 84/2015 Art. 50(1): outpatient treatment, paid from the month",
        ),
    ],
)
def test_the_calculators_legal_bases_follow_the_language(
    browser, lang, compensation, insurance, start_month
):
    make_user("union", username="cd1")
    client = browser("cd1", lang)
    token = csrf_token_from(text_of(client.get(CALCULATOR)))
    page = text_of(client.post(CALCULATOR, data=comp_form(token)))
    assert re.search(r'data-testid="basis">([^<]*)<', page).group(1) == compensation
    data = {
        "csrf_token": token,
        "ins-capacity_loss_pct": "45",
        "ins-insured_wage_vnd": "10.000.000",
        "ins-contribution_years": "6",
        "ins-on_date": "10/05/2026",
        "ins-outpatient": "y",
        "ins-council_concluded_on": "12/05/2026",
        "ins-submit": "1",
    }
    page = text_of(client.post(CALCULATOR, data=data))
    assert insurance in re.search(r'data-testid="basis">([^<]*)<', page).group(1)
    assert start_month in page
    if lang == "en":
        assert "Luật ATVSLĐ" not in page and "Điều 4" not in page


def test_the_api_keeps_the_vietnamese_legal_basis(api_token):
    """The contract's ``basis`` names the article in Vietnamese, whatever the caller's language."""
    from flask import current_app

    make_user("union", username="cd2")
    client = current_app.test_client()
    token = api_token("cd2")
    answer = client.post(
        "/api/v1/calculations/compensation",
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
        json={"capacity_loss_pct": 25, "monthly_wage_vnd": 10_000_000},
    ).get_json()
    assert answer["basis"] == "Luật ATVSLĐ 84/2015 Điều 38 khoản 4 điểm a (bồi thường)"


def test_industry_names_are_english_or_marked_vietnamese_in_english(browser):
    """On the English statistics page an industry is named in English when the code list has
    an English name; a code an administrator added in Vietnamese only keeps that name, inside
    ``lang="vi"``. The inspector's home page names the industries in English too."""
    from app.services import codes
    from app.services.unit_of_work import unit_of_work
    from tests.factories import make_accident, make_enterprise

    with unit_of_work():
        codes.add_code("industry", "C259", "Gia công cơ khí khác", parent="C25")
    shipped = make_enterprise(industry_code="C25")
    added = make_enterprise(industry_code="C259")
    for enterprise in (shipped, added):
        make_accident(make_user("enterprise", enterprise=enterprise))
    make_user("inspector", username="tt9")
    client = browser("tt9", "en")

    page = client.get("/statistics?from=01/01/2026&to=31/12/2026").get_data(as_text=True)
    table = page.split('data-testid="by-industry"', 1)[1].split("</table>", 1)[0]
    assert "Manufacture of fabricated metal products" in table
    assert "Sản xuất sản phẩm từ kim loại" not in table
    assert '<span lang="vi">Gia công cơ khí khác</span>' in table

    home = client.get("/").get_data(as_text=True)
    industries = home.split('data-testid="by-industry"', 1)[1].split("</table>", 1)[0]
    assert "Manufacture of fabricated metal products" in industries
    assert '<span lang="vi">Gia công cơ khí khác</span>' in industries

    make_user("inspector", username="tt8")  # the language is the user's own choice
    vietnamese = browser("tt8")
    page = vietnamese.get("/statistics?from=01/01/2026&to=31/12/2026").get_data(as_text=True)
    table = page.split('data-testid="by-industry"', 1)[1].split("</table>", 1)[0]
    assert "Gia công cơ khí khác" in table and 'lang="vi"' not in table
