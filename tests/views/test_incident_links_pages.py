"""Incident casualties on the web pages: the declaration form's incident code (its error next
to the input), the accident page naming its incident and the incident page listing its
accidents, each kept to what the viewer may see."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.extensions import db
from app.models import Case
from app.services.declarations import declare
from tests.conftest import csrf_token_from
from tests.factories import (
    accident_body,
    make_accident,
    make_commune,
    make_enterprise,
    make_user,
    victim_body,
)


def declare_incident(user) -> Case:
    return declare(
        user,
        {
            "kind": "incident",
            "occurred_at": "2026-11-20T07:15:00+07:00",
            "location": "Khu lò hơi số 1",
            "equipment": "Nồi hơi ống lửa",
            "failure": "Van an toàn kẹt",
            "damage": "Hư hỏng nhà lò",
            "casualties": 2,
        },
    )


def declaration(token: str, commune_code: str, incident_code: str) -> dict:
    victim = victim_body("serious")
    data = {
        "csrf_token": token,
        "occurred_date": "2026-11-20",
        "occurred_time": "07:15",
        "commune_code": commune_code,
        "location": "Khu lò hơi số 1",
        "description": "Công nhân vận hành lò bị bỏng hơi nước.",
        "incident_code": incident_code,
        **{f"victims-0-{key}": value for key, value in victim.items()},
    }
    data["victims-0-monthly_wage_vnd"] = "9.000.000"
    data["victims-0-si_years"] = str(victim["si_years"])
    return data


def count_cases() -> int:
    return db.session.scalar(select(func.count()).select_from(Case))


def test_declaration_form_has_the_incident_code_input(signed_in):
    make_user("enterprise", username="hoa")
    page = signed_in("hoa").get("/cases/declare").get_data(as_text=True)
    assert 'name="incident_code"' in page
    assert "Mã sự cố kỹ thuật liên quan (nếu có)" in page


def test_unknown_incident_code_is_shown_next_to_the_field_and_creates_nothing(signed_in):
    user = make_user("enterprise", username="hoa")
    client = signed_in("hoa")
    token = csrf_token_from(client.get("/cases/declare").get_data(as_text=True))
    data = declaration(token, user.enterprise.commune_code, "HP-2026-I999999")
    response = client.post("/cases/declare", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert count_cases() == 0
    assert 'id="incident_code-error"' in page
    assert "Không tìm thấy vụ việc mã HP-2026-I999999." in page
    assert re.search(
        r'aria-describedby="[^"]*incident_code-error"[^>]*aria-invalid="true"'
        r'|aria-invalid="true"[^>]*aria-describedby="[^"]*incident_code-error"',
        page,
    )
    assert 'value="HP-2026-I999999"' in page  # what was typed is kept


def test_another_enterprises_incident_is_refused_as_unknown_on_the_form(signed_in):
    user = make_user("enterprise", username="hoa")
    incident = declare_incident(make_user("enterprise"))
    code = incident.code
    client = signed_in("hoa")
    token = csrf_token_from(client.get("/cases/declare").get_data(as_text=True))
    response = client.post(
        "/cases/declare", data=declaration(token, user.enterprise.commune_code, code)
    )
    assert response.status_code == 422
    assert f"Không tìm thấy vụ việc mã {code}." in response.get_data(as_text=True)
    assert count_cases() == 1


def test_the_form_links_the_accident_and_both_pages_show_the_link(signed_in):
    user = make_user("enterprise", username="hoa")
    incident = declare_incident(user)
    incident_id, incident_code = incident.id, incident.code
    client = signed_in("hoa")
    token = csrf_token_from(client.get("/cases/declare").get_data(as_text=True))
    response = client.post(
        "/cases/declare", data=declaration(token, user.enterprise.commune_code, incident_code)
    )
    assert response.status_code == 302
    accident = db.session.scalars(select(Case).where(Case.kind == "accident")).one()
    assert accident.linked_incident_id == incident_id

    page = client.get(f"/cases/{accident.id}").get_data(as_text=True)
    linked = re.search(r'data-testid="linked-incident">(.*?)</dd>', page, re.S).group(1)
    assert f'href="/cases/{incident_id}"' in linked and incident_code in linked
    assert "Sự cố kỹ thuật liên quan" in page

    page = client.get(f"/cases/{incident_id}").get_data(as_text=True)
    section = re.search(r'data-testid="linked-accidents">(.*?)</section>', page, re.S).group(1)
    assert f'href="/cases/{accident.id}"' in section and accident.code in section
    assert "Đã khai báo" in section  # the accident's state label
    assert "Số người bị nạn khai báo trong sự cố: 2." in section


def test_incident_page_lists_only_the_accidents_the_viewer_may_see(signed_in):
    x, y = make_commune(), make_commune()
    enterprise = make_enterprise(x)
    employer = make_user("enterprise", enterprise=enterprise)
    make_user("commune", username="xa_y", commune=y)
    make_user("inspector", username="thanh")
    incident = declare_incident(employer)
    in_x = make_accident(employer, incident_code=incident.code)
    # The same enterprise's worker hurt on a site in commune Y.
    in_y = declare(employer, accident_body(y.code, ("light",), incident_code=incident.code))
    incident_id, incident_code = incident.id, incident.code
    codes = (in_x.code, in_y.code)

    page = signed_in("thanh").get(f"/cases/{incident_id}").get_data(as_text=True)
    section = re.search(r'data-testid="linked-accidents">(.*?)</section>', page, re.S).group(1)
    assert all(code in section for code in codes)

    # Commune Y sees the accident on its territory, but not the incident in commune X: the
    # accident names the incident's code, with no link to a page it could not open.
    client = signed_in("xa_y")
    assert client.get(f"/cases/{incident_id}").status_code == 404
    page = client.get(f"/cases/{in_y.id}").get_data(as_text=True)
    linked = re.search(r'data-testid="linked-incident">(.*?)</dd>', page, re.S).group(1)
    assert linked.strip() == incident_code


def test_the_incident_owner_declares_a_casualty_from_the_incident_page(signed_in):
    """The incident page offers its enterprise "declare a casualty": the form starts with the
    incident's code, date, time, commune and place; others get no such link."""
    user = make_user("enterprise", username="hoa")
    make_user("enterprise", username="lan")  # another enterprise
    make_user("inspector", username="thanh")
    incident = declare_incident(user)
    incident_id, code = incident.id, incident.code
    db.session.commit()

    owner = signed_in("hoa")
    page = owner.get(f"/cases/{incident_id}").get_data(as_text=True)
    assert 'data-testid="declare-casualty"' in page
    form = owner.get(f"/cases/declare?incident={incident_id}").get_data(as_text=True)
    assert f'value="{code}"' in form
    assert 'value="20/11/2026"' in form and 'value="07:15"' in form  # typed dd/mm/yyyy
    assert 'value="Khu lò hơi số 1"' in form

    inspector_page = signed_in("thanh").get(f"/cases/{incident_id}").get_data(as_text=True)
    assert 'data-testid="declare-casualty"' not in inspector_page
    assert signed_in("lan").get(f"/cases/declare?incident={incident_id}").status_code == 404
