"""deadline scan reads only what is due; an email is claimed before it is sent

Issue #14. Three columns and one partial index:

- ``task.settled_at``: set by the deadline scan once a task's cycle is complete (overdue
  notice sent, and the escalation sent or nobody to escalate to); cleared when the due time
  moves. ``ix_task_scan_due`` on ``(due_at, reminded_at)``, partial (``WHERE due_at IS NOT
  NULL AND closed_at IS NULL AND settled_at IS NULL``), holds only the tasks the scan may
  still have to change.
- ``task.case_kind``: the case's kind, copied so the scan finds the workflow's supervisors
  without joining the case.
- ``notification.email_claimed_at``: a sender's claim, committed before it talks SMTP.

Backfill: every task gets its case's kind; an open task that is overdue-marked and either
escalated or without anyone to escalate to (the workflow's supervisors for its deadline,
minus its own role, as ``app.jobs.deadlines.supervisors_for`` says) is settled at the time of
its last mark. Before this revision such a task without supervisors was read by every scan
forever. Closed tasks are left unsettled: the index leaves them out anyway.

The backfill rewrites every task row: on a large PostgreSQL database run ``VACUUM (ANALYZE)
task`` after the upgrade (autovacuum does it eventually); until then the new index also points
at the old row versions and the scan's reading query reads about twice the pages it needs
(docs/performance.md, issue #14).

Downgrading drops the index and the three columns (claims and settlement are forgotten; the
older scan re-reads what it used to).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 13:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

PREDICATE = "due_at IS NOT NULL AND closed_at IS NULL AND settled_at IS NULL"


def upgrade():
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_kind", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("email_claimed_at", sa.DateTime(timezone=True), nullable=True)
        )

    bind = op.get_bind()
    bind.execute(
        sa.text(
            'UPDATE task SET case_kind = (SELECT "case".kind FROM "case" '
            'WHERE "case".id = task.case_id)'
        )
    )
    # Escalated: the cycle is complete.
    bind.execute(
        sa.text(
            "UPDATE task SET settled_at = escalated_at WHERE closed_at IS NULL "
            "AND overdue_at IS NOT NULL AND escalated_at IS NOT NULL"
        )
    )
    # Overdue, not escalated: settled when the workflow has nobody to escalate to. The rule
    # lives in app.jobs.deadlines (one place); the combinations are few, so ask it for each.
    from app.jobs.deadlines import supervisors_for

    combos = bind.execute(
        sa.text(
            "SELECT DISTINCT case_kind, deadline, role FROM task WHERE closed_at IS NULL "
            "AND overdue_at IS NOT NULL AND escalated_at IS NULL"
        )
    ).all()
    for kind, deadline, role in combos:
        if supervisors_for(kind, deadline, role):
            continue  # escalation still to send: the scan will do it, then settle
        bind.execute(
            sa.text(
                "UPDATE task SET settled_at = overdue_at WHERE closed_at IS NULL "
                "AND overdue_at IS NOT NULL AND escalated_at IS NULL AND role = :role "
                "AND (case_kind = :kind OR (case_kind IS NULL AND :kind IS NULL)) "
                "AND (deadline = :deadline OR (deadline IS NULL AND :deadline IS NULL))"
            ).bindparams(
                sa.bindparam("kind", type_=sa.String()),
                sa.bindparam("deadline", type_=sa.String()),
            ),
            {"kind": kind, "deadline": deadline, "role": role},
        )

    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.create_index(
            "ix_task_scan_due",
            ["due_at", "reminded_at"],
            unique=False,
            postgresql_where=sa.text(PREDICATE),
            sqlite_where=sa.text(PREDICATE),
        )


def downgrade():
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_task_scan_due",
            postgresql_where=sa.text(PREDICATE),
            sqlite_where=sa.text(PREDICATE),
        )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_column("email_claimed_at")
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_column("settled_at")
        batch_op.drop_column("case_kind")
