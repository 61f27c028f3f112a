"""case linked incident: an accident case names the serious technical incident it came from

The casualties of a serious technical incident are declared as accident cases linked to it
(workflows.md "Serious technical incident"). The link is a nullable foreign key from the
accident's row to the incident's, indexed so an incident's page can list its accidents.
Existing cases have no link.

The column is added with its foreign key in one ``ADD COLUMN … CONSTRAINT … REFERENCES``
statement, which SQLite and PostgreSQL both accept. Batch mode would otherwise rebuild the
``case`` table on SQLite to add the constraint, and dropping the old table fails as soon as
victims, events or tasks reference its rows (foreign keys are enforced).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 05:10:00

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        'ALTER TABLE "case" ADD COLUMN linked_incident_id INTEGER'
        ' CONSTRAINT fk_case_linked_incident_id_case REFERENCES "case" (id)'
    )
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_linked_incident_id"), ["linked_incident_id"], unique=False
        )


def downgrade():
    # Dropping the column drops its foreign key with it.
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_linked_incident_id"))
        batch_op.drop_column("linked_incident_id")
