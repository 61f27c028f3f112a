"""The audit trail: the database refuses to change events, and ``flask audit verify`` finds
any change made behind its back (here: with the guard trigger dropped).

On PostgreSQL the schema is shared by the whole session, so every test that drops a guard
recreates it in a ``finally`` block exactly as migration 0002 defines it, and checks that
it refuses again.
"""

from __future__ import annotations

import importlib.util
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from app.extensions import db
from app.models import CaseEvent
from tests.factories import act, head, make_accident, make_user

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"


def _migration_0002():
    (path,) = MIGRATIONS.glob("0002_*.py")
    spec = importlib.util.spec_from_file_location("migration_0002", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


APPEND_ONLY_MESSAGE = _migration_0002().APPEND_ONLY_MESSAGE


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _create_guard_sql(action: str) -> str:
    """The trigger as ``create_event_guards`` in migration 0002 creates it."""
    if _dialect() == "postgresql":
        return (
            f"CREATE TRIGGER case_event_no_{action} BEFORE {action.upper()} ON case_event "
            "FOR EACH ROW EXECUTE FUNCTION case_event_append_only()"
        )
    return (
        f"CREATE TRIGGER case_event_no_{action} BEFORE {action.upper()} ON case_event "
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
    )


def _drop_guard_sql(action: str) -> str:
    suffix = " ON case_event" if _dialect() == "postgresql" else ""
    return f"DROP TRIGGER case_event_no_{action}{suffix}"


def assert_refused(statement) -> None:
    with pytest.raises(DBAPIError) as raised:
        db.session.execute(statement)
        db.session.flush()
    db.session.rollback()
    assert APPEND_ONLY_MESSAGE in str(raised.value)


@contextmanager
def guard_dropped(action: str):
    """Drop ``case_event_no_<action>`` for the block; always put it back, and prove it."""
    db.session.commit()
    db.session.execute(text(_drop_guard_sql(action)))
    db.session.commit()
    try:
        yield
    finally:
        db.session.rollback()
        db.session.execute(text(_create_guard_sql(action)))
        db.session.commit()
        any_event = CaseEvent.__table__
        statement = (
            update(any_event).values(actor="probe")
            if action == "update"
            else delete(any_event).where(any_event.c.id > 0)
        )
        assert_refused(statement)


@pytest.fixture
def cases(app):
    """Two fatal accidents: one with three events (the one we tamper with), one intact."""
    enterprise = make_user("enterprise")
    inspector = make_user("inspector")
    target = make_accident(enterprise, outcomes=("death",))
    act(target, inspector, "open_investigation", team=head())
    act(target, inspector, "extend_deadline", days=10, reason="Chờ giám định pháp y")
    other = make_accident(enterprise, outcomes=("death",))
    act(other, inspector, "open_investigation", team=head())
    db.session.commit()
    return target, other


def event(case, seq: int) -> CaseEvent:
    return db.session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.seq == seq)
    ).one()


def verify(runner):
    db.session.commit()  # hold no transaction while the command reads (SQLite write lock)
    return runner.invoke(args=["audit", "verify"])


# -- the database refuses -------------------------------------------------------------------------


def test_database_refuses_to_update_an_event(cases):
    target, _other = cases
    first = event(target, 1)
    assert_refused(update(CaseEvent).where(CaseEvent.id == first.id).values(actor="someone"))
    assert_refused(
        text("UPDATE case_event SET trigger = 'rewritten' WHERE id = :id").bindparams(id=first.id)
    )
    assert event(target, 1).actor == first.actor


def test_database_refuses_to_delete_an_event(cases):
    target, _other = cases
    assert_refused(delete(CaseEvent).where(CaseEvent.case_id == target.id))
    assert [e.seq for e in db.session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == target.id).order_by(CaseEvent.seq)
    )] == [1, 2, 3]  # fmt: skip


# -- verify finds every change ------------------------------------------------------------------


def test_intact_database_verifies(cases, runner):
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert "BROKEN" not in result.output


def _change_payload(e: CaseEvent) -> None:
    e.payload = {**e.payload, "team": [{"name": "Người khác", "organisation": "other"}]}


def _change_actor(e: CaseEvent) -> None:
    e.actor = "ke_gian"


def _change_role(e: CaseEvent) -> None:
    e.role = "admin"


def _change_timestamp(e: CaseEvent) -> None:
    e.at = e.at - timedelta(days=2)


def _change_to_state(e: CaseEvent) -> None:
    e.to_state = "closed"


def _change_hash(e: CaseEvent) -> None:
    e.hash = "f" * 64


def _change_prev_hash(e: CaseEvent) -> None:
    e.prev_hash = "0" * 64


@pytest.mark.parametrize(
    "tamper",
    [
        _change_payload,
        _change_actor,
        _change_role,
        _change_timestamp,
        _change_to_state,
        _change_hash,
        _change_prev_hash,
    ],
    ids=lambda f: f.__name__.removeprefix("_change_"),
)
def test_verify_fails_naming_the_case_and_event_that_was_changed(cases, runner, tamper):
    target, other = cases
    with guard_dropped("update"):
        tamper(event(target, 2))
        db.session.commit()
        result = verify(runner)
    assert result.exit_code == 1, result.output
    assert f"BROKEN {target.code} event 2:" in result.output
    assert target.code in result.output.splitlines()[-1]
    assert other.code not in result.output
    assert f"BROKEN {target.code} event 1:" not in result.output


def test_changing_a_hash_also_breaks_the_next_link(cases, runner):
    target, _other = cases
    with guard_dropped("update"):
        _change_hash(event(target, 2))
        db.session.commit()
        result = verify(runner)
    assert result.exit_code == 1
    assert f"BROKEN {target.code} event 2: content does not match its hash" in result.output
    assert f"BROKEN {target.code} event 3: prev_hash does not match the chain" in result.output


def test_verify_fails_when_an_event_was_deleted(cases, runner):
    target, other = cases
    with guard_dropped("delete"):
        db.session.execute(
            delete(CaseEvent).where(CaseEvent.case_id == target.id, CaseEvent.seq == 2)
        )
        db.session.commit()
        result = verify(runner)
    assert result.exit_code == 1, result.output
    assert f"BROKEN {target.code} event 3:" in result.output
    assert other.code not in result.output


def test_verify_fails_when_the_newest_event_was_deleted(cases, runner):
    """No later link reveals it; the chain head kept on the case row does."""
    target, other = cases
    with guard_dropped("delete"):
        db.session.execute(
            delete(CaseEvent).where(CaseEvent.case_id == target.id, CaseEvent.seq == 3)
        )
        db.session.commit()
        result = verify(runner)
    assert result.exit_code == 1, result.output
    assert f"BROKEN {target.code} event 3: the case names event 3 as its last" in result.output
    assert "the chain ends at 2" in result.output
    assert other.code not in result.output


def test_restored_guard_leaves_a_verifiable_database(cases, runner):
    """After a drop-and-recreate with no change, verify passes and the guard refuses again."""
    with guard_dropped("update"):
        pass
    result = verify(runner)
    assert result.exit_code == 0, result.output
