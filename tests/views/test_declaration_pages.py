"""The declaration pages of every kind (``/cases/declare``, ``/cases/declare/disease``,
``/cases/declare/incident``) through the Flask test client: declaring, every error at once
next to its field with nothing created, what was typed kept, who may open which page, and
bounded input (never a 500)."""

from __future__ import annotations

import re
import unicodedata

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Case
from tests.conftest import csrf_token_from
from tests.factories import make_user, victim_body

pytestmark = pytest.mark.usefixtures("declaration_day")  # 10:00 on 20/11/2026, Vietnam


def text_of(response) -> str:
    return response.get_data(as_text=True)


def count_cases() -> int:
    return db.session.scalar(select(func.count()).select_from(Case))


def error_of(page: str, field_id: str) -> str | None:
    """The message shown next to the input ``field_id``, or None."""
    match = re.search(rf'<p class="field-error" id="{field_id}-error">([^<]*)</p>', page)
    return match.group(1) if match else None


def nav_of(page: str) -> str:
    return page.split('<ul class="nav">', 1)[1].split("</ul>", 1)[0]


def disease_form(token: str, **typed) -> dict:
    """A valid disease declaration as the page posts it (one worker, dates dd/mm/yyyy)."""
    data = {
        "csrf_token": token,
        "disease": "Bệnh bụi phổi silic nghề nghiệp",
        "diagnosed_on": "15/11/2026",
        "exposure": "Bụi silic tại xưởng mài",
        "facility": "Bệnh viện Phổi Hải Phòng",
        "disease_code": "B1.1",
        "location": "Xưởng mài số 1",
        "victims-0-full_name": "Nguyễn Văn Phổi",
        "victims-0-birth_date": "02/04/1980",
        "victims-0-gender": "male",
        "victims-0-national_id": "031080001234",
        "victims-0-occupation": "Thợ mài",
        "victims-0-monthly_wage_vnd": "9.000.000",
    }
    data.update(typed)
    return data


def incident_form(token: str, **typed) -> dict:
    data = {
        "csrf_token": token,
        "occurred_date": "20/11/2026",
        "occurred_time": "07:15",
        "location": "Khu lò hơi số 1",
        "equipment": "Nồi hơi ống lửa 10 tấn/giờ",
        "failure": "Van an toàn kẹt, áp suất vượt ngưỡng, nổ đường ống hơi.",
        "damage": "Hư hỏng nhà lò, dừng sản xuất 3 ngày.",
        "casualties": "2",
    }
    data.update(typed)
    return data


# -- declaring ----------------------------------------------------------------------------


def test_enterprise_declares_a_disease_with_dates_typed_dd_mm_yyyy(signed_in):
    user = make_user("enterprise", username="hoa")
    client = signed_in("hoa")
    page = text_of(client.get("/cases/declare/disease"))
    assert "<h1>Khai báo bệnh nghề nghiệp</h1>" in page
    assert 'placeholder="dd/mm/yyyy"' in page and 'type="date"' not in page
    # Required inputs are marked: the disease, the diagnosis day, each worker's name.
    for label in ("Bệnh nghề nghiệp (theo danh mục Bộ Y tế)", "Ngày chẩn đoán", "Họ và tên"):
        assert re.search(rf">{re.escape(label)} <span class=\"req\"", page), label
    assert f'<option selected value="{user.enterprise.commune_code}">' in page

    response = client.post("/cases/declare/disease", data=disease_form(csrf_token_from(page)))
    assert response.status_code == 302, error_summary(response)
    case = db.session.scalars(select(Case)).one()
    assert response.headers["Location"].endswith(f"/cases/{case.id}")
    assert case.kind == "disease" and case.enterprise_id == user.enterprise_id
    assert case.data["diagnosed_on"] == "2026-11-15"
    assert case.data["disease"] == "Bệnh bụi phổi silic nghề nghiệp"
    assert case.data["disease_code"] == "B1.1"
    [worker] = case.victims
    assert (worker.full_name, worker.outcome) == ("Nguyễn Văn Phổi", "serious")
    assert worker.birth_date.isoformat() == "1980-04-02"
    assert worker.monthly_wage_vnd == 9_000_000
    assert case.commune_code == user.enterprise.commune_code
    shown = text_of(client.get(response.headers["Location"]))
    assert f"Đã khai báo vụ việc {case.code}." in shown


def error_summary(response) -> str:
    page = text_of(response)
    return " | ".join(re.findall(r'<p class="field-error"[^>]*>([^<]*)</p>', page))


def test_a_disease_the_worker_died_of_is_declared_as_a_death(signed_in):
    make_user("enterprise", username="hoa")
    client = signed_in("hoa")
    token = csrf_token_from(text_of(client.get("/cases/declare/disease")))
    data = disease_form(token, **{"victims-0-outcome": "death"})
    assert client.post("/cases/declare/disease", data=data).status_code == 302
    assert db.session.scalars(select(Case)).one().victims[0].outcome == "death"


def test_enterprise_declares_an_incident_then_each_casualty_from_its_page(signed_in):
    user = make_user("enterprise", username="hoa")
    client = signed_in("hoa")
    page = text_of(client.get("/cases/declare/incident"))
    assert "Khai báo sự cố kỹ thuật gây mất an toàn, vệ sinh lao động nghiêm trọng" in page
    assert 'name="victims-0-full_name"' not in page  # casualties are accidents of their own
    assert re.search(r'>Giờ xảy ra sự cố <span class="req"', page)
    response = client.post("/cases/declare/incident", data=incident_form(csrf_token_from(page)))
    assert response.status_code == 302, error_summary(response)
    incident = db.session.scalars(select(Case)).one()
    assert incident.kind == "incident" and incident.data["casualties"] == 2
    assert incident.data["equipment"] == "Nồi hơi ống lửa 10 tấn/giờ"
    assert incident.occurred_at.isoformat().startswith("2026-11-20")

    # Its page says so and offers to declare each casualty's accident, which starts from it.
    shown = text_of(client.get(response.headers["Location"]))
    assert f"Đã khai báo sự cố {incident.code}." in shown
    link = f'href="/cases/declare?incident={incident.id}"'
    assert link in shown and 'data-testid="declare-casualty"' in shown
    form = text_of(client.get(f"/cases/declare?incident={incident.id}"))
    assert f'value="{incident.code}"' in form
    assert 'value="20/11/2026"' in form and 'value="07:15"' in form
    victim = {
        "victims-0-full_name": "Lê Văn Hơi",
        "victims-0-birth_date": "01/01/1985",
        "victims-0-gender": "male",
        "victims-0-national_id": "031085009999",
        "victims-0-outcome": "serious",
        "victims-0-monthly_wage_vnd": "8.000.000",
    }
    data = {
        "csrf_token": csrf_token_from(form),
        "occurred_date": "20/11/2026",
        "occurred_time": "07:15",
        "commune_code": user.enterprise.commune_code,
        "location": "Khu lò hơi số 1",
        "description": "Bỏng hơi nước khi đường ống nổ.",
        "accident_type": "at_work",
        "incident_code": incident.code,
        **victim,
    }
    response = client.post("/cases/declare", data=data)
    assert response.status_code == 302, error_summary(response)
    accident = db.session.scalars(select(Case).where(Case.kind == "accident")).one()
    assert accident.linked_incident_id == incident.id


# -- every error at once, nothing created ---------------------------------------------------


def test_a_disease_with_five_bad_fields_shows_five_errors_at_once_and_creates_nothing(
    signed_in,
):
    make_user("enterprise", username="hoa")
    client = signed_in("hoa")
    token = csrf_token_from(text_of(client.get("/cases/declare/disease")))
    data = disease_form(
        token,
        disease="",  # required
        diagnosed_on="31/02/2026",  # no such day (the form's own check)
        **{
            "victims-0-monthly_wage_vnd": "chín triệu",  # no amount (the form's own check)
            "victims-0-national_id": "12345",  # not 12 digits (the service's check)
            "victims-0-birth_date": "",  # required (the service's check)
        },
    )
    response = client.post("/cases/declare/disease", data=data)
    assert response.status_code == 422
    page = text_of(response)
    assert count_cases() == 0
    assert error_of(page, "disease") == "Bắt buộc nhập."
    assert error_of(page, "diagnosed_on") == "Ngày không hợp lệ (dd/mm/yyyy)."
    assert error_of(page, "victims-0-monthly_wage_vnd") == (
        "Số tiền phải là số nguyên đồng, ví dụ 9.000.000."
    )
    assert error_of(page, "victims-0-national_id") == "Số CCCD phải gồm đúng 12 chữ số."
    assert error_of(page, "victims-0-birth_date") == "Bắt buộc nhập."
    assert len(re.findall(r'<p class="field-error" id="', page)) == 5
    assert 'data-testid="error-summary"' in page
    # The summary links each refused input, in page order, and has no error of its own.
    summary = page.split('data-testid="error-summary"', 1)[1].split("</div>\n", 1)[0]
    assert re.findall(r'<li><a href="#([\w-]+)">', summary) == [
        "disease",
        "diagnosed_on",
        "victims-0-birth_date",
        "victims-0-national_id",
        "victims-0-monthly_wage_vnd",
    ]
    assert "Người lao động 1: Số CCCD (12 chữ số)</a>: Số CCCD phải gồm đúng 12 chữ số." in summary
    assert 'class="field-error"' not in summary
    # What was typed stays, the bad values too.
    assert 'value="31/02/2026"' in page and 'value="chín triệu"' in page
    assert 'value="12345"' in page and "Bệnh viện Phổi Hải Phòng" in page


def test_an_accident_with_five_bad_fields_shows_five_errors_at_once(signed_in):
    """The issue's example: a bad wage used to hide the four errors behind it."""
    user = make_user("enterprise", username="hoa")
    client = signed_in("hoa")
    token = csrf_token_from(text_of(client.get("/cases/declare")))
    data = {
        "csrf_token": token,
        "occurred_date": "20/11/2026",
        "occurred_time": "25:70",  # no such time (form)
        "commune_code": user.enterprise.commune_code,
        "location": "",  # required (service)
        "description": "Công nhân bị máy dập kẹp tay.",
        "accident_type": "at_work",
        "victims-0-full_name": "Nguyễn Văn An",
        "victims-0-birth_date": "02/04/1990",
        "victims-0-gender": "",  # required (service)
        "victims-0-national_id": "0310900012",  # 10 digits (service)
        "victims-0-outcome": "serious",
        "victims-0-monthly_wage_vnd": "9,000,000 USD",  # no amount (form)
    }
    response = client.post("/cases/declare", data=data)
    assert response.status_code == 422
    page = text_of(response)
    assert count_cases() == 0
    assert error_of(page, "occurred_time") == "Giờ không hợp lệ (HH:MM)."
    assert error_of(page, "location") == "Bắt buộc nhập."
    assert error_of(page, "victims-0-gender") == "Bắt buộc nhập."
    assert error_of(page, "victims-0-national_id") == "Số CCCD phải gồm đúng 12 chữ số."
    assert error_of(page, "victims-0-monthly_wage_vnd") is not None
    assert error_of(page, "occurred_date") is None  # the day was right
    assert len(re.findall(r'<p class="field-error" id="', page)) == 5


def test_an_incident_with_bad_fields_shows_each_error_and_creates_nothing(signed_in):
    make_user("enterprise", username="hoa")
    client = signed_in("hoa")
    token = csrf_token_from(text_of(client.get("/cases/declare/incident")))
    data = incident_form(
        token, occurred_date="21/11/2026", equipment="", casualties="-3", failure=""
    )
    response = client.post("/cases/declare/incident", data=data)
    assert response.status_code == 422
    page = text_of(response)
    assert count_cases() == 0
    assert error_of(page, "occurred_date") == "Thời điểm xảy ra không được ở tương lai."
    assert error_of(page, "equipment") == "Bắt buộc nhập."
    assert error_of(page, "failure") == "Bắt buộc nhập."
    assert error_of(page, "casualties") == "Số người bị nạn phải là số nguyên không âm."


# -- who may declare what -------------------------------------------------------------------


def test_the_commune_declares_accidents_only(signed_in):
    make_user("commune", username="xa")
    make_user("enterprise", username="hoa")
    client = signed_in("xa")
    page = text_of(client.get("/cases/declare"))
    nav = nav_of(page)
    assert 'href="/cases/declare"' in nav
    assert "/cases/declare/disease" not in nav and "/cases/declare/incident" not in nav
    token = csrf_token_from(page)
    for kind in ("disease", "incident"):
        assert client.get(f"/cases/declare/{kind}").status_code == 403
        data = disease_form(token) if kind == "disease" else incident_form(token)
        assert client.post(f"/cases/declare/{kind}", data=data).status_code == 403
    assert count_cases() == 0
    enterprise_nav = nav_of(text_of(signed_in("hoa").get("/")))
    for url in ('"/cases/declare"', '"/cases/declare/disease"', '"/cases/declare/incident"'):
        assert f"href={url}" in enterprise_nav


@pytest.mark.parametrize("role", ["inspector", "union", "insurance", "admin"])
def test_roles_that_declare_nothing_get_403_and_no_link(signed_in, role):
    make_user(role, username="someone")
    client = signed_in("someone")
    home = text_of(client.get("/"))
    assert "/cases/declare" not in home
    token = csrf_token_from(home)
    for url in ("/cases/declare", "/cases/declare/disease", "/cases/declare/incident"):
        assert client.get(url).status_code == 403, url
        assert client.post(url, data=disease_form(token)).status_code == 403, url
    assert count_cases() == 0


def test_a_kind_nobody_declares_has_no_page(signed_in):
    make_user("enterprise", username="hoa")
    client = signed_in("hoa")
    for kind in ("claim", "report", "nothing", "Disease"):
        assert client.get(f"/cases/declare/{kind}").status_code == 404, kind
    # The accident's page has one address.
    response = client.get("/cases/declare/accident")
    assert response.status_code == 308 and response.headers["Location"].endswith("/cases/declare")


# -- bounded input, never a 500 --------------------------------------------------------------


GARBAGE = [
    {"casualties": "9" * 400},
    {"casualties": "١٢"},
    {"casualties": "1e9"},
    {"occurred_date": "01/01/0001"},
    {"occurred_date": "31/12/9999", "occurred_time": "23:59"},
    {"occurred_date": "٢٠/١١/٢٠٢٦"},
    {"occurred_time": "14:20 PM"},
    {"equipment": "x" * 100_000},
    {"location": "\x00"},
    {"commune_code": "' OR 1=1 --"},
    {"casualties": "-0"},
]


@pytest.mark.parametrize("typed", GARBAGE)
def test_garbage_in_the_incident_form_is_refused_never_a_500(signed_in, typed):
    make_user("enterprise", username="hoa")
    client = signed_in("hoa")
    token = csrf_token_from(text_of(client.get("/cases/declare/incident")))
    response = client.post("/cases/declare/incident", data=incident_form(token, **typed))
    assert response.status_code in (302, 422), typed
    if typed != {"casualties": "-0"}:
        assert response.status_code == 422, typed
        assert count_cases() == 0


@pytest.mark.parametrize(
    "typed",
    [
        {"victims-0-monthly_wage_vnd": "9" * 5000},
        {"victims-0-si_years": "99999999999999999999999"},
        {"victims-0-birth_date": "1/1/1"},
        {"diagnosed_on": "99/99/9999"},
        {"facility": "y" * 2001},
        {"disease_code": "B" * 21},
        {"victims-0-national_id": "０３１０８０００１２３４"},
        {"victims-0-outcome": "resurrected"},
        {"victims-0-gender": "<script>"},
    ],
)
def test_garbage_in_the_disease_form_is_refused_never_a_500(signed_in, typed):
    make_user("enterprise", username="hoa")
    client = signed_in("hoa")
    token = csrf_token_from(text_of(client.get("/cases/declare/disease")))
    response = client.post("/cases/declare/disease", data=disease_form(token, **typed))
    assert response.status_code == 422, typed
    assert 'class="field-error"' in text_of(response)
    assert count_cases() == 0


def test_decomposed_text_is_stored_composed(signed_in):
    make_user("enterprise", username="hoa")
    client = signed_in("hoa")
    token = csrf_token_from(text_of(client.get("/cases/declare/disease")))
    nfd = unicodedata.normalize("NFD", "Bệnh điếc nghề nghiệp do tiếng ồn")
    assert nfd != unicodedata.normalize("NFC", nfd)
    response = client.post("/cases/declare/disease", data=disease_form(token, disease=nfd))
    assert response.status_code == 302
    case = db.session.scalars(select(Case)).one()
    assert case.data["disease"] == "Bệnh điếc nghề nghiệp do tiếng ồn"


def test_inputs_carry_their_bounds(signed_in):
    make_user("enterprise", username="hoa")
    page = text_of(signed_in("hoa").get("/cases/declare/disease"))
    # The kind's own texts (workflows.declaration.DECLARED_TEXT_MAX) and a code's (CODE_MAX).
    assert re.search(r'id="facility" maxlength="2000"|maxlength="2000"[^>]*id="facility"', page)
    assert re.search(r'id="disease_code" maxlength="20"|maxlength="20"[^>]*id="disease_code"', page)


# -- an expired form, English ------------------------------------------------------------------


def test_an_expired_disease_form_comes_back_with_everything_typed(signed_in):
    make_user("enterprise", username="hoa")
    client = signed_in("hoa")
    client.get("/cases/declare/disease")
    response = client.post("/cases/declare/disease", data=disease_form("stale-token"))
    assert response.status_code == 400
    page = text_of(response)
    assert count_cases() == 0
    assert "Phiên làm việc đã hết hạn" in page
    assert "Bệnh viện Phổi Hải Phòng" in page and 'value="15/11/2026"' in page
    # Sent again with the page's fresh token, it is declared.
    again = client.post("/cases/declare/disease", data=disease_form(csrf_token_from(page)))
    assert again.status_code == 302 and count_cases() == 1


def test_the_pages_speak_english(signed_in):
    make_user("enterprise", username="hoa")
    client = signed_in("hoa")
    token = csrf_token_from(text_of(client.get("/")))
    client.post("/lang/en", data={"csrf_token": token, "next": "/"})
    page = text_of(client.get("/cases/declare/disease"))
    assert "<h1>Declare an occupational disease</h1>" in page
    assert "Declare a disease" in nav_of(page) and "Declare an incident" in nav_of(page)
    page = text_of(client.get("/cases/declare/incident"))
    assert "<h1>Declare a serious technical incident</h1>" in page
    assert "Date of the incident" in page


def test_a_declaration_lists_at_most_victims_max_people(signed_in):
    """The page fits VICTIMS_MAX blocks (FORM_PARTS_MAX); one more is refused by the service,
    far more by the request's bound (413), never a 500."""
    from workflows.inputs import FORM_PARTS_MAX, VICTIMS_MAX

    make_user("enterprise", username="hoa")
    client = signed_in("hoa")
    token = csrf_token_from(text_of(client.get("/cases/declare/disease")))
    data = disease_form(token)
    block = {k.split("-", 2)[2]: v for k, v in data.items() if k.startswith("victims-0-")}
    for index in range(1, VICTIMS_MAX + 1):  # VICTIMS_MAX + 1 workers in all
        for key, value in block.items():
            data[f"victims-{index}-{key}"] = value
        data[f"victims-{index}-national_id"] = f"{31080000000 + index:012d}"
    assert len(data) <= FORM_PARTS_MAX
    response = client.post("/cases/declare/disease", data=data)
    assert response.status_code == 422
    assert f"Tối đa {VICTIMS_MAX} mục." in text_of(response)
    assert count_cases() == 0
    flood = {"csrf_token": token, **{f"victims-{i}-full_name": "A" for i in range(FORM_PARTS_MAX)}}
    assert client.post("/cases/declare/disease", data=flood).status_code == 413
    assert count_cases() == 0
    repeated = [("csrf_token", token)] + [("location", "x")] * (FORM_PARTS_MAX + 1)
    response = client.post(
        "/cases/declare/incident",
        data="&".join(f"{k}={v}" for k, v in repeated),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413


def test_the_api_lists_at_most_victims_max_people_too(client, api_token):
    from workflows.inputs import VICTIMS_MAX

    make_user("enterprise", username="hoa")
    token = api_token("hoa")
    body = {
        "kind": "disease",
        "disease": "Bệnh bụi phổi silic",
        "diagnosed_on": "2026-11-15",
        "exposure": "Bụi silic",
        "facility": "Bệnh viện Phổi Hải Phòng",
        "workers": [victim_body(national_id=f"{i:012d}") for i in range(VICTIMS_MAX + 1)],
    }
    headers = {"Authorization": f"Bearer {token}"}
    response = client.post("/api/v1/cases", json=body, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["errors"]["victims"] == [f"Tối đa {VICTIMS_MAX} mục."]
    body["workers"] = body["workers"][:VICTIMS_MAX]
    assert client.post("/api/v1/cases", json=body, headers=headers).status_code == 201


# -- numbers as people write them ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [("35", "35"), ("35%", "35"), ("35 %", "35"), ("31,5%", "31.5"), ("31.5", "31.5")],
)
def test_a_percentage_is_accepted_as_people_write_it(app, typed, value):
    """The label says "(%)", so "35%" is 35 (issue 15: it was refused)."""
    from decimal import Decimal

    from werkzeug.datastructures import MultiDict
    from wtforms import Form

    from app.cases.forms import PercentField

    form = type("F", (Form,), {"pct": PercentField("pct")})(MultiDict({"pct": typed}))
    assert form.validate() and form.pct.data == Decimal(value)


@pytest.mark.parametrize("typed", ["35%%", "%35", "3 5", "٣٥%", "35‰"])
def test_a_percentage_that_is_no_number_is_refused(app, typed):
    from werkzeug.datastructures import MultiDict
    from wtforms import Form

    from app.cases.forms import PercentField

    with app.test_request_context("/"):
        form = type("F", (Form,), {"pct": PercentField("pct")})(MultiDict({"pct": typed}))
        assert not form.validate() and form.pct.data is None


def test_the_insurer_has_a_list_of_the_claims_filed_with_them(app, signed_in):
    make_user("insurance", username="bhxh1")
    make_user("enterprise", username="hoa")
    home = signed_in("bhxh1").get("/").get_data(as_text=True)
    nav = nav_of(home)
    assert 'href="/cases/?kind=claim"' in nav and "Hồ sơ đề nghị BHXH" in nav
    assert "Hồ sơ đề nghị BHXH" not in nav_of(signed_in("hoa").get("/").get_data(as_text=True))
