"""Factories: each test builds only what it needs, with unique sequence-made fields."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

from app.extensions import db
from app.models import Case, Commune, Enterprise, User
from app.services.passwords import hash_password

PASSWORD = "correct-horse-1"
VN = timezone(timedelta(hours=7))
# The declarations below are made at 10:00 on 20/11/2026 (Vietnam) for an accident at 08:30.
# A test that declares through them and then reads the clock (deadlines, "not in the
# future" guards, countdowns) runs at NOW through the ``declaration_day`` fixture, so it
# does not depend on the day the suite runs.
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=VN)
OCCURRED = "2026-11-20T08:30:00+07:00"
_seq = itertools.count(1)
_HASH_CACHE: dict[str, str] = {}


def _hash(password: str) -> str:
    # Argon2 is deliberately slow; one hash per distinct password keeps the suite fast.
    if password not in _HASH_CACHE:
        _HASH_CACHE[password] = hash_password(password)
    return _HASH_CACHE[password]


def make_commune(code: str | None = None, name: str | None = None) -> Commune:
    n = next(_seq)
    commune = Commune(code=code or f"9{n:04d}", name=name or f"Phường Thử {n}", province="HP")
    db.session.add(commune)
    db.session.commit()
    return commune


def make_enterprise(commune: Commune | None = None, **fields) -> Enterprise:
    n = next(_seq)
    commune = commune or make_commune()
    enterprise = Enterprise(
        tax_code=fields.pop("tax_code", f"02{n:08d}"),
        name=fields.pop("name", f"Công ty TNHH Thử Nghiệm {n}"),
        commune_code=commune.code,
        workers=fields.pop("workers", 100),
        female_workers=fields.pop("female_workers", 30),
        industry_code=fields.pop("industry_code", "C25"),
        **fields,
    )
    db.session.add(enterprise)
    db.session.commit()
    return enterprise


def make_user(role: str = "inspector", password: str = PASSWORD, **fields) -> User:
    n = next(_seq)
    if role == "enterprise" and "enterprise" not in fields and "enterprise_id" not in fields:
        fields["enterprise"] = make_enterprise()
    if role == "commune" and "commune" not in fields and "commune_code" not in fields:
        fields["commune"] = make_commune()
    user = User(
        username=fields.pop("username", f"{role}{n}"),
        password_hash=_hash(password),
        role=role,
        full_name=fields.pop("full_name", f"Người dùng {n}"),
        email=fields.pop("email", f"{role}{n}@example.vn"),
        **fields,
    )
    db.session.add(user)
    db.session.commit()
    return user


_national_ids = itertools.count(31090000001)


def victim_body(outcome: str = "serious", **fields) -> dict:
    """One victim of a declaration, valid unless fields say otherwise."""
    body = {
        "full_name": fields.pop("full_name", f"Nguyễn Văn {next(_seq)}"),
        "birth_date": "1990-04-02",
        "gender": "male",
        "national_id": f"{next(_national_ids):012d}",
        "occupation": "Thợ hàn",
        "occupation_code": "72",  # thợ kim loại, thợ cơ khí (Decision 34/2020/QĐ-TTg)
        "outcome": outcome,
        "monthly_wage_vnd": 10_000_000,
        "si_number": f"31{next(_seq):08d}",
        "si_years": 6,
        "injury_description": "Gãy xương cẳng tay phải",
    }
    body.update(fields)
    return body


def accident_body(commune_code: str, outcomes=("serious",), **fields) -> dict:
    """A valid accident declaration for ``POST /api/v1/cases``."""
    body = {
        "kind": "accident",
        "occurred_at": OCCURRED,
        "commune_code": commune_code,
        "location": "Xưởng cơ khí số 2",
        "description": "Công nhân bị máy dập kẹp tay khi đang vận hành.",
        "labour_relation": True,
        "victims": [victim_body(outcome) for outcome in outcomes],
    }
    body.update(fields)
    return body


def make_accident(user: User, outcomes=("serious",), **fields):
    """Declare an accident through the real service (engine, events, deadlines, tasks)."""
    from app.services.declarations import declare

    commune = user.commune_code if user.role == "commune" else user.enterprise.commune_code
    if user.role == "commune":
        fields.setdefault("labour_relation", False)
    return declare(user, accident_body(commune, outcomes, **fields))


def notice_body(commune_code: str, **fields) -> dict:
    """A valid quick notice (báo tin nhanh) for ``POST /api/v1/cases/notices``: one dead, two
    seriously injured unless ``fields`` say otherwise."""
    body = {
        "occurred_at": OCCURRED,
        "commune_code": commune_code,
        "location": "Công trường nhà xưởng số 3",
        "description": "Sập giàn giáo khi đang đổ bê tông sàn tầng 2.",
        "deaths": 1,
        "seriously_injured": 2,
        "reporter_name": "Trần Văn Bình, quản đốc",
        "contact_phone": "0912 345 678",
    }
    body.update(fields)
    return body


def make_notice(user: User, **fields):
    """Give a quick notice through the real service: the case opens in ``notified``."""
    from app.services.declarations import give_notice

    commune = user.commune_code if user.role == "commune" else user.enterprise.commune_code
    return give_notice(user, notice_body(commune, **fields))


def act(case, user: User, trigger: str, **payload):
    """Fire ``trigger`` through the engine with the case's current version."""
    from app.services.workflow_engine import fire_transition

    db.session.refresh(case)
    fire_transition(case.id, trigger, user, {"version": case.version, **payload})
    return db.session.get(Case, case.id)


# Why a test's dossier lacks its papers (it uploads none).
WAIVED = "Không áp dụng cho vụ việc này (dữ liệu kiểm thử)."


def waive_dossier(case, user: User, reason: str = WAIVED):
    """Mark every mandatory paper ``case``'s dossier still lacks not applicable, as ``user``
    (the body keeping it), through the engine: closing an investigation waits for the dossier
    (workflows/dossier_rules.py). Returns the case as it then is."""
    from app.services.documents import dossier_checklist

    db.session.refresh(case)
    for category in dossier_checklist(case).missing:
        case = act(case, user, "mark_not_applicable", category=category, reason=reason)
    return case


def head(name: str = "Nguyễn Văn Thanh", organisation: str = "inspectorate") -> list[dict]:
    """A one-person investigation team headed by ``organisation``."""
    return [{"name": name, "organisation": organisation, "role": "head"}]
