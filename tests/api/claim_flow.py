"""Helpers for the claim tests: claims made the real way, through declarations and the engine.

An accident is declared with ``make_accident``, investigated, concluded as a work accident and
announced; the announcement opens one claim per victim. Times sent as payload lie between the
declaration and now (``app.clock.now()``), as the guards require.
"""

from __future__ import annotations

from app.clock import now
from app.extensions import db
from app.models import Case
from tests.factories import act, head, make_accident

DOSSIER = [
    "Sổ bảo hiểm xã hội",
    "Giấy ra viện",
    "Biên bản giám định y khoa",
    "Văn bản đề nghị giải quyết chế độ (Mẫu 05A-HSB)",
    "Biên bản điều tra tai nạn lao động",
]


def stamp() -> str:
    return now().isoformat()


def local_day() -> str:
    """Today in Vietnam (ISO date): what a person types as a date. From 17:00 UTC it is the
    next day there, and a date compared with a step's local day must be that one."""
    from app.clock import to_local

    return to_local(now()).date().isoformat()


def announce_accident(
    declarer,
    outcomes=("serious",),
    *,
    inspector=None,
    worker_at_fault=False,
    victims=None,
    occurred_at=None,
):
    """Declare and drive an accident to ``announced`` as a work accident.

    ``declarer`` is an enterprise user. Enterprise-level accidents (one serious or light
    injuries) are investigated by the enterprise itself; province-level ones (a death, 2+
    serious) need ``inspector``. ``victims`` replaces the declared victims' fields, one dict per
    victim (e.g. ``{"si_number": None}``). Returns the announced accident.
    """
    fields = {"occurred_at": occurred_at} if occurred_at else {}
    if victims is not None:
        from tests.factories import victim_body

        fields["victims"] = [
            victim_body(outcome, **extra) for outcome, extra in zip(outcomes, victims, strict=True)
        ]
    accident = make_accident(declarer, outcomes, **fields)
    if accident.investigation_level == "province":
        investigator, organisation = inspector, "inspectorate"
    else:
        investigator, organisation = declarer, "employer"
    assert investigator is not None, "a province-level accident needs an inspector"
    act(
        accident,
        investigator,
        "open_investigation",
        team=head(organisation=organisation),
        needs_technical_exam=False,
    )
    act(
        accident,
        investigator,
        "conclude",
        is_work_accident=True,
        causes=["Máy không che chắn"],
        worker_at_fault=worker_at_fault,
        responsibilities="Người sử dụng lao động",
        measures=["Lắp che chắn"],
    )
    attendees = [{"name": "Đại diện công đoàn", "organisation": "union"}]
    if accident.severity == "fatal":
        attendees += [
            {"name": "Công an xã", "organisation": "police"},
            {"name": "Viện kiểm sát", "organisation": "procuracy"},
        ]
    act(accident, investigator, "announce", meeting_at=stamp(), attendees=attendees)
    db.session.refresh(accident)
    assert accident.state == "announced"
    return accident


def claims_of(accident) -> list[Case]:
    db.session.refresh(accident)
    return list(accident.children)


def assessed_claim(declarer, pct=25, **kwargs) -> Case:
    """An enterprise-level accident's single claim, referred and assessed at ``pct`` %."""
    accident = announce_accident(declarer, **kwargs)
    (claim,) = claims_of(accident)
    act(claim, declarer, "refer_for_assessment", referred_at=stamp())
    act(claim, declarer, "record_assessment", capacity_loss_pct=pct, assessed_at=stamp())
    db.session.refresh(claim)
    return claim
