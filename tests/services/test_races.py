"""Races over real HTTP: many callers at once get one winner and clean conflicts, never a 500.

A threaded server answers 24 requests released together by a barrier. On SQLite the write
lock is taken at BEGIN (``BEGIN IMMEDIATE``) and writers queue on the busy timeout; on
PostgreSQL the engine locks the case row (``FOR UPDATE``). Either way exactly one caller
moves the case and the others see a stale version (409); "database is locked" never
reaches a user. The case-code counter is safe under the same pressure.
"""

from __future__ import annotations

import http.client
import json
import threading

from sqlalchemy import func, select

from app.extensions import db
from app.models import Case, CaseEvent
from tests.factories import accident_body, head, make_accident, make_user

CALLERS = 24


def post_json(host: str, path: str, token: str, body: dict) -> tuple[int, str]:
    connection = http.client.HTTPConnection(host, timeout=120)
    try:
        connection.request(
            "POST",
            path,
            body=json.dumps(body),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def fire_together(host: str, path: str, token: str, bodies: list[dict]) -> list[tuple[int, str]]:
    """POST every body from its own thread, all released at the same moment."""
    barrier = threading.Barrier(len(bodies))
    results: list[tuple[int, str] | None] = [None] * len(bodies)

    def call(index: int) -> None:
        barrier.wait(timeout=60)
        try:
            results[index] = post_json(host, path, token, bodies[index])
        except Exception as exc:  # a dropped connection must fail the test, not hang it
            results[index] = (-1, repr(exc))

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert all(not t.is_alive() for t in threads), "a request never came back"
    return [r for r in results if r is not None]


def test_same_trigger_same_version_from_24_callers_has_one_winner(app, live_server, api_token):
    enterprise = make_user("enterprise")
    make_user("inspector", username="ins_race")
    case = make_accident(enterprise, outcomes=("death",))
    case_id = case.id
    token = api_token("ins_race")
    db.session.commit()  # hold no transaction (on SQLite: no write lock) while the server runs

    results = fire_together(
        live_server,
        f"/api/v1/cases/{case_id}/actions/open_investigation",
        token,
        [{"version": 1, "team": head()} for _ in range(CALLERS)],
    )

    statuses = sorted(status for status, _ in results)
    assert len(results) == CALLERS
    assert not [r for r in results if r[0] >= 500 or r[0] < 0], results
    assert statuses.count(200) == 1, results
    assert statuses.count(409) == CALLERS - 1, results
    for status, body in results:
        assert "locked" not in body.lower()
        if status == 409:
            assert json.loads(body)["error"]

    db.session.expire_all()
    row = db.session.get(Case, case_id)
    assert (row.state, row.version) == ("investigating", 2)
    fired = db.session.scalar(
        select(func.count())
        .select_from(CaseEvent)
        .where(CaseEvent.case_id == case_id, CaseEvent.trigger == "open_investigation")
    )
    assert fired == 1
    seqs = db.session.scalars(
        select(CaseEvent.seq).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq)
    ).all()
    assert seqs == [1, 2, 3]  # the declaration, its Form 01 issued, the one move


def test_24_concurrent_declarations_get_24_distinct_codes(app, live_server, api_token):
    enterprise = make_user("enterprise", username="dn_race")
    commune_code = enterprise.enterprise.commune_code
    token = api_token("dn_race")
    db.session.commit()

    results = fire_together(
        live_server,
        "/api/v1/cases",
        token,
        [accident_body(commune_code, ("light",)) for _ in range(CALLERS)],
    )

    assert [status for status, _ in results] == [201] * CALLERS, results
    codes = [json.loads(body)["code"] for _, body in results]
    assert len(set(codes)) == CALLERS
    sequence = sorted(int(code[-6:]) for code in codes)
    assert sequence == list(range(1, CALLERS + 1))

    db.session.expire_all()
    stored = db.session.scalars(select(Case.code).where(Case.kind == "accident")).all()
    assert sorted(stored) == sorted(codes)


def test_two_claims_closing_at_once_leave_their_accident_one_close_task(
    app, live_server, api_token
):
    """Each claim's move reconciles the accident's tasks; it locks the accident first, so the
    second to commit sees the first claim closed and opens "close the case" exactly once."""
    from app.models import Task
    from tests.api.claim_flow import announce_accident, claims_of, stamp
    from tests.factories import act

    enterprise = make_user("enterprise", username="dn_claims")
    make_user("union", username="cd_claims", enterprise_id=enterprise.enterprise_id)
    accident = announce_accident(enterprise, outcomes=("light", "light"))
    claims = claims_of(accident)
    for claim in claims:  # below 5 %: not eligible, so each may be closed straight away
        act(claim, enterprise, "refer_for_assessment", referred_at=stamp())
        act(claim, enterprise, "record_assessment", capacity_loss_pct=3, assessed_at=stamp())
    for claim in claims:
        db.session.refresh(claim)
    requests = [(f"/api/v1/cases/{c.id}/actions/close", {"version": c.version}) for c in claims]
    accident_id = accident.id
    token = api_token("cd_claims")
    db.session.commit()

    barrier = threading.Barrier(len(requests))
    results: list[tuple[int, str]] = []

    def close(path: str, body: dict) -> None:
        barrier.wait(timeout=60)
        results.append(post_json(live_server, path, token, body))

    threads = [threading.Thread(target=close, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(status for status, _ in results) == [200, 200], results
    db.session.expire_all()
    open_close_tasks = db.session.scalars(
        select(Task).where(
            Task.case_id == accident_id, Task.name == "close", Task.closed_at.is_(None)
        )
    ).all()
    assert len(open_close_tasks) == 1


def get_bytes(host: str, path: str, token: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(host, timeout=120)
    try:
        connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_eight_first_downloads_of_a_paper_store_it_once(app, live_server, api_token):
    """A paper first asked for by many readers at once (a case older than stored papers, its
    PDF not drawn yet): all get the same bytes, the paper is issued once and stored once."""
    import dataclasses
    import hashlib

    from workflows import REGISTRY

    enterprise = make_user("enterprise", username="dn_race")
    accident = REGISTRY["accident"]
    REGISTRY["accident"] = dataclasses.replace(accident, papers=())
    try:
        case = make_accident(enterprise, outcomes=("death",))  # as declared before 0012
    finally:
        REGISTRY["accident"] = accident
    case_id = case.id
    token = api_token("dn_race")
    db.session.commit()
    barrier = threading.Barrier(8)
    results: list[tuple[int, bytes]] = []

    def call() -> None:
        barrier.wait(timeout=60)
        results.append(get_bytes(live_server, f"/api/v1/cases/{case_id}/papers/declaration.pdf",
                                 token))  # fmt: skip

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert [status for status, _ in results] == [200] * 8, results
    assert len({body for _, body in results}) == 1
    db.session.expire_all()
    events = db.session.execute(
        select(CaseEvent.trigger, CaseEvent.payload).where(CaseEvent.case_id == case_id)
    ).all()
    assert [t for t, _ in events].count("issue_paper") == 1
    (stored,) = [p for t, p in events if t == "store_paper"]
    assert stored["sha256"] == hashlib.sha256(results[0][1]).hexdigest()
