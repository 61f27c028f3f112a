"""The tenant matrix: for every case route, users of another tenant get 404 and learn nothing.

Enterprise A (commune X) has an announced fatal accident with claims, documents and papers,
and commune X has declared an accident of its own. The outsiders — enterprise B's officer
(another commune), B's grassroots union, the officer of another commune, and a social
insurance officer before any claim is filed with it — try every API route and every web route
on each of those cases: all answer 404, no answer carries anything of the case, and nothing
changes. Every path tried must reach the route it names (a renamed or missing route fails
here: a 404 from a path that matches nothing would prove nothing).
"""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import HTTPException
from werkzeug.test import encode_multipart

from app.extensions import db
from app.models import Case, Document
from tests.api.case_api import Helpers
from tests.conftest import csrf_token_from
from tests.factories import accident_body, make_commune, make_enterprise, make_user, victim_body

# Law 84/2015 Art. 57 dossier, by item code (workflows/claim.py INSURANCE_DOSSIER).
FULL_DOSSIER = [
    "si_book",
    "discharge_paper",
    "assessment_record",
    "request_form",
    "investigation_minutes",
]


PDF = b"%PDF-1.4\n%%EOF\n"
OUTSIDERS = [
    "enterprise B",
    "grassroots union of B",
    "another commune's officer",
    "insurance (nothing filed)",
]
SECRET_NAMES = ("Phạm Văn Bí", "Đỗ Thị Mật", "Hoàng Xã Viên")
SECRET_IDS = ("031090001234", "031095005678", "031080009999")

API_TRIGGERS = {
    "open_investigation": {"team": Helpers.PROVINCE_TEAM},
    "take_over": {"team": Helpers.PROVINCE_TEAM},
    "record_event": {"note": "x"},
    "reject": {"reason": "x"},
    "extend_deadline": {"days": 1, "reason": "x"},
    "refer_to_police": {"reason": "x"},
    "resume": {"returned_at": Helpers.NOW.isoformat()},
    "record_death": {"victim_id": 1, "died_at": Helpers.NOW.isoformat()},
    "conclude": Helpers.MINUTES,
    "announce": {"meeting_at": Helpers.NOW.isoformat(), "attendees": Helpers.FATAL_ATTENDEES},
    "reopen": {
        "complaint_received_at": Helpers.NOW.isoformat(),
        "reason": "x",
        "team": Helpers.PROVINCE_TEAM,
    },
    "close": {},
    "confirm": {"note": "x"},
    "refer_for_assessment": {"referred_at": Helpers.NOW.isoformat()},
    "record_assessment": {"capacity_loss_pct": 45, "assessed_at": Helpers.NOW.isoformat()},
    "record_payment": {"amount_vnd": 999_000_000, "paid_at": Helpers.NOW.isoformat()},
    "confirm_receipt": {"confirmed_at": Helpers.NOW.isoformat()},
    "file_insurance": {"filed_at": Helpers.NOW.isoformat(), "dossier": FULL_DOSSIER},
    "decide_insurance": {"approved": True, "kind": "monthly", "amount_vnd": 1_000_000},
    "teleport": {},
}


def multipart(fields: dict) -> dict:
    values = {
        k: FileStorage(io.BytesIO(v[0]), filename=v[1]) if isinstance(v, tuple) else v
        for k, v in fields.items()
    }
    boundary, body = encode_multipart(values)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


@pytest.fixture
def world(app, api, t):
    """Tenant A's cases with everything on them, and the outsiders."""
    commune_x, commune_y = make_commune(), make_commune()
    a = make_enterprise(commune_x, name="Công ty Cổ phần Bí Mật A")
    b = make_enterprise(commune_y, name="Công ty TNHH B")
    ns = SimpleNamespace(
        app=app,
        a=a,
        ent_a=make_user("enterprise", enterprise=a),
        union_a=make_user("union", enterprise=a),
        comm_x=make_user("commune", commune=commune_x),
        insp=make_user("inspector"),
        outsiders={
            "enterprise B": make_user("enterprise", enterprise=b),
            "grassroots union of B": make_user("union", enterprise=b),
            "another commune's officer": make_user("commune", commune=commune_y),
            "insurance (nothing filed)": make_user("insurance"),
        },
    )
    victims = [
        victim_body("death", full_name=SECRET_NAMES[0], national_id=SECRET_IDS[0]),
        victim_body("serious", full_name=SECRET_NAMES[1], national_id=SECRET_IDS[1]),
    ]
    case = api.declared(ns.ent_a, accident_body(commune_x.code, victims=victims))
    cid = case["id"]
    api.acted(cid, "open_investigation", ns.insp, team=t.PROVINCE_TEAM)
    api.acted(cid, "conclude", ns.insp, **t.MINUTES)
    body = api.acted(
        cid, "announce", ns.insp, meeting_at=t.NOW.isoformat(), attendees=t.FATAL_ATTENDEES
    )
    claims = {api.get(f"/cases/{c}", ns.insp).get_json()["state"]: c for c in body["children"]}
    injured = claims["treatment"]
    api.acted(injured, "refer_for_assessment", ns.ent_a, referred_at=t.NOW.isoformat())
    api.acted(
        injured, "record_assessment", ns.ent_a, capacity_loss_pct=45, assessed_at=t.NOW.isoformat()
    )
    commune_case = api.declared(
        ns.comm_x,
        accident_body(
            commune_x.code,
            labour_relation=False,
            victims=[
                victim_body(
                    "serious",
                    full_name=SECRET_NAMES[2],
                    national_id=SECRET_IDS[2],
                    injury_description="Bỏng độ ba cẳng chân",
                )
            ],
        ),
    )
    docs = {}
    for target in (cid, injured, commune_case["id"]):
        uploader = ns.comm_x if target == commune_case["id"] else ns.ent_a
        # A claim's dossier takes medical and other papers (no scene photos).
        for category in ("other" if target == injured else "photos", "medical"):
            response = api.client.post(
                f"/api/v1/cases/{target}/documents",
                headers=api.headers(uploader),
                **multipart({"category": category, "file": (PDF, f"{category}-bi-mat.pdf")}),
            )
            assert response.status_code == 201, response.get_json()
            docs.setdefault(target, []).append(response.get_json()["id"])
    ns.case_ids = {
        "accident": cid,
        "death claim": claims["assessed"],
        "injured claim": injured,
        "commune case": commune_case["id"],
    }
    ns.docs = docs
    ns.codes = [db.session.get(Case, i).code for i in ns.case_ids.values()]
    return ns


def leaks(world, response) -> list[str]:
    text = response.get_data().decode("utf-8", "replace")
    secrets = [*SECRET_NAMES, *SECRET_IDS, *world.codes, world.a.name, "bi-mat.pdf"]
    found = [s for s in secrets if s in text]
    if response.data.startswith(b"%PDF"):
        found.append("a PDF")
    return found


def api_routes(world, case_id: int):
    """(label, method, path, kwargs) for every API route of a case."""
    doc = (world.docs.get(case_id) or [1])[0]
    yield "GET case", "get", f"/cases/{case_id}", {}
    yield "GET events", "get", f"/cases/{case_id}/events", {}
    yield "GET documents", "get", f"/cases/{case_id}/documents", {}
    yield "GET document", "get", f"/cases/{case_id}/documents/{doc}", {}
    yield "GET declaration.pdf", "get", f"/cases/{case_id}/papers/declaration.pdf", {}
    yield "GET minutes.pdf", "get", f"/cases/{case_id}/papers/minutes.pdf", {}
    yield (
        "POST document",
        "post",
        f"/cases/{case_id}/documents",
        multipart({"category": "other", "file": (PDF, "x.pdf")}),
    )
    version = db.session.get(Case, case_id).version
    for trigger, payload in API_TRIGGERS.items():
        yield (
            f"POST action {trigger}",
            "post",
            f"/cases/{case_id}/actions/{trigger}",
            {"json": {"version": version, **payload}},
        )


def observe_all(world, api):
    db.session.expire_all()
    return (
        [api.observe(i) for i in world.case_ids.values()],
        db.session.scalar(db.select(db.func.count()).select_from(Document)),
    )


def endpoint_of(app, method: str, path: str) -> str:
    """The endpoint ``method path`` is routed to; fails the test if no route matches."""
    try:
        endpoint, _args = app.url_map.bind("localhost").match(path, method=method.upper())
    except HTTPException as error:
        pytest.fail(f"{method.upper()} {path} reaches no route: {error}")
    return endpoint


API_ENDPOINTS = {
    "GET case": "api.get_case",
    "GET events": "api.events",
    "GET documents": "api.list_documents",
    "GET document": "api.download_document",
    "GET declaration.pdf": "api.paper",
    "GET minutes.pdf": "api.paper",
    "POST document": "api.upload_document",
}


def test_every_api_route_tried_exists(world):
    """The matrix below would pass on a renamed route (404 for everyone): pin each path."""
    case_id = world.case_ids["accident"]
    for route, method, path, _kwargs in api_routes(world, case_id):
        expected = "api.act" if route.startswith("POST action") else API_ENDPOINTS[route]
        assert endpoint_of(world.app, method, f"/api/v1{path}") == expected, route


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_every_api_route_is_404_for_other_tenants(world, api, outsider):
    user = world.outsiders[outsider]
    before = observe_all(world, api)
    failures = []
    for label, case_id in world.case_ids.items():
        for route, method, path, kwargs in api_routes(world, case_id):
            response = getattr(api.client, method)(
                f"/api/v1{path}", headers=api.headers(user), **kwargs
            )
            if response.status_code != 404 or leaks(world, response):
                failures.append((label, route, response.status_code, leaks(world, response)))
            response.close()
    assert failures == []
    assert observe_all(world, api) == before


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_case_lists_never_show_other_tenants(world, api, outsider):
    user = world.outsiders[outsider]
    theirs = set(world.case_ids.values())
    for query in ("", "?kind=accident", "?kind=claim", f"?q={world.codes[0]}", "?q=Bí"):
        body = api.get(f"/cases{query}", user).get_json()
        assert not {item["id"] for item in body["items"]} & theirs, query
        assert body["total"] == 0
        assert not leaks(world, api.get(f"/cases{query}", user))
    assert api.get("/tasks", user).get_json() == []


# --------------------------------------------------------------------------------------------
# The web routes
# --------------------------------------------------------------------------------------------


def web_client(app, user):
    """A browser signed in as ``user`` (session set directly: the login form is rate limited
    and covered elsewhere), with its CSRF token."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    return client, token


WEB_ROUTES = [
    ("cases.detail", "get", "/cases/{id}"),
    ("cases.transition", "post", "/cases/{id}/actions/{trigger}"),
    ("cases.download_document", "get", "/cases/{id}/documents/{doc}"),
    ("cases.upload_document", "post", "/cases/{id}/documents"),
    ("cases.paper", "get", "/cases/{id}/papers/declaration.pdf"),
    ("cases.paper", "get", "/cases/{id}/papers/minutes.pdf"),
]


@pytest.mark.parametrize(("endpoint", "method", "pattern"), WEB_ROUTES)
def test_every_web_route_is_404_for_other_tenants(world, api, endpoint, method, pattern):
    assert endpoint in world.app.view_functions, f"web endpoint {endpoint} is not registered"
    before = observe_all(world, api)
    failures = []
    for outsider, user in world.outsiders.items():
        client, token = web_client(world.app, user)
        for label, case_id in world.case_ids.items():
            doc = (world.docs.get(case_id) or [1])[0]
            triggers = ["open_investigation", "close", "reject"] if "{trigger}" in pattern else [""]
            for trigger in triggers:
                path = pattern.format(id=case_id, doc=doc, trigger=trigger)
                assert endpoint_of(world.app, method, path) == endpoint, path
                if method == "get":
                    response = client.get(path)
                elif endpoint == "cases.upload_document":
                    response = client.post(
                        path,
                        **multipart(
                            {"csrf_token": token, "category": "other", "file": (PDF, "x.pdf")}
                        ),
                    )
                else:
                    response = client.post(path, data={"csrf_token": token, "version": "1"})
                if response.status_code != 404 or leaks(world, response):
                    failures.append((outsider, label, path, response.status_code))
                response.close()
    assert failures == []
    assert observe_all(world, api) == before


# --------------------------------------------------------------------------------------------
# Inside the tenant: masking, insurance scope, medical-read logging
# --------------------------------------------------------------------------------------------


def test_union_sees_masked_ids_and_no_medical_detail(world, api):
    union = world.union_a
    for label, case_id in world.case_ids.items():
        if label == "commune case":
            continue
        body = api.get(f"/cases/{case_id}", union).get_json()
        text = api.get(f"/cases/{case_id}", union).get_data(as_text=True)
        for secret in SECRET_IDS:
            assert secret not in text, label
        for victim in body["victims"] + ([body["victim"]] if body.get("victim") else []):
            assert victim["national_id"] == "*" * 12
            assert "injury_description" not in victim
        assert "capacity_loss_pct" not in body["data"], label
        assert "injury_description" not in str(body["data"])
        events = api.get(f"/cases/{case_id}/events", union).get_data(as_text=True)
        assert "capacity_loss_pct" not in events and "injury_description" not in events
    accident = api.get(f"/cases/{world.case_ids['accident']}", union).get_json()
    assert accident["victims"][0]["national_id"] == "************"
    assert (
        api.get(f"/cases/{world.case_ids['injured claim']}", world.ent_a).get_json()["data"][
            "capacity_loss_pct"
        ]
        == 45
    )


def test_union_list_is_masked_too(world, api):
    body = api.get("/cases", world.union_a).get_json()
    assert {i["id"] for i in body["items"]} >= {world.case_ids["accident"]}
    text = api.get("/cases", world.union_a).get_data(as_text=True)
    assert not any(secret in text for secret in SECRET_IDS)
    assert "capacity_loss_pct" not in text


def test_insurance_sees_a_claim_only_once_filed_and_only_its_parents_summary(world, api, t):
    insurance = world.outsiders["insurance (nothing filed)"]
    claim = world.case_ids["injured claim"]
    accident = world.case_ids["accident"]
    assert api.get(f"/cases/{claim}", insurance).status_code == 404
    api.acted(
        claim, "file_insurance", world.ent_a, filed_at=t.NOW.isoformat(), dossier=FULL_DOSSIER
    )
    body = api.get(f"/cases/{claim}", insurance).get_json()
    assert body["kind"] == "claim"
    assert set(body["parent"]) == {"code", "kind", "severity", "occurred_at"}
    assert "decide_insurance" in body["actions"]
    assert [i["id"] for i in api.get("/cases", insurance).get_json()["items"]] == [claim]
    for path in (
        f"/cases/{accident}",
        f"/cases/{accident}/events",
        f"/cases/{accident}/documents",
        f"/cases/{accident}/papers/declaration.pdf",
        f"/cases/{world.case_ids['death claim']}",
    ):
        assert api.get(path, insurance).status_code == 404, path
    docs = api.get(f"/cases/{claim}/documents", insurance).get_json()
    assert len(docs["items"]) == 2 and docs["can_upload"] is False


def test_every_read_of_medical_fields_is_logged(world, api, t):
    insurance = world.outsiders["insurance (nothing filed)"]
    claim = world.case_ids["injured claim"]
    api.acted(
        claim, "file_insurance", world.ent_a, filed_at=t.NOW.isoformat(), dossier=FULL_DOSSIER
    )
    reads = [
        (world.ent_a, f"/cases/{world.case_ids['accident']}"),
        (world.insp, f"/cases/{world.case_ids['accident']}"),
        (world.comm_x, f"/cases/{world.case_ids['commune case']}"),
        (insurance, f"/cases/{claim}"),
        (world.ent_a, f"/cases/{claim}/events"),
        (world.insp, f"/cases/{claim}/events"),
        (insurance, f"/cases/{claim}/events"),
        (world.ent_a, f"/cases/{claim}/documents/{world.docs[claim][1]}"),
        (insurance, f"/cases/{claim}/documents/{world.docs[claim][1]}"),
        (world.comm_x, f"/cases/{world.case_ids['commune case']}/papers/declaration.pdf"),
    ]
    for user, path in reads:
        before = t.medical_reads(user)
        response = api.get(path, user)
        assert response.status_code == 200, path
        response.close()
        assert t.medical_reads(user) == before + 1, (user.role, path)
    before = t.medical_reads(world.union_a)
    for path in (f"/cases/{world.case_ids['accident']}", f"/cases/{claim}/events"):
        api.get(path, world.union_a)
    assert t.medical_reads(world.union_a) == before == 0
