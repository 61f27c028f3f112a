"""The load test (``python -m bench.load``) without a load: its mix is well formed, the surge
is what it says, the locustfile imports with one task per action, the runner refuses bad
arguments, and every write it sends is accepted by the app on a generated city (so the run
measures successful requests, not refusals). Nothing here is timed and no server is started.

Locust monkey-patches the process with gevent when imported, so the locustfile is imported in
a subprocess only.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Case, Enterprise, User
from app.services.users import issue_token
from bench.load import mix as M
from bench.load.fixture import choose_enterprises, read_pools, record_costs_sources
from bench.load.runner import (
    DEFAULT_USERS,
    Row,
    Stage,
    best,
    best_without,
    parse_args,
    percentile,
)
from bench.seed import Options, generate

ROOT = Path(__file__).resolve().parent.parent
ROLES = {"enterprise", "inspector", "union", "commune"}


def test_mix_weights_are_per_mille_and_every_action_has_senders():
    names = [a.name for a in M.MIX]
    assert len(names) == len(set(names))
    assert sum(a.weight for a in M.MIX) == 1000
    assert all(a.weight > 0 for a in M.MIX)
    for action in M.MIX:
        assert action.roles and all(w > 0 for _, w in action.roles)
        assert {role for role, _ in action.roles} <= ROLES
    writes = {a.name for a in M.MIX if a.writes}
    assert writes == {"declare", "open_investigation", "record_costs"}
    assert abs(sum(M.shares(M.MIX).values()) - 1) < 1e-9


def test_surge_multiplies_the_declaration_share_by_ten_and_scales_the_rest():
    base = {a.name: a.weight for a in M.MIX}
    surged = {a.name: a.weight for a in M.surge(M.MIX, 10)}
    assert surged["declare"] == 10 * base["declare"]
    assert sum(surged.values()) == 1000
    others = 1000 - base["declare"]
    for name, weight in base.items():
        if name != "declare":
            exact = weight * (1000 - surged["declare"]) / others
            assert abs(surged[name] - exact) < 1, name
    assert M.surge(M.MIX, 1) == M.MIX
    with pytest.raises(ValueError):
        M.surge(M.MIX, 1000 // base["declare"])  # declarations would be everything


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_locustfile_imports_with_one_task_per_action_of_the_mix():
    done = _python(
        "import json, bench.load.locustfile as f;"
        "print(json.dumps({'actions': {k: v.__name__ for k, v in f.ACTIONS.items()},"
        " 'user': f.SafeCaseClient.__name__, 'tasks': len(f.SafeCaseClient.tasks)}))"
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert sorted(found["actions"]) == sorted(a.name for a in M.MIX)
    assert all(key == func for key, func in found["actions"].items())
    assert found["tasks"] == 1  # one task draws the action by the mix's weights


def _locust(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "locust", "-f", "bench/load/locustfile.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_locust_accepts_the_runners_options_and_lists_the_client():
    """``-l`` parses every option (an unknown one is refused, as the second call shows) and
    lists the user classes without running anything."""
    done = _locust("-l", "--safecase-surge", "10", "--safecase-fixture", "")
    assert done.returncode == 0, done.stderr
    assert "SafeCaseClient" in done.stdout
    assert _locust("-l", "--safecase-nonsense", "1").returncode == 2


def test_runner_arguments_default_to_the_production_shape():
    args = parse_args([])
    assert (args.cases, args.database, args.gunicorn_workers, args.rq_workers) == (
        100_000,
        "safecase_load",
        4,
        2,
    )
    assert args.redis_url == "redis://127.0.0.1:6379/12"
    assert args.users == DEFAULT_USERS and list(args.users) == sorted(set(args.users))
    assert args.surge == 10 and args.p95_ms == 1000
    assert parse_args(["--users", "3,6,9"]).users == (3, 6, 9)


@pytest.mark.parametrize(
    "argv",
    [
        ["--users", "10,5"],
        ["--users", "0,5"],
        ["--users", "a"],
        ["--server", "postgresql://postgres@10.1.2.3:5432"],
        ["--redis-url", "redis://db.example.org:6379/12"],
        ["--enterprises", "5", "--web-enterprises", "6"],
        ["--database", "x; DROP"],
        ["--stage-seconds", "0"],
        ["--also-without", "nothing"],
    ],
)
def test_runner_refuses_bad_arguments(argv, capsys):
    with pytest.raises(SystemExit) as refused:
        parse_args(argv)
    assert refused.value.code == 2
    assert capsys.readouterr().err


def _stage(histograms: dict[str, dict[int, int]], failures: dict[str, int]) -> Stage:
    rows = [
        Row(name, sum(h.values()), failures.get(name, 0), 1.0, 0, 0, 0, 0)
        for name, h in histograms.items()
    ]
    merged: dict[int, int] = {}
    for hist in histograms.values():
        for ms, n in hist.items():
            merged[ms] = merged.get(ms, 0) + n
    total = Row(
        "Aggregated", sum(r.requests for r in rows), sum(failures.values()), 1.0, 0,
        percentile(merged, 0.95), 0, 0,
    )  # fmt: skip
    return Stage(5, total, rows, [], (0, 0, 0), {}, 0, {}, histograms)


def test_percentile_follows_locusts_rule():
    """Locust's p95 is the smallest bucket with at most 5 % of the requests above it."""
    assert percentile({100: 94, 1000: 6}, 0.95) == 1000
    assert percentile({100: 96, 1000: 4}, 0.95) == 100
    assert percentile({100: 90, 1000: 5, 2000: 5}, 0.95) == 2000
    assert percentile({}, 0.95) == 0


def test_a_slow_action_fails_the_stage_but_not_the_diagnostic_without_it():
    stage = _stage({"search": {3000: 10}, "tasks": {100: 60}, "case_page": {200: 30}}, {})
    assert stage.total.p95 == 3000 and not stage.holds(1000)
    assert stage.p95_without("search") == 200
    assert stage.rest_holds("search", 1000)
    failing = _stage({"search": {100: 10}, "tasks": {100: 90}}, {"tasks": 1})
    assert not failing.holds(1000) and not failing.rest_holds("search", 1000)
    only_search_failed = _stage({"search": {100: 10}, "tasks": {100: 90}}, {"search": 2})
    assert not only_search_failed.holds(1000)
    assert only_search_failed.rest_holds("search", 1000)


def test_the_sustained_rate_is_the_top_of_the_first_run_of_holding_stages():
    """A stage that holds above one that did not (luck on a shared machine) does not count."""
    fast, slow = {"tasks": {100: 100}}, {"tasks": {2000: 100}}
    stages = [_stage(fast, {}), _stage(fast, {}), _stage(slow, {}), _stage(fast, {})]
    for users, stage in zip((2, 4, 6, 8), stages, strict=True):
        stage.users = users
    assert best(stages, 1000).users == 4
    assert best([_stage(slow, {})] + stages, 1000) is None
    assert best_without(stages, "tasks", 1000).users == 8  # nothing left: every stage holds


# -- the writes are accepted by the app -------------------------------------------------------


@pytest.fixture
def city(app, declaration_day):
    generate(Options(cases=300, seed=3), say=lambda _: None)
    chosen = choose_enterprises(20, seed=7)
    return chosen, read_pools([tax for tax, _ in chosen], seed=1)


def _bearer(username: str) -> dict[str, str]:
    user = db.session.scalar(select(User).where(User.username == username))
    return {"Authorization": f"Bearer {issue_token(user, timedelta(days=1)).token}"}


def test_pools_hold_only_cases_the_clients_may_act_on(city):
    chosen, pools = city
    ours = {tax for tax, _ in chosen}
    assert len(chosen) == 20 and len(ours) == 20
    open_claim = ("treatment", "awaiting_assessment", "assessed", "not_eligible")
    assert record_costs_sources() == open_claim
    assert pools["claims"], "the generated city has open claims"
    for claim in pools["claims"]:
        case = db.session.get(Case, claim["id"])
        assert case.kind == "claim" and case.state in record_costs_sources()
        assert case.enterprise.tax_code == claim["tax_code"] in ours
        assert case.version == claim["version"]
    for declared in pools["declared"]:
        case = db.session.get(Case, declared["id"])
        assert (case.kind, case.state) == ("accident", "declared")
        assert declared["level"] in ("province", "enterprise")
        assert declared["level"] == "province" or declared["tax_code"] in ours
    assert set(pools["home"]) == ours
    for tax, ids in pools["cases"]["by_enterprise"].items():
        for case_id in ids:
            assert db.session.get(Case, case_id).enterprise.tax_code == tax
    assert pools["search"] and pools["communes"]


def test_the_load_tests_writes_are_accepted(city, client):
    import random

    chosen, pools = city
    tax, username = chosen[0]
    rng = random.Random(5)
    opened = set()
    for seq in range(1, 7):  # light, serious and fatal draws: both investigation levels
        body = M.declaration(seq, clock.now(), rng, pools["home"][tax])
        made = client.post("/api/v1/cases", json=body, headers=_bearer(username))
        assert made.status_code == 201, made.get_json()
        case = made.get_json()
        level = case["investigation_level"]
        opener = username if M.OPENER[level] == "enterprise" else "bench_thanhtra"
        acted = client.post(
            f"/api/v1/cases/{case['id']}/actions/open_investigation",
            json=M.open_investigation(case["version"], level),
            headers=_bearer(opener),
        )
        assert acted.status_code == 200, acted.get_json()
        assert acted.get_json()["state"] == "investigating"
        opened.add(level)
    assert opened == {"enterprise", "province"}, "the draws covered both levels"

    claim = pools["claims"][0]
    owner = db.session.scalar(
        select(User.username)
        .join(Enterprise, Enterprise.id == User.enterprise_id)
        .where(Enterprise.tax_code == claim["tax_code"], User.role == "enterprise")
    )
    version = claim["version"]
    for n in (1, 2):
        costs = client.post(
            f"/api/v1/cases/{claim['id']}/actions/record_costs",
            json=M.record_costs(version, n),
            headers=_bearer(owner),
        )
        assert costs.status_code == 200, costs.get_json()
        assert costs.get_json()["version"] == version + 1
        version += 1
