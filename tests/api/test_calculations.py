"""The calculators through the API: the contract's examples, the base salary in force on the
date asked, and 422 with field errors for nonsense."""

from datetime import date

import pytest

from app.extensions import db
from app.models import RuleValue
from tests.factories import make_user

COMP = "/api/v1/calculations/compensation"
INS = "/api/v1/calculations/insurance"


@pytest.fixture
def auth(api_token):
    make_user("union", username="cd1")
    return {"Authorization": f"Bearer {api_token('cd1')}"}


def comp_body(**changes):
    body = {
        "capacity_loss_pct": 25,
        "monthly_wage_vnd": 10_000_000,
        "death": False,
        "worker_at_fault": False,
    }
    body.update(changes)
    return body


def ins_body(**changes):
    body = {
        "capacity_loss_pct": 45,
        "insured_wage_vnd": 10_000_000,
        "contribution_years": 6,
        "death": False,
        "on_date": "2026-05-10",
    }
    body.update(changes)
    return body


def test_compensation_contract_example(client, auth):
    response = client.post(COMP, json=comp_body(), headers=auth)
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"eligible", "months", "amount_vnd", "basis"}
    assert body["eligible"] is True
    assert body["months"] == 7.5
    assert body["amount_vnd"] == 75_000_000
    assert "Điều 38 khoản 4" in body["basis"]


def test_insurance_contract_example(client, auth):
    response = client.post(INS, json=ins_body(), headers=auth)
    assert response.status_code == 200
    body = response.get_json()
    assert {"eligible", "kind", "amount_vnd", "base_salary_vnd", "basis"} <= set(body)
    assert body["eligible"] is True
    assert body["kind"] == "monthly"
    assert body["amount_vnd"] == 1_557_200
    assert body["base_salary_vnd"] == 2_340_000
    assert "Điều 49" in body["basis"]


@pytest.mark.parametrize(
    ("changes", "months", "amount", "clause"),
    [
        ({"capacity_loss_pct": 8}, 1.5, 15_000_000, "khoản 4 điểm a"),
        ({"capacity_loss_pct": 25, "worker_at_fault": True}, 3, 30_000_000, "khoản 5"),
        ({"capacity_loss_pct": None, "death": True}, 30, 300_000_000, "khoản 4 điểm b"),
        ({"capacity_loss_pct": 85}, 30, 300_000_000, "khoản 4 điểm b"),
        ({"death": True, "worker_at_fault": True}, 12, 120_000_000, "khoản 5"),
        ({"capacity_loss_pct": 10.5}, 1.7, 17_000_000, "khoản 4 điểm a"),
    ],
)
def test_compensation_worked_examples(client, auth, changes, months, amount, clause):
    body = client.post(COMP, json=comp_body(**changes), headers=auth).get_json()
    assert (body["months"], body["amount_vnd"]) == (months, amount)
    assert clause in body["basis"]


def test_compensation_below_5_percent_is_not_eligible(client, auth):
    body = client.post(COMP, json=comp_body(capacity_loss_pct=4), headers=auth).get_json()
    assert body == {
        "eligible": False,
        "months": 0,
        "amount_vnd": 0,
        "basis": body["basis"],
    }
    assert "dưới 5%" in body["basis"]


@pytest.mark.parametrize(
    ("changes", "amount", "kind", "base"),
    [
        ({"capacity_loss_pct": 20}, 49_250_000, "one_time", 2_340_000),
        ({"capacity_loss_pct": 20, "on_date": "2026-07-01"}, 51_625_000, "one_time", 2_530_000),
        ({"on_date": "2026-07-01"}, 1_667_400, "monthly", 2_530_000),
        ({"on_date": "2026-06-30"}, 1_557_200, "monthly", 2_340_000),
        ({"capacity_loss_pct": None, "death": True}, 84_240_000, "death", 2_340_000),
        (
            {"capacity_loss_pct": 85, "serving_allowance": True, "contribution_years": 6},
            5_769_200,
            "monthly",
            2_340_000,
        ),
    ],
)
def test_insurance_uses_the_base_salary_in_force_on_the_date(
    client, auth, changes, amount, kind, base
):
    body = client.post(INS, json=ins_body(**changes), headers=auth).get_json()
    assert (body["amount_vnd"], body["kind"], body["base_salary_vnd"]) == (amount, kind, base)


def test_insurance_below_5_percent_is_not_eligible(client, auth):
    body = client.post(INS, json=ins_body(capacity_loss_pct=3), headers=auth).get_json()
    assert body["eligible"] is False and body["kind"] is None and body["amount_vnd"] == 0


def test_insurance_picks_up_an_administrators_new_base_salary(app, client, auth):
    db.session.add(
        RuleValue(
            key="base_salary_vnd",
            valid_from=date(2027, 7, 1),
            value="3000000",
            source="Nghị định thử",
        )
    )
    db.session.commit()
    before = client.post(INS, json=ins_body(on_date="2027-06-30"), headers=auth).get_json()
    after = client.post(INS, json=ins_body(on_date="2027-07-02"), headers=auth).get_json()
    assert before["base_salary_vnd"] == 2_530_000
    assert after["base_salary_vnd"] == 3_000_000
    # 58 % × 3,000,000 + 2 % × 10,000,000
    assert after["amount_vnd"] == 1_940_000


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (comp_body(monthly_wage_vnd=-1), "monthly_wage_vnd"),
        (comp_body(monthly_wage_vnd=0), "monthly_wage_vnd"),
        (comp_body(monthly_wage_vnd="10000000"), "monthly_wage_vnd"),
        (comp_body(monthly_wage_vnd=10.5), "monthly_wage_vnd"),
        (comp_body(capacity_loss_pct=101), "capacity_loss_pct"),
        (comp_body(capacity_loss_pct=-1), "capacity_loss_pct"),
        (comp_body(capacity_loss_pct="25"), "capacity_loss_pct"),
        (comp_body(capacity_loss_pct=True), "capacity_loss_pct"),
        (comp_body(capacity_loss_pct=None), "capacity_loss_pct"),
        (comp_body(death="yes"), "death"),
        (comp_body(worker_at_fault=1), "worker_at_fault"),
        ({"capacity_loss_pct": 25}, "monthly_wage_vnd"),
    ],
)
def test_compensation_nonsense_is_422_with_field_errors(client, auth, body, field):
    response = client.post(COMP, json=body, headers=auth)
    assert response.status_code == 422
    payload = response.get_json()
    assert payload["error"]
    assert field in payload["errors"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (ins_body(insured_wage_vnd=-5), "insured_wage_vnd"),
        (ins_body(capacity_loss_pct=100.5), "capacity_loss_pct"),
        (ins_body(contribution_years=-1), "contribution_years"),
        (ins_body(contribution_years=2.5), "contribution_years"),
        (ins_body(on_date="10/05/2026"), "on_date"),
        (ins_body(on_date="2026-02-30"), "on_date"),
        (ins_body(on_date=20260510), "on_date"),
        (ins_body(on_date="2019-06-30"), "on_date"),
        (ins_body(serving_allowance=True), "serving_allowance"),
        ({k: v for k, v in ins_body().items() if k != "on_date"}, "on_date"),
        ({k: v for k, v in ins_body().items() if k != "contribution_years"}, "contribution_years"),
    ],
)
def test_insurance_nonsense_is_422_with_field_errors(client, auth, body, field):
    response = client.post(INS, json=body, headers=auth)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_date_before_any_base_salary_names_the_first_one(client, auth):
    response = client.post(INS, json=ins_body(on_date="2010-01-01"), headers=auth)
    assert response.status_code == 422
    assert "01/07/2019" in response.get_json()["errors"]["on_date"][0]


def test_every_error_is_reported_at_once(client, auth):
    response = client.post(
        COMP, json={"capacity_loss_pct": 120, "monthly_wage_vnd": -3}, headers=auth
    )
    assert set(response.get_json()["errors"]) == {"capacity_loss_pct", "monthly_wage_vnd"}


def test_a_body_that_is_not_an_object_is_422(client, auth):
    response = client.post(COMP, data="[1, 2]", content_type="application/json", headers=auth)
    assert response.status_code == 422


@pytest.mark.parametrize(
    "role", ["enterprise", "inspector", "union", "commune", "insurance", "admin"]
)
def test_every_signed_in_role_may_calculate(client, api_token, role):
    user = make_user(role)
    headers = {"Authorization": f"Bearer {api_token(user.username)}"}
    assert client.post(COMP, json=comp_body(), headers=headers).status_code == 200
    assert client.post(INS, json=ins_body(), headers=headers).status_code == 200


def test_calculators_need_a_token(client):
    assert client.post(COMP, json=comp_body()).status_code == 401
    assert client.post(INS, json=ins_body()).status_code == 401


def test_calculators_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "post" in paths["/calculations/compensation"]
    assert "post" in paths["/calculations/insurance"]
    assert "get" in paths["/claims/{claim_id}/decision.pdf"]


# --- the benefit's start month (Art. 50), convalescence (Art. 54), commuting (Art. 39(1)) -----


def example_body(**changes):
    """The issue's example: accident 20/6/2026, 25 %, 4 years, insured wage 8,400,000."""
    body = {
        "capacity_loss_pct": 25,
        "insured_wage_vnd": 8_400_000,
        "contribution_years": 4,
        "on_date": "2026-06-20",
    }
    body.update(changes)
    return body


def test_issue_example_council_after_the_rise_gets_the_new_base_salary(client, auth):
    old = client.post(INS, json=example_body(), headers=auth).get_json()
    # on_date alone decides, as before: 15 × 2,340,000 + 1.4 × 8,400,000
    assert (old["amount_vnd"], old["base_salary_vnd"]) == (46_860_000, 2_340_000)
    assert "start_month" not in old
    body = client.post(
        INS,
        json=example_body(outpatient=True, council_concluded_on="2026-11-12"),
        headers=auth,
    ).get_json()
    # 15 × 2,530,000 = 37,950,000 + 1.4 × 8,400,000 = 11,760,000
    assert (body["amount_vnd"], body["base_salary_vnd"]) == (49_710_000, 2_530_000)
    assert body["start_month"] == "2026-11"
    assert "Điều 50 khoản 1" in body["start_month_basis"]
    assert "Điều 48" in body["basis"] and "Điều 9 khoản 1" in body["basis"]
    assert body["on_date"] == "2026-06-20"


@pytest.mark.parametrize(
    ("changes", "month", "base", "amount"),
    [
        # inpatient discharged in June: June's base salary, 15 × 2,340,000 + 11,760,000
        (
            {"treatment_ended_on": "2026-06-30", "council_concluded_on": "2026-11-12"},
            "2026-06",
            2_340_000,
            46_860_000,
        ),
        # discharged 1 July: 15 × 2,530,000 + 11,760,000
        ({"treatment_ended_on": "2026-07-01"}, "2026-07", 2_530_000, 49_710_000),
        # discharge unknown: the Council's month
        ({"council_concluded_on": "2026-11-12"}, "2026-11", 2_530_000, 49_710_000),
        # outpatient: the Council's month even with a treatment end date
        (
            {
                "outpatient": True,
                "treatment_ended_on": "2026-06-25",
                "council_concluded_on": "2026-07-02",
            },
            "2026-07",
            2_530_000,
            49_710_000,
        ),
        # on_date may be left out when the Art. 50 dates are given
        ({"on_date": None, "council_concluded_on": "2026-11-12"}, "2026-11", 2_530_000, 49_710_000),
    ],
)
def test_start_month_decides_the_base_salary(client, auth, changes, month, base, amount):
    response = client.post(INS, json=example_body(**changes), headers=auth)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["start_month"], body["base_salary_vnd"], body["amount_vnd"]) == (
        month,
        base,
        amount,
    )


@pytest.mark.parametrize(
    ("pct", "days"),
    [(10, 0), (15, 5), (30, 5), (31, 7), (50, 7), (51, 10), (85, 10)],
)
def test_insurance_answer_carries_convalescence(client, auth, pct, days):
    body = client.post(
        INS, json=ins_body(capacity_loss_pct=pct, on_date="2026-07-01"), headers=auth
    ).get_json()
    assert body["convalescence"]["max_days"] == days
    assert body["convalescence"]["per_day_vnd"] == 759_000  # 0.3 × 2,530,000
    assert body["convalescence"]["max_amount_vnd"] == days * 759_000


def test_convalescence_uses_the_start_months_base_salary(client, auth):
    body = client.post(
        INS, json=example_body(council_concluded_on="2026-11-12"), headers=auth
    ).get_json()
    # 25 %: 5 days × 0.3 × 2,530,000 (the accident day's base salary would give 702,000)
    assert body["convalescence"]["max_days"] == 5
    assert body["convalescence"]["per_day_vnd"] == 759_000


@pytest.mark.parametrize(
    "changes",
    [{"capacity_loss_pct": 3}, {"capacity_loss_pct": None, "death": True}],
)
def test_no_convalescence_for_a_death_or_an_ineligible_worker(client, auth, changes):
    body = client.post(INS, json=ins_body(**changes), headers=auth).get_json()
    assert "convalescence" not in body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (example_body(treatment_ended_on="12/11/2026"), "treatment_ended_on"),
        (example_body(council_concluded_on="2026-13-01"), "council_concluded_on"),
        (example_body(council_concluded_on=20261112), "council_concluded_on"),
        (example_body(outpatient="yes", council_concluded_on="2026-11-12"), "outpatient"),
        (example_body(outpatient=True), "council_concluded_on"),
        (example_body(treatment_ended_on="2026-06-01"), "treatment_ended_on"),
        (example_body(council_concluded_on="2026-06-19"), "council_concluded_on"),
        (example_body(council_concluded_on="2019-01-10", on_date=None), "council_concluded_on"),
        (
            example_body(capacity_loss_pct=None, death=True, council_concluded_on="2026-11-12"),
            "death",
        ),
        ({k: v for k, v in example_body().items() if k != "on_date"}, "on_date"),
    ],
)
def test_start_month_nonsense_is_422_with_field_errors(client, auth, body, field):
    response = client.post(INS, json=body, headers=auth)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


@pytest.mark.parametrize(
    ("changes", "eligible", "months", "amount", "clause"),
    [
        # 0.4 × 7.5 months × 10,000,000
        (
            {"accident_type": "commuting", "third_party": True},
            True,
            3,
            30_000_000,
            "Điều 39 khoản 1",
        ),
        # 0.4 × 30 months
        (
            {"accident_type": "commuting", "third_party": True, "death": True},
            True,
            12,
            120_000_000,
            "Điều 39 khoản 1",
        ),
        ({"accident_type": "commuting"}, False, 0, 0, "Điều 45 khoản 1 điểm c"),
        ({"accident_type": "at_work", "third_party": True}, True, 7.5, 75_000_000, "khoản 4"),
    ],
)
def test_compensation_by_accident_type(client, auth, changes, eligible, months, amount, clause):
    response = client.post(COMP, json=comp_body(**changes), headers=auth)
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"eligible", "months", "amount_vnd", "basis"}
    assert (body["eligible"], body["months"], body["amount_vnd"]) == (eligible, months, amount)
    assert clause in body["basis"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"accident_type": "holiday"}, "accident_type"),
        ({"accident_type": 1}, "accident_type"),
        ({"third_party": "true"}, "third_party"),
        ({"third_party": True, "worker_at_fault": True}, "third_party"),
    ],
)
def test_compensation_accident_type_nonsense_is_422(client, auth, changes, field):
    response = client.post(COMP, json=comp_body(**changes), headers=auth)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_openapi_describes_the_new_calculator_inputs(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]

    def request_properties(path):
        body = paths[path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        return body["properties"]

    assert {"accident_type", "third_party"} <= set(request_properties("/calculations/compensation"))
    assert {"treatment_ended_on", "outpatient", "council_concluded_on"} <= set(
        request_properties("/calculations/insurance")
    )
    answer = paths["/calculations/insurance"]["post"]["responses"]["200"]["content"]
    properties = answer["application/json"]["schema"]["properties"]
    assert {"start_month", "convalescence"} <= set(properties)


# --- top-up after an insurer (Art. 39(2)); devices, retraining, settling abroad (51, 55, 49) ---


@pytest.mark.parametrize(
    ("paid", "top_up"),
    [
        (50_000_000, 25_000_000),  # minimum 7.5 × 10,000,000 = 75,000,000; 75 M − 50 M
        (75_000_000, 0),  # paid exactly the minimum
        (90_000_000, 0),  # paid more than the minimum: nothing more
        (0, 75_000_000),  # paid nothing: the whole minimum
    ],
)
def test_compensation_top_up_after_the_insurer_paid(client, auth, paid, top_up):
    response = client.post(COMP, json=comp_body(insurer_paid_vnd=paid), headers=auth)
    assert response.status_code == 200
    body = response.get_json()
    assert body["amount_vnd"] == 75_000_000
    assert body["top_up"]["amount_vnd"] == top_up
    assert "Điều 39 khoản 2" in body["top_up"]["basis"]


def test_compensation_without_insurer_has_no_top_up(client, auth):
    body = client.post(COMP, json=comp_body(), headers=auth).get_json()
    assert "top_up" not in body


@pytest.mark.parametrize("paid", [-1, "50000000", 1.5, True, 100_000_000_001])
def test_compensation_top_up_nonsense_is_422(client, auth, paid):
    response = client.post(COMP, json=comp_body(insurer_paid_vnd=paid), headers=auth)
    assert response.status_code == 422
    assert "insurer_paid_vnd" in response.get_json()["errors"]


def items_of(body):
    return {item["item"]: item for item in body["items"]}


@pytest.mark.parametrize(
    ("cost", "cap", "amount"),
    [
        (3_000_000, 5_000_000, 3_000_000),  # below the cap: the cost
        (8_000_000, 5_000_000, 5_000_000),  # above the cap: the cap
    ],
)
def test_assistive_device_up_to_its_cap(client, auth, cost, cap, amount):
    body = client.post(
        INS, json=ins_body(device_cost_vnd=cost, device_cap_vnd=cap), headers=auth
    ).get_json()
    device = items_of(body)["assistive_device"]
    assert device["eligible"] is True
    assert device["amount_vnd"] == amount
    assert device["cap_vnd"] == cap
    assert "Điều 51" in device["basis"]
    assert body["amount_vnd"] == 1_557_200  # the benefit itself is unchanged


@pytest.mark.parametrize(
    ("tuition", "on", "amount", "cap"),
    [
        # 50 % × 60,000,000 = 30,000,000 < 15 × 2,530,000 = 37,950,000
        (60_000_000, "2026-07-15", 30_000_000, 37_950_000),
        # 50 % × 100,000,000 = 50,000,000 > 37,950,000: the cap
        (100_000_000, "2026-07-15", 37_950_000, 37_950_000),
        # before 1/7/2026: 15 × 2,340,000 = 35,100,000 < 50,000,000
        (100_000_000, "2026-06-30", 35_100_000, 35_100_000),
    ],
)
def test_retraining_capped_at_half_the_tuition_and_15_base_salaries(
    client, auth, tuition, on, amount, cap
):
    body = client.post(
        INS, json=ins_body(tuition_vnd=tuition, retraining_on=on), headers=auth
    ).get_json()
    retraining = items_of(body)["retraining"]
    assert retraining["eligible"] is True
    assert retraining["amount_vnd"] == amount
    assert retraining["cap_vnd"] == cap
    assert "Điều 55" in retraining["basis"]


def test_retraining_defaults_to_the_start_month(client, auth):
    # Council concluded 3/7/2026: start month 7/2026, base 2,530,000; 15 × = 37,950,000.
    body = client.post(
        INS,
        json=ins_body(council_concluded_on="2026-07-03", outpatient=True, tuition_vnd=100_000_000),
        headers=auth,
    ).get_json()
    assert items_of(body)["retraining"]["amount_vnd"] == 37_950_000
    # on_date 10/5/2026 alone: base 2,340,000; 15 × = 35,100,000.
    body = client.post(INS, json=ins_body(tuition_vnd=100_000_000), headers=auth).get_json()
    assert items_of(body)["retraining"]["amount_vnd"] == 35_100_000


def test_settling_abroad_is_three_monthly_allowances(client, auth):
    body = client.post(INS, json=ins_body(settling_abroad=True), headers=auth).get_json()
    # 45 %, 6 years, wage 10,000,000, base 2,340,000: monthly 1,557,200 (the contract example);
    # 3 × 1,557,200 = 4,671,600.
    abroad = items_of(body)["settling_abroad"]
    assert abroad["eligible"] is True
    assert abroad["amount_vnd"] == 4_671_600
    assert "Điều 49" in abroad["basis"]


def test_items_come_in_order_and_only_when_asked(client, auth):
    body = client.post(INS, json=ins_body(), headers=auth).get_json()
    assert "items" not in body
    body = client.post(
        INS,
        json=ins_body(
            settling_abroad=True,
            tuition_vnd=10_000_000,
            device_cost_vnd=1_000_000,
            device_cap_vnd=2_000_000,
        ),
        headers=auth,
    ).get_json()
    assert [item["item"] for item in body["items"]] == [
        "assistive_device",
        "retraining",
        "settling_abroad",
    ]
    assert set(body["items"][0]) == {"item", "eligible", "amount_vnd", "cap_vnd", "basis"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"device_cost_vnd": 1_000_000}, "device_cap_vnd"),
        ({"device_cap_vnd": 1_000_000}, "device_cost_vnd"),
        ({"device_cost_vnd": -1, "device_cap_vnd": 1}, "device_cost_vnd"),
        ({"device_cost_vnd": 1, "device_cap_vnd": "many"}, "device_cap_vnd"),
        ({"tuition_vnd": 1.5}, "tuition_vnd"),
        ({"tuition_vnd": 10_000_000, "retraining_on": "30/02/2026"}, "retraining_on"),
        ({"tuition_vnd": 10_000_000, "retraining_on": "1990-01-01"}, "retraining_on"),
        ({"retraining_on": "2026-07-15"}, "tuition_vnd"),
        ({"settling_abroad": "yes"}, "settling_abroad"),
        ({"settling_abroad": True, "capacity_loss_pct": 25}, "settling_abroad"),
        ({"settling_abroad": True, "capacity_loss_pct": 3}, "settling_abroad"),
        ({"death": True, "capacity_loss_pct": None, "tuition_vnd": 1}, "tuition_vnd"),
        ({"death": True, "capacity_loss_pct": None, "settling_abroad": True}, "settling_abroad"),
    ],
)
def test_item_nonsense_is_422_with_field_errors(client, auth, changes, field):
    response = client.post(INS, json=ins_body(**changes), headers=auth)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_openapi_describes_the_claim_items(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]

    def schemas(path):
        operation = paths[path]["post"]
        request = operation["requestBody"]["content"]["application/json"]["schema"]
        answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
        return request["properties"], answer["properties"]

    request, answer = schemas("/calculations/compensation")
    assert "insurer_paid_vnd" in request
    assert "top_up" in answer
    request, answer = schemas("/calculations/insurance")
    assert {
        "device_cost_vnd",
        "device_cap_vnd",
        "tuition_vnd",
        "retraining_on",
        "settling_abroad",
    } <= set(request)
    assert "items" in answer
