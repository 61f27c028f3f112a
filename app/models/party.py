"""Parties outside the case: communes (administrative units) and enterprises (employers)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.mixins import TimestampMixin


class Commune(db.Model):
    """A commune or ward (xã/phường/đặc khu) of the province; code from the national list."""

    __tablename__ = "commune"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Province the commune belongs to (HP for Hải Phòng).
    province: Mapped[str] = mapped_column(String(10), default="HP")

    def __repr__(self) -> str:
        return f"<Commune {self.code} {self.name}>"


class Enterprise(TimestampMixin, db.Model):
    """An employer (người sử dụng lao động) identified by its tax code."""

    __tablename__ = "enterprise"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Mã số thuế: 10 digits, or 13 for a branch (10 + "-" + 3 is written without the dash).
    tax_code: Mapped[str] = mapped_column(String(13), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    commune_code: Mapped[str] = mapped_column(ForeignKey("commune.code"), index=True)
    # VSIC 2018 industry: section letter + division, e.g. C25 (manufacture of fabricated metal
    # products); code list ``industry``. Copied onto each case at declaration.
    industry_code: Mapped[str | None] = mapped_column(String(10), nullable=True)
    # Type of ownership (loại hình doanh nghiệp), code list ``ownership``: state, non_state,
    # foreign, cooperative, household. Copied onto each case at declaration.
    ownership: Mapped[str | None] = mapped_column(String(20), nullable=True)
    workers: Mapped[int] = mapped_column(default=0)
    female_workers: Mapped[int] = mapped_column(default=0)

    commune: Mapped[Commune] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Enterprise {self.tax_code} {self.name}>"
