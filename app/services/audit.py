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

from sqlalchemy import select

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
        "at": as_utc(at).isoformat(timespec="microseconds"),
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, content: str) -> str:
    return hashlib.sha256((prev_hash + content).encode("utf-8")).hexdigest()


def append_event(
    case: Case,
    *,
    actor: str,
    role: str,
    trigger: str,
    from_state: str | None,
    to_state: str,
    payload: dict[str, Any],
    at: datetime,
    ip: str | None = None,
) -> CaseEvent:
    """Add the next event of ``case``'s chain to the session (the caller's transaction).

    The case row is locked by the caller, so reading the last event cannot race.
    """
    last = db.session.execute(
        select(CaseEvent.seq, CaseEvent.hash)
        .where(CaseEvent.case_id == case.id)
        .order_by(CaseEvent.seq.desc())
        .limit(1)
    ).first()
    seq, prev_hash = (last.seq + 1, last.hash) if last else (1, GENESIS_HASH)
    # Round-trip through JSON so the hash covers exactly what is stored.
    payload = json.loads(json.dumps(payload, ensure_ascii=False, default=str))
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
    event = CaseEvent(
        case_id=case.id,
        seq=seq,
        at=at,
        actor=actor,
        role=role,
        trigger=trigger,
        from_state=from_state,
        to_state=to_state,
        payload=payload,
        ip=ip,
        prev_hash=prev_hash,
        hash=chain_hash(prev_hash, content),
    )
    db.session.add(event)
    return event


@dataclass(frozen=True)
class BrokenLink:
    case_code: str
    seq: int
    reason: str


def verify_chains() -> list[BrokenLink]:
    """Recompute every case's chain; an empty list means every chain is intact."""
    broken: list[BrokenLink] = []
    codes = dict(db.session.execute(select(Case.id, Case.code)).all())
    rows = db.session.scalars(select(CaseEvent).order_by(CaseEvent.case_id, CaseEvent.seq))
    current_case, prev_hash, expected_seq = None, GENESIS_HASH, 1
    for event in rows:
        if event.case_id != current_case:
            current_case, prev_hash, expected_seq = event.case_id, GENESIS_HASH, 1
        code = codes.get(event.case_id, f"#{event.case_id}")
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
    return broken
