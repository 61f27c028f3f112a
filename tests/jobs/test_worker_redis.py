"""The production shape: real Redis, ``flask --app wsgi worker`` as separate processes.

Skipped without REDIS_URL (CI sets it). The worker is configured like production through
the environment and reaches the test database (the SQLite file or PostgreSQL). The test
process only declares and relays; everything else happens in the worker.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.clock import now
from app.extensions import db
from app.jobs import get_queue, job_status
from app.jobs import notifications as jobs
from app.models import Enterprise, Notification, OutboxMessage
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


def email_job_of(note_id: int) -> str:
    """The id of the job that emails ``note_id`` (``EMAIL_JOBS=per_notice``: its notice's)."""
    outbox_id = db_read(lambda: db.session.get(Notification, note_id).outbox_id)
    return jobs.notice_email_job_id(outbox_id)


def test_smtp_down_then_up_is_delivered_once_by_rq_retry(mailbox, workers):
    inspector = make_user("inspector")
    workers.start()
    make_accident(make_user("enterprise"), outcomes=("death",))

    def failed_once():
        rows = email_rows()
        return rows and job_status(email_job_of(rows[0][0])) == "scheduled"

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


def test_a_work_horse_killed_mid_email_sends_once_after_its_claim_expires(smtp, workers):
    """``flask worker --fork``: SIGKILL to the work horse while the SMTP conversation is open.

    RQ sees the horse die and retries the job at once, but the dead horse's claim is still
    fresh: nobody can tell a dead sender from a slow one, so the retry sends nothing. Once
    the claim is older than EMAIL_CLAIM_STALE the relay clears it and the email goes out —
    once (the killed conversation never reached DATA).
    """
    inspector = make_user("inspector")
    _hold_first_delivery(smtp)
    worker = workers.start("--fork")
    make_accident(make_user("enterprise"), outcomes=("death",))

    wait_until(smtp.handler.holding.is_set, 60, message="the email job reached the SMTP server")
    killed = worker.kill_horse()
    assert killed, "with --fork the job runs in a forked work horse"
    smtp.handler.release.set()
    [(note_id, _wanted, _emailed)] = email_rows()
    wait_until(lambda: job_status(email_job_of(note_id)) == "finished", 90, message="RQ retry")
    assert smtp.messages == [] and email_rows()[0][2] is False
    assert jobs.retry_pending_emails(grace=timedelta(0)) == 0, "the claim is still fresh"

    later = now() + jobs.EMAIL_CLAIM_STALE + timedelta(minutes=1)
    assert jobs.retry_pending_emails(as_of=later, grace=timedelta(0)) == 1
    smtp.wait_for(1, timeout=90)
    wait_until(all_emailed(1), 60)
    assert [m["To"] for m in smtp.messages] == [inspector.email]
    assert jobs.retry_pending_emails(as_of=later, grace=timedelta(0)) == 0


def test_a_worker_killed_mid_email_is_taken_over_and_sends_once(smtp, workers):
    """SIGKILL to the (simple) worker and its scheduler while the SMTP conversation is open.

    Nothing is retried while the dead worker's claim is fresh; then the relay clears the
    stale claim, sees the job is lost (started, its worker gone) and enqueues it again; the
    second worker sends the email once.
    """
    inspector = make_user("inspector")
    _hold_first_delivery(smtp)
    first = workers.start()
    make_accident(make_user("enterprise"), outcomes=("death",))

    wait_until(smtp.handler.holding.is_set, 60, message="the email job reached the SMTP server")
    first.crash()
    smtp.handler.release.set()
    [(note_id, _wanted, emailed)] = email_rows()
    assert not emailed and job_status(email_job_of(note_id)) == "started"

    workers.start()
    assert jobs.retry_pending_emails(grace=timedelta(0)) == 0, "the claim is still fresh"
    later = now() + jobs.EMAIL_CLAIM_STALE + timedelta(minutes=1)
    assert jobs.retry_pending_emails(as_of=later, grace=timedelta(0)) == 1
    smtp.wait_for(1, timeout=90)
    wait_until(all_emailed(1), 60)
    assert jobs.retry_pending_emails(as_of=later, grace=timedelta(0)) == 0
    assert [m["To"] for m in smtp.messages] == [inspector.email]
    assert len(smtp.for_notification(note_id)) == 1


def test_two_workers_racing_on_duplicated_jobs_send_each_email_once(smtp, workers):
    """Every email is wanted by three jobs queued side by side — its notice's job, a
    duplicate of it under another id, and a per-notification job — and two idle workers
    take them at once from a slow SMTP server, so senders overlap. The committed claim lets
    one sender have each email: the server sees every Message-ID exactly once, and every
    notification is recorded as emailed."""
    from rq import Worker

    for _ in range(6):
        make_user("inspector")
    declarant = make_user("enterprise")
    for _ in range(4):
        make_accident(declarant, outcomes=("death",))
    queue = get_queue("notifications")
    outbox_ids = db_read(lambda: list(db.session.scalars(select(OutboxMessage.id))))
    for outbox_id in outbox_ids:
        jobs.dispatch_outbox(outbox_id)
    queue.empty()  # the jobs queued so far; the racing ones are queued below
    notes_of = db_read(
        lambda: {
            outbox_id: list(
                db.session.scalars(
                    select(Notification.id).where(
                        Notification.outbox_id == outbox_id, Notification.email_wanted
                    )
                )
            )
            for outbox_id in outbox_ids
        }
    )
    wanted = sorted(i for ids in notes_of.values() for i in ids)
    assert len(wanted) == 4 * 6

    smtp.handler.data_delay = 0.05
    workers.start()
    workers.start()
    wait_until(lambda: len(Worker.all(queue=queue)) == 2, 60, message="both workers idle")
    for outbox_id, note_ids in notes_of.items():
        for job_id in (f"emails-{outbox_id}", f"dup-{outbox_id}"):
            queue.enqueue(jobs.send_notice_emails, outbox_id, job_id=job_id, job_timeout=60)
        for note_id in note_ids:
            queue.enqueue(jobs.send_email, note_id, job_id=f"email-{note_id}", job_timeout=60)

    smtp.wait_for(len(wanted), timeout=120)
    wait_until(all_emailed(len(wanted)), 120)
    wait_until(lambda: queue.count == 0, 120, message="every duplicate job ran")
    wait_until(lambda: queue.started_job_registry.count == 0, 120, message="all finished")
    ids = [m["Message-ID"] for m in smtp.messages]
    assert len(ids) == len(set(ids)) == len(wanted), "no email twice"
    assert sorted(int(m["X-SafeCase-Notification"]) for m in smtp.messages) == wanted


def test_the_simple_worker_survives_a_failing_job_and_cleans_up_between_jobs(app, workers):
    """The default worker runs jobs in its own process (no fork). A job that raises is
    recorded as failed and the next job runs in the same process; a job that left a
    transaction open does not leak it (rolled back, session removed) nor its ``g``; a job
    over its time limit is stopped (RQ's death penalty) and the worker goes on."""
    from rq.job import Job

    from tests.factories import make_enterprise

    make_enterprise()
    before = db_read(lambda: db.session.scalar(select(func.sum(Enterprise.workers))))
    worker = workers.start()
    queue = get_queue("default")
    failing = queue.enqueue("tests.jobs.worker_jobs.fail", job_timeout=30)
    leaky = queue.enqueue("tests.jobs.worker_jobs.leave_a_transaction_open", job_timeout=30)
    slow = queue.enqueue("tests.jobs.worker_jobs.sleep", 30, job_timeout=2)
    after = queue.enqueue("tests.jobs.worker_jobs.report_state", job_timeout=30)

    def status(job: Job) -> str:
        value = job.get_status(refresh=True)
        return getattr(value, "value", value)

    wait_until(lambda: status(after) in ("finished", "failed"), 90, message="last job ran")
    assert status(failing) == "failed"
    assert "a job that fails" in failing.latest_result().exc_string
    assert status(leaky) == "finished"
    assert status(slow) == "failed"
    assert "JobTimeoutException" in slow.latest_result().exc_string
    assert status(after) == "finished", after.latest_result().exc_string
    state = after.return_value()
    assert worker.proc.poll() is None, "the worker is still running"
    assert state["pid"] == worker.pid == leaky.return_value(), "jobs ran in the worker"
    assert worker.horses() == []
    assert state["in_transaction"] is False and state["g"] == []
    assert state["workers"] == before, "the leaked write was rolled back, never committed"


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
