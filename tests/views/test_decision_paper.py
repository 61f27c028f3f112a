"""The employer's compensation decision laid out like the official form (Circular 28/2021,
Appendix II): one or two A4 pages, the last article, "Nơi nhận" and the signature on one page,
and a deceased worker's family addressed as such."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.api.claim_flow import announce_accident, assessed_claim, claims_of
from tests.factories import make_user

pytestmark = pytest.mark.usefixtures("frozen")


def pages_of(client, claim_id: int) -> list[str]:
    response = client.get(f"/claims/{claim_id}/decision.pdf")
    assert response.status_code == 200
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(response.data)).pages]


@pytest.mark.parametrize("pct", [25, 81])
def test_the_decision_is_one_or_two_pages_with_the_signature_beside_the_last_article(
    app, signed_in, pct
):
    ent = make_user("enterprise", username="dn1")
    claim = assessed_claim(ent, pct)
    pages = pages_of(signed_in("dn1"), claim.id)
    assert 1 <= len(pages) <= 2
    (last,) = [p for p in pages if "Điều 2." in p]
    assert "Nơi nhận" in last and "NGƯỜI SỬ DỤNG LAO ĐỘNG" in last
    assert "Ông/Bà có tên tại Điều 1" in last


def test_a_deceased_workers_decision_addresses_the_family(app, signed_in):
    ent = make_user("enterprise", username="dn1")
    inspector = make_user("inspector", username="tt1")
    accident = announce_accident(ent, outcomes=("death",), inspector=inspector)
    (claim,) = claims_of(accident)
    text = " ".join(pages_of(signed_in("dn1"), claim.id))
    assert "cho thân nhân của người lao động có tên dưới đây" in text
    assert "thân nhân của người lao động có tên tại Điều 1" in text
    assert "Ông/Bà" not in text
