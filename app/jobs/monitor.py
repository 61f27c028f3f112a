"""What the administrator's jobs page shows: queues, failed RQ jobs, undelivered emails.

Read-only views of Redis and the database, plus the two repair actions the page offers
(requeue a failed job, retry pending emails now). No case content is shown: a failed job
is named by its function and ids, an undelivered email by its recipient and event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.clock import now
from app.extensions import db
from app.jobs import QUEUES, redis_connection
from app.models import Notification, User

FAILED_PAGE = 100


@dataclass(frozen=True)
class QueueInfo:
    name: str
    queued: int
    started: int
    scheduled: int
    failed: int


@dataclass(frozen=True)
class FailedJob:
    queue: str
    id: str
    function: str
    args: str
    ended_at: datetime | None
    error: str


@dataclass(frozen=True)
class PendingEmail:
    notification_id: int
    username: str
    email: str | None
    event: str
    urgent: bool
    created_at: datetime


def queue_overview() -> list[QueueInfo]:
    from rq import Queue

    conn = redis_connection()
    rows = []
    for name in QUEUES:
        queue = Queue(name, connection=conn)
        rows.append(
            QueueInfo(
                name=name,
                queued=queue.count,
                started=queue.started_job_registry.count,
                scheduled=queue.scheduled_job_registry.count,
                failed=queue.failed_job_registry.count,
            )
        )
    return rows


def error_summary(exc_info: str | None) -> str:
    """The last non-empty line of a traceback (``ConnectionRefusedError: …``)."""
    lines = [line.strip() for line in (exc_info or "").splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def failed_jobs(limit: int = FAILED_PAGE) -> list[FailedJob]:
    from rq import Queue
    from rq.job import Job

    conn = redis_connection()
    found: list[FailedJob] = []
    for name in QUEUES:
        registry = Queue(name, connection=conn).failed_job_registry
        ids = registry.get_job_ids(0, limit - 1, desc=True)
        for job in Job.fetch_many(ids, connection=conn):
            if job is None:
                continue
            found.append(
                FailedJob(
                    queue=name,
                    id=job.id,
                    function=job.func_name or "",
                    args=", ".join(repr(a) for a in (job.args or ()))[:100],
                    ended_at=job.ended_at,
                    error=error_summary(_exc_string(job)),
                )
            )
    return found


def _exc_string(job) -> str:
    result = job.latest_result()
    if result is not None and result.exc_string:
        return result.exc_string
    return getattr(job, "_exc_info", None) or ""


def requeue_failed(queue: str, job_id: str) -> bool:
    """Put a failed job back on its queue; False if it is not (any longer) failed."""
    from rq import Queue
    from rq.exceptions import InvalidJobOperation, NoSuchJobError

    if queue not in QUEUES:
        return False
    registry = Queue(queue, connection=redis_connection()).failed_job_registry
    try:
        registry.requeue(job_id)
    except (InvalidJobOperation, NoSuchJobError):
        return False
    return True


def pending_emails(
    limit: int = 100, grace: timedelta = timedelta(minutes=5)
) -> tuple[int, list[PendingEmail]]:
    """Emails wanted but not delivered for longer than ``grace``: how many, and the oldest."""
    cutoff = now() - grace
    where = (
        Notification.email_wanted.is_(True),
        Notification.emailed_at.is_(None),
        Notification.created_at <= cutoff,
    )
    total = db.session.scalar(select(func.count(Notification.id)).where(*where))
    rows = db.session.execute(
        select(Notification, User.username, User.email)
        .join(User, Notification.user_id == User.id)
        .where(*where)
        .order_by(Notification.created_at, Notification.id)
        .limit(limit)
    ).all()
    return total, [
        PendingEmail(note.id, username, email, note.event, note.urgent, note.created_at)
        for note, username, email in rows
    ]
