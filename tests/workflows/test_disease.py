"""The occupational-disease lifecycle: confirmation opens one claim per worker."""

from dataclasses import replace

import pytest

from workflows import get_workflow

WF = get_workflow("disease")

EXPECTED_TABLE = [
    ("confirmed", "close", "closed"),
    ("declared", "confirm", "confirmed"),
    ("declared", "reject", "rejected"),
]
DATA = {
    "disease": "Bệnh bụi phổi silic nghề nghiệp",
    "diagnosed_on": "2026-10-01",
    "exposure": "Bụi silic tại xưởng nghiền",
    "facility": "Bệnh viện Lao và Bệnh phổi",
}


@pytest.fixture
def disease(h):
    def _disease(state="declared", **fields):
        base = dict(
            code="HP-2026-D000001",
            data=DATA,
            occurred_at=None,
            victims=(h.victim(1, "serious"), h.victim(2, "serious", si_number=None)),
        )
        base.update(fields)
        return h.snapshot("disease", state, **base)

    return _disease


def test_transition_table_snapshot(h):
    assert h.table(WF) == EXPECTED_TABLE


@pytest.mark.parametrize(
    ("state", "trigger"),
    [
        ("declared", "close"),
        ("declared", "open_investigation"),
        ("confirmed", "confirm"),
        ("confirmed", "reject"),
        ("rejected", "confirm"),
        ("closed", "close"),
    ],
)
def test_illegal_trigger_has_no_transition(state, trigger):
    assert WF.transitions_for(trigger, state) == ()


def test_declaration_fields_describe_the_examination():
    assert [f.name for f in WF.declaration_fields] == [
        "disease",
        "diagnosed_on",
        "exposure",
        "facility",
    ]


def test_confirm_opens_one_claim_per_worker_in_treatment(h, disease, fire):
    fired = fire(disease(), "confirm", "inspector", {"note": "Đúng danh mục, đủ điều kiện"})
    assert fired.case.state == "confirmed"
    first, second = fired.outcome.children
    assert [(c.kind, c.state, c.victim_id) for c in (first, second)] == [
        ("claim", "treatment", 1),
        ("claim", "treatment", 2),
    ]
    assert first.data["insured"] is True and second.data["insured"] is False
    assert first.data["worker_at_fault"] is False
    assert first.data["source"] == "disease"
    # The diagnosis day (local midnight) stands in for the accident date.
    assert first.data["occurred_at"] == "2026-10-01T00:00:00+07:00"
    assert fired.case.data["claimed_victim_ids"] == [1, 2]


@pytest.mark.parametrize("role", ["enterprise", "union", "commune"])
def test_only_the_inspector_confirms_or_rejects(disease, refusal, role):
    assert refusal(disease(), "confirm", role, {"note": "x"})
    assert refusal(disease(), "reject", role, {"reason": "x"})


def test_reject_records_the_reason(disease, fire):
    fired = fire(disease(), "reject", "inspector", {"reason": "Không thuộc danh mục"})
    assert fired.case.state == "rejected"
    assert fired.case.data["rejection"]["reason"] == "Không thuộc danh mục"


@pytest.mark.parametrize("role", ["inspector", "enterprise"])
def test_close_waits_for_the_claims(disease, fire, refusal, role):
    case = disease("confirmed", children=({"id": 9, "kind": "claim", "state": "treatment"},))
    assert "chưa đóng" in refusal(case, "close", role)
    done = replace(case, children=({"id": 9, "kind": "claim", "state": "closed"},))
    assert fire(done, "close", role).case.state == "closed"


def test_confirmed_close_task_appears_when_claims_are_closed(h, disease, rules):
    waiting = disease("confirmed", children=({"id": 9, "kind": "claim", "state": "assessed"},))
    done = disease("confirmed", children=({"id": 9, "kind": "claim", "state": "closed"},))
    assert WF.open_tasks(waiting, now=h.NOW, rules=rules) == ()
    assert [t.task.name for t in WF.open_tasks(done, now=h.NOW, rules=rules)] == ["close"]
