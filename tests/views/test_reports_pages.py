"""The "Báo cáo định kỳ" pages: list and counts by role, the statutory form, filing with errors
beside the inputs, the differing-figures warning, the inspector's buttons, the files."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import Case
from app.services.reports import open_period
from tests.conftest import csrf_token_from
from tests.factories import act, make_accident, make_commune, make_enterprise, make_user
from workflows.law.reporting import parse_period

H1_ACCIDENT = "2026-03-10T08:30:00+07:00"


@pytest.fixture
def world(declaration_day):
    commune = make_commune(name="Phường Lê Chân")
    enterprise = make_enterprise(commune, name="Công ty TNHH Đóng tàu Bạch Đằng")
    ent = make_user("enterprise", enterprise=enterprise)
    other = make_user("enterprise")
    insp = make_user("inspector")
    make_accident(ent, outcomes=("serious", "light"), occurred_at=H1_ACCIDENT)
    open_period(parse_period("2026-H1"), actor=insp)
    report = db.session.query(Case).filter_by(kind="report", enterprise_id=enterprise.id).one()
    return type("World", (), dict(ent=ent, other=other, insp=insp, report=report))


def submit_data(page_html: str, version: int, **figures) -> dict:
    data = {"csrf_token": csrf_token_from(page_html), "version": str(version)}
    data.update({f"submit-figures-{k}": str(v) for k, v in figures.items()})
    return data


def test_the_enterprise_sees_its_report_prefilled_and_files_it(signed_in, world):
    client = signed_in(world.ent.username)
    listing = client.get("/reports/").get_data(as_text=True)
    assert world.report.code in listing
    assert "Báo cáo định kỳ" in listing
    url = f"/reports/{world.report.id}"
    html = client.get(url).get_data(as_text=True)
    assert "Báo cáo tổng hợp tình hình tai nạn lao động" in html
    assert "04/07/2026" in html and "Công ty TNHH Đóng tàu Bạch Đằng" in html
    assert re.search(r'data-total="victims"><th scope="row">[^<]+</th><td class="num">2<', html)
    assert re.search(r'data-total="serious"><th scope="row">[^<]+</th><td class="num">1<', html)

    refused = client.post(
        f"{url}/actions/submit",
        data=submit_data(html, world.report.version, workers="nhiều", female_workers=90,
                         wage_fund_vnd="1.000.000"),
    )  # fmt: skip
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'id="submit-figures-workers-error"' in page  # beside its input
    assert 'value="90"' in page  # what was typed is kept
    again = client.post(
        f"{url}/actions/submit",
        data=submit_data(html, world.report.version, workers=100, female_workers=120,
                         wage_fund_vnd="1.000.000"),
    )  # fmt: skip
    assert again.status_code == 422
    assert 'id="submit-figures-female_workers-error"' in again.get_data(as_text=True)

    done = client.post(
        f"{url}/actions/submit",
        data=submit_data(html, world.report.version, workers=100, female_workers=30,
                         wage_fund_vnd="1.000.000.000"),
    )  # fmt: skip
    assert done.status_code == 302
    db.session.expire_all()
    report = db.session.get(Case, world.report.id)
    assert report.state == "submitted"
    assert report.data["submitted"]["figures"]["wage_fund_vnd"] == 1_000_000_000
    filed = client.get(url).get_data(as_text=True)
    assert 'data-shown="submitted"' in filed
    assert "Số liệu hiện tại khác với báo cáo đã nộp" not in filed


def test_a_changed_case_is_flagged_and_a_correction_offered(signed_in, world):
    act(world.report, world.ent, "submit",
        figures={"workers": 100, "female_workers": 30, "wage_fund_vnd": 10**9})  # fmt: skip
    accident = db.session.query(Case).filter_by(kind="accident").one()
    serious = next(v for v in accident.victims if v.outcome == "serious")
    act(accident, world.insp, "record_death", victim_id=serious.id,
        died_at="2026-11-20T09:00:00+07:00")  # fmt: skip
    html = signed_in(world.ent.username).get(f"/reports/{world.report.id}").get_data(as_text=True)
    assert "Số liệu hiện tại khác với báo cáo đã nộp" in html
    assert 'data-differs="deaths"' in html
    assert 'id="action-submit"' in html
    assert 'value="100"' in html  # the correction starts from the figures filed


def test_the_inspector_sees_counts_and_returns_with_a_reason(signed_in, world):
    act(world.report, world.ent, "submit",
        figures={"workers": 100, "female_workers": 30, "wage_fund_vnd": 10**9})  # fmt: skip
    client = signed_in(world.insp.username)
    listing = client.get("/reports/?period=2026-H1").get_data(as_text=True)
    # The two enterprises with an account; the report of `other` is not filed and overdue.
    assert re.search(r'data-count="filed">1<', listing)
    assert re.search(r'data-count="not_filed">1<', listing)
    assert re.search(r'data-count="overdue" class="overdue">1<', listing)
    url = f"/reports/{world.report.id}"
    html = client.get(url).get_data(as_text=True)
    assert 'id="action-accept"' in html and 'id="action-send_back"' in html
    token = csrf_token_from(html)
    version = db.session.get(Case, world.report.id).version
    refused = client.post(f"{url}/actions/send_back", data={"csrf_token": token,
                                                            "version": str(version)})  # fmt: skip
    assert refused.status_code == 422
    returned = client.post(
        f"{url}/actions/send_back",
        data={"csrf_token": token, "version": str(version), "send_back-reason": "Thiếu số liệu"},
    )
    assert returned.status_code == 302
    page = signed_in(world.ent.username).get(url).get_data(as_text=True)
    assert "Thiếu số liệu" in page and 'id="action-submit"' in page


def test_another_enterprise_gets_404_and_files_download(signed_in, world):
    outsider = signed_in(world.other.username)
    assert outsider.get(f"/reports/{world.report.id}").status_code == 404
    assert outsider.get(f"/reports/{world.report.id}.xlsx").status_code == 404
    own = signed_in(world.ent.username)
    pdf = own.get(f"/reports/{world.report.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert own.get(f"/reports/{world.report.id}.xlsx").data[:2] == b"PK"
    # The generic case page sends a report to its own page.
    moved = own.get(f"/cases/{world.report.id}")
    assert moved.status_code == 302 and moved.location.endswith(f"/reports/{world.report.id}")


def test_insurance_has_no_report_pages(signed_in, world):
    assert signed_in(make_user("insurance").username).get("/reports/").status_code == 403
