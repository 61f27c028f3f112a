"""Outbox → notifications → email, embedded (jobs in-process), against a real SMTP server.

Who is told comes from the workflows' Notify entries; these tests check the dispatch
honours them (roles, scope, urgency, mute), that nothing leaves for a rolled-back
transition, and that an email is delivered exactly once even when SMTP is down first.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.clock import now
from app.extensions import db
from app.jobs import notifications as jobs
from app.models import Notification, OutboxMessage
from app.services import workflow_engine
from tests.factories import head, make_accident, make_enterprise, make_user
from tests.jobs.conftest import wait_until

pytestmark = pytest.mark.usefixtures("app")


def notes(event: str | None = None) -> list[Notification]:
    query = select(Notification).order_by(Notification.id)
    if event:
        query = query.where(Notification.event == event)
    db.session.expire_all()
    return list(db.session.scalars(query))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def people():
    enterprise = make_enterprise()
    return {
        "declarant": make_user("enterprise", enterprise=enterprise),
        "colleague": make_user("enterprise", enterprise=enterprise),
        "inspectors": [make_user("inspector") for _ in range(3)],
        "union_own": make_user("union", enterprise=enterprise),
        "union_city": make_user("union"),
        "union_other": make_user("union", enterprise=make_enterprise()),
        "stranger": make_user("enterprise"),
    }


def test_fatal_declaration_emails_every_inspector_with_the_case_code(people, smtp):
    case = make_accident(people["declarant"], outcomes=("death",))

    messages = smtp.wait_for(len(people["inspectors"]) + 2)
    for inspector in people["inspectors"]:
        [message] = smtp.to(inspector.email)
        assert case.code in message["Subject"]
        assert message["Subject"].startswith("[SafeCase] [KHẨN]")
        assert message["Importance"] == "high"
        body = message.get_content()
        assert case.code in body and "02 giờ" in body
    # The union of the enterprise and the city federation get the (non-urgent) notice too;
    # a union of another enterprise, enterprise users and strangers get nothing.
    assert smtp.to(people["union_own"].email) and smtp.to(people["union_city"].email)
    for outsider in ("union_other", "stranger", "colleague", "declarant"):
        assert not smtp.to(people[outsider].email), outsider
    assert len(messages) == len(people["inspectors"]) + 2
    immediate = notes("accident.declared_immediate")
    assert {n.user_id for n in immediate if n.urgent} == {u.id for u in people["inspectors"]}
    assert all(n.emailed_at is not None for n in immediate)


def test_each_email_names_its_notification_and_keeps_one_message_id(people, smtp):
    make_accident(people["declarant"], outcomes=("death",))
    smtp.wait_for(5)
    note = notes()[0]
    [message] = smtp.for_notification(note.id)
    assert message["Message-ID"].startswith(f"<notification-{note.id}@")
    assert message["X-SafeCase-Event"] == note.event


def test_dispatch_is_idempotent(people, smtp):
    make_accident(people["declarant"], outcomes=("death",))
    smtp.wait_for(5)
    before = len(notes())
    for row in db.session.scalars(select(OutboxMessage)):
        assert row.dispatched_at is not None
        assert jobs.dispatch_outbox(row.id) == 0
        assert jobs.send_email(notes()[0].id) is False
    assert len(notes()) == before
    assert len(smtp.messages) == 5


def test_mute_applies_to_routine_notices_only(smtp):
    enterprise = make_enterprise()
    declarant = make_user("enterprise", enterprise=enterprise)
    muted = make_user("inspector", mute_email=True)
    listening = make_user("inspector")

    make_accident(declarant, outcomes=("light",))  # routine: accident.declared to inspectors
    smtp.wait_for(1)
    routine = {n.user_id: n for n in notes("accident.declared")}
    assert set(routine) == {muted.id, listening.id}, "muting email never hides the notice"
    assert routine[muted.id].email_wanted is False
    assert smtp.to(listening.email) and not smtp.to(muted.email)

    make_accident(declarant, outcomes=("death",))  # legally immediate: never muted
    wait_until(lambda: smtp.to(muted.email), message="urgent email to a muted inspector")
    urgent = {n.user_id: n for n in notes("accident.declared_immediate")}
    assert urgent[muted.id].urgent and urgent[muted.id].email_wanted


def test_users_without_address_or_inactive_get_no_email(smtp):
    declarant = make_user("enterprise")
    no_address = make_user("inspector", email=None)
    inactive = make_user("inspector", active=False)
    active = make_user("inspector")
    make_accident(declarant, outcomes=("death",))
    smtp.wait_for(1)
    immediate = {n.user_id: n for n in notes("accident.declared_immediate")}
    assert inactive.id not in immediate
    assert immediate[no_address.id].email_wanted is False
    assert [m["To"] for m in smtp.messages] == [active.email]


def test_without_mail_server_notifications_are_in_app_only(app, smtp):
    app.config["MAIL_SERVER"] = None
    inspector = make_user("inspector")
    make_accident(make_user("enterprise"), outcomes=("death",))
    [note] = notes("accident.declared_immediate")
    assert note.user_id == inspector.id and note.email_wanted is False
    assert jobs.retry_pending_emails(grace=timedelta(0)) == 0
    assert smtp.messages == []


def test_a_rolled_back_transition_sends_nothing(people, smtp, crash_after_notices):
    case = make_accident(people["declarant"], outcomes=("death",))
    smtp.wait_for(5)
    outbox_before, notes_before = count(OutboxMessage), len(notes())

    def outbox_rows_flushed():
        assert count(OutboxMessage) > outbox_before

    crash_after_notices(outbox_rows_flushed)  # the outbox rows are flushed, then the move fails
    with pytest.raises(RuntimeError):
        workflow_engine.fire_transition(
            case.id,
            "open_investigation",
            people["inspectors"][0],
            {"version": case.version, "team": head()},
        )
    db.session.rollback()
    assert count(OutboxMessage) == outbox_before
    assert len(notes()) == notes_before
    assert jobs.relay_outbox(grace=timedelta(0)) == 0
    assert jobs.retry_pending_emails(grace=timedelta(0)) == 0
    assert len(smtp.messages) == 5


def test_smtp_down_then_up_delivers_exactly_once(mailbox):
    inspector = make_user("inspector")
    make_accident(make_user("enterprise"), outcomes=("death",))
    [note] = notes("accident.declared_immediate")
    assert note.email_wanted and note.emailed_at is None, "SMTP was down: still pending"

    # Still down: the periodic retry fails quietly and keeps the email pending.
    assert jobs.retry_pending_emails(grace=timedelta(0)) == 0
    assert notes("accident.declared_immediate")[0].emailed_at is None

    mailbox.start()
    assert jobs.retry_pending_emails(grace=timedelta(0)) == 1
    assert jobs.retry_pending_emails(grace=timedelta(0)) == 0
    assert jobs.send_email(note.id) is False
    assert [m["To"] for m in mailbox.messages] == [inspector.email]
    assert notes("accident.declared_immediate")[0].emailed_at is not None


def test_a_notice_sends_its_emails_over_one_smtp_conversation(people, smtp):
    """EMAIL_JOBS=per_notice (the default): one conversation per notice, not per email."""
    make_accident(people["declarant"], outcomes=("death",))
    smtp.wait_for(5)
    outbox_of = {n.id: n.outbox_id for n in notes()}
    by_notice: dict[int, set] = {}
    for message, session in zip(smtp.messages, smtp.handler.conversations, strict=True):
        notice = outbox_of[int(message["X-SafeCase-Notification"])]
        by_notice.setdefault(notice, set()).add(session.peer)
    assert sorted(len(peers) for peers in by_notice.values()) == [1, 1]
    inspectors = notes("accident.declared_immediate")[0].outbox_id
    assert (
        len(
            [m for m in smtp.messages if outbox_of[int(m["X-SafeCase-Notification"])] == inspectors]
        )
        == 3
    )


def test_per_notification_email_jobs_open_one_conversation_each(app, people, smtp):
    app.config["EMAIL_JOBS"] = "per_notification"
    make_accident(people["declarant"], outcomes=("death",))
    smtp.wait_for(5)
    assert len({id(session) for session in smtp.handler.conversations}) == 5
    assert all(n.emailed_at is not None for n in notes() if n.email_wanted)


def test_a_claimed_email_is_left_to_its_sender_until_the_claim_is_stale(mailbox):
    """Another sender holds the claim (committed): this one sends nothing, and so does the
    relay, until the claim is older than EMAIL_CLAIM_STALE (its sender died)."""
    inspector = make_user("inspector")
    make_accident(make_user("enterprise"), outcomes=("death",))
    [note] = notes("accident.declared_immediate")
    claimed_at = now()
    other = jobs.claim_and_load((Notification.id == note.id,), claimed_at)
    assert [note_id for note_id, _message in other] == [note.id]
    assert jobs.claim_and_load((Notification.id == note.id,), now()) == [], "claimed once"

    mailbox.start()
    assert jobs.send_email(note.id) is False
    assert jobs.retry_pending_emails(grace=timedelta(0)) == 0
    soon = claimed_at + jobs.EMAIL_CLAIM_STALE - timedelta(seconds=1)
    assert jobs.retry_pending_emails(as_of=soon, grace=timedelta(0)) == 0
    assert mailbox.messages == []
    stale = claimed_at + jobs.EMAIL_CLAIM_STALE + timedelta(seconds=1)
    assert jobs.retry_pending_emails(as_of=stale, grace=timedelta(0)) == 1
    assert [m["To"] for m in mailbox.messages] == [inspector.email]
    assert jobs.retry_pending_emails(as_of=stale, grace=timedelta(0)) == 0


def test_a_failed_attempt_releases_its_claims(mailbox):
    """SMTP down: the claims go back at once, so the next attempt (RQ's retry, the relay)
    need not wait for them to go stale."""
    make_user("inspector")
    make_user("inspector")
    make_accident(make_user("enterprise"), outcomes=("death",))
    immediate = notes("accident.declared_immediate")
    assert len(immediate) == 2
    with pytest.raises(OSError):
        jobs.send_notice_emails(immediate[0].outbox_id)
    assert all(n.email_claimed_at is None and n.emailed_at is None for n in notes())
    mailbox.start()
    assert jobs.send_notice_emails(immediate[0].outbox_id) == 2
    assert jobs.send_notice_emails(immediate[0].outbox_id) == 0
    assert len(mailbox.messages) == 2


def test_a_refused_recipient_does_not_stop_the_others(mailbox):
    """One address refused (550): the others of the notice are sent and recorded; the job
    raises so RQ retries, and the retry sends only the refused one."""
    from aiosmtpd.handlers import Sink  # noqa: F401  (aiosmtpd present)

    first, second = make_user("inspector"), make_user("inspector")
    make_accident(make_user("enterprise"), outcomes=("death",))
    immediate = notes("accident.declared_immediate")
    handler = mailbox.handler
    real_rcpt = handler.handle_RCPT
    refused = {first.email}

    async def refuse(server, session, envelope, address, options):
        if address in refused:
            return "550 mailbox unavailable"
        return await real_rcpt(server, session, envelope, address, options)

    handler.handle_RCPT = refuse
    mailbox.start()
    with pytest.raises(jobs.EmailsNotDelivered):
        jobs.send_notice_emails(immediate[0].outbox_id)
    assert [m["To"] for m in mailbox.messages] == [second.email]
    refused.clear()
    assert jobs.send_notice_emails(immediate[0].outbox_id) == 1
    assert sorted(m["To"] for m in mailbox.messages) == sorted([first.email, second.email])


def test_pending_emails_wait_for_the_grace_period(mailbox):
    make_user("inspector")
    make_accident(make_user("enterprise"), outcomes=("death",))
    mailbox.start()
    assert jobs.retry_pending_emails() == 0, "younger than a minute: left to the normal path"
    assert jobs.retry_pending_emails(as_of=now() + timedelta(minutes=2)) == 1
    assert len(mailbox.messages) == 1


def test_the_relay_dispatches_rows_that_were_committed_but_never_queued(smtp, monkeypatch):
    inspector = make_user("inspector")
    monkeypatch.setattr(jobs, "queue_outbox", lambda outbox_id: None)  # the process "died"
    case = make_accident(make_user("enterprise"), outcomes=("death",))
    rows = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case.id)))
    assert len(rows) == 2 and all(r.dispatched_at is None for r in rows) and notes() == []

    assert jobs.relay_outbox() == 0, "a row younger than a minute is left alone"
    assert jobs.relay_outbox(as_of=now() + timedelta(minutes=2)) == 2
    assert jobs.relay_outbox(as_of=now() + timedelta(minutes=3)) == 0
    smtp.wait_for(1)
    assert [m["To"] for m in smtp.messages] == [inspector.email]
    assert case.code in smtp.messages[0]["Subject"]


def test_redis_down_at_commit_does_not_break_the_transition(app, smtp):
    """The enqueue fails after commit: the case exists, the row waits for the relay."""
    from tests.jobs.conftest import free_port

    app.config.update(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0", JOBS_INLINE=False)
    app.extensions.pop("safecase_redis", None)
    inspector = make_user("inspector")
    case = make_accident(make_user("enterprise"), outcomes=("death",))
    assert case.id is not None
    rows = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case.id)))
    assert rows and all(r.dispatched_at is None for r in rows)

    # Redis is gone for good here: run the relay in-process, as an embedded app would.
    app.config.update(REDIS_URL=None, JOBS_INLINE=True)
    assert jobs.relay_outbox(as_of=now() + timedelta(minutes=2)) == len(rows)
    smtp.wait_for(1)
    assert smtp.to(inspector.email)


def test_every_notice_of_a_transition_reaches_its_roles(people, smtp):
    case = make_accident(people["declarant"], outcomes=("death",))
    smtp.wait_for(5)
    workflow_engine.fire_transition(
        case.id,
        "open_investigation",
        people["inspectors"][0],
        {"version": case.version, "team": head()},
    )
    opened = notes("accident.investigation_opened")
    assert opened, "the workflow's Notify entry for open_investigation was dispatched"
    assert all(case.code in n.subject for n in opened)
    stranger = people["stranger"].id
    assert stranger not in {n.user_id for n in opened}
