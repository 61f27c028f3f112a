"""Users, their roles and scope, and API tokens."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.mixins import TimestampMixin, UTCDateTime
from app.models.party import Commune, Enterprise

# How pages name each of ``workflows.base.USER_ROLES``: (Vietnamese, English).
ROLE_LABELS = {
    "enterprise": ("Doanh nghiệp", "Enterprise"),
    "inspector": ("Thanh tra lao động", "Labour inspector"),
    "union": ("Công đoàn", "Trade union"),
    "commune": ("UBND cấp xã", "Commune"),
    "insurance": ("Bảo hiểm xã hội", "Social insurance"),
    "admin": ("Quản trị hệ thống", "Administrator"),
}


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), index=True)
    # Scope: an enterprise user (and a grassroots union officer) belongs to one enterprise.
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprise.id"), nullable=True, index=True
    )
    # Scope: a commune officer belongs to one commune.
    commune_code: Mapped[str | None] = mapped_column(
        ForeignKey("commune.code"), nullable=True, index=True
    )
    email: Mapped[str | None] = mapped_column(String(255), nullable=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on logout and password change: every earlier session cookie stops working.
    session_version: Mapped[int] = mapped_column(default=1)
    # Preferred UI language (vi or en).
    locale: Mapped[str] = mapped_column(String(5), default="vi")
    # The user may mute non-urgent email; legally immediate notices are always sent.
    mute_email: Mapped[bool] = mapped_column(default=False)

    enterprise: Mapped[Enterprise | None] = relationship(lazy="joined")
    commune: Mapped[Commune | None] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        # The session stores id and version together, so bumping the version logs out
        # every copy of an old cookie (server-side session invalidation).
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class ApiToken(TimestampMixin, db.Model):
    """A bearer token for the API; only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(lazy="joined")
