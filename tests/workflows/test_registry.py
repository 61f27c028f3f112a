"""The registry and `validate()`: every shipped definition is sound, and a broken one is
reported with every problem at once."""

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime

import pytest

import workflows
from workflows import REGISTRY
from workflows.base import (
    ROLE_REFUSAL,
    ROLES,
    Actor,
    CaseSnapshot,
    Context,
    Deadline,
    Field,
    Notify,
    Outcome,
    State,
    Task,
    Transition,
    UnknownCaseKind,
    WorkflowDefinition,
    WorkflowError,
    unless,
)


def test_every_registered_workflow_validates():
    workflows.validate_all()


def test_registry_holds_the_five_kinds_with_distinct_letters():
    assert set(workflows.REGISTRY) == {"accident", "claim", "disease", "incident", "report"}
    assert len({d.letter for d in workflows.REGISTRY.values()}) == 5
    for kind, definition in workflows.REGISTRY.items():
        assert definition.kind == kind
        assert definition.doc.strip(), f"{kind} has no process description"


def test_get_workflow_returns_the_definition():
    assert workflows.get_workflow("accident") is workflows.REGISTRY["accident"]


@pytest.mark.parametrize("kind", ["nope", "", "Accident", None])
def test_unknown_kind_raises_at_once(kind):
    with pytest.raises(UnknownCaseKind):
        workflows.get_workflow(kind)


def test_unknown_case_kind_is_a_key_error():
    assert issubclass(UnknownCaseKind, KeyError)


def test_workflows_import_neither_flask_nor_a_database():
    code = (
        "import sys, workflows, workflows.diagram, workflows.fields;"
        "bad = [m for m in ('flask', 'sqlalchemy', 'flask_sqlalchemy') if m in sys.modules];"
        "sys.exit(str(bad) if bad else 0)"
    )
    subprocess.run([sys.executable, "-W", "error", "-c", code], check=True)


def _effect(ctx):  # pragma: no cover - never run, only resolved by name
    raise AssertionError


def _small(**changes) -> WorkflowDefinition:
    base = WorkflowDefinition(
        kind="toy",
        letter="T",
        label_vi="Thử",
        label_en="Toy",
        initial="open",
        states=(
            State("open", "Mở", "Open", tasks=(Task("do", "inspector", "Làm", "Do", "limit"),)),
            State("done", "Xong", "Done", terminal=True),
        ),
        transitions=(Transition("finish", ("open",), "done", ("inspector",), "Xong", "Finish"),),
        deadlines=(Deadline("limit", "Hạn", "Limit", met_by=("finish",), role="inspector"),),
        predicates={},
        effects={"noop": _effect},
        resolvers={},
    )
    return replace(base, **changes)


def _problems(definition) -> str:
    with pytest.raises(WorkflowError) as info:
        definition.validate()
    assert str(info.value).count("\n  - ") == len(info.value.problems)
    return "\n".join(info.value.problems)


def test_the_small_definition_itself_is_valid():
    _small().validate()


def test_unreachable_state_is_reported():
    states = _small().states + (State("limbo", "Treo", "Limbo", terminal=True),)
    assert "'limbo' is not reachable" in _problems(_small(states=states))


def test_missing_guard_condition_and_effect_names_are_reported():
    broken = Transition(
        "finish",
        ("open",),
        "done",
        ("inspector",),
        "Xong",
        "Finish",
        guards=("is_ghost",),
        conditions=("is_phantom",),
        effect="vanish",
    )
    text = _problems(_small(transitions=(broken,)))
    assert "unknown guard 'is_ghost'" in text
    assert "unknown condition 'is_phantom'" in text
    assert "unknown effect 'vanish'" in text


def test_deadline_met_by_an_unknown_trigger_is_reported():
    deadlines = (Deadline("limit", "Hạn", "Limit", met_by=("approve",), role="inspector"),)
    assert "met_by unknown trigger 'approve'" in _problems(_small(deadlines=deadlines))


def test_non_terminal_dead_end_is_reported():
    states = (State("open", "Mở", "Open"), State("done", "Xong", "Done"))
    assert "non-terminal state 'done' has no exit" in _problems(_small(states=states))


def test_an_internal_transition_is_not_an_exit():
    transitions = _small().transitions + (
        Transition("poke", ("done",), None, ("inspector",), "Chọc", "Poke"),
    )
    states = (_small().states[0], State("done", "Xong", "Done"))
    assert "'done' has no exit" in _problems(_small(states=states, transitions=transitions))


def test_every_problem_is_listed_at_once():
    broken = Transition(
        "finish",
        ("open", "nowhere"),
        "void",
        ("wizard",),
        "Xong",
        "Finish",
        fields=(Field("x", "colour"), Field("version", "int")),
        notify=(Notify("toy.done", ("ghost",), when="is_unknown"),),
    )
    text = _problems(
        _small(
            initial="start",
            letter="tt",
            transitions=(broken,),
            states=(
                State("open", "Mở", "Open", tasks=(Task("do", "nobody", "L", "D", "nolimit"),)),
            ),
            deadlines=(Deadline("limit", "Hạn", "Limit", unit="hours", role="who"),),
            on_create="missing",
        )
    )
    for expected in (
        "initial state 'start' does not exist",
        "letter 'tt'",
        "unknown source 'nowhere'",
        "unknown dest 'void'",
        "unknown role 'wizard'",
        "unknown kind 'colour'",
        "'version' is reserved",
        "notify 'toy.done' unknown role 'ghost'",
        "unknown condition 'is_unknown'",
        "'nobody' is neither a role nor a resolver",
        "unknown deadline 'nolimit'",
        "unknown unit 'hours'",
        "no trigger meets it",
        "'who' is neither a role nor a resolver",
        "on_create: unknown effect 'missing'",
    ):
        assert expected in text, expected


def test_a_transition_nobody_may_fire_is_reported():
    transitions = (Transition("finish", ("open",), "done", (), "Xong", "Finish"),)
    assert "no role may fire it" in _problems(_small(transitions=transitions))


def test_routed_alternatives_must_share_fields_and_be_conditional():
    transitions = (
        Transition("finish", ("open",), "done", ("inspector",), "X", "F"),
        Transition(
            "finish", ("open",), "open", ("inspector",), "X", "F", fields=(Field("a", "int"),)
        ),
    )
    text = _problems(_small(transitions=transitions))
    assert "alternatives take different fields" in text
    assert "unconditional alternative hides" in text


def test_shipped_definitions_only_use_real_roles():
    for definition in workflows.REGISTRY.values():
        for transition in definition.transitions:
            assert set(transition.roles) <= set(ROLES)


# -- deadlines are met by what the definitions declare, and only by that ----------------------

# Written out by hand from law.md, so dropping a ``met_by`` entry (or adding one) fails here.
DEADLINES_MET_BY = {
    # Completing a quick notice closes what the people declared no longer need; its effect
    # sets again what they do (tests/workflows/test_accident_notice.py).
    ("accident", "investigation"): {"announce", "reject", "complete_declaration"},
    ("accident", "scene_arrival"): {
        "record_scene_arrival",
        "conclude",
        "reject",
        "complete_declaration",
    },
    ("accident", "declaration"): {"complete_declaration", "reject"},
    ("claim", "compensation"): {"record_payment"},
    ("claim", "insurance_filing"): {"file_insurance"},
    ("claim", "insurance_decision"): {"decide_insurance"},
    # Decree 39/2016 Art. 24(1)-(2): the periodic report is filed by its due day.
    ("report", "report_due"): {"submit"},
}


def test_each_deadline_is_met_by_the_triggers_the_law_names():
    declared = {
        (d.kind, deadline.name): set(deadline.met_by)
        for d in REGISTRY.values()
        for deadline in d.deadlines
    }
    assert declared == DEADLINES_MET_BY


def _open_deadline():
    at = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    return {"due_at": at, "started_at": at, "days": 1, "unit": "calendar", "met_at": None}


def test_firing_a_met_by_trigger_marks_its_deadline_met():
    definition = _small(effects={"noop": lambda ctx: Outcome()})
    transition = definition.transitions[0]
    case = CaseSnapshot(id=1, code="T", kind="toy", state="open", deadlines={"limit": {}})
    ctx = Context(case, Actor("i", "inspector"), {}, datetime.now(UTC), rules=None)
    assert definition.outcome(transition, ctx).deadlines == {"limit": None}


def test_an_effect_that_closes_a_deadline_itself_is_refused():
    """Deadlines are met only through ``met_by``, so the rule has one home."""
    closes = Transition(
        "finish", ("open",), "done", ("inspector",), "Xong", "Finish", effect="closes"
    )
    definition = _small(
        transitions=(closes,), effects={"closes": lambda ctx: Outcome(deadlines={"limit": None})}
    )
    case = CaseSnapshot(id=1, code="T", kind="toy", state="open")
    ctx = Context(case, Actor("i", "inspector"), {}, datetime.now(UTC), rules=None)
    with pytest.raises(ValueError, match="met_by"):
        definition.outcome(closes, ctx)


def test_a_guard_that_raises_is_not_taken_for_a_refusal():
    """A broken guard surfaces as an error, never as "action not offered"."""

    def broken(ctx):
        raise KeyError("oops")

    guarded = Transition(
        "finish", ("open",), "done", ("inspector",), "Xong", "Finish", guards=("is_broken",)
    )
    definition = _small(transitions=(guarded,), predicates={"is_broken": broken})
    case = CaseSnapshot(id=1, code="T", kind="toy", state="open")
    ctx = Context(case, Actor("i", "inspector"), {}, datetime.now(UTC), rules=None)
    with pytest.raises(KeyError):
        definition.offered(ctx)
    with pytest.raises(KeyError):
        definition.decide("finish", ctx)


def test_guards_and_conditions_are_one_kind_of_predicate():
    """A predicate named as a guard refuses with its reason; named as a condition, it routes."""

    def is_ready(ctx):
        return unless(ctx.payload.get("ready") is True, "Chưa sẵn sàng.", field="ready")

    guarded = Transition(
        "finish", ("open",), "done", ("inspector",), "Xong", "Finish", guards=("is_ready",)
    )
    definition = _small(transitions=(guarded,), predicates={"is_ready": is_ready})
    case = CaseSnapshot(id=1, code="T", kind="toy", state="open")
    refused = definition.decide("finish", Context(case, Actor("i", "inspector"), {}, None, None))
    assert refused.transition is guarded and not refused.allowed
    assert [(str(r), r.field) for r in refused.input_reasons] == [("Chưa sẵn sàng.", "ready")]
    ready = Context(case, Actor("i", "inspector"), {"ready": True}, None, None)
    assert definition.decide("finish", ready).allowed
    # Offered before any input: the only reason is about the input still to be typed.
    assert definition.offered(Context(case, Actor("i", "inspector"), {}, None, None)) == ("finish",)
    # The role check comes first and alone.
    union = definition.decide("finish", Context(case, Actor("u", "union"), {}, None, None))
    assert union.role_refused and [str(r) for r in union.reasons] == [ROLE_REFUSAL]


def test_bounds_that_cannot_hold_are_reported():
    fields = (
        Field("amount", "money", minimum=10, maximum=5),
        Field("approved", "bool", max_length=3),
    )
    finish = Transition(
        "finish", ("open",), "done", ("inspector",), "Xong", "Finish", fields=fields
    )
    text = _problems(_small(transitions=(finish,)))
    assert "'amount': its minimum is above its maximum" in text
    assert "'approved': max_length goes with a text or list" in text
