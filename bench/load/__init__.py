"""The load test of the production shape (issue #14): ``python -m bench.load``.

``mix`` is the request mix and the bodies (plain data), ``fixture`` reads the identities' pools
of cases from the database, ``locustfile`` is what Locust runs, ``runner`` prepares the
database, starts the shape, climbs the ladders and writes ``docs/performance-load.md``. This
package imports nothing at import time, so Locust can import ``bench.load.mix`` light.
"""
