"""The production shape: real Redis, ``flask --app wsgi worker`` as separate processes.

Skipped without REDIS_URL (CI sets it). The worker is configured like production through
the environment and reaches the test database (the SQLite file or PostgreSQL). The test
process only declares and relays; everything else happens in the worker.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.jobs import get_queue, job_status
from app.jobs import notifications as jobs
from app.models import Notification, OutboxMessage
from app.services import workflow_engine
from tests.factories import head, make_accident, make_user
from tests.jobs.conftest import db_read, wait_until

pytestmark = pytest.mark.redis


def email_rows() -> list[tuple[int, bool, bool]]:
    """(id, email_wanted, emailed) of every notification, read fresh."""
    return db_read(
        lambda: [
            (n.id, n.email_wanted, n.emailed_at is not None)
            for n in db.session.scalars(select(Notification).order_by(Notification.id))
        ]
    )


def all_emailed(expected: int):
    def check():
        rows = [r for r in email_rows() if r[1]]
        return len(rows) == expected and all(emailed for _id, _wanted, emailed in rows)

    return check


def test_fatal_declaration_emails_every_inspector_through_the_worker(smtp, workers):
    inspectors = [make_user("inspector") for _ in range(3)]
    declarant = make_user("enterprise")
    workers.start()

    case = make_accident(declarant, outcomes=("death",))

    smtp.wait_for(len(inspectors))
    wait_until(all_emailed(len(inspectors)), 60, message="emailed_at recorded by the worker")
    for inspector in inspectors:
        [message] = smtp.to(inspector.email)
        assert case.code in message["Subject"] and "[KHẨN]" in message["Subject"]
    assert len(smtp.messages) == len(inspectors)
    dispatched = db_read(
        lambda: [r.dispatched_at is not None for r in db.session.scalars(select(OutboxMessage))]
    )
    assert dispatched and all(dispatched)


def test_a_rolled_back_transition_enqueues_nothing(smtp, redis_conn, crash_after_notices):
    make_user("inspector")
    declarant = make_user("enterprise")
    case = make_accident(declarant, outcomes=("death",))
    queue = get_queue("notifications")
    queued_before = set(queue.job_ids)
    assert queued_before, "the declaration's dispatch jobs are waiting (no worker yet)"
    crash_after_notices()
    with pytest.raises(RuntimeError):
        workflow_engine.fire_transition(
            case.id,
            "open_investigation",
            make_user("inspector"),
            {"version": case.version, "team": head()},
        )
    db.session.rollback()
    assert set(queue.job_ids) == queued_before
    outbox_ids = db_read(lambda: list(db.session.scalars(select(OutboxMessage.id))))
    assert {f"outbox-{i}" for i in outbox_ids} == queued_before


def test_smtp_down_then_up_is_delivered_once_by_rq_retry(mailbox, workers):
    inspector = make_user("inspector")
    workers.start()
    make_accident(make_user("enterprise"), outcomes=("death",))

    def failed_once():
        rows = email_rows()
        return rows and job_status(f"email-{rows[0][0]}") == "scheduled"

    wait_until(failed_once, 60, message="the first SMTP attempt fails and RQ schedules a retry")
    mailbox.start()
    mailbox.wait_for(1, timeout=90)
    wait_until(all_emailed(1), 60)
    [message] = mailbox.messages
    assert message["To"] == inspector.email
    # Nothing else is pending, and the relay finds nothing to redo.
    assert jobs.retry_pending_emails(grace=timedelta(0)) == 0
    assert len(mailbox.messages) == 1


def _hold_first_delivery(smtp) -> None:
    smtp.handler.hold_first_rcpt = True


def test_a_work_horse_killed_mid_email_is_retried_by_rq_and_sends_once(smtp, workers):
    inspector = make_user("inspector")
    _hold_first_delivery(smtp)
    worker = workers.start()
    make_accident(make_user("enterprise"), outcomes=("death",))

    wait_until(smtp.handler.holding.is_set, 60, message="the email job reached the SMTP server")
    killed = worker.kill_horse()
    assert killed, "the job runs in a forked work horse"
    smtp.handler.release.set()

    smtp.wait_for(1, timeout=90)  # RQ: horse died → Retry → the job runs again
    wait_until(all_emailed(1), 60)
    assert [m["To"] for m in smtp.messages] == [inspector.email]


@pytest.mark.postgres
def test_a_worker_killed_mid_email_is_taken_over_and_sends_once(smtp, workers):
    """SIGKILL to the worker and its work horse while the SMTP conversation is open.

    RQ alone would notice the abandoned job only when its heartbeat expires and a worker
    cleans the registry (minutes). The relay sees at once that nobody holds the
    notification's row lock any more and enqueues the job again; the lock and
    ``emailed_at`` make sure a single email goes out.
    """
    inspector = make_user("inspector")
    _hold_first_delivery(smtp)
    first = workers.start()
    make_accident(make_user("enterprise"), outcomes=("death",))

    wait_until(smtp.handler.holding.is_set, 60, message="the email job reached the SMTP server")
    first.crash()
    smtp.handler.release.set()
    [(note_id, _wanted, emailed)] = email_rows()
    assert not emailed and job_status(f"email-{note_id}") == "started"

    workers.start()
    wait_until(
        lambda: jobs.retry_pending_emails(grace=timedelta(0)) == 1,
        60,
        message="the relay takes over the abandoned email job",
    )
    smtp.wait_for(1, timeout=90)
    wait_until(all_emailed(1), 60)
    assert jobs.retry_pending_emails(grace=timedelta(0)) == 0
    assert [m["To"] for m in smtp.messages] == [inspector.email]
    assert len(smtp.for_notification(note_id)) == 1


def test_the_relay_enqueues_outbox_rows_lost_while_redis_was_down(app, smtp, workers):
    from tests.jobs.conftest import free_port

    inspector = make_user("inspector")
    good_url = app.config["REDIS_URL"]
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"
    app.extensions.pop("safecase_redis", None)
    case = make_accident(make_user("enterprise"), outcomes=("death",))  # enqueue fails, logged
    app.config["REDIS_URL"] = good_url
    app.extensions.pop("safecase_redis", None)
    assert get_queue("notifications").count == 0

    workers.start()
    assert jobs.relay_outbox() == 0, "rows younger than a minute are left to the normal path"
    assert jobs.relay_outbox(grace=timedelta(0)) == 2  # inspectors' and union's notices
    smtp.wait_for(1)
    wait_until(all_emailed(1), 60)
    assert case.code in smtp.to(inspector.email)[0]["Subject"]
    assert jobs.relay_outbox(grace=timedelta(0)) == 0
    assert len(smtp.messages) == 1


def test_queued_jobs_are_not_enqueued_twice_by_the_relay(smtp, redis_conn):
    """No worker: the dispatch jobs wait in the queue; the relay leaves them there."""
    make_user("inspector")
    make_accident(make_user("enterprise"), outcomes=("death",))
    queue = get_queue("notifications")
    before = list(queue.job_ids)
    assert len(before) == 2
    assert jobs.relay_outbox(grace=timedelta(0)) == 0
    assert list(queue.job_ids) == before
