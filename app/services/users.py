"""Users: accounts with role/scope rules, authentication, sessions and API tokens.

The CLI (``flask user add``) and the administrator's pages (``/admin/users``) create and change
accounts through the same functions here, so the username, password and role/scope rules are
checked in one place. Each change is one transaction, and writes its security-audit event
(``app/services/security_audit.py``: who, what, before and after) in that same transaction.
Sign-ins (web and API, success and failure), lockouts by the sign-in limits and token
revocations are recorded here too.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, or_, select

from app.clock import now
from app.errors import Conflict, NotFound, StaleVersion, ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import ApiToken, Commune, Enterprise, User
from app.services.parties import normalise_tax_code
from app.services.passwords import hash_password, needs_rehash, verify_password
from app.services.security_audit import ANONYMOUS, record
from app.services.unit_of_work import unit_of_work
from workflows.base import USER_ROLES
from workflows.inputs import is_digits

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{3,64}$")
# What a sign-in looks up: up to the column's 64 characters, none a control character.
LOOKUP_NAME_RE = re.compile(r"^[^\x00-\x1f\x7f]{1,64}$")
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


def _profile(user: User, enterprise: Enterprise | None) -> dict:
    """What the audit keeps of an account's profile (the enterprise by its tax code)."""
    return {
        "full_name": user.full_name,
        "email": user.email,
        "role": user.role,
        "enterprise": enterprise.tax_code if enterprise is not None else None,
        "commune": user.commune_code,
    }


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
        record(
            "account.created",
            actor=actor,
            target_type="user",
            target=user.username,
            after=_profile(user, enterprise),
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
        before = _profile(user, user.enterprise)
        user.full_name = clean_name
        user.email = clean_email
        user.role = role
        user.enterprise_id = enterprise.id if enterprise else None
        user.commune_code = commune_code or None
        after = _profile(user, enterprise)
        changed = [key for key in after if after[key] != before[key]]
        if changed:  # a save that changes nothing is no act
            record(
                "account.updated",
                actor=actor,
                target_type="user",
                target=user.username,
                before={key: before[key] for key in changed},
                after={key: after[key] for key in changed},
            )
    return user


def _revoke_access(user: User) -> int:
    """End every session cookie and delete every API token of ``user`` (inside a unit);
    returns how many tokens were deleted."""
    end_sessions(user)
    return _delete_tokens(ApiToken.user_id == user.id)


def _delete_tokens(*where) -> int:
    return db.session.execute(ApiToken.__table__.delete().where(*where)).rowcount


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
        revoked = _revoke_access(user)
        if changed:
            record(
                "account.locked",
                actor=actor,
                target_type="user",
                target=user.username,
                before={"active": True},
                after={"active": False},
                tokens_revoked=revoked,
            )
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
            record(
                "account.unlocked",
                actor=actor,
                target_type="user",
                target=user.username,
                before={"active": False},
                after={"active": True},
            )
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
        revoked = _revoke_access(user)
        # The password itself (or its hash) is never recorded.
        record(
            "account.password_reset",
            actor=actor,
            target_type="user",
            target=user.username,
            tokens_revoked=revoked,
        )
    return user


# Where a sign-in comes from: the login page or ``POST /api/v1/tokens``.
CHANNELS = ("web", "api")


def _account_named(username: str | None) -> User | None:
    """The account with this name; a text no username can be (control characters, 500 KB…)
    is not looked up at all."""
    name = (username or "").strip()
    # Not USERNAME_RE: that is what a new account may be named; an older (or hand-made)
    # account outside it must still sign in. Only text no stored name can be is skipped.
    if not LOOKUP_NAME_RE.match(name):
        return None
    return db.session.scalar(select(User).where(User.username == name))


def _check_credentials(username: str, password: str) -> tuple[User | None, str | None]:
    """``(user, None)`` for an active account with this password, else ``(the account or
    None, why not)`` with why one of ``unknown_user``, ``wrong_password``, ``inactive``. The
    same cost either way (a missing account still costs one password check)."""
    user = _account_named(username)
    ok = verify_password(user.password_hash if user else None, password or "")
    if user is None:
        return None, "unknown_user"
    if not ok:
        return user, "wrong_password"
    if not user.active:
        return user, "inactive"
    return user, None


def _signed_in(user: User, password: str, channel: str, **detail) -> None:
    """Inside a unit: rehash an old-parameter password, record the sign-in."""
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    record(
        "auth.sign_in",
        actor=user,
        target_type="user",
        target=user.username,
        channel=channel,
        **detail,
    )


def _failed(user: User | None, reason: str, channel: str) -> None:
    """Record a refused sign-in (its own unit). The name typed is kept only when it is an
    account's: an unknown "username" is often a password typed in the wrong field."""
    record(
        "auth.sign_in_failed",
        actor=ANONYMOUS,
        target_type="user",
        target=user.username if user is not None else "",
        channel=channel,
        reason=reason,
    )


def sign_in(username: str, password: str) -> User | None:
    """The login page: the active user with these credentials, or None. Either way the attempt
    is recorded (``auth.sign_in`` / ``auth.sign_in_failed``, channel ``web``). One transaction.
    """
    user, reason = _check_credentials(username, password)
    if reason is not None:
        _failed(user, reason, "web")
        return None
    with unit_of_work():
        _signed_in(user, password, "web")
    return user


def sign_in_api(username: str, password: str, ttl: timedelta) -> IssuedToken | None:
    """``POST /api/v1/tokens``: a new bearer token for the active user with these credentials,
    or None. Either way the attempt is recorded (channel ``api``, with the new token's id).
    One transaction."""
    user, reason = _check_credentials(username, password)
    if reason is not None:
        _failed(user, reason, "api")
        return None
    with unit_of_work():
        issued = issue_token(user, ttl)
        _signed_in(user, password, "api", token_id=issued.id)
    return issued


def record_lockout(username: str, *, channel: str, limit: str) -> None:
    """Record that the sign-in limits refused an attempt (``limit``: ``address`` or
    ``username``, which limit was reached). The name typed is kept only when it is an
    account's. Its own transaction."""
    user = _account_named(username)
    record(
        "auth.locked_out",
        actor=ANONYMOUS,
        target_type="user",
        target=user.username if user is not None else "",
        channel=channel,
        limit=limit,
    )


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
        revoked = _delete_tokens(ApiToken.user_id == user.id)
        record(
            "auth.password_changed",
            actor=user,
            target_type="user",
            target=user.username,
            tokens_revoked=revoked,
        )


def set_locale(user: User, locale: str) -> None:
    with unit_of_work():
        user.locale = locale


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime
    id: int | None = None  # the stored row's id (what the audit names)


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
        row = ApiToken(user_id=user.id, token_hash=_digest(token), expires_at=expires_at)
        db.session.add(row)
        db.session.flush()
    return IssuedToken(token=token, expires_at=expires_at, id=row.id)


def token_for(token: str) -> ApiToken | None:
    """The unexpired token row of an active user, or None."""
    if not token:
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.expires_at <= now() or not row.user.active:
        return None
    return row


def revoke_token(user: User, token_id: int) -> int:
    """Delete one of ``user``'s tokens (the one a call was made with); returns how many were
    deleted (0 when it was already gone). Recorded (``auth.token_revoked``). One transaction.
    Sessions in browsers are not touched."""
    with unit_of_work():
        revoked = _delete_tokens(ApiToken.id == token_id, ApiToken.user_id == user.id)
        record(
            "auth.token_revoked",
            actor=user,
            target_type="user",
            target=user.username,
            which="current",
            token_id=token_id,
            count=revoked,
        )
    return revoked


def revoke_tokens(user: User) -> int:
    """Delete every token of ``user``; returns how many. Recorded (``auth.token_revoked``).
    One transaction. Sessions in browsers are not touched."""
    with unit_of_work():
        revoked = _delete_tokens(ApiToken.user_id == user.id)
        record(
            "auth.token_revoked",
            actor=user,
            target_type="user",
            target=user.username,
            which="all",
            count=revoked,
        )
    return revoked


def people_named(usernames: Iterable[str]) -> dict[str, str]:
    """How the pages name the people behind ``usernames``: "Full name — organisation" (the
    enterprise's or commune's name), the username when no full name was given; a username that
    is not an account (a system actor) is left out. One query.

    Returns ``{username: display name}``.
    """
    wanted = {name for name in usernames if name}
    if not wanted:
        return {}
    named = {}
    for user in db.session.scalars(select(User).where(User.username.in_(wanted))):
        organisation = (user.enterprise and user.enterprise.name) or (
            user.commune and user.commune.name
        )
        person = user.full_name or user.username
        named[user.username] = f"{person} — {organisation}" if organisation else person
    return named
