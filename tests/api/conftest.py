"""Fixtures shared by the API tests: the clock on the declaration day, an ``Api`` client, the
``Helpers`` namespace and the two worlds the tests act in (one enterprise with everyone around
it; two tenants side by side)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.api.case_api import Api, Helpers
from tests.factories import make_commune, make_enterprise, make_user


@pytest.fixture(autouse=True)
def _on_declaration_day(declaration_day):
    """Every API test starts at ``factories.NOW``, the day its declarations are made; tests
    move the clock with ``t.freeze``."""


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def t():
    return Helpers


@pytest.fixture
def w(app):
    """One enterprise in commune X (its officer, its grassroots union, the commune's officer),
    an inspector, an insurance officer, an admin, and outsiders: another enterprise's officer
    and union, another commune's officer. Names as on the printed papers."""
    commune = make_commune(name="Phường Hồng Bàng")
    enterprise = make_enterprise(
        commune, name="Công ty TNHH Cơ khí Đông Hải", tax_code="0201234567"
    )
    return SimpleNamespace(
        app=app,
        upload_dir=Path(app.config["UPLOAD_DIR"]),
        commune=commune,
        enterprise=enterprise,
        ent=make_user("enterprise", enterprise=enterprise, full_name="Trần Thị Huệ"),
        insp=make_user("inspector"),
        union=make_user("union", enterprise=enterprise),
        comm=make_user("commune", commune=commune),
        insurance=make_user("insurance"),
        admin=make_user("admin"),
        other_ent=make_user("enterprise"),
        other_union=make_user("union", enterprise=make_enterprise()),
        other_comm=make_user("commune"),
    )
