"""The hash-chained audit trail: appending events and verifying every chain.

Each event's hash is SHA-256 over the previous hash and the event's canonical content
(actor, role, trigger, from, to, payload, time) serialised as sorted, compact JSON. The
first event of a case chains from 64 zeros. Rewriting any stored field of any event
breaks its own hash; deleting or reordering events breaks the next one's ``prev_hash``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select

from app.clock import as_utc
from app.extensions import db
from app.models import GENESIS_HASH, Case, CaseEvent


def canonical_content(
    *,
    actor: str,
    role: str,
    trigger: str,
    from_state: str | None,
    to_state: str,
    payload: dict[str, Any],
    at: datetime,
) -> str:
    content = {
        "actor": actor,
        "role": role,
        "trigger": trigger,
        "from": from_state,
        "to": to_state,
        "payload": payload,
        "at": canonical_time(at),
    }
    return canonical_json(content)


def canonical_json(content: dict[str, Any]) -> str:
    """``content`` as sorted, compact JSON (UTF-8 text kept as is): what a chain hashes. Also
    used by the security audit (``app/services/security_audit.py``)."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_time(at: datetime) -> str:
    """A stored time as hashed: UTC, ISO 8601 with microseconds (what both databases keep)."""
    return as_utc(at).isoformat(timespec="microseconds")


def stored_json(value: Any) -> Any:
    """``value`` as a JSON column gives it back (dates as text…), so a hash covers exactly what
    is stored."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def chain_hash(prev_hash: str, content: str) -> str:
    """SHA-256 (hex) over the previous hash followed by the canonical content."""
    return hashlib.sha256((prev_hash + content).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainHead:
    """The last event of a case's chain: its ``seq`` and ``hash`` (0 and 64 zeros if none)."""

    seq: int = 0
    hash: str = GENESIS_HASH


_insert_event = insert(CaseEvent.__table__)


def append_event(
    case,
    *,
    actor: str,
    role: str,
    trigger: str,
    from_state: str | None,
    to_state: str,
    payload: dict[str, Any],
    at: datetime,
    ip: str | None = None,
) -> ChainHead:
    """Insert the next event of ``case``'s chain and move the head held on ``case``.

    ``case`` is a ``Case`` or the engine's ``CaseRecord``, whose row the caller holds locked
    and writes back (the ORM flush or ``save_case``) in the same transaction, so two
    appends can never chain from the same event.
    """
    head = ChainHead(case.last_event_seq, case.last_event_hash)
    payload = stored_json(payload)
    at = as_utc(at)
    content = canonical_content(
        actor=actor,
        role=role,
        trigger=trigger,
        from_state=from_state,
        to_state=to_state,
        payload=payload,
        at=at,
    )
    new_head = ChainHead(head.seq + 1, chain_hash(head.hash, content))
    db.session.connection().execute(
        _insert_event,
        {
            "case_id": case.id,
            "seq": new_head.seq,
            "at": at,
            "actor": actor,
            "role": role,
            "trigger": trigger,
            "from_state": from_state,
            "to_state": to_state,
            "payload": payload,
            "ip": ip,
            "prev_hash": head.hash,
            "hash": new_head.hash,
        },
    )
    case.last_event_seq, case.last_event_hash = new_head.seq, new_head.hash
    return new_head


@dataclass(frozen=True)
class BrokenLink:
    case_code: str
    seq: int
    reason: str


def verify_chains() -> list[BrokenLink]:
    """Recompute every case's chain; an empty list means every chain is intact.

    Besides each link, the case row's chain head must name the last event: that catches
    the newest events being deleted, which no later link would reveal.
    """
    broken: list[BrokenLink] = []
    cases = {
        row.id: row
        for row in db.session.execute(
            select(Case.id, Case.code, Case.last_event_seq, Case.last_event_hash)
        )
    }
    heads: dict[int, ChainHead] = {}
    rows = db.session.scalars(select(CaseEvent).order_by(CaseEvent.case_id, CaseEvent.seq))
    current_case, prev_hash, expected_seq = None, GENESIS_HASH, 1
    for event in rows:
        if event.case_id != current_case:
            current_case, prev_hash, expected_seq = event.case_id, GENESIS_HASH, 1
        code = _code(cases, event.case_id)
        if event.seq != expected_seq:
            broken.append(BrokenLink(code, event.seq, f"expected event {expected_seq}"))
        if event.prev_hash != prev_hash:
            broken.append(BrokenLink(code, event.seq, "prev_hash does not match the chain"))
        content = canonical_content(
            actor=event.actor,
            role=event.role,
            trigger=event.trigger,
            from_state=event.from_state,
            to_state=event.to_state,
            payload=event.payload,
            at=event.at,
        )
        if chain_hash(event.prev_hash, content) != event.hash:
            broken.append(BrokenLink(code, event.seq, "content does not match its hash"))
        prev_hash, expected_seq = event.hash, event.seq + 1
        heads[event.case_id] = ChainHead(event.seq, event.hash)
    for case_id, case in cases.items():
        head = heads.get(case_id, ChainHead())
        if (case.last_event_seq, case.last_event_hash) != (head.seq, head.hash):
            broken.append(
                BrokenLink(
                    case.code,
                    case.last_event_seq,
                    f"the case names event {case.last_event_seq} as its last; "
                    f"the chain ends at {head.seq}",
                )
            )
    return broken


def _code(cases, case_id: int) -> str:
    case = cases.get(case_id)
    return case.code if case is not None else f"#{case_id}"
