"""The privacy service's own rules (app/services/privacy.py), without a request: the mask, the
stripping of declared paths and fields, the state names, who has medical access."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.services.privacy import (
    MASKED_ID,
    data_view,
    mask_national_id,
    medical_paths,
    national_id_for,
    payload_view,
    sees_medical,
    state_labels,
    strip_medical,
)

UNION = SimpleNamespace(role="union")
INSPECTOR = SimpleNamespace(role="inspector")


@pytest.mark.parametrize("value", ["031090001234", "001199012345", "123456789", "0"])
def test_a_masked_national_id_keeps_no_digit_nor_its_length(value):
    """Birth date and gender (shown beside it) give digits 4-6 and the province often the
    first three: any digit shown narrows the number down (``031******234``: 1,000 left)."""
    masked = mask_national_id(value)
    assert masked == MASKED_ID == "*" * 12
    assert not any(ch.isdigit() for ch in masked)


def test_no_national_id_masks_to_nothing():
    assert mask_national_id(None) == mask_national_id("") == ""


def test_only_the_medical_roles_read_a_national_id_in_full():
    assert national_id_for(INSPECTOR, "031090001234") == "031090001234"
    for role in ("union", "admin", None, "system", "somebody"):
        assert national_id_for(SimpleNamespace(role=role), "031090001234") == MASKED_ID
    assert [r for r in ("enterprise", "inspector", "insurance", "commune", "union", "admin")
            if sees_medical(SimpleNamespace(role=r))] == [
        "enterprise", "inspector", "insurance", "commune"]  # fmt: skip


def test_strip_medical_removes_the_keys_anywhere_and_the_paths_from_the_top():
    data = {
        "capacity_loss_pct": 35,
        "victims": [{"full_name": "A", "injury_description": "x"}],
        "compensation": {"months": 11.5, "minimum_vnd": 1, "basis": "…"},
        "insurance": {"expected_kind": "monthly", "expected_vnd": 2},
        "months": 3,  # a top-level key of the same name is not the path
    }
    stripped = strip_medical(data, ("compensation.months", "compensation.basis",
                                    "insurance.expected_kind", "missing.path"))  # fmt: skip
    assert stripped == {
        "victims": [{"full_name": "A"}],
        "compensation": {"minimum_vnd": 1},
        "insurance": {"expected_vnd": 2},
        "months": 3,
    }
    assert data["compensation"]["months"] == 11.5  # the case's own data is left alone


def test_a_claims_data_view_keeps_the_amounts_for_the_union():
    case = SimpleNamespace(kind="claim", data={
        "capacity_loss_pct": 35, "assessments": [{"capacity_loss_pct": 20}],
        "compensation": {"months": 11.5, "minimum_vnd": 115_000_000, "basis": "Điều 38"},
        "insurance": {"expected_kind": "monthly", "expected_vnd": 1_557_200, "kind": "monthly",
                      "decided_vnd": 1_557_200, "start_month": "2026-11", "reason": "…"},
    })  # fmt: skip
    assert data_view(UNION, case) == {
        "compensation": {"minimum_vnd": 115_000_000},
        "insurance": {"expected_vnd": 1_557_200, "decided_vnd": 1_557_200},
    }
    assert data_view(INSPECTOR, case) is case.data
    assert "capacity_loss_pct" not in data_view(INSPECTOR, case, medical=False)


def test_an_event_payload_loses_the_fields_its_trigger_marks_medical():
    decided = {"approved": True, "kind": "monthly", "amount_vnd": 1, "reason": "…"}
    assert payload_view(UNION, "claim", "decide_insurance", decided) == {
        "approved": True, "amount_vnd": 1}  # fmt: skip
    reassessed = {"capacity_loss_pct": 40, "assessed_at": "2026-11-20", "reason": "relapse"}
    assert payload_view(UNION, "claim", "reassess", reassessed) == {"assessed_at": "2026-11-20"}
    paid = {"amount_vnd": 5, "paid_at": "2026-11-20"}
    assert payload_view(UNION, "claim", "record_payment", paid) == paid
    declared = {"disease": "Bụi phổi", "exposure": "Bụi silic", "facility": "BV Phổi",
                "diagnosed_on": "2026-10-01"}  # fmt: skip
    assert payload_view(UNION, "disease", "declare", declared) == {"diagnosed_on": "2026-10-01"}
    assert payload_view(INSPECTOR, "disease", "declare", declared) == declared


def test_the_state_that_tells_the_band_is_named_neutrally_to_the_union():
    assert state_labels(UNION, "claim", "not_eligible") == (
        "Đã có kết luận giám định", "Assessment concluded")  # fmt: skip
    assert state_labels(None, "claim", "not_eligible")[0] == "Đã có kết luận giám định"
    assert state_labels(INSPECTOR, "claim", "not_eligible")[0].startswith("Dưới 5%")
    assert state_labels(UNION, "claim", "assessed") == state_labels(INSPECTOR, "claim", "assessed")


def test_unknown_kinds_have_no_declared_paths():
    assert medical_paths("nothing") == frozenset()
    assert medical_paths(None) == frozenset()
