"""``python -m bench.load``: see ``bench/load/runner.py``."""

from bench.load.runner import main

if __name__ == "__main__":
    raise SystemExit(main())
