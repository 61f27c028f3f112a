"""Lists that do not slow down (issue #14): keyset cursors, refused cursors, capped counts, the
inbox and "my workers" paged and filtered in SQL, and the statements of every list the same
for 10 rows as for 100."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select, update

from app import clock
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Case, Notification, Task
from app.services import claims, inbox, paging
from app.services.cases import CaseFilters, list_case_rows, list_cases
from tests.api.claim_flow import announce_accident, assessed_claim, claims_of
from tests.factories import NOW, make_accident, make_enterprise, make_user

pytestmark = pytest.mark.usefixtures("frozen")


@contextmanager
def counted():
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def statements_of(call) -> int:
    db.session.expire_all()
    with counted() as statements:
        call()
    return len(statements)


def declare_many(user, n: int, start=NOW) -> list[Case]:
    """``n`` accidents declared a minute apart (oldest first), the clock left after them."""
    made = []
    for i in range(n):
        clock.freeze(start + timedelta(minutes=i))
        made.append(make_accident(user, ("light",)))
    return made


@pytest.fixture
def officer(app):
    enterprise = make_enterprise()
    return make_user("enterprise", enterprise=enterprise, username="dn1")


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


# -- the case list ---------------------------------------------------------------------------


def test_a_cursor_walk_returns_every_case_once_while_cases_are_declared(officer):
    first = declare_many(officer, 7)
    inspector = make_user("inspector", username="tt1")
    seen: list[int] = []
    cursor = None
    later = NOW + timedelta(hours=1)
    arrived = []
    for step in range(20):
        page = list_cases(inspector, CaseFilters(), per_page=3, cursor=cursor)
        seen += [case.id for case in page.items]
        # Newest first: what is declared meanwhile comes before the cursor, never after.
        clock.freeze(later + timedelta(minutes=step))
        arrived.append(make_accident(officer, ("light",)).id)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert sorted(seen) == sorted(case.id for case in first)
    assert len(seen) == len(set(seen)) == 7
    assert seen == [case.id for case in reversed(first)]
    # A walk started now finds the first seven and every case declared during the walk.
    everything = list_cases(inspector, CaseFilters(), per_page=100)
    assert len(everything.items) == 7 + len(arrived) and not everything.next_cursor


def test_the_api_walks_by_next_cursor_and_keeps_page(client, api_token, officer):
    declare_many(officer, 5)
    make_user("inspector", username="tt1")
    headers = bearer(api_token("tt1"))
    body = client.get("/api/v1/cases?per_page=2", headers=headers).get_json()
    assert body["page"] == 1 and body["pages"] == 3 and body["total"] == 5
    assert body["total_is_estimate"] is False and body["total_is_capped"] is False
    codes = [item["code"] for item in body["items"]]
    while body["next_cursor"]:
        body = client.get(
            f"/api/v1/cases?per_page=2&cursor={body['next_cursor']}", headers=headers
        ).get_json()
        assert body["page"] is None
        codes += [item["code"] for item in body["items"]]
    by_page = client.get("/api/v1/cases?per_page=2&page=3", headers=headers).get_json()
    assert by_page["items"][0]["code"] == codes[4]
    assert len(codes) == len(set(codes)) == 5


@pytest.mark.parametrize(
    "cursor",
    ["nonsense", "WzEsMl0", "W1siMjAyNi0xMS0yMCJdLDFd.AAAA", "x" * 400, "%E1%BA%A1.b"],
)
def test_a_bad_cursor_is_422_in_the_api(client, api_token, officer, cursor):
    make_user("inspector", username="tt1")
    headers = bearer(api_token("tt1"))
    for path in ("/api/v1/cases", "/api/v1/notifications", "/api/v1/tasks"):
        response = client.get(f"{path}?cursor={cursor}", headers=headers)
        assert response.status_code == 422, path
        assert response.get_json()["errors"]["cursor"] == ["Con trỏ trang không hợp lệ."]


def test_a_cursor_of_another_list_or_edited_is_refused(app, client, api_token, officer):
    declare_many(officer, 3)
    make_user("inspector", username="tt1")
    headers = bearer(api_token("tt1"))
    good = client.get("/api/v1/cases?per_page=1", headers=headers).get_json()["next_cursor"]
    assert client.get(f"/api/v1/cases?cursor={good}", headers=headers).status_code == 200
    # The same key signed for another list, and a signature changed by one character.
    with app.test_request_context():
        foreign = paging.encode_cursor(
            "notifications", paging.decode_cursor("cases", good, (paging.datetime, int))
        )
    edited = good[:-1] + ("A" if good[-1] != "A" else "B")
    for cursor in (foreign, edited):
        response = client.get(f"/api/v1/cases?cursor={cursor}", headers=headers)
        assert response.status_code == 422
        assert "cursor" in response.get_json()["errors"]


def test_a_bad_cursor_on_a_page_shows_the_first_page_with_a_message(client, login, officer):
    declare_many(officer, 2)
    login("dn1")
    for path in ("/cases/", "/tasks/", "/notifications/", "/claims/"):
        response = client.get(f"{path}?cursor=tampered", follow_redirects=True)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert "Liên kết trang không còn hợp lệ" in html, path


def test_a_hand_edited_filter_value_shows_the_list_without_it(client, login, officer):
    """``/tasks/?kind=foo`` and ``/claims/?status=foo``: the list without that filter (the
    others kept) and a message, not an error page with field names."""
    declare_many(officer, 2)
    login("dn1")
    response = client.get("/tasks/?kind=foo&overdue=1")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/tasks/?overdue=1")
    page = client.get("/tasks/?kind=foo", follow_redirects=True)
    assert page.status_code == 200 and "Giá trị lọc không hợp lệ đã được bỏ" in page.text
    assert "kind:" not in page.text


def test_a_hand_edited_status_shows_my_workers_without_it(client, login, officer):
    make_user("union", username="cd9", enterprise=officer.enterprise)
    login("cd9")
    response = client.get("/claims/?status=foo&code=A0")
    assert response.status_code == 302 and response.headers["Location"].endswith("?code=A0")


def test_the_web_list_links_the_next_page_by_cursor(client, login, officer):
    declare_many(officer, 27)  # the web list shows 25
    login("dn1")
    html = client.get("/cases/").get_data(as_text=True)
    link = re.search(r'href="([^"]+)" rel="next" data-testid="next-page"', html)
    assert link and "cursor=" in link.group(1) and "page=2" in link.group(1)
    second = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert len(re.findall(r'data-testid="case-row"', second)) == 2
    assert 'aria-current="page">2<' in second


def test_the_count_is_capped_and_says_so(client, login, api_token, officer, monkeypatch):
    declare_many(officer, 6)
    monkeypatch.setattr(paging, "COUNT_CAP", 4)
    make_user("inspector", username="tt1")
    body = client.get("/api/v1/cases?per_page=2", headers=bearer(api_token("tt1"))).get_json()
    assert body["total"] == 4 and body["total_is_capped"] is True
    assert body["total_is_estimate"] is True and body["pages"] == 2
    monkeypatch.setattr(paging, "COUNT_CAP", 6)  # exactly at the cap: exact
    body = client.get("/api/v1/cases?per_page=2", headers=bearer(api_token("tt1"))).get_json()
    assert body["total"] == 6 and body["total_is_capped"] is False
    monkeypatch.setattr(paging, "COUNT_CAP", 5)
    login("dn1")
    html = client.get("/cases/").get_data(as_text=True)
    assert 'data-testid="total-capped">hơn 5 vụ<' in html


# -- the inbox -------------------------------------------------------------------------------


def test_the_inbox_pages_soonest_first_undated_last_and_filters(client, api_token, officer):
    cases = declare_many(officer, 5)
    tasks = list(db.session.scalars(select(Task).where(Task.closed_at.is_(None))))
    assert len(tasks) == 5 and {t.role for t in tasks} == {"enterprise"}
    # Two undated tasks; the others due in the reverse order of their ids.
    for offset, task in enumerate(sorted(tasks, key=lambda t: t.id)):
        due = None if offset < 2 else NOW + timedelta(days=10 - offset)
        db.session.execute(update(Task).where(Task.id == task.id).values(due_at=due))
    db.session.commit()
    by_id = sorted(t.id for t in tasks)
    expected = [by_id[4], by_id[3], by_id[2], by_id[0], by_id[1]]
    clock.freeze(NOW + timedelta(days=7, hours=12))  # by_id[3] (day 7) and by_id[4] are overdue
    walked, cursor = [], None
    while True:
        page = inbox.inbox(officer, per_page=2, cursor=cursor)
        walked += [t.id for t in page.items]
        assert page.total == 5
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert walked == expected
    overdue = inbox.inbox(officer, inbox.TaskFilters(overdue=True))
    assert [t.id for t in overdue.items] == [by_id[4], by_id[3]] and overdue.total == 2
    one = inbox.inbox(officer, inbox.TaskFilters(case_code=cases[0].code.lower()))
    assert [t.case_id for t in one.items] == [cases[0].id]
    # A part of the code, as "my workers" takes it: its number alone, in any letter case.
    part = cases[0].code.split("-")[-1].lower()
    assert [t.case_id for t in inbox.inbox(officer, inbox.TaskFilters(case_code=part)).items] == [
        cases[0].id
    ]
    assert inbox.inbox(officer, inbox.TaskFilters(case_code="50%")).items == []
    assert inbox.inbox(officer, inbox.TaskFilters(kind="disease")).items == []
    # The API: a JSON list, the next page in the Link header.
    headers = bearer(api_token("dn1"))
    response = client.get("/api/v1/tasks?per_page=3", headers=headers)
    assert [t["id"] for t in response.get_json()] == expected[:3]
    assert response.headers["X-Total-Count"] == "5"
    link = re.match(r"<([^>]+)>; rel=\"next\"", response.headers["Link"])
    rest = client.get(link.group(1), headers=headers)
    assert [t["id"] for t in rest.get_json()] == expected[3:] and "Link" not in rest.headers
    bad = client.get("/api/v1/tasks?kind=nothing", headers=headers)
    assert bad.status_code == 422 and "kind" in bad.get_json()["errors"]


def test_a_scoped_inbox_holds_its_own_tasks_only_each_with_its_cases_scope(officer):
    """An enterprise's and a commune's inbox read their own tasks (by the scope each task
    copies from its case, migration 0013): never another's, whoever has more."""
    other = make_user("enterprise", enterprise=make_enterprise())
    commune = make_user("commune")
    other_commune = make_user("commune")
    mine = declare_many(officer, 2)
    theirs = declare_many(other, 3, start=NOW + timedelta(hours=1))
    by_commune = make_accident(commune, ("light",))
    make_accident(other_commune, ("light",))
    for task in db.session.scalars(select(Task)):
        case = db.session.get(Case, task.case_id)
        assert (task.enterprise_id, task.commune_code) == (case.enterprise_id, case.commune_code)
    assert {t.case_id for t in inbox.inbox(officer).items} == {c.id for c in mine}
    assert {t.case_id for t in inbox.inbox(other).items} == {c.id for c in theirs}
    page = inbox.inbox(commune)
    assert {t.case_id for t in page.items} == {by_commune.id} and page.total == 1


def test_the_inbox_page_filters_and_links_the_next_page(client, login, officer):
    declare_many(officer, 27)
    login("dn1")
    html = client.get("/tasks/").get_data(as_text=True)
    assert len(re.findall(r'<tr data-task="\d+"', html)) == 25
    link = re.search(r'href="([^"]+)" rel="next" data-testid="next-page"', html).group(1)
    second = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert len(re.findall(r'<tr data-task="\d+"', second)) == 2
    code = db.session.scalar(select(Case.code).order_by(Case.id))
    one = client.get(f"/tasks/?case={code}").get_data(as_text=True)
    assert len(re.findall(r'<tr data-task="\d+"', one)) == 1


# -- my workers ------------------------------------------------------------------------------


def test_my_workers_pages_open_claims_by_urgency_and_filters(officer):
    start = clock.now()
    occurred = (start - timedelta(days=30)).isoformat()
    clock.freeze(start - timedelta(days=20))
    late = assessed_claim(officer, 25, occurred_at=occurred)  # compensation overdue by now
    clock.freeze(start - timedelta(days=1))
    soon = assessed_claim(officer, 25, occurred_at=occurred)
    clock.freeze(start)
    treatment = claims_of(announce_accident(officer, ("light", "light"), occurred_at=occurred))
    union = make_user("union", username="cd1", enterprise=officer.enterprise)
    walked, cursor = [], None
    while True:
        page = claims.my_workers(union, per_page=1, cursor=cursor)
        walked += [row.code for row in page.rows]
        assert page.total == 4
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    undated = sorted(treatment, key=lambda c: (c.declared_at, c.id), reverse=True)
    assert walked == [late.code, soon.code] + [c.code for c in undated]
    # One page holding every run: the same order.
    assert [row.code for row in claims.my_workers(union, per_page=10).rows] == walked
    overdue = claims.my_workers(union, claims.WorkerFilters(overdue=True))
    assert [row.code for row in overdue.rows] == [late.code] and overdue.total == 1
    by_accident = claims.my_workers(union, claims.WorkerFilters(code=treatment[0].parent.code))
    assert {row.code for row in by_accident.rows} == {c.code for c in treatment}
    assert claims.my_workers(union, claims.WorkerFilters(status="closed")).rows == []
    with pytest.raises(ValidationFailed) as refused:
        claims.my_workers(union, claims.WorkerFilters(status="nonsense"))
    assert "status" in refused.value.errors


# -- statements: the same for 10 rows as for 100 ---------------------------------------------


def test_every_list_sends_the_same_statements_for_10_and_100_rows(app, client, api_token, officer):
    declare_many(officer, 52)
    accident = announce_accident(officer, ("light",) * 50)
    union = make_user("union", username="cd1", enterprise=officer.enterprise)
    inspector = make_user("inspector", username="tt1")
    for i in range(101):
        db.session.add(
            Notification(
                user_id=inspector.id,
                case_id=accident.id,
                event="declared",
                subject=f"s{i}",
                body="b",
                created_at=NOW + timedelta(seconds=i),
            )
        )
    db.session.commit()
    headers = bearer(api_token("tt1"))
    officer_headers = bearer(api_token("dn1"))

    def api(path, headers):
        def call():
            assert client.get(path, headers=headers).status_code == 200

        return call

    lists = {
        "cases": lambda n: api(f"/api/v1/cases?per_page={n}", headers),
        "cases by cursor": lambda n: api(
            f"/api/v1/cases?per_page={n}&cursor="
            + client.get("/api/v1/cases?per_page=1", headers=headers).get_json()["next_cursor"],
            headers,
        ),
        "web case rows": lambda n: lambda: list_case_rows(inspector, CaseFilters(), per_page=n),
        "notifications": lambda n: api(f"/api/v1/notifications?per_page={n}", headers),
        "tasks": lambda n: api(f"/api/v1/tasks?per_page={n}", officer_headers),
        "my workers": lambda n: lambda: claims.my_workers(union, per_page=n),
        "inbox": lambda n: lambda: inbox.inbox(officer, per_page=n),
    }
    for name, make in lists.items():
        ten, hundred = make(10), make(100)
        statements_of(ten)  # warm: what is read once per process (the rulebook) is not counted
        rows_ten, rows_hundred = statements_of(ten), statements_of(hundred)
        assert rows_ten == rows_hundred, name
    # and the pages did hold 10 and 100 rows (or all there are)
    assert len(claims.my_workers(union, per_page=100).rows) == 50
    assert len(inbox.inbox(officer, per_page=100).items) >= 52
