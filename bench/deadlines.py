"""The deadline scan at 10⁶ cases: what it reads, against a bare ``SELECT … WHERE due_at <= :t``.

``python -m bench.deadlines`` reads a COPY of the database ``python -m bench.seed`` filled (with
open tasks added), migrated to 0009 (``DATABASE_URL``, PostgreSQL; see docs/performance.md "The
10⁶-case data set"; never run it on the shared ``safecase_bench``: it writes). In one run:

1. It picks ``as_of`` so that the tasks of 1 % of the cases are due by then (``--due``,
   ``--of cases``: 10,000 tasks at 10⁶ cases; ``--of tasks``: 1 % of the open tasks with a
   due time), the scan's horizon being ``as_of`` + the reminder lead time.
2. The scan's reading query (``app.jobs.deadlines.scan_query``: open, unsettled tasks due by
   ``as_of``, and those due within the lead time not yet reminded) against the baseline, a
   bare ``SELECT <the same columns> FROM task WHERE due_at <= :horizon`` with its own plain
   index on ``due_at`` (created for the run, dropped after) — the same rows on a data set
   whose tasks are all open, unreminded and unsettled (checked: the row counts are printed
   and must match). Medians of ``--repeat`` after a warm-up; ratio target ≤ 2×.
   The table is vacuumed first (``VACUUM (ANALYZE) task``, what autovacuum does after the
   migration's backfill rewrote every task row).
3. The whole scan (``scan(as_of)``: marks, settlement, outbox rows; dispatching them is not
   part of it — ``queue_outbox`` is replaced by a no-op, the relay would take them).
4. A second scan at the same time: how many rows its query reads (must be 0) and
   ``EXPLAIN (ANALYZE, BUFFERS)`` of its query; and a third an hour later (reads only what
   fell due in that hour).
5. For comparison, the reading query of the scan before #14 (no ``settled_at``) after the
   first scan: the rows it would read again at every run.

At the end it undoes what the scan wrote (the marks it set at ``as_of``, its outbox rows), so
a second run measures the same thing. Figures go to docs/performance-deadlines.md (and the
summary is printed for docs/performance.md).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
from datetime import timedelta
from pathlib import Path
from time import perf_counter

from bench.common import samples_of

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance-deadlines.md"
TARGET = 2.0
BASELINE_INDEX = "bench_task_due_at"


def timed(fn, repeat: int) -> tuple[float, list[float]]:
    samples = samples_of(fn, repeat)
    return statistics.median(samples), samples


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def old_scan_query(at, horizon):
    """The reading query of the scan before issue #14 (0008): no ``settled_at``, so an
    overdue task with nobody to escalate to matched it forever."""
    from sqlalchemy import and_, or_, select

    from app.models import Task

    return select(Task.id).where(
        Task.closed_at.is_(None),
        Task.due_at.is_not(None),
        or_(
            and_(Task.reminded_at.is_(None), Task.due_at > at, Task.due_at <= horizon),
            and_(Task.due_at <= at, or_(Task.overdue_at.is_(None), Task.escalated_at.is_(None))),
        ),
    )


def bare_sql_statement(horizon):
    """The baseline as a statement (for EXPLAIN): the scan's columns, ``due_at <= :t``."""
    from sqlalchemy import select

    from app.jobs.deadlines import _READ_COLUMNS
    from app.models import Task

    return select(*_READ_COLUMNS).where(Task.due_at <= horizon)


def vacuum() -> None:
    """``VACUUM (ANALYZE) task``, as autovacuum would after a migration or a scan: old row
    versions leave the indexes (a bitmap scan never marks them dead by itself)."""
    from app.extensions import db

    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM (ANALYZE) task")


def explain(statement) -> list[str]:
    from app.extensions import db

    connection = db.session.connection()
    compiled = statement.compile(dialect=connection.dialect)
    rows = connection.exec_driver_sql(
        "EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) " + str(compiled), compiled.params
    ).all()
    db.session.rollback()
    return [row[0] for row in rows]


def report(
    args,
    *,
    t_scan,
    t_bare,
    scan_samples,
    bare_samples,
    version,
    cases,
    all_tasks,
    open_due,
    marked,
    as_of,
    n_due,
    horizon,
    scan_rows,
    bare_rows,
    first,
    t_first,
    outbox_rows,
    second,
    t_second,
    fell_due,
    third,
    t_third,
    old_rows,
    plan_first,
    plan_bare,
    plan_second,
    plan_vacuumed,
) -> list[str]:
    """The report's lines (printed as they are made)."""
    lines: list[str] = []

    def say(line: str = "") -> None:
        print(line, flush=True)
        lines.append(line)

    ratio = t_scan / t_bare
    say("# The deadline scan at 10⁶ cases (issue #14)")
    say()
    say(
        "Measured by `python -m bench.deadlines` on a copy of the 10⁶-case data set "
        "migrated to 0009 (PostgreSQL)."
    )
    say()
    say(
        f"- Machine: {os.cpu_count()} CPUs, {platform.system()} {platform.release()}; "
        f"PostgreSQL {version}; load average at the end {os.getloadavg()[0]:.2f} "
        "(the machine is shared)"
    )
    say(
        f"- Data: {cases:,} cases, {all_tasks:,} tasks, {open_due:,} open with a due time "
        f"({marked:,} of them already marked before the run); as_of = {as_of.isoformat()} "
        f"puts {n_due:,} of them due "
        f"({'--count' if args.count else f'{args.due:.0%} of the {args.of}'}), horizon "
        f"{horizon.isoformat()} (+ the reminder lead time)"
    )
    say()
    say("| measured | rows | time |")
    say("|---|---:|---:|")
    say(f"| the scan's reading query (`scan_query`) | {scan_rows:,} | {fmt(t_scan)} |")
    say(
        f"| bare `SELECT … FROM task WHERE due_at <= :t` (plain index on due_at) | "
        f"{bare_rows:,} | {fmt(t_bare)} |"
    )
    say(f"| ratio (target ≤ {TARGET:g}×) | | **{ratio:.2f}×** |")
    say(
        f"| (medians of {len(scan_samples)} runs each, {args.rounds} alternated rounds; "
        f"p90 {fmt(sorted(scan_samples)[int(0.9 * (len(scan_samples) - 1))])} / "
        f"{fmt(sorted(bare_samples)[int(0.9 * (len(bare_samples) - 1))])}) | | |"
    )
    say(
        f"| first scan: {first.summary()}, settled {first.settled}; {outbox_rows:,} outbox "
        f"rows | {first.read:,} read | {t_first:.2f} s |"
    )
    say(f"| second scan, same time: {second.summary()} | {second.read:,} read | {fmt(t_second)} |")
    say(
        f"| third scan, an hour later ({fell_due:,} tasks fell due in that hour): "
        f"{third.summary()} | {third.read:,} read | {fmt(t_third)} |"
    )
    say(
        f"| the reading query before #14, after the first scan (read again at every run) | "
        f"{old_rows:,} | |"
    )
    say()
    say("Plan of the reading query, first scan (`EXPLAIN (ANALYZE, BUFFERS, TIMING OFF)`):")
    say()
    say("```")
    for line in plan_first:
        say(line)
    say("```")
    say()
    say("Plan of the bare query (with its own index on due_at):")
    say()
    say("```")
    for line in plan_bare:
        say(line)
    say("```")
    say()
    say(
        "Plan of the reading query, second scan (nothing new), right after the first: the "
        "index still holds entries for the row versions the first scan's UPDATEs replaced "
        "(a bitmap scan does not mark them dead); they lead to no row:"
    )
    say()
    say("```")
    for line in plan_second:
        say(line)
    say("```")
    say()
    say("The same once `VACUUM` (autovacuum) has run: the settled tasks are out of the index:")
    say()
    say("```")
    for line in plan_vacuumed:
        say(line)
    say("```")
    if bare_rows != scan_rows:
        say()
        say(
            f"Note: the bare query returned {bare_rows:,} rows and the scan's {scan_rows:,}: "
            "the data set holds tasks the scan rightly skips (closed, settled or reminded)."
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.deadlines", description=__doc__)
    parser.add_argument("--due", type=float, default=0.01, help="share due (default 0.01)")
    parser.add_argument(
        "--of",
        choices=("cases", "tasks"),
        default="cases",
        help="the share is of the cases (default: 1 %% of 10⁶ cases = 10,000 tasks due) or "
        "of the open tasks with a due time",
    )
    parser.add_argument(
        "--count", type=int, default=None, help="tasks due, instead of a share (e.g. 10000)"
    )
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per round")
    parser.add_argument("--rounds", type=int, default=3, help="scan/bare alternations")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        print("bench.deadlines: set DATABASE_URL to a PostgreSQL copy of the bench data set")
        return 2
    if url.rstrip("/").rsplit("/", 1)[-1].split("?")[0] == "safecase_bench":
        print("bench.deadlines: it writes; run it on a copy, never on safecase_bench itself")
        return 2

    from sqlalchemy import delete, func, select, text, update

    from app import create_app
    from app.extensions import db
    from app.jobs import deadlines, notifications
    from app.models import Case, OutboxMessage, Task

    app = create_app({"REDIS_URL": None, "JOBS_INLINE": True, "MAIL_SERVER": None})
    with app.app_context():
        session = db.session
        cases = session.scalar(select(func.count()).select_from(Case))
        open_due = session.scalar(
            select(func.count())
            .select_from(Task)
            .where(Task.closed_at.is_(None), Task.due_at.is_not(None))
        )
        all_tasks = session.scalar(select(func.count()).select_from(Task))
        if not open_due:
            print("bench.deadlines: no open task with a due time in this database")
            return 2
        marked = session.scalar(
            select(func.count())
            .select_from(Task)
            .where(
                Task.closed_at.is_(None),
                (Task.reminded_at.is_not(None))
                | (Task.overdue_at.is_not(None))
                | (Task.settled_at.is_not(None)),
            )
        )
        share = int((cases if args.of == "cases" else open_due) * args.due)
        n_due = max(1, min(open_due, args.count or share))
        as_of = session.scalar(
            select(Task.due_at)
            .where(Task.closed_at.is_(None), Task.due_at.is_not(None))
            .order_by(Task.due_at)
            .offset(n_due - 1)
            .limit(1)
        )
        horizon = as_of + timedelta(hours=deadlines.reminder_hours(as_of))
        session.rollback()
        with db.engine.begin() as conn:
            conn.execute(text(f"DROP INDEX IF EXISTS {BASELINE_INDEX}"))
        vacuum()
        version = session.scalar(text("SHOW server_version"))
        session.rollback()

        columns = ", ".join(c.key for c in deadlines._READ_COLUMNS)
        bare_sql = text(f"SELECT {columns} FROM task WHERE due_at <= :t")
        query = deadlines.scan_query(as_of, horizon)

        def read_scan() -> int:
            count = len(session.execute(query).all())
            session.rollback()
            return count

        def read_bare() -> int:
            count = len(session.execute(bare_sql, {"t": horizon}).all())
            session.rollback()
            return count

        # The scan's query with the schema as shipped; then the bare one with its own plain
        # index on due_at, created for it and dropped again (the planner would otherwise use
        # it for the scan's query too). Alternated over ``--rounds`` against the machine's
        # noise; the medians of all samples are compared.
        scan_rows = read_scan()
        plan_first = explain(query)
        scan_samples: list[float] = []
        bare_samples: list[float] = []
        for _ in range(args.rounds):
            scan_samples += timed(read_scan, args.repeat)[1]
            with db.engine.begin() as conn:
                conn.execute(text(f"CREATE INDEX {BASELINE_INDEX} ON task (due_at)"))
                conn.execute(text("ANALYZE task"))
            bare_rows = read_bare()
            bare_samples += timed(read_bare, args.repeat)[1]
            plan_bare = explain(bare_sql_statement(horizon))
            with db.engine.begin() as conn:
                conn.execute(text(f"DROP INDEX {BASELINE_INDEX}"))
                conn.execute(text("ANALYZE task"))
        t_scan, t_bare = statistics.median(scan_samples), statistics.median(bare_samples)

        outbox_before = session.scalar(select(func.coalesce(func.max(OutboxMessage.id), 0)))
        session.rollback()
        real_queue = notifications.queue_outbox
        notifications.queue_outbox = lambda outbox_id: None
        hour = as_of + timedelta(hours=1)
        try:
            started = perf_counter()
            first = deadlines.scan(as_of)
            t_first = perf_counter() - started
            started = perf_counter()
            second = deadlines.scan(as_of)
            t_second = perf_counter() - started
            plan_second = explain(deadlines.scan_query(as_of, horizon))
            vacuum()
            plan_vacuumed = explain(deadlines.scan_query(as_of, horizon))
            old_rows = len(session.execute(old_scan_query(as_of, horizon)).all())
            session.rollback()
            fell_due = session.scalar(
                select(func.count())
                .select_from(Task)
                .where(Task.closed_at.is_(None), Task.due_at > as_of, Task.due_at <= hour)
            )
            session.rollback()
            started = perf_counter()
            third = deadlines.scan(hour)
            t_third = perf_counter() - started
        finally:
            notifications.queue_outbox = real_queue
            # Undo: the marks this run set (at as_of or an hour later) and its outbox rows.
            for column in ("reminded_at", "overdue_at", "escalated_at", "settled_at"):
                for at in (as_of, hour):
                    session.execute(
                        update(Task)
                        .where(getattr(Task, column) == at)
                        .values({column: None})
                        .execution_options(synchronize_session=False)
                    )
            session.execute(delete(OutboxMessage).where(OutboxMessage.id > outbox_before))
            session.commit()
        outbox_rows = first.reminded + first.overdue + first.escalated

    lines = report(
        args,
        t_scan=t_scan,
        t_bare=t_bare,
        scan_samples=scan_samples,
        bare_samples=bare_samples,
        version=version,
        cases=cases,
        all_tasks=all_tasks,
        open_due=open_due,
        marked=marked,
        as_of=as_of,
        n_due=n_due,
        horizon=horizon,
        scan_rows=scan_rows,
        bare_rows=bare_rows,
        first=first,
        t_first=t_first,
        outbox_rows=outbox_rows,
        second=second,
        t_second=t_second,
        fell_due=fell_due,
        third=third,
        t_third=t_third,
        old_rows=old_rows,
        plan_first=plan_first,
        plan_bare=plan_bare,
        plan_second=plan_second,
        plan_vacuumed=plan_vacuumed,
    )
    if not args.no_write:
        DOC.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"written to {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
