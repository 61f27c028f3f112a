"""Every list at 10⁶ cases: each role's default case list, each filter, page 1,000 by cursor,
the inbox and "my workers", against the hand-written indexed SQL for the same rows.

``python -m bench.lists`` reads a copy of the data set ``python -m bench.seed`` filled
(``DATABASE_URL``, PostgreSQL, migrated to the list indexes; docs/performance.md "The
10⁶-case data set"), and times in one run, per list:

- ``service p1``: the service call for page 1 (``cases.list_case_rows`` with 25 rows, the web
  list: one statement with its capped count; ``cases.list_cases`` for the API's cases, built
  as ORM objects with their collections; ``inbox.inbox``; ``claims.my_workers``);
- ``SQL p1``: the hand-written SQL a person would send for the same answer, bare through
  psycopg: the page (``ORDER BY … LIMIT 26`` on the same index) and the capped count;
- ``service c1000`` / ``SQL c1000``: the same for page 1,000 reached by cursor (the cursor of
  the row ending page 999, found once with OFFSET before timing);
- ``OFFSET p1000``: page 1,000 asked as ``?page=1000`` (the way every page was read before
  issue #14), for comparison.

Figures are p95 (and median) of ``--repeat`` calls after one warm-up. The ratios asked
(issue #14): service ÷ SQL ≤ 2, and page 1,000 by cursor ÷ page 1 ≤ 1.5. For each list the
page statements the service sent are EXPLAINed: which index they read and whether PostgreSQL
sorted (a ``Sort`` node) — there must be none. Written to docs/performance-lists.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import bench_app, postgres_url, samples_of, web_rows_sql

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance-lists.md"
PER_PAGE = 25
DEEP = 1000
CAP = 10_000

CASE_ORDER = "ORDER BY c.declared_at DESC, c.id DESC"
# The case's own columns the API's case object shows (``app.api.schemas.case_json``).
API_CASE_COLUMNS = (
    "c.code, c.kind, c.state, c.version, c.severity, c.investigation_level, "
    "c.labour_relation, c.enterprise_id, c.commune_code, c.location, c.description, "
    "c.declared_at, c.occurred_at, c.data"
)


@dataclass
class Scenario:
    """One list: how the service is called, and the hand-written SQL for the same rows."""

    name: str
    call: Any  # (cursor | None, page) -> None
    page_sql: str  # with {after} where the cursor condition goes, %(…)s parameters
    count_sql: str
    params: dict
    deep_key: Any = None  # () -> (cursor, sql params for the cursor) or None
    results: dict = field(default_factory=dict)
    plans: list = field(default_factory=list)
    note: str = ""


def timed(fn, repeat: int) -> tuple[float, float]:
    samples = sorted(samples_of(fn, repeat))
    p95 = samples[min(len(samples) - 1, max(0, round(0.95 * len(samples)) - 1))]
    return p95, statistics.median(samples)


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds * 1000:.1f}"


def main(argv: list[str] | None = None) -> int:  # noqa: C901 - one list per block
    parser = argparse.ArgumentParser(prog="python -m bench.lists", description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--only", default="", help="run only the lists whose name has this")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    url = postgres_url("bench.lists")
    if url is None:
        return 2

    import psycopg
    from sqlalchemy import event, func, select

    from app.extensions import db
    from app.models import Case, Enterprise, Task, User
    from app.services import claims, inbox
    from app.services.cases import CaseFilters, list_case_rows, list_cases
    from app.services.paging import encode_cursor

    app = bench_app(url)
    raw = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1))
    raw.autocommit = True

    # A second connection, not in autocommit: the baseline read as a request reads, in a
    # transaction (BEGIN … ROLLBACK), for the "in a transaction" columns.
    in_tx = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1))
    using = [raw]

    def sql(text: str, params: dict) -> list:
        with using[0].cursor() as cursor:
            cursor.execute(text, params)
            return cursor.fetchall()

    def transacted(fn):
        """``fn`` (a baseline) with its statements in one transaction, rolled back."""

        def run():
            using[0] = in_tx
            try:
                fn()
                in_tx.rollback()
            finally:
                using[0] = raw

        return run

    with app.app_context():
        session = db.session
        cases = session.scalar(select(func.count(Case.id)))

        def user(username: str):
            found = session.scalar(select(User).where(User.username == username))
            session.expunge(found)
            return found

        inspector = user("bench_thanhtra")
        union = user("bench_congdoan")
        insurer = user("bench_bhxh")
        big_enterprise = session.scalar(
            select(Case.enterprise_id)
            .where(Case.enterprise_id.is_not(None))
            .group_by(Case.enterprise_id)
            .order_by(func.count().desc())
            .limit(1)
        )
        enterprise_user = user(
            session.scalar(
                select(User.username).where(
                    User.role == "enterprise", User.enterprise_id == big_enterprise
                )
            )
        )
        # The enterprise with the fewest cases among those with an open task of their own:
        # before tasks carried their case's scope, its inbox walked every open task.
        small_enterprise = session.scalar(
            select(Case.enterprise_id)
            .join(Task, Task.case_id == Case.id)
            .where(Task.closed_at.is_(None), Task.role == "enterprise")
            .group_by(Case.enterprise_id)
            .order_by(func.count().asc(), Case.enterprise_id)
            .limit(1)
        )
        small_enterprise_user = user(
            session.scalar(
                select(User.username).where(
                    User.role == "enterprise", User.enterprise_id == small_enterprise
                )
            )
        )
        tax_code = session.scalar(
            select(Enterprise.tax_code).where(Enterprise.id == big_enterprise)
        )
        big_commune = session.scalar(
            select(Case.commune_code)
            .group_by(Case.commune_code)
            .order_by(func.count().desc())
            .limit(1)
        )
        commune_user = user(
            session.scalar(
                select(User.username).where(
                    User.role == "commune", User.commune_code == big_commune
                )
            )
        )
        latest = session.scalar(select(func.max(Case.declared_at)))
        session.rollback()

        scenarios: list[Scenario] = []

        def case_list(name, who, filters: CaseFilters, where: str, params: dict) -> None:
            def call(cursor, page, api=False):
                if api:  # the API's cases
                    list_cases(who, filters, page, per_page=PER_PAGE, cursor=cursor)
                else:  # the web list's rows
                    list_case_rows(who, filters, page, per_page=PER_PAGE, cursor=cursor)
                session.remove()

            page_sql = (
                f'SELECT c.* FROM "case" c WHERE {where} {{after}} {CASE_ORDER} '
                f"LIMIT {PER_PAGE + 1}"
            )
            count_sql = (
                f'SELECT count(*) FROM (SELECT 1 FROM "case" c WHERE {where} LIMIT {CAP + 1}) s'
            )

            def deep():
                row = sql(
                    f'SELECT c.declared_at, c.id FROM "case" c WHERE {where} {CASE_ORDER} '
                    f"OFFSET {(DEEP - 1) * PER_PAGE - 1} LIMIT 1",
                    params,
                )
                if not row:
                    return None
                at, case_id = row[0]
                return encode_cursor("cases", (at, case_id)), {"at": at, "id": case_id}

            scenarios.append(Scenario(name, call, page_sql, count_sql, params, deep_key=deep))

        every = "TRUE"
        case_list("inspector (city-wide)", inspector, CaseFilters(), every, {})
        case_list(
            "enterprise (largest)",
            enterprise_user,
            CaseFilters(),
            "c.enterprise_id = %(e)s",
            {"e": big_enterprise},
        )
        case_list(
            "commune (largest)",
            commune_user,
            CaseFilters(),
            "c.commune_code = %(m)s",
            {"m": big_commune},
        )
        case_list("union (city)", union, CaseFilters(), every, {})
        case_list(
            "insurance (filed claims)",
            insurer,
            CaseFilters(),
            "c.kind IN ('claim') AND c.insurance_filed IS true",
            {},
        )
        case_list(
            "filter kind=accident",
            inspector,
            CaseFilters(kind="accident"),
            "c.kind = 'accident'",
            {},
        )
        case_list(
            "filter state=announced",
            inspector,
            CaseFilters(state="announced"),
            "c.state = 'announced'",
            {},
        )
        case_list(
            "filter kind+state claim/assessed",
            inspector,
            CaseFilters(kind="claim", state="assessed"),
            "c.kind = 'claim' AND c.state = 'assessed'",
            {},
        )
        case_list(
            "filter severity=fatal",
            inspector,
            CaseFilters(severity="fatal"),
            "c.severity = 'fatal'",
            {},
        )
        case_list(
            "filter commune",
            inspector,
            CaseFilters(commune=big_commune),
            "c.commune_code = %(m)s",
            {"m": big_commune},
        )
        case_list(
            "filter enterprise",
            inspector,
            CaseFilters(enterprise=tax_code),
            "c.enterprise_id = %(e)s",
            {"e": big_enterprise},
        )
        start, end = latest.replace(month=1, day=1, hour=0, minute=0, second=0), latest
        case_list(
            "filter date range (this year)",
            inspector,
            CaseFilters(declared_from=start, declared_to=end),
            "c.declared_at >= %(f)s AND c.declared_at <= %(t)s",
            {"f": start, "t": end},
        )

        def inbox_list(name, who, scope: str, params: dict) -> None:
            def call(cursor, page):
                inbox.inbox(who, per_page=PER_PAGE, cursor=cursor)
                session.remove()

            base = (
                'FROM task t JOIN "case" c ON c.id = t.case_id '
                f"WHERE t.closed_at IS NULL AND t.role = %(role)s AND {scope}"
            )
            # The two runs (dated, undated) as the service sends them, hand-written.
            page_sql = (
                f"(SELECT t.*, c.* {base} AND t.due_at IS NOT NULL {{after}} "
                f"ORDER BY t.due_at, t.id LIMIT {PER_PAGE + 1}) UNION ALL "
                f"(SELECT t.*, c.* {base} AND t.due_at IS NULL ORDER BY t.id LIMIT {PER_PAGE + 1})"
            )
            count_sql = f"SELECT count(*) FROM (SELECT 1 {base} LIMIT {CAP + 1}) s"
            params = {**params, "role": who.role}

            def deep():
                row = sql(
                    f"SELECT t.due_at, t.id {base} ORDER BY t.due_at NULLS LAST, t.id "
                    f"OFFSET {(DEEP - 1) * PER_PAGE - 1} LIMIT 1",
                    params,
                )
                if not row:
                    return None
                due, task_id = row[0]
                return encode_cursor("tasks", (due, task_id)), {"at": due, "id": task_id}

            scenarios.append(Scenario(name, call, page_sql, count_sql, params, deep_key=deep))

        inbox_list("inbox inspector", inspector, "TRUE", {})
        # A scoped inbox by hand reads the task's own copy of its case's scope (migration
        # 0013), as the service does, and keeps the case's condition (visibility).
        inbox_list(
            "inbox enterprise (largest)",
            enterprise_user,
            "t.enterprise_id = %(e)s AND c.enterprise_id = %(e)s",
            {"e": big_enterprise},
        )
        inbox_list(
            "inbox enterprise (smallest with a task)",
            small_enterprise_user,
            "t.enterprise_id = %(e)s AND c.enterprise_id = %(e)s",
            {"e": small_enterprise_user.enterprise_id},
        )
        inbox_list("inbox union (city)", union, "TRUE", {})
        inbox_list(
            "inbox commune",
            commune_user,
            "t.commune_code = %(m)s AND c.commune_code = %(m)s",
            {"m": big_commune},
        )

        def workers_list(name, who, scope: str, params: dict) -> None:
            def call(cursor, page):
                claims.my_workers(who, per_page=PER_PAGE, cursor=cursor)
                session.remove()

            where = f"c.kind = 'claim' AND {scope}"
            running = "d.met_at IS NULL AND d.paused_at IS NULL"
            page_sql = (
                '(SELECT c.id, d.due_at FROM case_deadline d JOIN "case" c ON c.id = d.case_id '
                f"WHERE {where} AND {running} AND c.state <> 'closed' {{after}} AND NOT EXISTS ("
                "SELECT 1 FROM case_deadline e WHERE e.case_id = d.case_id AND e.met_at IS NULL "
                "AND e.paused_at IS NULL AND (e.due_at, e.id) < (d.due_at, d.id)) "
                f"ORDER BY d.due_at, d.id LIMIT {PER_PAGE + 1}) UNION ALL "
                f'(SELECT c.id, c.declared_at FROM "case" c WHERE {where} '
                "AND c.state <> 'closed' "
                "AND NOT EXISTS (SELECT 1 FROM case_deadline d WHERE d.case_id = c.id AND "
                f"{running}) {{after2}} {CASE_ORDER} LIMIT {PER_PAGE + 1})"
            )
            load_note = "then the page's claims with their worker, accident and deadlines by id"
            dated_sql = page_sql.split(" UNION ALL ")[0][1:].rsplit(" LIMIT", 1)[0]
            undated_sql = page_sql.split(" UNION ALL ")[1][1:].rsplit(" LIMIT", 1)[0]

            def deep():
                """The cursor ending page 999: in the dated run, or in the undated one."""
                offset = (DEEP - 1) * PER_PAGE - 1
                dated = sql(f"SELECT count(*) FROM ({dated_sql.replace('{after}', '')}) s", params)[
                    0
                ][0]
                if offset < dated:
                    due, deadline_id = sql(
                        dated_sql.replace("{after}", "").replace(
                            "SELECT c.id, d.due_at", "SELECT d.due_at, d.id"
                        )
                        + f" OFFSET {offset} LIMIT 1",
                        params,
                    )[0]
                    key = {"run": 0, "at": due, "id": deadline_id}
                else:
                    rows = sql(
                        undated_sql.replace("{after2}", "").replace(
                            "SELECT c.id, c.declared_at", "SELECT c.declared_at, c.id"
                        )
                        + f" OFFSET {offset - dated} LIMIT 1",
                        params,
                    )
                    if not rows:
                        return None
                    key = {"run": 1, "at": rows[0][0], "id": rows[0][1]}
                return encode_cursor("workers", (key["run"], key["at"], key["id"])), key

            count_sql = (
                f'SELECT count(*) FROM (SELECT 1 FROM "case" c WHERE {where} '
                f"AND c.state <> 'closed' LIMIT {CAP + 1}) s"
            )
            scenarios.append(
                Scenario(name, call, page_sql, count_sql, params, deep_key=deep, note=load_note)
            )

        workers_list("my workers union (city)", union, "TRUE", {})
        workers_list(
            "my workers enterprise (largest)",
            enterprise_user,
            "c.enterprise_id = %(e)s",
            {"e": big_enterprise},
        )

        if args.only:
            scenarios = [s for s in scenarios if args.only in s.name]

        for scenario in scenarios:
            print(f"… {scenario.name}", file=sys.stderr)
            _run(scenario, args.repeat, sql, session, event, db, transacted)

    load = os.getloadavg()
    report = _report(scenarios, cases, args.repeat, load, tax_code, big_commune)
    print(report)
    if not args.no_write:
        DOC.write_text(report, encoding="utf-8")
        print(f"written to {DOC.relative_to(ROOT)}", file=sys.stderr)
    return 0


def _run(scenario: Scenario, repeat: int, sql, session, event, db, transacted) -> None:
    params = scenario.params
    baseline_first = scenario.page_sql.replace("{after}", "").replace("{after2}", "")

    def sql_first():
        rows = sql(baseline_first, params)
        sql(scenario.count_sql, params)
        if scenario.note:
            _worker_rows(sql, rows)

    scenario.results["service p1"] = timed(lambda: scenario.call(None, 1), repeat)
    scenario.results["SQL p1"] = timed(sql_first, repeat)
    if scenario.page_sql.startswith('SELECT c.* FROM "case" c'):
        # The web list's rows (count, page with enterprise and commune, deadlines) as "SQL p1";
        # the API's (also victims, claims, parents) as "SQL API".
        scenario.results["SQL p1"] = timed(
            lambda: _full_case_page(sql, baseline_first, scenario.count_sql, params, False),
            repeat,
        )
        scenario.results["service API"] = timed(lambda: scenario.call(None, 1, True), repeat)
        scenario.results["SQL API"] = timed(
            lambda: _full_case_page(sql, baseline_first, scenario.count_sql, params, True),
            repeat,
        )
    first = (
        (lambda: _full_case_page(sql, baseline_first, scenario.count_sql, params, False))
        if scenario.page_sql.startswith('SELECT c.* FROM "case" c')
        else sql_first
    )
    scenario.results["SQL p1 in tx"] = timed(transacted(first), repeat)
    scenario.results["SQL p1 page only"] = timed(lambda: sql(baseline_first, params), repeat)
    scenario.plans = _plans(lambda: scenario.call(None, 1), session, event, db)
    deep = scenario.deep_key() if scenario.deep_key else None
    if deep is None:
        return
    cursor, key = deep
    if "case_deadline d" in scenario.page_sql:  # my workers: dated run, then undated
        if key["run"] == 0:
            after = "AND (d.due_at, d.id) > (%(at)s, %(id)s)"
            deep_sql = scenario.page_sql.replace("{after}", after).replace("{after2}", "")
        else:
            after = "AND (c.declared_at, c.id) < (%(at)s, %(id)s)"
            deep_sql = scenario.page_sql.replace("{after}", "AND FALSE").replace("{after2}", after)
        after = None
    elif "t.due_at" in scenario.page_sql:
        after = "AND (t.due_at, t.id) > (%(at)s, %(id)s)" if key["at"] is not None else "AND FALSE"
    else:
        after = "AND (c.declared_at, c.id) < (%(at)s, %(id)s)"
    if after is not None:
        deep_sql = scenario.page_sql.replace("{after}", after)
    deep_params = {**params, "at": key["at"], "id": key["id"]}

    def sql_deep():
        if deep_sql.startswith('SELECT c.* FROM "case" c'):
            _full_case_page(sql, deep_sql, scenario.count_sql, deep_params, False)
            return
        rows = sql(deep_sql, deep_params)
        sql(scenario.count_sql, params)
        if scenario.note:
            _worker_rows(sql, rows)

    scenario.results["service c1000"] = timed(lambda: scenario.call(cursor, DEEP), repeat)
    scenario.results["SQL c1000"] = timed(sql_deep, repeat)
    scenario.plans += _plans(lambda: scenario.call(cursor, DEEP), session, event, db)
    if deep_sql.startswith('SELECT c.* FROM "case" c'):  # the case lists take page=
        scenario.results["OFFSET p1000"] = timed(
            lambda: scenario.call(None, DEEP), max(5, repeat // 3)
        )


def _worker_rows(sql, rows: list) -> None:
    """What "my workers" shows of its page, by hand: the claims with their worker, accident
    and enterprise, and their deadlines (by the page's ids)."""
    ids = [row[0] for row in rows][:PER_PAGE]
    sql(
        'SELECT c.*, v.*, p.code, e.name FROM "case" c LEFT JOIN victim v ON v.id = c.victim_id '
        'LEFT JOIN "case" p ON p.id = c.parent_id LEFT JOIN enterprise e ON e.id = c.enterprise_id '
        "WHERE c.id = ANY(%(ids)s)",
        {"ids": ids},
    )
    sql("SELECT * FROM case_deadline WHERE case_id = ANY(%(ids)s) ORDER BY id", {"ids": ids})


def _full_case_page(sql, page_sql: str, count_sql: str, params: dict, api: bool) -> None:
    """What the case list shows, hand-written. The web list: one statement (the page with its
    enterprise's and commune's names, nearest running deadline and capped count). The API's
    (the columns its case object shows, as ``list_cases`` reads): the page with its enterprise
    and commune joined and the capped count as a column, then by the page's ids its victims
    and each claim's worker, its deadlines, its claims' ids and its parents' named fields —
    five statements, as a person would write them for the same JSON."""
    if not api:
        sql(web_rows_sql(page_sql, count_sql), params)
        return
    rows = sql(
        page_sql.replace(
            'SELECT c.* FROM "case" c',
            f"SELECT c.id, c.parent_id, c.victim_id, {API_CASE_COLUMNS}, e.tax_code, e.name, "
            f'm.name, ({count_sql}) FROM "case" c '
            "LEFT JOIN enterprise e ON e.id = c.enterprise_id "
            "LEFT JOIN commune m ON m.code = c.commune_code",
        ),
        params,
    )
    if not rows:
        return
    ids = [row[0] for row in rows]
    parents = [row[1] for row in rows if row[1] is not None]
    workers = [row[2] for row in rows if row[2] is not None]
    sql(
        "SELECT * FROM victim WHERE case_id = ANY(%(ids)s) OR id = ANY(%(workers)s) ORDER BY id",
        {"ids": ids, "workers": workers},
    )
    sql("SELECT * FROM case_deadline WHERE case_id = ANY(%(ids)s) ORDER BY id", {"ids": ids})
    sql('SELECT id, parent_id FROM "case" WHERE parent_id = ANY(%(ids)s) ORDER BY id', {"ids": ids})
    if parents:
        sql(
            'SELECT id, kind, code, state, severity, occurred_at FROM "case" '
            "WHERE id = ANY(%(ids)s)",
            {"ids": parents},
        )


def _plans(call, session, event, db) -> list[str]:
    """The page statements ``call`` sends (not the count, not the eager loads by id),
    EXPLAINed: ``index names; sort: yes/no``."""
    seen: list[tuple[str, Any]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    plans = []
    for statement, parameters in seen:
        if (
            "LIMIT" not in statement
            or statement.lstrip().startswith("SELECT count(")
            or "ORDER BY" not in statement
        ):
            continue
        with db.engine.connect() as conn:
            lines = [
                row[0] for row in conn.exec_driver_sql("EXPLAIN " + statement, parameters).all()
            ]
        if any("One-Time Filter: false" in line for line in lines):
            continue  # a run this page does not read (WHERE false): no rows, nothing sorted
        indexes = sorted(
            set(
                re.findall(r"(?:Index|Index Only) Scan(?: Backward)? using (\w+)", "\n".join(lines))
                + re.findall(r"Bitmap Index Scan on (\w+)", "\n".join(lines))
            )
        )
        seq = sorted(set(re.findall(r"Seq Scan on (\w+)", "\n".join(lines))))
        sort = _page_sorted(lines)
        incremental = any("Incremental Sort" in line for line in lines)
        plans.append(
            ", ".join(indexes)
            + (f"; seq scan: {', '.join(seq)}" if seq else "")
            + ("; SORT" if sort else "")
            + ("; incremental sort" if incremental else "")
        )
    session.remove()
    return plans


def _page_sorted(lines: list[str]) -> bool:
    """Whether the plan sorts rows outside a correlated subquery: a ``Sort`` node in a
    ``SubPlan`` (a case's two or three deadlines, top-1) is not the page being sorted."""
    subplans: list[int] = []  # indents of the SubPlan blocks we are in
    for line in lines:
        indent = len(line) - len(line.lstrip())
        while subplans and indent <= subplans[-1]:
            subplans.pop()
        if line.lstrip().startswith("SubPlan"):
            subplans.append(indent)
        elif re.search(r"(?<!Incremental )\bSort\b", line) and "Sort Key" not in line:
            if "Sort Method" not in line and not subplans:
                return True
    return False


def _report(scenarios, cases, repeat, load, tax_code, commune) -> str:
    lines = [
        "# Lists, inbox and my workers at 10⁶ cases (issue #14)",
        "",
        f"`python -m bench.lists --repeat {repeat}` on PostgreSQL, {cases:,} cases "
        f"(the bench data set: 10⁶ accidents, diseases and incidents and their claims), "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; load average at "
        f"the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (a shared machine). Largest "
        f"enterprise {tax_code}, largest commune {commune}. Times in ms, p95 (median in "
        "brackets) of each call after one warm-up; 25 rows a page.",
        "",
        "- **service**: the service call as the page makes it, then the session closed (as at "
        "the end of a request); for the case lists the web list's rows (`list_case_rows`: one "
        "statement, the page's columns, enterprise and commune names, nearest running "
        "deadline and the capped count).",
        "- **SQL**: the hand-written SQL for the same rows, bare through psycopg: the page by the "
        "same index and the count up to 10,001 (case lists: the same one statement written "
        "by hand, the deadline by a LATERAL join; my workers: the runs' ids, then the page's "
        "claims with their worker, accident and enterprise, and their deadlines); **in tx**: "
        "the same statements in a transaction (BEGIN … ROLLBACK), as a request reads; **page "
        "only**: the page statement alone.",
        "- **API p1** / **SQL API** (case lists): the API's list (the case JSON also names "
        "victims, deadlines, claims and the parent: five statements, as plain rows) and the "
        "same five statements hand-written (the page with its enterprise and commune joined "
        "and the capped count as a column; then by the page's ids its victims and each "
        "claim's worker, deadlines, claims' ids, parents' named fields).",
        "- **c1000**: page 1,000 reached by cursor; **OFFSET p1000**: the same page asked as "
        "`page=1000` (how every page was read before).",
        "- **plan**: the indexes the service's page statements read (EXPLAIN; a bitmap scan "
        "names its index too), and SORT if PostgreSQL sorted rows: never a city-wide set; for "
        "a scope with a few hundred open tasks (an enterprise's, a commune's inbox) PostgreSQL "
        "may read them by a bitmap scan of its own index and keep the first 26 (a top-N "
        "sort, under 1 ms), which it judges cheaper than reading the index in order.",
        "",
        "| list | service p1 | SQL p1 | ratio p1 | SQL p1 in tx | ratio in tx | page only "
        "| service c1000 | SQL c1000 | ratio c1000 | c1000 ÷ p1 | OFFSET p1000 | API p1 "
        "| SQL API | ratio API | plan |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in scenarios:
        r = s.results

        def p95(key, r=r):
            return r[key][0] if key in r else None

        def cell(key, r=r):
            return f"{ms(r[key][0])} ({ms(r[key][1])})" if key in r else "—"

        def ratio(a, b, p95=p95):
            return f"{p95(a) / p95(b):.2f}" if p95(a) and p95(b) else "—"

        plans = "<br>".join(dict.fromkeys(s.plans)) or "—"
        lines.append(
            f"| {s.name} | {cell('service p1')} | {cell('SQL p1')} "
            f"| {ratio('service p1', 'SQL p1')} | {cell('SQL p1 in tx')} "
            f"| {ratio('service p1', 'SQL p1 in tx')} | {cell('SQL p1 page only')} "
            f"| {cell('service c1000')} | {cell('SQL c1000')} "
            f"| {ratio('service c1000', 'SQL c1000')} | {ratio('service c1000', 'service p1')} "
            f"| {cell('OFFSET p1000')} | {cell('service API')} | {cell('SQL API')} "
            f"| {ratio('service API', 'SQL API')} | {plans} |"
        )
    lines += [
        "",
        '"My workers" walks three runs (claims by their earliest running deadline, open ones '
        "with none, closed ones): page 1,000 of the city union lies in the second.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
