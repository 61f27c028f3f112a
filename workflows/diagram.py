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


def mermaid(
    definition: WorkflowDefinition,
    current: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> str:
    """The diagram text, ending with a newline. ``current`` (a state name) is highlighted;
    ``labels`` (state name → text) replaces some states' Vietnamese labels.

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
    lines.append(f"    [*] --> {definition.initial}")
    edges: list[str] = []
    for transition in definition.transitions:
        for source in transition.sources:
            edge = f"    {source} --> {transition.dest_from(source)} : {transition.trigger}"
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
