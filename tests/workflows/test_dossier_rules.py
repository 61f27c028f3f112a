"""The mandatory dossier as a rule (#15), pure: an accident is closed only with every required
paper attached, issued by SafeCase (the minutes) or marked not applicable with a reason by the
body keeping the dossier; the marks and their undoing are steps of the lifecycle."""

from dataclasses import replace
from datetime import timedelta

import pytest

from tests.samples import ENTERPRISE_TEAM, FATAL_ATTENDEES, MINUTES, PROVINCE_TEAM
from workflows import get_workflow
from workflows.base import Context
from workflows.dossier import (
    ATTACHED,
    CATEGORIES,
    ISSUED,
    MISSING,
    NOT_APPLICABLE,
    NOT_APPLICABLE_STATUS,
)

WF = get_workflow("accident")
# The accident's dossier once a team works: the team's papers, photos and the medical papers
# (the examination record only when one is needed), in the checklist's order.
REQUIRED = ["scene_record", "scene_sketch", "photos", "statements", "minutes", "medical"]
LABELS = {c: CATEGORIES[c] for c in REQUIRED}


def investigating(h, declare, fire, outcome="death"):
    case = declare(victims=(h.victim(1, outcome),))
    role = "inspector" if case.investigation_level == "province" else "enterprise"
    team = PROVINCE_TEAM if role == "inspector" else ENTERPRISE_TEAM
    return fire(case, "open_investigation", role, {"team": team}).case, role


def announced(h, declare, fire):
    case, role = investigating(h, declare, fire)
    case = fire(case, "conclude", role, MINUTES).case
    meeting = h.NOW + timedelta(days=6)
    payload = {"meeting_at": meeting.isoformat(), "attendees": FATAL_ATTENDEES}
    case = fire(case, "announce", role, payload, now=meeting).case
    # Every claim closed: only the dossier is left to wait for.
    return replace(case, children=({"id": 9, "kind": "claim", "state": "closed"},)), meeting


def close_reasons(h, rules, case, now):
    ctx = Context(case, h.actor("inspector"), {}, now, rules)
    return WF.decide("close", ctx).reasons


# -- which papers the dossier needs, and their status ------------------------------------------


def test_status_of_each_item_attached_issued_marked_or_missing(h, declare, fire):
    case, _role = investigating(h, declare, fire)
    dossier = WF.dossier
    assert dossier.status(case.state, case.data, ()) == tuple((c, MISSING) for c in REQUIRED)
    data = {**case.data, "minutes": {"causes": ["x"]}, NOT_APPLICABLE: {"photos": {"reason": "r"}}}
    assert dict(dossier.status(case.state, data, ("scene_record", "photos"))) == {
        "scene_record": ATTACHED,
        "scene_sketch": MISSING,
        "photos": ATTACHED,  # marked, then attached after all: it is in the dossier
        "statements": MISSING,
        "minutes": ISSUED,
        "medical": MISSING,
    }
    data[NOT_APPLICABLE] = {"statements": {"reason": "r"}}
    assert dossier.missing(case.state, data, ()) == ("scene_record", "scene_sketch", "photos",
                                                      "medical")  # fmt: skip
    assert dict(dossier.status(case.state, data, ()))["statements"] == NOT_APPLICABLE_STATUS


def test_the_examination_record_is_needed_only_when_an_examination_is(h, declare, fire):
    case, _role = investigating(h, declare, fire)
    assert "examination" not in WF.dossier.required(case.state, case.data)
    data = {**case.data, "needs_technical_exam": True}
    assert "examination" in WF.dossier.required(case.state, data)


# -- the closing guard -----------------------------------------------------------------------


def test_close_is_refused_naming_every_missing_paper_as_an_input_error(h, declare, fire, rules):
    case, meeting = announced(h, declare, fire)
    (reason,) = close_reasons(h, rules, case, meeting)
    assert reason.field == "dossier"  # the API answers 422 with it under errors.dossier
    missing = [c for c in REQUIRED if c != "minutes"]  # SafeCase issued the minutes
    assert f"còn thiếu {len(missing)} tài liệu bắt buộc" in reason
    for category in missing:
        assert LABELS[category] in reason
    assert LABELS["minutes"] not in reason
    # The close action stays offered: its form shows why it is refused.
    ctx = Context(case, h.actor("inspector"), {}, meeting, rules)
    assert "close" in WF.offered(ctx)


@pytest.mark.parametrize(
    ("attached", "marked", "closes"),
    [
        ((), (), False),
        (("scene_record", "scene_sketch", "photos", "statements", "medical"), (), True),
        (("scene_record", "scene_sketch", "photos", "statements"), (), False),
        (("scene_record", "scene_sketch", "photos", "statements"), ("medical",), True),
        ((), ("scene_record", "scene_sketch", "photos", "statements", "medical"), True),
        (("scene_record",), ("scene_sketch", "photos", "statements"), False),
    ],
)
def test_close_truth_table(h, declare, fire, rules, attached, marked, closes):
    case, meeting = announced(h, declare, fire)
    marks = {c: {"reason": "Không có", "marked_by": "tt1"} for c in marked}
    case = h.attached(replace(case, data={**case.data, NOT_APPLICABLE: marks}), *attached)
    if not attached:
        case = replace(case, facts={**case.facts, "dossier_documents": ()})
    assert (close_reasons(h, rules, case, meeting) == ()) is closes


def test_the_claims_are_still_waited_for_first(h, declare, fire, refusal):
    case, meeting = announced(h, declare, fire)
    case = h.attached(replace(case, children=({"id": 9, "kind": "claim", "state": "assessed"},)))
    assert "hồ sơ bồi thường" in refusal(case, "close", "inspector", now=meeting)


# -- marking a paper not applicable ----------------------------------------------------------


def test_the_keeper_marks_a_missing_paper_with_a_reason_and_takes_it_back(h, declare, fire):
    case, meeting = announced(h, declare, fire)
    fired = fire(case, "mark_not_applicable", "inspector",
                 {"category": "scene_sketch", "reason": "Tai nạn trên đường giao thông"},
                 now=meeting)  # fmt: skip
    assert fired.transition.dest is None and fired.case.state == "announced"
    assert fired.case.data[NOT_APPLICABLE] == {
        "scene_sketch": {
            "reason": "Tai nạn trên đường giao thông",
            "marked_by": "inspector1",
            "marked_by_role": "inspector",
            "marked_at": meeting.isoformat(),
        }
    }
    assert "scene_sketch" not in WF.dossier.missing("announced", fired.case.data, ())
    undone = fire(fired.case, "unmark_not_applicable", "inspector", {"category": "scene_sketch"},
                  now=meeting).case  # fmt: skip
    assert NOT_APPLICABLE not in undone.data  # the last mark taken back: no key left
    assert "scene_sketch" in WF.dossier.missing("announced", undone.data, ())


def test_only_a_missing_required_paper_is_marked(h, declare, fire):
    case, meeting = announced(h, declare, fire)
    case = h.attached(case, "photos")
    for category, why in (("photos", "không phải tài liệu bắt buộc còn thiếu"),
                          ("minutes", "không phải tài liệu bắt buộc còn thiếu"),
                          ("other", "không phải tài liệu bắt buộc còn thiếu")):  # fmt: skip
        with pytest.raises(h.Refused) as info:
            fire(case, "mark_not_applicable", "inspector", {"category": category, "reason": "x"},
                 now=meeting)  # fmt: skip
        (reason,) = info.value.reasons
        assert why in reason and reason.field == "category"
    with pytest.raises(h.Refused) as info:
        fire(case, "unmark_not_applicable", "inspector", {"category": "scene_sketch"}, now=meeting)
    assert "chưa có tài liệu nào" in " ".join(info.value.reasons).lower()


def test_the_reason_is_required_and_bounded(h, declare, fire):
    case, meeting = announced(h, declare, fire)
    for payload, field in (({"category": "photos"}, "reason"),
                           ({"category": "photos", "reason": "  "}, "reason"),
                           ({"category": "photos", "reason": "x" * 301}, "reason"),
                           ({"category": "nope", "reason": "x"}, "category")):  # fmt: skip
        with pytest.raises(h.Invalid) as info:
            fire(case, "mark_not_applicable", "inspector", payload, now=meeting)
        assert field in info.value.errors


@pytest.mark.parametrize(
    ("outcome", "role", "allowed"),
    [
        ("death", "inspector", True),  # province: the inspectorate keeps the dossier
        ("death", "enterprise", False),
        ("light", "enterprise", True),  # its own team: the employer keeps it
        ("light", "inspector", True),  # the inspectorate supervises and may add any paper
        ("light", "union", False),
        ("light", "commune", False),
    ],
)
def test_who_keeps_the_dossier(h, declare, fire, offered, outcome, role, allowed):
    case, _level_role = investigating(h, declare, fire, outcome)
    assert ("mark_not_applicable" in offered(case, role)) is allowed
    payload = {"category": "photos", "reason": "Không chụp được ảnh"}
    if allowed:
        assert NOT_APPLICABLE in fire(case, "mark_not_applicable", role, payload).case.data
    else:
        with pytest.raises(h.Refused):
            fire(case, "mark_not_applicable", role, payload)


def test_nothing_to_mark_once_the_dossier_is_complete(h, declare, fire, offered):
    case, _role = investigating(h, declare, fire)
    assert "mark_not_applicable" in offered(case, "inspector")
    assert "mark_not_applicable" not in offered(h.attached(case), "inspector")
    assert "unmark_not_applicable" not in offered(case, "inspector")
