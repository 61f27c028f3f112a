"""Turning outbox rows into in-app notifications and emails (after commit, idempotent).

``dispatch_outbox(outbox_id)`` resolves the recipients (users of the notice's roles who
can see the case), creates one notification per user — a unique key makes a second run
a no-op — and queues one email job per notification that wants email. ``send_email``
re-reads the notification and does nothing if it already went out.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select

from app.clock import now
from app.extensions import db
from app.jobs import enqueue_after_commit
from app.jobs.messages import render
from app.models import Case, Notification, OutboxMessage, User
from app.services.unit_of_work import unit_of_work
from app.services.visibility import can_see


def queue_outbox(outbox_id: int) -> None:
    """Dispatch the outbox row once its transaction commits (job id = outbox id)."""
    enqueue_after_commit(
        dispatch_outbox, outbox_id, queue="notifications", job_id=f"outbox-{outbox_id}"
    )


def recipients(case: Case | None, roles: list[str]) -> list[User]:
    users = db.session.scalars(
        select(User).where(User.role.in_(roles), User.active.is_(True)).order_by(User.id)
    ).all()
    return [u for u in users if case is None or can_see(u, case)]


def dispatch_outbox(outbox_id: int) -> int:
    """Create the notifications of one outbox row; returns how many were created."""
    created: list[int] = []
    with unit_of_work():
        row = db.session.execute(
            select(OutboxMessage).where(OutboxMessage.id == outbox_id).with_for_update()
        ).scalar_one_or_none()
        if row is None or row.dispatched_at is not None:
            return 0
        case = db.session.get(Case, row.case_id) if row.case_id else None
        subject, body = render(row.event, dict(row.payload))
        mail_on = bool(current_app.config.get("MAIL_SERVER"))
        for user in recipients(case, row.roles):
            note = Notification(
                outbox_id=row.id,
                user_id=user.id,
                case_id=row.case_id,
                event=row.event,
                urgent=row.urgent,
                subject=subject,
                body=body,
                created_at=now(),
                email_wanted=bool(mail_on and user.email and (row.urgent or not user.mute_email)),
            )
            db.session.add(note)
            db.session.flush()
            if note.email_wanted:
                created.append(note.id)
        row.dispatched_at = now()
        for note_id in created:
            queue_email(note_id)
    return len(created)


def queue_email(notification_id: int) -> None:
    from rq import Retry

    enqueue_after_commit(
        send_email,
        notification_id,
        queue="notifications",
        job_id=f"email-{notification_id}",
        retry=Retry(max=5, interval=[5, 30, 120, 600, 1800]),
    )


def send_email(notification_id: int) -> bool:
    """Send one notification by SMTP; True when sent now, False when nothing to do.

    :raises OSError/smtplib.SMTPException: when the server is down (RQ retries with backoff).
    """
    note = db.session.get(Notification, notification_id)
    if note is None or note.emailed_at is not None or not note.email_wanted:
        return False
    user = db.session.get(User, note.user_id)
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = user.email
    message["Subject"] = note.subject
    message["X-SafeCase-Notification"] = str(note.id)
    message.set_content(note.body)
    with smtplib.SMTP(
        current_app.config["MAIL_SERVER"], current_app.config["MAIL_PORT"], timeout=10
    ) as smtp:
        smtp.send_message(message)
    with unit_of_work():
        note.emailed_at = now()
    return True
