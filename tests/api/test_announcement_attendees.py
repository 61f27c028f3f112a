"""The announcement meeting (Law 84/2015 Art. 35(8)): the injured worker or the family attend
it and are listed in the minutes' PDF with each organisation capitalised as on the forms; a
meeting before the declaration is refused with a message that names the moment compared."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from app.clock import now
from app.errors import ValidationFailed
from app.extensions import db
from tests.api.claim_flow import stamp
from tests.factories import act, head, make_accident, make_user

pytestmark = pytest.mark.usefixtures("declaration_day")


@pytest.fixture
def concluded(app):
    ent = make_user("enterprise", username="dn1")
    accident = make_accident(ent)
    act(accident, ent, "open_investigation", team=head(organisation="employer"),
        needs_technical_exam=False)  # fmt: skip
    act(accident, ent, "conclude", is_work_accident=True, causes=["Máy không che chắn"],
        worker_at_fault=False, responsibilities="Người sử dụng lao động",
        measures=["Che chắn"])  # fmt: skip
    return ent, accident


def test_the_worker_and_the_family_are_attendees_and_in_the_minutes(concluded, signed_in):
    ent, accident = concluded
    attendees = [
        {"name": "Đại diện công đoàn", "organisation": "union"},
        {"name": "Nguyễn Văn Bị Nạn", "organisation": "victim"},
        {"name": "Trần Thị Vợ", "organisation": "family"},
    ]
    act(accident, ent, "announce", meeting_at=stamp(), attendees=attendees)
    db.session.refresh(accident)
    assert accident.state == "announced"
    response = signed_in("dn1").get(f"/cases/{accident.id}/papers/minutes.pdf")
    assert response.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    flat = " ".join(text.split())
    assert "Nguyễn Văn Bị Nạn — Người bị nạn" in flat
    assert "Trần Thị Vợ — Thân nhân người bị nạn" in flat
    assert "Đại diện công đoàn — Công đoàn" in flat  # capitalised, as the forms print it


def test_a_meeting_before_the_declaration_names_the_moment_compared(concluded):
    ent, accident = concluded
    before = accident.declared_at - timedelta(minutes=30)  # the same day, earlier
    assert before.date() == now().date()
    with pytest.raises(ValidationFailed) as refused:
        act(accident, ent, "announce", meeting_at=before.isoformat(),
            attendees=[{"name": "Đại diện công đoàn", "organisation": "union"}])  # fmt: skip
    (message,) = refused.value.errors["meeting_at"]
    assert "thời điểm khai báo" in message and "20/11/2026 10:00" in message
    db.session.refresh(accident)
    assert accident.state == "concluded"  # nothing changed
