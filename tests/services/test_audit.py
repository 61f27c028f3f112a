"""The audit trail: the database refuses to change events, and ``flask audit verify`` finds
any change made behind its back (here: with the guard trigger dropped).

On PostgreSQL the schema is shared by the whole session, so every test that drops a guard
recreates it in a ``finally`` block exactly as migration 0002 defines it, and checks that
it refuses again.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from app.extensions import db
from app.models import GENESIS_HASH, CaseEvent
from app.services.audit import canonical_content, chain_hash
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
    """Two fatal accidents: one with four events (the one we tamper with: its declaration, its
    Form 01 issued, the team, the extension), one intact."""
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
    )] == [1, 2, 3, 4]  # fmt: skip


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
            delete(CaseEvent).where(CaseEvent.case_id == target.id, CaseEvent.seq == 4)
        )
        db.session.commit()
        result = verify(runner)
    assert result.exit_code == 1, result.output
    assert f"BROKEN {target.code} event 4: the case names event 4 as its last" in result.output
    assert "the chain ends at 3" in result.output
    assert other.code not in result.output


def test_restored_guard_leaves_a_verifiable_database(cases, runner):
    """After a drop-and-recreate with no change, verify passes and the guard refuses again."""
    with guard_dropped("update"):
        pass
    result = verify(runner)
    assert result.exit_code == 0, result.output


# -- the hash itself, against answers worked out by hand ----------------------------------------
#
# architecture.md: hash = SHA-256(prev_hash + canonical JSON of {actor, role, trigger, from, to,
# payload, at}), the JSON with sorted keys, no spaces, UTF-8 as is, the time in UTC with
# microseconds. The strings below were written by hand in that form and the digests computed
# once with ``hashlib.sha256``: a change to the field names, their order, the separators or the
# time format turns these red, where a test comparing the production function with itself
# would not.

FIRST_CONTENT = (
    '{"actor":"thanhtra.hp","at":"2026-11-20T03:00:00.000000+00:00","from":"declared",'
    '"payload":{"needs_technical_exam":false,"team":[{"name":"Trần Thanh Tra",'
    '"organisation":"inspectorate","role":"head"}]},'
    '"role":"inspector","to":"investigating","trigger":"open_investigation"}'
)
FIRST_HASH = "92f702e8efef681d10728f12061430952a6e54f1059822cd4d56ab2787f35d10"
LINKED_PREV = "603c9d5ab593f7e65af7d9cf9afaf09bf43f31d8405eae9639f6addde1939b49"
LINKED_CONTENT = (
    '{"actor":"system","at":"2026-11-21T05:00:00.000000+00:00","from":null,"payload":{},'
    '"role":"system","to":"declared","trigger":"declare"}'
)
LINKED_HASH = "008f0e13fcc47befe9ccfa247ff962ec9da5cdb07b417a2df2cb368b73c3ced5"


def test_known_answer_vectors_hold_for_sha256_itself():
    """The literals above are what SHA-256 gives for the hand-written bytes."""
    first = hashlib.sha256(("0" * 64 + FIRST_CONTENT).encode("utf-8")).hexdigest()
    linked = hashlib.sha256((LINKED_PREV + LINKED_CONTENT).encode("utf-8")).hexdigest()
    assert (first, linked) == (FIRST_HASH, LINKED_HASH)


def test_canonical_content_is_the_documented_json():
    vn = timezone(timedelta(hours=7))
    first = canonical_content(
        actor="thanhtra.hp",
        role="inspector",
        trigger="open_investigation",
        from_state="declared",
        to_state="investigating",
        payload={"team": head("Trần Thanh Tra"), "needs_technical_exam": False},
        at=datetime(2026, 11, 20, 10, 0, tzinfo=vn),
    )
    linked = canonical_content(
        actor="system",
        role="system",
        trigger="declare",
        from_state=None,
        to_state="declared",
        payload={},
        at=datetime(2026, 11, 21, 5, 0),  # naive, as SQLite reads it back: UTC
    )
    assert (first, linked) == (FIRST_CONTENT, LINKED_CONTENT)


def test_chain_hash_gives_the_known_answers():
    assert GENESIS_HASH == "0" * 64
    assert chain_hash(GENESIS_HASH, FIRST_CONTENT) == FIRST_HASH
    assert chain_hash(LINKED_PREV, LINKED_CONTENT) == LINKED_HASH


def _content_by_hand(e: CaseEvent) -> str:
    """The documented canonical JSON, assembled field by field in sorted-key order."""

    def dump(value) -> str:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    at = e.at.replace(tzinfo=UTC) if e.at.tzinfo is None else e.at.astimezone(UTC)
    fields = [
        ("actor", e.actor),
        ("at", at.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")),
        ("from", e.from_state),
        ("payload", e.payload),
        ("role", e.role),
        ("to", e.to_state),
        ("trigger", e.trigger),
    ]
    return "{" + ",".join(f'"{name}":{dump(value)}' for name, value in fields) + "}"


def test_stored_events_hash_the_documented_bytes(cases):
    """Every event the engine wrote hashes to SHA-256 of bytes built here by hand."""
    target, _other = cases
    events = db.session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == target.id).order_by(CaseEvent.seq)
    ).all()
    assert [e.seq for e in events] == [1, 2, 3, 4]
    prev = "0" * 64
    for e in events:
        expected = hashlib.sha256((prev + _content_by_hand(e)).encode("utf-8")).hexdigest()
        assert (e.prev_hash, e.hash) == (prev, expected), e.seq
        prev = expected
