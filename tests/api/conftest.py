"""Fixtures shared by the API tests: an ``Api`` client and the ``Helpers`` namespace."""

from __future__ import annotations

import pytest

from tests.api.case_api import Api, Helpers


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def t():
    return Helpers
