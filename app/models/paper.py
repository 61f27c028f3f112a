"""Papers SafeCase issued for a case, frozen once issued (``app/services/issued_papers.py``).

An :class:`IssuedPaper` row is one version of one paper (the declaration, the investigation
minutes, a claim's decision): its content as it was when issued — the drawing steps of each
audience's copy (``app.services.papers.PaperScript``) — and that content's SHA-256, which the
case's audit trail records too. Each audience's PDF, drawn from that content once, is an
:class:`IssuedPaperFile` stored under ``UPLOAD_DIR`` like an uploaded document; every later
download returns those bytes. Rows are never updated: a change to a paper is a new version.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.mixins import TimestampMixin, UTCDateTime


class IssuedPaper(TimestampMixin, db.Model):
    __tablename__ = "issued_paper"
    __table_args__ = (UniqueConstraint("case_id", "name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    # declaration / minutes / decision (``workflows.base.PAPER_NAMES``).
    name: Mapped[str] = mapped_column(String(20))
    # 1, 2, … per case and paper: the last one is the paper in force.
    version: Mapped[int] = mapped_column()
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Who issued it: the user whose step issued it, or "system" (built on a first request).
    issued_by: Mapped[str] = mapped_column(String(64))
    issued_by_role: Mapped[str] = mapped_column(String(20))
    # What issued it: the trigger, "reissue" (by hand) or "first_request" (a case older than
    # stored papers, built from its data when first asked for).
    cause: Mapped[str] = mapped_column(String(40))
    # Why it was reissued by hand (empty otherwise).
    reason: Mapped[str] = mapped_column(String(500), default="")
    title: Mapped[str] = mapped_column(String(300))
    filename: Mapped[str] = mapped_column(String(120))
    # {"full": steps, "masked": steps, "carries_medical": bool}: each audience's copy.
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    # SHA-256 over the canonical JSON of ``content`` (app.services.audit.canonical_json).
    content_sha256: Mapped[str] = mapped_column(String(64))

    files: Mapped[list[IssuedPaperFile]] = relationship(
        back_populates="paper", order_by="IssuedPaperFile.id"
    )


class IssuedPaperFile(TimestampMixin, db.Model):
    """One audience's PDF of an issued paper, stored once under a random server name."""

    __tablename__ = "issued_paper_file"
    __table_args__ = (UniqueConstraint("paper_id", "audience"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("issued_paper.id"), index=True)
    # full / masked (``app.services.privacy.AUDIENCES``).
    audience: Mapped[str] = mapped_column(String(10))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))

    paper: Mapped[IssuedPaper] = relationship(back_populates="files")
