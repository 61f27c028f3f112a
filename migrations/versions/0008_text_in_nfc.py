"""text in NFC: what was stored before every input was normalised

Issue #12. From this revision every boundary stores text in Unicode NFC (``workflows/
inputs.py``). Rows written before may hold text typed decomposed (NFD, macOS and iOS
keyboards) — names, addresses, organisation names, descriptions, labels and the strings inside
a case's ``data`` — which search and "same person twice" do not match. This revision rewrites
them in NFC, and writes the national ID and social insurance number of a victim with ASCII
digits where full-width or Arabic-Indic digits were accepted ("０３１…" is "031…").

Only rows that change are written. The audit trail (``case_event``) is left exactly as it is:
its hashes are over the text as it was recorded, and the table refuses updates. The schema
does not change. Downgrading keeps the normalised text: NFC says the same as what it replaced.

Revision ID: 0008
Revises: 0007 (another #12 revision; 0006 until it is merged — see the report of issue #12)
Create Date: 2026-11-30 12:00:00

"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# (table, primary key columns, text columns, JSON columns): the text people typed or imported.
TEXT = (
    ("commune", ("code",), ("name",), ()),
    ("enterprise", ("id",), ("name",), ()),
    ("user", ("id",), ("full_name",), ()),
    ("case", ("id",), ("location", "description"), ("data",)),
    ("victim", ("id",), ("full_name", "occupation", "injury_description"), ()),
    ("document", ("id",), ("original_name", "note"), ()),
    ("code_entry", ("list_name", "code"), ("label_vi", "label_en"), ()),
    ("holiday_adjustment", ("id",), ("note",), ()),
    ("rule_value", ("id",), ("source",), ()),
    ("notification", ("id",), ("subject", "body"), ()),
)
# Digits only where digits are meant: written in ASCII.
DIGITS = (("victim", ("id",), ("national_id", "si_number")),)
BATCH = 500


def _nfc(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    return value


def _ascii_digits(value):
    if not isinstance(value, str):
        return value
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in value)


def _rewrite(connection, name, keys, columns, change, json_columns=()):
    """Apply ``change`` to the columns of every row of ``name``, in batches by primary key,
    writing only the rows it changes."""
    meta = [sa.column(c) for c in (*keys, *columns)]
    meta += [sa.column(c, sa.JSON) for c in json_columns]
    table = sa.table(name, *meta)
    key = sa.tuple_(*(table.c[k] for k in keys))
    last = None
    while True:
        query = sa.select(*table.c).order_by(*(table.c[k] for k in keys)).limit(BATCH)
        if last is not None:
            query = query.where(key > sa.tuple_(*last))
        rows = connection.execute(query).all()
        for row in rows:
            values = row._mapping
            new = {c: change(values[c]) for c in (*columns, *json_columns)}
            changed = {c: v for c, v in new.items() if v != values[c]}
            if changed:
                where = [table.c[k] == values[k] for k in keys]
                connection.execute(sa.update(table).where(*where).values(**changed))
        if len(rows) < BATCH:
            return
        last = tuple(rows[-1]._mapping[k] for k in keys)


def upgrade():
    connection = op.get_bind()
    for name, keys, columns, json_columns in TEXT:
        _rewrite(connection, name, keys, columns, _nfc, json_columns)
    for name, keys, columns in DIGITS:
        _rewrite(connection, name, keys, columns, _ascii_digits)


def downgrade():
    pass  # NFC says the same as what it replaced; nothing to undo
