"""The serious-technical-incident lifecycle: an inspector-run investigation."""

from datetime import timedelta

import pytest

from workflows import get_workflow
from workflows.base import Context

WF = get_workflow("incident")

EXPECTED_TABLE = [
    ("announced", "close", "closed"),
    ("announced", "mark_not_applicable", "announced"),
    ("announced", "unmark_not_applicable", "announced"),
    ("concluded", "announce", "announced"),
    ("concluded", "mark_not_applicable", "concluded"),
    ("concluded", "unmark_not_applicable", "concluded"),
    ("declared", "open_investigation", "investigating"),
    ("declared", "reject", "rejected"),
    ("investigating", "conclude", "concluded"),
    ("investigating", "mark_not_applicable", "investigating"),
    ("investigating", "unmark_not_applicable", "investigating"),
]
TEAM = [{"name": "Trần Thanh Tra", "organisation": "inspectorate", "role": "head"}]
MINUTES = {
    "causes": ["Van an toàn hỏng"],
    "responsibilities": "Bộ phận bảo trì",
    "measures": ["Thay van"],
}


@pytest.fixture
def incident(h):
    def _incident(state="declared", **fields):
        data = {"equipment": "Nồi hơi", "failure": "Nổ", "damage": "Hỏng xưởng", "casualties": 0}
        return h.snapshot("incident", state, code="HP-2026-I000001", data=data, **fields)

    return _incident


def test_transition_table_snapshot(h):
    assert h.table(WF) == EXPECTED_TABLE


@pytest.mark.parametrize(
    ("state", "trigger"),
    [
        ("declared", "conclude"),
        ("declared", "close"),
        ("investigating", "announce"),
        ("investigating", "extend_deadline"),
        ("concluded", "close"),
        ("announced", "reopen"),
        ("closed", "close"),
        ("rejected", "open_investigation"),
    ],
)
def test_illegal_trigger_has_no_transition(state, trigger):
    assert WF.transitions_for(trigger, state) == ()


def test_inspector_walks_the_incident_to_closure(h, incident, fire, refusal):
    case = fire(incident(), "open_investigation", "inspector", {"team": TEAM}).case
    assert case.state == "investigating" and case.data["team"] == TEAM
    case = fire(case, "conclude", "inspector", MINUTES).case
    assert case.state == "concluded" and case.data["minutes"]["measures"] == ["Thay van"]
    meeting = h.NOW + timedelta(days=3)
    attendees = [{"name": "A", "organisation": "inspectorate"}]
    case = fire(
        case,
        "announce",
        "inspector",
        {"meeting_at": meeting.isoformat(), "attendees": attendees},
        now=meeting,
    ).case
    assert case.state == "announced"
    assert case.data["announcement"]["announced_at"] == meeting.isoformat()
    # Closed once the dossier is complete (the minutes SafeCase issued count as present).
    assert "Sơ đồ hiện trường" in refusal(case, "close", "inspector", now=meeting)
    case = h.attached(case, "scene_record", "scene_sketch", "photos", "statements")
    assert fire(case, "close", "inspector", now=meeting).case.state == "closed"


@pytest.mark.parametrize("role", ["enterprise", "union", "commune", "insurance"])
def test_only_inspectors_act_on_an_incident(incident, refusal, role):
    assert refusal(incident(), "open_investigation", role, {"team": TEAM})
    assert refusal(incident(), "reject", role, {"reason": "x"})


def test_announcement_in_the_future_is_refused(h, incident, refusal):
    case = incident("concluded")
    meeting = h.NOW + timedelta(days=1)
    attendees = [{"name": "A", "organisation": "inspectorate"}]
    assert "tương lai" in refusal(
        case, "announce", "inspector", {"meeting_at": meeting.isoformat(), "attendees": attendees}
    )


def test_declaration_is_an_urgent_notice_to_inspectors(h, incident, rules):
    ctx = Context(incident(), h.actor("enterprise"), {}, h.NOW, rules)
    assert [(n.roles, n.urgent) for n in WF.notices(WF.create_notify, ctx)] == [
        (("inspector",), True)
    ]


def test_every_waiting_state_has_an_inspector_task(h, incident, rules):
    for state in ("declared", "investigating", "concluded", "announced"):
        tasks = WF.open_tasks(incident(state), now=h.NOW, rules=rules)
        assert [t.role for t in tasks] == ["inspector"], state
