"""Smoke check of the statistics core on one small city (the full suite is in this package)."""

from datetime import date

from app.services.statistics import Query, figures_for
from tests.factories import make_accident, make_enterprise, make_user


def test_one_accident_with_two_victims_one_dead(app, declaration_day):
    enterprise = make_enterprise(workers=500)
    user = make_user("enterprise", enterprise_id=enterprise.id)
    make_accident(user, outcomes=("death", "serious"))
    year = declaration_day.year
    figures = figures_for(Query(date(year, 1, 1), date(year, 12, 31)))
    assert figures["accidents"] == 1
    assert figures["fatal_accidents"] == 1
    assert figures["accidents_2plus_victims"] == 1
    assert figures["victims"] == 2 and figures["deaths"] == 1 and figures["serious"] == 1
    assert figures["workers"] == 500
    assert figures["k"] == 4.0 and figures["k_fatal"] == 2.0
    assert figures["with_labour_relation"]["victims"] == 2
    assert figures["without_labour_relation"]["victims"] == 0
    ages = {item["key"]: item["victims"] for item in figures["by"]["age_band"]}
    assert sum(ages.values()) == 2
