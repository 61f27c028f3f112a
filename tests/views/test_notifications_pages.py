"""Notifications: the page, mark read (one, all), the email preference, the nav badge, the API.

A user only ever sees and changes their own notifications: another user's id is a 404.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.clock import now
from app.extensions import db
from app.models import Notification, User
from app.notifications.service import unread_count
from tests.conftest import csrf_token_from
from tests.factories import make_accident, make_user


def add_note(user, subject: str, *, minutes_ago: int = 0, urgent=False, read=False, case=None):
    note = Notification(
        user_id=user.id,
        case_id=case.id if case else None,
        event="accident.declared",
        urgent=urgent,
        subject=subject,
        body=f"Nội dung: {subject}",
        created_at=now() - timedelta(minutes=minutes_ago),
        read_at=now() if read else None,
    )
    db.session.add(note)
    db.session.commit()
    return note


@pytest.fixture
def inbox(app):
    # Declared before the inspectors exist, so its own notices reach nobody here.
    case = make_accident(make_user("enterprise"), outcomes=("light",))
    me = make_user("inspector", username="tt1")
    other = make_user("inspector", username="tt2")
    notes = {
        "old": add_note(me, "Thông báo cũ", minutes_ago=60, read=True),
        # Stored as the email's subject; the page shows its badge instead of the tags.
        "urgent": add_note(
            me, "[SafeCase] [KHẨN] Thông báo khẩn", minutes_ago=30, urgent=True, case=case
        ),
        "new": add_note(me, "Thông báo mới", minutes_ago=1, case=case),
        "others": add_note(other, "Của người khác"),
    }
    return {"me": me, "other": other, "case": case, **notes}


def items(html: str) -> list[str]:
    return re.findall(r'<li class="notification[^"]*" data-notification="\d+">.*?</li>', html, re.S)


def test_the_list_is_newest_first_unread_bold_urgent_marked(inbox, client, login):
    login("tt1")
    html = client.get("/notifications/").get_data(as_text=True)
    found = items(html)
    assert [("mới" in f, "khẩn" in f, "cũ" in f) for f in found] == [
        (True, False, False),
        (False, True, False),
        (False, False, True),
    ]
    assert (
        "<strong>Thông báo mới</strong>" in found[0] and 'class="notification unread"' in found[0]
    )
    assert 'class="notification unread urgent"' in found[1] and ">Khẩn<" in found[1]
    subject = re.search(r'<p class="notification-subject">(.*?)</p>', found[1], re.S).group(1)
    assert "<strong>Thông báo khẩn</strong>" in subject and "[KHẨN]" not in subject
    assert "<strong>" not in found[2], "a read notification is not bold"
    assert "Của người khác" not in html
    assert "2 thông báo chưa đọc" in html
    assert inbox["case"].code in found[0]


def test_marking_one_read(inbox, client, login):
    login("tt1")
    token = csrf_token_from(client.get("/notifications/").get_data(as_text=True))
    response = client.post(f"/notifications/{inbox['new'].id}/read", data={"csrf_token": token})
    assert response.status_code == 302
    assert db.session.get(Notification, inbox["new"].id).read_at is not None
    assert unread_count(inbox["me"]) == 1


def test_read_and_go_to_the_case(inbox, client, login):
    login("tt1")
    token = csrf_token_from(client.get("/notifications/").get_data(as_text=True))
    target = f"/cases/{inbox['case'].id}"
    response = client.post(
        f"/notifications/{inbox['urgent'].id}/read", data={"csrf_token": token, "next": target}
    )
    assert response.headers["Location"].endswith(target)
    evil = client.post(
        f"/notifications/{inbox['new'].id}/read",
        data={"csrf_token": token, "next": "https://evil.example/"},
    )
    assert "evil.example" not in evil.headers["Location"]


def test_another_users_notification_is_not_found_and_unchanged(inbox, client, login):
    login("tt1")
    token = csrf_token_from(client.get("/notifications/").get_data(as_text=True))
    response = client.post(f"/notifications/{inbox['others'].id}/read", data={"csrf_token": token})
    assert response.status_code == 404
    assert db.session.get(Notification, inbox["others"].id).read_at is None
    assert client.post("/notifications/999999/read", data={"csrf_token": token}).status_code == 404


def test_posts_need_the_csrf_token(inbox, client, login):
    login("tt1")
    assert client.post(f"/notifications/{inbox['new'].id}/read").status_code == 400
    assert client.post("/notifications/read-all").status_code == 400
    assert client.post("/notifications/preferences", data={"mute_email": "y"}).status_code == 400
    assert unread_count(inbox["me"]) == 2
    assert db.session.get(User, inbox["me"].id).mute_email is False


def test_read_all_touches_only_my_notifications(inbox, client, login):
    login("tt1")
    token = csrf_token_from(client.get("/notifications/").get_data(as_text=True))
    response = client.post("/notifications/read-all", data={"csrf_token": token})
    assert response.status_code == 302
    assert unread_count(inbox["me"]) == 0
    assert unread_count(inbox["other"]) == 1


def test_the_email_preference(inbox, client, login):
    login("tt1")
    page = client.get("/notifications/").get_data(as_text=True)
    assert "luôn được gửi email" in page  # urgent notices are never muted, and it says so
    token = csrf_token_from(page)
    client.post("/notifications/preferences", data={"csrf_token": token, "mute_email": "y"})
    assert db.session.get(User, inbox["me"].id).mute_email is True
    page = client.get("/notifications/").get_data(as_text=True)
    assert re.search(
        r'<input[^>]*checked[^>]*name="mute_email"|name="mute_email"[^>]*checked', page
    )
    client.post("/notifications/preferences", data={"csrf_token": token})
    assert db.session.get(User, inbox["me"].id).mute_email is False


def test_nav_badge_counts_unread(inbox, client, login):
    login("tt1")
    html = client.get("/").get_data(as_text=True)
    assert re.search(
        r'href="/notifications/"[^>]*>Thông báo <span class="badge"[^>]*>2</span>', html
    )


def test_anonymous_is_sent_to_login(client):
    response = client.get("/notifications/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_pages_are_paginated(app, client, login):
    me = make_user("inspector", username="tt9")
    for i in range(35):
        add_note(me, f"Thông báo {i}", minutes_ago=100 - i)
    login("tt9")
    first = client.get("/notifications/").get_data(as_text=True)
    assert len(items(first)) == 30 and "Thông báo 34" in first
    second = client.get("/notifications/?page=2").get_data(as_text=True)
    assert len(items(second)) == 5 and "Thông báo 0<" in second


# -- the API ---------------------------------------------------------------------------------


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_api_lists_only_my_notifications_newest_first(inbox, client, api_token):
    body = client.get("/api/v1/notifications", headers=auth(api_token("tt1"))).get_json()
    assert [i["subject"] for i in body["items"]] == [
        "Thông báo mới",
        "[SafeCase] [KHẨN] Thông báo khẩn",  # as stored: the API keeps the email's subject
        "Thông báo cũ",
    ]
    assert body["unread"] == 2 and body["total"] == 3 and body["page"] == 1
    first = body["items"][0]
    assert set(first) >= {"id", "case_id", "case_code", "event", "subject", "body", "urgent"}
    assert first["case_code"] == inbox["case"].code and first["read"] is False
    assert body["items"][1]["urgent"] is True
    unread = client.get("/api/v1/notifications?unread=1", headers=auth(api_token("tt1")))
    assert [i["subject"] for i in unread.get_json()["items"]] == [
        "Thông báo mới",
        "[SafeCase] [KHẨN] Thông báo khẩn",
    ]


def test_api_mark_read_own_only(inbox, client, api_token):
    token = api_token("tt1")
    response = client.post(f"/api/v1/notifications/{inbox['new'].id}/read", headers=auth(token))
    assert response.status_code == 200
    body = response.get_json()
    assert body["read"] is True and body["read_at"] and body["case_code"] == inbox["case"].code
    again = client.post(f"/api/v1/notifications/{inbox['new'].id}/read", headers=auth(token))
    assert again.get_json()["read_at"] == body["read_at"], "marking twice keeps the first time"
    others = client.post(f"/api/v1/notifications/{inbox['others'].id}/read", headers=auth(token))
    assert others.status_code == 404 and others.get_json()["error"]
    assert db.session.get(Notification, inbox["others"].id).read_at is None


def test_api_read_all_and_authentication(inbox, client, api_token):
    assert client.get("/api/v1/notifications").status_code == 401
    assert client.post(f"/api/v1/notifications/{inbox['new'].id}/read").status_code == 401
    body = client.post("/api/v1/notifications/read-all", headers=auth(api_token("tt1"))).get_json()
    assert body == {"updated": 2}
    assert unread_count(inbox["other"]) == 1
    bad = client.get("/api/v1/notifications?page=x", headers=auth(api_token("tt1")))
    assert bad.status_code == 422 and "page" in bad.get_json()["errors"]


def test_the_routes_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/notifications", "/notifications/{notification_id}/read"} <= set(paths)
    assert "/notifications/read-all" in paths
    assert db.session.scalar(select(Notification.id)) is None
