"""search text: a folded search column on case, with a trigram index on PostgreSQL

Issue #14 ("search as people search"). Adds ``case.search_text`` — the case's code, its
accident's code (a claim), its enterprise's name, place, description and its victims' names (a
claim: its own victim's), folded as ``workflows.inputs.fold`` folds: case-folded, accents and
other combining marks dropped, "đ" as "d", whitespace runs as one space — and fills it for every
existing case. On PostgreSQL it creates the ``pg_trgm`` extension (trusted since PostgreSQL 13:
the database owner may create it) and a GIN trigram index on the column, which serves
``search_text LIKE '%word%'``. It also indexes ``victim.national_id`` and ``case.victim_id``,
which the exact national-ID search reads.

The backfill runs in Python, in batches by case id, with this file's own copy of the fold and
of the column's composition (a migration must not change when the application does); a test
checks that both still equal ``workflows.inputs.fold`` and ``app.services.search``. The
trigram index is built after the backfill (building it once is far cheaper than updating it
row by row). Downgrading drops the indexes and the column; the extension stays (it may have
been there before, and other databases' objects may use it).

Revision ID: 0010
Revises: 0008
Create Date: 2026-11-30 13:00:00

"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None

BATCH = 20_000
_LETTERS = str.maketrans({"đ": "d"})


def fold(text):
    """A copy of ``workflows.inputs.fold`` as of this revision."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.translate(_LETTERS).split())


def search_text(code, parent_code, enterprise_name, location, description, victim_names):
    """A copy of ``app.services.search.case_search_text`` as of this revision."""
    parts = (code, parent_code, enterprise_name, location, description, *victim_names)
    return fold(" ".join(part for part in parts if part))


CASE = sa.table(
    "case",
    sa.column("id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("parent_id", sa.Integer),
    sa.column("enterprise_id", sa.Integer),
    sa.column("victim_id", sa.Integer),
    sa.column("location", sa.String),
    sa.column("description", sa.Text),
    sa.column("search_text", sa.Text),
)
ENTERPRISE = sa.table("enterprise", sa.column("id", sa.Integer), sa.column("name", sa.String))
VICTIM = sa.table(
    "victim",
    sa.column("id", sa.Integer),
    sa.column("case_id", sa.Integer),
    sa.column("full_name", sa.String),
)


def _texts(connection, rows):
    """``{case id: search text}`` for a batch of case rows."""
    ids = [row.id for row in rows]
    names: dict[int, list[str]] = {}
    for case_id, name in connection.execute(
        sa.select(VICTIM.c.case_id, VICTIM.c.full_name)
        .where(VICTIM.c.case_id.between(ids[0], ids[-1]))
        .order_by(VICTIM.c.id)
    ):
        names.setdefault(case_id, []).append(name)
    claim_victims = {row.victim_id for row in rows if row.victim_id is not None}
    victim_names = dict(
        connection.execute(
            sa.select(VICTIM.c.id, VICTIM.c.full_name).where(VICTIM.c.id.in_(claim_victims))
        ).all()
        if claim_victims
        else ()
    )
    parents = {row.parent_id for row in rows if row.parent_id is not None}
    parent_codes = dict(
        connection.execute(sa.select(CASE.c.id, CASE.c.code).where(CASE.c.id.in_(parents))).all()
        if parents
        else ()
    )
    texts = {}
    for row in rows:
        if row.victim_id is not None:  # a claim: its own victim (a row of its accident)
            people = [victim_names[row.victim_id]] if row.victim_id in victim_names else []
        else:
            people = names.get(row.id, [])
        texts[row.id] = search_text(
            row.code,
            parent_codes.get(row.parent_id),
            row.enterprise_name,
            row.location,
            row.description,
            people,
        )
    return texts


def _backfill(connection, postgres):
    last = 0
    query = (
        sa.select(
            CASE.c.id,
            CASE.c.code,
            CASE.c.parent_id,
            CASE.c.victim_id,
            CASE.c.location,
            CASE.c.description,
            ENTERPRISE.c.name.label("enterprise_name"),
        )
        .select_from(CASE.outerjoin(ENTERPRISE, ENTERPRISE.c.id == CASE.c.enterprise_id))
        .order_by(CASE.c.id)
        .limit(BATCH)
    )
    while True:
        rows = connection.execute(query.where(CASE.c.id > last)).all()
        if not rows:
            return
        texts = _texts(connection, rows)
        if postgres:
            # One statement per batch (an UPDATE per row costs a round trip each).
            connection.execute(
                sa.text(
                    'UPDATE "case" SET search_text = v.t '
                    "FROM unnest(CAST(:ids AS integer[]), CAST(:texts AS text[])) AS v(id, t) "
                    'WHERE "case".id = v.id'
                ),
                {"ids": list(texts), "texts": list(texts.values())},
            )
        else:
            connection.execute(
                sa.update(CASE).where(CASE.c.id == sa.bindparam("_id")),
                [{"_id": k, "search_text": v} for k, v in texts.items()],
            )
        last = rows[-1].id


def upgrade():
    connection = op.get_bind()
    postgres = connection.dialect.name == "postgresql"
    op.add_column("case", sa.Column("search_text", sa.Text(), server_default="", nullable=False))
    op.create_index("ix_case_victim_id", "case", ["victim_id"], unique=False)
    op.create_index("ix_victim_national_id", "victim", ["national_id"], unique=False)
    _backfill(connection, postgres)
    if postgres:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("SET LOCAL maintenance_work_mem = '256MB'")
    # SQLite: no index can serve LIKE '%word%'; declared empty (WHERE 0) as the model does.
    op.create_index(
        "ix_case_search_text_trgm",
        "case",
        ["search_text"],
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
        sqlite_where=sa.text("0"),
    )


def downgrade():
    op.drop_index("ix_case_search_text_trgm", table_name="case")
    op.drop_index("ix_victim_national_id", table_name="victim")
    op.drop_index("ix_case_victim_id", table_name="case")
    # In place (SQLite 3.35+ drops a column itself): a batch rebuild of ``case`` would drop
    # the table its victims and events reference.
    op.drop_column("case", "search_text")
