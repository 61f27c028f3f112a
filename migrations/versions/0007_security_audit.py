"""security audit: an append-only, hash-chained record of privileged and security acts

Issue #12 ("privileged acts leave no trace"). ``security_event`` keeps, for every admin act,
rules-table change, sign-in (success and failure), lockout, token revocation and medical read,
who acted, what, on what, the values before and after, when and from which address. Like
``case_event`` (0002) the database refuses UPDATE and DELETE on it, and each row carries the
SHA-256 of the previous row's hash plus its own content. ``security_chain_head`` holds the
chain's last event in one row (id 1), created here, which appends lock.

The record starts empty: nothing before this revision was kept anywhere but the app log.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 12:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64
APPEND_ONLY_MESSAGE = "security_event is append-only: events are never updated or deleted"


def upgrade():
    op.create_table(
        "security_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target_type", sa.String(length=20), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_event")),
        sa.UniqueConstraint("seq", name=op.f("uq_security_event_seq")),
    )
    with op.batch_alter_table("security_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_security_event_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_security_event_actor"), ["actor"], unique=False)
        batch_op.create_index(batch_op.f("ix_security_event_target"), ["target"], unique=False)
        batch_op.create_index("ix_security_event_action_at", ["action", "at"], unique=False)

    head = op.create_table(
        "security_chain_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_chain_head")),
    )
    op.bulk_insert(head, [{"id": 1, "last_seq": 0, "last_hash": GENESIS_HASH}])
    create_event_guards()


def create_event_guards():
    """Refuse UPDATE and DELETE on security_event in the database itself (as 0002 does for
    case_event)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION security_event_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}';
            END;
            $$ LANGUAGE plpgsql
        """)
        for action in ("update", "delete"):
            op.execute(f"""
                CREATE TRIGGER security_event_no_{action} BEFORE {action.upper()}
                ON security_event FOR EACH ROW EXECUTE FUNCTION security_event_append_only()
            """)
    else:
        for action in ("update", "delete"):
            op.execute(f"""
                CREATE TRIGGER security_event_no_{action} BEFORE {action.upper()}
                ON security_event BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END
            """)


def drop_event_guards():
    postgres = op.get_bind().dialect.name == "postgresql"
    for action in ("update", "delete"):
        op.execute(
            f"DROP TRIGGER IF EXISTS security_event_no_{action}"
            + (" ON security_event" if postgres else "")
        )
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS security_event_append_only()")


def downgrade():
    drop_event_guards()
    op.drop_table("security_chain_head")
    with op.batch_alter_table("security_event", schema=None) as batch_op:
        batch_op.drop_index("ix_security_event_action_at")
        batch_op.drop_index(batch_op.f("ix_security_event_target"))
        batch_op.drop_index(batch_op.f("ix_security_event_actor"))
        batch_op.drop_index(batch_op.f("ix_security_event_at"))
    op.drop_table("security_event")
