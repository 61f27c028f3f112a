"""Declaring occupational diseases and serious technical incidents through ``POST /cases``:
who may, what is stored, field errors, and that a bad declaration creates nothing."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMessage
from tests.factories import make_commune, victim_body


def disease_body(**fields) -> dict:
    body = {
        "kind": "disease",
        "disease": "Bệnh bụi phổi silic nghề nghiệp",
        "disease_code": "N01",
        "diagnosed_at": "2026-10-01",
        "exposure": "Bụi silic tại xưởng nghiền đá, 8 giờ/ngày trong 12 năm",
        "facility": "Bệnh viện Phổi Hải Phòng",
        "victims": [victim_body(outcome=None), victim_body(si_number=None, outcome=None)],
    }
    body.update(fields)
    return body


def incident_body(**fields) -> dict:
    body = {
        "kind": "incident",
        "occurred_at": "2026-11-20T07:15:00+07:00",
        "location": "Khu lò hơi số 1",
        "description": "Nổ nồi hơi trong ca sáng.",
        "equipment": "Nồi hơi ống lửa 10 tấn/giờ",
        "failure": "Van an toàn kẹt, áp suất vượt giới hạn, thân nồi bị xé",
        "damage": "Hư hỏng nhà lò, dừng sản xuất 10 ngày",
        "casualties": 2,
    }
    body.update(fields)
    return body


# --------------------------------------------------------------------------------------------
# Disease
# --------------------------------------------------------------------------------------------


def test_enterprise_declares_an_occupational_disease(api, w, t):
    body = api.declared(w.ent, disease_body())
    assert body["kind"] == "disease"
    assert body["state"] == "declared"
    assert body["code"].startswith("HP-2026-D")
    assert body["labour_relation"] is True
    assert body["enterprise"]["tax_code"] == w.enterprise.tax_code
    assert body["commune"]["code"] == w.commune.code
    assert body["data"]["disease"] == "Bệnh bụi phổi silic nghề nghiệp"
    assert body["data"]["disease_code"] == "N01"
    assert body["data"]["diagnosed_on"] == "2026-10-01"
    assert body["data"]["exposure"].startswith("Bụi silic")
    assert body["data"]["facility"] == "Bệnh viện Phổi Hải Phòng"
    # The diagnosis day at Vietnam midnight stands in for the accident time.
    assert datetime.fromisoformat(body["occurred_at"]) == datetime(2026, 10, 1, tzinfo=t.VN)
    assert [v["outcome"] for v in body["victims"]] == ["serious", "serious"]
    assert body["actions"] == []
    assert api.get(f"/cases/{body['id']}", w.insp).get_json()["actions"] == ["confirm", "reject"]


def test_diagnosis_date_may_be_sent_as_diagnosed_on(api, w):
    raw = disease_body()
    raw["diagnosed_on"] = raw.pop("diagnosed_at")
    assert api.declared(w.ent, raw)["data"]["diagnosed_on"] == "2026-10-01"


def test_confirming_a_disease_opens_one_claim_per_worker(api, w, t):
    case = api.declared(w.ent, disease_body())
    api.refused(case["id"], "confirm", w.ent, 403, note="x")
    body = api.acted(case["id"], "confirm", w.insp, note="Đúng danh mục, đủ điều kiện tiếp xúc")
    assert body["state"] == "confirmed"
    assert len(body["children"]) == 2
    claim = api.get(f"/cases/{body['children'][0]}", w.ent).get_json()
    assert (claim["kind"], claim["state"], claim["parent_id"]) == ("claim", "treatment", case["id"])
    api.refused(case["id"], "close", w.insp, 409)


def _invalid_diseases(w):
    yield "no disease", disease_body(disease=""), "disease"
    yield "future diagnosis", disease_body(diagnosed_at="2026-12-01"), "diagnosed_at"
    yield "bad date", disease_body(diagnosed_at="01/10/2026"), "diagnosed_at"
    no_date = disease_body()
    del no_date["diagnosed_at"]
    yield "no date", no_date, "diagnosed_at"
    yield "no exposure", disease_body(exposure=None), "exposure"
    yield "no facility", disease_body(facility="   "), "facility"
    yield "disease not text", disease_body(disease=12), "disease"
    yield "long code", disease_body(disease_code="X" * 21), "disease_code"
    yield "no workers", disease_body(victims=[]), "victims"
    yield (
        "bad worker id",
        disease_body(victims=[victim_body(national_id="12345")]),
        "victims.0.national_id",
    )
    yield (
        "worker without wage",
        disease_body(victims=[victim_body(monthly_wage_vnd=None)]),
        "victims.0.monthly_wage_vnd",
    )
    yield "unknown commune", disease_body(commune_code="00000"), "commune_code"


def test_invalid_disease_declarations_create_nothing(api, w, t):
    for label, body, path in _invalid_diseases(w):
        before = t.case_count()
        response = api.declare(w.ent, body)
        assert response.status_code == 422, label
        assert path in response.get_json()["errors"], (label, response.get_json())
        assert t.case_count() == before, label


def test_only_enterprises_declare_diseases(api, w, t):
    for user in (w.comm, w.insp, w.union, w.insurance):
        assert api.declare(user, disease_body()).status_code == 403
    assert t.case_count() == 0


def test_union_sees_no_diagnosis(api, w):
    case = api.declared(w.ent, disease_body())
    body = api.get(f"/cases/{case['id']}", w.union).get_json()
    assert "disease" not in body["data"]
    assert "disease_code" not in body["data"]
    # "Silica dust" and a lung hospital name the disease all but outright (workflows/disease.py).
    assert "exposure" not in body["data"] and "facility" not in body["data"]
    assert body["data"]["diagnosed_on"] == "2026-10-01"
    events = api.get(f"/cases/{case['id']}/events", w.union).get_json()
    assert not {"disease", "exposure", "facility"} & set(events[0]["payload"])
    payload = api.get(f"/cases/{case['id']}/events", w.insp).get_json()[0]["payload"]
    assert payload["disease"] and payload["exposure"] and payload["facility"]


# --------------------------------------------------------------------------------------------
# Incident
# --------------------------------------------------------------------------------------------


def test_enterprise_declares_a_serious_technical_incident(api, w, t):
    body = api.declared(w.ent, incident_body())
    assert (body["kind"], body["state"]) == ("incident", "declared")
    assert body["code"].startswith("HP-2026-I")
    assert body["commune"]["code"] == w.commune.code
    assert body["data"]["equipment"] == "Nồi hơi ống lửa 10 tấn/giờ"
    assert body["data"]["failure"].startswith("Van an toàn")
    assert body["data"]["damage"].startswith("Hư hỏng")
    assert body["data"]["casualties"] == 2
    assert body["victims"] == []
    notices = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.case_id == body["id"])
    ).all()
    assert [(n.event, n.urgent) for n in notices] == [("incident.declared", True)]


def test_an_incident_runs_its_whole_lifecycle(api, w, t):
    case = api.declared(w.ent, incident_body(casualties="0"))
    cid = case["id"]
    assert case["data"]["casualties"] == 0
    api.refused(cid, "open_investigation", w.ent, 403, team=t.PROVINCE_TEAM)
    api.acted(cid, "open_investigation", w.insp, team=t.PROVINCE_TEAM)
    minutes = {
        k: v for k, v in t.MINUTES.items() if k not in ("is_work_accident", "worker_at_fault")
    }
    api.acted(cid, "conclude", w.insp, **minutes)
    api.refused(cid, "announce", w.insp, 422, meeting_at=t.at(days=1).isoformat(),
                attendees=t.ATTENDEES)  # fmt: skip
    api.acted(cid, "announce", w.insp, meeting_at=t.NOW.isoformat(), attendees=t.ATTENDEES)
    assert "Sơ đồ hiện trường" in api.refused(cid, "close", w.insp, 422)["error"]
    api.waive_dossier(cid, w.insp)
    assert api.acted(cid, "close", w.insp)["state"] == "closed"


def test_incident_commune_defaults_to_the_enterprises_but_may_be_given(api, w):
    elsewhere = make_commune()
    body = api.declared(w.ent, incident_body(commune_code=elsewhere.code))
    assert body["commune"]["code"] == elsewhere.code


def _invalid_incidents():
    yield "no equipment", incident_body(equipment=""), "equipment"
    yield "no failure", incident_body(failure=None), "failure"
    yield "no damage", incident_body(damage=" "), "damage"
    yield "negative casualties", incident_body(casualties=-1), "casualties"
    yield "casualties not a number", incident_body(casualties="hai"), "casualties"
    yield "future", incident_body(occurred_at="2026-11-21T07:15:00+07:00"), "occurred_at"
    yield "no time", incident_body(occurred_at=None), "occurred_at"
    yield "no location", incident_body(location=""), "location"
    yield "unknown commune", incident_body(commune_code="00000"), "commune_code"
    yield "long equipment", incident_body(equipment="x" * 2001), "equipment"


def test_invalid_incident_declarations_create_nothing(api, w, t):
    for label, body, path in _invalid_incidents():
        response = api.declare(w.ent, body)
        assert response.status_code == 422, label
        assert path in response.get_json()["errors"], (label, response.get_json())
    assert t.case_count() == 0


def test_only_enterprises_declare_incidents(api, w, t):
    for user in (w.comm, w.insp, w.union, w.insurance):
        assert api.declare(user, incident_body()).status_code == 403
    assert t.case_count() == 0


@pytest.mark.parametrize("kind", ["claim", "other", ["accident"], 3])
def test_unknown_kind_is_a_field_error(api, w, t, kind):
    response = api.declare(w.ent, incident_body(kind=kind))
    assert response.status_code == 422
    assert "kind" in response.get_json()["errors"]
    assert t.case_count() == 0


def test_a_declaration_must_be_a_json_object(api, w, t):
    response = api.post("/cases", w.ent, json=["accident"])
    assert response.status_code == 422
    assert t.case_count() == 0
