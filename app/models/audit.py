"""The audit trails: append-only, hash-chained case events and security events, and reads of
medical fields.

``case_event`` and ``security_event`` rows are never updated or deleted — a database trigger
refuses both on SQLite and PostgreSQL (migrations 0002 and 0007). Each row stores the SHA-256
of the previous row's hash plus its own canonical content, so ``flask audit verify`` and
``flask security verify`` can find any change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.mixins import UTCDateTime

GENESIS_HASH = "0" * 64


class CaseEvent(db.Model):
    __tablename__ = "case_event"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    seq: Mapped[int] = mapped_column()
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(20))
    trigger: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(40), nullable=True)
    to_state: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(45), nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class MedicalAccessLog(db.Model):
    """Who read a case's medical fields, and when (workflows.md: each read is logged)."""

    __tablename__ = "medical_access_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    fields: Mapped[str] = mapped_column(String(200))


class SecurityEvent(db.Model):
    """One privileged or security-relevant act: who (``actor``), what (``action``), on what
    (``target_type`` + ``target``), the values before and after, when and from which address.

    One chain for the whole system (``seq`` 1, 2, …), its head kept in ``SecurityChainHead``.
    ``actor`` is a username, ``(cli)`` for the command line or ``""`` for an anonymous caller
    (a failed sign-in); ``actor_id`` is the account's id when there is one. No foreign keys:
    the record must outlive anything it names. The vocabulary of ``action`` is
    ``app.services.security_audit.ACTIONS``.
    """

    __tablename__ = "security_event"
    __table_args__ = (Index("ix_security_event_action_at", "action", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(64), index=True)
    actor_id: Mapped[int | None] = mapped_column(nullable=True)
    actor_role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))
    target_type: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(200), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(45), nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class SecurityChainHead(db.Model):
    """The security chain's last event (one row, id 1): appends lock it, so two appends can
    never chain from the same event, and ``flask security verify`` compares it with the last
    row, which catches the newest events being deleted."""

    __tablename__ = "security_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)
