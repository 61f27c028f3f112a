"""Migrations: ``flask db upgrade`` on an empty database produces exactly the models."""

import json
import unicodedata
from datetime import datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app import create_app
from app.extensions import db


def test_upgrade_on_an_empty_sqlite_file_matches_the_models(tmp_path):
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.db'}"})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert diff == []


def test_the_test_database_matches_the_models(app):
    """The same check on the suite's database (PostgreSQL in CI)."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


# A database as an older revision left it, with rows, upgraded in place (SQLite).
AT = datetime(2026, 11, 20, 1, 0)  # SQLite stores naive UTC


def _tables():
    from sqlalchemy import MetaData

    tables = MetaData()
    tables.reflect(bind=db.engine)
    return tables.tables


def _old_cases(connection, tables, kinds: dict[int, str]) -> None:
    """A commune and one bare case per ``{id: kind}``, as any revision since 0002 stores them."""
    from sqlalchemy import insert

    connection.execute(
        insert(tables["commune"]).values(code="11311", name="Hồng Bàng", province="HP")
    )
    for case_id, kind in kinds.items():
        connection.execute(
            insert(tables["case"]).values(
                id=case_id,
                kind=kind,
                code=f"HP-2026-{kind[0].upper()}00000{case_id}",
                state="declared",
                version=1,
                commune_code="11311",
                declared_at=AT,
                location="",
                description="",
                insurance_filed=False,
                data={},
                created_at=AT,
                updated_at=AT,
            )
        )


def test_0004_fills_each_case_chain_head_from_its_events(tmp_path):
    """Cases that existed before the chain head moved onto the case row get their last event."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, select

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}"})
    with app.app_context():
        upgrade(revision="0003")
        tables = _tables()
        with db.engine.begin() as connection:
            _old_cases(connection, tables, {1: "accident", 2: "accident"})
            for seq, digest in ((1, "a" * 64), (2, "b" * 64)):  # case 2 has no event
                connection.execute(
                    insert(tables["case_event"]).values(
                        case_id=1,
                        seq=seq,
                        at=AT,
                        actor="x",
                        role="inspector",
                        trigger="t",
                        from_state=None,
                        to_state="declared",
                        payload={},
                        ip=None,
                        prev_hash="0" * 64,
                        hash=digest,
                    )
                )
        upgrade()
        case = _tables()["case"]
        with db.engine.connect() as connection:
            heads = connection.execute(
                select(case.c.id, case.c.last_event_seq, case.c.last_event_hash).order_by(case.c.id)
            ).all()
        db.engine.dispose()
    assert [tuple(row) for row in heads] == [(1, 2, "b" * 64), (2, 0, "0" * 64)]


def test_0005_adds_the_incident_link_to_a_database_with_cases(tmp_path):
    """The link is added in place (no rebuild of ``case``, whose rows victims reference) and is
    a real foreign key: existing cases get no link, a link to a missing case is refused."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, select, update
    from sqlalchemy.exc import IntegrityError

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}"})
    with app.app_context():
        upgrade(revision="0004")
        tables = _tables()
        with db.engine.begin() as connection:
            _old_cases(connection, tables, {1: "incident", 2: "accident"})
            connection.execute(
                insert(tables["victim"]).values(
                    case_id=2,
                    full_name="Nguyễn Văn An",
                    gender="male",
                    national_id="031090001234",
                    occupation="",
                    outcome="serious",
                    injury_description="",
                    created_at=AT,
                    updated_at=AT,
                )
            )
        upgrade()
        case = _tables()["case"]
        with db.engine.begin() as connection:
            links = connection.execute(select(case.c.id, case.c.linked_incident_id)).all()
            connection.execute(update(case).where(case.c.id == 2).values(linked_incident_id=1))
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(update(case).where(case.c.id == 2).values(linked_incident_id=99))
        with db.engine.connect() as connection:
            linked = connection.execute(select(case.c.linked_incident_id).where(case.c.id == 2))
            kept = linked.scalar_one()
        db.engine.dispose()
    assert sorted(tuple(row) for row in links) == [(1, None), (2, None)]
    assert kept == 1


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_0008_rewrites_stored_text_in_nfc_and_leaves_the_audit_trail(tmp_path):
    """Text typed decomposed before every input was normalised (#12) is rewritten in NFC — a
    commune, an enterprise, an account, a case's place, description and data, a victim — and a
    national ID typed in full-width or Arabic-Indic digits in ASCII; the events keep exactly
    what they recorded (their hashes are over it) and rows already in NFC are not touched."""
    from alembic.script import ScriptDirectory
    from flask_migrate import upgrade
    from sqlalchemy import insert, select

    from app import MIGRATIONS_DIR

    before = ScriptDirectory(MIGRATIONS_DIR).get_revision("0008").down_revision
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}"})
    name, place = "Nguyễn Thị Trâm", "Xưởng cơ khí số 2"
    with app.app_context():
        upgrade(revision=before)
        tables = _tables()
        with db.engine.begin() as connection:
            _old_cases(connection, tables, {1: "accident"})
            connection.execute(tables["commune"].update().values(name=_nfd("Phường Hồng Bàng")))
            connection.execute(
                tables["case"]
                .update()
                .values(
                    location=_nfd(place),
                    description=_nfd("Bị máy dập kẹp tay"),
                    data={"minutes": {"causes": [_nfd("Không đeo găng")]}, _nfd("khóa"): 1},
                )
            )
            connection.execute(
                insert(tables["victim"]).values(
                    case_id=1,
                    full_name=_nfd(name),
                    gender="female",
                    national_id="０３１０９０００１２３４",
                    si_number="٣١٠٠٠٠٠٠٠١",
                    occupation=_nfd("Thợ hàn"),
                    outcome="serious",
                    injury_description=_nfd("Gãy xương"),
                    created_at=AT,
                    updated_at=AT,
                )
            )
            connection.execute(
                insert(tables["case_event"]).values(
                    case_id=1, seq=1, at=AT, actor="x", role="enterprise", trigger="declare",
                    from_state=None, to_state="declared", payload={"location": _nfd(place)},
                    ip=None, prev_hash="0" * 64, hash="a" * 64,
                )
            )  # fmt: skip
        upgrade()
        tables = _tables()
        with db.engine.connect() as connection:
            commune = connection.execute(select(tables["commune"].c.name)).scalar_one()
            case = connection.execute(select(tables["case"])).one()._mapping
            victim = connection.execute(select(tables["victim"])).one()._mapping
            event = connection.execute(select(tables["case_event"].c.payload)).scalar_one()
        db.engine.dispose()
    assert commune == "Phường Hồng Bàng"
    assert case["location"] == place and case["description"] == "Bị máy dập kẹp tay"
    stored = json.loads(case["data"]) if isinstance(case["data"], str) else case["data"]
    assert stored == {"minutes": {"causes": ["Không đeo găng"]}, "khóa": 1}
    assert victim["full_name"] == name and victim["occupation"] == "Thợ hàn"
    assert victim["injury_description"] == "Gãy xương"
    assert (victim["national_id"], victim["si_number"]) == ("031090001234", "3100000001")
    assert event == {"location": _nfd(place)}  # the audit trail is never rewritten


def test_0009_settles_finished_tasks_copies_kinds_and_downgrades(tmp_path):
    """Backfill: every task gets its case's kind; an open task overdue-marked and escalated,
    or overdue-marked with nobody to escalate to (an inspector's own step), is settled at its
    last mark; one still owing its escalation, a reminded one and a closed one are not.
    Downgrading removes the index and the three columns."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import insert, inspect, select

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}"})
    overdue, escalated = datetime(2026, 11, 21, 1, 0), datetime(2026, 11, 21, 2, 0)
    tasks = {
        # id: (case, name, role, deadline, overdue_at, escalated_at, closed_at, reminded_at)
        1: (1, "open_investigation", "enterprise", "investigation", overdue, escalated, None, AT),
        2: (2, "scene_arrival", "inspector", "scene_arrival", overdue, None, None, None),
        3: (1, "open_investigation", "enterprise", "investigation", overdue, None, None, None),
        4: (1, "open_investigation", "enterprise", "investigation", None, None, None, AT),
        5: (2, "scene_arrival", "inspector", "scene_arrival", overdue, None, AT, None),
    }
    with app.app_context():
        upgrade(revision="0008")
        tables = _tables()
        with db.engine.begin() as connection:
            _old_cases(connection, tables, {1: "accident", 2: "accident"})
            for task_id, (case_id, name, role, deadline, o, e, c, r) in tasks.items():
                connection.execute(
                    insert(tables["task"]).values(
                        id=task_id,
                        case_id=case_id,
                        name=name,
                        role=role,
                        title_vi="",
                        title_en="",
                        deadline=deadline,
                        due_at=AT,
                        opened_at=AT,
                        closed_at=c,
                        overdue_at=o,
                        escalated_at=e,
                        reminded_at=r,
                    )
                )
        upgrade(revision="0009")
        task = _tables()["task"]
        with db.engine.connect() as connection:
            rows = connection.execute(
                select(task.c.id, task.c.case_kind, task.c.settled_at).order_by(task.c.id)
            ).all()
        assert "ix_task_scan_due" in {i["name"] for i in inspect(db.engine).get_indexes("task")}
        downgrade(revision="0008")
        columns = {c["name"] for c in inspect(db.engine).get_columns("task")}
        notification = {c["name"] for c in inspect(db.engine).get_columns("notification")}
        indexes = {i["name"] for i in inspect(db.engine).get_indexes("task")}
        db.engine.dispose()
    assert [(r.id, r.case_kind) for r in rows] == [(i, "accident") for i in tasks]
    settled = {r.id: r.settled_at for r in rows}
    assert settled == {1: escalated, 2: overdue, 3: None, 4: None, 5: None}
    assert not {"case_kind", "settled_at"} & columns
    assert "email_claimed_at" not in notification and "ix_task_scan_due" not in indexes


def test_0010_fills_the_search_text_of_existing_cases_and_downgrades(tmp_path):
    """The search column is filled for the cases already there — an accident with its
    enterprise, place, description and two victims, the claim of one of them, a commune's case
    without an enterprise — as ``app.services.search`` writes it; downgrading drops it and its
    indexes, and upgrading again fills it again."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import insert, inspect, select

    from app.services.search import expected_texts

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}"})
    with app.app_context():
        upgrade(revision="0008")
        tables = _tables()
        with db.engine.begin() as connection:
            _old_cases(connection, tables, {1: "accident", 2: "claim", 3: "accident"})
            connection.execute(
                insert(tables["enterprise"]).values(
                    id=7, tax_code="0201234567", name="Công ty CP Đóng tàu Bạch Đằng",
                    commune_code="11311", workers=10, female_workers=0, created_at=AT,
                    updated_at=AT,
                )
            )  # fmt: skip
            for victim_id, name in ((1, "Nguyễn Thị Trâm"), (2, "ĐỖ VĂN ĐỨC")):
                connection.execute(
                    insert(tables["victim"]).values(
                        id=victim_id, case_id=1, full_name=name, gender="male",
                        national_id=f"03109000123{victim_id}", occupation="",
                        outcome="serious", injury_description="", created_at=AT, updated_at=AT,
                    )
                )  # fmt: skip
            case = tables["case"]
            connection.execute(
                case.update()
                .where(case.c.id == 1)
                .values(enterprise_id=7, location="Ụ khô  số 1", description="Sập giàn giáo.")
            )
            connection.execute(
                case.update()
                .where(case.c.id == 2)
                .values(enterprise_id=7, parent_id=1, victim_id=2)
            )
            connection.execute(case.update().where(case.c.id == 3).values(location="Chợ Đôn"))
        upgrade()
        with db.engine.connect() as connection:
            case = _tables()["case"]
            texts = dict(connection.execute(select(case.c.id, case.c.search_text)).all())
        expected = expected_texts()
        db.session.remove()
        downgrade(revision="0008")
        inspector = inspect(db.engine)
        columns = {c["name"] for c in inspector.get_columns("case")}
        indexes = {i["name"] for i in inspector.get_indexes("case")}
        indexes |= {i["name"] for i in inspector.get_indexes("victim")}
        upgrade()
        with db.engine.connect() as connection:
            case = _tables()["case"]
            again = dict(connection.execute(select(case.c.id, case.c.search_text)).all())
        db.engine.dispose()
    assert texts == {
        1: "hp-2026-a000001 cong ty cp dong tau bach dang u kho so 1 sap gian giao. "
        "nguyen thi tram do van duc",
        2: "hp-2026-c000002 hp-2026-a000001 cong ty cp dong tau bach dang do van duc",
        3: "hp-2026-a000003 cho don",
    }
    assert expected == texts == again
    assert "search_text" not in columns
    assert not indexes & {"ix_case_search_text_trgm", "ix_case_victim_id", "ix_victim_national_id"}


def test_0013_copies_each_tasks_case_scope_and_downgrades(tmp_path):
    """Backfill: every task gets its case's enterprise and commune (an enterprise's case, a
    commune-declared one with none); downgrading removes the two indexes and columns."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import insert, inspect, select, update

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}"})
    with app.app_context():
        upgrade(revision="0012")
        tables = _tables()
        with db.engine.begin() as connection:
            _old_cases(connection, tables, {1: "accident", 2: "accident"})
            connection.execute(
                insert(tables["enterprise"]).values(
                    id=7, tax_code="0200000007", name="Công ty Bảy", commune_code="11311",
                    workers=10, female_workers=0,
                    created_at=AT, updated_at=AT,
                )
            )  # fmt: skip
            connection.execute(update(tables["case"]).where(tables["case"].c.id == 1)
                               .values(enterprise_id=7))  # fmt: skip
            for task_id, case_id in ((1, 1), (2, 2), (3, 1)):
                connection.execute(
                    insert(tables["task"]).values(
                        id=task_id, case_id=case_id, name="open_investigation",
                        role="enterprise", title_vi="", title_en="", opened_at=AT,
                    )
                )  # fmt: skip
        upgrade(revision="0013")
        task = _tables()["task"]
        with db.engine.connect() as connection:
            rows = connection.execute(
                select(task.c.id, task.c.enterprise_id, task.c.commune_code).order_by(task.c.id)
            ).all()
        indexes = {i["name"] for i in inspect(db.engine).get_indexes("task")}
        downgrade(revision="0012")
        columns = {c["name"] for c in inspect(db.engine).get_columns("task")}
        after = {i["name"] for i in inspect(db.engine).get_indexes("task")}
        db.engine.dispose()
    assert [tuple(r) for r in rows] == [(1, 7, "11311"), (2, None, "11311"), (3, 7, "11311")]
    assert {"ix_task_inbox_enterprise", "ix_task_inbox_commune"} <= indexes
    assert not {"enterprise_id", "commune_code"} & columns
    assert not {"ix_task_inbox_enterprise", "ix_task_inbox_commune"} & after
