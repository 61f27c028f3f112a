"""Process analytics on hand-made timelines: each step fired at a known (frozen) moment."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from app import clock
from app.models import CaseDeadline
from tests.api.case_api import Api
from tests.factories import act, head, make_enterprise, make_user
from tests.statistics.tracker_data import vn


@pytest.fixture
def api(client):
    return Api(client)


def declare(user, occurred, declared, outcomes=("serious",)):
    from tests.factories import make_accident

    clock.freeze(declared)
    return make_accident(user, outcomes, occurred_at=occurred.isoformat())


def at(moment, case, user, trigger, **payload):
    clock.freeze(moment)
    return act(case, user, trigger, **payload)


@pytest.fixture
def timelines(app, declaration_day):
    """Three enterprise-level accidents (one serious victim each) in spring 2026:

    | accident | enterprise | occurred | declared | team | announced | paid |
    |---|---|---|---|---|---|---|
    | 1 | E1 (C25) | 01/03 08:00 | 02/03 08:00 (1 d) | 04/03 (2 d) | 06/03 (4 d) | 10/04 (39 d) |
    | 2 | E1 (C25) | 02/04 08:00 | 05/04 08:00 (3 d) | 07/04 (2 d) | — | — |
    | 3 | E2 (F41) | 06/03 08:00 | 06/03 20:00 (0.5 d) | 07/03 08:00 (0.5 d) | — | — |

    Accident 1's claim is assessed on 20/03 and paid on 10/04, after its compensation deadline
    (5 days); accident 3's investigation is still open on 10/04, past its limit.
    """
    e1 = make_enterprise(industry_code="C25", name="Công ty Cơ khí Một", tax_code="0200000001")
    e2 = make_enterprise(industry_code="F41", name="Công ty Xây dựng Hai", tax_code="0200000002")
    ent1 = make_user("enterprise", enterprise=e1)
    ent2 = make_user("enterprise", enterprise=e2)
    team = {"team": head(organisation="employer"), "needs_technical_exam": False}

    one = declare(ent1, vn(2026, 3, 1), vn(2026, 3, 2))
    at(vn(2026, 3, 4), one, ent1, "open_investigation", **team)
    at(
        vn(2026, 3, 5),
        one,
        ent1,
        "conclude",
        is_work_accident=True,
        causes=["Máy"],
        worker_at_fault=False,
        responsibilities="Người sử dụng lao động",
        measures=["Che chắn"],
    )
    at(vn(2026, 3, 6), one, ent1, "announce", meeting_at=vn(2026, 3, 6, 7).isoformat(),
       attendees=[{"name": "Đại diện công đoàn", "organisation": "union"}])  # fmt: skip
    (claim,) = one.children
    at(
        vn(2026, 3, 20),
        claim,
        ent1,
        "refer_for_assessment",
        referred_at=vn(2026, 3, 20, 7).isoformat(),
    )
    at(
        vn(2026, 3, 20, 9),
        claim,
        ent1,
        "record_assessment",
        capacity_loss_pct=25,
        assessed_at=vn(2026, 3, 20, 8).isoformat(),
    )
    at(vn(2026, 4, 10), claim, ent1, "record_payment", amount_vnd=75_000_000,
       paid_at=vn(2026, 4, 10, 7).isoformat())  # fmt: skip

    two = declare(ent1, vn(2026, 4, 2), vn(2026, 4, 5))
    at(vn(2026, 4, 7), two, ent1, "open_investigation", **team)

    three = declare(ent2, vn(2026, 3, 6), vn(2026, 3, 6, 20))
    at(vn(2026, 3, 7), three, ent2, "open_investigation", **team)

    clock.freeze(vn(2026, 4, 10, 12))
    return SimpleNamespace(e1=e1, e2=e2, ent1=ent1, ent2=ent2, one=one, three=three, claim=claim,
                           insp=make_user("inspector"), comm=make_user("commune"))  # fmt: skip


def measure(body, name):
    return next(m for m in body["measures"] if m["measure"] == name)


def group(items, key):
    return next(item for item in items if item["key"] == key)


def p(sorted_values, fraction):
    """percentile_cont, written out: linear between the ranks around (n - 1) × fraction."""
    rank = (len(sorted_values) - 1) * fraction
    low = int(rank)
    high = min(low + 1, len(sorted_values) - 1)
    return round(sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (rank - low), 1)


def test_medians_and_90th_percentiles_overall_by_industry_and_by_enterprise(timelines, api):
    response = api.get("/statistics/process?from=2026-01-01&to=2026-04-10", timelines.insp)
    assert response.status_code == 200
    body = response.get_json()

    lag = measure(body, "reporting_lag")
    assert lag["overall"] == {"n": 3, "median_days": 1.0, "p90_days": p([0.5, 1, 3], 0.9)}
    assert lag["overall"]["p90_days"] == 2.6
    c25 = group(lag["by_industry"], "C25")
    assert (c25["n"], c25["median_days"], c25["p90_days"]) == (2, 2.0, p([1, 3], 0.9))
    e2 = group(lag["by_enterprise"], "0200000002")
    assert (e2["label"], e2["n"], e2["median_days"], e2["p90_days"]) == (
        "Công ty Xây dựng Hai", 1, 0.5, 0.5)  # fmt: skip

    team = measure(body, "to_team")
    assert team["overall"] == {"n": 3, "median_days": 2.0, "p90_days": p([0.5, 2, 2], 0.9)}
    announcement = measure(body, "to_announcement")
    assert announcement["overall"] == {"n": 1, "median_days": 4.0, "p90_days": 4.0}
    paid = measure(body, "to_compensation")
    assert paid["overall"] == {"n": 1, "median_days": 39.0, "p90_days": 39.0}
    decided = measure(body, "to_insurance_decision")
    assert decided["overall"] == {"n": 0, "median_days": None, "p90_days": None}


def test_the_period_is_the_declaration_day_in_vietnam(timelines, api):
    body = api.get("/statistics/process?from=2026-03-03&to=2026-04-10", timelines.insp).get_json()
    assert measure(body, "reporting_lag")["overall"]["n"] == 2  # accident 1 declared on 02/03


def test_the_filters_select_industry_and_enterprise(timelines, api):
    by_industry = api.get("/statistics/process?industry=F", timelines.insp).get_json()
    assert measure(by_industry, "reporting_lag")["overall"]["n"] == 1
    by_enterprise = api.get("/statistics/process?enterprise=0200000001", timelines.insp).get_json()
    assert measure(by_enterprise, "to_team")["overall"]["n"] == 2
    assert by_enterprise["enterprise"] == "0200000001"


def test_enterprises_late_most_often(timelines, api):
    # Expected from the deadlines as the engine left them: accident 1's investigation met in
    # time, its claim's compensation paid after the due day, accident 3's investigation open
    # past due; accident 2's investigation and the claim's insurance filing not yet due.
    rows = {(d.case_id, d.name): d for d in CaseDeadline.query.all()}
    now = clock.now()
    assert rows[(timelines.one.id, "investigation")].met_at <= rows[
        (timelines.one.id, "investigation")].due_at  # fmt: skip
    assert rows[(timelines.claim.id, "compensation")].met_at > rows[
        (timelines.claim.id, "compensation")].due_at  # fmt: skip
    assert rows[(timelines.three.id, "investigation")].due_at < now
    assert rows[(timelines.claim.id, "insurance_filing")].due_at > now

    body = api.get("/statistics/process", timelines.insp).get_json()
    assert body["late_enterprises"] == [
        {"key": "0200000002", "label": "Công ty Xây dựng Hai", "deadlines": 1, "late": 1,
         "late_share": 100.0},
        {"key": "0200000001", "label": "Công ty Cơ khí Một", "deadlines": 2, "late": 1,
         "late_share": 50.0},
    ]  # fmt: skip


def test_an_enterprise_sees_only_its_own(timelines, api):
    body = api.get("/statistics/process?enterprise=0200000002", timelines.ent1).get_json()
    assert measure(body, "reporting_lag")["overall"]["n"] == 2
    assert [e["key"] for e in body["late_enterprises"]] == ["0200000001"]
    assert {g["key"] for g in measure(body, "reporting_lag")["by_enterprise"]} == {"0200000001"}


@pytest.mark.parametrize("query, field", [
    ("from=2026-13-01", "from"), ("from=2026-04-02&to=2026-04-01", "to"),
    ("industry=25C", "industry"), ("enterprise=999", "enterprise"),
])  # fmt: skip
def test_bad_input_is_answered_per_field(timelines, api, query, field):
    response = api.get(f"/statistics/process?{query}", timelines.insp)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_commune_and_insurance_are_refused(timelines, api):
    assert api.get("/statistics/process", timelines.comm).status_code == 403
    assert api.get("/statistics/process", make_user("insurance")).status_code == 403


def test_no_victim_is_named(timelines, api):
    body = api.get("/statistics/process", timelines.insp).get_data(as_text=True)
    for victim in timelines.one.victims:
        assert victim.full_name not in body
