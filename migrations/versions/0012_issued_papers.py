"""issued papers: a paper once issued is stored as issued, each audience's PDF once

Issue #15 ("a paper once issued stays as issued"). ``issued_paper`` holds one version of a
paper SafeCase issued for a case (Form 01, the investigation minutes, a claim's decision): its
frozen content and that content's SHA-256 (also in the case's audit trail, event
``issue_paper``). ``issued_paper_file`` holds the PDF drawn from it for one audience (full,
masked), stored under ``UPLOAD_DIR`` with a random name like an uploaded document (its hash in
the audit trail too, event ``store_paper``). Cases declared before this revision have no rows:
their papers are built from their data on the first request and stored then.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 18:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "issued_paper",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(length=64), nullable=False),
        sa.Column("issued_by_role", sa.String(length=20), nullable=False),
        sa.Column("cause", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("filename", sa.String(length=120), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_issued_paper_case_id_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_paper")),
        sa.UniqueConstraint("case_id", "name", "version", name=op.f("uq_issued_paper_case_id")),
    )
    with op.batch_alter_table("issued_paper", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_issued_paper_case_id"), ["case_id"], unique=False)

    op.create_table(
        "issued_paper_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=10), nullable=False),
        sa.Column("stored_name", sa.String(length=80), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["paper_id"],
            ["issued_paper.id"],
            name=op.f("fk_issued_paper_file_paper_id_issued_paper"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_paper_file")),
        sa.UniqueConstraint("paper_id", "audience", name=op.f("uq_issued_paper_file_paper_id")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_issued_paper_file_stored_name")),
    )
    with op.batch_alter_table("issued_paper_file", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_issued_paper_file_paper_id"), ["paper_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("issued_paper_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issued_paper_file_paper_id"))
    op.drop_table("issued_paper_file")
    with op.batch_alter_table("issued_paper", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issued_paper_case_id"))
    op.drop_table("issued_paper")
