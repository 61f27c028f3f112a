"""The workflow engine: one event per transition, hash chain, version, tasks, outbox, rollback.

Every case here is driven through the real services (``declare`` and ``fire_transition``),
so these tests check what the engine writes, not what a definition says.
"""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from sqlalchemy import func, select

from app import clock
from app.clock import as_utc
from app.errors import StaleVersion, TransitionNotAllowed, ValidationFailed
from app.extensions import db
from app.models import GENESIS_HASH, Case, CaseEvent, OutboxMessage, Task
from app.services import workflow_engine
from app.services.audit import canonical_content, chain_hash
from app.services.workflow_engine import CaseFlow, fire_transition, machine_for
from tests.factories import act, head, make_accident, make_user
from workflows import REGISTRY, get_workflow


def events_of(case) -> list[CaseEvent]:
    return db.session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)
    ).all()


def open_tasks(case) -> dict[str, str]:
    rows = db.session.scalars(
        select(Task).where(Task.case_id == case.id, Task.closed_at.is_(None))
    ).all()
    return {row.name: row.role for row in rows}


def outbox_of(case) -> list[OutboxMessage]:
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.case_id == case.id).order_by(OutboxMessage.id)
    ).all()


def fingerprint(case) -> dict:
    """Everything a refused or rolled-back transition must leave exactly as it was."""
    db.session.expire_all()
    row = db.session.get(Case, case.id)
    tasks = db.session.execute(
        select(Task.name, Task.role, Task.closed_at).where(Task.case_id == case.id)
    ).all()
    return {
        "state": row.state,
        "version": row.version,
        "data": dict(row.data or {}),
        "severity": row.severity,
        "level": row.investigation_level,
        "events": db.session.scalar(
            select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case.id)
        ),
        "outbox": db.session.scalar(select(func.count()).select_from(OutboxMessage)),
        "cases": db.session.scalar(select(func.count()).select_from(Case)),
        "tasks": sorted((name, role, closed is None) for name, role, closed in tasks),
        "deadlines": sorted((d.name, d.due_at, d.met_at) for d in row.deadlines),
    }


@pytest.fixture
def fatal(app):
    """A fatal accident declared by an enterprise, and a provincial inspector."""
    enterprise = make_user("enterprise")
    inspector = make_user("inspector")
    case = make_accident(enterprise, outcomes=("death",))
    return case, enterprise, inspector


# -- one event per transition, chained ---------------------------------------------------------


def test_transition_writes_exactly_one_event_with_who_what_and_payload(fatal):
    case, _enterprise, inspector = fatal
    # The declaration, then its Form 01 issued (app/services/issued_papers.py).
    assert [e.trigger for e in events_of(case)] == ["declare", "issue_paper"]

    act(case, inspector, "open_investigation", team=head(), needs_technical_exam=False)

    events = events_of(case)
    assert [e.trigger for e in events] == ["declare", "issue_paper", "open_investigation"]
    event = events[-1]
    assert event.seq == 3
    assert (event.from_state, event.to_state) == ("declared", "investigating")
    assert (event.actor, event.role) == (inspector.username, "inspector")
    assert event.payload == {"team": head(), "needs_technical_exam": False}
    assert "version" not in event.payload


def test_every_event_chains_from_the_previous_hash(fatal):
    case, enterprise, inspector = fatal
    act(case, inspector, "open_investigation", team=head())
    act(case, inspector, "extend_deadline", days=10, reason="Chờ kết quả giám định")
    act(case, inspector, "refer_to_police", reason="Có dấu hiệu tội phạm")

    events = events_of(case)
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]  # declare, its Form 01, three moves
    assert events[0].prev_hash == GENESIS_HASH == "0" * 64
    for previous, event in zip(events, events[1:], strict=False):
        assert event.prev_hash == previous.hash
    for event in events:
        content = canonical_content(
            actor=event.actor,
            role=event.role,
            trigger=event.trigger,
            from_state=event.from_state,
            to_state=event.to_state,
            payload=event.payload,
            at=event.at,
        )
        assert event.hash == chain_hash(event.prev_hash, content)
    assert len({e.hash for e in events}) == 5


def test_each_transition_bumps_the_version_by_one(fatal):
    case, _enterprise, inspector = fatal
    assert case.version == 1
    act(case, inspector, "open_investigation", team=head())
    assert db.session.get(Case, case.id).version == 2
    act(case, inspector, "extend_deadline", days=10, reason="Chờ giám định")
    after = db.session.get(Case, case.id)
    assert (after.state, after.version) == ("investigating", 3)


def test_internal_transition_keeps_the_state_but_logs_an_event(fatal):
    case, _enterprise, inspector = fatal
    act(case, inspector, "open_investigation", team=head())
    act(case, inspector, "extend_deadline", days=10, reason="Chờ giám định")
    event = events_of(case)[-1]
    assert (event.trigger, event.from_state, event.to_state) == (
        "extend_deadline",
        "investigating",
        "investigating",
    )


# -- tasks and outbox ---------------------------------------------------------------------------


def test_fatal_declaration_opens_investigation_and_scene_arrival_tasks(fatal):
    case, _enterprise, _inspector = fatal
    assert open_tasks(case) == {"open_investigation": "inspector", "scene_arrival": "inspector"}
    due = {t.name: t.due_at for t in db.session.scalars(select(Task)).all()}
    deadlines = {d.name: d.due_at for d in db.session.get(Case, case.id).deadlines}
    assert due["open_investigation"] == deadlines["investigation"]
    assert due["scene_arrival"] == deadlines["scene_arrival"]


def test_opening_the_investigation_closes_its_tasks_and_opens_conclude(fatal):
    case, _enterprise, inspector = fatal
    act(case, inspector, "open_investigation", team=head())

    # The scene visit is its own record (record_scene_arrival): forming the team does not
    # meet the 2-hour limit, so its task stays open.
    assert open_tasks(case) == {"conclude": "inspector", "scene_arrival": "inspector"}
    closed = db.session.scalars(
        select(Task.name).where(Task.case_id == case.id, Task.closed_at.is_not(None))
    ).all()
    assert sorted(closed) == ["open_investigation"]
    act(case, inspector, "record_scene_arrival", arrived_at=declaration_day_now(),
        arrived_by="Trần Thanh Tra, thanh tra viên")  # fmt: skip
    assert open_tasks(case) == {"conclude": "inspector"}


def declaration_day_now():
    from app.clock import now

    return now().isoformat()


def test_enterprise_team_task_goes_to_the_employer(app):
    enterprise = make_user("enterprise")
    case = make_accident(enterprise, outcomes=("serious",))
    assert open_tasks(case) == {"open_investigation": "enterprise"}
    act(case, enterprise, "open_investigation", team=head(organisation="employer"))
    assert open_tasks(case) == {"conclude": "enterprise"}


def test_fatal_declaration_writes_an_urgent_outbox_row_for_inspectors(fatal):
    case, enterprise, _inspector = fatal
    rows = outbox_of(case)
    urgent = [r for r in rows if r.urgent]
    assert urgent, "a fatal accident must be notified at once"
    assert all(r.event == "accident.declared_immediate" for r in urgent)
    assert any("inspector" in r.roles for r in urgent)
    assert {r.event for r in rows} == {"accident.declared_immediate"}
    assert all(r.payload["case_code"] == case.code for r in rows)
    assert all(r.payload["actor"] == enterprise.username for r in rows)


def test_light_declaration_writes_a_routine_outbox_row(app):
    enterprise = make_user("enterprise")
    case = make_accident(enterprise, outcomes=("light",))
    rows = outbox_of(case)
    assert [(r.event, r.urgent, r.roles) for r in rows] == [
        ("accident.declared", False, ["inspector"])
    ]


def test_transition_writes_its_notices_to_the_outbox(fatal):
    case, _enterprise, inspector = fatal
    before = len(outbox_of(case))
    act(case, inspector, "open_investigation", team=head())
    rows = outbox_of(case)[before:]
    assert [(r.event, sorted(r.roles), r.urgent) for r in rows] == [
        ("accident.investigation_opened", ["enterprise", "union"], False)
    ]
    assert rows[0].payload == {
        "case_code": case.code,
        "trigger": "open_investigation",
        "actor": inspector.username,
    }


# -- refusals change nothing --------------------------------------------------------------------


def test_stale_version_is_refused_and_changes_nothing(fatal):
    case, _enterprise, inspector = fatal
    before = fingerprint(case)
    with pytest.raises(StaleVersion):
        fire_transition(case.id, "open_investigation", inspector, {"version": 7, "team": head()})
    assert fingerprint(case) == before


def test_version_already_used_by_another_transition_is_stale(fatal):
    case, _enterprise, inspector = fatal
    fire_transition(case.id, "open_investigation", inspector, {"version": 1, "team": head()})
    before = fingerprint(case)
    with pytest.raises(StaleVersion) as raised:
        fire_transition(
            case.id, "extend_deadline", inspector, {"version": 1, "days": 5, "reason": "x"}
        )
    assert raised.value.status == 409
    assert fingerprint(case) == before


def test_state_guard_refusal_is_409_and_changes_nothing(fatal):
    """A fatal accident is provincial: the employer may not form the team (409)."""
    case, enterprise, _inspector = fatal
    before = fingerprint(case)
    with pytest.raises(TransitionNotAllowed) as raised:
        act(case, enterprise, "open_investigation", team=head(organisation="employer"))
    assert raised.value.status == 409
    assert fingerprint(case) == before


def test_input_guard_refusal_is_422_on_the_field_and_changes_nothing(fatal):
    """A provincial team must be headed by the inspectorate (Law 84/2015 Art. 35(2))."""
    case, _enterprise, inspector = fatal
    before = fingerprint(case)
    with pytest.raises(ValidationFailed) as raised:
        act(case, inspector, "open_investigation", team=head(organisation="employer"))
    assert raised.value.status == 422
    assert "team" in raised.value.errors
    assert fingerprint(case) == before


def test_malformed_payload_is_422_and_changes_nothing(fatal):
    case, _enterprise, inspector = fatal
    before = fingerprint(case)
    with pytest.raises(ValidationFailed) as raised:
        act(case, inspector, "open_investigation", team="everyone")
    assert "team" in raised.value.errors
    assert fingerprint(case) == before


def test_missing_version_is_422(fatal):
    case, _enterprise, inspector = fatal
    before = fingerprint(case)
    with pytest.raises(ValidationFailed) as raised:
        fire_transition(case.id, "open_investigation", inspector, {"team": head()})
    assert "version" in raised.value.errors
    assert fingerprint(case) == before


def test_trigger_not_allowed_from_this_state_is_409(fatal):
    case, _enterprise, inspector = fatal
    before = fingerprint(case)
    with pytest.raises(TransitionNotAllowed):
        act(case, inspector, "conclude", is_work_accident=True, worker_at_fault=False)
    assert fingerprint(case) == before


# -- rollback -------------------------------------------------------------------------------------


def test_effect_that_raises_rolls_everything_back(fatal, monkeypatch):
    case, _enterprise, inspector = fatal
    before = fingerprint(case)

    def broken_effect(ctx):
        raise RuntimeError("effect failed")

    monkeypatch.setitem(get_workflow("accident").effects, "open_team", broken_effect)
    with pytest.raises(RuntimeError):
        act(case, inspector, "open_investigation", team=head())
    assert fingerprint(case) == before
    assert all(flow._case is None for flow in machine_for(get_workflow("accident")).models)


def test_failure_after_event_tasks_and_outbox_were_flushed_rolls_all_back(
    fatal, monkeypatch, crash_after_notices
):
    """The event, task changes and outbox rows are already in the transaction; none survive."""
    case, _enterprise, inspector = fatal
    before = fingerprint(case)
    queued: list[int] = []
    monkeypatch.setattr("app.jobs.notifications.queue_outbox", queued.append)

    def outbox_rows_flushed():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) > before["outbox"]

    crash_after_notices(outbox_rows_flushed)
    with pytest.raises(RuntimeError):
        act(case, inspector, "open_investigation", team=head())
    assert queued, "the failing call did write outbox rows before it crashed"
    assert fingerprint(case) == before
    assert [e.trigger for e in events_of(case)] == ["declare", "issue_paper"]
    assert open_tasks(case) == {"open_investigation": "inspector", "scene_arrival": "inspector"}


def test_rolled_back_transition_queues_no_job(fatal, monkeypatch):
    """Outbox dispatch is an after-commit callback: a rollback drops it."""
    case, _enterprise, inspector = fatal
    dispatched: list[int] = []
    monkeypatch.setattr("app.jobs.notifications.dispatch_outbox", dispatched.append)
    monkeypatch.setattr(
        workflow_engine,
        "sync_tasks",
        lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")),
    )
    with pytest.raises(RuntimeError):
        act(case, inspector, "open_investigation", team=head())
    assert dispatched == []


# -- one machine per kind, bound per operation -------------------------------------------------


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_one_machine_per_kind_per_process(kind):
    definition = get_workflow(kind)
    assert machine_for(definition) is machine_for(definition)
    assert machine_for(definition) is machine_for(REGISTRY[kind])


def test_machines_differ_between_kinds():
    machines = {id(machine_for(d)) for d in REGISTRY.values()}
    assert len(machines) == len(REGISTRY)


def test_machine_holds_no_case_after_an_operation(fatal):
    """The machine's models are reusable slots: empty again after each operation,
    also when the trigger is refused."""
    case, enterprise, inspector = fatal
    machine = machine_for(get_workflow("accident"))
    act(case, inspector, "open_investigation", team=head())
    assert machine.models and all(flow._case is None for flow in machine.models)
    with pytest.raises(TransitionNotAllowed):
        act(case, inspector, "announce", meeting_at=clock.now().isoformat(), attendees=[])
    assert all(flow._case is None for flow in machine.models)


def test_slots_are_reused_not_added_per_operation(fatal):
    case, enterprise, inspector = fatal
    machine = machine_for(get_workflow("accident"))
    act(case, inspector, "open_investigation", team=head())
    slots = len(machine.models)
    act(case, inspector, "refer_to_police", reason="Có dấu hiệu tội phạm")
    act(case, inspector, "resume", returned_at=clock.now().isoformat())
    act(case, inspector, "refer_to_police", reason="Có dấu hiệu tội phạm")
    assert len(machine.models) == slots


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_no_auto_transitions_and_no_to_state_shortcuts(kind):
    definition = get_workflow(kind)
    machine = machine_for(definition)
    assert machine.auto_transitions is False
    assert machine.send_event is True
    assert machine.ignore_invalid_triggers is False

    class Row:
        state = definition.initial

    flow = CaseFlow()
    machine.add_model(flow, initial=Row.state)
    flow._case = Row()
    try:
        shortcuts = [name for name in dir(flow) if name.startswith("to_")]
        assert shortcuts == []
        for trigger in definition.triggers():
            assert callable(getattr(flow, trigger))
        assert flow.state == definition.initial, "binding must not reset the state"
    finally:
        machine.remove_model(flow)


def test_binding_a_case_keeps_its_current_state(fatal):
    """add_model(initial=case.state): loading a row in a later state never resets it."""
    case, _enterprise, inspector = fatal
    act(case, inspector, "open_investigation", team=head())
    row = db.session.get(Case, case.id)
    machine = machine_for(get_workflow("accident"))
    flow = CaseFlow()
    machine.add_model(flow, initial=get_workflow("accident").initial)
    flow._case = row
    try:
        assert flow.state == "investigating"
        assert flow.is_investigating()
    finally:
        machine.remove_model(flow)
    assert row.state == "investigating"


# -- plain-row writes and the ORM --------------------------------------------------------------


def test_inside_a_callers_unit_of_work_the_orm_sees_the_move(declaration_day, fatal):
    """The engine writes plain rows; a caller that joined it reads the new state, data and
    deadlines in the same transaction, not what its ORM objects held before."""
    from app.services.unit_of_work import unit_of_work

    at = declaration_day.astimezone(UTC)
    case, _enterprise, inspector = fatal
    db.session.refresh(case)
    with unit_of_work():
        held = db.session.get(Case, case.id)
        # The declaration (made at ``at``): the 2-hour scene arrival and the 30-day
        # investigation, both open; two events (the declaration and its Form 01 issued).
        open_before = {
            "investigation": (at + timedelta(days=30), None),
            "scene_arrival": (at + timedelta(hours=2), None),
        }
        assert (held.state, held.version, len(held.deadlines)) == (
            "declared",
            1,
            len(held.deadlines),
        )
        assert (held.state, held.version, held.last_event_seq) == ("declared", 1, 2)
        assert deadline_rows(held) == open_before
        assert "team" not in held.data
        deadlines_before = {row.name for row in held.deadlines}
        moved = fire_transition(
            case.id, "open_investigation", inspector, {"version": 1, "team": head()}
        )
        assert (held.state, held.version) == ("investigating", 2)
        assert held.data["team"][0]["role"] == "head"
        assert {row.name for row in held.deadlines} >= deadlines_before
        assert held.last_event_seq == moved.version + 1  # one event per move, after Form 01
        # What the engine wrote, as the ORM now holds it, against values known beforehand.
        assert held.data["team"] == head()
        assert held.data["investigation_opened_at"] == at.isoformat()
        assert deadline_rows(held) == {
            "investigation": (at + timedelta(days=30), None),
            "scene_arrival": (at + timedelta(hours=2), None),  # met by the arrival's record
        }
        [event] = db.session.execute(
            select(CaseEvent.seq, CaseEvent.trigger, CaseEvent.hash).where(
                CaseEvent.case_id == case.id, CaseEvent.seq == 3
            )
        ).all()
        assert (held.last_event_seq, held.last_event_hash) == (event.seq, event.hash)
        assert event.trigger == "open_investigation"
    assert (moved.from_state, moved.to_state, moved.case_id) == (
        "declared",
        "investigating",
        case.id,
    )


def deadline_rows(case) -> dict[str, tuple]:
    """``{name: (due_at, met_at)}`` of a case's deadlines, in UTC."""
    return {d.name: (as_utc(d.due_at), as_utc(d.met_at)) for d in case.deadlines}


def test_chain_head_on_the_case_names_its_last_event(fatal):
    case, _enterprise, inspector = fatal
    act(case, inspector, "open_investigation", team=head())
    act(case, inspector, "refer_to_police", reason="Có dấu hiệu tội phạm")
    row = db.session.get(Case, case.id)
    last = events_of(case)[-1]
    assert (row.last_event_seq, row.last_event_hash) == (last.seq, last.hash)
