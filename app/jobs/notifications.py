"""Outbox rows → in-app notifications → emails, after commit, idempotent, relayed when lost.

The path of one notice:

1. The engine (or the deadline scan) writes an ``OutboxMessage`` in the transaction that
   decided it and calls ``queue_outbox(id)``: after commit, RQ job ``outbox-<id>`` (or an
   in-process call when embedded). A rolled-back transaction leaves no row and no job.
2. ``dispatch_outbox(id)`` locks the row, returns at once if ``dispatched_at`` is set, and
   otherwise creates one ``Notification`` per recipient — the active users of the notice's
   roles who can see the case — (unique ``(outbox_id, user_id)``), sets ``dispatched_at``
   and, after its own commit, queues the emails of the notifications that want one
   (MAIL_SERVER set, the user has an address, and the notice is urgent or the user has not
   muted email). ``EMAIL_JOBS=per_notice`` (the default): one job ``emails-<outbox id>``
   that sends them all over one SMTP conversation (``send_notice_emails``);
   ``EMAIL_JOBS=per_notification``: one job ``email-<notification id>`` each
   (``send_email``). Both are RQ jobs with ``Retry`` and backoff.
3. A sender first **claims** its emails: ``UPDATE notification SET email_claimed_at = now
   WHERE … AND email_wanted AND emailed_at IS NULL AND email_claimed_at IS NULL RETURNING
   id``, committed before it talks SMTP. Then it sends each claimed message and commits
   ``emailed_at`` as soon as the server accepts it. When the conversation fails (server
   down, a refusal, RQ's time limit) the claims not used are released and the job raises,
   so RQ retries it; the retry claims only what is still unsent. Embedded, the periodic run
   retries instead (``retry_pending_emails``).

Lost work is found from the database, not from Redis: ``relay_outbox`` re-enqueues outbox
rows still undispatched a minute after they were written (Redis down at commit time, a
process that died between commit and enqueue) and ``retry_pending_emails`` re-enqueues
unclaimed pending emails whose job vanished or whose worker died, and clears claims older
than ``EMAIL_CLAIM_STALE`` (their sender died mid-job) to retry those. A job whose status is
queued or scheduled is left alone; one that exhausted its retries (RQ "failed") is left for
the administrator (``/admin/jobs``).

Guarantees (see docs/operations.md):

- Notifications are exactly-once (unique key + ``dispatched_at`` under a row lock).
- An email has at most one sender at any time, across threads, worker processes and hosts,
  on PostgreSQL and SQLite alike: the claim is a committed conditional UPDATE, so two
  workers racing for the same email (a duplicated job, a relay beside RQ's retry, the
  per-notice and a per-notification job) send it once.
- Email is still at-least-once, not exactly-once, in one case that no sender can close
  without the SMTP server's help: the sender dies (killed, machine lost, database
  unreachable) after the server said "250 OK" and before ``emailed_at`` was committed.
  The claim then goes stale and the relay sends the email again ``EMAIL_CLAIM_STALE`` later,
  with the same ``Message-ID`` so mail clients can fold it. A sender that dies before
  the server accepted the message delays that email by up to ``EMAIL_CLAIM_STALE`` plus
  one relay interval; it is not lost.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from flask import current_app
from sqlalchemy import or_, select, update

from app.clock import as_utc, now, to_local
from app.extensions import db
from app.jobs import enqueue, enqueue_after_commit, jobs_inline, redis_connection
from app.jobs.messages import RULE_VALUES, email_text, render
from app.models import Case, Notification, OutboxMessage, Task, User
from app.services.privacy import sees_medical, strip_medical
from app.services.rulebook import load_rulebook
from app.services.unit_of_work import unit_of_work
from app.services.visibility import can_see, viewers_filter

log = logging.getLogger(__name__)

QUEUE = "notifications"
DISPATCH_TIMEOUT = 120
# Dispatch only touches the database: a few quick retries for a database hiccup.
DISPATCH_RETRY_INTERVALS = (10, 60, 300)
EMAIL_TIMEOUT = 60
# A notice's emails share one job: enough for a few hundred recipients on a slow server.
NOTICE_EMAIL_TIMEOUT = 300
# A claim older than this belongs to a sender that died (it exceeds every job's time limit):
# the relay clears it and sends the email again.
EMAIL_CLAIM_STALE = timedelta(minutes=10)
# SMTP down: retry after 5 s, 30 s, 2 min, 10 min, 30 min (about 43 minutes in all); then
# the job is "failed" and shows on /admin/jobs with a retry button.
EMAIL_RETRY_INTERVALS = (5, 30, 120, 600, 1800)
# The relays leave rows younger than this to the normal path.
RELAY_GRACE = timedelta(seconds=60)
# Pending emails older than this are no longer retried automatically (the in-app
# notification stays; the admin page lists them).
EMAIL_RETRY_WINDOW = timedelta(days=3)
RELAY_BATCH = 500
# A job that started this recently may still be connecting before it takes its row lock or
# its claim.
STARTING_GRACE = timedelta(seconds=5)


def outbox_job_id(outbox_id: int) -> str:
    return f"outbox-{outbox_id}"


def email_job_id(notification_id: int) -> str:
    return f"email-{notification_id}"


def notice_email_job_id(outbox_id: int) -> str:
    return f"emails-{outbox_id}"


# --------------------------------------------------------------------------------------------
# Outbox → notifications
# --------------------------------------------------------------------------------------------


def _dispatch_options() -> dict:
    from rq import Retry

    return {
        "job_timeout": DISPATCH_TIMEOUT,
        "retry": Retry(max=len(DISPATCH_RETRY_INTERVALS), interval=list(DISPATCH_RETRY_INTERVALS)),
    }


def rule_values(at) -> dict[str, int]:
    """The legal limits the message texts quote, as in force on the day of the notice."""
    rules = load_rulebook()
    day = to_local(at).date()
    return {key: int(rules.get(key, day)) for key in RULE_VALUES}


def queue_outbox(outbox_id: int) -> None:
    """Dispatch the outbox row once its transaction commits (job id ``outbox-<id>``)."""
    enqueue_after_commit(
        dispatch_outbox,
        outbox_id,
        queue=QUEUE,
        job_id=outbox_job_id(outbox_id),
        **_dispatch_options(),
    )


def recipients(case: Case | None, roles: list[str] | tuple[str, ...]) -> list[User]:
    """Active users of ``roles`` who can see ``case`` (all of them when there is no case).

    The SQL filter keeps the query small; ``can_see`` has the last word, so the two can
    only disagree towards telling fewer people.
    """
    if not roles:
        return []
    scope = or_(*[(User.role == role) & viewers_filter(case, role) for role in roles])
    users = db.session.scalars(
        select(User).where(User.active.is_(True), scope).order_by(User.id)
    ).all()
    return [u for u in users if case is None or can_see(u, case)]


def wants_email(user: User, urgent: bool) -> bool:
    """Email goes out when SMTP is configured, the user has an address and the notice is
    urgent (legally immediate: never muted) or the user has not muted email."""
    mail_on = bool(current_app.config.get("MAIL_SERVER"))
    return bool(mail_on and user.email and (urgent or not user.mute_email))


def _task_no_longer_open(row: OutboxMessage) -> bool:
    """A deadline notice (``task.*``) whose task was closed before the dispatch ran."""
    task_id = (row.payload or {}).get("task_id")
    if not row.event.startswith("task.") or task_id is None:
        return False
    task = db.session.get(Task, task_id)
    return task is None or task.closed_at is not None


def dispatch_outbox(outbox_id: int) -> int:
    """Create the notifications of one outbox row (once); returns how many were created."""
    with unit_of_work():
        row = db.session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.id == outbox_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).scalar_one_or_none()
        if row is None or row.dispatched_at is not None:
            return 0
        if _task_no_longer_open(row):
            row.dispatched_at = now()  # the reminder or escalation is moot: tell nobody
            return 0
        case = db.session.get(Case, row.case_id) if row.case_id else None
        already = set(
            db.session.scalars(select(Notification.user_id).where(Notification.outbox_id == row.id))
        )
        # A notice goes to every role, the union included: never a medical value from the
        # payload, and each recipient reads the text its access allows (app.services.privacy).
        values = strip_medical({**rule_values(row.created_at), **(row.payload or {})})
        # Each recipient reads the text its access allows, in the language it chose.
        texts = {
            (medical, lang): render(
                row.event, values, urgent=row.urgent, medical=medical, lang=lang
            )
            for medical in (False, True)
            for lang in ("vi", "en")
        }
        at = now()
        new = []
        for user in recipients(case, row.roles or []):
            if user.id in already:
                continue
            subject, body = texts[sees_medical(user), "en" if user.locale == "en" else "vi"]
            new.append(
                Notification(
                    outbox_id=row.id,
                    user_id=user.id,
                    case_id=row.case_id,
                    event=row.event,
                    urgent=row.urgent,
                    subject=subject[:300],
                    body=body[:2000],
                    created_at=at,
                    email_wanted=wants_email(user, row.urgent),
                )
            )
        db.session.add_all(new)
        db.session.flush()  # one batched INSERT … RETURNING on PostgreSQL
        created = len(new)
        emails = [note.id for note in new if note.email_wanted]
        row.dispatched_at = at
        if emails and email_jobs_per_notice():
            queue_notice_emails(row.id)
        else:
            for note_id in emails:
                queue_email(note_id)
    return created


# --------------------------------------------------------------------------------------------
# Notification → email
# --------------------------------------------------------------------------------------------


def _email_options() -> dict:
    from rq import Retry

    return {
        "job_timeout": EMAIL_TIMEOUT,
        "retry": Retry(max=len(EMAIL_RETRY_INTERVALS), interval=list(EMAIL_RETRY_INTERVALS)),
    }


def _notice_email_options() -> dict:
    return {**_email_options(), "job_timeout": NOTICE_EMAIL_TIMEOUT}


def email_jobs_per_notice() -> bool:
    """``EMAIL_JOBS``: ``per_notice`` (default) sends all of an outbox row's emails in one
    job over one SMTP connection; ``per_notification`` one job per email."""
    return current_app.config.get("EMAIL_JOBS", "per_notice") == "per_notice"


def queue_email(notification_id: int) -> None:
    """Send the notification's email after commit (job id ``email-<id>``, retried)."""
    enqueue_after_commit(
        send_email,
        notification_id,
        queue=QUEUE,
        job_id=email_job_id(notification_id),
        **_email_options(),
    )


def queue_notice_emails(outbox_id: int) -> None:
    """Send the emails of one outbox row's notifications after commit (job
    ``emails-<outbox id>``, retried; each retry sends only what is still unsent)."""
    enqueue_after_commit(
        send_notice_emails,
        outbox_id,
        queue=QUEUE,
        job_id=notice_email_job_id(outbox_id),
        **_notice_email_options(),
    )


def build_message(note: Notification, user: User) -> EmailMessage:
    sender = current_app.config["MAIL_SENDER"]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "safecase.local"
    message = EmailMessage()
    message["From"] = sender
    message["To"] = user.email
    message["Subject"] = note.subject
    message["Date"] = format_datetime(as_utc(note.created_at))
    # The same id on every attempt: a duplicate delivery (see module docstring) can be folded.
    message["Message-ID"] = f"<notification-{note.id}@{domain}>"
    message["X-SafeCase-Notification"] = str(note.id)
    message["X-SafeCase-Event"] = note.event
    if note.urgent:
        message["Importance"] = "high"
        message["X-Priority"] = "1"
    lang = "en" if user.locale == "en" else "vi"
    message.set_content(email_text(note.body, urgent=note.urgent, lang=lang))
    return message


@contextmanager
def smtp_connection() -> Iterator[smtplib.SMTP]:
    """One SMTP conversation: TLS and login as configured, QUIT at the end.

    :raises OSError, smtplib.SMTPException: on any failure (ssl.SSLError is an OSError), so a
        bad certificate or a refused login is retried like a server that is down.
    """
    config = current_app.config
    host, port = config["MAIL_SERVER"], int(config["MAIL_PORT"])
    timeout = config.get("MAIL_TIMEOUT", 10)
    security = config.get("MAIL_SECURITY") or "none"
    context = None
    if security != "none":
        # Certificates and host names are verified; MAIL_CA_FILE adds a CA to trust.
        context = ssl.create_default_context(cafile=config.get("MAIL_CA_FILE"))
    if security == "ssl":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if security == "starttls":
            smtp.starttls(context=context)
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        yield smtp


def _deliver(message: EmailMessage) -> None:
    """One message over its own SMTP conversation. :raises: as ``smtp_connection``."""
    with smtp_connection() as smtp:
        smtp.send_message(message)


# Errors that concern one message, not the conversation: the others are still sent.
_ONE_MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException)


class EmailsNotDelivered(Exception):
    """Some emails of a notice were refused; the job's retry sends those (only)."""


def _claim_where():
    return (
        Notification.email_wanted.is_(True),
        Notification.emailed_at.is_(None),
        Notification.email_claimed_at.is_(None),
    )


def claim_and_load(where, at: datetime) -> list[tuple[int, EmailMessage]]:
    """Claim the emails matching ``where`` and build their messages, in one committed
    transaction; ``[(notification id, message)]`` in id order.

    The claim is ``UPDATE notification SET email_claimed_at = :at WHERE <where> AND
    email_wanted AND emailed_at IS NULL AND email_claimed_at IS NULL RETURNING id``: of two
    senders (two workers, a relayed duplicate job, the embedded retry beside a request) one
    gets each row and the other gets nothing, on PostgreSQL and SQLite alike, and nothing is
    held open while SMTP is talked to. A recipient with no address or no longer active is
    dropped (``email_wanted`` false, claim cleared).
    """
    with unit_of_work():
        claimed = list(
            db.session.scalars(
                update(Notification)
                .where(*where, *_claim_where())
                .values(email_claimed_at=at)
                .returning(Notification.id)
                .execution_options(synchronize_session=False)
            )
        )
        if not claimed:
            return []
        rows = db.session.execute(
            select(Notification, User)
            .join(User, Notification.user_id == User.id)
            .where(Notification.id.in_(claimed))
            .order_by(Notification.id)
            .execution_options(populate_existing=True)
        ).all()
        messages = []
        for note, user in rows:
            if not user.email or not user.active:
                note.email_wanted = False  # nobody to write to any more: stop retrying
                note.email_claimed_at = None
                continue
            messages.append((note.id, build_message(note, user)))
    return messages


def _record_sent(notification_id: int) -> None:
    """``emailed_at``, committed at once: the message was accepted by the SMTP server."""
    with unit_of_work():
        db.session.execute(
            update(Notification)
            .where(Notification.id == notification_id, Notification.emailed_at.is_(None))
            .values(emailed_at=now())
            .execution_options(synchronize_session=False)
        )


def release_claims(notification_ids: list[int], claimed_at: datetime) -> None:
    """Give back claims that were not used (the attempt failed): a retry may send them at
    once. Only this sender's claims (same time stamp), only unsent rows. A failure here is
    logged: the claims then expire (``EMAIL_CLAIM_STALE``) and the relay takes them."""
    if not notification_ids:
        return
    try:
        db.session.rollback()
        with unit_of_work():
            db.session.execute(
                update(Notification)
                .where(
                    Notification.id.in_(notification_ids),
                    Notification.emailed_at.is_(None),
                    Notification.email_claimed_at == claimed_at,
                )
                .values(email_claimed_at=None)
                .execution_options(synchronize_session=False)
            )
    except Exception:
        log.exception("could not release email claims %s; they expire", notification_ids)


def _send_claimed(messages: list[tuple[int, EmailMessage]], claimed_at: datetime) -> int:
    """Send claimed messages over one SMTP conversation, recording each as it is accepted.

    :raises EmailsNotDelivered: some were refused one by one (the rest went out).
    :raises OSError, smtplib.SMTPException: the conversation failed.
    In both cases every claim not used is released first, so the retry sends only those.
    """
    pending = [note_id for note_id, _message in messages]
    refused: list[int] = []
    try:
        with smtp_connection() as smtp:
            for note_id, message in messages:
                try:
                    smtp.send_message(message)
                except _ONE_MESSAGE_ERRORS as error:
                    if getattr(error, "smtp_code", None) == 421:
                        raise  # the server is closing the conversation: not this message
                    log.warning("email %s refused: %s", note_id, error)
                    refused.append(note_id)
                    continue
                _record_sent(note_id)
                pending.remove(note_id)
    except BaseException:
        # Includes RQ's JobTimeoutException: the claims of unsent emails go back.
        release_claims(pending, claimed_at)
        raise
    if refused:
        release_claims(refused, claimed_at)
        raise EmailsNotDelivered(f"{len(refused)} email(s) refused: {refused}")
    return len(messages)


def send_email(notification_id: int) -> bool:
    """Email one notification; True when sent now, False when there is nothing to do (sent,
    being sent by another sender, not wanted).

    :raises OSError/smtplib.SMTPException/EmailsNotDelivered: the server is down or refuses
        (the claim is released, so a retry sends it).
    """
    if not current_app.config.get("MAIL_SERVER"):
        log.warning("email %s not sent: MAIL_SERVER is not set", notification_id)
        return False
    at = now()
    messages = claim_and_load((Notification.id == notification_id,), at)
    if not messages:
        return False
    return _send_claimed(messages, at) == 1


def send_notice_emails(outbox_id: int) -> int:
    """Email every notification of one outbox row that still wants it, over one SMTP
    conversation; returns how many were sent now (0: nothing to do).

    :raises: as ``send_email``; the emails already sent are recorded and not sent again.
    """
    if not current_app.config.get("MAIL_SERVER"):
        log.warning("emails of outbox row %s not sent: MAIL_SERVER is not set", outbox_id)
        return 0
    at = now()
    messages = claim_and_load((Notification.outbox_id == outbox_id,), at)
    if not messages:
        return 0
    return _send_claimed(messages, at)


# --------------------------------------------------------------------------------------------
# Relays: find lost work in the database (run by the scheduler, see app.jobs.scheduler)
# --------------------------------------------------------------------------------------------


def _row_locked(model, row_id: int) -> bool:
    """True when another transaction holds the row (PostgreSQL ``SKIP LOCKED`` probe)."""
    with db.engine.connect() as conn:
        found = conn.execute(
            select(model.id).where(model.id == row_id).with_for_update(skip_locked=True)
        ).first()
        conn.rollback()
    return found is None


def _execution_alive(job_id: str) -> bool:
    """True while an RQ worker's heartbeat for ``job_id`` has not expired."""
    from rq.registry import StartedJobRegistry
    from rq.utils import current_timestamp

    conn = redis_connection()
    key = StartedJobRegistry(QUEUE, connection=conn).key
    for entry in conn.zrangebyscore(key, current_timestamp(), "+inf"):
        text = entry.decode() if isinstance(entry, bytes) else str(entry)
        if text.rsplit(":", 1)[0] == job_id:
            return True
    return False


# Job statuses that need no relay: it will run (queued, scheduled as an RQ retry, deferred)
# or it exhausted its retries and is the administrator's (failed, /admin/jobs).
WAITING_OR_FAILED = ("queued", "scheduled", "deferred", "failed")


def _job_and_status(job_id: str):
    """(the RQ job, its status as text), or (None, None) when Redis has no such job."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    try:
        job = Job.fetch(job_id, connection=redis_connection())
    except NoSuchJobError:
        return None, None
    status = job.get_status(refresh=False)
    return job, getattr(status, "value", status)


def needs_enqueue(job_id: str, model, row_id: int) -> bool:
    """Whether the job for a row that still has work to do must be enqueued again.

    Queued, scheduled (an RQ retry) and deferred jobs will run. A failed job exhausted its
    retries: it is the administrator's (``/admin/jobs``). A started job is alive while it
    holds its row lock (PostgreSQL: exact, so a killed worker's job is taken over at the
    next relay; a job started in the last few seconds may not hold it yet) or, elsewhere,
    while RQ's heartbeat for it has not expired. Anything else — no job, a finished or
    stopped job whose row still has work, a dead worker — is lost.
    """
    job, status = _job_and_status(job_id)
    if job is None:
        return True
    if status in WAITING_OR_FAILED:
        return False
    if status == "started":
        started = job.started_at
        if started is not None and (now() - as_utc(started)) < STARTING_GRACE:
            return False
        if db.engine.dialect.name == "postgresql":
            return not _row_locked(model, row_id)
        return not _execution_alive(job_id)
    return True


def _requeue(func: Callable, row_id: int, job_id: str, options: dict) -> bool:
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    try:  # drop the stale hash and its registry entries, then enqueue afresh
        Job.fetch(job_id, connection=redis_connection()).delete()
    except NoSuchJobError:
        pass
    return enqueue(func, row_id, queue=QUEUE, job_id=job_id, **options) is not None


def relay_outbox(as_of: datetime | None = None, grace: timedelta = RELAY_GRACE) -> int:
    """Dispatch (embedded) or re-enqueue (Redis) outbox rows left undispatched; returns how many."""
    cutoff = (as_of or now()) - grace
    ids = list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.dispatched_at.is_(None), OutboxMessage.created_at <= cutoff)
            .order_by(OutboxMessage.id)
            .limit(RELAY_BATCH)
        )
    )
    db.session.rollback()  # end the read transaction; nothing is held while relaying
    count = 0
    for outbox_id in ids:
        if jobs_inline():
            count += run_inline_counted(dispatch_outbox, outbox_id)
        elif needs_enqueue(outbox_job_id(outbox_id), OutboxMessage, outbox_id):
            log.warning("relaying undispatched outbox row %s", outbox_id)
            job_id = outbox_job_id(outbox_id)
            count += _requeue(dispatch_outbox, outbox_id, job_id, _dispatch_options())
    return count


def run_inline_counted(func: Callable, *args) -> int:
    from app.jobs import run_inline

    return 1 if run_inline(func, *args) else 0


def pending_emails_query(as_of: datetime | None = None, grace: timedelta = RELAY_GRACE):
    """Notifications whose email is wanted, not delivered and older than ``grace``."""
    cutoff = (as_of or now()) - grace
    return select(Notification).where(
        Notification.email_wanted.is_(True),
        Notification.emailed_at.is_(None),
        Notification.created_at <= cutoff,
    )


def reclaim_stale(as_of: datetime, stale: timedelta = EMAIL_CLAIM_STALE) -> list[int]:
    """Clear claims older than ``stale`` on unsent emails (their sender died: a claim outlives
    every job's time limit only then); the ids cleared. Conditional, so of two relays one
    clears each."""
    with unit_of_work():
        return list(
            db.session.scalars(
                update(Notification)
                .where(
                    Notification.email_wanted.is_(True),
                    Notification.emailed_at.is_(None),
                    Notification.email_claimed_at <= as_of - stale,
                    Notification.created_at >= as_of - EMAIL_RETRY_WINDOW,
                )
                .values(email_claimed_at=None)
                .returning(Notification.id)
                .execution_options(synchronize_session=False)
            )
        )


def retry_pending_emails(
    as_of: datetime | None = None,
    grace: timedelta = RELAY_GRACE,
    stale: timedelta = EMAIL_CLAIM_STALE,
) -> int:
    """Send (embedded) or re-enqueue (Redis) emails still pending; returns how many.

    A claimed email is being sent and is left alone, unless its claim is older than
    ``stale``: then its sender died, and the claim is cleared and the email retried (the one
    case where an email can go out twice: the sender died after the SMTP server accepted
    it and before ``emailed_at`` was committed). Embedded, this is the only retry: it stops
    at the first SMTP failure (the server is down; the next periodic run tries again). With
    Redis it only replaces lost jobs (``emails-<outbox id>`` or ``email-<id>`` as
    ``EMAIL_JOBS`` says).
    """
    if not current_app.config.get("MAIL_SERVER"):
        return 0
    at = as_of or now()
    reclaimed = set(reclaim_stale(at, stale))
    rows = db.session.execute(
        pending_emails_query(at, grace)
        .with_only_columns(Notification.id, Notification.outbox_id)
        .where(
            Notification.created_at >= at - EMAIL_RETRY_WINDOW,
            Notification.email_claimed_at.is_(None),
        )
        .order_by(Notification.id)
        .limit(RELAY_BATCH)
    ).all()
    db.session.rollback()
    per_notice = email_jobs_per_notice()
    # (job function, row id, job id, job options, whether its claim was stale)
    jobs: dict[str, tuple] = {}
    for note_id, outbox_id in rows:
        if per_notice and outbox_id is not None:
            job_id = notice_email_job_id(outbox_id)
            previous = jobs.get(job_id)
            dead = note_id in reclaimed or bool(previous and previous[4])
            jobs[job_id] = (send_notice_emails, outbox_id, job_id, _notice_email_options(), dead)
        else:
            job_id = email_job_id(note_id)
            jobs[job_id] = (send_email, note_id, job_id, _email_options(), note_id in reclaimed)
    count = 0
    for func, row_id, job_id, options, dead in jobs.values():
        if jobs_inline():
            try:
                sent = func(row_id)
            except (OSError, smtplib.SMTPException, EmailsNotDelivered) as error:
                log.warning(
                    "email job %s still not delivered (%s); will retry later", job_id, error
                )
                break
            count += 1 if sent else 0
        elif email_job_lost(job_id, sender_died=dead):
            log.warning("re-enqueueing email job %s", job_id)
            count += _requeue(func, row_id, job_id, options)
    return count


def email_job_lost(job_id: str, *, sender_died: bool) -> bool:
    """Whether an email job whose emails are pending and unclaimed must be enqueued again.

    Queued, scheduled and deferred jobs will run; a failed one is the administrator's. A
    started job is lost when its sender died (its claim went stale) or, if it holds no claim
    and started more than a few seconds ago, when RQ's heartbeat for it has expired. The
    claims decide who sends: a job enqueued twice sends each email once.
    """
    job, status = _job_and_status(job_id)
    if job is None:
        return True
    if status in WAITING_OR_FAILED:
        return False
    if status == "started" and not sender_died:
        started = job.started_at
        if started is not None and (now() - as_utc(started)) < STARTING_GRACE:
            return False
        return not _execution_alive(job_id)
    return True
