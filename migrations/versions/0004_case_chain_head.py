"""case chain head: the last event's seq and hash kept on the case row

Appending an event used to look up the case's last event first; the case row is locked for
every append anyway, so it now carries the chain head. Existing cases are filled in from
their events.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 04:45:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64


def upgrade():
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("last_event_seq", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "last_event_hash",
                sa.String(length=64),
                server_default=GENESIS_HASH,
                nullable=False,
            )
        )
    op.execute(
        """
        UPDATE "case" SET
            last_event_seq = (SELECT e.seq FROM case_event e WHERE e.case_id = "case".id
                              ORDER BY e.seq DESC LIMIT 1),
            last_event_hash = (SELECT e.hash FROM case_event e WHERE e.case_id = "case".id
                               ORDER BY e.seq DESC LIMIT 1)
        WHERE EXISTS (SELECT 1 FROM case_event e WHERE e.case_id = "case".id)
        """
    )


def downgrade():
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_column("last_event_hash")
        batch_op.drop_column("last_event_seq")
