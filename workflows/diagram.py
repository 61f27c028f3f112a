"""Mermaid ``stateDiagram-v2`` text for a workflow definition (the docs in ``docs/workflows/``).

Written by hand rather than through transitions' ``GraphMachine(graph_engine="mermaid")``: the
definition already holds everything a diagram needs, a hand-rolled generator is deterministic
by construction (declaration order, no dict or set ordering from a third party), needs no
machine or model object, and can show internal transitions (``dest=None``) as self-loops and
the current state of a case. Each state gets its Vietnamese label; each transition is drawn
once per source as ``source --> dest : trigger``; terminal states lead to ``[*]``.
"""

from __future__ import annotations

from collections.abc import Mapping

from workflows.base import WorkflowDefinition


def _label(text: str) -> str:
    # Mermaid state descriptions are double-quoted; it understands #quot; for a quote inside.
    return text.replace('"', "#quot;")


def _edge(text: str) -> str:
    # An arrow's text runs to the end of the line; a colon or semicolon there would end it early.
    return text.replace(":", " ").replace(";", ",")


def mermaid(
    definition: WorkflowDefinition,
    current: str | None = None,
    labels: Mapping[str, str] | None = None,
    edge_labels: Mapping[str, str] | None = None,
) -> str:
    """The diagram text, ending with a newline. ``current`` (a state name) is highlighted;
    ``labels`` (state name → text) replaces some states' Vietnamese labels and ``edge_labels``
    (trigger → text) the trigger names on the arrows (the case page draws both in its reader's
    language; the generated docs keep the trigger names, which the API and contract use).

    :raises KeyError: when ``current`` is not a state of ``definition``.
    """
    if current is not None:
        definition.state(current)
    lines = [
        "stateDiagram-v2",
        f"    %% {definition.kind}: {definition.label_vi} ({definition.label_en})",
    ]
    for state in definition.states:
        text = (labels or {}).get(state.name, state.label_vi)
        lines.append(f'    state "{_label(text)}" as {state.name}')
    for entry in definition.entry_states:  # a quick notice is a second way in
        lines.append(f"    [*] --> {entry}")
    edges: list[str] = []
    for transition in definition.transitions:
        for source in transition.sources:
            name = (edge_labels or {}).get(transition.trigger, transition.trigger)
            edge = f"    {source} --> {transition.dest_from(source)} : {_edge(name)}"
            if edge not in edges:
                edges.append(edge)
    lines.extend(edges)
    for state in definition.states:
        if state.terminal:
            lines.append(f"    {state.name} --> [*]")
    if current is not None:
        lines.append("    classDef current fill:#ffe08a,stroke:#b7791f,stroke-width:2px")
        lines.append(f"    class {current} current")
    return "\n".join(lines) + "\n"
