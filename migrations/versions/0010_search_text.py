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
backfill rewrites every row, so the new indexes are built after it, and on PostgreSQL from
``REBUILD_INDEXES_FROM`` cases the table's other secondary indexes are dropped before it and
rebuilt after (building an index once is far cheaper than updating it row by row); the case
table is locked meanwhile, as the rewrite would lock every row anyway. Downgrading drops the indexes and the column; the extension stays (it may have
been there before, and other databases' objects may use it).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 13:00:00

"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

BATCH = 20_000
# From this many cases (PostgreSQL), the table's other indexes are dropped for the backfill and
# rebuilt after it.
REBUILD_INDEXES_FROM = 100_000
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
    """``{case id: search text}`` for a batch of case rows (ids ascending)."""
    names: dict[int, list[str]] = {}
    for case_id, name in connection.execute(
        sa.select(VICTIM.c.case_id, VICTIM.c.full_name)
        .where(VICTIM.c.case_id.between(rows[0].id, rows[-1].id))
        .order_by(VICTIM.c.id)
    ):
        names.setdefault(case_id, []).append(name)
    texts = {}
    for row in rows:
        if row.victim_id is not None:  # a claim: its own victim (a row of its accident)
            people = [row.claim_victim] if row.claim_victim is not None else []
        else:
            people = names.get(row.id, [])
        texts[row.id] = search_text(
            row.code,
            row.parent_code,
            row.enterprise_name,
            row.location,
            row.description,
            people,
        )
    return texts


def _backfill(connection, postgres):
    last = 0
    parent = CASE.alias("parent")
    claim_victim = VICTIM.alias("claim_victim")
    query = (
        sa.select(
            CASE.c.id,
            CASE.c.code,
            CASE.c.victim_id,
            CASE.c.location,
            CASE.c.description,
            parent.c.code.label("parent_code"),
            ENTERPRISE.c.name.label("enterprise_name"),
            claim_victim.c.full_name.label("claim_victim"),
        )
        .select_from(
            CASE.outerjoin(ENTERPRISE, ENTERPRISE.c.id == CASE.c.enterprise_id)
            .outerjoin(parent, parent.c.id == CASE.c.parent_id)
            .outerjoin(claim_victim, claim_victim.c.id == CASE.c.victim_id)
        )
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


def _secondary_indexes(connection):
    """``[(name, CREATE INDEX statement)]`` of the indexes on ``case`` that no constraint owns
    (PostgreSQL)."""
    return connection.execute(
        sa.text(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = CAST('\"case\"' AS regclass) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)"
        )
    ).all()


def upgrade():
    connection = op.get_bind()
    postgres = connection.dialect.name == "postgresql"
    op.add_column("case", sa.Column("search_text", sa.Text(), server_default="", nullable=False))
    rebuilt = []
    if postgres:
        op.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cases = connection.execute(sa.text('SELECT count(*) FROM "case"')).scalar_one()
        if cases >= REBUILD_INDEXES_FROM:
            # Every row is rewritten: updating each of the table's indexes row by row costs
            # far more than building each once afterwards (10⁶ cases: see docs/performance-
            # search.md).
            rebuilt = _secondary_indexes(connection)
            for name, _ in rebuilt:
                op.execute(f'DROP INDEX "{name}"')
    _backfill(connection, postgres)
    for _, statement in rebuilt:
        op.execute(statement)
    if postgres:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index("ix_case_victim_id", "case", ["victim_id"], unique=False)
    op.create_index("ix_victim_national_id", "victim", ["national_id"], unique=False)
    # SQLite: no index can serve LIKE '%word%'; declared empty (WHERE 0) as the model does.
    op.create_index(
        "ix_case_search_text_trgm",
        "case",
        ["search_text"],
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
        sqlite_where=sa.text("0"),
    )
    if postgres:
        # The planner's statistics of the new column (how selective a word is): a sample.
        op.execute('ANALYZE "case"')


def downgrade():
    op.drop_index("ix_case_search_text_trgm", table_name="case")
    op.drop_index("ix_victim_national_id", table_name="victim")
    op.drop_index("ix_case_victim_id", table_name="case")
    # In place (SQLite 3.35+ drops a column itself): a batch rebuild of ``case`` would drop
    # the table its victims and events reference.
    op.drop_column("case", "search_text")
