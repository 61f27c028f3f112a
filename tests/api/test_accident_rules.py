"""The accident rules of workflows.md, through the HTTP API with bearer tokens.

Every refusal also checks that nothing changed: state, version, audit events, severity,
level, deadlines, data and children (``api.refused``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.factories import accident_body, victim_body


def declare(api, w, outcomes=("serious",), *, by=None, **fields):
    user = by or w.ent
    if user.role == "commune":
        fields.setdefault("labour_relation", False)
    return api.declared(user, accident_body(w.commune.code, outcomes, **fields))


def investigating(api, w, t, outcomes=("serious",), **fields):
    """A declared case with its team formed by the competent body."""
    case = declare(api, w, outcomes, **fields)
    if case["investigation_level"] == "province":
        api.acted(case["id"], "open_investigation", w.insp, team=t.PROVINCE_TEAM)
    else:
        api.acted(case["id"], "open_investigation", w.ent, team=t.ENTERPRISE_TEAM)
    return case


def head_of(w, case):
    return w.insp if case["investigation_level"] == "province" else w.ent


def announced(api, w, t, outcomes=("serious",), minutes=None, **fields):
    case = investigating(api, w, t, outcomes, **fields)
    head = head_of(w, case)
    api.acted(case["id"], "conclude", head, **(minutes or t.MINUTES))
    attendees = t.FATAL_ATTENDEES if "death" in outcomes else t.ATTENDEES
    return api.acted(
        case["id"], "announce", head, meeting_at=t.NOW.isoformat(), attendees=attendees
    )


# --------------------------------------------------------------------------------------------
# Classification at declaration: level, severity, clocks
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("declarer", "outcomes", "severity", "level", "days", "scene"),
    [
        ("ent", ("death",), "fatal", "province", 30, True),
        ("ent", ("death", "light"), "fatal", "province", 30, True),
        ("ent", ("serious", "serious"), "serious", "province", 20, True),
        ("ent", ("serious",), "serious", "enterprise", 7, False),
        ("ent", ("serious", "light"), "serious", "enterprise", 7, False),
        ("ent", ("light",), "light", "enterprise", 4, False),
        ("comm", ("serious",), "serious", "commune_record", None, False),
        ("comm", ("light",), "light", "commune_record", None, False),
        ("comm", ("serious", "serious"), "serious", "province", 20, True),
        ("comm", ("death",), "fatal", "province", 30, True),
    ],
)
def test_declaration_derives_severity_level_and_clocks(
    api, w, t, declarer, outcomes, severity, level, days, scene
):
    case = declare(api, w, outcomes, by=getattr(w, declarer))
    assert case["state"] == "declared"
    assert (case["severity"], case["investigation_level"]) == (severity, level)
    assert case["labour_relation"] is (declarer == "ent")
    if days is None:
        assert t.deadline(case, "investigation") is None
    else:
        assert t.deadline(case, "investigation")["days"] == days
        assert t.due(case, "investigation") == t.NOW + timedelta(days=days)
    if scene:
        assert t.due(case, "scene_arrival") == t.NOW + timedelta(hours=2)
    else:
        assert t.deadline(case, "scene_arrival") is None


def test_fatal_declaration_opens_the_two_hour_scene_task_for_inspectors(api, w, t):
    case = declare(api, w, ("death",))
    tasks = api.get("/tasks", w.insp).get_json()
    scene = [x for x in tasks if x["case_id"] == case["id"] and x["name"] == "scene_arrival"]
    assert len(scene) == 1
    assert datetime.fromisoformat(scene[0]["due_at"]) == t.NOW + timedelta(hours=2)
    assert "open_investigation" in api.get(f"/cases/{case['id']}", w.insp).get_json()["actions"]
    assert "open_investigation" not in api.get(f"/cases/{case['id']}", w.ent).get_json()["actions"]


@pytest.mark.parametrize(("outcomes", "by"), [(("death",), "insp"), (("serious",), "ent")])
def test_technical_examination_sets_sixty_days_from_the_declaration(api, w, t, outcomes, by):
    case = declare(api, w, outcomes)
    team = t.PROVINCE_TEAM if by == "insp" else t.ENTERPRISE_TEAM
    t.freeze(t.at(hours=1))
    body = api.acted(
        case["id"], "open_investigation", getattr(w, by), team=team, needs_technical_exam=True
    )
    assert body["state"] == "investigating"
    assert t.deadline(body, "investigation")["days"] == 60
    assert t.due(body, "investigation") == t.NOW + timedelta(days=60)
    assert body["data"]["needs_technical_exam"] is True


# --------------------------------------------------------------------------------------------
# open_investigation: the right body for the level
# --------------------------------------------------------------------------------------------


def test_enterprise_opens_its_own_level_investigation(api, w, t):
    case = declare(api, w, ("serious",))
    cid = case["id"]
    api.refused(cid, "open_investigation", w.insp, 409, team=t.PROVINCE_TEAM)
    api.refused(cid, "open_investigation", w.union, 403, team=t.ENTERPRISE_TEAM)
    api.refused(cid, "open_investigation", w.comm, 403, team=t.ENTERPRISE_TEAM)
    body = api.refused(cid, "open_investigation", w.ent, 422, team=t.PROVINCE_TEAM)
    assert "team" in body["errors"]
    body = api.refused(cid, "open_investigation", w.ent, 422)
    assert "team" in body["errors"]
    api.refused(cid, "open_investigation", w.ent, 409, team=t.ENTERPRISE_TEAM, version=99)
    opened = api.acted(cid, "open_investigation", w.ent, team=t.ENTERPRISE_TEAM)
    assert opened["state"] == "investigating"
    assert opened["version"] == 2
    assert opened["data"]["team"][0]["organisation"] == "employer"
    api.refused(cid, "open_investigation", w.ent, 409, team=t.ENTERPRISE_TEAM)


def test_inspector_opens_a_provincial_investigation(api, w, t):
    case = declare(api, w, ("death",))
    cid = case["id"]
    api.refused(cid, "open_investigation", w.ent, 409, team=t.ENTERPRISE_TEAM)
    body = api.refused(cid, "open_investigation", w.insp, 422, team=t.ENTERPRISE_TEAM)
    assert "team" in body["errors"]
    opened = api.acted(cid, "open_investigation", w.insp, team=t.PROVINCE_TEAM)
    assert opened["state"] == "investigating"
    # Forming the team does not say anyone reached the scene: the arrival is its own record.
    assert t.deadline(opened, "scene_arrival")["met_at"] is None
    assert t.deadline(opened, "investigation")["met_at"] is None
    api.refused(cid, "record_scene_arrival", w.ent, 403, arrived_at=t.NOW.isoformat(),
                arrived_by="Người khác")  # fmt: skip
    arrived = api.acted(cid, "record_scene_arrival", w.insp, arrived_at=t.NOW.isoformat(),
                        arrived_by="Trần Thanh Tra")  # fmt: skip
    assert t.deadline(arrived, "scene_arrival")["met_at"] is not None
    assert arrived["state"] == "investigating"
    api.refused(cid, "record_scene_arrival", w.insp, 409, arrived_at=t.NOW.isoformat(),
                arrived_by="Trần Thanh Tra")  # fmt: skip


def test_nobody_opens_an_investigation_of_a_commune_record(api, w, t):
    case = declare(api, w, ("serious",), by=w.comm)
    api.refused(case["id"], "open_investigation", w.insp, 409, team=t.PROVINCE_TEAM)
    api.refused(case["id"], "open_investigation", w.comm, 403, team=t.PROVINCE_TEAM)
    # An enterprise does not see a commune's case at all.
    assert (
        api.act(case["id"], "open_investigation", w.ent, team=t.ENTERPRISE_TEAM).status_code == 404
    )


def test_unknown_trigger_and_missing_version(api, w, t):
    case = declare(api, w)
    api.refused(case["id"], "teleport", w.insp, 404)
    before = api.observe(case["id"])
    response = api.post(
        f"/cases/{case['id']}/actions/open_investigation", w.ent, json={"team": t.ENTERPRISE_TEAM}
    )
    assert response.status_code == 422
    assert "version" in response.get_json()["errors"]
    assert api.observe(case["id"]) == before


# --------------------------------------------------------------------------------------------
# extend_deadline
# --------------------------------------------------------------------------------------------


def test_extension_once_and_no_longer_than_the_original_limit(api, w, t):
    case = investigating(api, w, t, ("serious",))
    cid = case["id"]
    body = api.refused(cid, "extend_deadline", w.ent, 422, days=8, reason="Chờ kết quả")
    assert "days" in body["errors"]
    api.refused(cid, "extend_deadline", w.ent, 422, days=0, reason="Chờ kết quả")
    api.refused(cid, "extend_deadline", w.ent, 422, days=3)
    api.refused(cid, "extend_deadline", w.insp, 409, days=3, reason="Chờ kết quả")
    api.refused(cid, "extend_deadline", w.union, 403, days=3, reason="Chờ kết quả")
    body = api.acted(cid, "extend_deadline", w.ent, days=7, reason="Chờ lời khai")
    assert body["state"] == "investigating"
    deadline = t.deadline(body, "investigation")
    assert deadline["extended"] is True
    assert t.due(body, "investigation") == t.NOW + timedelta(days=14)
    api.refused(cid, "extend_deadline", w.ent, 409, days=1, reason="Lần hai")


def test_provincial_extension_is_the_inspectors(api, w, t):
    case = investigating(api, w, t, ("death",))
    api.refused(case["id"], "extend_deadline", w.ent, 409, days=10, reason="Chờ giám định")
    body = api.acted(case["id"], "extend_deadline", w.insp, days=30, reason="Chờ giám định")
    assert t.due(body, "investigation") == t.NOW + timedelta(days=60)


def test_light_accident_is_never_extended(api, w, t):
    case = investigating(api, w, t, ("light",))
    api.refused(case["id"], "extend_deadline", w.ent, 409, days=1, reason="Chờ")


def test_no_extension_before_the_investigation(api, w, t):
    case = declare(api, w, ("serious",))
    api.refused(case["id"], "extend_deadline", w.ent, 409, days=1, reason="Chờ")


# --------------------------------------------------------------------------------------------
# refer_to_police / resume
# --------------------------------------------------------------------------------------------


def test_police_referral_stops_the_clock_and_resume_restarts_it(api, w, t):
    case = investigating(api, w, t, ("death",))
    cid = case["id"]
    t.freeze(t.at(days=5))
    api.refused(cid, "refer_to_police", w.ent, 403, reason="Dấu hiệu vi phạm")
    body = api.acted(cid, "refer_to_police", w.insp, reason="Dấu hiệu tội phạm")
    assert body["state"] == "suspended"
    assert t.deadline(body, "investigation")["paused"] is True
    # Past the original limit, a stopped clock is not overdue and the case cannot conclude.
    t.freeze(t.at(days=40))
    body = api.get(f"/cases/{cid}", w.insp).get_json()
    assert t.deadline(body, "investigation")["overdue"] is False
    api.refused(cid, "conclude", w.insp, 409, **t.MINUTES)
    api.refused(cid, "resume", w.ent, 403, returned_at=t.at(days=39).isoformat())
    body = api.refused(cid, "resume", w.insp, 422, returned_at=t.at(days=4).isoformat())
    assert "returned_at" in body["errors"]
    body = api.refused(cid, "resume", w.insp, 422, returned_at=t.at(days=41).isoformat())
    assert "returned_at" in body["errors"]
    body = api.acted(cid, "resume", w.insp, returned_at=t.at(days=39).isoformat())
    assert body["state"] == "investigating"
    deadline = t.deadline(body, "investigation")
    assert deadline["paused"] is False
    assert t.due(body, "investigation") == t.at(days=39) + timedelta(days=30)


# --------------------------------------------------------------------------------------------
# record_death: escalation
# --------------------------------------------------------------------------------------------


def test_record_death_escalates_a_declared_case_to_fatal_and_provincial(api, w, t):
    case = declare(api, w, ("serious", "light"))
    cid = case["id"]
    victim = case["victims"][0]["id"]
    t.freeze(t.at(days=3))
    died = t.at(days=2).isoformat()
    api.refused(cid, "record_death", w.union, 403, victim_id=victim, died_at=died)
    body = api.refused(cid, "record_death", w.ent, 422, victim_id=999999, died_at=died)
    assert "victim_id" in body["errors"]
    body = api.refused(
        cid, "record_death", w.ent, 422, victim_id=victim, died_at=t.at(days=4).isoformat()
    )
    assert "died_at" in body["errors"]
    body = api.acted(cid, "record_death", w.ent, victim_id=victim, died_at=died)
    assert (body["severity"], body["investigation_level"], body["state"]) == (
        "fatal",
        "province",
        "declared",
    )
    assert t.deadline(body, "investigation")["days"] == 30
    assert t.due(body, "investigation") == t.at(days=2) + timedelta(days=30)
    assert t.due(body, "scene_arrival") == t.at(days=3, hours=2)
    assert [v["outcome"] for v in body["victims"]] == ["death", "light"]
    # Now only the provincial inspectorate investigates.
    api.refused(cid, "open_investigation", w.ent, 409, team=t.ENTERPRISE_TEAM)
    api.acted(cid, "open_investigation", w.insp, team=t.PROVINCE_TEAM)


def test_record_death_of_a_dead_victim_is_refused(api, w, t):
    case = declare(api, w, ("death", "serious"))
    dead = case["victims"][0]["id"]
    body = api.refused(
        case["id"], "record_death", w.insp, 422, victim_id=dead, died_at=t.NOW.isoformat()
    )
    assert "victim_id" in body["errors"]


def test_death_during_an_enterprise_investigation_hands_it_to_the_province(api, w, t):
    """Law §3.1: the employer's team hands the file over; the provincial team continues."""
    case = investigating(api, w, t, ("serious",))
    cid = case["id"]
    t.freeze(t.at(days=2))
    body = api.acted(
        cid,
        "record_death",
        w.ent,
        victim_id=case["victims"][0]["id"],
        died_at=t.at(days=1).isoformat(),
    )
    assert (body["severity"], body["investigation_level"]) == ("fatal", "province")
    assert t.due(body, "investigation") == t.at(days=1) + timedelta(days=30)
    # The employer's team may no longer conclude a fatal accident...
    api.refused(cid, "conclude", w.ent, 409, **t.MINUTES)
    # ...the inspectorate forms the provincial team, which takes the file over.
    assert api.get(f"/cases/{cid}", w.ent).get_json()["actions"] == []
    assert "take_over" in api.get(f"/cases/{cid}", w.insp).get_json()["actions"]
    tasks = api.get("/tasks", w.insp).get_json()
    assert [x["name"] for x in tasks if x["case_id"] == cid] == ["take_over"]
    assert [x["name"] for x in api.get("/tasks", w.ent).get_json() if x["case_id"] == cid] == []
    api.refused(cid, "open_investigation", w.insp, 409, team=t.PROVINCE_TEAM)
    api.refused(cid, "take_over", w.ent, 403, team=t.ENTERPRISE_TEAM)
    body = api.refused(cid, "take_over", w.insp, 422, team=t.ENTERPRISE_TEAM)
    assert "team" in body["errors"]
    taken = api.acted(cid, "take_over", w.insp, team=t.PROVINCE_TEAM)
    assert taken["state"] == "investigating"
    assert taken["data"]["team"][0]["organisation"] == "inspectorate"
    assert taken["data"]["handover"]["from_team"] == t.ENTERPRISE_TEAM
    assert t.due(taken, "investigation") == t.at(days=1) + timedelta(days=30)
    api.refused(cid, "take_over", w.insp, 409, team=t.PROVINCE_TEAM)
    api.refused(cid, "conclude", w.ent, 409, **t.MINUTES)
    api.acted(cid, "conclude", w.insp, **t.MINUTES)
    body = api.acted(
        cid, "announce", w.insp, meeting_at=t.at(days=2).isoformat(), attendees=t.FATAL_ATTENDEES
    )
    assert body["state"] == "announced"


# --------------------------------------------------------------------------------------------
# conclude / announce: the team head's role; claims
# --------------------------------------------------------------------------------------------


def test_enterprise_team_head_concludes_and_announces(api, w, t):
    case = investigating(api, w, t, ("serious",))
    cid = case["id"]
    api.refused(cid, "conclude", w.insp, 409, **t.MINUTES)
    api.refused(cid, "conclude", w.union, 403, **t.MINUTES)
    body = api.refused(cid, "conclude", w.ent, 422, **{**t.MINUTES, "causes": []})
    assert "causes" in body["errors"]
    api.refused(cid, "announce", w.ent, 409, meeting_at=t.NOW.isoformat(), attendees=t.ATTENDEES)
    body = api.acted(cid, "conclude", w.ent, **t.MINUTES)
    assert body["state"] == "concluded"
    assert body["data"]["minutes"]["is_work_accident"] is True
    api.refused(cid, "announce", w.insp, 409, meeting_at=t.NOW.isoformat(), attendees=t.ATTENDEES)
    body = api.refused(
        cid, "announce", w.ent, 422, meeting_at=t.at(days=1).isoformat(), attendees=t.ATTENDEES
    )
    assert "meeting_at" in body["errors"]
    body = api.acted(cid, "announce", w.ent, meeting_at=t.NOW.isoformat(), attendees=t.ATTENDEES)
    assert body["state"] == "announced"
    assert t.deadline(body, "investigation")["met_at"] is not None


def test_fatal_announcement_needs_police_and_procuracy(api, w, t):
    case = investigating(api, w, t, ("death",))
    cid = case["id"]
    api.refused(cid, "conclude", w.ent, 409, **t.MINUTES)
    api.acted(cid, "conclude", w.insp, **t.MINUTES)
    api.refused(
        cid, "announce", w.ent, 409, meeting_at=t.NOW.isoformat(), attendees=t.FATAL_ATTENDEES
    )
    for missing in ("police", "procuracy"):
        attendees = [a for a in t.FATAL_ATTENDEES if a["organisation"] != missing]
        body = api.refused(
            cid, "announce", w.insp, 422, meeting_at=t.NOW.isoformat(), attendees=attendees
        )
        assert "attendees" in body["errors"]
    body = api.acted(
        cid, "announce", w.insp, meeting_at=t.NOW.isoformat(), attendees=t.FATAL_ATTENDEES
    )
    assert body["state"] == "announced"


def test_announcing_a_work_accident_opens_one_claim_per_victim(api, w, t):
    body = announced(api, w, t, ("death", "serious"))
    assert len(body["children"]) == 2
    claims = [api.get(f"/cases/{cid}", w.ent).get_json() for cid in body["children"]]
    by_victim = {c["victim_id"]: c for c in claims}
    dead, injured = body["victims"]
    assert by_victim[dead["id"]]["state"] == "assessed"
    assert by_victim[dead["id"]]["data"]["death"] is True
    assert by_victim[dead["id"]]["compensation"]["minimum_vnd"] == 300_000_000
    assert by_victim[injured["id"]]["state"] == "treatment"
    assert all(c["kind"] == "claim" and c["parent_id"] == body["id"] for c in claims)


def test_not_a_work_accident_opens_no_claims(api, w, t):
    body = announced(api, w, t, ("serious",), minutes={**t.MINUTES, "is_work_accident": False})
    assert body["state"] == "announced"
    assert body["children"] == []
    api.waive_dossier(body["id"], w.ent)
    closed = api.acted(body["id"], "close", w.ent)
    assert closed["state"] == "closed"


# --------------------------------------------------------------------------------------------
# reopen: within 90 days of the announcement
# --------------------------------------------------------------------------------------------


def test_reopen_within_ninety_days_supersedes_the_minutes(api, w, t):
    body = announced(api, w, t, ("serious",))
    cid = body["id"]
    t.freeze(t.at(days=50))
    received = t.at(days=40).isoformat()
    api.refused(cid, "reopen", w.ent, 403, complaint_received_at=received, reason="Khiếu nại",
                team=t.PROVINCE_TEAM)  # fmt: skip
    errors = api.refused(
        cid, "reopen", w.insp, 422, complaint_received_at=received, reason="Khiếu nại",
        team=t.ENTERPRISE_TEAM,
    )["errors"]  # fmt: skip
    assert "team" in errors
    body = api.acted(
        cid, "reopen", w.insp, complaint_received_at=received, reason="Gia đình khiếu nại",
        team=t.PROVINCE_TEAM,
    )  # fmt: skip
    assert body["state"] == "investigating"
    assert body["investigation_level"] == "province"
    assert "minutes" not in body["data"]
    assert len(body["data"]["superseded_minutes"]) == 1
    # Re-announcing does not open a second claim for the same victim.
    api.acted(cid, "conclude", w.insp, **t.MINUTES)
    again = api.acted(
        cid, "announce", w.insp, meeting_at=t.at(days=50).isoformat(), attendees=t.ATTENDEES
    )
    assert len(again["children"]) == 1


def test_reopen_after_ninety_days_is_refused(api, w, t):
    body = announced(api, w, t, ("serious",))
    t.freeze(t.at(days=100))
    errors = api.refused(
        body["id"], "reopen", w.insp, 422, complaint_received_at=t.at(days=91).isoformat(),
        reason="Khiếu nại muộn", team=t.PROVINCE_TEAM,
    )["errors"]  # fmt: skip
    assert "complaint_received_at" in errors
    # A complaint received on day 90 is still in time.
    body = api.acted(
        body["id"], "reopen", w.insp, complaint_received_at=t.at(days=90).isoformat(),
        reason="Khiếu nại", team=t.PROVINCE_TEAM,
    )  # fmt: skip
    assert body["state"] == "investigating"


def test_reopen_before_the_announcement_is_not_possible(api, w, t):
    case = investigating(api, w, t, ("serious",))
    api.refused(case["id"], "reopen", w.insp, 409, complaint_received_at=t.NOW.isoformat(),
                reason="x", team=t.PROVINCE_TEAM)  # fmt: skip


# --------------------------------------------------------------------------------------------
# reject, commune record, close
# --------------------------------------------------------------------------------------------


def test_reject_as_a_duplicate(api, w, t):
    first = declare(api, w, ("death",))
    second = declare(api, w, ("death",))
    cid = second["id"]
    api.refused(cid, "reject", w.ent, 403, reason="Trùng", duplicate_of=first["code"])
    body = api.refused(cid, "reject", w.insp, 422, reason="Trùng", duplicate_of=second["code"])
    assert "duplicate_of" in body["errors"]
    body = api.refused(cid, "reject", w.insp, 422, reason="Trùng", duplicate_of="not-a-code")
    assert "duplicate_of" in body["errors"]
    body = api.refused(cid, "reject", w.insp, 422, reason="Trùng", duplicate_of="HP-2026-A999999")
    assert body["errors"]["duplicate_of"] == ["Không tìm thấy vụ việc mã HP-2026-A999999."]
    api.refused(cid, "reject", w.insp, 422, duplicate_of=first["code"])
    body = api.acted(cid, "reject", w.insp, reason="Khai báo trùng", duplicate_of=first["code"])
    assert body["state"] == "rejected"
    assert body["data"]["rejection"]["duplicate_of"] == first["code"]
    assert all(d["met_at"] is not None for d in body["deadlines"])
    assert body["actions"] == []
    api.refused(cid, "open_investigation", w.insp, 409, team=t.PROVINCE_TEAM)


def test_commune_records_and_closes_an_informal_workers_accident(api, w, t):
    case = declare(api, w, ("serious",), by=w.comm)
    cid = case["id"]
    assert api.act(cid, "record_event", w.other_comm, note="x").status_code == 404
    api.refused(cid, "record_event", w.insp, 403, note="Ghi nhận")
    api.refused(cid, "record_event", w.comm, 422)
    api.refused(cid, "close", w.comm, 409)
    body = api.acted(cid, "record_event", w.comm, note="Đã lập biên bản ghi nhận sự việc")
    assert body["state"] == "recorded"
    assert body["data"]["record"]["note"].startswith("Đã lập")
    api.refused(cid, "close", w.insp, 403)
    assert api.acted(cid, "close", w.comm)["state"] == "closed"


def test_commune_does_not_record_a_provincial_case(api, w, t):
    case = declare(api, w, ("serious", "serious"), by=w.comm)
    api.refused(case["id"], "record_event", w.comm, 409, note="Ghi nhận")


def test_close_waits_for_every_claim(api, w, t):
    body = announced(api, w, t, ("serious",))
    cid = body["id"]
    (claim,) = body["children"]
    api.refused(cid, "close", w.ent, 409)
    api.refused(cid, "close", w.insp, 409)
    api.acted(claim, "refer_for_assessment", w.ent, referred_at=t.NOW.isoformat())
    api.acted(claim, "record_assessment", w.ent, capacity_loss_pct=3, assessed_at=t.NOW.isoformat())
    api.refused(cid, "close", w.ent, 409)
    assert api.acted(claim, "close", w.insp)["state"] == "closed"
    api.refused(cid, "close", w.insp, 409)  # an enterprise-level case is closed by the employer
    api.refused(cid, "close", w.union, 403)
    # The claims are closed; the dossier is not complete yet (its papers: 422, by name).
    refusal = api.refused(cid, "close", w.ent, 422)
    assert "Biên bản khám nghiệm hiện trường" in refusal["errors"]["dossier"][0]
    api.waive_dossier(cid, w.ent)
    assert api.acted(cid, "close", w.ent)["state"] == "closed"
    api.refused(cid, "close", w.ent, 409)


# --------------------------------------------------------------------------------------------
# Declaration validation: 422 with the field path, nothing created
# --------------------------------------------------------------------------------------------


def _invalid_bodies(w):
    code = w.commune.code
    yield (
        "future",
        w.ent,
        accident_body(code, occurred_at="2026-11-21T08:00:00+07:00"),
        "occurred_at",
    )
    yield "naive time", w.ent, accident_body(code, occurred_at="2026-11-20T08:00:00"), "occurred_at"
    yield (
        "11-digit id", w.ent,
        accident_body(code, victims=[victim_body(national_id="03109000123")]),
        "victims.0.national_id",
    )  # fmt: skip
    yield (
        "aged 14", w.ent,
        accident_body(code, victims=[victim_body(birth_date="2012-06-01")]),
        "victims.0.birth_date",
    )  # fmt: skip
    yield "unknown commune", w.ent, accident_body("00000"), "commune_code"
    yield (
        "negative wage", w.ent,
        accident_body(code, victims=[victim_body(monthly_wage_vnd=-1)]),
        "victims.0.monthly_wage_vnd",
    )  # fmt: skip
    yield (
        "zero wage", w.ent,
        accident_body(code, victims=[victim_body(monthly_wage_vnd=0)]),
        "victims.0.monthly_wage_vnd",
    )  # fmt: skip
    yield (
        "unknown outcome", w.ent,
        accident_body(code, victims=[victim_body(outcome="dead")]),
        "victims.0.outcome",
    )  # fmt: skip
    yield "no victims", w.ent, accident_body(code, victims=[]), "victims"
    same = victim_body()
    yield "same person twice", w.ent, accident_body(code, victims=[same, dict(same)]), "victims"
    yield (
        "enterprise without relation",
        w.ent,
        accident_body(code, labour_relation=False),
        ("labour_relation"),
    )
    other = w.other_comm.commune_code
    yield "another commune", w.comm, accident_body(other, labour_relation=False), "commune_code"
    yield (
        "second victim", w.ent,
        accident_body(code, victims=[victim_body(), victim_body(gender="x")]),
        "victims.1.gender",
    )  # fmt: skip


def test_invalid_declarations_are_refused_with_the_field_path_and_create_nothing(api, w, t):
    for label, user, body, path in _invalid_bodies(w):
        before = t.case_count()
        response = api.declare(user, body)
        assert response.status_code == 422, label
        errors = response.get_json()["errors"]
        assert path in errors, (label, errors)
        assert t.case_count() == before, label


def test_roles_that_may_not_declare(api, w):
    for user in (w.insp, w.union, w.insurance):
        response = api.declare(user, accident_body(w.commune.code))
        assert response.status_code == 403
    response = api.declare(w.comm, {"kind": "disease"})
    assert response.status_code == 403


def test_a_closed_case_reopens_within_ninety_days(api, w, t):
    body = announced(api, w, t, ("serious",), minutes={**t.MINUTES, "is_work_accident": False})
    api.waive_dossier(body["id"], w.ent)
    api.acted(body["id"], "close", w.ent)
    t.freeze(t.at(days=30))
    reopened = api.acted(
        body["id"], "reopen", w.insp, complaint_received_at=t.at(days=29).isoformat(),
        reason="Gia đình khiếu nại kết luận", team=t.PROVINCE_TEAM,
    )  # fmt: skip
    assert (reopened["state"], reopened["investigation_level"]) == ("investigating", "province")
    assert t.due(reopened, "investigation") == t.at(days=30) + timedelta(days=7)


def test_a_death_makes_a_commune_record_provincial(api, w, t):
    case = declare(api, w, ("serious",), by=w.comm)
    cid = case["id"]
    assert api.get(f"/cases/{cid}", w.comm).get_json()["actions"] == ["record_event"]
    body = api.acted(
        cid, "record_death", w.insp, victim_id=case["victims"][0]["id"], died_at=t.NOW.isoformat()
    )
    assert (body["severity"], body["investigation_level"]) == ("fatal", "province")
    assert t.deadline(body, "investigation")["days"] == 30
    api.refused(cid, "record_event", w.comm, 409, note="Ghi nhận")
    assert api.acted(cid, "open_investigation", w.insp, team=t.PROVINCE_TEAM)["state"] == (
        "investigating"
    )
