"""Helpers for the case API tests (accident rules, declarations, documents, papers, tenant
matrix): bearer tokens without the login rate limit, and an ``Api`` object that declares, acts
and reads a case's observable state. ``tests/api/conftest.py`` wires them as fixtures and
holds the clock at the declaration day (``factories.NOW``).

Tokens are issued through the users service (what ``POST /api/v1/tokens`` calls) with a long
lifetime, so tests can move the clock by months and create many users without tripping the
token endpoint's rate limit (``tests/views/test_api_tokens.py`` covers that endpoint).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.models import Case, CaseEvent, Document, MedicalAccessLog
from app.services.users import issue_token
from tests.factories import NOW, OCCURRED, VN, WAIVED
from tests.samples import ATTENDEES, ENTERPRISE_TEAM, FATAL_ATTENDEES, MINUTES, PROVINCE_TEAM


def at(**delta) -> datetime:
    """NOW moved by ``timedelta(**delta)``."""
    return NOW + timedelta(**delta)


@dataclass(frozen=True)
class Observed:
    """What a refused call must leave unchanged."""

    state: str
    version: int
    events: int
    severity: str | None
    level: str | None
    deadlines: tuple
    data: dict
    children: int


def observe(case_id: int) -> Observed:
    """What a refused call must leave unchanged, read afresh from the database."""
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    return Observed(
        state=case.state,
        version=case.version,
        events=db.session.scalar(
            select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case_id)
        ),
        severity=case.severity,
        level=case.investigation_level,
        deadlines=tuple(
            (d.name, d.due_at, d.paused_at, d.extended, d.met_at) for d in case.deadlines
        ),
        data=dict(case.data or {}),
        children=len(case.children),
    )


class Api:
    def __init__(self, client) -> None:
        self.client = client
        self._tokens: dict[int, str] = {}

    # -- transport ------------------------------------------------------------------------

    def headers(self, user) -> dict[str, str]:
        if user.id not in self._tokens:
            self._tokens[user.id] = issue_token(user, timedelta(days=3650)).token
        return {"Authorization": f"Bearer {self._tokens[user.id]}"}

    def get(self, path: str, user, **kwargs):
        return self.client.get(f"/api/v1{path}", headers=self.headers(user), **kwargs)

    def post(self, path: str, user, json: Any = None, **kwargs):
        return self.client.post(f"/api/v1{path}", headers=self.headers(user), json=json, **kwargs)

    # -- the domain -----------------------------------------------------------------------

    def declare(self, user, body: dict):
        return self.client.post("/api/v1/cases", headers=self.headers(user), json=body)

    def declared(self, user, body: dict) -> dict:
        response = self.declare(user, body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def act(self, case_id: int, trigger: str, user, version: int | None = None, **payload):
        if version is None:
            version = self.observe(case_id).version
        return self.post(
            f"/cases/{case_id}/actions/{trigger}", user, json={"version": version, **payload}
        )

    def acted(self, case_id: int, trigger: str, user, **payload) -> dict:
        response = self.act(case_id, trigger, user, **payload)
        assert response.status_code == 200, (trigger, response.get_json())
        return response.get_json()

    def observe(self, case_id: int) -> Observed:
        return observe(case_id)

    def waive_dossier(self, case_id: int, user, reason: str = WAIVED) -> None:
        """Mark every mandatory paper the case's dossier lacks not applicable, as ``user``,
        through the API (closing an investigation waits for the dossier)."""
        checklist = self.get(f"/cases/{case_id}/documents", user).get_json()["checklist"]
        for category in checklist["missing"]:
            self.acted(case_id, "mark_not_applicable", user, category=category, reason=reason)

    def refused(self, case_id: int, trigger: str, user, status: int, **payload) -> dict:
        """Fire ``trigger`` expecting ``status`` and assert the case did not change at all."""
        before = self.observe(case_id)
        response = self.act(case_id, trigger, user, **payload)
        assert response.status_code == status, (trigger, response.get_json())
        body = response.get_json()
        assert "error" in body
        assert self.observe(case_id) == before
        return body


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def case_count() -> int:
    return count(Case)


def document_count() -> int:
    return count(Document)


def medical_reads(user) -> int:
    return count(MedicalAccessLog, MedicalAccessLog.user_id == user.id)


def deadline(body: dict, name: str) -> dict | None:
    return next((d for d in body["deadlines"] if d["name"] == name), None)


def due(body: dict, name: str) -> datetime:
    return datetime.fromisoformat(deadline(body, name)["due_at"])


class Helpers:
    """Plain helpers handed to tests as the ``t`` fixture."""

    NOW = NOW
    VN = VN
    OCCURRED = OCCURRED
    PROVINCE_TEAM = PROVINCE_TEAM
    ENTERPRISE_TEAM = ENTERPRISE_TEAM
    MINUTES = MINUTES
    ATTENDEES = ATTENDEES
    FATAL_ATTENDEES = FATAL_ATTENDEES
    at = staticmethod(at)
    freeze = staticmethod(clock.freeze)
    count = staticmethod(count)
    case_count = staticmethod(case_count)
    document_count = staticmethod(document_count)
    medical_reads = staticmethod(medical_reads)
    deadline = staticmethod(deadline)
    due = staticmethod(due)
