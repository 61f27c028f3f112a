"""The deadline scan: one reminder before the due time, overdue once, escalation once.

Run as a function (``app.jobs.deadlines.scan``) and through the CLI (``flask deadlines
scan --as-of``). Every notice goes through the outbox and the normal dispatch, so the
assertions look at notifications and emails.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.clock import VN_TZ, as_utc
from app.extensions import db
from app.jobs.deadlines import parse_as_of, scan, supervisors_of
from app.models import Case, Notification, OutboxMessage, RuleValue, Task
from tests.factories import make_accident, make_enterprise, make_user

pytestmark = pytest.mark.usefixtures("app")


def notes(event: str) -> list[Notification]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Notification).where(Notification.event == event).order_by(Notification.id)
        )
    )


def outbox_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def task_of(case, name: str) -> Task:
    db.session.expire_all()
    return db.session.scalar(
        select(Task).where(Task.case_id == case.id, Task.name == name, Task.closed_at.is_(None))
    )


@pytest.fixture
def enterprise_step(smtp):
    """A light accident investigated by the enterprise: its task is an enterprise step."""
    enterprise = make_enterprise()
    people = {
        "officer": make_user("enterprise", enterprise=enterprise),
        "other_officer": make_user("enterprise"),
        "inspector": make_user("inspector"),
        "union": make_user("union", enterprise=enterprise),
    }
    case = make_accident(people["officer"], outcomes=("light",))
    task = task_of(case, "open_investigation")
    assert task.role == "enterprise" and task.deadline == "investigation" and task.due_at
    smtp.wait_for(1)  # the routine declaration notice to the inspector
    return case, task, people


def test_reminder_once_before_the_due_time(enterprise_step, smtp):
    case, task, people = enterprise_step
    due = as_utc(task.due_at)

    early = scan(due - timedelta(hours=30))
    assert (early.reminded, early.overdue, early.escalated) == (0, 0, 0)

    first = scan(due - timedelta(hours=12))
    assert first.reminded == 1
    again = scan(due - timedelta(hours=12))
    later = scan(due - timedelta(hours=1))
    assert again.reminded == later.reminded == 0

    [reminder] = notes("task.reminder")
    assert reminder.user_id == people["officer"].id and not reminder.urgent
    assert case.code in reminder.subject and "Sắp đến hạn" in reminder.subject
    local_due = due.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")
    assert local_due in reminder.body
    assert task_of(case, "open_investigation").reminded_at is not None
    smtp.wait_for(2)
    assert smtp.to(people["officer"].email)
    assert not smtp.to(people["other_officer"].email), "another enterprise's officer"


def test_overdue_once_and_escalated_once_to_the_inspector(enterprise_step, smtp):
    case, task, people = enterprise_step
    due = as_utc(task.due_at)

    result = scan(due + timedelta(minutes=1))
    assert (result.overdue, result.escalated) == (1, 1)
    assert result.reminded == 0, "no 'due soon' notice once the due time has passed"
    for as_of in (due + timedelta(minutes=1), due + timedelta(days=3), due + timedelta(days=30)):
        rerun = scan(as_of)
        assert (rerun.reminded, rerun.overdue, rerun.escalated) == (0, 0, 0)

    [overdue] = notes("task.overdue")
    assert overdue.user_id == people["officer"].id and "Quá hạn" in overdue.subject
    escalated = notes("task.escalated")
    assert {n.user_id for n in escalated} == {people["inspector"].id}
    assert case.code in escalated[0].subject
    row = task_of(case, "open_investigation")
    assert row.overdue_at is not None and row.escalated_at is not None
    smtp.wait_for(3)
    assert len(smtp.to(people["inspector"].email)) == 2  # declaration + escalation


def test_reminder_then_overdue_then_nothing(enterprise_step):
    _case, task, _people = enterprise_step
    due = as_utc(task.due_at)
    assert scan(due - timedelta(hours=2)).reminded == 1
    assert scan(due + timedelta(hours=2)).overdue == 1
    assert scan(due + timedelta(days=10)).summary() == "reminded 0, overdue 0, escalated 0"
    assert len(notes("task.reminder")) == len(notes("task.overdue")) == 1


def test_inspector_steps_are_not_escalated_to_inspectors(smtp):
    make_user("inspector")
    case = make_accident(make_user("enterprise"), outcomes=("death",))
    scene = task_of(case, "scene_arrival")
    assert scene.role == "inspector"
    result = scan(as_utc(scene.due_at) + timedelta(minutes=5))
    assert result.overdue >= 1
    assert result.escalated == 0, "supervisors equal to the assignee: no second notice"
    assert notes("task.escalated") == []


def test_a_task_without_supervisors_is_settled_after_its_overdue_notice(smtp):
    """An inspector's own step has nobody to escalate to: the overdue notice completes its
    cycle, so the task is settled and no later scan reads it (before #14 every scan read
    it again, forever, waiting for an escalation that could never be sent)."""
    make_user("inspector")
    case = make_accident(make_user("enterprise"), outcomes=("death",))
    scene = task_of(case, "scene_arrival")
    assert supervisors_of(scene) == ()
    due = as_utc(scene.due_at)
    first = scan(due + timedelta(minutes=5))
    assert first.overdue >= 1 and first.escalated == 0
    row = task_of(case, "scene_arrival")
    assert row.overdue_at is not None and row.escalated_at is None
    assert row.settled_at is not None
    assert scan(due + timedelta(minutes=5)).read == 0
    for later in (timedelta(days=2), timedelta(days=60)):  # other steps fall due meanwhile
        assert scene.id not in read_ids(due + later)
        scan(due + later)
    assert [n.payload["task_id"] for n in overdue_rows()].count(scene.id) == 1


def overdue_rows() -> list[OutboxMessage]:
    return list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.event == "task.overdue"))
    )


def read_ids(as_of) -> set[int]:
    """The task ids the scan's reading query returns as of ``as_of`` (default lead time)."""
    from app.jobs.deadlines import scan_query

    at = as_utc(as_of)
    ids = {row.id for row in db.session.execute(scan_query(at, at + timedelta(hours=24)))}
    db.session.rollback()
    return ids


def test_a_second_scan_reads_nothing_it_has_settled_or_reminded(smtp):
    """Several cases, tasks at different due times: the first scan reads each task due for a
    change once; a second scan at the same time reads no row at all, and a later one reads
    only the tasks that became due since."""
    make_user("inspector")
    declarant = make_user("enterprise", enterprise=make_enterprise())
    cases = [make_accident(declarant, outcomes=("light",)) for _ in range(3)]
    tasks = [task_of(case, "open_investigation") for case in cases]
    dues = sorted(as_utc(t.due_at) for t in tasks)
    at = dues[-1] + timedelta(minutes=1)

    first = scan(at)
    assert first.read >= len(tasks)
    assert (first.overdue, first.escalated) == (first.read, first.read)
    assert first.settled == first.read
    settled = db.session.scalar(
        select(func.count()).select_from(Task).where(Task.settled_at.is_not(None))
    )
    assert settled == first.read
    second = scan(at)
    assert second.read == 0, "a settled task is never read again"
    assert read_ids(at + timedelta(days=30)) == set()


def test_a_reminded_task_is_not_read_again_until_it_is_due(enterprise_step):
    case, task, _people = enterprise_step
    due = as_utc(task.due_at)
    assert scan(due - timedelta(hours=12)).read == 1
    assert scan(due - timedelta(hours=6)).read == 0
    assert task.id not in read_ids(due - timedelta(hours=1))
    due_now = scan(due + timedelta(minutes=1))
    assert (due_now.read, due_now.overdue, due_now.settled) == (1, 1, 1)


def test_an_escalation_not_yet_sent_keeps_the_task_unsettled(enterprise_step, monkeypatch):
    """A task marked overdue whose escalation is still to send (another scan raced it, or
    it was marked before #14) is read again and settled once escalated."""
    from app.jobs import deadlines

    case, task, _people = enterprise_step
    due = as_utc(task.due_at)
    db.session.get(Task, task.id).overdue_at = due
    db.session.commit()
    result = scan(due + timedelta(hours=1))
    assert (result.read, result.overdue, result.escalated, result.settled) == (1, 0, 1, 1)
    assert deadlines.scan(due + timedelta(hours=2)).read == 0


def test_one_broken_task_does_not_stop_the_others(smtp, monkeypatch):
    from app.jobs import deadlines

    make_user("inspector")
    declarant = make_user("enterprise", enterprise=make_enterprise())
    cases = [make_accident(declarant, outcomes=("light",)) for _ in range(3)]
    tasks = [task_of(case, "open_investigation") for case in cases]
    broken = tasks[1].id
    original_batch = deadlines._scan_batch

    def batch(rows, at, horizon, result):
        if any(r.id == broken for r in rows):
            raise RuntimeError("broken task")
        return original_batch(rows, at, horizon, result)

    monkeypatch.setattr(deadlines, "_scan_batch", batch)
    at = max(as_utc(t.due_at) for t in tasks) + timedelta(minutes=1)
    result = deadlines.scan(at)
    assert result.overdue == len(tasks) - 1
    assert task_of(cases[1], "open_investigation").overdue_at is None
    monkeypatch.setattr(deadlines, "_scan_batch", original_batch)
    assert deadlines.scan(at).overdue == 1


def test_closed_tasks_and_tasks_without_due_time_are_ignored(enterprise_step):
    case, task, people = enterprise_step
    due = as_utc(task.due_at)
    db.session.get(Task, task.id).closed_at = due - timedelta(days=1)
    db.session.commit()
    result = scan(due + timedelta(days=1))
    assert (result.reminded, result.overdue, result.escalated) == (0, 0, 0)


def test_a_moved_deadline_starts_a_new_cycle(enterprise_step):
    """The engine resets the marks and un-settles the task when a due time changes (e.g. an
    extension): ``case_store.move_task_due``, as the engine calls it."""
    from app.services import case_store

    case, task, _people = enterprise_step
    due = as_utc(task.due_at)
    first = scan(due + timedelta(minutes=1))
    assert (first.overdue, first.escalated, first.settled) == (1, 1, 1)
    assert task_of(case, "open_investigation").settled_at is not None
    case_store.move_task_due([(task.id, due + timedelta(days=4))])
    db.session.commit()
    row = task_of(case, "open_investigation")
    assert row.settled_at is None and row.overdue_at is None and row.escalated_at is None
    assert scan(due + timedelta(days=4) - timedelta(hours=2)).reminded == 1
    result = scan(due + timedelta(days=4, minutes=1))
    assert (result.read, result.overdue, result.escalated, result.settled) == (1, 1, 1, 1)
    assert len(notes("task.overdue")) == 2


def test_the_reminder_lead_time_is_a_dated_rule(enterprise_step):
    _case, task, _people = enterprise_step
    db.session.add(RuleValue(key="reminder_before_hours", valid_from=date(2020, 1, 1), value="72"))
    db.session.commit()
    due = as_utc(task.due_at)
    assert scan(due - timedelta(hours=60)).reminded == 1


def test_supervisors_come_from_the_workflow_deadline():
    claim = Case(kind="claim")
    compensation = Task(case=claim, role="enterprise", deadline="compensation")
    assert set(supervisors_of(compensation)) == {"union", "inspector"}
    decision = Task(case=claim, role="insurance", deadline="insurance_decision")
    assert set(supervisors_of(decision)) == {"enterprise", "union"}
    no_deadline = Task(case=Case(kind="disease"), role="enterprise", deadline=None)
    assert supervisors_of(no_deadline) == ("inspector",)
    inspector_step = Task(case=Case(kind="accident"), role="inspector", deadline="scene_arrival")
    assert supervisors_of(inspector_step) == ()


def test_parse_as_of_requires_an_offset():
    assert parse_as_of("2027-01-15T00:00:00+07:00").isoformat() == "2027-01-14T17:00:00+00:00"
    with pytest.raises(ValueError, match="offset"):
        parse_as_of("2027-01-15T00:00:00")
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_as_of("15/01/2027")


# -- the CLI ---------------------------------------------------------------------------------


def test_cli_scan_as_of_marks_overdue_and_escalates_once(runner, enterprise_step):
    case, task, _people = enterprise_step
    as_of = (as_utc(task.due_at) + timedelta(days=1)).astimezone(VN_TZ).isoformat()
    first = runner.invoke(args=["deadlines", "scan", "--as-of", as_of])
    assert first.exit_code == 0, first.output
    assert "reminded 0, overdue 1, escalated 1" in first.output
    for _ in range(3):
        again = runner.invoke(args=["deadlines", "scan", "--as-of", as_of])
        assert again.exit_code == 0 and "overdue 0, escalated 0" in again.output
    assert len(notes("task.escalated")) == 1
    assert task_of(case, "open_investigation").escalated_at is not None


def test_cli_scan_without_as_of_uses_the_clock(runner, enterprise_step):
    result = runner.invoke(args=["deadlines", "scan"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().startswith("Deadline scan:")


@pytest.mark.parametrize(
    "bad", ["2027-01-15T00:00:00", "tomorrow", "2027-13-01T00:00:00+07:00", ""]
)
def test_cli_scan_refuses_a_bad_as_of_in_one_line_and_changes_nothing(runner, enterprise_step, bad):
    before = outbox_count()
    result = runner.invoke(args=["deadlines", "scan", "--as-of", bad])
    assert result.exit_code != 0
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert "as-of" in result.output
    assert outbox_count() == before


def test_a_notice_for_a_task_closed_before_dispatch_tells_nobody(enterprise_step, monkeypatch):
    """Jobs re-check the state that justified them (STYLE 16)."""
    from app.jobs import notifications

    _case, task, _people = enterprise_step
    monkeypatch.setattr(notifications, "queue_outbox", lambda outbox_id: None)  # not yet sent
    scan(as_utc(task.due_at) - timedelta(hours=1))
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.event == "task.reminder"))
    db.session.get(Task, task.id).closed_at = as_utc(task.due_at) - timedelta(minutes=30)
    db.session.commit()
    assert notifications.dispatch_outbox(row.id) == 0
    assert notes("task.reminder") == []
    assert db.session.get(OutboxMessage, row.id).dispatched_at is not None


def test_a_deadline_moved_after_the_scan_read_it_is_not_marked(enterprise_step):
    """The scan read the task with its old due time; a transition then moved the deadline
    (and cleared the marks for the new one). The scan's mark must not mark the new one: it
    judges the due time as it is now."""
    from sqlalchemy import update

    from app.jobs.deadlines import mark

    case, task, people = enterprise_step
    seen = task_of(case, "open_investigation")
    at = as_utc(seen.due_at) - timedelta(hours=12)
    db.session.execute(
        update(Task).where(Task.id == seen.id).values(due_at=seen.due_at + timedelta(days=10))
    )
    assert mark(Task.reminded_at, [seen.id], at, at + timedelta(hours=24)) == []
    assert task_of(case, "open_investigation").reminded_at is None


# -- what the scan decided is what people see --------------------------------------------------


def test_a_task_the_scan_marked_overdue_is_overdue_in_the_api_and_the_inbox(
    declaration_day, enterprise_step, runner, client, api_token, login
):
    """The wall clock (frozen on the declaration day) is before the due time; the scan run
    ``--as-of`` a day after it marks the task overdue and escalates it. From then on the API's
    tasks and the inbox say overdue, as the notices the scan sent did."""
    case, task, people = enterprise_step
    token = api_token(people["officer"].username)

    def api_overdue() -> bool:
        response = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
        [row] = [t for t in response.get_json() if t["id"] == task.id]
        return row["overdue"]

    assert as_utc(task.due_at) > declaration_day
    assert api_overdue() is False
    as_of = (as_utc(task.due_at) + timedelta(days=1)).astimezone(VN_TZ).isoformat()
    result = runner.invoke(args=["deadlines", "scan", "--as-of", as_of])
    assert "overdue 1, escalated 1" in result.output
    assert api_overdue() is True

    login(people["officer"].username)
    inbox = client.get("/tasks/").get_data(as_text=True)
    assert f'data-task="{task.id}" class="task-overdue"' in inbox


def test_task_is_overdue_when_marked_or_past_due():
    """``task_is_overdue``: the scan's mark, or the due time passed; nothing else."""
    from datetime import datetime

    from app.services.cases import task_is_overdue

    at = datetime(2027, 1, 15, 9, tzinfo=VN_TZ)
    later, earlier = at + timedelta(hours=1), at - timedelta(hours=1)
    assert task_is_overdue(Task(due_at=later), at) is False
    assert task_is_overdue(Task(due_at=earlier), at) is True
    assert task_is_overdue(Task(due_at=later, overdue_at=earlier), at) is True
    assert task_is_overdue(Task(due_at=None), at) is False
    assert task_is_overdue(Task(due_at=None, overdue_at=earlier), at) is True


def test_the_scan_reads_through_its_partial_index(enterprise_step):
    """The reading query is served by ``ix_task_scan_due`` (open, unsettled tasks with a due
    time): SQLite by ``INDEXED BY``; PostgreSQL by its planner as soon as a sequential scan
    is not cheaper (tiny tables here, so it is told so)."""
    from app.jobs.deadlines import scan_query

    _case, task, _people = enterprise_step
    at = as_utc(task.due_at)
    query = scan_query(at, at + timedelta(hours=24))
    connection = db.session.connection()
    compiled = query.compile(dialect=connection.dialect)
    if connection.dialect.name == "sqlite":
        params = tuple(
            compiled.binds[name].type.process_bind_param(compiled.params[name], connection.dialect)
            for name in compiled.positiontup
        )
        plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled), params).all()
        details = [row[-1] for row in plan if row[-1].startswith(("SEARCH", "SCAN"))]
    else:
        # As in a real city, most open tasks have no due time (the inbox's index holds them,
        # the scan's does not): with statistics saying so, the planner picks the scan's index
        # over the inbox's (on a table of three rows their costs tie).
        connection.execute(
            Task.__table__.insert(),
            [{"case_id": task.case_id, "name": "close", "role": "inspector", "title_vi": "x",
              "title_en": "x", "opened_at": at} for _ in range(400)],
        )  # fmt: skip
        connection.exec_driver_sql("ANALYZE task")
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = connection.exec_driver_sql("EXPLAIN " + str(compiled), compiled.params).all()
        details = [row[0] for row in plan if " on task" in row[0]]
    db.session.rollback()
    assert len(details) == 2, plan
    assert all("ix_task_scan_due" in line for line in details), details
