"""/admin/jobs: failed RQ jobs with a retry button; embedded, the undelivered emails."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.jobs import get_queue, job_status
from app.models import Notification
from tests.conftest import csrf_token_from
from tests.factories import make_accident, make_user

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def admin():
    return make_user("admin", username="qt1")


def test_only_the_admin_may_open_it(admin, client, login):
    make_user("inspector", username="tt1")
    login("tt1")
    assert client.get("/admin/jobs").status_code == 403
    assert client.post("/admin/jobs/retry-emails").status_code in (400, 403)


def test_embedded_page_says_jobs_run_in_process_and_lists_undelivered_email(
    admin, client, login, mailbox
):
    inspector = make_user("inspector")
    make_accident(make_user("enterprise"), outcomes=("death",))  # SMTP is down: not sent
    note = db.session.scalar(select(Notification))
    note.created_at = note.created_at - timedelta(minutes=10)
    db.session.commit()

    login("qt1")
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert 'data-testid="jobs-inline"' in page and "không có redis" in page.lower()
    assert f'data-notification="{note.id}"' in page and inspector.email in page
    assert "accident.declared_immediate" in page

    mailbox.start()
    response = client.post("/admin/jobs/retry-emails", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    assert [m["To"] for m in mailbox.messages] == [inspector.email]
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert 'data-testid="no-pending-emails"' in page


def test_retry_needs_the_csrf_token(admin, client, login, mailbox):
    make_user("inspector")
    make_accident(make_user("enterprise"), outcomes=("death",))
    login("qt1")
    mailbox.start()
    assert client.post("/admin/jobs/retry-emails").status_code == 400
    assert mailbox.messages == []


@pytest.mark.redis
def test_failed_jobs_are_listed_with_their_error_and_can_be_retried(
    admin, client, login, redis_conn
):
    from rq import SimpleWorker

    from app.jobs import redis_connection

    queue = get_queue("deadlines")
    queue.enqueue("app.jobs.deadlines.parse_as_of", "not-a-time", job_id="broken-1")
    SimpleWorker([queue], connection=redis_connection()).work(burst=True)
    assert job_status("broken-1") == "failed"

    login("qt1")
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert 'data-testid="queues"' in page
    assert 'data-job="broken-1"' in page
    assert "ValueError: --as-of &#39;not-a-time&#39; is not an ISO 8601 time" in page

    token = csrf_token_from(page)
    response = client.post(
        "/admin/jobs/retry", data={"csrf_token": token, "queue": "deadlines", "job_id": "broken-1"}
    )
    assert response.status_code == 302
    assert job_status("broken-1") == "queued"
    missing = client.post(
        "/admin/jobs/retry", data={"csrf_token": token, "queue": "deadlines", "job_id": "nope"}
    )
    assert missing.status_code == 302
    assert "Không tìm thấy công việc lỗi nope" in client.get("/admin/jobs").get_data(as_text=True)
