"""list indexes: every role's default list and every filter read in order from an index

Issue #14 ("lists that do not slow down"). The case list reads newest first, ``(declared_at,
id)``, and continues after a cursor on the same pair (``app/services/paging.py``): each role's
scope (enterprise, commune, the insurance officers' filed claims; the inspector and the city
union read everything) and each filter (kind, state, kind + state, severity, commune,
enterprise, date range) gets an index ending in ``(declared_at, id)``, so PostgreSQL reads a
page from the index in order instead of sorting the matching rows. The narrower indexes they
replace (same leading columns) are dropped. The inbox gets a partial index of the open tasks
by ``(role, due_at, id)``, the notifications ``(user_id, created_at, id)``, and "my
workers" the running deadlines by ``(due_at, id)`` (partial: not met, not paused).

Downgrading restores the indexes as they were before it exactly.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 13:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# (name, columns) as 0008 left them, and as this revision makes them.
OLD_CASE = (
    ("ix_case_kind_state", ["kind", "state"]),
    ("ix_case_enterprise_declared", ["enterprise_id", "declared_at"]),
    ("ix_case_commune_declared", ["commune_code", "declared_at"]),
    ("ix_case_state", ["state"]),
    ("ix_case_severity", ["severity"]),
    ("ix_case_declared_at", ["declared_at"]),
    ("ix_case_insurance_filed", ["insurance_filed"]),
)
NEW_CASE = (
    ("ix_case_declared", ["declared_at", "id"]),
    ("ix_case_enterprise_declared", ["enterprise_id", "declared_at", "id"]),
    ("ix_case_commune_declared", ["commune_code", "declared_at", "id"]),
    ("ix_case_kind_declared", ["kind", "declared_at", "id"]),
    ("ix_case_kind_state", ["kind", "state", "declared_at", "id"]),
    ("ix_case_state_declared", ["state", "declared_at", "id"]),
    ("ix_case_severity_declared", ["severity", "declared_at", "id"]),
    ("ix_case_insurance_declared", ["insurance_filed", "kind", "declared_at", "id"]),
)
OPEN_TASKS = sa.text("closed_at IS NULL")
RUNNING = sa.text("met_at IS NULL AND paused_at IS NULL")


def upgrade():
    for name, _columns in OLD_CASE:
        op.drop_index(name, table_name="case")
    for name, columns in NEW_CASE:
        op.create_index(name, "case", columns)
    op.create_index(
        "ix_task_inbox",
        "task",
        ["role", "due_at", "id"],
        postgresql_where=OPEN_TASKS,
        sqlite_where=OPEN_TASKS,
    )
    op.create_index(
        "ix_notification_user_created", "notification", ["user_id", "created_at", "id"]
    )
    op.create_index(
        "ix_case_deadline_running",
        "case_deadline",
        ["due_at", "id"],
        postgresql_where=RUNNING,
        sqlite_where=RUNNING,
    )


def downgrade():
    op.drop_index("ix_case_deadline_running", table_name="case_deadline")
    op.drop_index("ix_notification_user_created", table_name="notification")
    op.drop_index("ix_task_inbox", table_name="task")
    for name, _columns in NEW_CASE:
        op.drop_index(name, table_name="case")
    for name, columns in OLD_CASE:
        op.create_index(name, "case", columns)
