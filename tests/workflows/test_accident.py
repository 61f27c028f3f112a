"""The accident lifecycle as pure data: its transition table, what may not happen, the guards'
truth tables and what each effect asks the engine to do."""

from dataclasses import replace
from datetime import timedelta

import pytest

from tests.samples import ENTERPRISE_TEAM, FATAL_ATTENDEES, MINUTES, PROVINCE_TEAM
from tests.workflows.conftest import actor
from workflows import get_workflow
from workflows.base import Context

WF = get_workflow("accident")


def _ctx(h, rules, case, role="system", payload=None):
    return Context(case, h.actor(role), payload or {}, h.NOW, rules)


EXPECTED_TABLE = [
    ("announced", "close", "closed"),
    ("announced", "mark_not_applicable", "announced"),
    ("announced", "reopen", "investigating"),
    ("announced", "unmark_not_applicable", "announced"),
    ("closed", "reopen", "investigating"),
    ("concluded", "announce", "announced"),
    ("concluded", "mark_not_applicable", "concluded"),
    ("concluded", "unmark_not_applicable", "concluded"),
    ("declared", "open_investigation", "investigating"),
    ("declared", "record_death", "declared"),
    ("declared", "record_event", "recorded"),
    ("declared", "record_scene_arrival", "declared"),
    ("declared", "reject", "rejected"),
    ("investigating", "conclude", "concluded"),
    ("investigating", "extend_deadline", "investigating"),
    ("investigating", "mark_not_applicable", "investigating"),
    ("investigating", "record_death", "investigating"),
    ("investigating", "record_scene_arrival", "investigating"),
    ("investigating", "refer_to_police", "suspended"),
    ("investigating", "take_over", "investigating"),
    ("investigating", "unmark_not_applicable", "investigating"),
    ("notified", "complete_declaration", "declared"),
    ("notified", "record_scene_arrival", "notified"),
    ("notified", "reject", "rejected"),
    ("recorded", "close", "closed"),
    ("suspended", "mark_not_applicable", "suspended"),
    ("suspended", "record_death", "suspended"),
    ("suspended", "resume", "investigating"),
    ("suspended", "unmark_not_applicable", "suspended"),
]


def test_transition_table_snapshot(h):
    assert h.table(WF) == EXPECTED_TABLE


def test_states_and_initial():
    assert [s.name for s in WF.states] == [
        "notified",
        "declared",
        "investigating",
        "suspended",
        "concluded",
        "announced",
        "recorded",
        "rejected",
        "closed",
    ]
    assert WF.initial == "declared"
    # A quick notice is the second way in (DeclarationSpec.notice).
    assert WF.entry_states == ("declared", "notified")
    assert {s.name for s in WF.states if s.terminal} == {"rejected", "closed"}


@pytest.mark.parametrize(
    ("state", "trigger"),
    [
        ("declared", "conclude"),
        ("declared", "announce"),
        ("declared", "close"),
        ("declared", "extend_deadline"),
        ("declared", "reopen"),
        ("investigating", "open_investigation"),
        ("investigating", "announce"),
        ("investigating", "close"),
        ("investigating", "resume"),
        ("suspended", "conclude"),
        ("suspended", "extend_deadline"),
        ("concluded", "record_death"),
        ("concluded", "extend_deadline"),
        ("announced", "record_death"),
        ("announced", "conclude"),
        ("recorded", "reopen"),
        ("recorded", "open_investigation"),
        ("rejected", "reopen"),
        ("rejected", "open_investigation"),
        ("closed", "close"),
        ("closed", "announce"),
        ("declared", "confirm"),
        ("declared", "record_payment"),
        ("declared", "complete_declaration"),
        ("investigating", "complete_declaration"),
        ("notified", "open_investigation"),
        ("notified", "record_death"),
        ("notified", "record_event"),
        ("notified", "close"),
    ],
)
def test_illegal_trigger_has_no_transition(state, trigger):
    assert WF.transitions_for(trigger, state) == ()


# -- declaration --------------------------------------------------------------------------------


def test_fatal_declaration_goes_to_province_with_30_days_and_scene_arrival(h, declare):
    case = declare(victims=(h.victim(1, "death"),))
    assert case.severity == "fatal"
    assert case.investigation_level == "province"
    investigation = case.deadlines["investigation"]
    assert investigation["due_at"] == h.DECLARED + timedelta(days=30)
    assert investigation["days"] == 30
    assert investigation["started_at"] == h.DECLARED
    assert case.deadlines["scene_arrival"]["due_at"] == h.DECLARED + timedelta(hours=2)


def test_two_serious_without_labour_relation_go_to_province_with_20_days(h, declare):
    case = declare(labour_relation=False, victims=(h.victim(1, "serious"), h.victim(2, "serious")))
    assert (case.severity, case.investigation_level) == ("serious", "province")
    assert case.deadlines["investigation"]["due_at"] == h.DECLARED + timedelta(days=20)
    assert "scene_arrival" in case.deadlines


def test_one_serious_without_labour_relation_is_only_recorded_by_the_commune(h, declare):
    case = declare(labour_relation=False, victims=(h.victim(1, "serious"),))
    assert (case.severity, case.investigation_level) == ("serious", "commune_record")
    assert case.deadlines == {}


@pytest.mark.parametrize(
    ("outcomes", "severity", "days"),
    [(("serious",), "serious", 7), (("light",), "light", 4), (("light", "light"), "light", 4)],
)
def test_enterprise_level_limits(h, declare, outcomes, severity, days):
    case = declare(victims=tuple(h.victim(i + 1, o) for i, o in enumerate(outcomes)))
    assert (case.severity, case.investigation_level) == (severity, "enterprise")
    assert case.deadlines["investigation"]["due_at"] == h.DECLARED + timedelta(days=days)
    assert "scene_arrival" not in case.deadlines


def test_fatal_declaration_notifies_every_inspector_urgently(h, rules):
    case = h.snapshot(victims=(h.victim(1, "death"),))
    ctx = _ctx(h, rules, case)
    urgent = [n for n in WF.notices(WF.create_notify, ctx) if n.urgent]
    assert [(n.event, n.roles) for n in urgent] == [("accident.declared_immediate", ("inspector",))]
    assert any(n.roles == ("union",) for n in WF.notices(WF.create_notify, ctx))


def test_light_declaration_is_a_routine_notice(h, rules):
    ctx = _ctx(h, rules, h.snapshot(victims=(h.victim(1, "light"),)))
    notices = WF.notices(WF.create_notify, ctx)
    assert [(n.event, n.urgent) for n in notices] == [("accident.declared", False)]


def test_declared_tasks_for_a_fatal_case(h, declare, rules):
    case = declare(victims=(h.victim(1, "death"),))
    tasks = {t.task.name: (t.role, t.due_at) for t in WF.open_tasks(case, now=h.NOW, rules=rules)}
    assert tasks == {
        "open_investigation": ("inspector", h.DECLARED + timedelta(days=30)),
        "scene_arrival": ("inspector", h.DECLARED + timedelta(hours=2)),
    }


def test_declared_tasks_for_enterprise_and_commune_cases(h, declare, rules):
    enterprise = declare(victims=(h.victim(1, "light"),))
    commune = declare(labour_relation=False, victims=(h.victim(1, "light"),))
    assert [(t.task.name, t.role) for t in WF.open_tasks(enterprise, now=h.NOW, rules=rules)] == [
        ("open_investigation", "enterprise")
    ]
    assert [
        (t.task.name, t.role, t.due_at) for t in WF.open_tasks(commune, now=h.NOW, rules=rules)
    ] == [("record_event", "commune", None)]


# -- opening the investigation ------------------------------------------------------------------


def test_inspector_opens_a_provincial_investigation_then_records_the_scene_arrival(
    h, declare, fire
):
    case = declare(victims=(h.victim(1, "death"),))
    fired = fire(case, "open_investigation", "inspector", {"team": PROVINCE_TEAM})
    assert fired.case.state == "investigating"
    assert fired.case.data["team"][0]["organisation"] == "inspectorate"
    # Forming the team is not reaching the scene: the 2-hour limit waits for its own record.
    assert fired.case.deadlines["scene_arrival"]["met_at"] is None
    assert fired.case.deadlines["investigation"]["met_at"] is None
    arrived = fire(fired.case, "record_scene_arrival", "inspector",
                   {"arrived_at": h.NOW, "arrived_by": "Trần Thanh Tra"})  # fmt: skip
    assert arrived.case.state == "investigating"
    assert arrived.case.deadlines["scene_arrival"]["met_at"] == h.NOW
    assert arrived.case.data["scene_arrival"]["arrived_by"] == "Trần Thanh Tra"


def test_an_arrival_before_the_declaration_counts_but_not_before_the_accident(h, declare, fire):
    """Told by phone, the inspectors may reach the scene before the declaration is entered."""
    case = declare(victims=(h.victim(1, "death"),))
    early = h.DECLARED - timedelta(minutes=10)  # after the accident at 08:30
    arrived = fire(case, "record_scene_arrival", "inspector",
                   {"arrived_at": early, "arrived_by": "Trần Thanh Tra"})  # fmt: skip
    assert arrived.case.deadlines["scene_arrival"]["met_at"] == h.NOW
    with pytest.raises(h.Refused) as refused:
        fire(case, "record_scene_arrival", "inspector",
             {"arrived_at": h.OCCURRED - timedelta(minutes=1), "arrived_by": "X"})  # fmt: skip
    assert "trước lúc xảy ra tai nạn (20/11/2026 08:30)" in refused.value.reasons[0]


def test_the_minutes_close_a_scene_visit_never_recorded(h, declare, fire):
    case = declare(victims=(h.victim(1, "death"),))
    case = fire(case, "open_investigation", "inspector", {"team": PROVINCE_TEAM}).case
    concluded = fire(case, "conclude", "inspector", dict(MINUTES)).case
    assert concluded.deadlines["scene_arrival"]["met_at"] is not None


@pytest.mark.parametrize(
    ("outcome", "role", "team", "allowed"),
    [
        ("death", "inspector", PROVINCE_TEAM, True),
        ("death", "enterprise", ENTERPRISE_TEAM, False),
        (
            "death",
            "inspector",
            ENTERPRISE_TEAM,
            False,
        ),  # a provincial team is headed by the inspectorate
        ("light", "enterprise", ENTERPRISE_TEAM, True),
        ("light", "inspector", PROVINCE_TEAM, False),
        ("light", "enterprise", PROVINCE_TEAM, False),
        ("light", "union", ENTERPRISE_TEAM, False),
    ],
)
def test_open_investigation_truth_table(h, declare, fire, outcome, role, team, allowed):
    case = declare(victims=(h.victim(1, outcome),))
    if allowed:
        assert fire(case, "open_investigation", role, {"team": team}).case.state == "investigating"
    else:
        with pytest.raises(h.Refused):
            fire(case, "open_investigation", role, {"team": team})


def test_nobody_opens_an_investigation_of_a_commune_record(h, declare, refusal):
    case = declare(labour_relation=False, victims=(h.victim(1, "serious"),))
    assert "UBND cấp xã" in refusal(
        case, "open_investigation", "enterprise", {"team": ENTERPRISE_TEAM}
    )


def test_technical_exam_sets_60_days_from_declaration(h, declare, fire):
    case = declare(victims=(h.victim(1, "serious"),))
    fired = fire(
        case,
        "open_investigation",
        "enterprise",
        {"team": ENTERPRISE_TEAM, "needs_technical_exam": True},
        now=h.NOW + timedelta(days=2),
    )
    assert fired.case.deadlines["investigation"]["due_at"] == h.DECLARED + timedelta(days=60)
    assert fired.case.deadlines["investigation"]["days"] == 60
    assert fired.case.data["needs_technical_exam"] is True


def test_team_without_exactly_one_head_is_invalid_input(h, declare, fire):
    case = declare(victims=(h.victim(1, "death"),))
    two_heads = PROVINCE_TEAM + [{"name": "X", "organisation": "police", "role": "head"}]
    with pytest.raises(h.Invalid) as info:
        fire(case, "open_investigation", "inspector", {"team": two_heads})
    assert "team" in info.value.errors


# -- commune record and rejection ---------------------------------------------------------------


def test_commune_records_the_event_of_an_informal_worker(h, declare, fire):
    case = declare(labour_relation=False, victims=(h.victim(1, "serious"),))
    fired = fire(case, "record_event", "commune", {"note": "Biên bản ghi nhận"})
    assert fired.case.state == "recorded"
    assert fired.case.data["record"]["note"] == "Biên bản ghi nhận"
    closed = fire(fired.case, "close", "commune")
    assert closed.case.state == "closed"


def test_commune_may_not_record_a_provincial_case(h, declare, refusal):
    case = declare(labour_relation=False, victims=(h.victim(1, "death"),))
    assert refusal(case, "record_event", "commune", {"note": "x"})


def test_reject_stores_reason_and_duplicate_and_closes_deadlines(h, declare, fire):
    case = declare(victims=(h.victim(1, "death"),))
    fired = fire(
        case, "reject", "inspector", {"reason": "Trùng", "duplicate_of": "hp-2026-a000002"}
    )
    assert fired.case.state == "rejected"
    assert fired.case.data["rejection"]["duplicate_of"] == "HP-2026-A000002"
    assert all(d["met_at"] == h.NOW for d in fired.case.deadlines.values())


def test_reject_notifies_the_declarer(h, declare, fire):
    by_enterprise = fire(
        declare(victims=(h.victim(1, "light"),)), "reject", "inspector", {"reason": "x"}
    )
    by_commune = fire(
        declare(labour_relation=False, victims=(h.victim(1, "light"),)),
        "reject",
        "inspector",
        {"reason": "x"},
    )
    assert [n.roles for n in WF.notices(by_enterprise.transition, by_enterprise.ctx)] == [
        ("enterprise",)
    ]
    assert [n.roles for n in WF.notices(by_commune.transition, by_commune.ctx)] == [("commune",)]


def test_only_inspector_rejects(h, declare, refusal):
    case = declare(victims=(h.victim(1, "light"),))
    assert refusal(case, "reject", "enterprise", {"reason": "x"})


def test_case_cannot_be_its_own_duplicate(h, declare, refusal):
    case = declare(victims=(h.victim(1, "light"),))
    assert "chính nó" in refusal(
        case, "reject", "inspector", {"reason": "x", "duplicate_of": case.code}
    )


# -- extension, police, death -------------------------------------------------------------------


def _investigating(h, declare, fire, *victims, labour_relation=True):
    case = declare(victims=victims, labour_relation=labour_relation)
    level_role = "inspector" if case.investigation_level == "province" else "enterprise"
    team = PROVINCE_TEAM if level_role == "inspector" else ENTERPRISE_TEAM
    return fire(case, "open_investigation", level_role, {"team": team}).case


def test_extension_adds_days_once(h, declare, fire, refusal):
    case = _investigating(h, declare, fire, h.victim(1, "serious"))
    fired = fire(case, "extend_deadline", "enterprise", {"days": 7, "reason": "Chờ kết quả"})
    assert fired.transition.dest is None and fired.case.state == "investigating"
    deadline = fired.case.deadlines["investigation"]
    assert deadline["due_at"] == h.DECLARED + timedelta(days=14)
    assert deadline["extended"] is True and deadline["days"] == 7
    assert "một lần" in refusal(
        fired.case, "extend_deadline", "enterprise", {"days": 1, "reason": "x"}
    )


def test_extension_may_not_exceed_the_original_limit(h, declare, fire, refusal):
    case = _investigating(h, declare, fire, h.victim(1, "serious"))
    assert "(7 ngày)" in refusal(case, "extend_deadline", "enterprise", {"days": 8, "reason": "x"})
    assert refusal(case, "extend_deadline", "enterprise", {"days": 0, "reason": "x"})


def test_light_accident_is_never_extended(h, declare, fire, refusal):
    case = _investigating(h, declare, fire, h.victim(1, "light"))
    assert "nhẹ" in refusal(case, "extend_deadline", "enterprise", {"days": 1, "reason": "x"})


@pytest.mark.parametrize(("outcome", "role"), [("serious", "inspector"), ("death", "enterprise")])
def test_extension_role_must_match_the_level(h, declare, fire, refusal, outcome, role):
    case = _investigating(h, declare, fire, h.victim(1, outcome))
    assert refusal(case, "extend_deadline", role, {"days": 1, "reason": "x"})


def test_police_referral_pauses_and_resume_restarts_the_full_limit(h, declare, fire):
    case = _investigating(h, declare, fire, h.victim(1, "death"))
    referred_at = h.NOW + timedelta(days=10)
    suspended = fire(
        case, "refer_to_police", "inspector", {"reason": "Dấu hiệu tội phạm"}, now=referred_at
    )
    assert suspended.case.state == "suspended"
    assert suspended.outcome.deadlines["investigation"].paused is True
    remaining = suspended.case.data["police_referral"]["remaining_seconds"]
    expected_remaining = (h.DECLARED + timedelta(days=30) - referred_at).total_seconds()
    assert remaining == expected_remaining
    returned = h.NOW + timedelta(days=40)
    resumed = fire(
        suspended.case, "resume", "inspector", {"returned_at": returned.isoformat()}, now=returned
    )
    assert resumed.case.state == "investigating"
    deadline = resumed.case.deadlines["investigation"]
    assert deadline["due_at"] == returned + timedelta(days=30)
    assert deadline["paused_at"] is None and deadline["started_at"] == returned


def test_resume_before_referral_is_refused(h, declare, fire, refusal):
    case = _investigating(h, declare, fire, h.victim(1, "death"))
    later = h.NOW + timedelta(days=3)
    suspended = fire(case, "refer_to_police", "inspector", {"reason": "x"}, now=later).case
    assert refusal(suspended, "resume", "inspector", {"returned_at": h.NOW.isoformat()}, now=later)


def test_record_death_escalates_to_fatal_province_from_the_later_death(h, declare, fire):
    case = _investigating(h, declare, fire, h.victim(1, "serious"))
    assert case.deadlines["investigation"]["due_at"] == h.DECLARED + timedelta(days=7)
    died = h.DECLARED + timedelta(days=3)
    fired = fire(
        case,
        "record_death",
        "enterprise",
        {"victim_id": 1, "died_at": died.isoformat()},
        now=died + timedelta(hours=1),
    )
    assert fired.case.state == "investigating"
    assert (fired.case.severity, fired.case.investigation_level) == ("fatal", "province")
    assert fired.case.victims[0]["outcome"] == "death"
    assert fired.case.victims[0]["died_at"] == died
    assert fired.case.deadlines["investigation"]["due_at"] == died + timedelta(days=30)
    notices = WF.notices(fired.transition, fired.ctx)
    assert any(n.urgent and n.roles == ("inspector",) for n in notices)


def test_record_death_before_declaration_counts_from_declaration(h, declare, fire):
    case = declare(victims=(h.victim(1, "serious"),))
    died = h.OCCURRED + timedelta(minutes=10)  # before the 09:00 declaration
    fired = fire(case, "record_death", "inspector", {"victim_id": 1, "died_at": died.isoformat()})
    assert fired.case.state == "declared"
    assert fired.case.deadlines["investigation"]["due_at"] == h.DECLARED + timedelta(days=30)
    assert fired.case.deadlines["scene_arrival"]["due_at"] == h.NOW + timedelta(hours=2)


def test_record_death_makes_a_commune_record_provincial(h, declare, fire):
    case = declare(labour_relation=False, victims=(h.victim(1, "serious"),))
    fired = fire(case, "record_death", "inspector", {"victim_id": 1, "died_at": h.NOW.isoformat()})
    assert fired.case.investigation_level == "province"
    assert fired.case.deadlines["investigation"]["days"] == 30


def test_record_death_while_suspended_keeps_the_clock_paused(h, declare, fire):
    case = _investigating(h, declare, fire, h.victim(1, "serious"), h.victim(2, "serious"))
    suspended = fire(case, "refer_to_police", "inspector", {"reason": "x"}).case
    fired = fire(
        suspended, "record_death", "inspector", {"victim_id": 2, "died_at": h.NOW.isoformat()}
    )
    assert fired.outcome.deadlines["investigation"].paused is True
    assert fired.case.state == "suspended"


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"victim_id": 9, "died_at": "2026-11-20T09:30:00+07:00"}, "Không tìm thấy"),
        ({"victim_id": 1, "died_at": "2026-11-20T07:00:00+07:00"}, "trước thời điểm xảy ra"),
        ({"victim_id": 1, "died_at": "2026-11-21T07:00:00+07:00"}, "tương lai"),
    ],
)
def test_record_death_guard(h, declare, refusal, payload, reason):
    case = declare(victims=(h.victim(1, "serious"),))
    assert reason in refusal(case, "record_death", "inspector", payload)


def test_record_death_of_a_dead_victim_is_refused(h, declare, refusal):
    case = declare(victims=(h.victim(1, "death"),))
    assert "Mọi nạn nhân đã được ghi nhận tử vong" in refusal(
        case, "record_death", "inspector", {"victim_id": 1, "died_at": h.NOW.isoformat()}
    )


# -- minutes, announcement, claims --------------------------------------------------------------


def _concluded(h, declare, fire, *victims, minutes=MINUTES, labour_relation=True):
    case = _investigating(h, declare, fire, *victims, labour_relation=labour_relation)
    role = "inspector" if case.investigation_level == "province" else "enterprise"
    return fire(case, "conclude", role, minutes, now=h.NOW + timedelta(days=5)).case


@pytest.mark.parametrize(
    ("outcome", "head_role", "other"),
    [("death", "inspector", "enterprise"), ("light", "enterprise", "inspector")],
)
def test_only_the_team_heads_role_concludes(h, declare, fire, refusal, outcome, head_role, other):
    case = _investigating(h, declare, fire, h.victim(1, outcome))
    assert "trưởng đoàn" in refusal(case, "conclude", other, MINUTES)
    fired = fire(case, "conclude", head_role, {**MINUTES, "dissent": ["Không đồng ý"]})
    assert fired.case.state == "concluded"
    assert fired.case.data["minutes"]["dissent"] == ["Không đồng ý"]
    assert fired.case.data["minutes"]["causes"] == MINUTES["causes"]


def test_coded_minutes_and_property_damage_derive_the_statistics_columns(h, declare, fire):
    from workflows.accident import STATISTICS_COLUMNS

    coded = {**MINUTES, "cause_code": "nsd01", "injuring_factor_code": "YT02",
             "property_damage_vnd": "40000000"}  # fmt: skip
    case = _concluded(h, declare, fire, h.victim(1, "light"), minutes=coded)
    assert case.data["minutes"]["cause_code"] == "NSD01"
    assert case.data["minutes"]["injuring_factor_code"] == "YT02"
    assert case.data["property_damage_vnd"] == 40_000_000
    columns = {name: derive(case.data) for name, derive in STATISTICS_COLUMNS.items()}
    assert columns == {"accident_type": "at_work", "cause_code": "NSD01",
                       "injuring_factor_code": "YT02", "not_work_accident": False,
                       "property_damage_vnd": 40_000_000}  # fmt: skip
    plain = _concluded(h, declare, fire, h.victim(1, "light"))
    assert "cause_code" not in plain.data["minutes"] and "property_damage_vnd" not in plain.data


def test_fatal_announcement_without_procuracy_is_refused(h, declare, fire, refusal):
    case = _concluded(h, declare, fire, h.victim(1, "death"))
    attendees = [a for a in FATAL_ATTENDEES if a["organisation"] != "procuracy"]
    meeting = h.NOW + timedelta(days=6)
    reason = refusal(
        case,
        "announce",
        "inspector",
        {"meeting_at": meeting.isoformat(), "attendees": attendees},
        now=meeting,
    )
    assert "viện kiểm sát" in reason and "công an" not in reason


def test_announcing_a_fatal_work_accident_opens_an_assessed_death_claim(h, declare, fire):
    case = _concluded(h, declare, fire, h.victim(1, "death"), h.victim(2, "serious"))
    meeting = h.NOW + timedelta(days=6)
    fired = fire(
        case,
        "announce",
        "inspector",
        {"meeting_at": meeting.isoformat(), "attendees": FATAL_ATTENDEES},
        now=meeting + timedelta(hours=1),
    )
    assert fired.case.state == "announced"
    assert fired.case.data["announcement"]["announced_at"] == meeting.isoformat()
    assert fired.case.deadlines["investigation"]["met_at"] == meeting + timedelta(hours=1)
    dead, injured = fired.outcome.children
    assert (dead.kind, dead.state, dead.victim_id) == ("claim", "assessed", 1)
    assert (injured.kind, injured.state, injured.victim_id) == ("claim", "treatment", 2)
    assert dead.data["death"] is True and injured.data["death"] is False
    assert dead.data["compensation"]["minimum_vnd"] == 300_000_000
    assert dead.data["compensation"]["due_at"] == (meeting + timedelta(days=5)).isoformat()
    assert dead.deadlines["compensation"].due_at == meeting + timedelta(days=5)
    # 36 × the base salary in force on the accident day (2,530,000 from 1 July 2026).
    assert dead.data["insurance"]["expected_vnd"] == 91_080_000
    assert dead.deadlines["insurance_filing"].due_at == meeting + timedelta(days=30)
    for child in (dead, injured):
        assert child.data["victim_id"] == child.victim_id
        assert child.data["monthly_wage_vnd"] == 10_000_000
        assert child.data["insured"] is True and child.data["si_years"] == 6
        assert child.data["worker_at_fault"] is False
    assert fired.case.data["claimed_victim_ids"] == [1, 2]


def test_not_a_work_accident_opens_no_claims(h, declare, fire):
    case = _concluded(
        h, declare, fire, h.victim(1, "light"), minutes={**MINUTES, "is_work_accident": False}
    )
    meeting = h.NOW + timedelta(days=6)
    fired = fire(
        case,
        "announce",
        "enterprise",
        {
            "meeting_at": meeting.isoformat(),
            "attendees": [{"name": "A", "organisation": "employer"}],
        },
        now=meeting,
    )
    assert fired.outcome.children == ()


def test_announcement_meeting_may_not_be_in_the_future(h, declare, fire, refusal):
    case = _concluded(h, declare, fire, h.victim(1, "light"))
    meeting = h.NOW + timedelta(days=6)
    attendees = [{"name": "A", "organisation": "employer"}]
    assert "tương lai" in refusal(
        case,
        "announce",
        "enterprise",
        {"meeting_at": meeting.isoformat(), "attendees": attendees},
        now=meeting - timedelta(hours=1),
    )


def _announced(h, declare, fire, *victims):
    case = _concluded(h, declare, fire, *victims)
    meeting = h.NOW + timedelta(days=6)
    return fire(
        case,
        "announce",
        "inspector",
        {"meeting_at": meeting.isoformat(), "attendees": FATAL_ATTENDEES},
        now=meeting,
    ).case, meeting


def test_reopen_within_90_days_supersedes_the_minutes(h, declare, fire):
    case, meeting = _announced(h, declare, fire, h.victim(1, "death"))
    received = meeting + timedelta(days=89)
    fired = fire(
        case,
        "reopen",
        "inspector",
        {
            "complaint_received_at": received.isoformat(),
            "reason": "Gia đình khiếu nại",
            "team": PROVINCE_TEAM,
        },
        now=received + timedelta(days=1),
    )
    assert fired.case.state == "investigating"
    assert "minutes" not in fired.case.data and "announcement" not in fired.case.data
    (old,) = fired.case.data["superseded_minutes"]
    assert old["causes"] == MINUTES["causes"] and old["announced_at"] == meeting.isoformat()
    assert fired.case.deadlines["investigation"]["met_at"] is None
    assert fired.case.deadlines["investigation"]["due_at"] == received + timedelta(days=31)


def test_reopen_after_90_days_is_refused(h, declare, fire, refusal):
    case, meeting = _announced(h, declare, fire, h.victim(1, "death"))
    received = meeting + timedelta(days=90, hours=1)
    reason = refusal(
        case,
        "reopen",
        "inspector",
        {"complaint_received_at": received.isoformat(), "reason": "x", "team": PROVINCE_TEAM},
        now=received,
    )
    assert "90 ngày" in reason


def test_reannouncing_after_reopen_does_not_duplicate_claims(h, declare, fire):
    case, meeting = _announced(h, declare, fire, h.victim(1, "death"))
    received = meeting + timedelta(days=10)
    reopened = fire(
        case,
        "reopen",
        "inspector",
        {"complaint_received_at": received.isoformat(), "reason": "x", "team": PROVINCE_TEAM},
        now=received,
    ).case
    concluded = fire(reopened, "conclude", "inspector", MINUTES, now=received).case
    again = fire(
        concluded,
        "announce",
        "inspector",
        {"meeting_at": received.isoformat(), "attendees": FATAL_ATTENDEES},
        now=received,
    )
    assert again.outcome.children == ()


def test_reopening_an_enterprise_case_makes_it_provincial(h, declare, fire):
    case = _concluded(h, declare, fire, h.victim(1, "serious"))
    meeting = h.NOW + timedelta(days=6)
    announced = fire(
        case,
        "announce",
        "enterprise",
        {
            "meeting_at": meeting.isoformat(),
            "attendees": [{"name": "A", "organisation": "employer"}],
        },
        now=meeting,
    ).case
    fired = fire(
        announced,
        "reopen",
        "inspector",
        {"complaint_received_at": meeting.isoformat(), "reason": "x", "team": PROVINCE_TEAM},
        now=meeting,
    )
    assert fired.case.investigation_level == "province"


def test_close_waits_for_every_claim(h, declare, fire, refusal):
    case, meeting = _announced(h, declare, fire, h.victim(1, "death"))
    open_child = replace(case, children=({"id": 5, "kind": "claim", "state": "assessed"},))
    assert "1 hồ sơ bồi thường" in refusal(open_child, "close", "inspector", now=meeting)
    closed_child = replace(case, children=({"id": 5, "kind": "claim", "state": "closed"},))
    # The dossier complete (every paper attached): only the claims were waited for.
    closed_child = h.attached(closed_child)
    assert refusal(closed_child, "close", "enterprise", now=meeting)  # province: inspector closes
    assert fire(closed_child, "close", "inspector", now=meeting).case.state == "closed"


def test_a_close_waiting_on_claims_is_named_with_what_it_waits_on(h, declare, fire, rules):
    """The investigating body sees "close" waiting on the open claims (the page names it);
    an enterprise that is not the investigating body does not; with every claim closed it is
    offered, not waiting."""
    case, meeting = _announced(h, declare, fire, h.victim(1, "death"))
    open_child = h.attached(
        replace(case, children=({"id": 5, "kind": "claim", "state": "assessed"},))
    )
    waiting = WF.waiting(Context(open_child, actor("inspector"), {}, meeting, rules))
    assert [trigger for trigger, _ in waiting] == ["close"]
    assert "chỉ đóng khi mọi hồ sơ đã đóng" in waiting[0][1][0]
    assert WF.waiting(Context(open_child, actor("enterprise"), {}, meeting, rules)) == ()
    closed_child = replace(open_child, children=({"id": 5, "kind": "claim", "state": "closed"},))
    ready = Context(closed_child, actor("inspector"), {}, meeting, rules)
    assert WF.waiting(ready) == () and "close" in WF.offered(ready)


def test_announced_close_task_appears_only_when_claims_are_closed(h, declare, fire, rules):
    case, meeting = _announced(h, declare, fire, h.victim(1, "death"))
    open_child = replace(case, children=({"id": 5, "kind": "claim", "state": "assessed"},))
    closed_child = replace(case, children=({"id": 5, "kind": "claim", "state": "closed"},))
    assert WF.open_tasks(open_child, now=meeting, rules=rules) == ()
    assert [
        (t.task.name, t.role) for t in WF.open_tasks(closed_child, now=meeting, rules=rules)
    ] == [("close", "inspector")]


def test_investigating_task_goes_to_the_team_heads_role(h, declare, fire, rules):
    case = _investigating(h, declare, fire, h.victim(1, "light"))
    (task,) = WF.open_tasks(case, now=h.NOW, rules=rules)
    assert (task.task.name, task.role, task.due_at) == (
        "conclude",
        "enterprise",
        h.DECLARED + timedelta(days=4),
    )


# -- what is offered before any input ----------------------------------------------------------


def test_actions_offered_on_a_declared_fatal_case(h, declare, offered):
    case = declare(victims=(h.victim(1, "death"),))
    assert offered(case, "inspector") == ["open_investigation", "record_scene_arrival", "reject"]
    assert offered(case, "enterprise") == []
    assert offered(case, "commune") == []


def test_actions_offered_on_declared_enterprise_and_commune_cases(h, declare, offered):
    enterprise = declare(victims=(h.victim(1, "serious"),))
    assert offered(enterprise, "enterprise") == ["open_investigation", "record_death"]
    assert offered(enterprise, "inspector") == ["reject", "record_death"]
    commune = declare(labour_relation=False, victims=(h.victim(1, "serious"),))
    assert offered(commune, "commune") == ["record_event"]


def test_actions_offered_while_investigating(h, declare, fire, offered):
    serious = _investigating(h, declare, fire, h.victim(1, "serious"))
    # Papers are missing from the dossier: its keepers may mark one not applicable.
    assert offered(serious, "enterprise") == [
        "extend_deadline", "record_death", "conclude", "mark_not_applicable"
    ]  # fmt: skip
    assert offered(serious, "inspector") == [
        "refer_to_police", "record_death", "mark_not_applicable"
    ]  # fmt: skip
    light = _investigating(h, declare, fire, h.victim(1, "light"))
    assert offered(light, "enterprise") == ["record_death", "conclude", "mark_not_applicable"]
    assert offered(h.attached(light), "enterprise") == ["record_death", "conclude"]


def test_actions_offered_after_the_announcement(h, declare, fire, offered):
    case, meeting = _announced(h, declare, fire, h.victim(1, "death"))
    case = h.attached(case)
    assert offered(case, "inspector", now=meeting) == ["reopen", "close"]
    late = meeting + timedelta(days=100)
    # The 90-day window judges the complaint date the inspector will enter, so reopen stays
    # offered; the refusal comes with the input.
    assert offered(case, "inspector", now=late) == ["reopen", "close"]


def test_input_problems_name_their_field(h, declare, fire):
    case = _concluded(h, declare, fire, h.victim(1, "death"))
    meeting = h.NOW + timedelta(days=6)
    with pytest.raises(h.Refused) as info:
        fire(
            case,
            "announce",
            "inspector",
            {
                "meeting_at": meeting.isoformat(),
                "attendees": [{"name": "A", "organisation": "police"}],
            },
            now=meeting,
        )
    assert [r.field for r in info.value.reasons] == ["attendees"]
    with pytest.raises(h.Refused) as info:
        fire(
            case,
            "announce",
            "enterprise",
            {"meeting_at": meeting.isoformat(), "attendees": FATAL_ATTENDEES},
            now=meeting,
        )
    assert [getattr(r, "field", None) for r in info.value.reasons] == [None]


def test_record_death_of_an_already_dead_victim_faults_the_victim_field(h, declare, refusal, fire):
    case = declare(victims=(h.victim(1, "death"), h.victim(2, "serious")))
    with pytest.raises(h.Refused) as info:
        fire(case, "record_death", "inspector", {"victim_id": 1, "died_at": h.NOW.isoformat()})
    assert [(str(r), r.field) for r in info.value.reasons] == [
        ("Nạn nhân đã được ghi nhận tử vong.", "victim_id")
    ]
