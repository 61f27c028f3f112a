"""statistics facts and code lists: what the statutory reports count by

Issue #11. Code lists an administrator loads and extends (``code_entry``: industry, ownership,
occupation, cause, injuring factor); the enterprise's type of ownership; on each case the
industry and ownership in force at declaration (copied, so a later reclassification does not
rewrite old reports), the accident type, the minutes' cause and injuring factor, whether the
minutes concluded it is not a work accident, property damage and a periodic report's identity;
on each victim the occupation code, days off and the employer's costs.

Existing rows keep working: every new column is nullable or has a server default. Accidents
declared before this revision get their accident type and minutes codes from their data
(``accident_type`` defaulted to ``at_work``), and the enterprise's current industry, so they
count from day one. Columns are added with plain ``ADD COLUMN`` (SQLite and PostgreSQL), the
unique report key as a unique index, so SQLite need not rebuild ``case``.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 06:10:00

"""

from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op

# Vietnam has kept UTC+7 without daylight saving since 1975 (a migration must not import the app).
VIETNAM = timezone(timedelta(hours=7))


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


CASE_COLUMNS = (
    sa.Column("industry_code", sa.String(length=10), nullable=True),
    sa.Column("ownership", sa.String(length=20), nullable=True),
    sa.Column("accident_type", sa.String(length=20), nullable=True),
    sa.Column("cause_code", sa.String(length=20), nullable=True),
    sa.Column("injuring_factor_code", sa.String(length=20), nullable=True),
    sa.Column("not_work_accident", sa.Boolean(), nullable=False, server_default="0"),
    sa.Column("property_damage_vnd", sa.BigInteger(), nullable=True),
    sa.Column("report_key", sa.String(length=60), nullable=True),
    sa.Column("report_workers", sa.Integer(), nullable=True),
)
VICTIM_COLUMNS = (
    sa.Column("age_at_accident", sa.Integer(), nullable=True),
    sa.Column("occupation_code", sa.String(length=20), nullable=True),
    sa.Column("days_off", sa.Integer(), nullable=True),
    sa.Column("medical_costs_vnd", sa.BigInteger(), nullable=True),
    sa.Column("wage_costs_vnd", sa.BigInteger(), nullable=True),
    sa.Column("compensation_paid_vnd", sa.BigInteger(), nullable=True),
)


def upgrade():
    op.create_table(
        "code_entry",
        sa.Column("list_name", sa.String(length=30), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("label_vi", sa.String(length=300), nullable=False),
        sa.Column("label_en", sa.String(length=300), nullable=False),
        sa.Column("parent", sa.String(length=20), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("sort", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("list_name", "code", name=op.f("pk_code_entry")),
    )
    op.add_column("enterprise", sa.Column("ownership", sa.String(length=20), nullable=True))
    for column in CASE_COLUMNS:
        op.add_column("case", column)
    for column in VICTIM_COLUMNS:
        op.add_column("victim", column)
    op.create_index("ix_case_kind_occurred", "case", ["kind", "occurred_at"], unique=False)
    op.create_index("uq_case_report_key", "case", ["report_key"], unique=True)
    # Old accidents count at once: their type and classification as best known now.
    declared_type = (
        "data ->> 'accident_type'"
        if op.get_bind().dialect.name == "postgresql"
        else "json_extract(data, '$.accident_type')"
    )
    op.execute(
        f"UPDATE \"case\" SET accident_type = COALESCE({declared_type}, 'at_work')"
        " WHERE kind = 'accident'"
    )
    _backfill_ages()
    op.execute(
        'UPDATE "case" SET industry_code = (SELECT e.industry_code FROM enterprise e'
        ' WHERE e.id = "case".enterprise_id) WHERE enterprise_id IS NOT NULL'
    )


def _backfill_ages():
    """Each existing victim's age on the day of its case's accident (Vietnam time)."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            'SELECT v.id, v.birth_date, c.occurred_at FROM victim v JOIN "case" c'
            " ON c.id = v.case_id WHERE v.birth_date IS NOT NULL AND c.occurred_at IS NOT NULL"
        )
    ).all()
    for victim_id, birth, occurred in rows:
        birth = birth if isinstance(birth, date) else date.fromisoformat(str(birth)[:10])
        if isinstance(occurred, str):
            occurred = datetime.fromisoformat(occurred)
        if occurred.tzinfo is None:
            occurred = occurred.replace(tzinfo=timezone.utc)
        day = occurred.astimezone(VIETNAM).date()
        age = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
        bind.execute(
            sa.text("UPDATE victim SET age_at_accident = :age WHERE id = :id"),
            {"age": age, "id": victim_id},
        )


def downgrade():
    op.drop_index("uq_case_report_key", table_name="case")
    op.drop_index("ix_case_kind_occurred", table_name="case")
    with op.batch_alter_table("victim", schema=None) as batch_op:
        for column in reversed(VICTIM_COLUMNS):
            batch_op.drop_column(column.name)
    with op.batch_alter_table("case", schema=None) as batch_op:
        for column in reversed(CASE_COLUMNS):
            batch_op.drop_column(column.name)
    with op.batch_alter_table("enterprise", schema=None) as batch_op:
        batch_op.drop_column("ownership")
    op.drop_table("code_entry")
