"""Users: creation with role/scope rules, authentication, sessions and API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from app.clock import now
from app.errors import ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import ROLES, ApiToken, Commune, Enterprise, User
from app.services.parties import normalise_tax_code
from app.services.passwords import hash_password, needs_rehash, verify_password
from app.services.unit_of_work import unit_of_work

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{3,64}$")
MIN_PASSWORD_LENGTH = 8

# Which roles need (or may have) an enterprise or a commune as their scope.
NEEDS_ENTERPRISE = {"enterprise"}
MAY_HAVE_ENTERPRISE = {"enterprise", "union"}
NEEDS_COMMUNE = {"commune"}


def _scope_errors(
    role: str, enterprise_tax_code: str | None, commune_code: str | None, errors: dict
) -> Enterprise | None:
    """Check the enterprise/commune a role needs or may have; returns the enterprise."""
    enterprise = None
    if enterprise_tax_code:
        if role in ROLES and role not in MAY_HAVE_ENTERPRISE:
            errors["enterprise"] = [f"Vai trò {role} không gắn với doanh nghiệp."]
        else:
            tax_code = normalise_tax_code(enterprise_tax_code)
            enterprise = db.session.scalar(
                select(Enterprise).where(Enterprise.tax_code == tax_code)
            )
            if enterprise is None:
                errors["enterprise"] = [f"Không có doanh nghiệp mã số thuế {tax_code}."]
    elif role in NEEDS_ENTERPRISE:
        errors["enterprise"] = ["Vai trò enterprise cần --enterprise (mã số thuế doanh nghiệp)."]
    if commune_code:
        if role in ROLES and role not in NEEDS_COMMUNE:
            errors["commune"] = [f"Vai trò {role} không gắn với xã/phường."]
        elif db.session.get(Commune, commune_code) is None:
            errors["commune"] = [f"Không có xã/phường mã {commune_code}."]
    elif role in NEEDS_COMMUNE:
        errors["commune"] = ["Vai trò commune cần --commune (mã xã/phường)."]
    return enterprise


def add_user(
    *,
    username: str,
    password: str,
    role: str,
    enterprise_tax_code: str | None = None,
    commune_code: str | None = None,
    email: str | None = None,
    full_name: str = "",
) -> User:
    """Create a user with a hashed password.

    :raises ValidationFailed: unknown role, duplicate username, weak password, missing or
        unexpected scope (an enterprise role without an enterprise), unknown enterprise or
        commune, malformed email. Nothing is written then.
    """
    errors: dict[str, list[str]] = {}
    username = (username or "").strip()
    if not USERNAME_RE.match(username):
        errors["username"] = ["Tên đăng nhập gồm 3–64 ký tự chữ, số, '.', '_' hoặc '-'."]
    elif db.session.scalar(select(User.id).where(User.username == username)):
        errors["username"] = [f"Tên đăng nhập {username!r} đã tồn tại."]
    if len(password or "") < MIN_PASSWORD_LENGTH:
        errors["password"] = [f"Mật khẩu cần ít nhất {MIN_PASSWORD_LENGTH} ký tự."]
    if role not in ROLES:
        errors["role"] = [f"Vai trò {role!r} không tồn tại; chọn một trong: {', '.join(ROLES)}."]
    enterprise = _scope_errors(role, enterprise_tax_code, commune_code, errors)
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            errors["email"] = [f"Địa chỉ email {email!r} không hợp lệ."]
    if errors:
        raise ValidationFailed(errors)
    with unit_of_work():
        user = User(
            username=username,
            password_hash=hash_password(password),
            role=role,
            enterprise_id=enterprise.id if enterprise else None,
            commune_code=commune_code or None,
            email=email or None,
            full_name=(full_name or "").strip(),
        )
        db.session.add(user)
    return user


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, or None (same cost either way)."""
    user = db.session.scalar(select(User).where(User.username == (username or "").strip()))
    ok = verify_password(user.password_hash if user else None, password or "")
    if not ok or user is None or not user.active:
        return None
    if needs_rehash(user.password_hash):
        with unit_of_work():
            user.password_hash = hash_password(password)
    return user


def load_session_user(session_id: str) -> User | None:
    """Flask-Login loader: ``"id:version"``; a bumped version means the cookie is dead."""
    user_id, _, version = (session_id or "").partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def end_sessions(user: User) -> None:
    """Invalidate every session cookie of ``user`` (logout everywhere)."""
    with unit_of_work():
        user.session_version += 1


def change_password(user: User, current: str, new: str) -> None:
    """Change the password and end every other session.

    :raises ValidationFailed: wrong current password or a weak new one.
    """
    errors: dict[str, list[str]] = {}
    if not verify_password(user.password_hash, current or ""):
        errors["current_password"] = [N_("Mật khẩu hiện tại không đúng.")]
    if len(new or "") < MIN_PASSWORD_LENGTH:
        errors["new_password"] = [
            N_("Mật khẩu mới cần ít nhất %(n)s ký tự.", n=MIN_PASSWORD_LENGTH)
        ]
    if errors:
        raise ValidationFailed(errors)
    with unit_of_work():
        user.password_hash = hash_password(new)
        user.session_version += 1
        # API tokens are credentials too: a password change revokes them.
        db.session.execute(ApiToken.__table__.delete().where(ApiToken.user_id == user.id))


def set_locale(user: User, locale: str) -> None:
    with unit_of_work():
        user.locale = locale


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, ttl: timedelta) -> IssuedToken:
    """A new bearer token for ``user``; only its SHA-256 is stored."""
    token = secrets.token_urlsafe(32)
    expires_at = now() + ttl
    with unit_of_work():
        # Expired tokens of this user are dropped as new ones are issued.
        db.session.execute(
            ApiToken.__table__.delete().where(
                ApiToken.user_id == user.id, ApiToken.expires_at < now()
            )
        )
        db.session.add(ApiToken(user_id=user.id, token_hash=_digest(token), expires_at=expires_at))
    return IssuedToken(token=token, expires_at=expires_at)


def user_for_token(token: str) -> User | None:
    """The active user owning an unexpired token, or None."""
    if not token:
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.expires_at <= now() or not row.user.active:
        return None
    return row.user
