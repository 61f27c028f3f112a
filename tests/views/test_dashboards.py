"""Home dashboards, the tracker page and the process page, rendered as a person would get them."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from app.extensions import db
from tests.factories import act, head, make_commune, make_enterprise, make_user
from tests.statistics.tracker_data import accident_on, filed_report, vn


@pytest.fixture
def city(app, declaration_day):
    """Today is 20/11/2026. Enterprise A: two accidents this year before today (one death,
    one serious + one light), one last year before 20/11 (one death) and one last year after
    (not in the same period). Enterprise B: one accident this year (one serious). A's 2026
    half-year report is open and overdue; B's is returned."""
    commune = make_commune(name="Phường Lê Chân")
    a = make_enterprise(commune, name="Công ty Đóng tàu An", tax_code="0211111111", workers=400)
    b = make_enterprise(commune, name="Công ty May Bình", tax_code="0222222222", workers=600)
    ent_a = make_user("enterprise", enterprise=a)
    ent_b = make_user("enterprise", enterprise=b)
    first = accident_on(ent_a, vn(2026, 2, 10), ("death",))
    second = accident_on(ent_a, vn(2026, 7, 1), ("serious", "light"))
    accident_on(ent_a, vn(2025, 5, 1), ("death",))
    accident_on(ent_a, vn(2025, 12, 1), ("serious",))
    accident_on(ent_b, vn(2026, 9, 9), ("serious",))
    open_report = filed_report(a, 2026, "open")
    open_report.data = {**open_report.data, "period": "2026-H1", "due_on": "2026-07-04"}
    returned = filed_report(b, 2026, "returned")
    returned.data = {**returned.data, "period": "2026-H1", "due_on": "2026-12-04"}
    db.session.commit()
    return SimpleNamespace(a=a, b=b, ent_a=ent_a, ent_b=ent_b, first=first, second=second,
                           insp=make_user("inspector"), open_report=open_report,
                           returned=returned)  # fmt: skip


def text_of(page: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}"[^>]*>([^<]*)<', page)
    assert match, testid
    return match.group(1).strip()


def test_the_inspector_sees_the_city_this_year_against_last(city, signed_in):
    page = signed_in(city.insp.username).get("/").get_data(as_text=True)
    assert 'data-testid="city-dashboard"' in page
    # This year to 20/11: A's two and B's one: 3 accidents, 4 victims, 1 death; last year to
    # 20/11: A's May accident only.
    assert text_of(page, "accidents-this") == "3" and text_of(page, "accidents-last") == "1"
    assert text_of(page, "victims-this") == "4" and text_of(page, "victims-last") == "1"
    assert text_of(page, "deaths-this") == "1" and text_of(page, "deaths-last") == "1"
    # The three targets, open cases by stage, reports not filed (one overdue).
    assert page.count('data-target="') == 3
    assert 'data-stage="accident:declared"' in page
    assert text_of(page, "unfiled-count") == "2"
    assert "1 quá hạn" in page
    assert city.open_report.code in page and city.returned.code in page
    assert 'data-testid="trend"' in page and 'data-chart="bar"' in page
    assert "vendor/chartjs/chart.umd.min.js" in page


def test_the_inspector_sees_overdue_steps(city, signed_in, frozen):
    from datetime import timedelta

    from tests.factories import NOW

    frozen(NOW + timedelta(days=3))  # every accident's 2-hour scene arrival is long past
    page = signed_in(city.insp.username).get("/").get_data(as_text=True)
    assert int(text_of(page, "overdue-count")) >= 1
    assert "Có mặt tại hiện trường" in page


def test_an_enterprise_sees_its_own_figures_reports_and_tasks(city, signed_in):
    page = signed_in(city.ent_a.username).get("/").get_data(as_text=True)
    assert 'data-testid="enterprise-dashboard"' in page
    assert 'data-testid="city-dashboard"' not in page
    assert text_of(page, "accidents-this") == "2" and text_of(page, "accidents-last") == "1"
    assert text_of(page, "victims-this") == "3" and text_of(page, "deaths-this") == "1"
    assert city.open_report.code in page
    assert city.returned.code not in page  # B's report
    assert "quá hạn 139" in page  # due 04/07, today 20/11
    assert city.second.code in page  # its open task: its own investigation
    assert "Công ty May Bình" not in page


def test_no_victim_is_named_on_a_dashboard(city, signed_in):
    from app.models import Victim

    names = [v.full_name for v in Victim.query.all()]
    assert len(names) == 6
    for user in (city.insp, city.ent_a):
        page = signed_in(user.username).get("/").get_data(as_text=True)
        for name in names:
            assert name not in page


def test_other_roles_keep_their_home_page(city, signed_in):
    union = make_user("union", enterprise=city.a)
    page = signed_in(union.username).get("/").get_data(as_text=True)
    assert 'data-testid="username"' in page and "dashboard" not in page


def test_the_city_union_sees_the_city_without_the_inspectorates_quick_reports(city, signed_in):
    union = make_user("union")  # the city federation: no enterprise
    page = signed_in(union.username).get("/").get_data(as_text=True)
    assert 'data-testid="city-dashboard"' in page
    assert text_of(page, "accidents-this") == "3"  # the same city as the inspector's
    assert 'data-testid="quick-count"' not in page


def test_a_commune_sees_its_area_and_the_reports_it_files_itself(city, signed_in):
    commune = make_user("commune", commune_code=city.a.commune_code)
    # A worker without a labour relation hurt in the commune on 03/03/2026.
    accident_on(commune, vn(2026, 3, 3), ("serious",))
    own = filed_report(city.a, 2026, "open")  # reshaped below into the commune's own report
    own.enterprise_id = None
    own.data = {**own.data, "form": "commune_accidents", "period": "2026-H1",
                "due_on": "2026-07-04"}  # fmt: skip
    db.session.commit()
    page = signed_in(commune.username).get("/").get_data(as_text=True)
    assert 'data-testid="enterprise-dashboard"' in page
    assert "Tình hình trên địa bàn từ đầu năm" in page
    # This year in the commune: A's two, B's one (same commune) and the worker's: 4 accidents.
    assert text_of(page, "accidents-this") == "4"
    # The commune owes its own report only, not the enterprises' in its area.
    assert own.code in page
    assert city.open_report.code not in page and city.returned.code not in page


def test_the_tracker_page_shows_the_targets_and_the_monthly_chart(city, signed_in):
    filed_report(city.a, 2024, od_examined_workers=100)
    filed_report(city.a, 2025, od_examined_workers=110)
    client = signed_in(city.insp.username)
    page = client.get("/statistics/targets?year=2025").get_data(as_text=True)
    assert page.count('data-target="') == 3
    od = page.split('data-target="od_examinations"')[1].split("</tr>")[0]
    assert "+10,0 %" in od and "Đạt" in od
    assert 'data-testid="months"' in page
    assert client.get("/statistics/targets?year=abc").status_code == 422


def test_the_tracker_page_is_the_citys(city, signed_in):
    assert signed_in(city.ent_a.username).get("/statistics/targets").status_code == 403


def test_the_process_page(city, signed_in):
    team = {"team": head(organisation="employer"), "needs_technical_exam": False}
    act(city.second, city.ent_a, "open_investigation", **team)
    client = signed_in(city.insp.username)
    page = client.get("/statistics/process?from=2026-01-01&to=2026-11-20").get_data(as_text=True)
    assert 'data-measure="reporting_lag"' in page and 'data-testid="late"' in page
    bad = client.get("/statistics/process?from=2026-99-01")
    assert bad.status_code == 422 and 'id="f-from-error"' in bad.get_data(as_text=True)
    own = signed_in(city.ent_b.username).get("/statistics/process").get_data(as_text=True)
    assert "Công ty Đóng tàu An" not in own
    assert signed_in(make_user("commune").username).get("/statistics/process").status_code == 403


def test_the_inspector_sees_the_accidents_needing_a_quick_report(city, signed_in):
    from app.models import Victim

    # Today is 20/11/2026 10:00 Vietnam time; the list covers declarations since 21/10 10:00.
    fatal = accident_on(city.ent_a, vn(2026, 11, 5), ("death", "light"))
    two_serious = accident_on(city.ent_b, vn(2026, 11, 19), ("serious", "serious"))
    one_serious = accident_on(city.ent_b, vn(2026, 11, 10), ("serious", "light"))
    died_later = accident_on(city.ent_a, vn(2026, 11, 12), ("serious",))
    too_old = accident_on(city.ent_a, vn(2026, 10, 15), ("death",))
    act(died_later, city.ent_a, "record_death", victim_id=died_later.victims[0].id,
        died_at=vn(2026, 11, 15).isoformat())  # fmt: skip
    page = signed_in(city.insp.username).get("/").get_data(as_text=True)
    assert text_of(page, "quick-count") == "3"
    listed = re.findall(r'data-quick="([^"]+)"', page)
    assert listed == [two_serious.code, died_later.code, fatal.code]  # newest declared first
    for case in (one_serious, too_old, city.first):
        assert case.code not in listed
    assert f"/cases/{fatal.id}/papers/quick_report.pdf" in page
    for victim in Victim.query.all():
        assert victim.full_name not in page
    own = signed_in(city.ent_a.username).get("/").get_data(as_text=True)
    assert "quick_report" not in own and 'data-testid="quick-reports"' not in own
