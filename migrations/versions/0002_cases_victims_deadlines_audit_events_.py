"""cases, victims, deadlines, audit events, tasks, outbox, notifications, rules tables

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 02:04:36.620445

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_counter',
    sa.Column('key', sa.String(length=20), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_case_counter'))
    )
    op.create_table('holiday_adjustment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('change', sa.String(length=10), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holiday_adjustment')),
    sa.UniqueConstraint('day', name=op.f('uq_holiday_adjustment_day'))
    )
    op.create_table('rule_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('value', sa.String(length=100), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_value')),
    sa.UniqueConstraint('key', 'valid_from', name=op.f('uq_rule_value_key'))
    )
    op.create_table('case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('state', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('commune_code', sa.String(length=10), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=True),
    sa.Column('investigation_level', sa.String(length=20), nullable=True),
    sa.Column('labour_relation', sa.Boolean(), nullable=True),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('declared_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('declared_by_id', sa.Integer(), nullable=True),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('victim_id', sa.Integer(), nullable=True),
    sa.Column('insurance_filed', sa.Boolean(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['commune_code'], ['commune.code'], name=op.f('fk_case_commune_code_commune')),
    sa.ForeignKeyConstraint(['declared_by_id'], ['user.id'], name=op.f('fk_case_declared_by_id_user')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_case_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['parent_id'], ['case.id'], name=op.f('fk_case_parent_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case')),
    sa.UniqueConstraint('code', name=op.f('uq_case_code'))
    )
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.create_index('ix_case_commune_declared', ['commune_code', 'declared_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_declared_at'), ['declared_at'], unique=False)
        batch_op.create_index('ix_case_enterprise_declared', ['enterprise_id', 'declared_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_insurance_filed'), ['insurance_filed'], unique=False)
        batch_op.create_index('ix_case_kind_state', ['kind', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_severity'), ['severity'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_state'), ['state'], unique=False)

    op.create_table('case_deadline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=10), nullable=False),
    sa.Column('paused_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('extended', sa.Boolean(), nullable=False),
    sa.Column('met_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_case_deadline_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_deadline')),
    sa.UniqueConstraint('case_id', 'name', name=op.f('uq_case_deadline_case_id'))
    )
    with op.batch_alter_table('case_deadline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_deadline_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_deadline_due_at'), ['due_at'], unique=False)

    op.create_table('case_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('trigger', sa.String(length=40), nullable=False),
    sa.Column('from_state', sa.String(length=40), nullable=True),
    sa.Column('to_state', sa.String(length=40), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_case_event_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_event')),
    sa.UniqueConstraint('case_id', 'seq', name=op.f('uq_case_event_case_id'))
    )
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_event_case_id'), ['case_id'], unique=False)

    op.create_table('medical_access_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fields', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_medical_access_log_case_id_case')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_medical_access_log_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_medical_access_log'))
    )
    with op.batch_alter_table('medical_access_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_medical_access_log_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_medical_access_log_user_id'), ['user_id'], unique=False)

    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('event', sa.String(length=60), nullable=False),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('dispatched_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_outbox_message_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_message_case_id'), ['case_id'], unique=False)

    op.create_table('task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('title_vi', sa.String(length=300), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('deadline', sa.String(length=40), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('overdue_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_task_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task'))
    )
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_task_open_role_due', ['closed_at', 'role', 'due_at'], unique=False)

    op.create_table('victim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('gender', sa.String(length=10), nullable=False),
    sa.Column('national_id', sa.String(length=12), nullable=False),
    sa.Column('occupation', sa.String(length=200), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('died_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('monthly_wage_vnd', sa.BigInteger(), nullable=True),
    sa.Column('insured_wage_vnd', sa.BigInteger(), nullable=True),
    sa.Column('si_number', sa.String(length=20), nullable=True),
    sa.Column('si_years', sa.Integer(), nullable=True),
    sa.Column('injury_description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_victim_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_victim'))
    )
    with op.batch_alter_table('victim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_victim_case_id'), ['case_id'], unique=False)

    # case.victim_id and victim.case_id point at each other: add this one once both exist.
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.create_foreign_key(op.f('fk_case_victim_id_victim'), 'victim', ['victim_id'], ['id'])

    create_event_guards()

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('event', sa.String(length=60), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.String(length=2000), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('email_wanted', sa.Boolean(), nullable=False),
    sa.Column('emailed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_notification_case_id_case')),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox_message.id'], name=op.f('fk_notification_outbox_id_outbox_message')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    sa.UniqueConstraint('outbox_id', 'user_id', name=op.f('uq_notification_outbox_id'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_outbox_id'), ['outbox_id'], unique=False)
        batch_op.create_index('ix_notification_user_unread', ['user_id', 'read_at'], unique=False)



APPEND_ONLY_MESSAGE = "case_event is append-only: events are never updated or deleted"


def create_event_guards():
    """Refuse UPDATE and DELETE on case_event in the database itself (audit trail)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION case_event_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}';
            END;
            $$ LANGUAGE plpgsql
        """)
        for action in ("update", "delete"):
            op.execute(f"""
                CREATE TRIGGER case_event_no_{action} BEFORE {action.upper()} ON case_event
                FOR EACH ROW EXECUTE FUNCTION case_event_append_only()
            """)
    else:
        for action in ("update", "delete"):
            op.execute(f"""
                CREATE TRIGGER case_event_no_{action} BEFORE {action.upper()} ON case_event
                BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END
            """)


def drop_event_guards():
    for action in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS case_event_no_{action}" + (
            " ON case_event" if op.get_bind().dialect.name == "postgresql" else ""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS case_event_append_only()")


def downgrade():
    drop_event_guards()
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_case_victim_id_victim'), type_='foreignkey')

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_user_unread')
        batch_op.drop_index(batch_op.f('ix_notification_outbox_id'))

    op.drop_table('notification')
    with op.batch_alter_table('victim', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_victim_case_id'))

    op.drop_table('victim')
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index('ix_task_open_role_due')
        batch_op.drop_index(batch_op.f('ix_task_case_id'))

    op.drop_table('task')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_case_id'))

    op.drop_table('outbox_message')
    with op.batch_alter_table('medical_access_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_medical_access_log_user_id'))
        batch_op.drop_index(batch_op.f('ix_medical_access_log_case_id'))

    op.drop_table('medical_access_log')
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_event_case_id'))

    op.drop_table('case_event')
    with op.batch_alter_table('case_deadline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_deadline_due_at'))
        batch_op.drop_index(batch_op.f('ix_case_deadline_case_id'))

    op.drop_table('case_deadline')
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_state'))
        batch_op.drop_index(batch_op.f('ix_case_severity'))
        batch_op.drop_index(batch_op.f('ix_case_parent_id'))
        batch_op.drop_index('ix_case_kind_state')
        batch_op.drop_index(batch_op.f('ix_case_insurance_filed'))
        batch_op.drop_index('ix_case_enterprise_declared')
        batch_op.drop_index(batch_op.f('ix_case_declared_at'))
        batch_op.drop_index('ix_case_commune_declared')

    op.drop_table('case')
    op.drop_table('rule_value')
    op.drop_table('holiday_adjustment')
    op.drop_table('case_counter')
