"""The accident figures through ``GET /api/v1/statistics/accidents``, against numbers worked
out by hand from the city of ``tests/statistics/city.py`` (its table says which case counts
where)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.services.statistics import report_totals
from tests.api.case_api import Api
from tests.statistics.city import people_named

YEAR = {"from": "2026-01-01", "to": "31/12/2026"}
M = 1_000_000


@pytest.fixture
def api(client):
    return Api(client)


def figures(api, user, **args):
    response = api.get("/statistics/accidents", user, query_string=args)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def by(answer, dimension) -> dict[str, tuple[int, int, int]]:
    return {i["key"]: (i["accidents"], i["victims"], i["deaths"]) for i in answer["by"][dimension]}


def block(accidents, fatal, two_plus, victims, female, deaths, serious, days_off,
          medical=0, wages=0, compensation=0, property_damage=0) -> dict:  # fmt: skip
    return {
        "accidents": accidents,
        "fatal_accidents": fatal,
        "accidents_2plus_victims": two_plus,
        "victims": victims,
        "female_victims": female,
        "deaths": deaths,
        "serious": serious,
        "days_off": days_off,
        "costs_vnd": {
            "medical": medical,
            "wages": wages,
            "compensation": compensation,
            "total": medical + wages + compensation,
        },
        "property_damage_vnd": property_damage,
    }


# a1, b2, a5, a7 with a labour relation; a6 without (see conftest's table).
WITH = block(4, 1, 2, 6, 1, 1, 2, 40, 9 * M, 2 * M, 10 * M, 70 * M)
WITHOUT = block(1, 0, 0, 1, 1, 0, 1, 5)
TOTAL = block(5, 1, 2, 7, 2, 1, 3, 45, 9 * M, 2 * M, 10 * M, 70 * M)


def test_each_count_of_the_year_for_the_inspector(api, city):
    answer = figures(api, city.insp, **YEAR)
    assert {k: answer[k] for k in TOTAL} == TOTAL
    # Each block also carries the workforce behind K: the enterprises' for the block with a
    # labour relation (6 victims, 1 death over 1,000 workers), none for the one without.
    assert answer["with_labour_relation"] == {**WITH, "workers": 1000, "k": 6.0, "k_fatal": 1.0}
    assert answer["without_labour_relation"] == {**WITHOUT, "workers": 0, "k": None,
                                                 "k_fatal": None}  # fmt: skip
    assert (answer["from"], answer["to"]) == ("2026-01-01", "2026-12-31")
    # K = victims ÷ workers × 1,000 over E1 (400) and E2 (600) (contract.md: every victim);
    # the block with a labour relation has the workforce's own K (a6's victim is not in it).
    assert answer["workers"] == 1000
    assert answer["k"] == 7.0 and answer["k_fatal"] == 1.0


def test_breakdowns_use_the_industry_copied_at_declaration(api, city):
    answer = figures(api, city.insp, **YEAR)
    # a1 keeps C25 although E1 is C10 now; a7, declared after, is C10; a6 has no employer.
    assert by(answer, "industry") == {
        "C25": (1, 2, 0), "F41": (2, 3, 1), "C10": (1, 1, 0), "": (1, 1, 0),
    }  # fmt: skip
    assert by(answer, "commune") == {city.x.code: (3, 4, 0), city.y.code: (2, 3, 1)}
    assert by(answer, "gender") == {"female": (2, 2, 0), "male": (4, 5, 1)}
    # The factories declare every victim as occupation 72 (metal workers); a1's is set to 7212.
    assert by(answer, "occupation") == {"7212": (1, 1, 0), "72": (5, 6, 1)}
    assert by(answer, "cause") == {"NN01": (1, 2, 0), "": (4, 5, 1)}
    assert sum(v for _, v, _ in by(answer, "age_band").values()) == 7
    labels = {i["key"]: i["label"] for i in answer["by"]["commune"]}
    assert labels[city.x.code] == city.x.name


def test_industry_filter_section_and_division(api, city):
    assert figures(api, city.insp, **YEAR, industry="C25")["accidents"] == 1
    assert figures(api, city.insp, **YEAR, industry="c")["accidents"] == 2  # a1 and a7
    assert figures(api, city.insp, **YEAR, industry="F41")["victims"] == 3


def test_period_boundary_is_midnight_vietnam_time(api, city):
    last_year = figures(api, city.insp, **{"from": "01/01/2025", "to": "31/12/2025"})
    assert (last_year["accidents"], last_year["deaths"]) == (1, 1)  # b1 at 23:59 on 31/12
    new_year = figures(api, city.insp, **{"from": "2026-01-01", "to": "2026-01-01"})
    # b2 at 00:00 on 1/1 local — 17:00 on 31/12 in UTC — is 2026's.
    assert (new_year["accidents"], new_year["victims"], new_year["serious"]) == (1, 1, 1)


def test_a_death_recorded_after_the_period_counts_as_a_death(api, city):
    half = figures(api, city.insp, **{"from": "2026-01-01", "to": "2026-06-30"})
    # a1, b2 and a5; a5's victim died on 15/07, after the half-year.
    assert (half["accidents"], half["victims"], half["deaths"], half["fatal_accidents"]) == (
        3, 5, 1, 1,
    )  # fmt: skip
    assert half["serious"] == 2  # a1's and b2's; a5's is a death now


def test_defaults_are_this_year_to_today_in_vietnam(api, city, frozen):
    answer = figures(api, city.insp)
    assert (answer["from"], answer["to"]) == ("2026-01-01", "2026-11-20")
    assert answer["accidents"] == 5
    from datetime import UTC, datetime

    frozen(datetime(2026, 12, 31, 17, 30, tzinfo=UTC))  # 00:30 on 1/1/2027 in Vietnam
    answer = figures(api, city.insp)
    assert (answer["from"], answer["to"]) == ("2027-01-01", "2027-01-01")
    assert answer["accidents"] == 0


def test_labour_relation_filter(api, city):
    without = figures(api, city.insp, **YEAR, labour_relation="false")
    assert without["accidents"] == 1
    assert {k: without["without_labour_relation"][k] for k in WITHOUT} == WITHOUT
    assert without["workers"] == 0 and without["k"] is None
    with_relation = figures(api, city.insp, **YEAR, labour_relation="1")
    assert with_relation["accidents"] == 4


ROLE_VIEWS = {
    # role → (accidents, victims, deaths, workers, k)
    "ent1": (2, 3, 0, 400, 7.5),  # a1, a7
    "ent2": (2, 3, 1, 600, 5.0),  # b2, a5
    "union2": (2, 3, 1, 600, 5.0),
    "comm_x": (3, 4, 0, 400, 10.0),  # a1, a6, a7; E1's workforce
    "comm_y": (2, 3, 1, 600, 5.0),
    "city_union": (5, 7, 1, 1000, 7.0),
    "insurance": (0, 0, 0, 0, None),
}


@pytest.mark.parametrize("who", ROLE_VIEWS)
def test_each_role_counts_only_its_scope(api, city, who):
    answer = figures(api, getattr(city, who), **YEAR)
    seen = (answer["accidents"], answer["victims"], answer["deaths"], answer["workers"],
            answer["k"])  # fmt: skip
    assert seen == ROLE_VIEWS[who]


def test_filters_outside_the_callers_scope_give_zeros(api, city):
    assert figures(api, city.ent1, **YEAR, enterprise=city.e2.tax_code)["accidents"] == 0
    assert figures(api, city.ent1, **YEAR, enterprise=str(city.e2.id))["workers"] == 0
    assert figures(api, city.comm_x, **YEAR, commune=city.y.code)["accidents"] == 0
    # An unregistered tax code reads exactly as another tenant's.
    assert figures(api, city.ent1, **YEAR, enterprise="0999999999")["accidents"] == 0
    # Within scope the filter works.
    assert figures(api, city.insp, **YEAR, enterprise=city.e1.tax_code)["accidents"] == 2
    assert figures(api, city.comm_x, **YEAR, enterprise=str(city.e1.id))["victims"] == 3


def test_the_administrator_has_no_statistics(api, city):
    assert api.get("/statistics/accidents", city.admin).status_code == 403


def test_no_statistic_names_a_victim(api, city):
    secrets = people_named(city)
    for user in (city.insp, city.ent1, city.comm_x, city.city_union):
        for path in ("/statistics/accidents", "/statistics/accidents.csv",
                     "/statistics/diseases", "/statistics/incidents"):  # fmt: skip
            body = api.get(path, user, query_string=YEAR).get_data(as_text=True)
            assert not [s for s in secrets if s in body], (path, user.role)


def test_a_communes_case_is_in_no_enterprises_report(app, city):
    def report(**fields):
        return SimpleNamespace(code="R", data={"period": "2026", **fields.pop("data")}, **fields)

    e1 = report_totals(report(data={"form": "enterprise_accidents"}, enterprise_id=city.e1.id,
                              commune_code=city.x.code))  # fmt: skip
    assert (e1["accidents"], e1["victims"], e1["female_victims"]) == (2, 3, 1)  # a1, a7
    commune = report_totals(report(data={"form": "commune_accidents"}, enterprise_id=None,
                                   commune_code=city.x.code))  # fmt: skip
    assert (commune["accidents"], commune["victims"], commune["days_off"]) == (1, 1, 5)  # a6
