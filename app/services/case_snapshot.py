"""What guards, conditions and effects see of a case: a ``CaseSnapshot`` built by the engine.

A snapshot's scalar fields are copied from the case row when it is built; its victims,
deadlines, children and parent are read only if a guard, condition or effect reads them
(most transitions read none), through a ``Related`` cache the engine keeps current as it
writes, so the snapshot taken after a move reads nothing twice.
"""

from __future__ import annotations

from typing import Any

from app.services import case_store as store
from app.services.case_facts import case_facts
from workflows.base import CaseSnapshot


class Related:
    """A case's victims, deadlines, children and parent, each read on first use.

    Most transitions read none of them, so a snapshot does not load them up front. The
    engine keeps this cache current as it writes (deadlines, victims), so the snapshot
    taken after a move needs no second read.
    """

    def __init__(self, case, **known: Any) -> None:
        self.case = case
        self._known = known

    def _get(self, name: str, load):
        if name not in self._known:
            self._known[name] = load()
        return self._known[name]

    def victims(self) -> list[dict[str, Any]]:
        return self._get("victims", lambda: store.load_victims(self.case.id))

    def deadlines(self) -> dict[str, dict[str, Any]]:
        return self._get("deadlines", lambda: store.load_deadlines(self.case.id))

    def children(self) -> list[dict[str, Any]]:
        return self._get("children", lambda: store.load_children(self.case.id))

    def parent(self):
        """The parent row, locked: a child's move may reconcile the parent's tasks, and two
        children of one case moving at once must do that one after the other. (Locks are
        always taken child first, then parent, so this cannot deadlock with the parent's own
        transitions, which lock only the parent.)"""
        parent_id = self.case.parent_id
        return self._get("parent", lambda: parent_id and store.load_case(parent_id, lock=True))

    def forget(self, name: str) -> None:
        self._known.pop(name, None)


class LoadedRelated(Related):
    """The same, from an ORM ``Case`` whose collections a page may have loaded already."""

    def victims(self) -> list[dict[str, Any]]:
        return self._get(
            "victims",
            lambda: [{n: getattr(v, n) for n in store.VICTIM_VIEW} for v in self.case.victims],
        )

    def deadlines(self) -> dict[str, dict[str, Any]]:
        return self._get(
            "deadlines",
            lambda: {
                row.name: {"id": row.id, "name": row.name}
                | {n: getattr(row, n) for n in store.DEADLINE_FIELDS}
                for row in self.case.deadlines
            },
        )

    def children(self) -> list[dict[str, Any]]:
        return self._get(
            "children",
            lambda: [{"id": c.id, "kind": c.kind, "state": c.state} for c in self.case.children],
        )

    def parent(self):
        return self._get("parent", lambda: self.case.parent)


class _OnFirstRead:
    """A snapshot field that runs its loader the first time a guard or effect reads it.

    A data descriptor, so the dataclass ``__init__`` (and ``dataclasses.replace``) store
    plain values through it as usual.
    """

    def __set_name__(self, owner, name: str) -> None:
        self.slot = "_" + name

    def __set__(self, snapshot, value) -> None:
        snapshot.__dict__[self.slot] = value

    def __get__(self, snapshot, owner=None):
        if snapshot is None:
            return self
        value = snapshot.__dict__[self.slot]
        if isinstance(value, _Load):
            value = snapshot.__dict__[self.slot] = value.load()
        return value


class _Load:
    __slots__ = ("load",)

    def __init__(self, load) -> None:
        self.load = load


class StoredSnapshot(CaseSnapshot):
    """A ``CaseSnapshot`` whose victims, deadlines, children and parent load on first read."""

    victims = _OnFirstRead()
    deadlines = _OnFirstRead()
    children = _OnFirstRead()
    parent = _OnFirstRead()
    facts = _OnFirstRead()


def _deadline_view(row: dict[str, Any]) -> dict[str, Any]:
    return {name: row[name] for name in store.DEADLINE_FIELDS}


def _parent_view(parent) -> dict[str, Any] | None:
    if not parent:
        return None
    data = dict(parent.data or {})
    return {
        "id": parent.id,
        "code": parent.code,
        "kind": parent.kind,
        "state": parent.state,
        "data": data,
        "severity": parent.severity,
        "occurred_at": parent.occurred_at,
    }


def snapshot(case, related: Related | None = None) -> CaseSnapshot:
    """A read-only view of ``case`` (a ``Case`` or the engine's ``CaseRecord``).

    Its victims, deadlines, children and parent are read from ``related`` only if a guard,
    condition or effect asks for them.
    """
    related = related or LoadedRelated(case)
    return StoredSnapshot(
        id=case.id,
        code=case.code,
        kind=case.kind,
        state=case.state,
        version=case.version,
        severity=case.severity,
        investigation_level=case.investigation_level,
        labour_relation=case.labour_relation,
        enterprise_id=case.enterprise_id,
        commune_code=case.commune_code,
        declared_at=case.declared_at,
        occurred_at=case.occurred_at,
        data=dict(case.data or {}),
        victims=_Load(lambda: tuple(dict(v) for v in related.victims())),
        deadlines=_Load(
            lambda: {name: _deadline_view(row) for name, row in related.deadlines().items()}
        ),
        children=_Load(lambda: tuple(dict(c) for c in related.children())),
        parent=_Load(lambda: _parent_view(related.parent())),
        facts=_Load(lambda: case_facts(case)),
    )
