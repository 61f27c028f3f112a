"""SafeCase benchmarks: run with ``python -m bench`` (or ``make bench``); never collected by pytest.

Speed is measured here, not asserted in tests. Each benchmark module exposes ``run(args)``
returning its report; ``bench/__main__.py`` runs them all in one go.
"""
