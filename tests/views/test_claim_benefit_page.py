"""The claim page and the decision paper state each insurance amount with its article: the
expected benefit, its Art. 50 start month, this month's monthly allowance and the earlier
assessments — and show the union the amounts only."""

from __future__ import annotations

import html as html_lib

import pytest

from app.services.papers_claims import insurance_lines
from tests.api.claim_flow import announce_accident, claims_of, stamp
from tests.factories import act, make_user

pytestmark = pytest.mark.usefixtures("declaration_day")


@pytest.fixture
def ent():
    return make_user("enterprise", username="dn1")


@pytest.fixture
def monthly_claim(ent):
    """Accident 10/3/2026, wage 10,000,000, 6 years, discharged 20/5/2026, assessed 41 % on
    20/11/2026: Art. 49 pays 50 % of B + 2 % of the wage (200,000) a month."""
    accident = announce_accident(ent, occurred_at="2026-03-10T08:30:00+07:00")
    (claim,) = claims_of(accident)
    act(claim, ent, "refer_for_assessment", referred_at=stamp())
    return act(
        claim,
        ent,
        "record_assessment",
        capacity_loss_pct=41,
        assessed_at=stamp(),
        treatment_ended_on="2026-05-20",
    )


def page(signed_in, username, claim) -> str:
    response = signed_in(username).get(f"/cases/{claim.id}")
    assert response.status_code == 200
    return html_lib.unescape(response.get_data(as_text=True))


def test_the_claim_page_states_each_amount_with_its_article(signed_in, monthly_claim):
    text = page(signed_in, "dn1", monthly_claim)
    # Expected in May's terms: 0.5 × 2,340,000 + 200,000 = 1,370,000.
    assert "1.370.000" in text and "Điều 49 (trợ cấp hằng tháng)" in text
    assert 'data-testid="start-month">05/2026' in text and "Điều 50 khoản 1" in text
    # Due in November 2026: 0.5 × 2,530,000 + 200,000 = 1,465,000.
    due = text[text.index('data-testid="monthly-due"') :]
    assert due.startswith('data-testid="monthly-due">1.465.000')
    assert "11/2026" in due[: due.index("</dd>")]
    assert "Điều 38 khoản 4" in text
    # The re-assessment form names its reasons.
    assert "Thương tật tái phát, tiến triển" in text
    assert "Giám định tổng hợp nhiều lần tai nạn" in text


def test_the_union_sees_the_amounts_without_articles_or_months(signed_in, ent, monthly_claim):
    make_user("union", username="cd1", enterprise=ent.enterprise)
    text = page(signed_in, "cd1", monthly_claim)
    assert "1.370.000" in text
    for hidden in ("start-month", "monthly-due", "insurance-basis", "Điều 49", "Điều 50"):
        assert hidden not in text, hidden


def test_a_re_assessment_lists_the_earlier_one(signed_in, ent, monthly_claim):
    act(
        monthly_claim,
        ent,
        "reassess",
        capacity_loss_pct=51,
        assessed_at=stamp(),
        reason="combined",
    )
    text = page(signed_in, "dn1", monthly_claim)
    earlier = text[text.index('data-testid="earlier-assessments"') :]
    earlier = earlier[: earlier.index("</ul>")]
    assert "41%" in earlier and "1.370.000" in earlier and "05/2026" in earlier
    # 51 %: (30 + 20 × 2) % = 70 % × 2,530,000 = 1,771,000, plus 200,000.
    assert "1.971.000" in text


DATA = {
    "capacity_loss_pct": 45,
    "insurance": {
        "expected_kind": "monthly",
        "expected_vnd": 1_585_000,
        "basis": "Luật ATVSLĐ 84/2015 Điều 49 (trợ cấp hằng tháng)",
        "start_month": "2028-12",
        "start_month_basis": "Luật ATVSLĐ 84/2015 Điều 50 khoản 3",
    },
    "assessments": [
        {
            "capacity_loss_pct": 25,
            "assessed_at": "2026-11-20T10:00:00+07:00",
            "start_month": "2026-11",
            "expected_kind": "one_time",
            "expected_vnd": 49_710_000,
        }
    ],
}
DUE = {"month": "2029-01", "amount_vnd": 1_585_000, "basis": "Điều 49; tháng 01/2029"}


def test_the_decision_lists_each_insurance_amount_with_its_article():
    lines = dict(insurance_lines(DATA, DUE, medical=True))
    assert lines["Trợ cấp bảo hiểm tai nạn lao động dự kiến"] == (
        "1.585.000 đồng (Luật ATVSLĐ 84/2015 Điều 49 (trợ cấp hằng tháng))"
    )
    assert lines["Tháng bắt đầu hưởng"] == "12/2028 (Luật ATVSLĐ 84/2015 Điều 50 khoản 3)"
    assert lines["Trợ cấp hằng tháng tháng 01/2029"] == "1.585.000 đồng (Điều 49; tháng 01/2029)"
    assert lines["Theo kết luận giám định ngày 20/11/2026"].startswith(
        "49.710.000 đồng, hưởng từ tháng 11/2026"
    )
    assert "Điều 47" in lines["Theo kết luận giám định ngày 20/11/2026"]


def test_the_union_copy_of_the_decision_has_the_amount_only():
    assert insurance_lines(DATA, DUE, medical=False) == [
        ("Trợ cấp bảo hiểm tai nạn lao động dự kiến", "1.585.000 đồng")
    ]
