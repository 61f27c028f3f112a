"""Locust clients of the SafeCase load test: one kind of client doing the mix of ``mix.MIX``.

Run by ``python -m bench.load`` (one headless Locust per stage); by hand::

    locust -f bench/load/locustfile.py --headless -u 20 -r 10 -t 60s \\
        --host http://127.0.0.1:8000 --safecase-fixture /tmp/load.json [--safecase-surge 10]

``--safecase-fixture`` is the JSON the runner writes (``bench/load/fixture.py``: tokens,
session cookies, pools of cases). Each task draws one action by the mix's weights, then the
role that sends it by the action's own weights, and names its request after the action, so
Locust's table reads per action. Writes take their case from a pool shared by the clients of
this process, so no two clients act on the same case at once (a stale ``version`` would be a
409, which counts as an error here as it would for a person). An action whose pool is empty is
skipped and counted; the counts and each action's response-time histogram go to
``<fixture>.out.json`` when the run stops.

Importing this module imports Locust, which monkey-patches the process with gevent: never
import it into the app or the test process (``tests/test_bench_load.py`` uses a subprocess).
"""

from __future__ import annotations

import itertools
import json
import random
from collections import Counter, deque
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from locust import FastHttpUser, between, events, task

from bench.load import mix as M

STATE: dict = {}


@events.init_command_line_parser.add_listener
def _arguments(parser) -> None:
    parser.add_argument("--safecase-fixture", default="", help="the runner's JSON of credentials")
    parser.add_argument(
        "--safecase-surge",
        type=int,
        default=1,
        help="multiply the declarations' share by this (1: the ordinary mix)",
    )


def load(fixture_path: str, surge_factor: int) -> None:
    """Read the fixture and set the mix; called once per process before any client runs."""
    fixture = json.loads(Path(fixture_path).read_text(encoding="utf-8"))
    actions = M.MIX if surge_factor == 1 else M.surge(M.MIX, surge_factor)
    pools = fixture["pools"]
    STATE.clear()
    STATE.update(
        fixture=fixture,
        path=fixture_path,
        actions={a.name: a for a in actions},
        names=[a.name for a in actions],
        weights=[a.weight for a in actions],
        declared=deque(pools["declared"]),
        claims=deque(pools["claims"]),
        seq=itertools.count(fixture.get("seq_start", 1)),
        skipped=Counter(),
        done=Counter(),
    )


@events.init.add_listener
def _init(environment, **_kw) -> None:
    options = environment.parsed_options
    if options is not None and options.safecase_fixture:
        load(options.safecase_fixture, options.safecase_surge)


@events.test_stop.add_listener
def _write_counts(environment, **_kw) -> None:
    """The skipped actions and each action's response-time histogram (Locust's own buckets,
    since the last reset), so the runner can take percentiles over any set of actions."""
    if STATE:
        histograms = {
            name: {str(ms): n for ms, n in entry.response_times.items()}
            for (name, _method), entry in environment.stats.entries.items()
        }
        out = Path(STATE["path"] + ".out.json")
        body = {"skipped": STATE["skipped"], "done": STATE["done"], "histograms": histograms}
        out.write_text(json.dumps(body), encoding="utf-8")


# -- identities ------------------------------------------------------------------------------


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}


class SafeCaseClient(FastHttpUser):
    """A person at a screen: one request, then 0.5–1.5 s of reading or typing."""

    wait_time = between(0.5, 1.5)
    # As the load balancer in front would say it (runner.BALANCER_HEADERS): TLS ended there.
    default_headers = {"X-Forwarded-Proto": "https"}

    def on_start(self) -> None:
        self.rng = random.Random()

    @task
    def act(self) -> None:
        name = self.rng.choices(STATE["names"], STATE["weights"])[0]
        action = STATE["actions"][name]
        if ACTIONS[name](self, M.pick_role(action, self.rng)) is False:
            STATE["skipped"][name] += 1
        else:
            STATE["done"][name] += 1

    # -- helpers ---------------------------------------------------------------------------

    def api_token(self, role: str) -> tuple[str, str | None]:
        """A token of ``role`` and, for an enterprise, its tax code."""
        tokens = STATE["fixture"]["tokens"]
        if role == "enterprise":
            tax = self.rng.choice(sorted(tokens["enterprise"]))
            return tokens["enterprise"][tax], tax
        return self.rng.choice(tokens[role]), None

    def web_cookie(self, role: str) -> tuple[str, str | None]:
        cookies = STATE["fixture"]["cookies"]
        if role == "enterprise":
            tax = self.rng.choice(sorted(cookies["enterprise"]))
            return cookies["enterprise"][tax], tax
        return self.rng.choice(cookies[role]), None

    def web_get(self, path: str, cookie: str, name: str, params=None) -> None:
        """A signed-in page: 200, or a redirect within the same list (a page past the end
        goes to the last page), followed as a browser would; anything else (a redirect to
        the login page) is a failure."""
        self.client.cookiejar.clear()  # the session is the fixture's, not one the server set
        location = None
        with self.client.get(
            path,
            params=params,
            headers={"Cookie": cookie},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            target = response.headers.get("Location") or ""
            if response.status_code == 302 and urlsplit(target).path == path:
                response.success()
                location = target
            elif response.status_code != 200:
                response.failure(f"{response.status_code} for {path}")
        if location is not None:
            self.web_get(location, cookie, name)


# -- the actions (one per mix.MIX entry, same names) -------------------------------------------


def declare(client: SafeCaseClient, role: str):
    token, tax = client.api_token(role)
    home = STATE["fixture"]["pools"]["home"][tax]
    body = M.declaration(next(STATE["seq"]), datetime.now(UTC), client.rng, home)
    response = client.client.post("/api/v1/cases", json=body, headers=bearer(token), name="declare")
    if response.status_code == 201:
        case = response.json()
        level = case.get("investigation_level")
        if level in M.OPENER:
            tax = (case.get("enterprise") or {}).get("tax_code")
            STATE["declared"].append(
                {"id": case["id"], "version": case["version"], "level": level, "tax_code": tax}
            )


def open_investigation(client: SafeCaseClient, _role: str):
    """The opener is the case's (inspector or its enterprise), whatever the draw said."""
    if not STATE["declared"]:
        return False
    case = STATE["declared"].popleft()
    opener = M.OPENER[case["level"]]
    tokens = STATE["fixture"]["tokens"]
    token = tokens["enterprise"][case["tax_code"]] if opener == "enterprise" else None
    token = token or client.rng.choice(tokens["inspector"])
    client.client.post(
        f"/api/v1/cases/{case['id']}/actions/open_investigation",
        json=M.open_investigation(case["version"], case["level"]),
        headers=bearer(token),
        name="open_investigation",
    )


def record_costs(client: SafeCaseClient, _role: str):
    """On a claim of an enterprise the clients sign in as, by that enterprise."""
    if not STATE["claims"]:
        return False
    claim = STATE["claims"].popleft()
    token = STATE["fixture"]["tokens"]["enterprise"][claim["tax_code"]]
    claim["n"] = claim.get("n", 0) + 1
    response = client.client.post(
        f"/api/v1/cases/{claim['id']}/actions/record_costs",
        json=M.record_costs(claim["version"], claim["n"]),
        headers=bearer(token),
        name="record_costs",
    )
    if response.status_code == 200:
        claim["version"] = response.json()["version"]
        STATE["claims"].append(claim)


def list_api(client: SafeCaseClient, role: str):
    token, _tax = client.api_token(role)
    query = M.list_query(client.rng, STATE["fixture"]["pools"]["communes"])
    client.client.get("/api/v1/cases", params=query, headers=bearer(token), name="list_api")


def list_web(client: SafeCaseClient, role: str):
    cookie, _tax = client.web_cookie(role)
    query = M.list_query(client.rng, STATE["fixture"]["pools"]["communes"])
    client.web_get("/cases/", cookie, "list_web", params=query)


def search(client: SafeCaseClient, role: str):
    token, _tax = client.api_token(role)
    term = client.rng.choice(STATE["fixture"]["pools"]["search"])
    client.client.get("/api/v1/cases", params={"q": term}, headers=bearer(token), name="search")


def case_page(client: SafeCaseClient, role: str):
    cookie, tax = client.web_cookie(role)
    cases = STATE["fixture"]["pools"]["cases"]
    ids = cases["by_enterprise"].get(tax) if tax else cases["any"]
    if not ids:
        return False
    client.web_get(f"/cases/{client.rng.choice(ids)}", cookie, "case_page")


def tasks(client: SafeCaseClient, role: str):
    token, _tax = client.api_token(role)
    client.client.get("/api/v1/tasks", headers=bearer(token), name="tasks")


def statistics(client: SafeCaseClient, role: str):
    token, _tax = client.api_token(role)
    client.client.get("/api/v1/statistics/accidents", headers=bearer(token), name="statistics")


ACTIONS = {
    "declare": declare,
    "open_investigation": open_investigation,
    "record_costs": record_costs,
    "list_api": list_api,
    "list_web": list_web,
    "search": search,
    "case_page": case_page,
    "tasks": tasks,
    "statistics": statistics,
}
