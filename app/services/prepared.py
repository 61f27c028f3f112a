"""Statements built once per shape: a list's page statement, reused with new values.

Building a case list's page statement (its columns' subqueries, scope, filters, search, count
and paging) and letting SQLAlchemy derive its cache key cost more Python than PostgreSQL
takes to answer it at 10⁶ cases (docs/performance-lists.md). A list therefore writes each of
its per-call values as a *named* bound parameter through a :class:`Bound`, which records the
value and, with every structural choice the code makes (``mark``), the statement's *shape*;
:class:`Prepared` keeps one statement per shape and the list executes it with this call's
values. Two calls with the same shape differ only in values, so they share the statement.

The rule that keeps this safe: a value that varies between calls goes through ``Bound``
(never a plain literal), and a choice that changes the statement's text is marked. Under test
(``app.testing``) every reuse is checked: the statement is built again from this call's
arguments and must compile to the same SQL with the same parameter values — the whole suite
proves each list's shapes complete.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from flask import current_app
from sqlalchemy import bindparam
from sqlalchemy.sql.elements import BindParameter

from app.extensions import db

# Shapes kept per cache: far more than the lists' combinations (roles × filters × paging
# modes); past it the cache starts again rather than grow without bound.
MAX_SHAPES = 4096


class Bound:
    """The named values of one statement and its shape, gathered as its conditions are
    written. ``bound(name, value, type_)`` is the parameter ``name`` (the column's type, so the
    column's own conversion applies) holding ``value``; ``mark(*parts)`` records a choice."""

    __slots__ = ("values", "shape")

    def __init__(self, *shape: Hashable) -> None:
        self.values: dict[str, Any] = {}
        self.shape: list[Hashable] = list(shape)

    def __call__(self, name: str, value: Any, type_: Any) -> BindParameter:
        if name in self.values and self.values[name] != value:
            # SQLAlchemy would silently send one of the two values.
            raise ValueError(f"parameter {name!r} bound twice with different values")
        self.values[name] = value
        self.shape.append(name)
        return bindparam(name, value, type_=type_)

    def mark(self, *parts: Hashable) -> None:
        self.shape.extend(parts)

    def key(self) -> tuple:
        return tuple(self.shape)


class Prepared:
    """Statements by shape (one cache per kind of list)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._statements: dict[tuple, Any] = {}

    def statement(self, bound: Bound, build: Callable[[], Any]):
        """The statement of ``bound``'s shape: the one built before, or ``build()``'s (which
        must write its values through ``bound``). Execute it with ``bound.values`` (values
        it does not name are ignored: one Bound may serve two statements of a call)."""
        key = bound.key()
        statement = self._statements.get(key)
        if statement is None:
            statement = build()
            if len(self._statements) >= MAX_SHAPES:
                self._statements.clear()
            self._statements[key] = statement
        elif current_app.testing:
            _check_reuse(self.name, statement, build(), bound.values)
        return statement

    def clear(self) -> None:
        self._statements.clear()


def _check_reuse(name: str, kept, fresh, values: dict[str, Any]) -> None:
    """Under test: the kept statement with this call's values is the one this call builds."""
    dialect = db.engine.dialect
    kept_compiled, fresh_compiled = kept.compile(dialect=dialect), fresh.compile(dialect=dialect)
    if str(kept_compiled) != str(fresh_compiled):
        raise AssertionError(f"{name}: a shape names two statements (a choice not marked)")
    # What the kept statement is sent: this call's values for its named parameters (a Bound
    # may hold more, for another statement of the same call), its own for the rest.
    sent = {key: values.get(key, kept) for key, kept in kept_compiled.params.items()}
    if sent != fresh_compiled.params:
        differ = sorted(k for k in sent if sent[k] != fresh_compiled.params.get(k))
        raise AssertionError(f"{name}: values not bound by name: {differ}")
