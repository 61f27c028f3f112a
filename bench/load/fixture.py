"""What the simulated clients share: who they sign in as, and the cases they act on.

The runner signs in once per identity before the load starts (``POST /api/v1/tokens`` and the
web login form, the real paths) and hands the tokens and session cookies to Locust in one JSON
file, so the measured requests are the mix's own and no sign-in limit is ever approached. The
pools of cases are read from the database before each stage (``read_pools``, in an app
context, so SQLite in the tests and PostgreSQL in the run give the same shapes):

- ``declared``: accidents still ``declared`` at a level whose opener the clients can sign in as
  (the inspector for ``province``, the case's own enterprise for ``enterprise``);
- ``claims``: the chosen enterprises' claims in a state ``record_costs`` leaves from (read from
  the claim workflow, not repeated here);
- ``cases``: a sample of case ids any inspector may open, and up to ``per_enterprise`` of each
  chosen enterprise's own;
- ``search``: what people type — a surname and middle name of a real victim, a word of an
  enterprise's name, a case code, a word of a place;
- ``communes``: the commune codes, for the list filters; ``home``: each chosen enterprise's
  commune, where its accidents are declared.
"""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import select

from bench.load.mix import OPENER
from workflows import get_workflow


def record_costs_sources() -> tuple[str, ...]:
    """The claim states ``record_costs`` may be fired in (the workflow's own list)."""
    claim = get_workflow("claim")
    sources = (s for t in claim.transitions if t.trigger == "record_costs" for s in t.sources)
    return tuple(dict.fromkeys(sources))


def choose_enterprises(count: int, seed: int) -> list[tuple[str, str]]:
    """``count`` (tax code, username) pairs of enterprise users, the same for the same seed."""
    from app.extensions import db
    from app.models import Enterprise, User

    rows = db.session.execute(
        select(Enterprise.tax_code, User.username)
        .join(User, User.enterprise_id == Enterprise.id)
        .where(User.role == "enterprise", User.active.is_(True))
        .order_by(Enterprise.tax_code, User.username)
    ).all()
    seen: dict[str, str] = {}
    for tax_code, username in rows:
        seen.setdefault(tax_code, username)
    pairs = sorted(seen.items())
    random.Random(seed).shuffle(pairs)
    return pairs[:count]


def read_pools(
    tax_codes: list[str], *, sample: int = 2000, per_enterprise: int = 20, seed: int = 1
) -> dict[str, Any]:
    """The pools described in the module docstring, for the enterprises ``tax_codes``."""
    from app.extensions import db
    from app.models import Case, Commune, Enterprise, Victim

    rng = random.Random(seed)
    ours = set(tax_codes)
    declared = [
        {"id": i, "version": v, "level": level, "tax_code": tax}
        for i, v, level, tax in db.session.execute(
            select(Case.id, Case.version, Case.investigation_level, Enterprise.tax_code)
            .outerjoin(Enterprise, Enterprise.id == Case.enterprise_id)
            .where(
                Case.kind == "accident",
                Case.state == "declared",
                Case.investigation_level.in_(tuple(OPENER)),
            )
            .order_by(Case.id)
        )
        if OPENER[level] == "inspector" or tax in ours
    ]
    claims = [
        {"id": i, "version": v, "tax_code": tax}
        for i, v, tax in db.session.execute(
            select(Case.id, Case.version, Enterprise.tax_code)
            .join(Enterprise, Enterprise.id == Case.enterprise_id)
            .where(
                Case.kind == "claim",
                Case.state.in_(record_costs_sources()),
                Enterprise.tax_code.in_(ours),
            )
            .order_by(Case.id)
        )
    ]
    visible_kinds = ("accident", "claim", "disease", "incident")  # reports have their own page
    ids = db.session.scalars(select(Case.id).where(Case.kind.in_(visible_kinds))).all()
    by_enterprise: dict[str, list[int]] = {tax: [] for tax in tax_codes}
    for case_id, tax in db.session.execute(
        select(Case.id, Enterprise.tax_code)
        .join(Enterprise, Enterprise.id == Case.enterprise_id)
        .where(Case.kind.in_(visible_kinds), Enterprise.tax_code.in_(ours))
        .order_by(Case.id.desc())
    ):
        if len(by_enterprise[tax]) < per_enterprise:
            by_enterprise[tax].append(case_id)
    return {
        "declared": declared,
        "claims": claims,
        "cases": {
            "any": rng.sample(list(ids), min(sample, len(ids))),
            "by_enterprise": by_enterprise,
        },
        "search": _search_terms(rng, Victim, Enterprise, Case),
        "communes": list(db.session.scalars(select(Commune.code).order_by(Commune.code))),
        "home": dict(
            db.session.execute(
                select(Enterprise.tax_code, Enterprise.commune_code).where(
                    Enterprise.tax_code.in_(ours)
                )
            ).all()
        ),
    }


def _search_terms(rng: random.Random, Victim, Enterprise, Case) -> list[str]:
    from app.extensions import db

    names = db.session.scalars(select(Victim.full_name).order_by(Victim.id).limit(500)).all()
    words = db.session.scalars(select(Enterprise.name).order_by(Enterprise.id).limit(200)).all()
    codes = db.session.scalars(select(Case.code).order_by(Case.id.desc()).limit(200)).all()
    terms = {" ".join(name.split()[:2]) for name in names if len(name.split()) >= 2}
    terms |= {" ".join(name.split()[-2:]) for name in words if len(name.split()) >= 2}
    terms |= {code for code in rng.sample(list(codes), min(20, len(codes)))}
    terms |= {"Phân xưởng", "Công trường", "Dây chuyền", "Kho bãi"}
    return sorted(terms)
