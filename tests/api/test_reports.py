"""Statutory periodic reports through the API (issue #11): opening a period, filing, returning,
accepting, correcting; who sees which report; the frozen totals; the PDF and XLSX.

Expected figures are counted by hand from the declarations each test makes, never through
``app.services.statistics``.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.models import Case, Task
from app.services.report_files import report_pdf
from app.services.reports import get_report, report_view
from tests.factories import accident_body, make_enterprise, make_user, victim_body

H1_ACCIDENT = "2026-03-10T08:30:00+07:00"  # in 2026-H1 (1 January – 30 June)
LATER_ACCIDENT = "2026-08-01T08:30:00+07:00"  # in 2026 but not in its first half
FIGURES = {"workers": 250, "female_workers": 80, "wage_fund_vnd": 30_000_000_000}


def open_h1(api, user) -> dict:
    response = api.post("/reports/open", user, json={"period": "2026-H1"})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def reports_of(api, user, **args) -> list[dict]:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    response = api.get(f"/reports?{query}", user)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def enterprise_report(api, user, **args) -> dict:
    (item,) = [r for r in reports_of(api, user, **args) if r["form"] == "enterprise_accidents"]
    return item


@pytest.fixture
def declared(api, w):
    """In 2026-H1: one accident of the enterprise (a serious and a light victim, one a woman)
    and one of a worker without a labour relation in the commune; in August another of the
    enterprise (outside the half-year)."""
    victims = [victim_body("serious"), victim_body("light", gender="female")]
    accident = api.declared(
        w.ent, accident_body(w.commune.code, occurred_at=H1_ACCIDENT, victims=victims)
    )
    api.declared(
        w.comm,
        accident_body(w.commune.code, occurred_at=H1_ACCIDENT, labour_relation=False),
    )
    api.declared(w.ent, accident_body(w.commune.code, occurred_at=LATER_ACCIDENT))
    return accident


def test_the_whole_lifecycle_open_submit_return_resubmit_accept(api, w, declared):
    # Enterprises with an account: ours and the outsider's; communes with an account: ours
    # (which also has a case without labour relation) and the other one.
    assert open_h1(api, w.insp) == {"opened": 4}
    report = enterprise_report(api, w.ent)
    assert report["period"] == "2026-H1" and report["state"] == "open"
    assert report["due_on"] == "2026-07-04"  # rules report_due.enterprise_accidents.half
    assert report["reporter"]["tax_code"] == "0201234567"

    view = api.get(f"/reports/{report['id']}", w.ent).get_json()
    live = view["live"]
    assert (live["accidents"], live["victims"], live["female_victims"]) == (1, 2, 1)
    assert (live["deaths"], live["serious"], live["fatal_accidents"]) == (0, 1, 0)
    assert live["accidents_2plus_victims"] == 1
    assert view["submitted"] is None and view["shown"] == "live" and view["differs"] == []
    assert view["actions"] == ["submit"]

    filed = api.acted(report["id"], "submit", w.ent, figures=FIGURES)
    assert filed["state"] == "submitted"
    frozen = filed["data"]["submitted"]
    assert frozen["figures"]["workers"] == 250 and frozen["totals"]["victims"] == 2

    api.refused(report["id"], "send_back", w.insp, 422)  # a reason is required
    returned = api.acted(report["id"], "send_back", w.insp, reason="Thiếu quỹ lương")
    assert returned["state"] == "returned"
    assert returned["data"]["returned"]["reason"] == "Thiếu quỹ lương"

    again = api.acted(report["id"], "submit", w.ent, figures={**FIGURES, "workers": 260})
    assert again["state"] == "submitted"
    assert again["data"]["submitted"]["figures"]["workers"] == 260
    assert len(again["data"]["submissions"]) == 2

    accepted = api.acted(report["id"], "accept", w.insp)
    assert accepted["state"] == "accepted" and accepted["data"]["accepted_at"]
    # A correction may be filed after acceptance.
    corrected = api.acted(report["id"], "submit", w.ent, figures=FIGURES)
    assert corrected["state"] == "submitted"

    assert open_h1(api, w.insp) == {"opened": 0}  # idempotent


def test_figures_errors_come_back_per_field_all_at_once(api, w, declared):
    open_h1(api, w.insp)
    report = enterprise_report(api, w.ent)
    body = api.refused(
        report["id"], "submit", w.ent, 422,
        figures={"workers": -1, "female_workers": "nhiều", "wage_fund_vnd": 1},
    )  # fmt: skip
    assert set(body["errors"]) == {"figures.workers", "figures.female_workers"}
    body = api.refused(
        report["id"], "submit", w.ent, 422, figures={**FIGURES, "female_workers": 300}
    )
    assert set(body["errors"]) == {"figures.female_workers"}
    # Every part that exceeds its whole is named in the same answer, not one per attempt.
    body = api.refused(
        report["id"], "submit", w.ent, 422,
        figures={**FIGURES, "female_workers": 300, "exposed_workers": 10,
                 "od_examined_workers": 11, "monitoring_samples": 10, "samples_over_limit": 12},
    )  # fmt: skip
    assert set(body["errors"]) == {
        "figures.female_workers",
        "figures.od_examined_workers",
        "figures.samples_over_limit",
    }
    body = api.refused(report["id"], "submit", w.ent, 422, figures="250")
    assert set(body["errors"]) == {"figures"}


def test_an_annual_report_asks_the_osh_figures(api, w, t):
    t.freeze(t.at(days=60))  # 19/01/2027: the year 2026 has ended
    assert api.post("/reports/open", w.insp, json={"period": "2026"}).status_code == 200
    report = enterprise_report(api, w.ent)
    assert report["due_on"] == "2027-01-09"  # rules report_due.enterprise_accidents.year
    body = api.refused(report["id"], "submit", w.ent, 422, figures=FIGURES)
    assert list(body["errors"]) == ["figures.exposed_workers"]
    osh = {
        "exposed_workers": 40,
        "od_examined_workers": 35,
        "environment_monitored": True,
        "monitoring_date": "2026-09-15",
        "monitoring_samples": 20,
        "samples_over_limit": 2,
    }
    assert api.acted(report["id"], "submit", w.ent, figures={**FIGURES, **osh})["state"] == (
        "submitted"
    )


def test_the_due_day_per_form_and_period_comes_from_the_rules(api, w, t):
    t.freeze(t.at(days=60))
    api.post("/reports/open", w.insp, json={"period": "2026-H1"})
    api.post("/reports/open", w.insp, json={"period": "2026"})
    due = {(r["form"], r["period"]): r["due_on"] for r in reports_of(api, w.insp, per_page=100)}
    assert due[("enterprise_accidents", "2026-H1")] == "2026-07-04"
    assert due[("enterprise_accidents", "2026")] == "2027-01-09"
    assert due[("commune_accidents", "2026-H1")] == "2026-07-04"
    assert due[("commune_accidents", "2026")] == "2027-01-04"
    case = db.session.get(Case, enterprise_report(api, w.ent, period="2026")["id"])
    (deadline,) = case.deadlines
    assert deadline.name == "report_due"
    assert deadline.due_at.astimezone(t.VN).date() == date(2027, 1, 9)


def test_opening_refuses_a_bad_or_unfinished_period_and_other_roles(api, w):
    for user in (w.ent, w.comm, w.union, w.insurance):
        assert api.post("/reports/open", user, json={"period": "2026-H1"}).status_code == 403
    bad = api.post("/reports/open", w.insp, json={"period": "2026-H2"})
    assert bad.status_code == 422 and "period" in bad.get_json()["errors"]
    running = api.post("/reports/open", w.admin, json={"period": "2026"})
    assert running.status_code == 422
    assert "kỳ báo cáo chưa kết thúc" in running.get_json()["errors"]["period"][0]
    assert db.session.query(Case).filter_by(kind="report").count() == 0
    assert api.post("/reports/open", w.admin, json={"period": "2026-H1"}).status_code == 200


def test_who_sees_and_files_which_report(api, w, declared):
    open_h1(api, w.insp)
    own = enterprise_report(api, w.ent)
    path = f"/reports/{own['id']}"
    # The other enterprise sees its own report only, never ours, and cannot file ours.
    assert [r["form"] for r in reports_of(api, w.other_ent)] == ["enterprise_accidents"]
    assert api.get(path, w.other_ent).status_code == 404
    assert api.get(path + ".pdf", w.other_ent).status_code == 404
    api.refused(own["id"], "submit", w.other_ent, 404, figures=FIGURES)
    # The commune sees its own report and the enterprises' of its commune; it files only its own.
    forms = sorted(r["form"] for r in reports_of(api, w.comm))
    assert forms == ["commune_accidents", "enterprise_accidents"]
    api.refused(own["id"], "submit", w.comm, 409, figures=FIGURES)
    commune_report = next(r for r in reports_of(api, w.comm) if r["form"] == "commune_accidents")
    api.refused(commune_report["id"], "submit", w.ent, 404, figures=FIGURES)
    assert api.get(f"/reports/{commune_report['id']}", w.other_comm).status_code == 404
    # The grassroots union sees its enterprise's report; the city union sees all four.
    assert [r["id"] for r in reports_of(api, w.union)] == [own["id"]]
    assert len(reports_of(api, make_user("union"))) == 4
    assert api.get("/reports", w.insurance).status_code == 403
    # The commune's report counts the case without labour relation, none of the enterprise's.
    live = api.get(f"/reports/{commune_report['id']}", w.comm).get_json()["live"]
    assert (live["accidents"], live["victims"]) == (1, 1)
    api.acted(commune_report["id"], "submit", w.comm, figures=FIGURES)


def test_a_frozen_report_keeps_its_totals_and_flags_what_differs(api, w, declared):
    open_h1(api, w.insp)
    report = enterprise_report(api, w.ent)
    api.acted(report["id"], "submit", w.ent, figures=FIGURES)
    serious = next(v for v in declared["victims"] if v["outcome"] == "serious")
    api.acted(
        declared["id"], "record_death", w.insp,
        victim_id=serious["id"], died_at="2026-11-20T09:00:00+07:00",
    )  # fmt: skip
    view = api.get(f"/reports/{report['id']}", w.ent).get_json()
    assert view["submitted"]["totals"]["deaths"] == 0
    assert view["submitted"]["totals"]["serious"] == 1
    assert view["totals"] == view["submitted"]["totals"] and view["shown"] == "submitted"
    assert (view["live"]["deaths"], view["live"]["serious"]) == (1, 0)
    assert set(view["differs"]) == {"fatal_accidents", "deaths", "serious"}
    assert "submit" in view["actions"]  # the reporter may file a correction


def test_the_pdf_and_the_xlsx_carry_the_json_totals(api, w, declared):
    open_h1(api, w.insp)
    report = enterprise_report(api, w.ent)
    api.acted(report["id"], "submit", w.ent, figures=FIGURES)
    view = api.get(f"/reports/{report['id']}", w.ent).get_json()
    totals = view["totals"]
    expected = {
        "Số vụ tai nạn lao động": totals["accidents"],
        "Số người bị nạn": totals["victims"],
        "Số lao động nữ bị nạn": totals["female_victims"],
        "Số người chết": totals["deaths"],
        "Số người bị thương nặng": totals["serious"],
        "Tổng số lao động": 250,
    }

    pdf = api.get(f"/reports/{report['id']}.pdf", w.ent)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Type"] == "application/pdf"
    lines = report_pdf(report_view(w.ent, get_report(w.ent, report["id"]))).lines
    assert "Báo cáo tổng hợp tình hình tai nạn lao động" in " ".join(lines)
    assert "Phụ lục XII" in " ".join(lines)
    for label, value in expected.items():
        at = lines.index(label)
        assert lines[at + 1] == str(value), label

    xlsx = api.get(f"/reports/{report['id']}.xlsx", w.ent)
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    cells = {}
    for row in sheet.iter_rows(values_only=True):
        if row and row[0] is not None and row[0] not in cells:
            cells[row[0]] = row[1]
    for label, value in expected.items():
        assert cells[label] == value, label
    assert cells["Số liệu"].startswith("Số liệu đã nộp")

    # Nothing that names or identifies a victim, nor medical detail, in either file.
    text = " ".join(lines) + " ".join(str(c) for r in sheet.iter_rows(values_only=True) for c in r)
    for victim in declared["victims"]:
        assert victim["full_name"] not in text
    assert "Gãy xương" not in text


def test_the_list_pages_and_counts_filed_not_filed_overdue(api, w, declared):
    open_h1(api, w.insp)
    api.acted(enterprise_report(api, w.ent)["id"], "submit", w.ent, figures=FIGURES)
    body = api.get("/reports?period=2026-H1&per_page=3", w.insp).get_json()
    assert body["total"] == 4 and len(body["items"]) == 3 and body["next_cursor"]
    # All due 04/07/2026, today 20/11/2026: the three not filed are overdue.
    assert body["counts"] == {"filed": 1, "not_filed": 3, "overdue": 3}
    rest = api.get(f"/reports?period=2026-H1&per_page=3&cursor={body['next_cursor']}", w.insp)
    rest = rest.get_json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    ids = [r["id"] for r in body["items"] + rest["items"]]
    assert len(set(ids)) == 4
    submitted = reports_of(api, w.insp, state="submitted")
    assert [r["state"] for r in submitted] == ["submitted"]
    assert reports_of(api, w.insp, period="2025") == []
    for query in ("period=2026-H3", "state=lost", "per_page=0", "cursor=zzz"):
        assert api.get(f"/reports?{query}", w.insp).status_code == 422, query


def test_an_overdue_report_reminds_the_reporter_and_escalates_to_the_inspector(api, w, t):
    from app.jobs.deadlines import scan
    from app.models import OutboxMessage

    open_h1(api, w.insp)
    report = enterprise_report(api, w.ent)
    task = db.session.query(Task).filter_by(case_id=report["id"], closed_at=None).one()
    assert task.role == "enterprise" and task.deadline == "report_due"
    result = scan()
    assert result.overdue >= 1 and result.escalated >= 1
    events = {
        (m.event, tuple(m.roles))
        for m in db.session.query(OutboxMessage).filter_by(case_id=report["id"])
    }
    assert ("task.overdue", ("enterprise",)) in events
    assert ("task.escalated", ("inspector",)) in events
    api.acted(report["id"], "submit", w.ent, figures=FIGURES)
    db.session.expire_all()
    assert db.session.get(Task, task.id).closed_at is not None


def test_a_commune_with_neither_account_nor_case_and_an_idle_enterprise_are_not_asked(api, w):
    make_enterprise()  # in the register, no account, no accident
    open_h1(api, w.insp)
    names = {r["reporter"]["name"] for r in reports_of(api, w.insp, per_page=100)}
    assert w.enterprise.name in names and w.commune.name in names
    assert len(names) == 4
