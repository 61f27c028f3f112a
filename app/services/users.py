"""Users: accounts with role/scope rules, authentication, sessions and API tokens.

The CLI (``flask user add``) and the administrator's pages (``/admin/users``) create and change
accounts through the same functions here, so the username, password and role/scope rules are
checked in one place. Each change is one transaction; who made it is written to the app log
(accounts have no audit table: ``case_event`` is the audit trail of cases only).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, or_, select

from app.clock import now
from app.errors import Conflict, NotFound, StaleVersion, ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import ApiToken, Commune, Enterprise, User
from app.services.parties import normalise_tax_code
from app.services.passwords import hash_password, needs_rehash, verify_password
from app.services.unit_of_work import unit_of_work
from workflows.base import USER_ROLES
from workflows.inputs import is_digits

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{3,64}$")
MIN_PASSWORD_LENGTH = 8
FULL_NAME_MAX = 200  # the column's length
PAGE_SIZE = 25

# Which roles need (or may have) an enterprise or a commune as their scope.
NEEDS_ENTERPRISE = {"enterprise"}
MAY_HAVE_ENTERPRISE = {"enterprise", "union"}
NEEDS_COMMUNE = {"commune"}


def _scope_errors(
    role: str, enterprise_tax_code: str | None, commune_code: str | None, errors: dict
) -> Enterprise | None:
    """Check the enterprise/commune a role needs or may have; returns the enterprise.

    A union officer with an enterprise is that enterprise's grassroots union; without one,
    the city federation.
    """
    enterprise = None
    if enterprise_tax_code:
        if role in USER_ROLES and role not in MAY_HAVE_ENTERPRISE:
            errors["enterprise"] = [N_("Vai trò %(role)s không gắn với doanh nghiệp.", role=role)]
        else:
            tax_code = normalise_tax_code(enterprise_tax_code)
            enterprise = db.session.scalar(
                select(Enterprise).where(Enterprise.tax_code == tax_code)
            )
            if enterprise is None:
                errors["enterprise"] = [
                    N_("Không có doanh nghiệp mã số thuế %(tax_code)s.", tax_code=tax_code)
                ]
    elif role in NEEDS_ENTERPRISE:
        errors["enterprise"] = [N_("Vai trò %(role)s cần mã số thuế của doanh nghiệp.", role=role)]
    if commune_code:
        if role in USER_ROLES and role not in NEEDS_COMMUNE:
            errors["commune"] = [N_("Vai trò %(role)s không gắn với xã/phường.", role=role)]
        elif db.session.get(Commune, commune_code) is None:
            errors["commune"] = [N_("Không có xã/phường mã %(code)s.", code=commune_code)]
    elif role in NEEDS_COMMUNE:
        errors["commune"] = [N_("Vai trò %(role)s cần mã xã/phường.", role=role)]
    return enterprise


def _check_password(password: str | None, field: str, errors: dict) -> None:
    """The password policy, for every password an account is given (CLI, admin pages)."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        errors[field] = [N_("Mật khẩu cần ít nhất %(n)s ký tự.", n=MIN_PASSWORD_LENGTH)]


def _check_role(role: str, errors: dict) -> None:
    if role not in USER_ROLES:
        errors["role"] = [
            N_(
                "Vai trò %(role)s không tồn tại; chọn một trong: %(roles)s.",
                role=repr(role),
                roles=", ".join(USER_ROLES),
            )
        ]


def _clean_email(email: str | None, errors: dict) -> str | None:
    email = (email or "").strip()
    if not email:
        return None
    try:
        return validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError:
        errors["email"] = [N_("Địa chỉ email %(email)s không hợp lệ.", email=repr(email))]
        return None


def _clean_full_name(full_name: str | None, errors: dict) -> str:
    full_name = (full_name or "").strip()
    if len(full_name) > FULL_NAME_MAX:
        errors["full_name"] = [N_("Họ tên tối đa %(n)s ký tự.", n=FULL_NAME_MAX)]
    return full_name


def _actor_name(actor: User | None) -> str:
    return actor.username if actor is not None else "(command line)"


def add_user(
    *,
    username: str,
    password: str,
    role: str,
    enterprise_tax_code: str | None = None,
    commune_code: str | None = None,
    email: str | None = None,
    full_name: str = "",
    actor: User | None = None,
) -> User:
    """Create a user with a hashed password; ``actor`` is the administrator (None: the CLI).

    :raises ValidationFailed: unknown role, duplicate username, weak password, missing or
        unexpected scope (an enterprise role without an enterprise), unknown enterprise or
        commune, malformed email, a too long name. Nothing is written then.
    """
    errors: dict[str, list[str]] = {}
    username = (username or "").strip()
    if not USERNAME_RE.match(username):
        errors["username"] = [N_("Tên đăng nhập gồm 3–64 ký tự chữ, số, '.', '_' hoặc '-'.")]
    elif db.session.scalar(select(User.id).where(User.username == username)):
        errors["username"] = [N_("Tên đăng nhập %(username)s đã tồn tại.", username=repr(username))]
    _check_password(password, "password", errors)
    _check_role(role, errors)
    enterprise = _scope_errors(role, enterprise_tax_code, commune_code, errors)
    email = _clean_email(email, errors)
    full_name = _clean_full_name(full_name, errors)
    if errors:
        raise ValidationFailed(errors)
    with unit_of_work():
        user = User(
            username=username,
            password_hash=hash_password(password),
            role=role,
            enterprise_id=enterprise.id if enterprise else None,
            commune_code=commune_code or None,
            email=email,
            full_name=full_name,
        )
        db.session.add(user)
    current_app.logger.info(
        "users: %s created %s (%s)", _actor_name(actor), user.username, user.role
    )
    return user


# -- the administrator's account pages ------------------------------------------------------


@dataclass(frozen=True)
class UserPage:
    items: list[User]
    page: int
    pages: int
    total: int


def list_users(
    *,
    role: str | None = None,
    active: bool | None = None,
    q: str | None = None,
    page: int = 1,
    per_page: int = PAGE_SIZE,
) -> UserPage:
    """Accounts by username, filtered by role, by state and by a search text (username, name,
    email, enterprise name or tax code, commune name). Reads only.

    :raises ValidationFailed: a page number below 1.
    """
    if page < 1:
        raise ValidationFailed({"page": [N_("Số trang phải từ 1.")]})
    query = select(User)
    if role:
        query = query.where(User.role == role)
    if active is not None:
        query = query.where(User.active.is_(active))
    if q and q.strip():
        pattern = f"%{q.strip()}%"
        query = query.where(
            or_(
                User.username.ilike(pattern),
                User.full_name.ilike(pattern),
                User.email.ilike(pattern),
                User.enterprise_id.in_(
                    select(Enterprise.id).where(
                        or_(Enterprise.name.ilike(pattern), Enterprise.tax_code.ilike(pattern))
                    )
                ),
                User.commune_code.in_(select(Commune.code).where(Commune.name.ilike(pattern))),
            )
        )
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = db.session.scalars(
        query.order_by(User.username).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return UserPage(
        items=list(items), page=page, pages=max(1, math.ceil(total / per_page)), total=total
    )


def get_user(user_id: int) -> User:
    """:raises NotFound: no account with this id."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(N_("Không tìm thấy tài khoản."))
    return user


def account_stamp(user: User) -> str:
    """A fingerprint of what the edit form changes, sent back with the form.

    Not ``updated_at``: logging out, switching language or a password rehash also touch the
    row, and an administrator's edit should not fail for those; only a change to the fields
    the form shows is a conflict.
    """
    fields = [user.full_name, user.email, user.role, user.enterprise_id, user.commune_code]
    return hashlib.sha256(json.dumps(fields).encode()).hexdigest()[:32]


def _locked_user(user_id: int) -> User:
    """The account row, locked until the transaction ends and read afresh (PostgreSQL
    ``FOR UPDATE``; SQLite transactions already begin with the write lock)."""
    user = db.session.scalar(
        select(User)
        .where(User.id == user_id)
        .with_for_update(of=User)
        .execution_options(populate_existing=True)
    )
    if user is None:
        raise NotFound(N_("Không tìm thấy tài khoản."))
    return user


def update_user(
    actor: User,
    user_id: int,
    *,
    stamp: str,
    full_name: str,
    email: str | None,
    role: str,
    enterprise_tax_code: str | None = None,
    commune_code: str | None = None,
) -> User:
    """Change an account's name, email, role and scope, with the same rules as ``add_user``.

    ``stamp`` is the ``account_stamp`` the form was built with. Sessions and API tokens stay:
    the role and scope are read afresh on every request. One transaction.

    :raises NotFound: no such account.
    :raises StaleVersion: the account was changed by someone else since ``stamp`` (409).
    :raises ValidationFailed: field errors keyed ``full_name``, ``email``, ``role``,
        ``enterprise``, ``commune``; an administrator giving up their own admin role.
    """
    with unit_of_work():
        user = _locked_user(user_id)
        if stamp != account_stamp(user):
            raise StaleVersion(
                N_("Tài khoản vừa được người khác thay đổi. Vui lòng tải lại trang rồi sửa lại.")
            )
        errors: dict[str, list[str]] = {}
        _check_role(role, errors)
        if user.id == actor.id and role != user.role:
            # Nobody would be left to undo it if they were the last administrator.
            errors["role"] = [N_("Bạn không thể đổi vai trò của chính mình.")]
        enterprise = _scope_errors(role, enterprise_tax_code, commune_code, errors)
        clean_email = _clean_email(email, errors)
        clean_name = _clean_full_name(full_name, errors)
        if errors:
            raise ValidationFailed(errors)
        before = (user.role, user.enterprise_id, user.commune_code)
        user.full_name = clean_name
        user.email = clean_email
        user.role = role
        user.enterprise_id = enterprise.id if enterprise else None
        user.commune_code = commune_code or None
    current_app.logger.info(
        "users: %s updated %s (role/enterprise/commune %s -> %s)",
        actor.username,
        user.username,
        before,
        (user.role, user.enterprise_id, user.commune_code),
    )
    return user


def _revoke_access(user: User) -> None:
    """End every session cookie and delete every API token of ``user`` (inside a unit)."""
    end_sessions(user)
    db.session.execute(ApiToken.__table__.delete().where(ApiToken.user_id == user.id))


def deactivate_user(actor: User, user_id: int) -> User:
    """Lock an account: it can no longer sign in or use the API; its sessions end and its
    tokens are deleted (so a later reactivation revives none of them). One transaction.

    :raises NotFound: no such account. :raises Conflict: ``actor`` locking themselves.
    """
    with unit_of_work():
        user = _locked_user(user_id)
        if user.id == actor.id:
            raise Conflict(N_("Bạn không thể tự khoá tài khoản của chính mình."))
        changed = user.active
        user.active = False
        _revoke_access(user)
    if changed:
        current_app.logger.info("users: %s deactivated %s", actor.username, user.username)
    return user


def reactivate_user(actor: User, user_id: int) -> User:
    """Unlock an account; the user signs in again with their password. One transaction.

    :raises NotFound: no such account.
    """
    with unit_of_work():
        user = _locked_user(user_id)
        changed = not user.active
        user.active = True
    if changed:
        current_app.logger.info("users: %s reactivated %s", actor.username, user.username)
    return user


def reset_password(actor: User, user_id: int, new_password: str) -> User:
    """Give an account a new password chosen by the administrator; like ``change_password``
    this ends the user's sessions and revokes their API tokens. One transaction.

    :raises NotFound: no such account.
    :raises ValidationFailed: ``password`` breaks the policy; ``actor``'s own account (which
        is changed on the password page, with the current password).
    """
    errors: dict[str, list[str]] = {}
    _check_password(new_password, "password", errors)
    if get_user(user_id).id == actor.id:
        errors["password"] = [
            N_("Đổi mật khẩu của chính bạn ở trang Đổi mật khẩu (cần mật khẩu hiện tại).")
        ]
    if errors:
        raise ValidationFailed(errors)
    password_hash = hash_password(new_password)  # slow on purpose: before the row is locked
    with unit_of_work():
        user = _locked_user(user_id)
        user.password_hash = password_hash
        _revoke_access(user)
    current_app.logger.info("users: %s reset the password of %s", actor.username, user.username)
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
    if not is_digits(user_id) or not is_digits(version) or len(user_id) > 10:
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
