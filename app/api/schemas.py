"""JSON shapes of the contract: case, event, task, shown to each caller as
``app.services.privacy`` says (national IDs masked and medical detail stripped for the roles
that may not see them).
"""

from __future__ import annotations

from typing import Any

from app.clock import as_utc, now
from app.models import Case, CaseEvent, Task
from app.services.cases import task_is_overdue
from app.services.claim_benefits import monthly_due
from app.services.privacy import (
    claim_victim,
    data_view,
    event_payload_view,
    national_id_for,
    sees_medical,
)
from workflows.claim import owed_remainder


def iso(value) -> str | None:
    value = as_utc(value)
    return value.isoformat() if value is not None else None


def victim_json(victim, user, include_medical: bool = True) -> dict[str, Any]:
    medical = include_medical and sees_medical(user)
    body = {
        "id": victim.id,
        "full_name": victim.full_name,
        "birth_date": victim.birth_date.isoformat() if victim.birth_date else None,
        "gender": victim.gender,
        "national_id": national_id_for(user, victim.national_id),
        "occupation": victim.occupation,
        "occupation_code": victim.occupation_code,
        "outcome": victim.outcome,
        "died_at": iso(victim.died_at),
        "monthly_wage_vnd": victim.monthly_wage_vnd,
        "insured_wage_vnd": victim.insured_wage_vnd,
        "si_number": victim.si_number,
        "si_years": victim.si_years,
        # What the employer recorded on the claim (record_costs, record_payment).
        "days_off": victim.days_off,
        "medical_costs_vnd": victim.medical_costs_vnd,
        "wage_costs_vnd": victim.wage_costs_vnd,
        "compensation_paid_vnd": victim.compensation_paid_vnd,
    }
    if medical:
        body["injury_description"] = victim.injury_description
    return body


def claim_amounts(case: Case, user, medical: bool = True) -> dict[str, Any]:
    """A claim's money at the top level, read from ``case.data`` as ``user`` may see it (the
    benefit's kind is withheld from a role without medical access); ``insurance.monthly_due``
    (``claim_benefits.benefit_json`` for this month) only while its current benefit is a
    monthly allowance, and only for a role that may know it is one."""
    data = data_view(user, case, medical=medical)
    comp = data.get("compensation") or {}
    ins = data.get("insurance") or {}
    amounts = {
        "victim_id": case.victim_id,
        "compensation": {
            "minimum_vnd": comp.get("minimum_vnd"),
            "paid_vnd": comp.get("paid_vnd"),
            # What is still owed of the minimum after the instalments paid (None: unknown).
            "remaining_vnd": owed_remainder(comp) if comp else None,
            "due_at": comp.get("due_at"),
        },
        "insurance": {
            "expected_kind": ins.get("expected_kind"),
            "expected_vnd": ins.get("expected_vnd"),
            "decided_vnd": ins.get("decided_vnd"),
        },
    }
    due = monthly_due(case, medical=medical) if medical and sees_medical(user) else None
    if due is not None:
        amounts["insurance"]["monthly_due"] = due
    return amounts


def case_json(
    case: Case, user, actions: list[str] | None = None, include_medical: bool = True
) -> dict[str, Any]:
    """The contract's case object; medical fields only when asked for and allowed."""
    medical = include_medical and sees_medical(user)
    body: dict[str, Any] = {
        "id": case.id,
        "code": case.code,
        "kind": case.kind,
        "state": case.state,
        "version": case.version,
        "severity": case.severity,
        "investigation_level": case.investigation_level,
        "labour_relation": case.labour_relation,
        "enterprise": (
            {"tax_code": case.enterprise.tax_code, "name": case.enterprise.name}
            if case.enterprise
            else None
        ),
        "commune": {"code": case.commune.code, "name": case.commune.name},
        "location": case.location,
        "description": case.description,
        "declared_at": iso(case.declared_at),
        "occurred_at": iso(case.occurred_at),
        "deadlines": [
            {
                "name": d.name,
                "due_at": iso(d.due_at),
                "days": d.days,
                "unit": d.unit,
                "paused": d.paused_at is not None,
                "extended": d.extended,
                "met_at": iso(d.met_at),
                "overdue": d.met_at is None and d.paused_at is None and as_utc(d.due_at) < now(),
            }
            for d in case.deadlines
        ],
        "victims": [victim_json(v, user, medical) for v in case.victims],
        "parent_id": case.parent_id,
        "children": [c.id for c in case.children],
        "data": data_view(user, case, medical=medical),
    }
    if case.kind == "claim":
        body.update(claim_amounts(case, user, medical))
        if case.parent is not None:
            body["parent"] = {
                "code": case.parent.code,
                "kind": case.parent.kind,
                "severity": case.parent.severity,
                "occurred_at": iso(case.parent.occurred_at),
            }
        victim = claim_victim(case)
        body["victim"] = victim_json(victim, user, medical) if victim else None
    if actions is not None:
        body["actions"] = actions
    return body


def link_json(case: Case) -> dict[str, Any]:
    """A linked case as the detail names it: enough to show and open it."""
    return {
        "id": case.id,
        "code": case.code,
        "kind": case.kind,
        "state": case.state,
        "severity": case.severity,
        "occurred_at": iso(case.occurred_at),
    }


def links_json(case: Case, links) -> dict[str, Any]:
    """A case detail's links (``app.services.cases.linked_cases``, already kept to what the
    caller may see): an accident's ``incident_code`` as declared and ``linked_incident`` (null
    when none or not visible to the caller), an incident's ``linked_accidents``; nothing for
    other kinds."""
    if case.kind == "accident":
        return {
            "incident_code": links.incident_code,
            "linked_incident": link_json(links.incident) if links.incident else None,
        }
    if case.kind == "incident":
        return {"linked_accidents": [link_json(accident) for accident in links.accidents]}
    return {}


def event_json(event: CaseEvent, user, kind: str) -> dict[str, Any]:
    """An event of a case of ``kind``, its payload as ``user`` may see it."""
    return {
        "seq": event.seq,
        "at": iso(event.at),
        "actor": event.actor,
        "role": event.role,
        "trigger": event.trigger,
        "from": event.from_state,
        "to": event.to_state,
        "payload": event_payload_view(user, kind, event),
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def task_json(task: Task) -> dict[str, Any]:
    """The contract's task; ``overdue`` as ``app.services.cases.task_is_overdue`` decides."""
    return {
        "id": task.id,
        "case_id": task.case_id,
        "case_code": task.case.code,
        "name": task.name,
        "title": task.title_vi,
        "title_en": task.title_en,
        "role": task.role,
        "due_at": iso(task.due_at),
        "overdue": task_is_overdue(task),
    }


def list_meta(page, cursor: str | None) -> dict:
    """The paging fields of a list answer (contract.md "Lists and paging"): ``page`` (None
    when walking by cursor: its number is not known), ``pages``, ``per_page``, ``total``
    with ``total_is_estimate``/``total_is_capped`` (true: ``total`` is the cap, there are
    more), ``next_cursor`` (None on the last page)."""
    return {
        "page": None if cursor else page.page,
        "pages": page.pages,
        "per_page": page.per_page,
        "total": page.total,
        "total_is_estimate": page.total_capped,
        "total_is_capped": page.total_capped,
        "next_cursor": page.next_cursor,
    }
