"""What the definitions declare medical (``medical_data``, ``Field.medical``, a state's public
label), read by ``app/services/privacy.py``: every key a claim's data can hold is classified —
medical, or fit for the trade union (amounts owed and paid, dates, flags) — so a key added
later (a new benefit, a new assessment figure) fails here until someone decides which it is."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

import workflows
from tests.workflows.test_registry import _problems, _small
from workflows import get_workflow
from workflows.base import State
from workflows.claim import MEDICAL_DATA

VN = timezone(timedelta(hours=7))
AT = datetime(2026, 11, 20, 9, 0, tzinfo=VN)

# What a claim's data may show to a role without medical access, decided one key at a time.
PUBLIC_CLAIM_DATA = {
    "victim_id", "source", "death", "worker_at_fault", "monthly_wage_vnd", "insured_wage_vnd",
    "insured", "si_years", "occurred_at", "died_at", "accident_type", "third_party",
    "referred_at", "assessed_at", "closed_at",
    "compensation.owed", "compensation.minimum_vnd", "compensation.paid_vnd",
    "compensation.due_at", "compensation.paid_at", "compensation.confirmed_at",
    "compensation.proof", "compensation.equivalent_si_vnd", "compensation.last_paid_at",
    "compensation.payments", "compensation.remaining_vnd", "compensation.received_by",
    "compensation.recipient_name", "compensation.recipient_relationship",
    "insurance.items_vnd", "insurance.items_decided_vnd",
    "insurance.applicable", "insurance.expected_vnd", "insurance.filed_at",
    "insurance.decided_at", "insurance.approved", "insurance.decided_vnd", "insurance.dossier",
    "costs.days_off", "costs.medical_costs_vnd", "costs.wage_costs_vnd", "costs.history",
}  # fmt: skip


def _paths(value, prefix=""):
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from _paths(item, f"{prefix}{key}.")
    else:
        yield prefix.rstrip(".")


def _declared(path: str, declared) -> bool:
    return any(path == p or path.startswith(p + ".") for p in declared)


def test_every_key_of_a_claims_data_is_declared_medical_or_public(claim_walk):
    """A claim assessed at 35 %, paid, filed, decided, re-assessed and costed: each leaf of its
    data is under a medical path or in ``PUBLIC_CLAIM_DATA``."""
    unclassified = [
        path
        for path in _paths(claim_walk.data)
        if not _declared(path, MEDICAL_DATA) and not _declared(path, PUBLIC_CLAIM_DATA)
    ]
    assert unclassified == [], f"declare in workflows/claim.py MEDICAL_DATA or here: {unclassified}"
    both = [p for p in MEDICAL_DATA if _declared(p, PUBLIC_CLAIM_DATA)]
    assert both == []


def test_the_claims_medical_paths_hold_what_tells_the_percentage(claim_walk):
    """11.5 months (1.5 + (35 − 10) × 0.4) and a monthly allowance both tell 35 %."""
    data = claim_walk.data
    assert data["compensation"]["months"] == 11.5
    assert data["insurance"]["expected_kind"] == "monthly"
    for path in ("compensation.months", "insurance.expected_kind", "insurance.kind",
                 "assessments", "capacity_loss_pct", "compensation.basis"):  # fmt: skip
        assert _declared(path, MEDICAL_DATA), path


def test_the_fields_that_tell_the_assessment_are_medical():
    claim = get_workflow("claim")
    medical = {(t.trigger, f.name) for t in claim.transitions for f in t.fields if f.medical}
    assert medical == {
        ("record_assessment", "capacity_loss_pct"),
        ("record_assessment", "treatment_ended_on"),
        ("record_assessment", "outpatient"),
        ("reassess", "capacity_loss_pct"),
        ("reassess", "reason"),
        ("decide_insurance", "kind"),
        ("decide_insurance", "reason"),
        ("request_item", "benefit_item"),
        ("request_item", "convalescence_days"),
        ("request_item", "cost_vnd"),
        ("request_item", "cap_vnd"),
        ("request_item", "note"),
    }
    disease = get_workflow("disease")
    assert {f.name for f in disease.declaration_fields if f.medical} == {
        "disease", "exposure", "facility"
    }  # fmt: skip


def test_only_the_below_threshold_state_has_a_public_label():
    labelled = {
        (kind, s.name): (s.public_label_vi, s.public_label_en)
        for kind, d in workflows.REGISTRY.items()
        for s in d.states
        if s.public_label_vi
    }
    assert labelled == {
        ("claim", "not_eligible"): ("Đã có kết luận giám định", "Assessment concluded")
    }
    label = get_workflow("claim").state("not_eligible").label_vi
    assert "5%" in label and "5" not in labelled[("claim", "not_eligible")][0]


def test_broken_medical_declarations_are_reported():
    states = (State("open", "Mở", "Open", public_label_vi="Mở"),) + _small().states[1:]
    broken = _small(medical_data=("insurance..kind", "", "x", "x"), states=states)
    text = _problems(broken)
    assert "medical data path 'insurance..kind': empty key" in text
    assert "medical data path '': empty key" in text
    assert "medical data path 'x': declared twice" in text
    assert "state 'open': a public label needs both languages" in text


@pytest.fixture
def claim_walk(h, fire):
    """A claim walked through every step that writes its data."""
    from tests.workflows.test_claim import claim_data

    case = h.snapshot("claim", "awaiting_assessment", code="HP-2026-C000001", data=claim_data())
    at = AT.isoformat()
    steps = [
        ("record_assessment", "enterprise", {"capacity_loss_pct": 35, "assessed_at": at,
                                             "treatment_ended_on": "2026-11-01"}),
        ("record_payment", "enterprise", {"amount_vnd": 115_000_000, "paid_at": at,
                                          "proof": ["Phiếu chi số 12"]}),
        ("confirm_receipt", "union", {"confirmed_at": at, "received_by": "worker"}),
        ("file_insurance", "enterprise", {"filed_at": at, "dossier": [
            "si_book", "discharge_paper", "assessment_record", "request_form",
            "investigation_minutes"]}),
        ("decide_insurance", "insurance", {"approved": True, "kind": "monthly",
                                           "amount_vnd": 1_000_000, "reason": "Đủ điều kiện"}),
        ("request_item", "enterprise", {"benefit_item": "convalescence",
                                        "requested_on": "2026-11-20", "convalescence_days": 7}),
        ("reassess", "enterprise", {"capacity_loss_pct": 40, "assessed_at": at,
                                    "reason": "combined"}),
        ("decide_insurance", "insurance", {"approved": True, "kind": "monthly",
                                           "amount_vnd": 1_200_000}),
        ("record_costs", "enterprise", {"days_off": 30, "medical_costs_vnd": 5_000_000,
                                        "wage_costs_vnd": 10_000_000}),
        ("close", "union", {}),
    ]  # fmt: skip
    now = AT + timedelta(hours=1)
    for trigger, role, payload in steps:
        case = fire(case, trigger, role, payload, now=now).case
    return case
