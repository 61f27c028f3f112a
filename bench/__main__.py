"""``python -m bench``: run every SafeCase benchmark and write the figures to ``docs/``.

Works with no settings (SQLite in a temporary directory). When ``DATABASE_URL`` points at
PostgreSQL, the same measures also run there, in a throw-away schema, in the same run.
Redis is never needed.
"""

from __future__ import annotations

import argparse

from bench import engine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--iterations",
        type=int,
        default=300,
        help="full transitions timed per database (default 300)",
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print the figures but do not write docs/"
    )
    parser.add_argument(
        "--sqlite-only", action="store_true", help="skip PostgreSQL even if DATABASE_URL is set"
    )
    args = parser.parse_args(argv)
    engine.run(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
