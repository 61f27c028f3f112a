"""Reading and marking one user's own notifications, and the email preference.

A user only ever reaches their own rows: every query is keyed by ``user_id``, and another
user's notification is answered exactly like a missing one (``NotFound``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import func, select, update

from app.clock import now
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import Case, Notification, User
from app.services.unit_of_work import unit_of_work

PAGE_SIZE = 30


@dataclass(frozen=True)
class Item:
    note: Notification
    case_code: str | None


@dataclass(frozen=True)
class NotificationPage:
    items: list[Item]
    page: int
    pages: int
    total: int
    unread: int


def unread_count(user) -> int:
    """Unread notifications of ``user`` (the nav badge): one COUNT on (user_id, read_at)."""
    if user is None or not getattr(user, "id", None):
        return 0
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def list_for(user, page: int = 1, *, unread_only: bool = False, per_page: int = PAGE_SIZE):
    """``user``'s notifications, newest first.

    :raises ValidationFailed: a page number below 1.
    """
    if page < 1:
        raise ValidationFailed({"page": [N_("Số trang phải từ 1.")]})
    where = [Notification.user_id == user.id]
    if unread_only:
        where.append(Notification.read_at.is_(None))
    total = db.session.scalar(select(func.count(Notification.id)).where(*where))
    rows = db.session.execute(
        select(Notification, Case.code)
        .outerjoin(Case, Notification.case_id == Case.id)
        .where(*where)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return NotificationPage(
        items=[Item(note, code) for note, code in rows],
        page=page,
        pages=max(1, math.ceil(total / per_page)),
        total=total,
        unread=unread_count(user),
    )


def get_own(user, notification_id: int) -> Notification:
    """:raises NotFound: no such notification, or it belongs to someone else."""
    note = db.session.scalar(
        select(Notification).where(
            Notification.id == notification_id, Notification.user_id == user.id
        )
    )
    if note is None:
        raise NotFound(N_("Không tìm thấy thông báo."))
    return note


def case_code_of(note: Notification) -> str | None:
    if note.case_id is None:
        return None
    return db.session.scalar(select(Case.code).where(Case.id == note.case_id))


def mark_read(user, notification_id: int) -> Notification:
    """Mark one of ``user``'s notifications read (idempotent). :raises NotFound:"""
    with unit_of_work():
        note = get_own(user, notification_id)
        if note.read_at is None:
            note.read_at = now()
    return note


def mark_all_read(user) -> int:
    """Mark every unread notification of ``user`` read; returns how many changed."""
    with unit_of_work():
        changed = db.session.execute(
            update(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
            .values(read_at=now())
            .execution_options(synchronize_session=False)
        )
    return changed.rowcount


def set_mute_email(user, mute: bool) -> None:
    """Mute (or unmute) non-urgent email for ``user``; urgent notices are always emailed."""
    with unit_of_work():
        row = db.session.get(User, user.id)
        row.mute_email = bool(mute)
