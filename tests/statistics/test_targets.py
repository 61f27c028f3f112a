"""The directive tracker: values computed here from the cases and reports each test makes."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.api.case_api import Api
from tests.factories import make_commune, make_enterprise, make_user
from tests.statistics.tracker_data import accident_on, filed_report, vn


@pytest.fixture
def city(app, declaration_day):
    """Two enterprises, their officers, a commune officer and the city's roles; today is
    20/11/2026, so 2025 is a finished year."""
    commune = make_commune()
    a = make_enterprise(commune, workers=1000)
    b = make_enterprise(commune, workers=1000)
    return SimpleNamespace(
        a=a,
        b=b,
        ent_a=make_user("enterprise", enterprise=a),
        ent_b=make_user("enterprise", enterprise=b),
        comm=make_user("commune", commune=commune),
        insp=make_user("inspector"),
        admin=make_user("admin"),
        city_union=make_user("union"),
        union_a=make_user("union", enterprise=a),
        insurance=make_user("insurance"),
    )


@pytest.fixture
def api(client):
    return Api(client)


def by_target(items):
    return {item["target"]: item for item in items}


def test_a_finished_year_against_the_year_before(city, api):
    # 2024: three deaths, 2,000 workers reported; 100 examined; both monitored.
    accident_on(city.ent_a, vn(2024, 3, 10), ("death", "death"))
    accident_on(city.ent_b, vn(2024, 8, 1), ("death", "serious"))
    filed_report(city.a, 2024, workers=1000, od_examined_workers=60, environment_monitored=True)
    filed_report(city.b, 2024, workers=1000, od_examined_workers=40, environment_monitored=True)
    # 2025: two deaths (one a month before New Year's midnight), 2,000 workers; 110 examined;
    # one monitored. A commune's death without a labour relation is not the fatal rate's.
    accident_on(city.ent_a, vn(2025, 12, 31, 23), ("death",))
    accident_on(city.ent_b, vn(2025, 5, 5), ("death", "light"))
    accident_on(city.comm, vn(2025, 6, 6), ("death",))
    filed_report(city.a, 2025, workers=1200, od_examined_workers=70, environment_monitored=True)
    filed_report(city.b, 2025, "submitted", workers=800, od_examined_workers=40,
                 environment_monitored=False)  # fmt: skip
    # A report sent back is not filed; a half-year report is not the annual one.
    filed_report(city.b, 2025, "returned", od_examined_workers=999)

    response = api.get("/statistics/targets?year=2025", city.insp)
    assert response.status_code == 200
    items = by_target(response.get_json())
    assert [i["target"] for i in response.get_json()] == [
        "fatal_rate", "od_examinations", "monitored_workplaces"]  # fmt: skip

    fatal = items["fatal_rate"]
    k_2024 = round(3 / 2000 * 1000, 2)  # 1.5 ‰
    k_2025 = round(2 / 2000 * 1000, 2)  # 1.0 ‰
    assert (fatal["baseline_year"], fatal["baseline"], fatal["value"]) == (2024, k_2024, k_2025)
    assert fatal["change_pct"] == round((k_2025 - k_2024) * 100 / k_2024, 1) == -33.3
    assert fatal["goal_pct"] == -4.0
    assert fatal["status"] == "met"
    assert fatal["projection"] is None

    od = items["od_examinations"]
    assert (od["baseline"], od["value"], od["change_pct"]) == (100, 110, 10.0)
    assert od["goal_pct"] == 5.0 and od["status"] == "met" and od["projection"] is None

    monitored = items["monitored_workplaces"]
    assert (monitored["baseline"], monitored["value"], monitored["change_pct"]) == (2, 1, -50.0)
    assert monitored["status"] == "off_track"


def test_a_year_without_figures_has_no_data(city, api):
    items = by_target(api.get("/statistics/targets?year=2025", city.insp).get_json())
    for item in items.values():
        assert item["status"] == "no_data"
        assert item["change_pct"] is None


def test_a_goal_changed_in_the_rules_table_is_used(city, api):
    from datetime import date

    from app.extensions import db
    from app.models import RuleValue

    db.session.add(RuleValue(key="target.od_examinations_pct", valid_from=date(2025, 1, 1),
                             value="15"))  # fmt: skip
    db.session.commit()
    filed_report(city.a, 2024, od_examined_workers=100)
    filed_report(city.a, 2025, od_examined_workers=110)
    od = by_target(api.get("/statistics/targets?year=2025", city.insp).get_json())[
        "od_examinations"
    ]
    assert od["goal_pct"] == 15.0 and od["change_pct"] == 10.0 and od["status"] == "off_track"


def test_the_running_year_is_judged_by_its_projection(city, api):
    # A steady history: one death every month from 2024 on, the workforce 2,000 registered.
    for year, last in ((2024, 12), (2025, 12), (2026, 10)):
        for month in range(1, last + 1):
            accident_on(city.ent_a if month % 2 else city.ent_b, vn(year, month, 15), ("death",))
    response = api.get("/statistics/targets", city.insp)  # the running year by default
    fatal = by_target(response.get_json())["fatal_rate"]
    assert fatal["baseline_year"] == 2025
    assert fatal["baseline"] == round(12 / 2000 * 1000, 2)
    assert fatal["value"] == round(10 / 2000 * 1000, 2)  # so far
    projection = fatal["projection"]
    assert projection["low"] <= projection["value"] <= projection["high"]
    # Ten deaths observed and about one a month to come: near 12 at year end.
    assert 10.5 / 2000 * 1000 <= projection["value"] <= 14 / 2000 * 1000
    assert projection["low"] >= 10 / 2000 * 1000
    projected_change = round((projection["value"] - fatal["baseline"]) * 100 / fatal["baseline"], 1)
    assert fatal["status"] == ("on_track" if projected_change <= -4 else "off_track")
    others = by_target(response.get_json())
    assert others["od_examinations"]["projection"] is None
    assert others["od_examinations"]["status"] == "no_data"


@pytest.mark.parametrize("who, status", [
    ("insp", 200), ("admin", 200), ("city_union", 200),
    ("ent_a", 403), ("union_a", 403), ("comm", 403), ("insurance", 403),
])  # fmt: skip
def test_only_the_city_sees_the_targets(city, api, who, status):
    assert api.get("/statistics/targets?year=2025", getattr(city, who)).status_code == status


# 2001 and 2015 were 500s (schemathesis): no goal is in force before 2016 (rules target.*);
# "²" is a digit to str.isdigit, not to int().
@pytest.mark.parametrize("year", ["1999", "2001", "2015", "2027", "abc", "2025.0", "%C2%B2"])
def test_a_bad_year_is_refused_per_field(city, api, year):
    response = api.get(f"/statistics/targets?year={year}", city.insp)
    assert response.status_code == 422
    assert response.get_json()["errors"]["year"] == ["Năm phải từ 2016 đến 2026."]


def test_the_first_year_with_every_goal_is_tracked(city, api):
    response = api.get("/statistics/targets?year=2016", city.insp)
    assert response.status_code == 200
    assert {item["baseline_year"] for item in response.get_json()} == {2015}


def test_the_enterprise_is_refused_before_its_input_is_read(city, api):
    assert api.get("/statistics/targets?year=abc", city.ent_a).status_code == 403
