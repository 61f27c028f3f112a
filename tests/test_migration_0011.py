"""Migration 0011 (issue #14): the list indexes come and go, and the schema matches the models."""

from sqlalchemy import inspect

from app import create_app
from app.extensions import db

NEW = {
    "case": {
        "ix_case_declared": ["declared_at", "id"],
        "ix_case_enterprise_declared": ["enterprise_id", "declared_at", "id"],
        "ix_case_commune_declared": ["commune_code", "declared_at", "id"],
        "ix_case_kind_declared": ["kind", "declared_at", "id"],
        "ix_case_kind_state": ["kind", "state", "declared_at", "id"],
        "ix_case_state_declared": ["state", "declared_at", "id"],
        "ix_case_severity_declared": ["severity", "declared_at", "id"],
        "ix_case_insurance_declared": ["insurance_filed", "kind", "declared_at", "id"],
    },
    "task": {"ix_task_inbox": ["role", "due_at", "id"]},
    "notification": {"ix_notification_user_created": ["user_id", "created_at", "id"]},
    "case_deadline": {"ix_case_deadline_running": ["due_at", "id"]},
}
OLD_CASE = {
    "ix_case_kind_state": ["kind", "state"],
    "ix_case_enterprise_declared": ["enterprise_id", "declared_at"],
    "ix_case_commune_declared": ["commune_code", "declared_at"],
    "ix_case_state": ["state"],
    "ix_case_severity": ["severity"],
    "ix_case_declared_at": ["declared_at"],
    "ix_case_insurance_filed": ["insurance_filed"],
}


def _indexes(table: str) -> dict[str, list[str]]:
    return {i["name"]: i["column_names"] for i in inspect(db.engine).get_indexes(table)}


def test_0011_upgrades_and_downgrades_the_list_indexes(tmp_path):
    from flask_migrate import downgrade, upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'lists.db'}"})
    with app.app_context():
        upgrade()
        for table, expected in NEW.items():
            found = _indexes(table)
            for name, columns in expected.items():
                assert found.get(name) == columns, (table, name)
        assert not set(OLD_CASE) - set(NEW["case"]) & set(_indexes("case"))
        downgrade(revision="0010")  # to the revision before 0011
        found = _indexes("case")
        for name, columns in OLD_CASE.items():
            assert found.get(name) == columns, name
        assert "ix_case_kind_declared" not in found
        assert "ix_task_inbox" not in _indexes("task")
        assert "ix_case_deadline_running" not in _indexes("case_deadline")
        upgrade()
        assert _indexes("task")["ix_task_inbox"] == ["role", "due_at", "id"]
        db.engine.dispose()
