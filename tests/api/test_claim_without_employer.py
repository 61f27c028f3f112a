"""A worker without a labour relation (declared by the commune) has no employer: the claim the
announcement opens owes no employer compensation, so it can be closed once insurance is done
(before, such a death claim waited forever for a payment nobody could record)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Task
from tests.api.claim_flow import claims_of, stamp
from tests.factories import act, head, make_accident, make_user, victim_body

pytestmark = pytest.mark.usefixtures("declaration_day")


def test_a_death_claim_without_an_employer_owes_nothing_and_can_close(app):
    commune = make_user("commune", username="xa1")
    inspector = make_user("inspector", username="tt1")
    # Not insured either: nothing for social insurance to decide, so nothing is left to wait for.
    victims = [victim_body("death", si_number=None, si_years=None)]
    accident = make_accident(commune, outcomes=("death",), victims=victims)
    assert accident.labour_relation is False
    act(accident, inspector, "open_investigation", team=head(), needs_technical_exam=False)
    act(accident, inspector, "conclude", is_work_accident=True, causes=["Ngã cao"],
        worker_at_fault=False, responsibilities="Chủ nhà", measures=["Lan can"])  # fmt: skip
    act(accident, inspector, "announce", meeting_at=stamp(), attendees=[
        {"name": "Công an xã", "organisation": "police"},
        {"name": "Viện kiểm sát", "organisation": "procuracy"}])  # fmt: skip
    (claim,) = claims_of(accident)
    comp = claim.data["compensation"]
    assert comp["owed"] is False and "equivalent_si_vnd" not in comp
    tasks = set(db.session.scalars(select(Task.name).where(
        Task.case_id == claim.id, Task.closed_at.is_(None))))  # fmt: skip
    assert "record_payment" not in tasks and "close" in tasks
