"""Work the engine opens for people and the messages it must send.

Tasks are opened and closed by the engine as a case enters and leaves states (the
workflow definition says who waits on whom). Outbox rows are written in the same
transaction as the transition and dispatched after commit; notifications are what
users read in the app.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.case import Case
from app.models.mixins import UTCDateTime

# The rows the deadline scan may still have to change: with a due time, open and not settled.
# Partial, so the index holds only them (tasks without a due time — most open tasks — and
# settled and closed ones are not in it); the scan's WHERE implies the predicate (``due_at <=``
# implies ``due_at IS NOT NULL`` on PostgreSQL and SQLite alike). ``reminded_at`` is the second
# column so "due soon and not yet reminded" is decided inside the index: a task already
# reminded is skipped without reading its row.
TASK_SCAN_PREDICATE = "due_at IS NOT NULL AND closed_at IS NULL AND settled_at IS NULL"


class Task(db.Model):
    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_open_role_due", "closed_at", "role", "due_at"),
        # The inbox: a role's open tasks soonest due first, continued after a cursor on
        # (due_at, id); only open tasks are indexed (migration 0011).
        Index(
            "ix_task_inbox",
            "role",
            "due_at",
            "id",
            postgresql_where=text("closed_at IS NULL"),
            sqlite_where=text("closed_at IS NULL"),
        ),
        # A scoped role's inbox (an enterprise's, a commune's): its own open tasks soonest due
        # first, without walking every open task of the role (migration 0013).
        Index(
            "ix_task_inbox_enterprise",
            "role",
            "enterprise_id",
            "due_at",
            "id",
            postgresql_where=text("closed_at IS NULL"),
            sqlite_where=text("closed_at IS NULL"),
        ),
        Index(
            "ix_task_inbox_commune",
            "role",
            "commune_code",
            "due_at",
            "id",
            postgresql_where=text("closed_at IS NULL"),
            sqlite_where=text("closed_at IS NULL"),
        ),
        Index(
            "ix_task_scan_due",
            "due_at",
            "reminded_at",
            postgresql_where=text(TASK_SCAN_PREDICATE),
            sqlite_where=text(TASK_SCAN_PREDICATE),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    # The case's kind, copied when the task is opened (a case never changes kind): the
    # deadline scan finds the workflow's supervisors without joining the case. NULL only for
    # rows written by something other than the engine; the scan then reads the case's.
    case_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # The case's scope (``app.services.visibility``: an enterprise sees its cases, a commune
    # the cases in it), copied so an enterprise's or commune's inbox reads its own tasks from
    # an index instead of walking every open task of its role (at 10⁶ cases a small
    # enterprise's inbox read 159,000 tasks to find none). The engine writes them with the
    # task and brings every open task of a case in line on each move (a completed quick
    # notice may name another commune). Visibility is still the case's: the inbox joins it.
    enterprise_id: Mapped[int | None] = mapped_column(nullable=True)
    commune_code: Mapped[str | None] = mapped_column(String(10), nullable=True)
    name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20))
    title_vi: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    deadline: Mapped[str | None] = mapped_column(String(40), nullable=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Set by the deadline scan; each happens once per task.
    overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Set by the deadline scan when the cycle is complete (overdue notice sent, and the
    # escalation sent or there is nobody to escalate to); cleared with the three marks when
    # the due time moves. A settled task is never read by the scan again.
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    case: Mapped[Case] = relationship(lazy="joined")


class OutboxMessage(db.Model):
    """A side effect decided inside a transaction, to be carried out after its commit."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), nullable=True, index=True)
    event: Mapped[str] = mapped_column(String(60))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    urgent: Mapped[bool] = mapped_column(default=False)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Notification(db.Model):
    """An in-app message for one user; email copies are tracked on the same row."""

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("outbox_id", "user_id"),
        Index("ix_notification_user_unread", "user_id", "read_at"),
        # The list, newest first, continued after a cursor (migration 0011).
        Index("ix_notification_user_created", "user_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The outbox row it came from: one notification per user per outbox row, ever.
    outbox_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id"), nullable=True, index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), nullable=True)
    event: Mapped[str] = mapped_column(String(60))
    urgent: Mapped[bool] = mapped_column(default=False)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Email: whether one is wanted, and when it went out (None until delivered).
    email_wanted: Mapped[bool] = mapped_column(default=False)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # When a sender claimed the email (committed before it talks SMTP): a second sender's
    # conditional claim finds it set and sends nothing. Cleared when the attempt fails;
    # a claim older than ``app.jobs.notifications.EMAIL_CLAIM_STALE`` is the relay's again.
    email_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
