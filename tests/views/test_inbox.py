"""Role inboxes: GET /tasks/ (and GET /api/v1/tasks) — own role and scope, soonest first."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from app.clock import VN_TZ, as_utc
from app.extensions import db
from app.models import Task
from app.tasks.views import open_task_count
from tests.factories import make_accident, make_enterprise, make_user


@pytest.fixture
def office(app):
    """One enterprise with two accidents (light: 4 days, serious: 7 days) and outsiders."""
    enterprise = make_enterprise()
    officer = make_user("enterprise", enterprise=enterprise, username="dn1")
    light = make_accident(officer, outcomes=("light",))
    serious = make_accident(officer, outcomes=("serious",))
    return {
        "officer": officer,
        "light": light,
        "serious": serious,
        "outsider": make_user("enterprise", username="dn2"),
        "inspector": make_user("inspector", username="tt1"),
        "admin": make_user("admin", username="qt1"),
    }


def tasks_of(case) -> list[Task]:
    return list(db.session.scalars(select(Task).where(Task.case_id == case.id)))


def rows(html: str) -> list[str]:
    return re.findall(r'<tr data-task="\d+".*?</tr>', html, re.S)


def test_inbox_lists_own_open_tasks_soonest_first_with_case_links(office, client, login):
    login("dn1")
    response = client.get("/tasks/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    found = rows(html)
    assert len(found) == 2
    assert office["light"].code in found[0] and office["serious"].code in found[1]
    assert f'href="/cases/{office["light"].id}"' in found[0]
    assert "Thành lập đoàn điều tra tai nạn lao động" in found[0]
    [task] = tasks_of(office["light"])
    local = as_utc(task.due_at).astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")
    assert local in found[0]
    assert "Quá hạn" not in html


def test_overdue_tasks_are_marked_red(office, client, login, frozen):
    [task] = tasks_of(office["light"])
    frozen(as_utc(task.due_at) + timedelta(hours=1))
    login("dn1")
    found = rows(client.get("/tasks/").get_data(as_text=True))
    assert 'class="task-overdue"' in found[0] and '<span class="overdue">Quá hạn</span>' in found[0]
    assert "Quá hạn" not in found[1], "the 7-day task is not overdue yet"


def test_other_scopes_see_nothing_of_it(office, client, login):
    login("dn2")
    html = client.get("/tasks/").get_data(as_text=True)
    assert rows(html) == [] and "Không có việc nào đang chờ bạn." in html
    assert office["light"].code not in html


def test_the_inspector_sees_province_tasks_only(office, client, login):
    fatal = make_accident(office["officer"], outcomes=("death",))
    login("tt1")
    html = client.get("/tasks/").get_data(as_text=True)
    assert fatal.code in html and "Có mặt tại hiện trường trong 02 giờ" in html
    assert office["light"].code not in html, "an enterprise-level step is not the inspector's"


def test_admin_is_refused_and_anonymous_is_sent_to_login(office, client, login):
    response = client.get("/tasks/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login("qt1")
    assert client.get("/tasks/").status_code == 403


def test_nav_shows_the_task_count(office, client, login):
    login("dn1")
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'href="/tasks/"[^>]*>Việc cần làm <span class="badge"[^>]*>2</span>', html)


def test_the_task_counter_is_one_count_query(office, app):
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    officer = office["officer"]
    assert officer.role and officer.enterprise_id  # loaded before counting statements
    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert open_task_count(officer) == 2
    finally:
        event.remove(engine, "before_cursor_execute", record)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1 and "count(" in selects[0].lower()
    assert open_task_count(office["outsider"]) == 0
    assert open_task_count(office["admin"]) == 0
    assert app.extensions["safecase_nav_counters"]["tasks"] is open_task_count


# -- the API ---------------------------------------------------------------------------------

CONTRACT_KEYS = {"id", "case_id", "case_code", "title", "role", "due_at", "overdue"}


def test_api_tasks_match_the_contract(office, client, api_token, frozen):
    token = api_token("dn1")
    body = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert [t["case_code"] for t in body] == [office["light"].code, office["serious"].code]
    for item in body:
        assert CONTRACT_KEYS <= set(item)
        assert item["role"] == "enterprise" and item["overdue"] is False
        assert item["title"] == "Thành lập đoàn điều tra tai nạn lao động"
        assert item["due_at"].endswith("+00:00")
    [task] = tasks_of(office["light"])
    frozen(as_utc(task.due_at) + timedelta(minutes=1))
    token = api_token("dn1")  # days later: the first token has expired
    body = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert [t["overdue"] for t in body] == [True, False]


def test_api_tasks_are_scoped_and_need_a_token(office, client, api_token):
    token = api_token("dn2")
    assert (
        client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).get_json() == []
    )
    assert client.get("/api/v1/tasks").status_code == 401
    admin = api_token("qt1")
    assert (
        client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {admin}"}).status_code == 403
    )
