"""A case-list filter nothing could match is refused beside its field (web) or under its name
(API, 422), and lists nothing under it; a page past the end shows the last page; "my workers"
pages by cursor only, so a hand-typed page number is page 1 (newcomer walk, issue #14)."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_accident, make_user


@pytest.fixture
def inspector_client(app, signed_in):
    officer = make_user("enterprise", username="dn1")
    for _ in range(3):
        make_accident(officer, ("light",))
    make_user("inspector", username="tt1")
    return signed_in("tt1")


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("enterprise=Co+khi", "enterprise", "Mã số thuế gồm 10 hoặc 13 chữ số."),
        ("enterprise=020123", "enterprise", "Mã số thuế gồm 10 hoặc 13 chữ số."),
        (
            "declared_from=31/03/2026&declared_to=01/03/2026",
            "declared_to",
            "Ngày kết thúc phải từ ngày bắt đầu trở đi.",
        ),
        ("declared_from=31/02/2026", "declared_from", None),
        ("kind=foo", "kind", None),
    ],
)
def test_a_refused_filter_is_shown_beside_its_field_and_lists_nothing(
    inspector_client, query, field, message
):
    response = inspector_client.get(f"/cases/?{query}&severity=light")
    assert response.status_code == 422
    html = response.text
    assert f'id="{field}-error"' in html
    if message:
        assert message in html
    assert 'data-testid="filters-refused"' in html
    assert 'data-testid="case-row"' not in html  # not the unfiltered list under it
    assert re.search(
        r'<option[^>]*selected[^>]*value="light"|<option[^>]*value="light"[^>]*selected', html
    )


def test_a_well_formed_tax_code_with_dashes_still_filters(inspector_client):
    response = inspector_client.get("/cases/?enterprise=0200-000-000")
    assert response.status_code == 200
    assert "Không có vụ việc nào phù hợp." in response.text


def test_a_page_past_the_end_shows_the_last_page_with_a_message(inspector_client):
    response = inspector_client.get("/cases/?page=7&severity=light")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/cases/?page=1&severity=light")
    page = inspector_client.get("/cases/?page=7&severity=light", follow_redirects=True)
    assert "Không có trang 7; đây là trang cuối (1)." in page.text
    assert page.text.count('data-testid="case-row"') == 3


def test_the_api_reads_a_tax_code_as_typed_with_dashes(app, client, api_token):
    officer = make_user("enterprise", username="dn1")
    make_accident(officer, ("light",))
    make_user("inspector", username="tt1")
    token = api_token("tt1")
    tax_code = officer.enterprise.tax_code
    dashed = f"{tax_code[:4]}-{tax_code[4:7]}-{tax_code[7:]}"
    response = client.get(
        f"/api/v1/cases?enterprise={dashed}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200 and response.get_json()["total"] == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("kind=foo", "kind"),
        ("state=foo", "state"),
        ("severity=deadly", "severity"),
        ("level=city", "level"),
        ("enterprise=Co%20khi", "enterprise"),
        ("from=2026-03-31T00:00:00%2B07:00&to=2026-03-01T00:00:00%2B07:00", "to"),
    ],
)
def test_the_api_refuses_a_filter_nothing_could_match(app, client, api_token, query, field):
    make_user("inspector", username="tt1")
    token = api_token("tt1")
    response = client.get(f"/api/v1/cases?{query}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_my_workers_without_a_cursor_is_page_one_whatever_the_number(app, signed_in):
    officer = make_user("enterprise", username="dn1")
    make_accident(officer, ("light",))
    make_user("union", username="cd1", enterprise=officer.enterprise)
    html = signed_in("cd1").get("/claims/?page=99").text
    assert "trang 99" not in html
