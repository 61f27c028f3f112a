"""The cases web pages: list, case page, actions and the accident declaration.

The rules live in the services and workflows (tested there); these tests check that the
pages show what each role may see, put errors next to the right inputs, and answer with
the contract's status codes (403, 404, 409, 422, 400 for a missing CSRF token).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.models import Case, MedicalAccessLog
from tests.conftest import csrf_token_from
from tests.factories import (
    accident_body,
    act,
    head,
    make_accident,
    make_commune,
    make_enterprise,
    make_user,
    victim_body,
)

# 2026-11-20 10:00 in Vietnam.
T0 = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def text_of(response) -> str:
    return response.get_data(as_text=True)


def count_cases() -> int:
    return db.session.scalar(select(func.count()).select_from(Case))


def token_of(client, url: str = "/") -> str:
    return csrf_token_from(text_of(client.get(url)))


# -- the list ---------------------------------------------------------------------------------


def test_list_shows_the_users_cases_with_state_label_and_countdown(signed_in, frozen):
    enterprise_user = make_user("enterprise", username="hoa")
    stranger = make_user("enterprise")
    frozen(T0)
    own = make_accident(enterprise_user, ("serious",))  # one serious: 7 days
    other = make_accident(stranger, ("light",))
    client = signed_in("hoa")

    frozen(T0 + timedelta(days=4))
    page = text_of(client.get("/cases/"))
    assert own.code in page
    assert other.code not in page
    assert f'href="/cases/{own.id}"' in page
    assert "Đã khai báo" in page  # the state's Vietnamese label
    assert "Tai nạn lao động" in page
    assert "20/11/2026" in page
    assert "còn 3 ngày" in page
    assert "<caption" in page

    frozen(T0 + timedelta(days=9))
    assert "quá hạn 2 ngày" in text_of(client.get("/cases/"))


def test_list_filters_and_keeps_them_in_the_pagination_links(signed_in, frozen):
    make_user("inspector", username="thanh")
    commune = make_commune(name="Phường Hồng Bàng")
    big = make_enterprise(commune=commune, tax_code="0201234567")
    reporter = make_user("enterprise", enterprise=big)
    other_reporter = make_user("enterprise")
    frozen(T0)
    for _ in range(26):
        make_accident(reporter, ("light",))
    frozen(T0 + timedelta(days=2))
    fatal = make_accident(
        other_reporter,
        ("death",),
        victims=[victim_body("death", full_name="Lê Văn Bình")],
    )
    frozen(None)
    client = signed_in("thanh")

    only_fatal = text_of(client.get("/cases/?severity=fatal"))
    assert fatal.code in only_fatal
    assert "1 vụ" in only_fatal

    by_name = text_of(client.get("/cases/?q=L%C3%AA+V%C4%83n+B%C3%ACnh"))
    assert fatal.code in by_name and "1 vụ" in by_name

    by_level = text_of(client.get("/cases/?level=province"))
    assert fatal.code in by_level and "1 vụ" in by_level

    by_tax_code = text_of(client.get("/cases/?enterprise=020-123-4567&severity=light"))
    assert "26 vụ" in by_tax_code
    assert fatal.code not in by_tax_code
    assert "trang 1/2" in by_tax_code
    links = re.findall(r'href="(/cases/\?[^"]*page=2[^"]*)"', by_tax_code)
    assert links, "no link to page 2"
    assert "enterprise=020-123-4567" in links[0] and "severity=light" in links[0]
    second = text_of(client.get(links[0].replace("&amp;", "&")))
    assert "trang 2/2" in second
    assert second.count('data-testid="case-row"') == 1

    by_commune = text_of(client.get(f"/cases/?commune={commune.code}"))
    assert "26 vụ" in by_commune

    # Declared-at range in Vietnam days, typed as dd/mm/yyyy or sent by a date input.
    later = text_of(client.get("/cases/?declared_from=22/11/2026&declared_to=2026-11-22"))
    assert fatal.code in later and "1 vụ" in later
    earlier = text_of(client.get("/cases/?declared_to=21%2F11%2F2026&kind=accident"))
    assert "26 vụ" in earlier

    bad_date = client.get("/cases/?declared_from=31/02/2026")
    assert bad_date.status_code == 422  # beside its field, and no list under it
    assert "Ngày không hợp lệ" in text_of(bad_date)
    assert 'data-testid="case-row"' not in text_of(bad_date)


def test_admin_gets_403_on_the_list_and_anonymous_goes_to_login(client, signed_in):
    make_user("admin", username="quantri")
    assert client.get("/cases/").status_code == 302
    admin = signed_in("quantri")
    assert admin.get("/cases/").status_code == 403
    assert admin.get("/cases/declare").status_code == 403


# -- the case page ----------------------------------------------------------------------------


def test_case_page_shows_header_deadlines_victims_actions_timeline_and_diagram(signed_in):
    reporter = make_user("enterprise")
    make_user("inspector", username="thanh")
    case = make_accident(reporter, ("death", "serious"))
    page = text_of(signed_in("thanh").get(f"/cases/{case.id}"))

    assert case.code in page
    assert "Chết người" in page and "Cấp tỉnh" in page
    assert reporter.enterprise.name in page
    assert "Xưởng cơ khí số 2" in page
    assert "Thời hạn điều tra" in page and "Có mặt tại hiện trường" in page
    for victim in case.victims:
        assert victim.full_name in page
        assert victim.national_id in page
    assert "Gãy xương cẳng tay phải" in page  # the inspector sees medical detail
    for trigger in ("open_investigation", "reject", "record_death"):
        assert f'data-testid="form-{trigger}"' in page
    assert 'data-testid="form-conclude"' not in page
    assert 'name="open_investigation-team-0-name"' in page
    assert 'name="version" value="1"' in page
    assert 'data-trigger="declare"' in page and "Khai báo vụ việc" in page
    # The diagram is drawn in its own frame (tests/test_security_headers.py checks its page).
    assert 'src="/cases/diagram/accident?current=declared"' in page
    assert re.search(
        r'<li aria-current="step" class="current">\s*<span class="step-name">'
        r"Đã khai báo",
        page,
    )


def test_union_sees_a_masked_national_id_and_no_injury_description(app, signed_in):
    reporter = make_user("enterprise", username="hoa")
    make_user("union", username="congdoan")
    case = make_accident(reporter, ("serious",))
    victim = case.victims[0]

    union_page = text_of(signed_in("congdoan").get(f"/cases/{case.id}"))
    assert victim.full_name in union_page
    assert victim.national_id not in union_page
    # Not a digit of it: the birth date and gender shown beside it give digits 4-6.
    assert "*" * 12 in union_page and f"******{victim.national_id[-3:]}" not in union_page
    assert "Gãy xương cẳng tay phải" not in union_page
    assert db.session.scalar(select(func.count()).select_from(MedicalAccessLog)) == 0

    own_page = text_of(signed_in("hoa").get(f"/cases/{case.id}"))
    assert victim.national_id in own_page
    assert "Gãy xương cẳng tay phải" in own_page
    logged = db.session.scalars(select(MedicalAccessLog)).all()
    assert [(row.case_id, row.user_id) for row in logged] == [(case.id, reporter.id)]


def test_other_enterprise_gets_404_on_the_case_page_and_on_an_action(signed_in):
    reporter = make_user("enterprise")
    make_user("enterprise", username="khac")
    case = make_accident(reporter, ("light",))
    client = signed_in("khac")
    assert client.get(f"/cases/{case.id}").status_code == 404
    response = client.post(
        f"/cases/{case.id}/actions/open_investigation",
        data={
            "csrf_token": token_of(client),
            "version": "1",
            "open_investigation-team-0-name": "Trần Văn Khác",
            "open_investigation-team-0-organisation": "employer",
            "open_investigation-team-0-role": "head",
        },
    )
    assert response.status_code == 404
    db.session.refresh(case)
    assert case.state == "declared" and case.version == 1
    assert client.get("/cases/999999").status_code == 404


# -- actions ----------------------------------------------------------------------------------


def team_form(prefix: str, rows, **extra) -> dict:
    data = dict(extra)
    for index, (name, organisation, role) in enumerate(rows):
        data[f"{prefix}-team-{index}-name"] = name
        data[f"{prefix}-team-{index}-organisation"] = organisation
        data[f"{prefix}-team-{index}-role"] = role
    return data


def test_inspector_opens_the_investigation_through_the_form(signed_in):
    reporter = make_user("enterprise")
    make_user("inspector", username="thanh")
    case = make_accident(reporter, ("death",))
    client = signed_in("thanh")
    data = team_form(
        "open_investigation",
        [
            ("Nguyễn Văn Thanh", "inspectorate", "head"),
            ("", "", "member"),
            ("Đỗ Minh Tuấn", "union", "member"),
        ],
        csrf_token=token_of(client, f"/cases/{case.id}"),
        version="1",
    )
    data["open_investigation-needs_technical_exam"] = "false"
    response = client.post(f"/cases/{case.id}/actions/open_investigation", data=data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{case.id}")
    db.session.refresh(case)
    assert case.state == "investigating"
    assert case.data["team"] == [
        {"name": "Nguyễn Văn Thanh", "organisation": "inspectorate", "role": "head"},
        {"name": "Đỗ Minh Tuấn", "organisation": "union", "role": "member"},
    ]
    assert case.data["needs_technical_exam"] is False
    page = text_of(client.get(f"/cases/{case.id}"))
    assert "Đã thực hiện: Thành lập đoàn điều tra." in page
    assert "Đang điều tra" in page and "Nguyễn Văn Thanh" in page
    assert 'data-trigger="open_investigation"' in page


def test_action_errors_are_shown_next_to_their_inputs_with_422(signed_in):
    reporter = make_user("enterprise")
    make_user("inspector", username="thanh")
    case = make_accident(reporter, ("death", "serious"))
    client = signed_in("thanh")
    token = token_of(client, f"/cases/{case.id}")

    # A member without a name (row 2 is blank and ignored, so row 3 is payload item 1).
    rows = [("Nguyễn Văn Thanh", "inspectorate", "head"), ("", "", "member"), ("", "police", "")]
    response = client.post(
        f"/cases/{case.id}/actions/open_investigation",
        data=team_form("open_investigation", rows, csrf_token=token, version="1"),
    )
    assert response.status_code == 422
    page = text_of(response)
    assert 'id="open_investigation-team-2-name-error"' in page
    assert 'aria-describedby="open_investigation-team-2-name-error"' in page
    assert '<details class="action" id="action-open_investigation" open>' in page

    # The employer may not head a provincial team (a guard's input error → 422 on "team").
    rows = [("Trần Thị Hoa", "employer", "head")]
    response = client.post(
        f"/cases/{case.id}/actions/open_investigation",
        data=team_form("open_investigation", rows, csrf_token=token, version="1"),
    )
    assert response.status_code == 422
    assert "Trưởng đoàn điều tra phải là đại diện thanh tra." in text_of(response)
    assert 'id="open_investigation-team-error"' in text_of(response)

    # A date that is not a date is refused by the form itself.
    response = client.post(
        f"/cases/{case.id}/actions/record_death",
        data={
            "csrf_token": token,
            "version": "1",
            "record_death-victim_id": str(case.victims[1].id),
            "record_death-died_at": "hôm qua",
        },
    )
    assert response.status_code == 422
    assert 'id="record_death-died_at-error"' in text_of(response)
    db.session.refresh(case)
    assert case.state == "declared" and case.version == 1


def test_stale_version_gets_409_and_changes_nothing(signed_in):
    reporter = make_user("enterprise")
    inspector = make_user("inspector", username="thanh")
    case = make_accident(reporter, ("death",))
    client = signed_in("thanh")
    token = token_of(client, f"/cases/{case.id}")
    act(case, inspector, "open_investigation", team=head())
    db.session.refresh(case)
    assert case.version == 2

    response = client.post(
        f"/cases/{case.id}/actions/extend_deadline",
        data={
            "csrf_token": token,
            "version": "1",
            "extend_deadline-days": "10",
            "extend_deadline-reason": "Chờ kết quả giám định",
        },
    )
    assert response.status_code == 409
    assert "Vụ việc đã được cập nhật" in text_of(response)
    db.session.refresh(case)
    assert case.version == 2 and "extension" not in case.data

    # An action the state no longer allows is a 409 too.
    response = client.post(
        f"/cases/{case.id}/actions/reject",
        data={"csrf_token": token, "version": "2", "reject-reason": "Trùng"},
    )
    assert response.status_code == 409
    db.session.refresh(case)
    assert case.state == "investigating"


def test_role_that_may_not_fire_the_trigger_gets_403(signed_in):
    reporter = make_user("enterprise")
    make_user("union", username="congdoan")
    case = make_accident(reporter, ("death",))
    client = signed_in("congdoan")
    page = text_of(client.get(f"/cases/{case.id}"))
    assert 'data-testid="form-' not in page
    response = client.post(
        f"/cases/{case.id}/actions/reject",
        data={"csrf_token": csrf_token_from(page), "version": "1", "reject-reason": "Không"},
    )
    assert response.status_code == 403
    db.session.refresh(case)
    assert case.state == "declared"


def test_action_without_csrf_token_gets_400(signed_in):
    reporter = make_user("enterprise")
    make_user("inspector", username="thanh")
    case = make_accident(reporter, ("death",))
    client = signed_in("thanh")
    response = client.post(
        f"/cases/{case.id}/actions/reject", data={"version": "1", "reject-reason": "Trùng"}
    )
    assert response.status_code == 400
    db.session.refresh(case)
    assert case.state == "declared" and case.version == 1


def test_conclude_and_announce_through_the_forms_open_the_claims(signed_in, frozen):
    reporter = make_user("enterprise")
    inspector = make_user("inspector", username="thanh")
    frozen(T0)
    case = make_accident(reporter, ("death", "serious"))
    act(case, inspector, "open_investigation", team=head())
    frozen(T0 + timedelta(days=3))
    client = signed_in("thanh")
    token = token_of(client, f"/cases/{case.id}")
    response = client.post(
        f"/cases/{case.id}/actions/conclude",
        data={
            "csrf_token": token,
            "version": "2",
            "conclude-is_work_accident": "true",
            "conclude-worker_at_fault": "false",
            "conclude-causes": "Máy dập không có che chắn\r\n\r\nKhông huấn luyện an toàn",
            "conclude-responsibilities": "Người sử dụng lao động",
            "conclude-measures": "Lắp che chắn",
        },
    )
    assert response.status_code == 302, text_of(response)
    db.session.refresh(case)
    assert case.data["minutes"]["causes"] == [
        "Máy dập không có che chắn",
        "Không huấn luyện an toàn",
    ]
    assert case.data["minutes"]["worker_at_fault"] is False

    attendees = {
        "announce-attendees-0-name": "Nguyễn Văn Thanh",
        "announce-attendees-0-organisation": "inspectorate",
        "announce-attendees-1-name": "Đại úy Phạm Văn Công",
        "announce-attendees-1-organisation": "police",
    }
    missing_procuracy = client.post(
        f"/cases/{case.id}/actions/announce",
        data={
            "csrf_token": token,
            "version": "3",
            "announce-meeting_at": "2026-11-23T09:30",
            **attendees,
        },
    )
    assert missing_procuracy.status_code == 422
    assert "viện kiểm sát" in text_of(missing_procuracy)

    attendees["announce-attendees-2-name"] = "Kiểm sát viên Vũ Thị Hạnh"
    attendees["announce-attendees-2-organisation"] = "procuracy"
    response = client.post(
        f"/cases/{case.id}/actions/announce",
        data={
            "csrf_token": token,
            "version": "3",
            "announce-meeting_at": "2026-11-23T09:30",
            **attendees,
        },
    )
    assert response.status_code == 302, text_of(response)
    db.session.refresh(case)
    assert case.state == "announced"
    # The meeting time was typed in Vietnam time.
    assert case.data["announcement"]["announced_at"] == "2026-11-23T09:30:00+07:00"
    page = text_of(client.get(f"/cases/{case.id}"))
    assert len(case.children) == 2
    for child in case.children:
        assert child.code in page
    assert "Đã giám định — đang chi trả" in page and "Đang điều trị" in page
    assert "Kiểm sát viên Vũ Thị Hạnh" in page


# -- the declaration --------------------------------------------------------------------------


def declaration_form(token: str, commune_code: str, victims: dict[int, dict], **extra) -> dict:
    data = {
        "csrf_token": token,
        "occurred_date": "2026-11-20",
        "occurred_time": "08:30",
        "commune_code": commune_code,
        "location": "Xưởng cơ khí số 2",
        "description": "Công nhân bị máy dập kẹp tay.",
    }
    for index, victim in victims.items():
        for key, value in victim.items():
            data[f"victims-{index}-{key}"] = value
    data.update(extra)
    return data


def web_victim(outcome: str = "serious", **fields) -> dict:
    body = victim_body(outcome, **fields)
    body["monthly_wage_vnd"] = "9.000.000"
    body["si_years"] = str(body["si_years"])
    return body


def test_declaration_form_offers_victim_blocks_and_fixes_the_labour_relation(signed_in):
    user = make_user("enterprise", username="hoa")
    page = text_of(signed_in("hoa").get("/cases/declare"))
    for index in range(3):
        assert f'name="victims-{index}-national_id"' in page
    assert "Thêm nạn nhân" in page and "cases.js" in page
    assert "Tử vong" in page and "Bị thương nặng" in page and "Bị thương nhẹ" in page
    assert f'<option selected value="{user.enterprise.commune_code}">' in page
    assert 'data-testid="labour-relation"' in page and "Có — người lao động" in page


def test_bad_national_id_is_shown_next_to_the_field_and_creates_nothing(signed_in):
    user = make_user("enterprise", username="hoa")
    client = signed_in("hoa")
    token = token_of(client, "/cases/declare")
    # Block 1 is left blank: block 2 is the second victim sent to the service.
    victims = {0: web_victim("death"), 2: web_victim("serious", national_id="12345")}
    response = client.post(
        "/cases/declare", data=declaration_form(token, user.enterprise.commune_code, victims)
    )
    assert response.status_code == 422
    page = text_of(response)
    assert count_cases() == 0
    assert 'id="victims-2-national_id-error"' in page
    assert "Số CCCD phải gồm đúng 12 chữ số." in page
    assert re.search(
        r'aria-describedby="[^"]*victims-2-national_id-error"[^>]*aria-invalid="true"'
        r'|aria-invalid="true"[^>]*aria-describedby="[^"]*victims-2-national_id-error"',
        page,
    )
    assert 'value="12345"' in page  # what was typed is kept
    assert 'id="victims-0-national_id-error"' not in page


def test_declaration_needs_a_victim_and_a_time(signed_in):
    user = make_user("enterprise", username="hoa")
    client = signed_in("hoa")
    token = token_of(client, "/cases/declare")
    response = client.post(
        "/cases/declare", data=declaration_form(token, user.enterprise.commune_code, {})
    )
    assert response.status_code == 422
    assert "Cần ít nhất một nạn nhân." in text_of(response)
    no_time = declaration_form(token, user.enterprise.commune_code, {0: web_victim()})
    no_time["occurred_time"] = ""
    response = client.post("/cases/declare", data=no_time)
    assert response.status_code == 422
    assert 'id="occurred_time-error"' in text_of(response)
    assert count_cases() == 0


def test_good_declaration_creates_the_case_and_redirects_to_it(signed_in):
    user = make_user("enterprise", username="hoa")
    client = signed_in("hoa")
    token = token_of(client, "/cases/declare")
    victims = {0: web_victim("death", full_name="Nguyễn Văn An"), 1: web_victim("serious")}
    response = client.post(
        "/cases/declare", data=declaration_form(token, user.enterprise.commune_code, victims)
    )
    assert response.status_code == 302
    case = db.session.scalars(select(Case)).one()
    assert response.headers["Location"].endswith(f"/cases/{case.id}")
    assert case.enterprise_id == user.enterprise_id and case.labour_relation is True
    assert case.severity == "fatal" and case.investigation_level == "province"
    assert clock.as_utc(case.occurred_at) == datetime(2026, 11, 20, 1, 30, tzinfo=UTC)
    assert [v.monthly_wage_vnd for v in case.victims] == [9_000_000, 9_000_000]
    page = text_of(client.get(response.headers["Location"]))
    assert f"Đã khai báo vụ việc {case.code}" in page
    assert "mức độ: Chết người" in page and "cấp điều tra: Cấp tỉnh (thanh tra)" in page
    assert "Nguyễn Văn An" in page


def test_commune_declares_in_its_own_commune_without_labour_relation(signed_in):
    user = make_user("commune", username="xa")
    elsewhere = make_commune()
    client = signed_in("xa")
    page = text_of(client.get("/cases/declare"))
    assert user.commune.name in page and "Không — người lao động" in page
    response = client.post(
        "/cases/declare",
        data=declaration_form(csrf_token_from(page), elsewhere.code, {0: web_victim("light")}),
    )
    assert response.status_code == 302
    case = db.session.scalars(select(Case)).one()
    assert case.commune_code == user.commune_code
    assert case.labour_relation is False and case.enterprise_id is None
    assert case.investigation_level == "commune_record"


def test_declaration_without_csrf_token_gets_400_and_creates_nothing(signed_in):
    user = make_user("enterprise", username="hoa")
    client = signed_in("hoa")
    data = declaration_form("", user.enterprise.commune_code, {0: web_victim()})
    del data["csrf_token"]
    assert client.post("/cases/declare", data=data).status_code == 400
    assert count_cases() == 0


def test_accident_body_helper_matches_the_web_form_fields():
    """The form's victim keys are exactly the contract's (no drift between API and page)."""
    from app.cases.forms import VICTIM_KEYS

    assert set(victim_body()) | {"insured_wage_vnd"} == set(VICTIM_KEYS)
    assert {"occurred_at", "commune_code", "victims"} <= set(accident_body("11311"))


def test_a_claim_moves_through_its_generated_forms(signed_in, frozen):
    """Percent with a decimal comma, money typed with dots, documents one per line, yes/no."""
    reporter = make_user("enterprise", username="hoa")
    make_user("insurance", username="bhxh")
    frozen(T0)
    case = make_accident(reporter, ("serious",))  # one serious worker: the employer investigates
    frozen(T0 + timedelta(days=1))
    act(case, reporter, "open_investigation", team=head("Trần Thị Hoa", "employer"))
    act(
        case,
        reporter,
        "conclude",
        is_work_accident=True,
        worker_at_fault=False,
        causes=["Máy không che chắn"],
        responsibilities="Doanh nghiệp",
        measures=["Che chắn"],
    )
    act(
        case,
        reporter,
        "announce",
        meeting_at="2026-11-21T09:00:00+07:00",
        attendees=[{"name": "Trần Thị Hoa", "organisation": "employer"}],
    )
    claim_id = case.children[0].id
    frozen(T0 + timedelta(days=3))
    client = signed_in("hoa")
    url = f"/cases/{claim_id}"
    token = token_of(client, url)

    def post(trigger: str, client=client, token=token, **fields):
        claim = db.session.get(Case, claim_id)
        db.session.refresh(claim)
        data = {"csrf_token": token, "version": str(claim.version)}
        data.update({f"{trigger}-{key}": value for key, value in fields.items()})
        return client.post(f"{url}/actions/{trigger}", data=data)

    assert post("refer_for_assessment", referred_at="2026-11-22T08:00").status_code == 302
    response = post("record_assessment", capacity_loss_pct="31,5", assessed_at="2026-11-22T15:00")
    assert response.status_code == 302
    claim = db.session.get(Case, claim_id)
    assert claim.state == "assessed"
    minimum = claim.data["compensation"]["minimum_vnd"]

    nothing = post("record_payment", amount_vnd="0", paid_at="2026-11-23T08:00")
    assert nothing.status_code == 422
    page = text_of(nothing)
    assert 'id="record_payment-amount_vnd-error"' in page
    assert 'value="0"' in page
    # A first instalment of 1.000 đ; the rest completes the minimum.
    assert post("record_payment", amount_vnd="1.000", paid_at="2026-11-23T08:00").status_code == 302
    minimum -= 1_000

    amount = f"{minimum:,}".replace(",", ".") + " đ"
    response = post(
        "record_payment", amount_vnd=amount, paid_at="2026-11-23T08:00", proof="Uỷ nhiệm chi số 12"
    )
    assert response.status_code == 302
    response = post(
        "file_insurance",
        filed_at="2026-11-23T09:00",
        dossier=(
            "Sổ BHXH\n\nGiấy ra viện\nBiên bản giám định y khoa\nMẫu 05A-HSB\n"
            "Biên bản điều tra TNLĐ\n"
        ),
    )
    assert response.status_code == 302
    db.session.refresh(claim)
    assert claim.data["compensation"]["paid_vnd"] == minimum + 1_000

    insurer = signed_in("bhxh")
    page = text_of(insurer.get(url))
    assert 'data-testid="form-decide_insurance"' in page
    assert f'href="/cases/{case.id}"' not in page  # the accident itself is not theirs to see
    as_insurer = {"client": insurer, "token": csrf_token_from(page)}
    refused = post("decide_insurance", approved="false", **as_insurer)
    assert refused.status_code == 422
    assert 'id="decide_insurance-reason-error"' in text_of(refused)
    approved = post(
        "decide_insurance", approved="true", kind="one_time", amount_vnd="12000000", **as_insurer
    )
    assert approved.status_code == 302
    db.session.refresh(claim)
    assert claim.data["insurance"]["approved"] is True
    assert claim.data["insurance"]["decided_vnd"] == 12_000_000


def test_invalid_input_for_an_action_not_offered_is_flashed_with_422(signed_in):
    """Every victim already died: record_death is not offered, so its errors are flashed."""
    reporter = make_user("enterprise")
    make_user("inspector", username="thanh")
    case = make_accident(reporter, ("death",))
    client = signed_in("thanh")
    page = text_of(client.get(f"/cases/{case.id}"))
    assert 'data-testid="form-record_death"' not in page
    response = client.post(
        f"/cases/{case.id}/actions/record_death",
        data={"csrf_token": csrf_token_from(page), "version": "1"},
    )
    assert response.status_code == 422
    assert "Bắt buộc nhập." in text_of(response)
    db.session.refresh(case)
    assert case.version == 1


def test_every_transition_of_every_workflow_gets_a_form(app):
    """The factory knows every field kind the definitions use (a new kind fails here)."""
    from app.cases.forms import action_form
    from workflows import REGISTRY

    with app.test_request_context("/"):
        for definition in REGISTRY.values():
            for transition in definition.transitions:
                for source in transition.sources:
                    form_class = action_form(definition, transition.trigger, source)
                    form = form_class(formdata=None, prefix=transition.trigger, version="1")
                    for spec in transition.fields:
                        assert form[spec.name].name.startswith(f"{transition.trigger}-")
                    assert form.version.name == "version"
