"""The Mermaid diagrams: deterministic text that shows every state, trigger and the current
state when asked."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import workflows
from workflows.diagram import mermaid

KINDS = sorted(workflows.REGISTRY)
ROOT = Path(__file__).resolve().parents[2]

# Two processes with different string hashes: a diagram that followed set or hash order would
# differ between them. ``probe`` is a set of the same names in the same process, to show the
# seeds really do reorder sets.
_DIAGRAMS_IN_A_FRESH_PROCESS = """
import json, workflows
from workflows.diagram import mermaid
diagrams = {}
names = set()
for kind, d in sorted(workflows.REGISTRY.items()):
    diagrams[kind] = [mermaid(d), mermaid(d, current=d.initial)]
    names.update(s.name for s in d.states)
    names.update(t.trigger for t in d.transitions)
print(json.dumps({"diagrams": diagrams, "probe": list(names)}))
"""
HASH_SEEDS = ("1", "2")


@pytest.fixture(scope="module")
def diagrams_by_seed() -> dict[str, dict]:
    """``{PYTHONHASHSEED: {"diagrams": {kind: [plain, highlighted]}, "probe": [...]}}``."""
    found = {}
    for seed in HASH_SEEDS:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", _DIAGRAMS_IN_A_FRESH_PROCESS],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        found[seed] = json.loads(done.stdout)
    return found


def test_the_hash_seeds_used_reorder_sets(diagrams_by_seed):
    """Without this, the determinism test below could compare two identical orders."""
    first, second = (diagrams_by_seed[seed]["probe"] for seed in HASH_SEEDS)
    assert sorted(first) == sorted(second)
    assert first != second


@pytest.mark.parametrize("kind", KINDS)
def test_mermaid_is_deterministic(kind, diagrams_by_seed):
    definition = workflows.get_workflow(kind)
    assert mermaid(definition) == mermaid(definition)
    assert mermaid(definition, current=definition.initial) == mermaid(
        definition, current=definition.initial
    )
    here = [mermaid(definition), mermaid(definition, current=definition.initial)]
    for seed in HASH_SEEDS:
        assert diagrams_by_seed[seed]["diagrams"][kind] == here, f"PYTHONHASHSEED={seed}"


@pytest.mark.parametrize("kind", KINDS)
def test_mermaid_contains_each_state_trigger_and_terminal(kind):
    definition = workflows.get_workflow(kind)
    text = mermaid(definition)
    assert text.startswith("stateDiagram-v2\n") and text.endswith("\n")
    assert f"    [*] --> {definition.initial}\n" in text
    for state in definition.states:
        assert f'state "{state.label_vi}" as {state.name}' in text
        assert (f"    {state.name} --> [*]\n" in text) == state.terminal
    for transition in definition.transitions:
        for source in transition.sources:
            edge = f"    {source} --> {transition.dest_from(source)} : {transition.trigger}\n"
            assert edge in text
    assert "classDef" not in text


def test_accident_diagram_shows_internal_transitions_as_self_loops():
    text = mermaid(workflows.get_workflow("accident"))
    assert "    suspended --> suspended : record_death\n" in text
    assert "    investigating --> investigating : extend_deadline\n" in text
    assert "    closed --> investigating : reopen\n" in text


def test_current_state_is_highlighted():
    text = mermaid(workflows.get_workflow("claim"), current="assessed")
    assert "classDef current" in text
    assert text.endswith("    class assessed current\n")


def test_unknown_current_state_is_an_error():
    with pytest.raises(KeyError):
        mermaid(workflows.get_workflow("claim"), current="nowhere")


def test_claim_diagram_snapshot():
    assert mermaid(workflows.get_workflow("claim")) == (
        "stateDiagram-v2\n"
        "    %% claim: Hồ sơ bồi thường, trợ cấp (Compensation and insurance claim)\n"
        '    state "Đang điều trị" as treatment\n'
        '    state "Chờ giám định y khoa" as awaiting_assessment\n'
        '    state "Đã giám định — đang chi trả" as assessed\n'
        '    state "Dưới 5% — không được bồi thường" as not_eligible\n'
        '    state "Đã đóng" as closed\n'
        "    [*] --> treatment\n"
        "    treatment --> awaiting_assessment : refer_for_assessment\n"
        "    awaiting_assessment --> assessed : record_assessment\n"
        "    awaiting_assessment --> not_eligible : record_assessment\n"
        "    assessed --> assessed : record_payment\n"
        "    assessed --> assessed : confirm_receipt\n"
        "    assessed --> assessed : file_insurance\n"
        "    assessed --> assessed : decide_insurance\n"
        "    assessed --> assessed : reassess\n"
        "    assessed --> assessed : request_item\n"
        "    assessed --> closed : close\n"
        "    not_eligible --> closed : close\n"
        "    treatment --> treatment : record_costs\n"
        "    awaiting_assessment --> awaiting_assessment : record_costs\n"
        "    assessed --> assessed : record_costs\n"
        "    not_eligible --> not_eligible : record_costs\n"
        "    closed --> [*]\n"
    )
