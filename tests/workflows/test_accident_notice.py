"""The accident's quick notice (báo tin nhanh) as pure data: what the notice takes, how the
counts classify the case and start its clock, who is told, and what completing it into the
full declaration does to the deadlines and the notices."""

from datetime import timedelta

import pytest

from workflows import get_workflow
from workflows.base import Context
from workflows.fields import parse_notice

WF = get_workflow("accident")
NOTICE = WF.declaration.notice


def counts(deaths=0, serious=0, light=0) -> dict:
    return {
        "deaths": deaths,
        "seriously_injured": serious,
        "lightly_injured": light,
        "reporter_name": "Trần Văn Bình, quản đốc",
        "contact_phone": "0912345678",
    }


@pytest.fixture
def notify(h, rules):
    """The case a quick notice opens (on_create run on a snapshot in ``notified``)."""

    def _notify(role="enterprise", labour_relation=True, **numbers):
        case = h.snapshot(
            "accident",
            "notified",
            labour_relation=labour_relation,
            data={"declared_by_role": role, "notice": counts(**numbers)},
        )
        ctx = Context(case, h.actor(role), {}, h.NOW, rules)
        return h.apply_outcome(case, WF.effects[WF.on_create](ctx), case.state, h.NOW)

    return _notify


def with_victims(h, case, *outcomes):
    """The notice's case once the declaration service has written these victims."""
    from dataclasses import replace

    return replace(case, victims=tuple(h.victim(i + 1, o) for i, o in enumerate(outcomes)))


# -- the notice's body ----------------------------------------------------------------------------

BODY = {
    "occurred_at": "2026-11-20T08:30:00+07:00",
    "commune_code": "11311",
    "location": "Xưởng cơ khí số 2",
    "description": "Sập giàn giáo khi đang đổ bê tông.",
    "deaths": 1,
    "seriously_injured": 2,
    "reporter_name": "Trần Văn Bình",
    "contact_phone": "0912 345 678",
}


def test_a_notice_is_parsed_with_its_counts_and_the_phone_without_separators(h):
    clean, errors = parse_notice(WF, BODY, role="enterprise", now=h.NOW)
    assert errors == {}
    assert (clean["deaths"], clean["seriously_injured"], clean["lightly_injured"]) == (1, 2, 0)
    assert clean["contact_phone"] == "0912345678"
    assert clean["labour_relation"] is True
    assert clean["occurred_at"].utcoffset() == timedelta(hours=7)


def test_a_commune_notice_carries_no_labour_relation(h):
    clean, errors = parse_notice(WF, BODY, role="commune", now=h.NOW)
    assert errors == {} and clean["labour_relation"] is False


def test_every_error_of_a_notice_is_told_at_once(h):
    body = {
        "occurred_at": "2026-11-21T08:30:00+07:00",  # after NOW (20/11 10:00)
        "deaths": 0,
        "seriously_injured": -1,
        "lightly_injured": "hai",
        "contact_phone": "12ab",
    }
    clean, errors = parse_notice(WF, body, role="enterprise", now=h.NOW)
    assert set(errors) == {
        "occurred_at",
        "commune_code",
        "location",
        "description",
        "seriously_injured",
        "lightly_injured",
        "reporter_name",
        "contact_phone",
    }
    assert "tương lai" in str(errors["occurred_at"][0])


def test_a_notice_of_nobody_hurt_is_refused_on_the_counts(h):
    body = {**BODY, "deaths": 0, "seriously_injured": 0}
    _, errors = parse_notice(WF, body, role="enterprise", now=h.NOW)
    assert list(errors) == ["deaths"]
    assert "ít nhất một người" in str(errors["deaths"][0])


@pytest.mark.parametrize(
    "phone", ["0912 345 678", "(0225) 3.842.123", "+84-912-345-678", "02253842123"]
)
def test_phones_as_people_write_them(h, phone):
    _, errors = parse_notice(WF, {**BODY, "contact_phone": phone}, role="enterprise", now=h.NOW)
    assert errors == {}


@pytest.mark.parametrize("phone", ["1234567", "0912 345 678 901 234 5", "09l2345678", "٠٩١٢٣٤٥٦٧٨"])
def test_phones_that_are_none(h, phone):
    _, errors = parse_notice(WF, {**BODY, "contact_phone": phone}, role="enterprise", now=h.NOW)
    assert list(errors) == ["contact_phone"]


def test_the_notice_stands_for_one_outcome_per_person_counted():
    assert NOTICE.outcomes(counts(deaths=1, serious=2, light=1)) == [
        "death",
        "serious",
        "serious",
        "light",
    ]


# -- the case a notice opens ----------------------------------------------------------------------


def test_a_fatal_notice_starts_the_30_day_limit_the_scene_visit_and_the_completion(h, notify):
    case = notify(deaths=1)
    assert (case.severity, case.investigation_level) == ("fatal", "province")
    investigation = case.deadlines["investigation"]
    assert investigation["started_at"] == h.DECLARED
    assert investigation["due_at"] == h.DECLARED + timedelta(days=30)
    assert case.deadlines["scene_arrival"]["due_at"] == h.DECLARED + timedelta(hours=2)
    # declaration_completion_hours: 24 (an administrator's rule, UNVERIFIED in law.md §2)
    assert case.deadlines["declaration"]["due_at"] == h.DECLARED + timedelta(hours=24)


def test_a_light_notice_has_no_scene_visit(h, notify):
    case = notify(light=2)
    assert (case.severity, case.investigation_level) == ("light", "enterprise")
    assert case.deadlines["investigation"]["due_at"] == h.DECLARED + timedelta(days=4)
    assert "scene_arrival" not in case.deadlines


def test_a_commune_notice_of_one_serious_injury_is_a_commune_record(h, notify):
    case = notify(role="commune", labour_relation=False, serious=1)
    assert case.investigation_level == "commune_record"
    assert "investigation" not in case.deadlines
    assert "declaration" in case.deadlines


def test_a_straight_declaration_gets_no_completion_deadline(h, declare):
    case = declare(victims=(h.victim(1, "death"),))
    assert "declaration" not in case.deadlines


def test_the_notice_opens_the_declarers_completion_task_and_the_scene_visit(h, notify, rules):
    case = notify(deaths=1)
    tasks = {t.task.name: t for t in WF.open_tasks(case, now=h.NOW, rules=rules)}
    assert set(tasks) == {"complete_declaration", "scene_arrival"}
    assert tasks["complete_declaration"].role == "enterprise"
    assert tasks["complete_declaration"].task.title_vi == "Hoàn thiện khai báo"
    assert tasks["complete_declaration"].due_at == h.DECLARED + timedelta(hours=24)
    commune = notify(role="commune", labour_relation=False, light=1)
    roles = {t.task.name: t.role for t in WF.open_tasks(commune, now=h.NOW, rules=rules)}
    assert roles == {"complete_declaration": "commune"}


def _notices(h, rules, case, role="enterprise"):
    ctx = Context(case, h.actor(role), {}, h.NOW, rules)
    return [(n.event, n.roles, n.urgent) for n in WF.notices(WF.create_notify, ctx)]


def test_a_fatal_notice_tells_the_inspectorate_at_once_and_urgently(h, rules):
    case = h.snapshot("accident", "notified", data={"notice": counts(deaths=1)})
    assert _notices(h, rules, case) == [
        ("accident.notified_immediate", ("inspector",), True),
        ("accident.notified_immediate", ("union",), False),
    ]


def test_a_light_notice_is_a_routine_notice(h, rules):
    case = h.snapshot("accident", "notified", data={"notice": counts(light=1)})
    assert _notices(h, rules, case) == [("accident.notified", ("inspector",), False)]


def test_a_straight_declaration_keeps_its_own_notices(h, rules):
    case = h.snapshot("accident", "declared", victims=(h.victim(1, "death"),))
    assert _notices(h, rules, case) == [
        ("accident.declared_immediate", ("inspector",), True),
        ("accident.declared_immediate", ("union",), False),
    ]


def test_what_each_role_is_offered_on_a_notice(h, notify, offered):
    case = notify(deaths=1)
    assert offered(case, "enterprise") == ["complete_declaration"]
    assert offered(case, "inspector") == ["record_scene_arrival", "reject"]
    assert offered(case, "union") == []
    assert offered(case, "insurance") == []
    # A commune sees an employer's notice in its commune, but only the employer completes it.
    assert offered(case, "commune") == []


# -- completing it --------------------------------------------------------------------------------


def test_completing_moves_to_declared_and_keeps_the_clock_of_the_notice(h, notify, fire):
    case = with_victims(h, notify(deaths=1), "death")
    later = h.NOW + timedelta(hours=5)
    fired = fire(case, "complete_declaration", "enterprise", {}, now=later)
    after = fired.case
    assert after.state == "declared"
    assert after.deadlines["investigation"]["started_at"] == h.DECLARED
    assert after.deadlines["investigation"]["due_at"] == h.DECLARED + timedelta(days=30)
    assert after.deadlines["declaration"]["met_at"] == later
    # The scene visit due since the notice keeps its time.
    assert after.deadlines["scene_arrival"]["due_at"] == h.DECLARED + timedelta(hours=2)
    assert after.deadlines["scene_arrival"]["met_at"] is None
    assert after.data["notice"]["completed_at"] == later.isoformat()
    assert after.data["notice"]["counts_differ"] is False
    events = [(n.event, n.urgent) for n in WF.notices(fired.transition, fired.ctx)]
    assert events == [("accident.declaration_completed", False)]


def test_a_death_the_notice_did_not_count_escalates_and_notifies_at_completion(h, notify, fire):
    case = with_victims(h, notify(light=1), "death")
    later = h.NOW + timedelta(hours=5)
    fired = fire(case, "complete_declaration", "enterprise", {}, now=later)
    after = fired.case
    assert (after.severity, after.investigation_level) == ("fatal", "province")
    # Still counted from the notice, now with the fatal limit.
    assert after.deadlines["investigation"]["due_at"] == h.DECLARED + timedelta(days=30)
    # The scene visit runs from when the inspectorate learns of the death.
    assert after.deadlines["scene_arrival"]["due_at"] == later + timedelta(hours=2)
    assert after.data["notice"]["counts_differ"] is True
    notices = [(n.event, n.roles, n.urgent) for n in WF.notices(fired.transition, fired.ctx)]
    assert ("accident.declared_immediate", ("inspector",), True) in notices
    assert ("accident.declared_immediate", ("union",), False) in notices


def test_a_notice_that_counted_a_death_wrongly_closes_its_scene_visit(h, notify, fire):
    case = with_victims(h, notify(deaths=1), "light")
    fired = fire(case, "complete_declaration", "enterprise", {})
    after = fired.case
    assert (after.severity, after.investigation_level) == ("light", "enterprise")
    assert after.deadlines["investigation"]["due_at"] == h.DECLARED + timedelta(days=4)
    assert after.deadlines["scene_arrival"]["met_at"] == h.NOW
    assert after.data["notice"]["counts_differ"] is True


def test_a_scene_visit_already_recorded_stays_met(h, notify, fire):
    case = notify(deaths=1)
    arrived = fire(
        case,
        "record_scene_arrival",
        "inspector",
        {"arrived_at": (h.NOW + timedelta(minutes=50)).isoformat(), "arrived_by": "Thanh tra A"},
        now=h.NOW + timedelta(hours=1),
    ).case
    met = arrived.deadlines["scene_arrival"]["met_at"]
    assert met is not None
    after = fire(
        with_victims(h, arrived, "death"), "complete_declaration", "enterprise", {},
        now=h.NOW + timedelta(hours=3),
    ).case  # fmt: skip
    assert after.deadlines["scene_arrival"]["met_at"] == met


def test_a_commune_record_after_the_notice_closes_the_investigation_limit(h, notify, fire):
    case = with_victims(
        h, notify(role="commune", labour_relation=False, serious=2), "serious"
    )  # the second "serious" was not hurt after all
    after = fire(case, "complete_declaration", "commune", {}).case
    assert after.investigation_level == "commune_record"
    assert after.deadlines["investigation"]["met_at"] == h.NOW


def test_only_the_side_that_gave_the_notice_completes_it(h, notify, refusal):
    case = with_victims(h, notify(deaths=1), "death")
    assert "Chỉ bên đã báo tin nhanh" in refusal(case, "complete_declaration", "commune")


def test_no_role_but_the_declarers_may_complete(h, notify, fire):
    case = with_victims(h, notify(deaths=1), "death")
    for role in ("inspector", "union", "insurance", "admin"):
        with pytest.raises(h.Refused):
            fire(case, "complete_declaration", role, {})


def test_a_completion_without_victims_is_refused_on_the_input(h, notify, fire):
    with pytest.raises(h.Refused) as refused:
        fire(notify(deaths=1), "complete_declaration", "enterprise", {})
    assert [r.field for r in refused.value.reasons] == ["victims"]


def test_a_notice_may_be_rejected_and_its_deadlines_close(h, notify, fire):
    fired = fire(notify(deaths=1), "reject", "inspector", {"reason": "Tin báo nhầm"})
    assert fired.case.state == "rejected"
    assert all(d["met_at"] == h.NOW for d in fired.case.deadlines.values())
