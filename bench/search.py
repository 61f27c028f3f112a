"""Search at 10⁶ cases: the case list's ``q`` against hand-written indexed SQL for the same rows.

``python -m bench.search`` reads a PostgreSQL database filled by ``python -m bench.seed`` and
migrated to 0010 or later (``DATABASE_URL``). For three callers — the inspector (the whole
city), the enterprise with the most cases and the commune with the most cases — and five
queries each — a surname typed without accents (``nguyen``), a place as typed (``Cầu cảng số
3``), a word of an incident's description (``kỹ thuật``), a national ID of a victim in the
caller's scope and a tax code of an enterprise in it — it times, in one run and on warm
buffers:

(a) the service: ``list_case_rows(user, CaseFilters(q=...))``, page 1, as the web list calls
    it (one statement: the page's rows with their enterprise and commune names, nearest
    running deadline and the count capped at 10,000), then a rollback;
(b) the baseline: the same count and the same page by hand, through psycopg — for text
    ``search_text LIKE`` each folded word (the trigram index), for a national ID the victim's
    cases and claims through ``victim.national_id``, for a tax code the enterprise's cases
    through ``ix_case_enterprise_declared`` — each with the caller's scope, in the one
    statement ``bench.common.web_rows_sql`` writes;
(c) "before": the search of revision 0008 by hand (ILIKE over code, place, description and a
    victims subquery, for the total and for the page), once, with a time limit.

It checks that (a) and (b) give the same (capped) total and the same first page, and reports
p50 and p95
of ``--repeat`` runs of each and the ratio of the p95s (target ≤ 2×).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter
from types import SimpleNamespace

from bench.common import bench_app, percentile, postgres_url, samples_of, web_rows_sql

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance-search.md"
TARGET = 2.0
PAGE = 25
ORDER = "ORDER BY c.declared_at DESC, c.id DESC LIMIT 26"  # the page and one more
CAP = 10_000
# The old search (revision 0008): what "before" times.
OLD_WHERE = """(c.code ILIKE %(p)s OR c.location ILIKE %(p)s OR c.description ILIKE %(p)s
  OR c.id IN (SELECT case_id FROM victim WHERE full_name ILIKE %(p)s))"""


@dataclass
class Caller:
    label: str
    username: str
    scope_sql: str  # on "case" c
    scope: dict


def timed(fn, repeat: int) -> list[float]:
    return samples_of(fn, repeat)


def _before(before) -> str:
    """The old search's time, "over the limit" (None), or why it was not run (a string)."""
    if isinstance(before, str):
        return before
    return ms(before) if before is not None else "over the limit"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 0.1 else f"{seconds * 1000:.0f} ms"


def baseline_sql(kind: str, caller: Caller, words: list[str]) -> tuple[str, str, dict]:
    """The page and the count by hand for a query of ``kind`` (text, national_id, tax_code)."""
    params = dict(caller.scope)
    scope = caller.scope_sql
    if kind == "text":
        likes = []
        for n, word in enumerate(words):
            escaped = word.replace("/", "//").replace("%", "/%").replace("_", "/_")
            params[f"w{n}"] = f"%{escaped}%"
            likes.append(f"c.search_text LIKE %(w{n})s ESCAPE '/'")
        where = f"{scope} AND {' AND '.join(likes)}"
        page = f'SELECT c.* FROM "case" c WHERE {where} {ORDER}'
        count = capped(f'SELECT 1 FROM "case" c WHERE {where}')
    elif kind == "national_id":
        params["nid"] = words[0]
        ids = (
            "SELECT v.case_id FROM victim v WHERE v.national_id = %(nid)s "
            'UNION SELECT k.id FROM "case" k JOIN victim v ON k.victim_id = v.id '
            "WHERE v.national_id = %(nid)s"
        )
        where = f"c.id IN ({ids}) AND {scope}"
        page = f'SELECT c.* FROM "case" c WHERE {where} {ORDER}'
        count = capped(f'SELECT 1 FROM "case" c WHERE {where}')
    else:
        params["tax"] = words[0]
        join = 'FROM "case" c JOIN enterprise e ON e.id = c.enterprise_id'
        where = f"e.tax_code = %(tax)s AND {scope}"
        page = f"SELECT c.* {join} WHERE {where} {ORDER}"
        count = capped(f"SELECT 1 {join} WHERE {where}")
    return page, count, params


def capped(rows_sql: str) -> str:
    """The count of ``rows_sql`` up to CAP + 1, as the lists count (``paging.COUNT_CAP``)."""
    return f"SELECT count(*) FROM ({rows_sql} LIMIT {CAP + 1}) s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--before-timeout", type=int, default=30, help="seconds, old search")
    parser.add_argument("--no-before", action="store_true", help="skip the old ILIKE search")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    url = postgres_url("bench.search")
    if url is None:
        return 2

    import psycopg
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Case, Enterprise, User, Victim
    from app.services.cases import CaseFilters, list_case_rows
    from app.services.search import query_words

    app = bench_app(url)
    results: list[tuple] = []
    with app.app_context(), psycopg.connect(url, autocommit=True) as conn:
        cases = db.session.scalar(select(func.count()).select_from(Case))
        enterprise_id, tax_code = db.session.execute(
            select(Case.enterprise_id, Enterprise.tax_code)
            .join(Enterprise, Enterprise.id == Case.enterprise_id)
            .group_by(Case.enterprise_id, Enterprise.tax_code)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
        commune = db.session.scalar(
            select(Case.commune_code).group_by(Case.commune_code).order_by(func.count().desc())
        )
        callers = [
            Caller("inspector (city)", "bench_thanhtra", "TRUE", {}),
            Caller(
                "enterprise",
                f"dn_{tax_code}",
                "c.enterprise_id = %(scope)s",
                {"scope": enterprise_id},
            ),
            Caller("commune", f"xa_{commune}", "c.commune_code = %(scope)s", {"scope": commune}),
        ]
        for caller in callers:
            account = db.session.scalar(select(User).where(User.username == caller.username))
            # The signed-in user as a request holds it (loaded once per request, not per call).
            user = SimpleNamespace(
                id=account.id,
                username=account.username,
                role=account.role,
                enterprise_id=account.enterprise_id,
                commune_code=account.commune_code,
            )
            scoped = {
                "TRUE": True,
                "c.enterprise_id = %(scope)s": Case.enterprise_id == enterprise_id,
                "c.commune_code = %(scope)s": Case.commune_code == commune,
            }[caller.scope_sql]
            # A victim of a case in scope (the newest accident's first victim) and an
            # enterprise with cases in scope.
            national_id = db.session.scalar(
                select(Victim.national_id)
                .join(Case, Case.id == Victim.case_id)
                .where(scoped, Case.kind == "accident")
                .order_by(Case.declared_at.desc())
                .limit(1)
            )
            tax = db.session.scalar(
                select(Enterprise.tax_code)
                .join(Case, Case.enterprise_id == Enterprise.id)
                .where(scoped)
                .order_by(Case.declared_at.desc())
                .limit(1)
            )
            db.session.rollback()
            queries = [
                ("name without accents", "text", "nguyen"),
                ("place as typed", "text", "Cầu cảng số 3"),
                ("a word of description", "text", "kỹ thuật"),
                ("national ID", "national_id", national_id),
                ("tax code", "tax_code", tax),
            ]
            for label, kind, q in queries:
                words = query_words(q) if kind == "text" else [q]
                page_sql, count_sql, params = baseline_sql(kind, caller, words)

                def service(q=q, user=user):
                    answer = list_case_rows(user, CaseFilters(q=q))
                    db.session.rollback()
                    return answer

                rows_sql = web_rows_sql(page_sql, count_sql)

                def baseline(rows_sql=rows_sql, params=params):
                    with conn.cursor() as cursor:
                        cursor.execute(rows_sql, params)
                        rows = cursor.fetchall()
                    total = min(rows[-1][-1], CAP) if rows else 0
                    return total, [row[0] for row in rows][:PAGE]

                answer = service()
                total, ids = baseline()
                same = answer.total == total and [c.id for c in answer.items] == ids
                service_samples = timed(service, args.repeat)
                base_samples = timed(baseline, args.repeat)
                page_samples = timed(
                    lambda page_sql=page_sql, params=params: conn.execute(
                        page_sql, params
                    ).fetchall(),
                    args.repeat,
                )
                # None: the old search ran past its limit; a string: it was not run.
                before = "not run (--no-before)"
                if not args.no_before:
                    before = old_search(conn, caller, q, args.before_timeout)
                results.append(
                    (caller.label, label, q, total, same, service_samples, base_samples,
                     page_samples, before)
                )  # fmt: skip
                print(
                    f"{caller.label:18} {label:22} total {total:>8,} same={same} "
                    f"service p50 {ms(statistics.median(service_samples))} "
                    f"p95 {ms(percentile(service_samples, 0.95))}, baseline p50 "
                    f"{ms(statistics.median(base_samples))} p95 "
                    f"{ms(percentile(base_samples, 0.95))}, before "
                    f"{_before(before)}",
                    flush=True,
                )
    text = report(results, cases, args.repeat)
    print(text)
    if not args.no_write:
        DOC.write_text(text, encoding="utf-8")
    return 0 if all(r[4] for r in results) else 1


def old_search(conn, caller: Caller, q: str, timeout: int) -> float | None:
    """The search of revision 0008 (its count and its page), once; None past ``timeout``."""
    import psycopg

    params = {**caller.scope, "p": f"%{q.strip()}%"}
    where = f"{caller.scope_sql} AND {OLD_WHERE}"
    started = perf_counter()
    try:
        with conn.transaction(), conn.cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = '{timeout}s'")
            cursor.execute(f'SELECT count(*) FROM "case" c WHERE {where}', params)
            cursor.execute(f'SELECT c.id FROM "case" c WHERE {where} {ORDER}', params)
            cursor.fetchall()
    except psycopg.errors.QueryCanceled:
        return None
    return perf_counter() - started


def report(results: list[tuple], cases: int, repeat: int) -> str:
    load = os.getloadavg()
    lines = [
        "# Performance: search at 10⁶ cases (issue #14)",
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node() or 'this machine'} "
        f"({os.cpu_count()} CPUs, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} at "
        f"the end: the machine is shared), PostgreSQL, `python -m bench.search` on a copy of the "
        f"data set of `python -m bench.seed` ({cases:,} cases) migrated to 0010 or later. "
        f"p50 and p95 of {repeat} runs after a warm-up. Service = `list_case_rows` (the web "
        f"list's page 1 of 25 rows: one statement with the names, the nearest running "
        f"deadline and the count capped at 10,000); baseline = the same statement by hand "
        f"through psycopg (the deadline by a "
        f"LATERAL join); page only = the baseline's page of cases alone.",
        "",
        "| caller | query | matches | service p50 / p95 | baseline p50 / p95 | p95 ÷ baseline "
        "(≤ 2×) | page only p95 | before (0008 ILIKE, once) | same answer |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for caller, label, q, total, same, service, base, page, before in results:
        ratio = percentile(service, 0.95) / percentile(base, 0.95)
        verdict = "met" if ratio <= TARGET else "missed"
        lines.append(
            f"| {caller} | {label} `{q}` | {total:,} | {ms(statistics.median(service))} / "
            f"{ms(percentile(service, 0.95))} | {ms(statistics.median(base))} / "
            f"{ms(percentile(base, 0.95))} | {ratio:.2f}× **{verdict}** | "
            f"{ms(percentile(page, 0.95))} | "
            f"{_before(before)} | "
            f"{'yes' if same else '**no**'} |"
        )
    lines += ["", __doc__.split("\n\n", 1)[1].strip(), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
