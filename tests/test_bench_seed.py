"""The benchmark data generator (``python -m bench.seed``) on the test database: counts,
consistency of the statistics columns with ``data``, unique codes, valid audit chains, and the
pages of generated cases open for the people they belong to."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Case, CaseCounter, CaseDeadline, CaseEvent, Enterprise, User, Victim
from app.services.audit import verify_chains
from bench.seed import BENCH_PASSWORD, OWNERSHIP, Options, Refused, generate
from tests.conftest import post_login

N = 300


@pytest.fixture
def city(app, declaration_day):
    counts = generate(Options(cases=N, seed=5, annual_reports=True), say=lambda _: None)
    return counts


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_generates_the_declared_cases_their_claims_and_reports(city):
    kinds = Counter(db.session.scalars(select(Case.kind)))
    assert kinds["accident"] + kinds["disease"] + kinds["incident"] == N
    assert kinds["accident"] > 0.7 * N and 0 < kinds["disease"] < 0.2 * N and kinds["incident"]
    assert kinds["claim"] == city["claim"] > 0
    assert kinds["report"] == city["report"] > 0
    assert _count(Enterprise) == 50  # at least 50, N/200 being less
    assert _count(Victim) == city["victim"]
    # Every case carries one valid, hash-chained first event.
    assert _count(CaseEvent) == sum(kinds.values())
    assert verify_chains() == []


def test_case_codes_are_unique_and_counters_continue_past_them(city):
    codes = list(db.session.scalars(select(Case.code)))
    assert len(codes) == len(set(codes))
    counters = dict(db.session.execute(select(CaseCounter.key, CaseCounter.value)).all())
    for code in codes:
        key, seq = code[:-6], int(code[-6:])
        assert counters[key] >= seq


def test_statistics_columns_match_the_data(city):
    accidents = db.session.scalars(select(Case).where(Case.kind == "accident")).all()
    concluded = [c for c in accidents if c.data.get("minutes")]
    assert concluded, "some accidents reach the minutes"
    for case in accidents:
        minutes = case.data.get("minutes") or {}
        assert case.cause_code == minutes.get("cause_code")
        assert case.injuring_factor_code == minutes.get("injuring_factor_code")
        assert case.not_work_accident == (minutes.get("is_work_accident") is False)
        assert case.accident_type == case.data["accident_type"]
        assert case.property_damage_vnd == case.data.get("property_damage_vnd")
        if case.enterprise_id is None:
            assert (case.labour_relation, case.data["declared_by_role"]) == (False, "commune")
        else:
            assert (case.industry_code, case.ownership) == (
                case.enterprise.industry_code,
                case.enterprise.ownership,
            )
    assert all(c.cause_code for c in concluded)
    assert {c.state for c in accidents} >= {"closed", "announced", "rejected"}
    assert any(c.enterprise_id is None for c in accidents)
    assert {e.ownership for e in db.session.scalars(select(Enterprise))} <= set(OWNERSHIP)


def test_claims_belong_to_announced_work_accidents(city):
    claims = db.session.scalars(select(Case).where(Case.kind == "claim")).all()
    for claim in claims:
        parent = claim.parent
        assert parent.state in ("announced", "closed", "confirmed")
        assert claim.victim_id in parent.data["claimed_victim_ids"]
        if parent.kind == "accident":
            assert parent.data["minutes"]["is_work_accident"] is True
    victims = db.session.scalars(select(Victim).where(Victim.occupation_code.is_not(None))).all()
    assert len(victims) == _count(Victim)


def test_open_legal_limits_have_deadline_rows(city):
    open_cases = db.session.scalars(
        select(Case).where(Case.kind == "accident", Case.state.in_(("investigating", "concluded")))
    ).all()
    for case in open_cases:
        assert _count(CaseDeadline, CaseDeadline.case_id == case.id) == 1
    assert _count(CaseDeadline, CaseDeadline.met_at.is_(None)) == city["open deadlines"]


def test_reports_have_a_key_a_period_and_figures_when_filed(city):
    reports = db.session.scalars(select(Case).where(Case.kind == "report")).all()
    states = Counter(r.state for r in reports)
    assert states["accepted"] > states["open"] > 0
    for report in reports:
        form, tax_code, period = report.report_key.split(":")
        assert (form, tax_code, period) == (
            report.data["form"],
            report.enterprise.tax_code,
            report.data["period"],
        )
        if report.state != "open":
            figures = report.data["submitted"]["figures"]
            assert figures["female_workers"] <= figures["workers"]
            if "-H1" not in period:
                assert figures["od_examined_workers"] <= figures["exposed_workers"]


def test_a_generated_case_opens_for_its_enterprise_and_the_inspector(app, city):
    case = db.session.scalars(
        select(Case).where(Case.kind == "accident", Case.state == "closed").limit(1)
    ).one()
    claim = case.children[0]
    owner = db.session.scalars(select(User).where(User.enterprise_id == case.enterprise_id)).one()
    for username in (owner.username, "bench_thanhtra"):
        client = app.test_client()
        assert post_login(client, username, BENCH_PASSWORD).status_code == 302
        for path in (f"/cases/{case.id}", f"/cases/{claim.id}", "/cases/"):
            response = client.get(path)
            assert response.status_code == 200, (username, path)


def test_refuses_a_database_holding_cases_unless_appending(app, city):
    with pytest.raises(Refused):
        generate(Options(cases=10), say=lambda _: None)
    counts = generate(Options(cases=20, seed=6, append=True, enterprises=3), say=print)
    assert counts["enterprise"] == 3
    codes = list(db.session.scalars(select(Case.code)))
    assert len(codes) == len(set(codes))
    assert verify_chains() == []


def test_refuses_a_large_set_on_sqlite(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the limit is SQLite's")
    with pytest.raises(Refused, match="PostgreSQL"):
        generate(Options(cases=20_001), say=lambda _: None)


def test_open_tasks_are_the_ones_the_engine_would_keep(city):
    """Each waiting case gets the tasks its state waits on; the engine's own task sync,
    run on every case afterwards, finds nothing to open, close or move."""
    from app.clock import now
    from app.models import Task
    from app.services.case_snapshot import snapshot
    from app.services.rulebook import load_rulebook
    from app.services.workflow_engine import sync_tasks
    from bench.seed_tasks import add_open_tasks
    from workflows import REGISTRY

    added = add_open_tasks(say=lambda _: None, batch=40)  # several batches
    assert added == _count(Task) > 0
    assert add_open_tasks(say=lambda _: None) == 0  # idempotent
    kinds = db.session.execute(
        select(Task.case_kind, Case.kind).join(Case, Task.case_id == Case.id)
    ).all()
    assert kinds and all(copied == kind for copied, kind in kinds), "case_kind as the engine's"
    before = sorted(db.session.execute(select(Task.case_id, Task.name, Task.role, Task.due_at)))
    at, rules = now(), load_rulebook()
    for case in db.session.scalars(select(Case)):
        sync_tasks(case, REGISTRY[case.kind], snapshot(case), at, rules)
    db.session.flush()
    after = sorted(
        db.session.execute(
            select(Task.case_id, Task.name, Task.role, Task.due_at).where(Task.closed_at.is_(None))
        )
    )
    assert after == before
    # Deadlined tasks carry their deadline's due time; roles are the parties', resolved.
    roles = Counter(db.session.scalars(select(Task.role)))
    assert roles["enterprise"] and roles["inspector"] and roles["union"]
    assert "level_role" not in roles and "team_head_role" not in roles
    assert _count(Task, Task.due_at.is_not(None))


def test_every_generated_case_has_the_search_text_its_rows_say(city):
    """The generator writes ``search_text`` as the engine does (``app.services.search``)."""
    from app.services.search import expected_texts

    stored = dict(db.session.execute(select(Case.id, Case.search_text)).all())
    assert stored == expected_texts()
    assert all(stored.values())
