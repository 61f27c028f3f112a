"""What the 10⁶-case benchmarks share: timing a call (warm-up, then samples), percentiles, the
PostgreSQL URL they need and an app on it. One copy, so every benchmark times the same way."""

from __future__ import annotations

import os
from collections.abc import Callable
from time import perf_counter
from typing import Any


def samples_of(fn: Callable[[], Any], repeat: int) -> list[float]:
    """Seconds of ``repeat`` calls of ``fn`` after one warm-up call (caches, buffers, plans)."""
    fn()
    samples = []
    for _ in range(repeat):
        started = perf_counter()
        fn()
        samples.append(perf_counter() - started)
    return samples


def percentile(samples: list[float], share: float) -> float:
    """The ``share`` (0–1) percentile of ``samples``, nearest rank."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def postgres_url(prog: str) -> str | None:
    """``DATABASE_URL`` when it names PostgreSQL; otherwise None, after saying what is needed."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        print(f"{prog}: set DATABASE_URL to a PostgreSQL copy of the bench.seed data set")
        return None
    return url


def bench_app(url: str):
    """The application on ``url`` through psycopg 3, as the benchmarks measure it: not in
    testing mode (which adds checks production does not run, ``app.services.prepared``)."""
    from app import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://", 1),
            "TESTING": False,
        }
    )


# What a row of the web case list shows of the case itself (``app.services.cases.CaseRow``).
WEB_COLUMNS = (
    "c.id, c.code, c.kind, c.state, c.severity, c.investigation_level, c.occurred_at, "
    "c.declared_at, c.enterprise_id, c.commune_code"
)


def web_rows_sql(page_sql: str, count_sql: str) -> str:
    """The web case list's page by hand, as one statement (what ``list_case_rows`` sends,
    written as a person would for PostgreSQL): ``page_sql`` (``SELECT c.* FROM "case" c …
    ORDER BY … LIMIT n``) cut to the listed columns, joined to its enterprise's and commune's
    names and, by a LATERAL join, its nearest running deadline, with ``count_sql`` (the
    capped count) as a column."""
    listed = page_sql.replace("SELECT c.* ", f"SELECT {WEB_COLUMNS} ", 1)
    return (
        f"SELECT p.*, e.name, m.name, d.name, d.due_at, ({count_sql}) AS matching "
        f"FROM ({listed}) p "
        "LEFT JOIN enterprise e ON e.id = p.enterprise_id "
        "LEFT JOIN commune m ON m.code = p.commune_code "
        "LEFT JOIN LATERAL (SELECT name, due_at FROM case_deadline d "
        "WHERE d.case_id = p.id AND d.met_at IS NULL AND d.paused_at IS NULL "
        "ORDER BY d.due_at, d.id LIMIT 1) d ON true "
        "ORDER BY p.declared_at DESC, p.id DESC"
    )
