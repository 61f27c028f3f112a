"""The statistics tests' city (``tests/statistics/city.py``) as a fixture."""

import pytest

from tests.statistics.city import build_city


@pytest.fixture
def city(app, declaration_day):
    return build_city()
