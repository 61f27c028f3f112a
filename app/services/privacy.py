"""Privacy of a case's people: who sees medical detail and national IDs, and the read log.

Medical detail is a victim's injury description and the case data and event payload keys in
``MEDICAL_KEYS`` (an assessment's capacity loss, an occupational disease's name and code, which
are its diagnosis). The roles in ``MEDICAL_ROLES`` see it and see national IDs in full; every
other role — the trade union, and by default any role not listed — gets medical detail stripped
and national IDs masked as ``031******234`` (workflows.md "Parties and roles", docs/api.md).
Each time a medical role is shown a case's medical detail, the read is logged in a
``MedicalAccessLog`` row and, in the same transaction, in the security audit (``medical.read``,
with the reader's address), both by ``log_medical_read``. Every surface asks this module: the
case page, the JSON API, the printable papers, the documents and the notifications (which never
carry medical detail, since they go to every role).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.clock import now
from app.extensions import db
from app.models import Case, CaseEvent, MedicalAccessLog
from app.services.security_audit import record
from app.services.unit_of_work import unit_of_work

# Roles that may read medical fields (injury, diagnosis, capacity-loss assessment).
MEDICAL_ROLES = frozenset({"enterprise", "inspector", "insurance", "commune"})

# Data and payload keys that carry medical detail.
MEDICAL_KEYS = frozenset(
    {
        "capacity_loss_pct",
        "injury_description",
        "diagnosis",
        "assessment",
        "disease",
        "disease_code",
        # A claim's benefit dates and re-assessments: the start month and the discharge day
        # (with the kind of benefit they give) let one work back to the assessment.
        "treatment_ended_on",
        "outpatient",
        "start_month",
        "start_month_basis",
        "assessments",
        "assessment_reason",
        # Claim items: which one was asked (settling abroad needs a monthly allowance) and the
        # convalescence days (10 / 7 / 5 by band) tell the assessment's band; their amounts
        # reach other roles as totals (``items_vnd``, ``items_decided_vnd``).
        "benefit_items",
        "benefit_item",
        "convalescence_days",
    }
)


def sees_medical(user) -> bool:
    """Whether ``user``'s role may read medical detail (denied for a role not listed)."""
    return getattr(user, "role", None) in MEDICAL_ROLES


def mask_national_id(value: str | None) -> str:
    """A CCCD as ``031******234`` (first and last three of its 12 digits); any other value
    as stars only, one per character."""
    if value and len(value) == 12:
        return value[:3] + "*" * 6 + value[-3:]
    return "*" * len(value or "")


def national_id_for(user, value: str | None) -> str:
    """``value`` as ``user`` may see it: in full for the medical roles, masked otherwise."""
    return (value or "") if sees_medical(user) else mask_national_id(value)


def strip_medical(value: Any) -> Any:
    """``value`` (dicts and lists, nested) without the keys in ``MEDICAL_KEYS``."""
    if isinstance(value, dict):
        return {k: strip_medical(v) for k, v in value.items() if k not in MEDICAL_KEYS}
    if isinstance(value, list):
        return [strip_medical(v) for v in value]
    return value


def medical_view(user, value: Any) -> Any:
    """``value`` as ``user`` may see it: whole for the medical roles, stripped otherwise."""
    return value if sees_medical(user) else strip_medical(value)


def claim_victim(case: Case):
    """A claim's worker (a victim row of the parent case), or None for other kinds."""
    if case.kind != "claim" or case.parent is None:
        return None
    return next((v for v in case.parent.victims if v.id == case.victim_id), None)


def has_medical_content(case: Case) -> bool:
    """Whether ``case`` carries medical detail: an injury description of its victims or of a
    claim's worker, or a medical key in its data."""
    victim = claim_victim(case)
    return (
        any(v.injury_description for v in case.victims)
        or bool(victim is not None and victim.injury_description)
        or any(key in (case.data or {}) for key in MEDICAL_KEYS)
    )


def events_have_medical_content(events: Iterable[CaseEvent]) -> bool:
    """Whether any of ``events`` carries medical detail in its payload."""
    return any(strip_medical(event.payload) != event.payload for event in events)


def log_medical_read(user, case: Case, fields: str) -> None:
    """Record that ``user`` read ``case``'s medical ``fields``: the access-log row and the
    security-audit event (its own small transaction: the read happened even if the caller's
    request fails later)."""
    with unit_of_work():
        db.session.add(MedicalAccessLog(case_id=case.id, user_id=user.id, at=now(), fields=fields))
        record("medical.read", actor=user, target_type="case", target=case.code, fields=fields)


def read_medical(user, case: Case, fields: str, *, carried: bool | None = None) -> bool:
    """Whether ``user`` is shown ``case``'s medical detail; logs the read when so.

    ``carried`` says whether what is shown holds medical detail at all; by default, whether
    the case does (``has_medical_content``). Nothing is logged for a role that sees no
    medical detail, nor when there is none to see.
    """
    medical = sees_medical(user)
    if medical and (has_medical_content(case) if carried is None else carried):
        log_medical_read(user, case, fields)
    return medical
