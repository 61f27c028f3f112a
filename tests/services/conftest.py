"""Service-level fixtures: a live SafeCase on a loopback port for the concurrency tests."""

from __future__ import annotations

import pytest

from tests.conftest import serving


@pytest.fixture
def live_server(app, app_config):
    """``127.0.0.1:PORT`` of a threaded server on the test's database (see ``serving``)."""
    with serving(app_config) as address:
        yield address
