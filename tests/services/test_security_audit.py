"""The security audit: every privileged act, sign-in, lockout, revocation and medical read is
recorded once, with its actor and address; the database refuses to change a row; ``flask
security verify`` finds any change made behind its back (here: with the guard trigger dropped).

On PostgreSQL the schema is shared by the whole session, so every test that drops a guard
recreates it in a ``finally`` block exactly as migration 0007 defines it, and checks that it
refuses again.
"""

from __future__ import annotations

import importlib.util
import io
import json
import logging
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError

from app.extensions import db
from app.models import GENESIS_HASH, MedicalAccessLog, SecurityChainHead, SecurityEvent
from app.services import security_audit
from app.services.audit import chain_hash
from tests.conftest import csrf_token_from, post_login
from tests.factories import PASSWORD, make_accident, make_enterprise, make_user

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"


def _migration_0007():
    (path,) = MIGRATIONS.glob("0007_*.py")
    spec = importlib.util.spec_from_file_location("migration_0007", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


APPEND_ONLY_MESSAGE = _migration_0007().APPEND_ONLY_MESSAGE


# -- helpers --------------------------------------------------------------------------------------


def last_seq() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.coalesce(func.max(SecurityEvent.seq), 0)))


def events_after(seq: int) -> list[SecurityEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(SecurityEvent).where(SecurityEvent.seq > seq).order_by(SecurityEvent.seq)
        )
    )


def text_of(response) -> str:
    return response.get_data(as_text=True)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _create_guard_sql(action: str) -> str:
    """The trigger as ``create_event_guards`` in migration 0007 creates it."""
    if _dialect() == "postgresql":
        return (
            f"CREATE TRIGGER security_event_no_{action} BEFORE {action.upper()} "
            "ON security_event FOR EACH ROW EXECUTE FUNCTION security_event_append_only()"
        )
    return (
        f"CREATE TRIGGER security_event_no_{action} BEFORE {action.upper()} "
        f"ON security_event BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
    )


def _drop_guard_sql(action: str) -> str:
    suffix = " ON security_event" if _dialect() == "postgresql" else ""
    return f"DROP TRIGGER security_event_no_{action}{suffix}"


def assert_refused(statement) -> None:
    with pytest.raises(DBAPIError) as raised:
        db.session.execute(statement)
        db.session.flush()
    db.session.rollback()
    assert APPEND_ONLY_MESSAGE in str(raised.value)


@contextmanager
def guard_dropped(action: str):
    """Drop ``security_event_no_<action>`` for the block; always put it back, and prove it."""
    db.session.commit()
    db.session.execute(text(_drop_guard_sql(action)))
    db.session.commit()
    try:
        yield
    finally:
        db.session.rollback()
        db.session.execute(text(_create_guard_sql(action)))
        db.session.commit()
        table = SecurityEvent.__table__
        statement = (
            update(table).values(actor="probe")
            if action == "update"
            else delete(table).where(table.c.id > 0)
        )
        assert_refused(statement)


def verify(runner):
    db.session.commit()  # hold no transaction while the command reads (SQLite write lock)
    return runner.invoke(args=["security", "verify"])


@pytest.fixture
def admin(signed_in):
    """The administrator ``qt1``, signed in in a browser of its own."""
    make_user("admin", username="qt1")
    return signed_in("qt1")


@pytest.fixture
def three_events(app):
    """Three events by three accounts (the chain the tampering tests change)."""
    for name in ("mot", "hai", "ba"):
        user = make_user("inspector", username=name)
        security_audit.record("auth.sign_in", actor=user, target_type="user", target=name)
    db.session.commit()
    return last_seq()


# -- every act, once, with its actor ------------------------------------------------------------


def test_every_admin_act_through_the_pages_is_recorded_once_with_its_actor(admin, declaration_day):
    """Accounts, rules tables, holidays, code lists and an enterprise's classification: each
    act once, in order, by ``qt1`` from the browser's address; refused forms record nothing."""
    enterprise = make_enterprise(industry_code="C25")
    start = last_seq()
    csrf = csrf_token_from(text_of(admin.get("/admin/users/new")))

    def post(url, **data):
        response = admin.post(url, data={"csrf_token": csrf, **data})
        assert response.status_code in (302, 422), (url, response.status_code)
        return response

    # Refused: a weak password, an unknown rule, a duplicate code. Nothing is recorded.
    post(
        "/admin/users", username="hoa", full_name="Hoa", role="inspector", password="x", confirm="x"
    )
    post(
        "/admin/rules",
        **{
            "rule-key": "nope",
            "rule-valid_from": "01/07/2027",
            "rule-value": "1",
            "rule-source": "x",
        },
    )
    post("/admin/codes/cause", **{"new-code": "NSD01", "new-label_vi": "Trùng"})
    assert events_after(start) == []

    post(
        "/admin/users",
        username="hoa",
        full_name="Nguyễn Thị Hoa",
        role="inspector",
        password="s3cret-pass",
        confirm="s3cret-pass",
        email="",
        enterprise="",
        commune="",
    )
    from app.models import User

    user = db.session.scalar(select(User).where(User.username == "hoa"))
    edit_page = text_of(admin.get(f"/admin/users/{user.id}"))
    stamp = edit_page.split('name="stamp" type="hidden" value="')[1].split('"')[0]
    post(
        f"/admin/users/{user.id}",
        full_name="Nguyễn Thị Hoa",
        email="",
        role="insurance",
        enterprise="",
        commune="",
        stamp=stamp,
    )
    admin.post(
        f"/admin/users/{user.id}/password",
        data={
            "reset-csrf_token": csrf,
            "reset-password": "new-horse-9",
            "reset-confirm": "new-horse-9",
        },
    )
    post(f"/admin/users/{user.id}/deactivate")
    post(f"/admin/users/{user.id}/reactivate")
    post(
        "/admin/rules",
        **{
            "rule-key": "base_salary_vnd",
            "rule-valid_from": "01/07/2027",
            "rule-value": "3.000.000",
            "rule-source": "Nghị định thử/2027",
        },
    )
    from app.models import HolidayAdjustment, RuleValue

    rule = db.session.scalar(select(RuleValue).where(RuleValue.key == "base_salary_vnd"))
    post(f"/admin/rules/{rule.id}/withdraw")
    post(
        "/admin/holidays",
        **{"holiday-day": "2027-04-26", "holiday-change": "added", "holiday-note": "Nghỉ bù"},
    )
    holiday = db.session.scalar(select(HolidayAdjustment))
    post(f"/admin/holidays/{holiday.id}/withdraw")
    post(
        "/admin/codes/cause",
        **{"new-code": "NSD06", "new-label_vi": "Không kiểm định", "new-parent": "NSD"},
    )
    post("/admin/codes/cause/NSD06", label_vi="Không kiểm định thiết bị", label_en="")
    post("/admin/codes/cause/NSD06/deactivate")
    post("/admin/codes/cause/NSD06/reactivate")
    upload = admin.post(
        "/admin/codes/occupation/upload",
        data={
            "csrf_token": csrf,
            "upload-file": (
                io.BytesIO(b"code,label_vi\n7212,Th\xe1\xbb\xa3 h\xc3\xa0n\n"),
                "a.csv",
            ),
        },
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302
    post(f"/admin/enterprises/{enterprise.id}", industry_code="C30", ownership="foreign")

    events = events_after(start)
    assert [(e.action, e.target) for e in events] == [
        ("account.created", "hoa"),
        ("account.updated", "hoa"),
        ("account.password_reset", "hoa"),
        ("account.locked", "hoa"),
        ("account.unlocked", "hoa"),
        ("rules.value_added", "base_salary_vnd 2027-07-01"),
        ("rules.value_withdrawn", "base_salary_vnd 2027-07-01"),
        ("rules.holiday_added", "2027-04-26"),
        ("rules.holiday_withdrawn", "2027-04-26"),
        ("codes.added", "cause:NSD06"),
        ("codes.edited", "cause:NSD06"),
        ("codes.deactivated", "cause:NSD06"),
        ("codes.reactivated", "cause:NSD06"),
        ("codes.loaded", "occupation"),
        ("enterprise.classified", enterprise.tax_code),
    ]
    assert {(e.actor, e.actor_role, e.ip) for e in events} == {("qt1", "admin", "127.0.0.1")}
    by_action = {e.action: e for e in events}
    assert by_action["account.updated"].before == {"role": "inspector"}
    assert by_action["account.updated"].after == {"role": "insurance"}
    assert by_action["rules.value_added"].after == {
        "key": "base_salary_vnd",
        "valid_from": "2027-07-01",
        "value": "3000000",
        "source": "Nghị định thử/2027",
    }
    assert by_action["enterprise.classified"].before == {"industry_code": "C25", "ownership": None}
    assert by_action["enterprise.classified"].after == {
        "industry_code": "C30",
        "ownership": "foreign",
    }
    assert by_action["codes.loaded"].detail == {"rows": 1, "added": 1, "updated": 0}
    # Nothing secret is kept: not the new password, nor any hash of it.
    stored = json.dumps([[e.before, e.after, e.detail] for e in events], ensure_ascii=False)
    assert "new-horse-9" not in stored and "s3cret-pass" not in stored and "argon2" not in stored


def test_an_edit_that_changes_nothing_records_nothing(app):
    from app.services import users

    admin = make_user("admin")
    user = make_user("inspector", username="lan")
    start = last_seq()
    users.update_user(
        admin,
        user.id,
        stamp=users.account_stamp(user),
        full_name=user.full_name,
        email=user.email,
        role="inspector",
    )
    users.reactivate_user(admin, user.id)  # already active
    assert events_after(start) == []


def test_web_sign_ins_are_recorded_success_and_failure(app, client):
    make_user("inspector", username="thanh")
    make_user("inspector", username="khoa", active=False)
    start = last_seq()
    assert post_login(client, "thanh", "wrong-password").status_code == 401
    assert post_login(client, "nobody", "my-secret-typed-as-name").status_code == 401
    assert post_login(client, "khoa").status_code == 401
    assert post_login(client, "thanh").status_code == 302
    events = events_after(start)
    assert [(e.action, e.actor, e.actor_role, e.target, e.detail) for e in events] == [
        ("auth.sign_in_failed", "", "", "thanh", {"channel": "web", "reason": "wrong_password"}),
        # An unknown name is not kept: it is often a password typed in the wrong field.
        ("auth.sign_in_failed", "", "", "", {"channel": "web", "reason": "unknown_user"}),
        ("auth.sign_in_failed", "", "", "khoa", {"channel": "web", "reason": "inactive"}),
        ("auth.sign_in", "thanh", "inspector", "thanh", {"channel": "web"}),
    ]
    assert all(e.ip == "127.0.0.1" for e in events)


def test_api_sign_ins_are_recorded_once_each_with_the_token(app, client):
    from app.models import ApiToken

    make_user("insurance", username="bhxh")
    start = last_seq()
    wrong = client.post("/api/v1/tokens", json={"username": "bhxh", "password": "nope"})
    right = client.post("/api/v1/tokens", json={"username": "bhxh", "password": PASSWORD})
    assert (wrong.status_code, right.status_code) == (401, 201)
    token_id = db.session.scalar(select(ApiToken.id))
    events = events_after(start)
    assert [(e.action, e.actor, e.target, e.detail) for e in events] == [
        ("auth.sign_in_failed", "", "bhxh", {"channel": "api", "reason": "wrong_password"}),
        ("auth.sign_in", "bhxh", "bhxh", {"channel": "api", "token_id": token_id}),
    ]


def test_own_password_change_is_recorded(app, signed_in):
    make_user("commune", username="xa1")
    browser = signed_in("xa1")
    start = last_seq()
    csrf = csrf_token_from(text_of(browser.get("/account/password")))
    response = browser.post(
        "/account/password",
        data={
            "csrf_token": csrf,
            "current_password": PASSWORD,
            "new_password": "another-horse-2",
            "confirm": "another-horse-2",
        },
    )
    assert response.status_code == 302, text_of(response)
    events = events_after(start)
    assert [(e.action, e.actor, e.target) for e in events] == [
        ("auth.password_changed", "xa1", "xa1")
    ]


def test_command_line_acts_are_recorded_as_the_command_line(app, runner):
    from tests.factories import make_commune

    commune = make_commune()
    start = last_seq()
    result = runner.invoke(
        args=[
            "enterprise",
            "add",
            "--tax-code",
            "0209999999",
            "--name",
            "Công ty Dòng Lệnh",
            "--commune",
            commune.code,
            "--workers",
            "10",
        ]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=[
            "user",
            "add",
            "--username",
            "dn_cli",
            "--password",
            "long-enough-1",
            "--role",
            "enterprise",
            "--enterprise",
            "0209999999",
        ]
    )
    assert result.exit_code == 0, result.output
    events = events_after(start)
    assert [(e.action, e.target, e.actor, e.actor_role, e.ip) for e in events] == [
        ("enterprise.created", "0209999999", "(cli)", "system", None),
        ("account.created", "dn_cli", "(cli)", "system", None),
    ]
    assert events[1].after["enterprise"] == "0209999999"


def test_each_medical_read_is_in_the_access_log_and_the_security_audit_once(app, signed_in):
    reporter = make_user("enterprise", username="dn1")
    make_user("inspector", username="tt1")
    make_user("union", username="cd1")
    case = make_accident(reporter, ("serious",))
    start = last_seq()
    assert signed_in("cd1").get(f"/cases/{case.id}").status_code == 200  # sees no medical detail
    inspector = signed_in("tt1")
    assert inspector.get(f"/cases/{case.id}").status_code == 200
    reads = [e for e in events_after(start) if e.action == "medical.read"]
    logged = db.session.scalars(select(MedicalAccessLog)).all()
    assert len(logged) == 1
    assert [(e.actor, e.target, e.detail["fields"]) for e in reads] == [
        ("tt1", case.code, logged[0].fields)
    ]
    assert reads[0].ip == "127.0.0.1"


def test_a_failed_act_leaves_no_event(app):
    """The event is written in the act's own transaction: a refused act rolls it back too."""
    from app.errors import ValidationFailed
    from app.services import codes

    start = last_seq()
    with pytest.raises(ValidationFailed):
        codes.load_csv("cause", b"code,label_vi\nNSD77,Ok\nNSD78,\n")
    with pytest.raises(ValueError):
        security_audit.record("nope", actor=None, target_type="user")
    assert events_after(start) == []


# -- the chain ----------------------------------------------------------------------------------


def test_each_event_chains_from_the_previous_one(three_events):
    rows = db.session.scalars(select(SecurityEvent).order_by(SecurityEvent.seq)).all()
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0].prev_hash == GENESIS_HASH
    for earlier, later in zip(rows, rows[1:], strict=False):
        assert later.prev_hash == earlier.hash
    # Computed independently: SHA-256 of the previous hash + the sorted compact JSON.
    last = rows[-1]
    content = json.dumps(
        {
            "seq": last.seq,
            "at": last.at.isoformat(timespec="microseconds"),
            "actor": "ba",
            "actor_id": last.actor_id,
            "actor_role": "inspector",
            "action": "auth.sign_in",
            "target_type": "user",
            "target": "ba",
            "before": None,
            "after": None,
            "detail": {},
            "ip": None,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    assert last.hash == chain_hash(last.prev_hash, content)
    head = db.session.get(SecurityChainHead, 1)
    assert (head.last_seq, head.last_hash) == (last.seq, last.hash)


def test_the_database_refuses_to_update_or_delete_an_event(three_events):
    seq = three_events
    assert_refused(update(SecurityEvent).where(SecurityEvent.seq == seq).values(actor="x"))
    assert_refused(
        text("UPDATE security_event SET action = 'auth.sign_in_failed' WHERE seq = :s").bindparams(
            s=seq
        )
    )
    assert_refused(delete(SecurityEvent).where(SecurityEvent.seq == seq))
    assert db.session.scalar(select(SecurityEvent.actor).where(SecurityEvent.seq == seq)) == "ba"


def test_an_intact_chain_verifies(three_events, runner):
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Nhật ký an ninh nguyên vẹn."


def _sql(statement: str, seq: int) -> None:
    db.session.execute(text(statement).bindparams(s=seq))


TAMPERING = {
    "actor": "UPDATE security_event SET actor = 'ke_gian' WHERE seq = :s",
    "action": "UPDATE security_event SET action = 'auth.sign_in_failed' WHERE seq = :s",
    "target": "UPDATE security_event SET target = 'admin' WHERE seq = :s",
    "ip": "UPDATE security_event SET ip = '10.0.0.9' WHERE seq = :s",
    "detail": 'UPDATE security_event SET detail = \'{"channel": "api"}\' WHERE seq = :s',
    "hash": f"UPDATE security_event SET hash = '{'f' * 64}' WHERE seq = :s",
}


@pytest.mark.parametrize("column", sorted(TAMPERING))
def test_a_row_edited_in_sql_makes_verify_fail_in_one_line(three_events, runner, column):
    middle = three_events - 1
    with guard_dropped("update"):
        if column == "detail" and _dialect() == "postgresql":
            _sql(TAMPERING[column].replace("'{", "CAST('{").replace("}'", "}' AS JSON)"), middle)
        else:
            _sql(TAMPERING[column], middle)
        db.session.commit()
        result = verify(runner)
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert f"#{middle}:" in lines[0]
    assert f"#{middle - 1}:" not in lines[0]


def test_a_time_moved_back_makes_verify_fail(three_events, runner):
    first = three_events - 2
    with guard_dropped("update"):
        row = db.session.scalar(select(SecurityEvent).where(SecurityEvent.seq == first))
        row.at = row.at - timedelta(days=1)
        db.session.commit()
        result = verify(runner)
    assert result.exit_code == 1
    assert f"#{first}: content does not match its hash" in result.output


@pytest.mark.parametrize("which", ["newest", "middle"])
def test_a_deleted_row_makes_verify_fail(three_events, runner, which):
    seq = three_events if which == "newest" else three_events - 1
    with guard_dropped("delete"):
        _sql("DELETE FROM security_event WHERE seq = :s", seq)
        db.session.commit()
        result = verify(runner)
    assert result.exit_code == 1, result.output
    assert len(result.output.strip().splitlines()) == 1
    if which == "newest":
        # No later link reveals it: the head still names the deleted event.
        assert f"the head names event {seq} as the last; the chain ends at {seq - 1}" in (
            result.output
        )
    else:
        assert f"#{seq + 1}: expected event {seq}" in result.output


# -- the application log ------------------------------------------------------------------------


def test_each_event_is_one_json_line_in_the_app_log_at_info(app, client, capsys):
    make_user("inspector", username="thanh")
    assert logging.getLogger("app").getEffectiveLevel() == logging.INFO
    capsys.readouterr()
    post_login(client, "thanh", "wrong-password")
    lines = [
        json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")
    ]
    events = [line for line in lines if "security_event" in line]
    assert len(events) == 1
    line = events[0]
    assert (line["level"], line["logger"]) == ("INFO", "app.services.security_audit")
    assert line["security_event"]["action"] == "auth.sign_in_failed"
    assert line["security_event"]["target"] == "thanh"
    assert (line["method"], line["path"], line["addr"]) == ("POST", "/login", "127.0.0.1")


# -- concurrent appends -------------------------------------------------------------------------


@pytest.mark.parametrize("head", ["kept", "deleted"])
def test_concurrent_appends_make_one_unbroken_chain(app, three_events, head):
    """Sixteen threads, each its own transaction and connection, append at once; with the head
    row deleted first, they also race to make it again (from the last event)."""
    import threading

    if head == "deleted":
        db.session.execute(delete(SecurityChainHead))
        db.session.commit()
    users = [make_user("inspector") for _ in range(16)]
    ids = [(u.id, u.username) for u in users]
    db.session.commit()
    barrier = threading.Barrier(len(ids))
    errors: list[BaseException] = []

    def append(user_id: int, username: str) -> None:
        try:
            with app.app_context():
                actor = security_audit.Actor(username, "inspector", user_id)
                barrier.wait(timeout=30)
                security_audit.record("auth.sign_in", actor=actor, target_type="user",
                                      target=username)  # fmt: skip
                db.session.remove()
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=append, args=pair) for pair in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    db.session.expire_all()
    added = events_after(three_events)
    assert sorted(e.target for e in added) == sorted(name for _, name in ids)
    assert [e.seq for e in added] == list(range(three_events + 1, three_events + 17))
    assert security_audit.verify_chain() == []
