"""Service-level fixtures: a live SafeCase on a loopback port for the concurrency tests."""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db


@pytest.fixture
def live_server(app, app_config):
    """Serve a second app instance on 127.0.0.1 (threaded, same database as ``app``).

    Requests run in the server's own threads with their own connections, as under a real
    multi-threaded WSGI server; data made with factories in the test is visible to them.
    """
    server_app = create_app(app_config)
    server = make_server("127.0.0.1", 0, server_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with server_app.app_context():
            db.engine.dispose()
