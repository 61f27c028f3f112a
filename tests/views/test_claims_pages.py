""" "Người lao động của tôi": every claim in the union's or enterprise's scope, most urgent first,
with the quick receipt confirmation; and the compensation decision as PDF."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from app import clock
from app.extensions import db
from app.models import Case
from tests.api.claim_flow import DOSSIER, announce_accident, assessed_claim, claims_of, stamp
from tests.conftest import csrf_token_from
from tests.factories import act, make_enterprise, make_user

URL = "/claims/"


# Tests here move the clock with clock.freeze; the shared ``frozen`` fixture unfreezes it.
pytestmark = pytest.mark.usefixtures("frozen")


def rows(html: str) -> list[str]:
    """The claim codes in table order."""
    return re.findall(r'data-testid="claim-([A-Z0-9-]+)"', html)


def row_html(html: str, code: str) -> str:
    start = html.index(f'data-testid="claim-{code}"')
    return html[start : html.index("</tr>", start)]


@pytest.fixture
def ent():
    return make_user("enterprise", username="dn1")


@pytest.fixture
def paid_claim(ent):
    claim = assessed_claim(ent, 25)
    act(claim, ent, "record_payment", amount_vnd=75_000_000, paid_at=stamp())
    db.session.refresh(claim)
    return claim


def test_union_sees_the_worker_masked_with_amounts_and_a_confirm_button(
    client, login, ent, paid_claim
):
    make_user("union", username="cd1", enterprise=ent.enterprise)
    login("cd1")
    response = client.get(URL)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert rows(html) == [paid_claim.code]
    row = row_html(html, paid_claim.code)
    victim = paid_claim.parent.victims[0]
    assert victim.full_name in row
    assert victim.national_id not in html
    assert f'data-testid="national-id">{"*" * 12}<' in row
    assert ent.enterprise.name in row
    assert paid_claim.parent.code in row
    assert "75.000.000 đ" in row  # minimum and paid
    assert "57.950.000 đ" in row  # expected insurance benefit
    assert "Đã chi trả, chờ xác nhận" in row
    assert "Xác nhận đã nhận tiền" in row
    assert f"/cases/{paid_claim.id}" in row
    assert f"/claims/{paid_claim.id}/decision.pdf" in row


def test_union_confirms_receipt_from_the_list(client, login, ent, paid_claim):
    make_user("union", username="cd1", enterprise=ent.enterprise)
    login("cd1")
    token = csrf_token_from(client.get(URL).get_data(as_text=True))
    version = paid_claim.version
    response = client.post(
        f"/claims/{paid_claim.id}/confirm-receipt",
        data={"csrf_token": token, "version": str(version)},
    )
    assert response.status_code == 302
    claim = db.session.get(Case, paid_claim.id)
    assert claim.data["compensation"]["confirmed_at"] is not None
    assert claim.version == version + 1
    db.session.refresh(claim)
    html = client.get(URL).get_data(as_text=True)
    assert "Đã xác nhận việc nhận tiền bồi thường, trợ cấp" in html  # the flash
    row = row_html(html, paid_claim.code)
    assert "Đã xác nhận nhận tiền ngày" in row
    assert "Xác nhận đã nhận tiền</button>" not in row
    assert claim.data["compensation"]["received_by"] == "worker"


def test_a_relative_receives_on_an_earlier_day_and_must_be_named(client, login, ent, paid_claim):
    make_user("union", username="cd1", enterprise=ent.enterprise)
    login("cd1")
    html = client.get(URL).get_data(as_text=True)
    row = row_html(html, paid_claim.code)
    assert 'name="received_on"' in row and 'name="received_by"' in row
    form = {"csrf_token": csrf_token_from(html), "version": str(paid_claim.version)}
    unnamed = {**form, "received_by": "relative", "recipient_relationship": "Vợ"}
    refused = client.post(f"/claims/{paid_claim.id}/confirm-receipt", data=unnamed)
    # The form comes back open, with what was typed and the error beside the name's input.
    assert refused.status_code == 422
    row = row_html(refused.get_data(as_text=True), paid_claim.code)
    assert "<details" in row and " open>" in row and "data-error-summary" in row
    assert "Ghi rõ họ tên thân nhân" in row
    assert 'value="Vợ"' in row and '<option value="relative" selected>' in row
    assert 'aria-describedby="recipient_name-' in row
    db.session.refresh(paid_claim)
    assert paid_claim.data["compensation"]["confirmed_at"] is None
    bad_day = {**form, "received_on": "31/02/2026"}
    refused = client.post(f"/claims/{paid_claim.id}/confirm-receipt", data=bad_day)
    assert refused.status_code == 422
    assert "dd/mm/yyyy" in refused.get_data(as_text=True)
    assert 'value="31/02/2026"' in refused.get_data(as_text=True)
    today = clock.now().astimezone(clock.VN_TZ).date()
    named = {
        **form,
        "received_by": "relative",
        "recipient_name": "Nguyễn Thị Lan",
        "recipient_relationship": "Vợ",
        "received_on": today.strftime("%d/%m/%Y"),
    }
    assert client.post(f"/claims/{paid_claim.id}/confirm-receipt", data=named).status_code == 302
    db.session.refresh(paid_claim)
    comp = paid_claim.data["compensation"]
    assert (comp["received_by"], comp["recipient_name"], comp["recipient_relationship"]) == (
        "relative",
        "Nguyễn Thị Lan",
        "Vợ",
    )


def test_a_stale_confirmation_is_refused_with_a_message(client, login, ent, paid_claim):
    make_user("union", username="cd1", enterprise=ent.enterprise)
    login("cd1")
    token = csrf_token_from(client.get(URL).get_data(as_text=True))
    response = client.post(
        f"/claims/{paid_claim.id}/confirm-receipt",
        data={"csrf_token": token, "version": str(paid_claim.version - 1)},
    )
    assert response.status_code == 302
    assert "Vui lòng tải lại" in client.get(URL).get_data(as_text=True)
    assert db.session.get(Case, paid_claim.id).data["compensation"]["confirmed_at"] is None


def test_confirmation_needs_csrf(client, login, ent, paid_claim):
    make_user("union", username="cd1", enterprise=ent.enterprise)
    login("cd1")
    response = client.post(
        f"/claims/{paid_claim.id}/confirm-receipt", data={"version": str(paid_claim.version)}
    )
    assert response.status_code == 400
    assert db.session.get(Case, paid_claim.id).data["compensation"]["confirmed_at"] is None


def test_enterprise_cannot_confirm_from_the_list(client, login, ent, paid_claim):
    login("dn1")
    html = client.get(URL).get_data(as_text=True)
    row = row_html(html, paid_claim.code)
    assert "Xác nhận đã nhận tiền</button>" not in row
    victim = paid_claim.parent.victims[0]
    assert victim.national_id in row  # the employer sees its own worker's full ID
    token = csrf_token_from(html)
    response = client.post(
        f"/claims/{paid_claim.id}/confirm-receipt",
        data={"csrf_token": token, "version": str(paid_claim.version)},
    )
    assert response.status_code == 403
    assert db.session.get(Case, paid_claim.id).data["compensation"]["confirmed_at"] is None


def test_another_grassroots_union_cannot_confirm_or_see(client, login, paid_claim):
    make_user("union", username="cd2", enterprise=make_enterprise())
    login("cd2")
    html = client.get(URL).get_data(as_text=True)
    assert rows(html) == []
    token = csrf_token_from(html)
    response = client.post(
        f"/claims/{paid_claim.id}/confirm-receipt",
        data={"csrf_token": token, "version": str(paid_claim.version)},
    )
    assert response.status_code == 404
    assert db.session.get(Case, paid_claim.id).data["compensation"]["confirmed_at"] is None


def test_enterprise_sees_only_its_own_claims_and_the_city_union_sees_all(client, login, ent):
    own = assessed_claim(ent, 25)
    other_ent = make_user("enterprise", username="dn2")
    other = assessed_claim(other_ent, 30)
    login("dn1")
    assert rows(client.get(URL).get_data(as_text=True)) == [own.code]
    client.post(
        "/logout", data={"csrf_token": csrf_token_from(client.get(URL).get_data(as_text=True))}
    )
    login("dn2")
    assert rows(client.get(URL).get_data(as_text=True)) == [other.code]
    client.post(
        "/logout", data={"csrf_token": csrf_token_from(client.get(URL).get_data(as_text=True))}
    )
    make_user("union", username="ldld1")
    login("ldld1")
    assert sorted(rows(client.get(URL).get_data(as_text=True))) == sorted([own.code, other.code])


@pytest.mark.parametrize("role", ["inspector", "insurance", "commune", "admin"])
def test_other_roles_are_refused(client, login, role):
    user = make_user(role)
    login(user.username)
    assert client.get(URL).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_rows_are_sorted_by_urgency_with_how_late(client, login, ent):
    """Overdue first (most overdue on top), then the soonest due, then the rest."""
    start = clock.now()
    occurred = (start - timedelta(days=30)).isoformat()
    clock.freeze(start - timedelta(days=20))
    very_late = assessed_claim(ent, 25, occurred_at=occurred)  # compensation due 15 days ago
    clock.freeze(start - timedelta(days=8))
    late = assessed_claim(ent, 25, occurred_at=occurred)  # due 3 days ago
    clock.freeze(start - timedelta(days=1))
    soon = assessed_claim(ent, 25, occurred_at=occurred)  # due in 4 days
    clock.freeze(start - timedelta(days=1, hours=-1))
    later = assessed_claim(ent, 25, occurred_at=occurred)  # due in 4 days and an hour
    treatment = claims_of(announce_accident(ent, occurred_at=occurred))[0]  # nothing due yet
    clock.freeze(start)
    login("dn1")
    html = client.get(URL).get_data(as_text=True)
    assert rows(html) == [very_late.code, late.code, soon.code, later.code, treatment.code]
    assert "quá hạn 15 ngày" in row_html(html, very_late.code)
    assert "quá hạn 3 ngày" in row_html(html, late.code)
    assert "quá hạn" not in row_html(html, soon.code)
    assert "Hạn chi trả bồi thường" in row_html(html, soon.code)


def test_after_payment_the_next_due_is_the_insurance_filing(client, login, ent, paid_claim):
    login("dn1")
    row = row_html(client.get(URL).get_data(as_text=True), paid_claim.code)
    assert "Hạn nộp hồ sơ BHXH" in row


def test_closed_claims_are_shown_on_request_last_with_the_decision(client, login, ent):
    closed = assessed_claim(ent, 25)
    union = make_user("union", username="cd1", enterprise=ent.enterprise)
    act(closed, ent, "record_payment", amount_vnd=75_000_000, paid_at=stamp())
    act(closed, union, "confirm_receipt", confirmed_at=stamp())
    act(closed, ent, "file_insurance", filed_at=stamp(), dossier=DOSSIER)
    insurer = make_user("insurance")
    act(closed, insurer, "decide_insurance", approved=True, kind="one_time", amount_vnd=57_950_000)
    act(closed, union, "close")
    open_claim = claims_of(announce_accident(ent))[0]
    login("cd1")
    assert rows(client.get(URL).get_data(as_text=True)) == [open_claim.code]  # open by default
    assert rows(client.get(URL + "?status=closed").get_data(as_text=True)) == [closed.code]
    html = client.get(URL + "?status=all").get_data(as_text=True)
    assert rows(html) == [open_claim.code, closed.code]
    row = row_html(html, closed.code)
    assert "Đã đóng" in row and "Đã quyết định: 57.950.000 đ" in row


def test_the_list_costs_the_same_number_of_queries_for_one_or_many_claims(app, client, login, ent):
    make_user("union", username="cd1", enterprise=ent.enterprise)
    assessed_claim(ent, 25)
    login("cd1")

    def count_queries() -> int:
        seen = []

        def on_execute(*args):
            seen.append(1)

        engine = db.engine
        event.listen(engine, "before_cursor_execute", on_execute)
        try:
            assert client.get(URL).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", on_execute)
        return len(seen)

    one = count_queries()
    for _ in range(3):
        assessed_claim(ent, 30)
    many = count_queries()
    assert many == one


# -- the decision paper ---------------------------------------------------------------------------


def test_decision_pdf_for_those_who_see_the_claim(client, login, ent, paid_claim):
    login("dn1")
    response = client.get(f"/claims/{paid_claim.id}/decision.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert paid_claim.code in response.headers["Content-Disposition"]


def test_decision_pdf_is_404_for_others_and_before_assessment(client, login, ent, paid_claim):
    treatment = claims_of(announce_accident(ent))[0]
    make_user("enterprise", username="dn2")
    login("dn2")
    assert client.get(f"/claims/{paid_claim.id}/decision.pdf").status_code == 404
    client.post(
        "/logout",
        data={"csrf_token": csrf_token_from(client.get("/calculations/").get_data(as_text=True))},
    )
    login("dn1")
    assert client.get(f"/claims/{treatment.id}/decision.pdf").status_code == 404
    assert client.get(f"/claims/{paid_claim.parent_id}/decision.pdf").status_code == 404


# -- further benefits (Law 84/2015 Art. 49, 51, 54, 55) on the claim page ----------------------


def test_the_enterprise_asks_for_convalescence_through_the_claim_page(client, login, ent):
    claim = assessed_claim(ent, 25)
    login("dn1")
    page = client.get(f"/cases/{claim.id}").get_data(as_text=True)
    assert 'name="request_item-benefit_item"' in page
    today = clock.to_local(clock.now()).strftime("%d/%m/%Y")  # the day in Vietnam
    data = {
        "csrf_token": csrf_token_from(page),
        "version": str(claim.version),
        "request_item-benefit_item": "convalescence",
        "request_item-requested_on": today,
        "request_item-convalescence_days": "6",
    }
    refused = client.post(f"/cases/{claim.id}/actions/request_item", data=data)
    # 25 % allows at most 5 days (Art. 54): the form comes back with the days faulted.
    assert refused.status_code == 422
    assert "tối đa là 5 ngày" in refused.get_data(as_text=True)
    db.session.refresh(claim)
    assert "benefit_items" not in claim.data["insurance"]
    data["request_item-convalescence_days"] = "5"
    assert client.post(f"/cases/{claim.id}/actions/request_item", data=data).status_code == 302
    page = client.get(f"/cases/{claim.id}").get_data(as_text=True)
    table = page[page.index('data-testid="benefit-items"') :]
    # 5 days × 30 % × 2,530,000 = 3,795,000 (the clock is in November 2026).
    assert "Nghỉ dưỡng sức" in table and "3.795.000" in table and "Chờ giải quyết" in table


def test_the_union_sees_the_items_total_only(client, login, ent):
    claim = assessed_claim(ent, 25)
    act(claim, ent, "request_item", benefit_item="convalescence",
        requested_on=clock.to_local(clock.now()).date().isoformat(),  # the day in Vietnam
        convalescence_days=5)  # fmt: skip
    make_user("union", username="cd1", enterprise=ent.enterprise)
    login("cd1")
    page = client.get(f"/cases/{claim.id}").get_data(as_text=True)
    assert 'data-testid="benefit-items"' not in page
    assert "Nghỉ dưỡng sức" not in page
    total = page[page.index('data-testid="items-total"') :]
    assert total.split("</dd>")[0].count("3.795.000") == 1


def test_an_instalment_shows_what_is_still_owed_on_the_page_and_the_list(client, login, ent):
    claim = assessed_claim(ent, 25)  # minimum 75,000,000
    act(claim, ent, "record_payment", amount_vnd=30_000_000, paid_at=stamp())
    make_user("union", username="cd1", enterprise=ent.enterprise)
    login("cd1")
    page = client.get(f"/cases/{claim.id}").get_data(as_text=True)
    remaining = page[page.index('data-testid="remaining"') :].split("</dd>")[0]
    assert "45.000.000" in remaining
    row = row_html(client.get(URL).get_data(as_text=True), claim.code)
    assert "Đã trả một phần, còn 45.000.000" in row
    assert "confirm_receipt" not in row
