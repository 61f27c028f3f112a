"""Outbox rows → in-app notifications → emails, after commit, idempotent, relayed when lost.

The path of one notice:

1. The engine (or the deadline scan) writes an ``OutboxMessage`` in the transaction that
   decided it and calls ``queue_outbox(id)``: after commit, RQ job ``outbox-<id>`` (or an
   in-process call when embedded). A rolled-back transaction leaves no row and no job.
2. ``dispatch_outbox(id)`` locks the row, returns at once if ``dispatched_at`` is set, and
   otherwise creates one ``Notification`` per recipient — the active users of the notice's
   roles who can see the case — (unique ``(outbox_id, user_id)``), sets ``dispatched_at``
   and, after its own commit, queues ``send_email`` (job ``email-<id>``, RQ ``Retry`` with
   backoff) for each notification that wants email: MAIL_SERVER set, the user has an
   address, and the notice is urgent or the user has not muted email.
3. ``send_email(id)`` claims the notification (row lock on PostgreSQL, a process lock
   everywhere), returns if ``emailed_at`` is set, talks SMTP, then sets ``emailed_at`` in
   the same transaction. An SMTP failure rolls back (``emailed_at`` stays NULL) and raises,
   so RQ retries; embedded, the periodic run retries it (``retry_pending_emails``).

Lost work is found from the database, not from Redis: ``relay_outbox`` re-enqueues outbox
rows still undispatched a minute after they were written (Redis down at commit time, a
process that died between commit and enqueue) and ``retry_pending_emails`` re-enqueues
emails whose job vanished or whose worker died mid-job. A job whose status is queued,
scheduled or running is left alone; one that exhausted its retries (RQ "failed") is left
for the administrator (``/admin/jobs``).

Guarantees (see docs/operations.md): notifications are exactly-once (unique key +
``dispatched_at`` under a row lock). Email is at-least-once with a duplicate window only
between the SMTP server's "250 OK" and the commit of ``emailed_at`` (milliseconds; a
duplicate carries the same ``Message-ID`` so mail clients can fold it).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from collections.abc import Callable
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
# SMTP down: retry after 5 s, 30 s, 2 min, 10 min, 30 min (about 43 minutes in all); then
# the job is "failed" and shows on /admin/jobs with a retry button.
EMAIL_RETRY_INTERVALS = (5, 30, 120, 600, 1800)
# The relays leave rows younger than this to the normal path.
RELAY_GRACE = timedelta(seconds=60)
# Pending emails older than this are no longer retried automatically (the in-app
# notification stays; the admin page lists them).
EMAIL_RETRY_WINDOW = timedelta(days=3)
RELAY_BATCH = 500
# A job that started this recently may still be connecting before it takes its row lock.
STARTING_GRACE = timedelta(seconds=5)

# Striped process-local locks: two threads of one process never send the same email at once.
_SEND_LOCKS = tuple(threading.Lock() for _ in range(64))


def outbox_job_id(outbox_id: int) -> str:
    return f"outbox-{outbox_id}"


def email_job_id(notification_id: int) -> str:
    return f"email-{notification_id}"


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
        texts = {
            medical: render(row.event, values, urgent=row.urgent, medical=medical)
            for medical in (False, True)
        }
        at = now()
        new = []
        for user in recipients(case, row.roles or []):
            if user.id in already:
                continue
            subject, body = texts[sees_medical(user)]
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


def queue_email(notification_id: int) -> None:
    """Send the notification's email after commit (job id ``email-<id>``, retried)."""
    enqueue_after_commit(
        send_email,
        notification_id,
        queue=QUEUE,
        job_id=email_job_id(notification_id),
        **_email_options(),
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
    message.set_content(email_text(note.body, urgent=note.urgent))
    return message


def _deliver(message: EmailMessage) -> None:
    """One SMTP conversation: TLS and login as configured, then the message.

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
        smtp.send_message(message)


def send_email(notification_id: int) -> bool:
    """Email one notification; True when sent now, False when there is nothing to do.

    :raises OSError/smtplib.SMTPException: when the server is down or refuses (nothing is
        marked, so a retry sends it).
    """
    if not current_app.config.get("MAIL_SERVER"):
        log.warning("email %s not sent: MAIL_SERVER is not set", notification_id)
        return False
    with _SEND_LOCKS[notification_id % len(_SEND_LOCKS)]:
        if db.engine.dialect.name == "postgresql":
            return _send_claimed(notification_id)
        return _send_unlocked(notification_id)


def _load_for_sending(notification_id: int, *, lock: bool) -> EmailMessage | None:
    """The message to send, or None when there is nothing to do (already sent, not wanted,
    nobody to write to). Runs inside the caller's unit of work."""
    query = (
        select(Notification, User)
        .join(User, Notification.user_id == User.id)
        .where(Notification.id == notification_id)
    )
    if lock:
        query = query.with_for_update(of=Notification)
    found = db.session.execute(query.execution_options(populate_existing=True)).first()
    if found is None:
        return None
    note, user = found
    if note.emailed_at is not None or not note.email_wanted:
        return None
    if not user.email or not user.active:
        note.email_wanted = False  # nobody to write to any more: stop retrying
        return None
    return build_message(note, user)


def _send_claimed(notification_id: int) -> bool:
    """PostgreSQL: the row lock is the claim. A second sender (another worker, a relayed
    duplicate job) waits on it, then sees ``emailed_at`` set. It is held through the SMTP
    conversation and released by the commit that records the delivery, or by the rollback
    when SMTP fails — or by PostgreSQL itself when the worker process dies."""
    with unit_of_work():
        message = _load_for_sending(notification_id, lock=True)
        if message is None:
            return False
        _deliver(message)
        db.session.get(Notification, notification_id).emailed_at = now()
    return True


def _send_unlocked(notification_id: int) -> bool:
    """SQLite: no transaction stays open during SMTP (SQLite's lock is database-wide and
    would stall every writer); the process lock held by the caller keeps two threads of one
    process from sending the same email, and the conditional UPDATE records it once."""
    with unit_of_work():
        message = _load_for_sending(notification_id, lock=False)
    if message is None:
        return False
    _deliver(message)
    with unit_of_work():
        db.session.execute(
            update(Notification)
            .where(Notification.id == notification_id, Notification.emailed_at.is_(None))
            .values(emailed_at=now())
            .execution_options(synchronize_session=False)
        )
    return True


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


def needs_enqueue(job_id: str, model, row_id: int) -> bool:
    """Whether the job for a row that still has work to do must be enqueued again.

    Queued, scheduled (an RQ retry) and deferred jobs will run. A failed job exhausted its
    retries: it is the administrator's (``/admin/jobs``). A started job is alive while it
    holds its row lock (PostgreSQL: exact, so a killed worker's job is taken over at the
    next relay; a job started in the last few seconds may not hold it yet) or, elsewhere,
    while RQ's heartbeat for it has not expired. Anything else — no job, a finished or
    stopped job whose row still has work, a dead worker — is lost.
    """
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    try:
        job = Job.fetch(job_id, connection=redis_connection())
    except NoSuchJobError:
        return True
    status = job.get_status(refresh=False)
    status = getattr(status, "value", status)
    if status in ("queued", "scheduled", "deferred", "failed"):
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


def retry_pending_emails(as_of: datetime | None = None, grace: timedelta = RELAY_GRACE) -> int:
    """Send (embedded) or re-enqueue (Redis) emails still pending; returns how many.

    Embedded, this is the only retry: it stops at the first SMTP failure (the server is
    down; the next periodic run tries again). With Redis it only replaces lost jobs.
    """
    if not current_app.config.get("MAIL_SERVER"):
        return 0
    at = as_of or now()
    ids = list(
        db.session.scalars(
            pending_emails_query(at, grace)
            .with_only_columns(Notification.id)
            .where(Notification.created_at >= at - EMAIL_RETRY_WINDOW)
            .order_by(Notification.id)
            .limit(RELAY_BATCH)
        )
    )
    db.session.rollback()
    count = 0
    for note_id in ids:
        if jobs_inline():
            try:
                count += 1 if send_email(note_id) else 0
            except (OSError, smtplib.SMTPException) as error:
                log.warning("email %s still not delivered (%s); will retry later", note_id, error)
                break
        elif needs_enqueue(email_job_id(note_id), Notification, note_id):
            log.warning("re-enqueueing email of notification %s", note_id)
            count += _requeue(send_email, note_id, email_job_id(note_id), _email_options())
    return count
