"""Privacy of a case's people: who sees medical detail and national IDs, and the read log.

Medical detail is a victim's injury description, the keys in ``MEDICAL_KEYS`` wherever they
appear (an assessment's capacity loss, an occupational disease's name and code: the diagnosis),
and what each workflow definition declares of its own (``workflows.base``):

- ``WorkflowDefinition.medical_data``: the paths of ``case.data`` that are medical or let one
  work a medical figure back (a claim's number of months of wages, its benefit's kind, the
  articles quoting the band, the start month…);
- ``Field(medical=True)``: the payload fields of a trigger that are (the event trail);
- ``State.public_label_vi/en``: the neutral name of a state whose own label tells a band.

The roles in ``MEDICAL_ROLES`` see all of it and national IDs in full; every other role — the
trade union, and by default any role not listed — gets medical detail withheld, states named
neutrally, and national IDs masked so that, with the birth date and gender it is shown beside
them, nothing narrows the number down (``mask_national_id``). Amounts owed and paid are not
medical: the union checks them. Social insurance has medical access but sees a claim only once
its dossier is filed (``WorkflowDefinition.shared_with``), so before filing it sees nothing.

Every surface asks this module — the JSON API, the case pages, the claim list, the printable
papers, the notifications and emails, the documents — and none decides for itself. Each time a
medical role is shown medical detail, the read is logged in a ``MedicalAccessLog`` row and,
in the same transaction, in the security audit (``medical.read``, with the reader's address),
both by ``log_medical_read``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from app.clock import now
from app.extensions import db
from app.models import Case, CaseEvent, MedicalAccessLog
from app.services.security_audit import record
from app.services.unit_of_work import unit_of_work
from workflows import REGISTRY

# Roles that may read medical fields (injury, diagnosis, capacity-loss assessment).
MEDICAL_ROLES = frozenset({"enterprise", "inspector", "insurance", "commune"})

# Data and payload keys that are medical detail wherever they appear, whatever the kind.
MEDICAL_KEYS = frozenset(
    {
        "capacity_loss_pct",
        "injury_description",
        "diagnosis",
        "assessment",
        "disease",
        "disease_code",
        # Claim items: which one was asked (settling abroad needs a monthly allowance) and the
        # convalescence days (10 / 7 / 5 by band) tell the assessment's band; their amounts
        # reach other roles as totals (``items_vnd``, ``items_decided_vnd``).
        "benefit_items",
        "benefit_item",
        "convalescence_days",
    }
)

# What a masked national ID reads as: the same whatever the number, even its length.
MASKED_ID = "*" * 12
# What a paper prints in place of medical detail for a role that may not read it.
HIDDEN = "(thông tin y tế — không hiển thị)"

# The two audiences a stored paper is drawn for (``app/services/issued_papers.py``): the roles
# that read national IDs in full and medical detail, and everyone else.
FULL, MASKED = "full", "masked"
AUDIENCES = (FULL, MASKED)


def sees_medical(user) -> bool:
    """Whether ``user``'s role may read medical detail (denied for a role not listed)."""
    return getattr(user, "role", None) in MEDICAL_ROLES


# -- national IDs -------------------------------------------------------------------------------


def audience_of(user) -> str:
    """Which drawing of a stored paper ``user`` reads: ``FULL`` for the roles that see medical
    detail and national IDs in full (one and the same set), ``MASKED`` for every other."""
    return FULL if sees_medical(user) and sees_national_id(user) else MASKED


def sees_national_id(user) -> bool:
    """Whether ``user`` sees national IDs in full, and so may find a victim by one (search):
    the medical roles."""
    return sees_medical(user)


def mask_national_id(value: str | None) -> str:
    """A national ID as a role without medical access sees it: ``************`` (empty when
    there is none).

    A CCCD's 12 digits are the province of birth (3), century and gender (1), birth year (2)
    and six at random. Whoever sees the birth date and gender — every role that sees the
    victim does — knows digits 4-6, and the case's province often gives the first three. So
    any digit shown beside them narrows the number down: ``031******234`` left 1,000
    candidates, and the last three alone (the province guessed) would leave as few. Nothing
    is shown, not even the length (a 9-digit CMND reads the same); the name and birth date
    tell two workers apart."""
    return MASKED_ID if value else ""


def national_id_for(user, value: str | None) -> str:
    """``value`` as ``user`` may see it: in full for the medical roles, masked otherwise."""
    return national_id_shown(value, medical=sees_national_id(user))


def national_id_shown(value: str | None, *, medical: bool) -> str:
    """``value`` as an audience reads it: in full for the ``FULL`` one (``medical``), masked
    for the other."""
    return (value or "") if medical else mask_national_id(value)


# -- what is medical ----------------------------------------------------------------------------


def medical_paths(kind: str | None) -> frozenset[str]:
    """The dotted paths of ``case.data`` a kind's definition declares medical (none for an
    unknown kind: ``MEDICAL_KEYS`` still apply)."""
    definition = REGISTRY.get(kind or "")
    return frozenset(definition.medical_data) if definition is not None else frozenset()


# The engine's name for a declaration's event (its payload is the declaration).
DECLARE = "declare"


def medical_fields(kind: str | None, trigger: str | None) -> frozenset[str]:
    """The payload fields of ``trigger`` that ``kind``'s definition marks medical: its
    transitions' fields, or for a declaration the kind's declaration fields."""
    definition = REGISTRY.get(kind or "")
    if definition is None:
        return frozenset()
    fields = [f for t in definition.transitions if t.trigger == trigger for f in t.fields]
    if trigger == DECLARE:
        fields.extend(definition.declaration_fields)
    return frozenset(f.name for f in fields if f.medical)


def _without_path(value: Any, parts: list[str]) -> Any:
    if not isinstance(value, dict) or parts[0] not in value:
        return value
    if len(parts) == 1:
        return {k: v for k, v in value.items() if k != parts[0]}
    return {**value, parts[0]: _without_path(value[parts[0]], parts[1:])}


def strip_medical(value: Any, paths: Iterable[str] = ()) -> Any:
    """``value`` (dicts and lists, nested) without the keys in ``MEDICAL_KEYS`` anywhere and
    without the dotted ``paths`` (from its top level)."""
    for path in paths:
        value = _without_path(value, path.split("."))
    if isinstance(value, dict):
        return {k: strip_medical(v) for k, v in value.items() if k not in MEDICAL_KEYS}
    if isinstance(value, list):
        return [strip_medical(v) for v in value]
    return value


def medical_view(user, value: Any, paths: Iterable[str] = ()) -> Any:
    """``value`` as ``user`` may see it: whole for the medical roles, stripped otherwise."""
    return value if sees_medical(user) else strip_medical(value, paths)


def data_view(user, case: Case, *, medical: bool | None = None) -> dict[str, Any]:
    """``case.data`` as ``user`` may see it (``medical`` False forces the stripped view, e.g.
    for a list that shows no medical detail to anyone)."""
    allowed = sees_medical(user) if medical is None else medical and sees_medical(user)
    return data_shown(case, medical=allowed)


def data_shown(case: Case, *, medical: bool) -> dict[str, Any]:
    """``case.data`` as an audience reads it: whole for the ``FULL`` one (``medical``),
    without medical detail (``strip_medical`` with the kind's paths) for the other."""
    data = case.data or {}
    return data if medical else strip_medical(data, medical_paths(case.kind))


def payload_view(user, kind: str | None, trigger: str | None, payload: Any) -> Any:
    """An event payload of ``trigger`` as ``user`` may see it: without the trigger's medical
    fields, nor the kind's medical data paths (a payload may copy data, as a declaration
    does)."""
    if sees_medical(user):
        return payload
    return strip_medical(payload, medical_fields(kind, trigger) | medical_paths(kind))


def event_payload_view(user, case_kind: str, event: CaseEvent) -> Any:
    """``event``'s payload as ``user`` may see it."""
    return payload_view(user, case_kind, event.trigger, event.payload)


def state_labels(user, kind: str, state: str) -> tuple[str, str]:
    """``(vi, en)`` naming ``state`` of ``kind`` to ``user``: its label, or its public label
    for a role without medical access when the definition gives one.

    :raises KeyError: unknown kind or state.
    """
    found = REGISTRY[kind].state(state)
    if found.public_label_vi and not sees_medical(user):
        return found.public_label_vi, found.public_label_en
    return found.label_vi, found.label_en


def public_state_labels(kind: str) -> Mapping[str, tuple[str, str]]:
    """State name → ``(vi, en)`` a role without medical access reads, for the states of
    ``kind`` that have a public label (what a diagram drawn for such a role shows)."""
    return {
        s.name: (s.public_label_vi, s.public_label_en)
        for s in REGISTRY[kind].states
        if s.public_label_vi
    }


# -- what a case carries, and the read log ----------------------------------------------------


def claim_victim(case: Case):
    """A claim's worker (a victim row of the parent case), or None for other kinds."""
    if case.kind != "claim" or case.parent is None:
        return None
    return next((v for v in case.parent.victims if v.id == case.victim_id), None)


def has_medical_content(case: Case) -> bool:
    """Whether ``case`` carries medical detail: an injury description of its victims or of a
    claim's worker, or medical data (``MEDICAL_KEYS``, the kind's medical paths)."""
    victim = claim_victim(case)
    data = case.data or {}
    return (
        any(v.injury_description for v in case.victims)
        or bool(victim is not None and victim.injury_description)
        or strip_medical(data, medical_paths(case.kind)) != data
    )


def events_have_medical_content(case: Case, events: Iterable[CaseEvent]) -> bool:
    """Whether any of ``case``'s ``events`` carries medical detail in its payload."""
    return any(
        payload_view(None, case.kind, event.trigger, event.payload) != event.payload
        for event in events
    )


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
