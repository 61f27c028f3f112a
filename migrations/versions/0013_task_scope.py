"""task scope: an enterprise's and a commune's inbox read their own open tasks from an index

Issue #14 ("the inbox … paginated, filtered and sorted in SQL"). The inbox reads a role's open
tasks soonest due first (``ix_task_inbox``: role, due_at, id) and keeps those whose case the
user may see. For a city-wide role every task qualifies; for an enterprise or a commune only
its own, so PostgreSQL walked the role's open tasks in due order until a page of the user's
turned up: at 10⁶ cases the largest enterprise's inbox read ~2,000 of 159,000 open tasks
(47 ms) and a small enterprise's read all of them to find its few.

Each task now carries its case's ``enterprise_id`` and ``commune_code`` (written by the
engine with the task and kept in line with the case on every move), with a partial index of
the open tasks per role and scope: an enterprise's or commune's page is read from its own
index entries. Existing tasks get their case's values here.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 21:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

OPEN_TASKS = sa.text("closed_at IS NULL")
SCOPES = (
    ("ix_task_inbox_enterprise", "enterprise_id"),
    ("ix_task_inbox_commune", "commune_code"),
)


def upgrade():
    with op.batch_alter_table("task") as batch:
        batch.add_column(sa.Column("enterprise_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("commune_code", sa.String(length=10), nullable=True))
    # Correlated subqueries: the same statement on SQLite and PostgreSQL.
    op.execute(
        'UPDATE task SET enterprise_id = (SELECT c.enterprise_id FROM "case" c '
        "WHERE c.id = task.case_id), commune_code = (SELECT c.commune_code FROM \"case\" c "
        "WHERE c.id = task.case_id)"
    )
    for name, column in SCOPES:
        op.create_index(
            name,
            "task",
            ["role", column, "due_at", "id"],
            postgresql_where=OPEN_TASKS,
            sqlite_where=OPEN_TASKS,
        )


def downgrade():
    for name, _column in SCOPES:
        op.drop_index(name, table_name="task")
    with op.batch_alter_table("task") as batch:
        batch.drop_column("commune_code")
        batch.drop_column("enterprise_id")
