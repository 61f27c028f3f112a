"""The two-step declaration of an accident through the API: a quick notice (``POST
/cases/notices``) that opens the case in ``notified`` and starts the legal clock and the
immediate notices, then the full declaration (``POST /cases/{id}/actions/complete_declaration``)
that completes it; who may do what (403), every error at once (422) with nothing changed, and
what the statistics count."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Case, CaseEvent, Notification, Task
from tests.factories import accident_body, make_commune, notice_body, victim_body


@pytest.fixture
def app_config(app_config):
    """These tests read what the notices say, not how they travel: jobs run in-process even in
    the Redis run, so a notice exists when the request returns."""
    return {**app_config, "REDIS_URL": None, "JOBS_INLINE": True}


def notified(api, user, body) -> dict:
    response = api.post("/cases/notices", user, json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def completion(case: dict, commune_code: str, outcomes=("death", "serious", "serious")) -> dict:
    body = accident_body(commune_code, outcomes)
    body.pop("kind")
    return {"version": case["version"], **body}


def notes(event: str) -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).where(Notification.event == event)))


def events_of(case_id: int) -> list[CaseEvent]:
    db.session.expire_all()
    query = select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq)
    return list(db.session.scalars(query))


# -- the notice ---------------------------------------------------------------------------------


def test_a_fatal_notice_opens_the_case_starts_the_clock_and_tells_the_inspectorate(api, w, t):
    case = notified(api, w.ent, notice_body(w.commune.code))
    assert case["state"] == "notified"
    assert case["code"].startswith("HP-2026-A")
    assert (case["severity"], case["investigation_level"]) == ("fatal", "province")
    assert case["victims"] == []
    assert case["labour_relation"] is True
    assert case["data"]["notice"] == {
        "deaths": 1,
        "seriously_injured": 2,
        "lightly_injured": 0,
        "reporter_name": "Trần Văn Bình, quản đốc",
        "contact_phone": "0912345678",
    }
    # The clock runs from the notice (10:00), as it would from a declaration.
    assert t.due(case, "investigation") == t.NOW + timedelta(days=30)
    assert t.due(case, "scene_arrival") == t.NOW + timedelta(hours=2)
    assert t.due(case, "declaration") == t.NOW + timedelta(hours=24)
    assert case["actions"] == ["complete_declaration"]
    [event] = events_of(case["id"])
    assert (event.trigger, event.from_state, event.to_state) == ("give_notice", None, "notified")
    assert event.payload["deaths"] == 1 and event.payload["location"].startswith("Công trường")
    # The immediate notice went out after commit: urgent to the inspectors, and to the union.
    urgent = notes("accident.notified_immediate")
    assert {(n.user_id, n.urgent) for n in urgent} == {(w.insp.id, True), (w.union.id, False)}
    assert case["code"] in urgent[0].subject
    assert notes("accident.declared_immediate") == []
    # The declarer's task, due when the full declaration is.
    tasks = api.get("/tasks", w.ent).get_json()
    [task] = [x for x in tasks if x["case_id"] == case["id"]]
    assert task["title"] == "Hoàn thiện khai báo"
    assert datetime.fromisoformat(task["due_at"]) == t.NOW + timedelta(hours=24)
    inspector_tasks = [x["title"] for x in api.get("/tasks", w.insp).get_json()]
    assert "Có mặt tại hiện trường trong 02 giờ" in inspector_tasks


def test_a_light_notice_is_a_routine_notice_with_the_enterprise_limit(api, w, t):
    body = notice_body(w.commune.code, deaths=0, seriously_injured=0, lightly_injured=1)
    case = notified(api, w.ent, body)
    assert (case["severity"], case["investigation_level"]) == ("light", "enterprise")
    assert t.due(case, "investigation") == t.NOW + timedelta(days=4)
    assert t.deadline(case, "scene_arrival") is None
    assert [n.user_id for n in notes("accident.notified")] == [w.insp.id]
    assert notes("accident.notified_immediate") == []


def test_a_commune_gives_notice_for_a_worker_without_a_labour_relation(api, w):
    case = notified(api, w.comm, notice_body(w.commune.code))
    assert case["labour_relation"] is False and case["enterprise"] is None
    assert case["actions"] == ["complete_declaration"]


def test_a_notice_with_everything_wrong_tells_every_error_and_creates_nothing(api, w, t):
    before = t.case_count()
    body = {
        "occurred_at": "2026-11-21T08:30:00+07:00",
        "commune_code": "00000",
        "deaths": -1,
        "contact_phone": "12",
    }
    response = api.post("/cases/notices", w.ent, json=body)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {
        "occurred_at",
        "commune_code",
        "location",
        "description",
        "deaths",
        "reporter_name",
        "contact_phone",
    }
    assert t.case_count() == before
    assert notes("accident.notified_immediate") == []


def test_a_notice_of_nobody_hurt_is_refused(api, w, t):
    body = notice_body(w.commune.code, deaths=0, seriously_injured=0)
    response = api.post("/cases/notices", w.ent, json=body)
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["deaths"]


def test_a_commune_gives_notice_only_in_its_own_commune(api, w):
    body = notice_body(w.other_comm.commune_code)
    response = api.post("/cases/notices", w.comm, json=body)
    # The commune's own is forced on the page; through the API another is refused.
    assert response.status_code == 422 and "commune_code" in response.get_json()["errors"]


@pytest.mark.parametrize("who", ["insp", "union", "insurance", "admin"])
def test_a_role_that_may_not_declare_may_not_give_notice(api, w, t, who):
    before = t.case_count()
    response = api.post("/cases/notices", getattr(w, who), json=notice_body(w.commune.code))
    assert response.status_code == 403
    assert t.case_count() == before


# -- completing it ------------------------------------------------------------------------------


def test_completing_moves_to_declared_with_the_clock_of_the_notice(api, w, t):
    case = notified(api, w.ent, notice_body(w.commune.code))
    t.freeze(t.at(hours=3))
    body = completion(case, w.commune.code)
    response = api.post(f"/cases/{case['id']}/actions/complete_declaration", w.ent, json=body)
    assert response.status_code == 200, response.get_json()
    done = response.get_json()
    assert done["state"] == "declared"
    assert sorted(v["outcome"] for v in done["victims"]) == ["death", "serious", "serious"]
    assert done["location"] == "Xưởng cơ khí số 2"  # the declaration's, not the notice's
    assert t.due(done, "investigation") == t.NOW + timedelta(days=30)  # still from the notice
    assert t.deadline(done, "declaration")["met_at"] is not None
    assert t.due(done, "scene_arrival") == t.NOW + timedelta(hours=2)
    assert done["data"]["notice"]["counts_differ"] is False
    assert done["actions"] == ["record_death"]  # what a declared case offers its declarer
    # The completion, then Form 01 issued after it (the notice had none).
    event, issued = events_of(case["id"])[-2:]
    assert issued.trigger == "issue_paper" and issued.payload["paper"] == "declaration"
    assert (event.trigger, event.from_state, event.to_state) == (
        "complete_declaration",
        "notified",
        "declared",
    )
    assert len(event.payload["victims"]) == 3 and event.payload["labour_relation"] is True
    assert [n.user_id for n in notes("accident.declaration_completed")] == [w.insp.id]
    # The immediate notice went with the notice; it is not sent twice.
    assert notes("accident.declared_immediate") == []
    # The declarer's task is done; the inspector now forms the team.
    open_tasks = db.session.scalars(
        select(Task).where(Task.case_id == case["id"], Task.closed_at.is_(None))
    ).all()
    assert {task.name for task in open_tasks} == {"open_investigation", "scene_arrival"}
    # Search finds it by a victim's name now.
    name = body["victims"][0]["full_name"]
    found = api.get("/cases", w.insp, query_string={"q": name}).get_json()["items"]
    assert [c["id"] for c in found] == [case["id"]]


def test_open_tasks_follow_the_commune_the_completed_declaration_names(api, w, t):
    """A notice names one commune, the declaration another: the case's open tasks carry the
    commune it now has (the scoped inboxes read tasks by it)."""
    elsewhere = make_commune(name="Phường Lê Chân")
    case = notified(api, w.ent, notice_body(w.commune.code))
    body = completion(case, elsewhere.code)
    response = api.post(f"/cases/{case['id']}/actions/complete_declaration", w.ent, json=body)
    assert response.status_code == 200, response.get_json()
    db.session.expire_all()
    open_tasks = db.session.scalars(
        select(Task).where(Task.case_id == case["id"], Task.closed_at.is_(None))
    ).all()
    assert open_tasks and {(x.enterprise_id, x.commune_code) for x in open_tasks} == {
        (w.enterprise.id, elsewhere.code)
    }


def test_a_declaration_that_differs_from_the_notice_is_accepted_and_marked(api, w, t):
    case = notified(api, w.ent, notice_body(w.commune.code, seriously_injured=0, deaths=0,
                                            lightly_injured=1))  # fmt: skip
    body = completion(case, w.commune.code, outcomes=("death", "light"))
    done = api.post(f"/cases/{case['id']}/actions/complete_declaration", w.ent, json=body)
    assert done.status_code == 200
    done = done.get_json()
    assert done["data"]["notice"]["counts_differ"] is True
    assert (done["severity"], done["investigation_level"]) == ("fatal", "province")
    # The death the notice did not count is notified at once now.
    assert {n.user_id for n in notes("accident.declared_immediate")} == {w.insp.id, w.union.id}


def test_a_bad_declaration_tells_every_error_and_changes_nothing(api, w, t):
    case = notified(api, w.ent, notice_body(w.commune.code))
    body = completion(case, w.commune.code)
    body["victims"][0] = victim_body("death", national_id="123", birth_date="")
    body["victims"][1] = victim_body("serious", monthly_wage_vnd=0)
    body["location"] = ""
    before = api.observe(case["id"])
    response = api.post(f"/cases/{case['id']}/actions/complete_declaration", w.ent, json=body)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert {
        "location",
        "victims.0.national_id",
        "victims.0.birth_date",
        "victims.1.monthly_wage_vnd",
    } <= set(errors)
    assert api.observe(case["id"]) == before
    assert db.session.get(Case, case["id"]).victims == []


def test_a_stale_completion_is_refused(api, w):
    case = notified(api, w.ent, notice_body(w.commune.code))
    body = {**completion(case, w.commune.code), "version": case["version"] + 5}
    before = api.observe(case["id"])
    response = api.post(f"/cases/{case['id']}/actions/complete_declaration", w.ent, json=body)
    assert response.status_code == 409
    assert api.observe(case["id"]) == before


def test_the_commune_may_not_complete_an_employers_notice(api, w):
    case = notified(api, w.ent, notice_body(w.commune.code))
    # The commune sees it (it happened in its commune) but did not give it.
    assert api.get(f"/cases/{case['id']}", w.comm).status_code == 200
    body = completion(case, w.commune.code)
    body["labour_relation"] = False
    before = api.observe(case["id"])
    response = api.post(f"/cases/{case['id']}/actions/complete_declaration", w.comm, json=body)
    assert response.status_code == 409
    assert "Chỉ bên đã báo tin nhanh" in response.get_json()["error"]
    assert api.observe(case["id"]) == before


@pytest.mark.parametrize("who", ["insp", "union"])
def test_a_role_that_may_not_declare_may_not_complete(api, w, who):
    case = notified(api, w.ent, notice_body(w.commune.code))
    before = api.observe(case["id"])
    body = completion(case, w.commune.code)
    url = f"/cases/{case['id']}/actions/complete_declaration"
    assert api.post(url, getattr(w, who), json=body).status_code == 403
    assert api.observe(case["id"]) == before


def test_another_enterprise_does_not_see_the_notice(api, w):
    case = notified(api, w.ent, notice_body(w.commune.code))
    url = f"/cases/{case['id']}/actions/complete_declaration"
    assert api.post(url, w.other_ent, json=completion(case, w.commune.code)).status_code == 404


def test_a_declared_case_cannot_be_completed_and_a_straight_declaration_is_declared(api, w, t):
    case = api.declared(w.ent, accident_body(w.commune.code, ("death",)))
    assert case["state"] == "declared"
    assert t.deadline(case, "declaration") is None
    refused = api.refused(
        case["id"], "complete_declaration", w.ent, 409, **completion(case, w.commune.code)
    )
    assert "error" in refused


def test_the_inspectorate_may_reject_a_false_notice(api, w):
    case = notified(api, w.ent, notice_body(w.commune.code))
    done = api.acted(case["id"], "reject", w.insp, reason="Tin báo nhầm, không có tai nạn")
    assert done["state"] == "rejected"
    assert all(d["met_at"] for d in done["deadlines"])


# -- statistics ---------------------------------------------------------------------------------


def test_a_notice_counts_in_the_statistics_once_completed_and_only_once(api, w):
    def accidents():
        figures = api.get(
            "/statistics/accidents", w.insp, query_string={"from": "2026-11-01", "to": "2026-11-30"}
        ).get_json()
        return figures["accidents"], figures["victims"], figures["deaths"]

    case = notified(api, w.ent, notice_body(w.commune.code))
    assert accidents() == (0, 0, 0)  # counts, not people: not counted until completed
    body = completion(case, w.commune.code)
    assert (
        api.post(f"/cases/{case['id']}/actions/complete_declaration", w.ent, json=body).status_code
        == 200
    )
    assert accidents() == (1, 3, 1)


def test_form_01_is_issued_when_the_notice_is_completed_never_before(api, w, t):
    """A notice has counts, not people: no Form 01 while it waits (asking for it does not
    freeze one), the first version is issued by the completion and names the victims."""
    from app.models import IssuedPaper

    case = notified(api, w.ent, notice_body(w.commune.code))
    assert api.get(f"/cases/{case['id']}/papers/declaration.pdf", w.ent).status_code == 404
    db.session.expire_all()
    assert (
        db.session.scalars(select(IssuedPaper).where(IssuedPaper.case_id == case["id"])).all() == []
    )
    response = api.post(
        f"/cases/{case['id']}/actions/complete_declaration",
        w.ent,
        json=completion(case, w.commune.code),
    )
    assert response.status_code == 200, response.get_json()
    db.session.expire_all()
    [issued] = db.session.scalars(select(IssuedPaper).where(IssuedPaper.case_id == case["id"]))
    assert (issued.name, issued.version, issued.cause) == ("declaration", 1, "complete_declaration")
    assert api.get(f"/cases/{case['id']}/papers/declaration.pdf", w.ent).status_code == 200
