"""Who sees which case (workflows.md "Parties and roles"): SQL filters both ways and a check.

Denied by default: a role not listed sees nothing. A case the caller may not see is
answered exactly like a missing one (404), so its existence does not leak.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, true

from app.models import Case, User


def case_filter(user) -> ColumnElement[bool]:
    """A WHERE clause selecting the cases ``user`` may see."""
    role = getattr(user, "role", None)
    if role == "inspector":
        return true()
    if role == "enterprise":
        return Case.enterprise_id == user.enterprise_id
    if role == "union":
        # A grassroots union sees its enterprise; the city federation sees the whole city.
        return Case.enterprise_id == user.enterprise_id if user.enterprise_id else true()
    if role == "commune":
        return Case.commune_code == user.commune_code
    if role == "insurance":
        # Only claims whose dossier was filed with social insurance.
        return (Case.kind == "claim") & Case.insurance_filed.is_(True)
    return false()


def can_see(user, case: Case) -> bool:
    role = getattr(user, "role", None)
    if role == "inspector":
        return True
    if role == "enterprise":
        return case.enterprise_id is not None and case.enterprise_id == user.enterprise_id
    if role == "union":
        return not user.enterprise_id or case.enterprise_id == user.enterprise_id
    if role == "commune":
        return case.commune_code == user.commune_code
    if role == "insurance":
        return case.kind == "claim" and case.insurance_filed
    return False


def viewers_filter(case: Case | None, role: str) -> ColumnElement[bool]:
    """A WHERE clause on ``User``: users of ``role`` who can see ``case`` (``can_see``'s twin)."""
    if case is None or role == "inspector":
        return true()
    if role == "enterprise":
        return User.enterprise_id == case.enterprise_id if case.enterprise_id else false()
    if role == "union":
        if case.enterprise_id is None:
            return User.enterprise_id.is_(None)
        return or_(User.enterprise_id.is_(None), User.enterprise_id == case.enterprise_id)
    if role == "commune":
        return User.commune_code == case.commune_code
    if role == "insurance":
        return true() if case.kind == "claim" and case.insurance_filed else false()
    return false()
