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
    """The application on ``url`` through psycopg 3, as the benchmarks measure it."""
    from app import create_app

    return create_app(
        {"SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://", 1)}
    )
