"""Search as people search: what the case list's ``q`` matches, and the column it reads.

Free text matches ``case.search_text``: a case's code, its enterprise's name, place,
description and victims' names — for a claim its code, its accident's code, the enterprise's
name and its own victim's name, so a victim's name finds their claims — folded by
``workflows.inputs.fold`` (no case, no accents, "đ" as "d", one space between words). The query
is folded the same way and each of its words must appear somewhere in the column (in any order,
as part of a word: "nguyen" finds "Nguyễn", "Nguyên" and "NGUYỄN VĂN"). On PostgreSQL a GIN
trigram index (``pg_trgm``) serves ``LIKE '%word%'`` (words of three or more characters use it);
SQLite reads the same column with the same ``LIKE``, so both give the same cases.

A query of 9, 10, 12 or 13 digits (dashes and spaces aside) is an identifier, not text: 10
or 13 digits are matched exactly against the enterprises' tax codes, and 9 or 12 digits against
the victims' national IDs — the latter only for the roles that see national IDs in full
(``privacy.sees_national_id``). For any other role a national ID finds nothing, exactly as a
number no case holds would, so it tells nothing about who has that ID. Either match is within
the caller's scope (the list's ``case_filter``), and a victim's ID finds their claims as well.

The column is written with the case (``workflow_engine.create_case`` / ``create_child``) and
rewritten when a victim's name changes (``refresh``); the generator (``bench.seed``) and
migration 0010 write it their own way, and ``expected_texts`` recomputes it from the rows so a
test can tell when a path forgot it. An enterprise's name is copied in: nothing renames an
enterprise today; whatever comes to must ``refresh`` its cases.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import Case, Enterprise, Victim
from app.services import case_store
from app.services.parties import TAX_CODE_RE, normalise_tax_code
from app.services.prepared import Bound
from app.services.privacy import sees_national_id
from workflows.inputs import fold, is_digits

# Words of a query beyond this many are ignored (each is one more LIKE on the column).
MAX_WORDS = 8
# The victim columns the search text holds: changing one rewrites it (``refresh``).
VICTIM_FIELDS = frozenset({"full_name"})
# Lengths of a national ID: a CCCD's 12 digits, an old CMND's 9.
NATIONAL_ID_LENGTHS = (9, 12)
# A query of this many digits (dashes and spaces aside) names a national ID or a tax code (10
# or 13): it is matched exactly against those and not as text. No case's text holds such a
# number, and its digits' trigrams (every code has "000", "202"…) would make the text search
# read much of the index for nothing (docs/performance-search.md).
IDENTIFIER_LENGTHS = frozenset({*NATIONAL_ID_LENGTHS, 10, 13})


def case_search_text(
    code: str,
    *,
    parent_code: str | None = None,
    enterprise_name: str | None = None,
    location: str | None = None,
    description: str | None = None,
    victim_names: Iterable[str] = (),
) -> str:
    """The ``search_text`` of a case with these fields, folded: parts in this order, empty ones
    left out, separated by one space. (Migration 0010 holds a copy; a test compares them.)"""
    parts = (code, parent_code, enterprise_name, location, description, *victim_names)
    return fold(" ".join(part for part in parts if part))


def query_words(q: str) -> list[str]:
    """The folded words of a query (at most ``MAX_WORDS``), e.g. " NGUYỄN  văn " → ["nguyen",
    "van"]."""
    return fold(q).split()[:MAX_WORDS]


def search_condition(q: str, user, bound: Bound | None = None) -> ColumnElement[bool]:
    """A WHERE clause on ``Case`` for the query ``q`` as ``user`` may search (the scope filter
    is the caller's: ``case_filter``). A blank query matches every case. With ``bound`` (a
    list's prepared statement, ``app.services.prepared``) the words and identifiers are named
    parameters and the kind of query is marked.

    An identifier is matched inside the page's own statement (one round trip): a tax code as
    the enterprise's id (a scalar subquery, as the list's enterprise filter: PostgreSQL then
    reads that enterprise's cases in order from ``ix_case_enterprise_declared``), a national
    ID as the ids of the cases naming its victims and of their claims (one ``IN`` over a
    ``UNION``, which PostgreSQL joins by primary key; an ``OR`` of two subqueries would be a
    filter over every row).
    """
    bound = bound if bound is not None else Bound()  # unnamed use: values kept, shape unused
    words = query_words(q)
    if not words:
        bound.mark("q", "blank")
        return true()
    # The query without its dashes and spaces: an identifier if it is all digits.
    digits = normalise_tax_code(q)
    identifier = is_digits(digits) and len(digits) in IDENTIFIER_LENGTHS
    branches: list[ColumnElement[bool]] = []
    if not identifier:
        bound.mark("q", "text")
        branches.append(and_(*(_contains(word, n, bound) for n, word in enumerate(words))))
    if identifier and TAX_CODE_RE.match(digits):
        bound.mark("q", "tax code")
        branches.append(
            Case.enterprise_id
            == select(Enterprise.id)
            .where(Enterprise.tax_code == bound("q_tax_code", digits, Enterprise.tax_code.type))
            .scalar_subquery()
        )
    if identifier and len(digits) in NATIONAL_ID_LENGTHS and sees_national_id(user):
        bound.mark("q", "national id")
        branches.append(_national_id_branch(digits, bound))
    if not branches:
        bound.mark("q", "nothing")
    return or_(*branches) if branches else false()


def _contains(word: str, n: int, bound: Bound) -> ColumnElement[bool]:
    """``search_text LIKE '%word%'`` with ``%``, ``_`` and the escape character taken literally.
    The pattern is one bound value (not ``'%' || :word || '%'``, what ``contains`` sends), so
    PostgreSQL plans with the pattern itself: the trigram index and the row estimate from it."""
    pattern = bound(f"q_word{n}", _pattern(word), Case.search_text.type)
    return Case.search_text.like(pattern, escape="/")


def _pattern(part: str) -> str:
    """``%part%`` for ``LIKE … ESCAPE '/'``, ``%``, ``_`` and ``/`` in ``part`` taken
    literally."""
    return "%" + part.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"


def code_contains(column, typed: str, bound: Bound | None = None) -> ColumnElement[bool]:
    """A case code ``column`` (stored upper-case) holding ``typed``, trimmed, in any letter
    case: a whole code or a part of one ("a000123", "2026-A00004", "123"). With ``bound``
    (a prepared statement's) the pattern is its named parameter ``code_part``."""
    pattern = _pattern(typed.strip().upper())
    if bound is not None:
        pattern = bound("code_part", pattern, column.type)
    return column.like(pattern, escape="/")


# Aliases (a subquery on the listed table itself would be correlated to the list's row), made
# once: a fresh ``aliased()`` per search cost more than the search's statement.
_CLAIM = aliased(Case, name="claim_of_id")
_WORKER = aliased(Victim, name="worker_of_id")


def _national_id_branch(national_id: str, bound: Bound) -> ColumnElement[bool]:
    """The cases of the victims with this national ID: the ones they are named in and their
    claims (a claim's ``victim_id`` is its worker's row in the accident)."""
    value = bound("q_national_id", national_id, Victim.national_id.type)
    named = select(Victim.case_id).where(Victim.national_id == value)
    claim, worker = _CLAIM, _WORKER
    claims = (
        select(claim.id)
        .join(worker, worker.id == claim.victim_id)
        .where(worker.national_id == value)
    )
    return Case.id.in_(named.union(claims))


# -- keeping the column right -----------------------------------------------------------------


def expected_texts(case_ids: Sequence[int] | None = None) -> dict[int, str]:
    """``{case id: search text}`` recomputed from the rows (every case when ``case_ids`` is
    None): what ``search_text`` must hold. Reads four queries, whatever the number of cases."""
    cases = (
        select(
            Case.id,
            Case.code,
            Case.parent_id,
            Case.victim_id,
            Case.location,
            Case.description,
            Enterprise.name.label("enterprise_name"),
        )
        .outerjoin(Enterprise, Enterprise.id == Case.enterprise_id)
        .order_by(Case.id)
    )
    if case_ids is not None:
        cases = cases.where(Case.id.in_(list(case_ids)))
    rows = db.session.execute(cases).all()
    ids = [row.id for row in rows]
    names: dict[int, list[str]] = {}
    victims = select(Victim.id, Victim.case_id, Victim.full_name).order_by(Victim.id)
    claim_victims = {row.victim_id for row in rows if row.victim_id is not None}
    if case_ids is not None:
        victims = victims.where(or_(Victim.case_id.in_(ids), Victim.id.in_(claim_victims)))
    by_id: dict[int, str] = {}
    for victim in db.session.execute(victims):
        names.setdefault(victim.case_id, []).append(victim.full_name)
        by_id[victim.id] = victim.full_name
    parents = {row.parent_id for row in rows if row.parent_id is not None}
    codes = dict(
        db.session.execute(select(Case.id, Case.code).where(Case.id.in_(parents))).all()
        if parents
        else ()
    )
    return {
        row.id: case_search_text(
            row.code,
            parent_code=codes.get(row.parent_id),
            enterprise_name=row.enterprise_name,
            location=row.location,
            description=row.description,
            victim_names=_people(row, names, by_id),
        )
        for row in rows
    }


def _people(row, names: dict[int, list[str]], by_id: dict[int, str]) -> list[str]:
    """The names a case's text holds: a claim its own victim's (a row of its accident), any
    other case its victims'."""
    if row.victim_id is not None:
        return [by_id[row.victim_id]] if row.victim_id in by_id else []
    return names.get(row.id, [])


def refresh(case_ids: Iterable[int]) -> None:
    """Rewrite the ``search_text`` of these cases from their rows, in the caller's transaction
    (after a victim is renamed, say: pass the case and its claims)."""
    case_store.save_search_texts(expected_texts(sorted(set(case_ids))))
