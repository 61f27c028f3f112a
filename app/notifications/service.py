"""Reading and marking one user's own notifications, and the email preference.

A user only ever reaches their own rows: every query is keyed by ``user_id``, and another
user's notification is answered exactly like a missing one (``NotFound``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, tuple_, update

from app.clock import now
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import Case, Notification, User
from app.services.paging import capped_count, check_per_page, decode_cursor, encode_cursor
from app.services.unit_of_work import unit_of_work

PAGE_SIZE = 30
NOTIFICATIONS_CURSOR = "notifications"


@dataclass(frozen=True)
class Item:
    note: Notification
    case_code: str | None


@dataclass(frozen=True)
class NotificationPage:
    """A page of notifications: ``total`` exact unless ``total_capped``; ``next_cursor`` None
    on the last page; ``page`` the number asked for (with a cursor: for display only)."""

    items: list[Item]
    page: int
    pages: int
    total: int
    unread: int
    total_capped: bool = False
    next_cursor: str | None = None
    per_page: int = PAGE_SIZE


def unread_count(user) -> int:
    """Unread notifications of ``user`` (the nav badge): one COUNT on (user_id, read_at)."""
    if user is None or not getattr(user, "id", None):
        return 0
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def list_for(
    user,
    page: int = 1,
    *,
    unread_only: bool = False,
    per_page: int = PAGE_SIZE,
    cursor: str | None = None,
) -> NotificationPage:
    """``user``'s notifications, newest first ``(created_at, id)``: ``per_page`` after
    ``cursor`` (keyset, index ``(user_id, created_at, id)``) or, without one, page ``page``.

    :raises ValidationFailed: a page number below 1, per_page outside 1..100, a bad cursor.
    """
    if page < 1:
        raise ValidationFailed({"page": [N_("Số trang phải từ 1.")]})
    check_per_page(per_page)
    after = decode_cursor(NOTIFICATIONS_CURSOR, cursor, (datetime, int)) if cursor else None
    if after is not None and after[0] is None:
        raise ValidationFailed({"cursor": [N_("Con trỏ trang không hợp lệ.")]})
    where = [Notification.user_id == user.id]
    if unread_only:
        where.append(Notification.read_at.is_(None))
    count = capped_count(select(Notification.id).where(*where))
    query = (
        select(Notification, Case.code)
        .outerjoin(Case, Notification.case_id == Case.id)
        .where(*where)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(per_page + 1)
    )
    if after is not None:
        query = query.where(tuple_(Notification.created_at, Notification.id) < after)
    else:
        query = query.offset((page - 1) * per_page)
    rows = db.session.execute(query).all()
    more = len(rows) > per_page
    rows = rows[:per_page]
    last = rows[-1][0] if rows else None
    return NotificationPage(
        items=[Item(note, code) for note, code in rows],
        page=page,
        pages=count.pages(per_page),
        total=count.total,
        unread=unread_count(user),
        total_capped=count.capped,
        next_cursor=(
            encode_cursor(NOTIFICATIONS_CURSOR, (last.created_at, last.id)) if more else None
        ),
        per_page=per_page,
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
