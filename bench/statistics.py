"""The city's annual statistics and the directive tracker against one hand-written GROUP BY.

``python -m bench.statistics`` reads a database already filled by ``python -m bench.seed``
(``DATABASE_URL``, PostgreSQL; see docs/performance.md "The 10⁶-case data set") and times, in
one run and on the same rows:

(a) ``statistics.figures_for`` for a whole year of the whole city (every count, costs, K,
    the with/without-labour-relation blocks and the eight breakdowns — what ``GET
    /api/v1/statistics/accidents`` answers an inspector);
(b) the directive tracker for that year (``targets.targets_for``: three targets, baselines),
    and (b′) for the running year, which adds the projection model;
(c) the baseline: ONE hand-written SQL statement over the same rows — the year's counted
    accidents joined with their victims, grouped by industry, counting accidents, victims and
    deaths — sent bare through psycopg.

It writes (a) ÷ (c) and (b) ÷ (c) (target ≤ 1.5×) to docs/performance-statistics.md. Figures
are medians of ``--repeat`` runs after one warm-up, so both sides read warm buffers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
from pathlib import Path

from bench.common import bench_app, postgres_url, samples_of

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance-statistics.md"
TARGET = 1.5

BASELINE_SQL = """
SELECT c.industry_code,
       count(DISTINCT c.id) AS accidents,
       count(v.id) AS victims,
       sum(CASE WHEN v.outcome = 'death' THEN 1 ELSE 0 END) AS deaths
FROM "case" c JOIN victim v ON v.case_id = c.id
WHERE c.kind = 'accident' AND c.occurred_at >= %(start)s AND c.occurred_at < %(end)s
  AND c.state <> 'rejected' AND NOT c.not_work_accident
GROUP BY c.industry_code
"""


def timed(fn, repeat: int) -> tuple[float, list[float]]:
    samples = samples_of(fn, repeat)
    return statistics.median(samples), samples


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.statistics", description=__doc__)
    parser.add_argument("--year", type=int, default=None, help="the year counted (default: last)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    url = postgres_url("bench.statistics")
    if url is None:
        return 2

    import psycopg

    from app.extensions import db
    from app.models import Case, Victim
    from app.services import statistics as stats
    from workflows.law.calendar import VN_TZ

    app = bench_app(url)
    with app.app_context():
        cases = db.session.query(Case).count()
        victims = db.session.query(Victim).count()
        year = args.year or (dt.date.today().year - 1)
        query = stats.Query(dt.date(year, 1, 1), dt.date(year, 12, 31))

        def city() -> None:
            stats.figures_for(query)
            db.session.rollback()

        from app.services import targets

        def tracker() -> None:
            targets.targets_for(year)
            db.session.rollback()

        def running_tracker() -> None:
            targets.targets_for(dt.date.today().year)
            db.session.rollback()

        answer = stats.figures_for(query)
        db.session.rollback()
        city_time, _ = timed(city, args.repeat)
        tracker_time, _ = timed(tracker, args.repeat)
        running_time, _ = timed(running_tracker, args.repeat)

    params = {
        "start": dt.datetime(year, 1, 1, tzinfo=VN_TZ),
        "end": dt.datetime(year + 1, 1, 1, tzinfo=VN_TZ),
    }
    with psycopg.connect(url) as conn:

        def baseline() -> None:
            with conn.cursor() as cursor:
                cursor.execute(BASELINE_SQL, params)
                cursor.fetchall()

        base_time, _ = timed(baseline, args.repeat)
        with conn.cursor() as cursor:
            cursor.execute(BASELINE_SQL, params)
            base_accidents = sum(row[1] for row in cursor.fetchall())

    if base_accidents != answer["accidents"]:
        print(
            f"MISMATCH: baseline counts {base_accidents} accidents, service {answer['accidents']}"
        )
        return 1
    rows = [
        ("(c) one hand-written GROUP BY (industry × accidents, victims, deaths)", base_time, None),
        ("(a) annual city statistics, `figures_for`", city_time, city_time / base_time),
    ]
    rows.append(("(b) directive tracker of that year, `targets_for`", tracker_time,
                 tracker_time / base_time))  # fmt: skip
    rows.append(("(b′) tracker of the running year, with the projection", running_time,
                 running_time / base_time))  # fmt: skip
    load = os.getloadavg()[0]
    lines = [
        "# Performance: city statistics at 10⁶ cases",
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node() or 'this machine'} "
        f"({os.cpu_count()} CPUs, load {load:.1f}), PostgreSQL, `python -m bench.statistics` "
        f"on the data set of `python -m bench.seed` ({cases:,} cases, {victims:,} victims). "
        f"Year {year}: {answer['accidents']:,} counted accidents, {answer['victims']:,} victims. "
        f"Medians of {args.repeat} runs after a warm-up.",
        "",
        "| measure | time | ÷ baseline | target |",
        "|---|---|---|---|",
    ]
    for label, seconds, ratio in rows:
        verdict = (
            "baseline"
            if ratio is None
            else (f"≤ {TARGET}× — **{'met' if ratio <= TARGET else 'missed'}**")
        )
        shown = "—" if ratio is None else f"{ratio:.2f}×"
        lines.append(f"| {label} | {fmt(seconds)} | {shown} | {verdict} |")
    lines += ["", __doc__.split("\n\n", 1)[1].strip(), ""]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        DOC.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
