"""Cases (accident, disease, incident, claim), their victims, deadlines and code counters.

Only the workflow engine changes ``Case.state`` (a test greps for it). ``data`` holds
each kind's own fields as JSON (team, minutes, announcement, compensation…), described
by the kind's file in ``workflows/``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.audit import GENESIS_HASH
from app.models.mixins import TimestampMixin, UTCDateTime
from app.models.party import Commune, Enterprise


class Case(TimestampMixin, db.Model):
    __tablename__ = "case"
    # The lists read newest first, (declared_at, id), and continue after a cursor on the
    # same pair: each role's scope and each list filter has an index ending in it, so a page
    # is read in order from an index, never sorted (migration 0011, docs/performance.md).
    __table_args__ = (
        Index("ix_case_declared", "declared_at", "id"),  # inspector, city union, date range
        Index("ix_case_enterprise_declared", "enterprise_id", "declared_at", "id"),
        Index("ix_case_commune_declared", "commune_code", "declared_at", "id"),
        Index("ix_case_kind_declared", "kind", "declared_at", "id"),
        Index("ix_case_kind_state", "kind", "state", "declared_at", "id"),
        Index("ix_case_state_declared", "state", "declared_at", "id"),
        Index("ix_case_severity_declared", "severity", "declared_at", "id"),
        # Insurance officers: the claims filed with them (visibility's shared_with).
        Index("ix_case_insurance_declared", "insurance_filed", "kind", "declared_at", "id"),
        # The statistics read accidents by kind and occurrence (Vietnam-time periods).
        Index("ix_case_kind_occurred", "kind", "occurred_at"),
        Index("uq_case_report_key", "report_key", unique=True),
        # Search (app/services/search.py): on PostgreSQL a trigram index serves
        # ``search_text LIKE '%word%'``. SQLite has no index that could (a B-tree serves only a
        # prefix), so there it is declared empty (WHERE 0): the same schema on both, no cost.
        Index(
            "ix_case_search_text_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
            sqlite_where=text("0"),
        ),
        # A claim's victim: a national-ID search finds the victim's claims by it.
        Index("ix_case_victim_id", "victim_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    # Human code {PROVINCE}-{YEAR}-{LETTER}{SEQ}, e.g. HP-2026-A000123.
    code: Mapped[str] = mapped_column(String(32), unique=True)
    state: Mapped[str] = mapped_column(String(40))
    # Optimistic concurrency: every transition bumps it; a stale caller gets 409.
    version: Mapped[int] = mapped_column(default=1)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), nullable=True, index=True)
    # An accident's serious technical incident: the casualties of an incident are declared as
    # accident cases linked to it (workflows.md "Serious technical incident").
    linked_incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("case.id"), nullable=True, index=True
    )
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), nullable=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("commune.code"))
    severity: Mapped[str | None] = mapped_column(String(10), nullable=True)
    investigation_level: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # False: a worker without a labour contract (khu vực không có quan hệ lao động).
    labour_relation: Mapped[bool | None] = mapped_column(nullable=True)
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime())
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    location: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    # A claim's victim (one claim per injured or deceased worker).
    victim_id: Mapped[int | None] = mapped_column(
        ForeignKey("victim.id", use_alter=True), nullable=True
    )
    # Set once the employer files the insurance dossier: what insurance officers may see.
    insurance_filed: Mapped[bool] = mapped_column(default=False)
    # -- coded facts the statistics count by (docs/statistics.md) -----------------------------
    # The employer's industry (VSIC) and type of ownership in force at declaration, copied so a
    # later reclassification of the enterprise does not rewrite old reports.
    industry_code: Mapped[str | None] = mapped_column(String(10), nullable=True)
    ownership: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # at_work / commuting (TNLĐ hưởng trợ cấp): kept in step with data["accident_type"].
    accident_type: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # From the investigation minutes: the main cause and the injuring factor (yếu tố gây chấn
    # thương), code lists ``cause`` and ``injuring_factor``; kept in step with data["minutes"].
    cause_code: Mapped[str | None] = mapped_column(String(20), nullable=True)
    injuring_factor_code: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # The minutes concluded it is not a work accident: left out of the statistics.
    not_work_accident: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Property damage (thiệt hại tài sản), whole VND.
    property_damage_vnd: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # A periodic report's identity "form:party:period" (unique: opening a period is idempotent
    # even when two openers race); None for other kinds.
    report_key: Mapped[str | None] = mapped_column(String(60), nullable=True)
    # A filed report's workforce (figures.workers as submitted): the denominator of K, kept
    # in step with the report's data so the statistics need not parse every report's JSON.
    report_workers: Mapped[int | None] = mapped_column(nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The head of the case's audit chain (its last event's seq and hash), kept on the locked
    # case row so appending an event need not look the last one up; 0 / 64 zeros: no event.
    last_event_seq: Mapped[int] = mapped_column(default=0, server_default="0")
    last_event_hash: Mapped[str] = mapped_column(
        String(64), default=GENESIS_HASH, server_default=GENESIS_HASH
    )
    # What free-text search reads: the case's code, its enterprise's name, place, description
    # and victims' names (a claim: its code, its accident's code, the enterprise's name and its
    # victim's name), folded by ``workflows.inputs.fold``. Written with the case and whenever
    # one of those changes (``app.services.search``); never the national ID.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")

    enterprise: Mapped[Enterprise | None] = relationship(lazy="joined")
    commune: Mapped[Commune] = relationship(lazy="joined")
    parent: Mapped[Case | None] = relationship(
        remote_side=[id], back_populates="children", foreign_keys=[parent_id]
    )
    children: Mapped[list[Case]] = relationship(
        back_populates="parent", order_by="Case.id", foreign_keys=[parent_id]
    )
    # Read through app/services/cases.py (``linked_cases``), which keeps to what a user may see.
    linked_incident: Mapped[Case | None] = relationship(
        remote_side=[id], foreign_keys=[linked_incident_id]
    )
    victims: Mapped[list[Victim]] = relationship(
        back_populates="case", order_by="Victim.id", foreign_keys="Victim.case_id"
    )
    deadlines: Mapped[list[CaseDeadline]] = relationship(
        back_populates="case", order_by="CaseDeadline.id"
    )

    def __repr__(self) -> str:
        return f"<Case {self.code} {self.state}>"


class Victim(TimestampMixin, db.Model):
    """An injured or deceased worker named in a declaration."""

    __tablename__ = "victim"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date | None] = mapped_column(nullable=True)
    gender: Mapped[str] = mapped_column(String(10), default="")
    # CCCD: 12 digits; masked for union officers. Indexed: search finds a victim's cases by it.
    national_id: Mapped[str] = mapped_column(String(12), index=True)
    occupation: Mapped[str] = mapped_column(String(200), default="")
    # Whole years of age on the day of the accident (Vietnam time), set at declaration: the
    # statistics' age bands group by it without date arithmetic in SQL.
    age_at_accident: Mapped[int | None] = mapped_column(nullable=True)
    # Occupation code from the Vietnamese occupation list (code list ``occupation``).
    occupation_code: Mapped[str | None] = mapped_column(String(20), nullable=True)
    outcome: Mapped[str] = mapped_column(String(10))
    died_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Average monthly wage of the 6 months before the accident (compensation basis).
    monthly_wage_vnd: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # Wage social insurance was paid on in the month before (insurance basis).
    insured_wage_vnd: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    si_number: Mapped[str | None] = mapped_column(String(20), nullable=True)
    si_years: Mapped[int | None] = mapped_column(nullable=True)
    # Recorded as the claim goes (Decree 39 Appendix XII): days off work (ngày nghỉ), the
    # employer's costs — medical (chi phí y tế), wages during treatment, compensation or
    # allowance paid — in whole VND.
    days_off: Mapped[int | None] = mapped_column(nullable=True)
    medical_costs_vnd: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    wage_costs_vnd: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    compensation_paid_vnd: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # Medical detail: shown only to roles allowed to see it, each read logged.
    injury_description: Mapped[str] = mapped_column(Text, default="")

    case: Mapped[Case] = relationship(back_populates="victims", foreign_keys=[case_id])


class CaseDeadline(db.Model):
    """A legal time limit of a case as a row, not a timer: the sweeper scans these."""

    __tablename__ = "case_deadline"
    __table_args__ = (
        UniqueConstraint("case_id", "name"),
        # "My workers" reads the claims by their earliest running deadline (migration 0011).
        Index(
            "ix_case_deadline_running",
            "due_at",
            "id",
            postgresql_where=text("met_at IS NULL AND paused_at IS NULL"),
            sqlite_where=text("met_at IS NULL AND paused_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    days: Mapped[int] = mapped_column(default=0)
    unit: Mapped[str] = mapped_column(String(10), default="calendar")
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    extended: Mapped[bool] = mapped_column(default=False)
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    case: Mapped[Case] = relationship(back_populates="deadlines")


class CaseCounter(db.Model):
    """The last sequence number used for one province, year and kind letter."""

    __tablename__ = "case_counter"

    key: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


class Document(TimestampMixin, db.Model):
    """Evidence and the statutory dossier of a case (law §3.3), stored under a server name.

    ``category`` is one of the dossier checklist items (scene record, sketch, photos,
    statements, examination records, minutes, medical papers) or ``other``.
    """

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    category: Mapped[str] = mapped_column(String(30))
    original_name: Mapped[str] = mapped_column(String(255))
    # Random server-made file name under UPLOAD_DIR; never derived from the upload.
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    note: Mapped[str] = mapped_column(String(500), default="")
