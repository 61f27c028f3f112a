"""Fixtures for the pure workflow tests: snapshots, contexts, and firing without a database.

``fire`` asks the definition exactly what the engine (``app/services/workflow_engine.py``)
asks it — ``parse_payload`` for the input, ``decide`` for route, role and guards, ``outcome``
for the effect plus the deadlines ``met_by`` closes — and folds the :class:`Outcome` into a
new snapshot with the same pure helpers the engine writes rows with (``Outcome.merged_data``,
``DeadlineChange.row``). Nothing here decides anything on its own, so a rule the engine does
not run cannot pass here either. It lets a test walk a case through several steps (e.g. extend
a deadline twice) without Flask.
"""

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from workflows import get_workflow
from workflows.base import Actor, CaseSnapshot, Context, DeadlineChange, Outcome, Transition
from workflows.dossier import CATEGORIES
from workflows.dossier_rules import DOCUMENTS_FACT
from workflows.fields import parse_payload
from workflows.law.rules import RuleBook

VN = timezone(timedelta(hours=7))
# 2026-11-20 10:00 in Vietnam.
NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
DECLARED = datetime(2026, 11, 20, 9, 0, tzinfo=VN)
OCCURRED = datetime(2026, 11, 20, 8, 30, tzinfo=VN)


def victim(vid: int, outcome: str, **extra) -> dict:
    row = {
        "id": vid,
        "full_name": f"Nạn nhân {vid}",
        "outcome": outcome,
        "died_at": None,
        "monthly_wage_vnd": 10_000_000,
        "insured_wage_vnd": 10_000_000,
        "si_number": f"31{vid:08d}",
        "si_years": 6,
        "gender": "male",
    }
    row.update(extra)
    return row


def snapshot(kind: str = "accident", state: str = "declared", **fields) -> CaseSnapshot:
    base = dict(
        id=1,
        code="HP-2026-A000001",
        kind=kind,
        state=state,
        labour_relation=True,
        enterprise_id=7,
        commune_code="11311",
        declared_at=DECLARED,
        occurred_at=OCCURRED,
        # What the engine supplies: no document attached yet (workflows.dossier_rules).
        facts={DOCUMENTS_FACT: ()},
    )
    base.update(fields)
    return CaseSnapshot(**base)


def attached(case: CaseSnapshot, *categories: str) -> CaseSnapshot:
    """``case`` with documents of ``categories`` attached (all categories when none named)."""
    return replace(case, facts={**case.facts, DOCUMENTS_FACT: categories or tuple(CATEGORIES)})


def actor(role: str) -> Actor:
    return Actor(username=f"{role}1", role=role, enterprise_id=7, commune_code="11311")


class Refused(Exception):
    """The transition exists but may not be fired; ``reasons`` says why."""

    def __init__(self, reasons):
        super().__init__(reasons)
        self.reasons = reasons


class Invalid(Exception):
    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


class NoTransition(Exception):
    pass


@dataclass
class Fired:
    case: CaseSnapshot
    transition: Transition
    outcome: Outcome
    ctx: Context


def apply_outcome(case: CaseSnapshot, outcome: Outcome, dest: str, now: datetime):
    """The snapshot after ``outcome``: what the engine's ``apply_outcome`` writes, as a copy."""
    deadlines = {name: dict(row) for name, row in case.deadlines.items()}
    for name, change in outcome.deadlines.items():
        if change is None:
            if name in deadlines:
                deadlines[name]["met_at"] = deadlines[name].get("met_at") or now
            continue
        assert isinstance(change, DeadlineChange)
        deadlines[name] = change.row(now)
    victims = tuple({**v, **outcome.victims.get(v["id"], {})} for v in case.victims)
    assert set(outcome.set) <= {"severity", "investigation_level"}
    return replace(
        case,
        state=dest,
        version=case.version + 1,
        data=outcome.merged_data(case.data),
        deadlines=deadlines,
        victims=victims,
        **outcome.set,
    )


@pytest.fixture
def rules():
    return RuleBook()


@pytest.fixture
def declare(rules):
    """Run a kind's on_create on a fresh snapshot, as the engine does at declaration."""

    def _declare(kind="accident", now=NOW, **fields):
        definition = get_workflow(kind)
        case = snapshot(kind, definition.initial, **fields)
        if definition.on_create is None:
            return case
        ctx = Context(case, actor("enterprise"), {}, now, rules)
        return apply_outcome(case, definition.effects[definition.on_create](ctx), case.state, now)

    return _declare


@pytest.fixture
def fire(rules):
    """fire(case, trigger, role, payload=None, now=NOW) -> Fired, or raise Refused/Invalid."""

    def _fire(case, trigger, role, payload=None, now=NOW, who=None):
        definition = get_workflow(case.kind)
        alternatives = definition.transitions_for(trigger, case.state)
        if not alternatives:
            raise NoTransition(f"{trigger} from {case.state}")
        clean, errors = parse_payload(alternatives[0].fields, payload or {})
        if errors:
            raise Invalid(errors)
        ctx = Context(case, who or actor(role), clean, now, rules)
        decision = definition.decide(trigger, ctx)
        if decision.transition is None:
            raise NoTransition(f"{trigger} from {case.state}: no condition holds")
        if decision.reasons:
            raise Refused(list(decision.reasons))
        transition = decision.transition
        outcome = definition.outcome(transition, ctx)
        new = apply_outcome(case, outcome, transition.dest_from(case.state), now)
        return Fired(new, transition, outcome, ctx)

    return _fire


@pytest.fixture
def offered(rules):
    """offered(case, role, now=NOW) -> the triggers a role would be offered before giving any
    input: role allowed, and every guard passes or only faults a payload field."""

    def _offered(case, role, now=NOW):
        return list(get_workflow(case.kind).offered(Context(case, actor(role), {}, now, rules)))

    return _offered


@pytest.fixture
def refusal(fire):
    """The reasons a firing is refused with (fails the test if it is allowed)."""

    def _refusal(*args, **kwargs):
        with pytest.raises(Refused) as info:
            fire(*args, **kwargs)
        return " ".join(info.value.reasons)

    return _refusal


def table(definition):
    return sorted(
        (source, t.trigger, t.dest_from(source))
        for t in definition.transitions
        for source in t.sources
    )


class Helpers:
    """Plain helpers handed to tests as the ``h`` fixture (test modules never import conftest,
    which is ambiguous once the suite has several conftest files)."""

    VN = VN
    UTC = UTC
    NOW = NOW
    DECLARED = DECLARED
    OCCURRED = OCCURRED
    victim = staticmethod(victim)
    snapshot = staticmethod(snapshot)
    attached = staticmethod(attached)
    actor = staticmethod(actor)
    table = staticmethod(table)
    apply_outcome = staticmethod(apply_outcome)
    Refused = Refused
    Invalid = Invalid
    NoTransition = NoTransition


@pytest.fixture
def h():
    return Helpers
