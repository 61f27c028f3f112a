"""A claim's dates cannot come before the accident (a newcomer's 01/01/2020 referral on a
November 2026 accident was accepted)."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.errors import ValidationFailed
from app.extensions import db
from tests.api.claim_flow import announce_accident, claims_of, stamp
from tests.factories import VN, act, make_user

pytestmark = pytest.mark.usefixtures("declaration_day")


def test_a_referral_before_the_accident_is_refused_and_changes_nothing(app):
    ent = make_user("enterprise", username="dn1")
    (claim,) = claims_of(announce_accident(ent))
    version = claim.version
    with pytest.raises(ValidationFailed) as refused:
        act(claim, ent, "refer_for_assessment", referred_at=datetime(2020, 1, 1, 12, tzinfo=VN))
    (message,) = refused.value.errors["referred_at"]
    assert "không được trước ngày xảy ra tai nạn" in message
    db.session.refresh(claim)
    assert (claim.version, claim.state) == (version, "treatment")
    act(claim, ent, "refer_for_assessment", referred_at=stamp())
