"""Code lists an administrator loads and extends: industries, ownership types, occupations,
causes and injuring factors (the coded facts the statutory reports count by)."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.mixins import TimestampMixin


class CodeEntry(TimestampMixin, db.Model):
    """One code of one list, e.g. (``industry``, ``C25``) or (``cause``, ``NSD01``).

    ``parent`` is the code one level up in the same list (VSIC section ``C`` for division
    ``C25``); ``active`` False keeps an old code readable on old cases without offering it.
    Lists and their sources: ``app/data/codes/*.csv`` and ``docs/statistics.md``.
    """

    __tablename__ = "code_entry"

    list_name: Mapped[str] = mapped_column(String(30), primary_key=True)
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    label_vi: Mapped[str] = mapped_column(String(300))
    label_en: Mapped[str] = mapped_column(String(300), default="")
    parent: Mapped[str | None] = mapped_column(String(20), nullable=True)
    active: Mapped[bool] = mapped_column(default=True)
    sort: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<CodeEntry {self.list_name}:{self.code}>"
