"""``flask seed demo``'s two-year history: played through the real services, so it spans two
years, holds every kind of case the statistics tell apart, and its audit chains verify."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from app.clock import now
from app.extensions import db
from app.models import Case, CaseEvent, Enterprise
from app.services.audit import verify_chains
from app.services.demo import seed_demo_data


def test_the_demo_history_spans_two_years_of_every_kind_and_its_chains_verify(app):
    seed_demo_data()
    cases = db.session.scalars(select(Case)).all()
    accidents = [c for c in cases if c.kind == "accident"]
    assert 250 <= sum(c.kind != "claim" for c in cases) <= 400
    occurred = sorted(c.occurred_at for c in accidents)
    assert occurred[0] < now() - timedelta(days=660) and occurred[-1] > now() - timedelta(days=30)

    kinds = Counter(c.kind for c in cases)
    assert kinds["disease"] and kinds["incident"] and kinds["claim"] and kinds["report"]
    assert any(c.severity == "fatal" for c in accidents)
    assert any(c.severity == "serious" for c in accidents)
    assert any(c.severity == "light" for c in accidents)
    assert any(len(c.victims) >= 2 for c in accidents)
    assert any(c.accident_type == "commuting" for c in accidents)
    assert any(c.labour_relation is False and c.enterprise_id is None for c in accidents)
    assert any(c.state == "rejected" for c in accidents)
    assert any(c.not_work_accident for c in accidents)
    assert {"declared", "investigating", "announced", "closed"} <= {c.state for c in accidents}
    assert {"closed", "assessed"} <= {c.state for c in cases if c.kind == "claim"}
    assert any(v.gender == "female" for c in accidents for v in c.victims)
    # Industry and ownership copied from each enterprise at declaration.
    for case in accidents:
        if case.enterprise_id is not None:
            enterprise = db.session.get(Enterprise, case.enterprise_id)
            assert (case.industry_code, case.ownership) == (
                enterprise.industry_code,
                enterprise.ownership,
            )
            assert case.ownership is not None

    # Every step went through the engine: a chain of several events, all of them intact.
    events = Counter(db.session.scalars(select(CaseEvent.trigger)))
    assert events["declare"] >= 250 and events["announce"] and events["record_payment"]
    assert verify_chains() == []

    reports = [c for c in cases if c.kind == "report"]
    assert (
        len({c.report_key for c in reports})
        == len(reports)
        >= len(db.session.scalars(select(Enterprise)).all())
    )
