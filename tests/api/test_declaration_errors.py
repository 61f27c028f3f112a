"""Every 422 of ``POST /cases`` answered field by field: the exact paths and Vietnamese messages
a declaration gets for each kind of mistake, pinned so that moving the parser cannot change
one word of the contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.factories import make_commune, make_enterprise, make_user, victim_body


@pytest.fixture
def declarers():
    commune = make_commune(code="31001", name="Xã Một")
    other = make_commune(code="31002", name="Xã Hai")
    enterprise = make_enterprise(commune)
    return {
        "ent": make_user("enterprise", enterprise=enterprise),
        "comm": make_user("commune", commune=commune),
        "other": other,
    }


def victim(**fields) -> dict:
    """A valid victim with fixed values (the pinned answers must not depend on a sequence);
    a field given as ``...`` is left out."""
    body = victim_body(
        full_name="Nguyễn Văn An", national_id="031090000001", si_number="3100000001"
    )
    body.update(fields)
    return {k: v for k, v in body.items() if v is not ...}


def accident(**fields) -> dict:
    body = {
        "kind": "accident",
        "occurred_at": "2026-11-20T08:30:00+07:00",
        "commune_code": "31001",
        "location": "Xưởng cơ khí số 2",
        "description": "Công nhân bị máy dập kẹp tay.",
        "labour_relation": True,
        "victims": [victim()],
    }
    body.update(fields)
    return {k: v for k, v in body.items() if v is not ...}


def one(**fields) -> dict:
    return accident(victims=[victim(**fields)])


def disease(**fields) -> dict:
    body = {
        "kind": "disease",
        "disease": "Bệnh bụi phổi silic nghề nghiệp",
        "disease_code": "N01",
        "diagnosed_at": "2026-10-01",
        "exposure": "Bụi silic",
        "facility": "Bệnh viện Phổi Hải Phòng",
        "victims": [victim(outcome=...)],
    }
    body.update(fields)
    return {k: v for k, v in body.items() if v is not ...}


def incident(**fields) -> dict:
    body = {
        "kind": "incident",
        "occurred_at": "2026-11-20T07:15:00+07:00",
        "location": "Khu lò hơi số 1",
        "equipment": "Nồi hơi",
        "failure": "Van an toàn kẹt",
        "damage": "Hư hỏng nhà lò",
        "casualties": 2,
    }
    body.update(fields)
    return {k: v for k, v in body.items() if v is not ...}


SECOND = victim(national_id="031090000002", full_name="Trần Thị Bình")

CASES = {
    # -- the common part of an accident ----------------------------------------------------
    "empty accident": ("ent", {}),
    "everything wrong": (
        "ent",
        {
            "occurred_at": 5,
            "commune_code": 7,
            "location": 3,
            "description": [],
            "labour_relation": "yes",
            "victims": "An",
            "incident_code": "x",
        },
    ),  # fmt: skip
    "no time": ("ent", accident(occurred_at=...)),
    "blank time": ("ent", accident(occurred_at="  ")),
    "bad time": ("ent", accident(occurred_at="20/11/2026 08:30")),
    "naive time": ("ent", accident(occurred_at="2026-11-20T08:00:00")),
    "future time": ("ent", accident(occurred_at="2026-11-21T08:00:00+07:00")),
    "no commune": ("ent", accident(commune_code="")),
    "unknown commune": ("ent", accident(commune_code="00000")),
    "commune elsewhere": ("comm", accident(commune_code="31002", labour_relation=False)),
    "long location": ("ent", accident(location="x" * 301)),
    "long description": ("ent", accident(description="x" * 5001)),
    "blank description": ("ent", accident(description=" ")),
    "relation not bool": ("ent", accident(labour_relation=1)),
    "enterprise without relation": ("ent", accident(labour_relation=False)),
    "commune with relation": ("comm", accident(labour_relation=True)),
    "commune by default": ("comm", accident(labour_relation=...)),
    "bad incident code": ("ent", accident(incident_code="I-1")),
    "unknown incident": ("ent", accident(incident_code="HP-2026-I999999")),
    # -- victims ---------------------------------------------------------------------------
    "victims not a list": ("ent", accident(victims={"full_name": "An"})),
    "no victims": ("ent", accident(victims=[])),
    "victim not an object": ("ent", accident(victims=["An", victim()])),
    "empty victim": ("ent", accident(victims=[{}])),
    "empty victim of a commune": ("comm", accident(victims=[{}], labour_relation=False)),
    "name not text": ("ent", one(full_name=12)),
    "blank name": ("ent", one(full_name="  ")),
    # Longer than the stored column: refused on its field (PostgreSQL refused the row with a 500).
    "long name": ("ent", one(full_name="x" * 201)),
    "long occupation": ("ent", one(occupation="x" * 201)),
    "no birth date": ("ent", one(birth_date=...)),
    "bad birth date": ("ent", one(birth_date="02/04/1990")),
    "birth date as number": ("ent", one(birth_date=19900402)),
    "born after": ("ent", one(birth_date="2026-11-21")),
    "born that day": ("ent", one(birth_date="2026-11-20")),
    "aged 14": ("ent", one(birth_date="2012-06-01")),
    "aged 15 that day": ("ent", one(birth_date="2011-11-20")),
    "aged 101": ("ent", one(birth_date="1925-01-01")),
    "bad gender": ("ent", one(gender="m")),
    "short id": ("ent", one(national_id="03109000123")),
    "id as number": ("ent", one(national_id=31090000001)),
    "id with spaces": ("ent", one(national_id=" 031090000001 ")),
    "bad outcome": ("ent", one(outcome="dead")),
    "no wage": ("ent", one(monthly_wage_vnd=...)),
    "no wage from a commune": (
        "comm",
        accident(victims=[victim(monthly_wage_vnd=None)], labour_relation=False),
    ),  # fmt: skip
    "zero wage": ("ent", one(monthly_wage_vnd=0)),
    "negative wage": ("ent", one(monthly_wage_vnd=-1)),
    "wage as text": ("ent", one(monthly_wage_vnd="10000000")),
    "wage as bool": ("ent", one(monthly_wage_vnd=True)),
    "wage as float": ("ent", one(monthly_wage_vnd=1.5)),
    "zero insured wage": ("ent", one(insured_wage_vnd=0)),
    "short si number": ("ent", one(si_number="123")),
    "si number as number": ("ent", one(si_number=3100000001)),
    "si years negative": ("ent", one(si_years=-1)),
    "si years 61": ("ent", one(si_years=61)),
    "si years bool": ("ent", one(si_years=True)),
    "occupation not text": ("ent", one(occupation=5)),
    "occupation and injury not text": ("ent", one(occupation=5, injury_description=[])),
    "same person twice": ("ent", accident(victims=[victim(), victim()])),
    "second victim wrong": ("ent", accident(victims=[victim(), dict(SECOND, gender="x")])),
    "two victims wrong": (
        "ent",
        accident(victims=[victim(national_id="1"), dict(SECOND, outcome="x", gender="y")]),
    ),
    "victim and time wrong": ("ent", accident(occurred_at="x", victims=[victim(birth_date="x")])),
    # -- disease ---------------------------------------------------------------------------
    "empty disease": ("ent", {"kind": "disease"}),
    "no disease": ("ent", disease(disease="")),
    "disease not text": ("ent", disease(disease=12)),
    "long disease": ("ent", disease(disease="x" * 2001)),
    "no diagnosis date": ("ent", disease(diagnosed_at=...)),
    "bad diagnosis date": ("ent", disease(diagnosed_at="01/10/2026")),
    "bad diagnosed_on": ("ent", disease(diagnosed_at=..., diagnosed_on="01/10/2026")),
    "future diagnosis": ("ent", disease(diagnosed_at="2026-12-01")),
    "future diagnosed_on": ("ent", disease(diagnosed_at=..., diagnosed_on="2026-12-01")),
    "diagnosis in 1949": ("ent", disease(diagnosed_at="1949-12-31")),
    "long disease code": ("ent", disease(disease_code="X" * 21)),
    "disease code not text": ("ent", disease(disease_code=5)),
    "no workers": ("ent", disease(victims=[])),
    "workers as workers": ("ent", disease(victims=..., workers=[victim(national_id="1")])),
    "worker without wage": ("ent", disease(victims=[victim(monthly_wage_vnd=None)])),
    "worker born after diagnosis": ("ent", disease(victims=[victim(birth_date="2026-10-02")])),
    "disease in an unknown commune": ("ent", disease(commune_code="00000")),
    "disease with long location": ("ent", disease(location="x" * 301)),
    "disease with bad relation": ("ent", disease(labour_relation=False)),
    # -- incident --------------------------------------------------------------------------
    "empty incident": ("ent", {"kind": "incident"}),
    "no equipment": ("ent", incident(equipment="")),
    "long equipment": ("ent", incident(equipment="x" * 2001)),
    "negative casualties": ("ent", incident(casualties=-1)),
    "too many casualties": ("ent", incident(casualties=10_001)),
    "casualties as words": ("ent", incident(casualties="hai")),
    "casualties as bool": ("ent", incident(casualties=True)),
    "future incident": ("ent", incident(occurred_at="2026-11-21T07:15:00+07:00")),
    "incident in an unknown commune": ("ent", incident(commune_code="00000")),
    "incident with long description": ("ent", incident(description="x" * 5001)),
    # -- the kind --------------------------------------------------------------------------
    "kind claim": ("ent", accident(kind="claim")),
    "kind number": ("comm", accident(kind=3)),
}

# Accepted today, and so accepted still: a worker who turned 15 that day, an ID
# with spaces around it, a commune's worker without a wage, a disease's ignored relation.
ACCEPTED = {
    label: CASES.pop(label)
    for label in (
        "commune by default",
        "aged 15 that day",
        "id with spaces",
        "no wage from a commune",
        "disease with bad relation",
    )
}

with open(Path(__file__).with_name("declaration_errors.json"), encoding="utf-8") as pinned:
    EXPECTED = json.load(pinned)


def test_every_mistake_has_its_pinned_answer():
    assert set(EXPECTED) == set(CASES)


@pytest.mark.parametrize("label", list(CASES))
def test_each_mistake_gets_its_exact_field_errors(api, declarers, t, label):
    who, body = CASES[label]
    response = api.declare(declarers[who], body)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["errors"] == EXPECTED[label]
    assert t.case_count() == 0


@pytest.mark.parametrize("label", list(ACCEPTED))
def test_edge_cases_accepted_today_stay_accepted(api, declarers, label):
    who, body = ACCEPTED[label]
    api.declared(declarers[who], body)
