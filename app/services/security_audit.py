"""The security audit: an append-only, hash-chained record of privileged and security acts.

Issue #12 ("privileged acts leave no trace"). ``record`` writes one ``SecurityEvent`` for each
administrator's act (accounts: create, edit of role, scope, name or email, lock, unlock,
password reset; rules tables; code lists; an enterprise's classification; enterprises and
communes added from the command line), each sign-in on the web or the API (success and
failure), each lockout by the sign-in limits, each token revocation and own password change,
and each read of medical detail (``app.services.privacy.log_medical_read``). It is called by the
service that makes the change, inside that change's unit of work, so an act that fails leaves
no row and an act that commits cannot lose its row.

One chain for the whole system, hashed like the case chain (``app/services/audit.py``): each
row's ``hash`` is SHA-256 over the previous row's hash and the row's canonical content (every
stored column but ``id`` and the hashes), the first from 64 zeros. The chain's head is one row
(``SecurityChainHead``) locked by every append, so two appends never chain from the same event;
``verify_chain`` (``flask security verify``) recomputes every link and compares the head with
the last row (which catches the newest rows being deleted). The database refuses UPDATE and
DELETE on ``security_event`` (migration 0007) and nothing here updates or deletes.

Each event also goes to the application log (this module's logger, INFO, one structured line)
once its transaction has committed.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import has_request_context, request
from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.clock import now
from app.errors import ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import GENESIS_HASH, SecurityChainHead, SecurityEvent
from app.services.audit import canonical_json, canonical_time, chain_hash, stored_json
from app.services.unit_of_work import after_commit, unit_of_work
from workflows.law.calendar import VN_TZ

log = logging.getLogger(__name__)

# Every action the audit knows, with how the admin page names it (Vietnamese, English).
ACTIONS: dict[str, tuple[str, str]] = {
    "auth.sign_in": ("Đăng nhập", "Sign-in"),
    "auth.sign_in_failed": ("Đăng nhập thất bại", "Failed sign-in"),
    "auth.locked_out": (
        "Tạm chặn đăng nhập vì thử sai nhiều lần",
        "Sign-in blocked after repeated failures",
    ),
    "auth.token_revoked": ("Thu hồi mã truy cập API", "API token revoked"),
    "auth.password_changed": ("Tự đổi mật khẩu", "Own password changed"),
    "account.created": ("Tạo tài khoản", "Account created"),
    "account.updated": (
        "Sửa tài khoản (vai trò, phạm vi, họ tên, email)",
        "Account edited (role, scope, name, email)",
    ),
    "account.locked": ("Khoá tài khoản", "Account locked"),
    "account.unlocked": ("Mở khoá tài khoản", "Account unlocked"),
    "account.password_reset": ("Đặt lại mật khẩu", "Password reset"),
    "rules.value_added": ("Thêm giá trị quy định", "Rule value added"),
    "rules.value_withdrawn": ("Rút giá trị quy định", "Rule value withdrawn"),
    "rules.holiday_added": ("Thêm ngày điều chỉnh lịch", "Calendar adjustment added"),
    "rules.holiday_withdrawn": ("Rút ngày điều chỉnh lịch", "Calendar adjustment withdrawn"),
    "codes.added": ("Thêm mã danh mục", "Code added"),
    "codes.edited": ("Sửa tên mã danh mục", "Code labels edited"),
    "codes.deactivated": ("Ngừng cho chọn mã", "Code no longer offered"),
    "codes.reactivated": ("Cho chọn lại mã", "Code offered again"),
    "codes.loaded": ("Nạp danh mục từ tệp", "Code list loaded from a file"),
    "enterprise.created": ("Thêm doanh nghiệp", "Enterprise added"),
    "enterprise.classified": (
        "Sửa ngành, loại hình doanh nghiệp",
        "Enterprise industry or ownership changed",
    ),
    "commune.imported": ("Nhập danh sách xã/phường", "Communes imported"),
    "medical.read": ("Xem thông tin y tế", "Medical detail read"),
}

# What a target names (Vietnamese, English).
TARGET_TYPES: dict[str, tuple[str, str]] = {
    "user": ("Tài khoản", "Account"),
    "rule": ("Quy định", "Rule"),
    "holiday": ("Ngày điều chỉnh", "Calendar day"),
    "code": ("Mã danh mục", "Code"),
    "code_list": ("Danh mục", "Code list"),
    "enterprise": ("Doanh nghiệp", "Enterprise"),
    "communes": ("Xã/phường", "Communes"),
    "case": ("Vụ việc", "Case"),
}

PAGE_SIZE = 50
# Filter days outside these years are typing slips (and year 1 would overflow in UTC).
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Actor:
    """Who acted when it is not a signed-in account."""

    name: str
    role: str
    id: int | None = None


# The command line (``flask user add``, ``flask codes load``…): an operator on the server.
COMMAND_LINE = Actor("(cli)", "system")
# Nobody signed in yet: a failed sign-in, a lockout.
ANONYMOUS = Actor("", "")


def _who(actor) -> Actor:
    """An account (anything with ``username``, ``id``, ``role``) or an ``Actor``; None is the
    command line."""
    if actor is None:
        return COMMAND_LINE
    if isinstance(actor, Actor):
        return actor
    return Actor(actor.username, actor.role, actor.id)


def client_address() -> str | None:
    """The caller's address in a request (as the case events store it), None on the command
    line. Read here, in one place, so no service signature has to carry it."""
    return request.remote_addr if has_request_context() else None


def _content(row: dict[str, Any]) -> str:
    """The canonical content a row's hash covers: every stored column but id and hashes."""
    return canonical_json(
        {
            "seq": row["seq"],
            "at": canonical_time(row["at"]),
            "actor": row["actor"],
            "actor_id": row["actor_id"],
            "actor_role": row["actor_role"],
            "action": row["action"],
            "target_type": row["target_type"],
            "target": row["target"],
            "before": row["before"],
            "after": row["after"],
            "detail": row["detail"],
            "ip": row["ip"],
        }
    )


_head_table = SecurityChainHead.__table__
_event_table = SecurityEvent.__table__


def _locked_head() -> tuple[int, str]:
    """The chain head, locked until the transaction ends (PostgreSQL ``FOR UPDATE``; SQLite
    transactions already hold the write lock).

    The migration creates it. When it is missing (a table emptied by hand, or by the test
    suite's TRUNCATE) it is made again from the last event, so recording goes on; two
    transactions doing so at once insert one row, and the second waits for the first's commit
    and then locks it.
    """
    query = (
        select(_head_table.c.last_seq, _head_table.c.last_hash)
        .where(_head_table.c.id == 1)
        .with_for_update()
    )
    row = db.session.execute(query).first()
    if row is None:
        last = db.session.execute(
            select(_event_table.c.seq, _event_table.c.hash)
            .order_by(_event_table.c.seq.desc())
            .limit(1)
        ).first()
        dialect = db.session.get_bind().dialect.name
        insert_head = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(
            _head_table
        ).values(
            id=1,
            last_seq=last.seq if last else 0,
            last_hash=last.hash if last else GENESIS_HASH,
        )
        db.session.execute(insert_head.on_conflict_do_nothing(index_elements=["id"]))
        row = db.session.execute(query).one()
    return row.last_seq, row.last_hash


def record(
    action: str,
    *,
    actor,
    target_type: str,
    target: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    **detail: Any,
) -> int:
    """Append one event to the security chain; returns its ``seq``.

    ``actor`` is the account that acted, ``COMMAND_LINE`` (or None) or ``ANONYMOUS``;
    ``target`` names what was acted on (a username, a rule key and day, a case code…);
    ``before``/``after`` are the changed values; ``detail`` anything else (the channel of a
    sign-in, why it failed, how many rows a file changed). The address is the request's.
    Joins the caller's unit of work (its own when there is none), so the event commits or
    rolls back with the change; the head is locked last (pending ORM changes are flushed
    first, so their row locks are taken before it and two appends cannot deadlock).

    :raises ValueError: an action or target type not in ``ACTIONS`` / ``TARGET_TYPES`` (a
        programming error, not an input error).
    """
    if action not in ACTIONS or target_type not in TARGET_TYPES:
        raise ValueError(f"unknown security action {action!r} or target type {target_type!r}")
    who = _who(actor)
    with unit_of_work():
        db.session.flush()
        last_seq, last_hash = _locked_head()
        row = {
            "seq": last_seq + 1,
            "at": now(),
            "actor": who.name[:64],
            "actor_id": who.id,
            "actor_role": who.role,
            "action": action,
            "target_type": target_type,
            "target": (target or "")[:200],
            "before": stored_json(before),
            "after": stored_json(after),
            "detail": stored_json(detail),
            "ip": (client_address() or None),
        }
        row["prev_hash"] = last_hash
        row["hash"] = chain_hash(last_hash, _content(row))
        db.session.execute(insert(_event_table).values(**row))
        db.session.execute(
            update(_head_table)
            .where(_head_table.c.id == 1)
            .values(last_seq=row["seq"], last_hash=row["hash"])
        )
        after_commit(lambda: _log(row))
    return row["seq"]


# What the log line carries of an event (the hashes stay in the database).
LOGGED = ("seq", "action", "actor", "actor_role", "target_type", "target", "before", "after",
          "detail", "ip")  # fmt: skip


def _log(row: dict[str, Any]) -> None:
    log.info(
        "security %s by %s on %s %s",
        row["action"],
        row["actor"] or "(anonymous)",
        row["target_type"],
        row["target"],
        extra={"security_event": {key: row[key] for key in LOGGED}},
    )


# -- verifying ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BrokenEvent:
    seq: int
    reason: str


def verify_chain() -> list[BrokenEvent]:
    """Recompute the whole chain; an empty list means it is intact. Reads only.

    Each row must follow the previous one (``seq`` + 1), name its hash (``prev_hash``) and
    hash to its own ``hash``; the head must name the last row.
    """
    broken: list[BrokenEvent] = []
    expected_seq, prev_hash = 1, GENESIS_HASH
    rows = db.session.execute(
        select(_event_table).order_by(_event_table.c.seq).execution_options(yield_per=1000)
    )
    for row in rows.mappings():
        if row["seq"] != expected_seq:
            broken.append(BrokenEvent(row["seq"], f"expected event {expected_seq}"))
        if row["prev_hash"] != prev_hash:
            broken.append(BrokenEvent(row["seq"], "prev_hash does not match the chain"))
        if chain_hash(row["prev_hash"], _content(row)) != row["hash"]:
            broken.append(BrokenEvent(row["seq"], "content does not match its hash"))
        expected_seq, prev_hash = row["seq"] + 1, row["hash"]
    head = db.session.execute(
        select(_head_table.c.last_seq, _head_table.c.last_hash).where(_head_table.c.id == 1)
    ).first()
    head_seq, head_hash = (head.last_seq, head.last_hash) if head else (0, GENESIS_HASH)
    if (head_seq, head_hash) != (expected_seq - 1, prev_hash):
        broken.append(
            BrokenEvent(
                head_seq,
                f"the head names event {head_seq} as the last; the chain ends at "
                f"{expected_seq - 1}",
            )
        )
    return broken


# -- the administrator's page --------------------------------------------------------------------


@dataclass(frozen=True)
class EventPage:
    items: list[SecurityEvent]
    page: int
    pages: int
    total: int


def _day_bound(day: date | None, name: str, errors: dict) -> datetime | None:
    """Midnight (Vietnam time) starting ``day``, as UTC; a day outside the years the audit can
    hold is refused."""
    if day is None:
        return None
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        errors[name] = [
            N_(
                "Ngày phải trong khoảng năm %(start)s–%(end)s.",
                start=EARLIEST_YEAR,
                end=LATEST_YEAR,
            )
        ]
        return None
    return datetime.combine(day, time(0), tzinfo=VN_TZ)


def _contains(column, text: str):
    """Case-insensitive "contains", with ``%`` and ``_`` taken literally."""
    return func.lower(column).contains(text.lower(), autoescape=True)


def list_events(
    *,
    actor: str | None = None,
    action: str | None = None,
    target: str | None = None,
    start: date | None = None,
    end: date | None = None,
    page: int = 1,
    per_page: int = PAGE_SIZE,
) -> EventPage:
    """Events newest first, filtered by actor and target (each "contains", any case), action
    and the days ``start``–``end`` inclusive (Vietnam time). A page past the last shows the
    last. Reads only.

    :raises ValidationFailed: an unknown action (``action``), a day outside 2000–2100
        (``start``/``end``), ``start`` after ``end`` (``end``), a page below 1 (``page``).
    """
    errors: dict[str, list[str]] = {}
    if action and action not in ACTIONS:
        errors["action"] = [N_("Không có loại sự kiện %(action)s.", action=repr(action))]
    since = _day_bound(start, "start", errors)
    until = _day_bound(end, "end", errors)
    if since is not None and until is not None and since > until:
        errors["end"] = [N_("Ngày kết thúc phải từ ngày bắt đầu trở đi.")]
    if page < 1:
        errors["page"] = [N_("Số trang phải từ 1.")]
    if errors:
        raise ValidationFailed(errors)
    query = select(SecurityEvent)
    if actor and actor.strip():
        query = query.where(_contains(SecurityEvent.actor, actor.strip()))
    if action:
        query = query.where(SecurityEvent.action == action)
    if target and target.strip():
        query = query.where(_contains(SecurityEvent.target, target.strip()))
    if since is not None:
        query = query.where(SecurityEvent.at >= since)
    if until is not None:
        query = query.where(SecurityEvent.at < until + timedelta(days=1))
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, math.ceil(total / per_page))
    page = min(page, pages)
    items = db.session.scalars(
        query.order_by(SecurityEvent.seq.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return EventPage(items=list(items), page=page, pages=pages, total=total)
