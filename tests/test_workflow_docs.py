"""The committed docs in ``docs/workflows/<kind>.md`` match the workflow definitions.

Each file is generated from its definition: the process (the workflow module's docstring),
the Mermaid diagram exactly as ``flask --app wsgi workflows diagram <kind>`` prints it, and
tables of states and triggers. A definition change without regenerated docs fails here, so a
graph change shows up in review (STYLE.md points 23 and 28). Regenerate every file with::

    .venv/bin/python -m tests.test_workflow_docs
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from workflows import REGISTRY
from workflows.base import WorkflowDefinition
from workflows.diagram import mermaid

DOCS = Path(__file__).resolve().parent.parent / "docs" / "workflows"
REGENERATE = ".venv/bin/python -m tests.test_workflow_docs"
MERMAID_BLOCK = re.compile(r"```mermaid\n(.*?)```", re.DOTALL)


def _markdown(doc: str) -> str:
    """A workflow docstring (reST-ish) as Markdown: ``x`` → `x`, ``x``\\s → `x`s."""
    return doc.strip().replace("``\\", "``").replace("``", "`")


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render(definition: WorkflowDefinition) -> str:
    """The whole ``docs/workflows/<kind>.md`` for ``definition``."""
    kind = definition.kind
    lines = [
        f"# {definition.label_vi} — {definition.label_en} (`{kind}`)",
        "",
        f"> Tệp này được sinh tự động từ `workflows/{kind}.py`; đừng sửa tay.",
        f"> Generated from `workflows/{kind}.py`; do not edit by hand. Regenerate all with",
        f"> `{REGENERATE}`; the diagram alone is what",
        f"> `flask --app wsgi workflows diagram {kind}` prints.",
        "",
        f"Mã vụ việc / case code: `HP-YYYY-{definition.letter}000123`. "
        f"Trạng thái đầu / initial state: `{definition.initial}`.",
        "",
        "## Quy trình / Process",
        "",
        _markdown(definition.doc),
        "",
        "## Sơ đồ trạng thái / State diagram",
        "",
        "```mermaid",
        mermaid(definition).rstrip("\n"),
        "```",
        "",
        "## Trạng thái / States",
        "",
        "| state | Tiếng Việt | English | kết thúc / terminal | việc mở / tasks (role) |",
        "|---|---|---|---|---|",
    ]
    for state in definition.states:
        tasks = ", ".join(f"`{t.name}` ({t.role})" for t in state.tasks) or "—"
        terminal = "✓" if state.terminal else ""
        lines.append(
            f"| `{state.name}` | {_cell(state.label_vi)} | {_cell(state.label_en)} "
            f"| {terminal} | {tasks} |"
        )
    lines += [
        "",
        "## Thao tác / Triggers",
        "",
        "| trigger | từ / from | đến / to | vai trò / roles "
        "| khi / when (conditions) | phải đúng / guards | Tiếng Việt | English |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for t in definition.transitions:
        sources = ", ".join(f"`{s}`" for s in t.sources)
        dest = "(giữ nguyên / stays)" if t.dest is None else f"`{t.dest}`"
        roles = ", ".join(t.roles)
        lines.append(
            f"| `{t.trigger}` | {sources} | {dest} | {roles} | {_names(t.conditions)} "
            f"| {_names(t.guards)} | {_cell(t.label_vi)} | {_cell(t.label_en)} |"
        )
    if definition.deadlines:
        lines += [
            "",
            "## Thời hạn / Deadlines",
            "",
            "| deadline | Tiếng Việt | English | ngày / unit | hoàn thành bởi / met by "
            "| ai làm / role | giám sát / supervisors |",
            "|---|---|---|---|---|---|---|",
        ]
        for d in definition.deadlines:
            lines.append(
                f"| `{d.name}` | {_cell(d.label_vi)} | {_cell(d.label_en)} | {d.unit} "
                f"| {_names(d.met_by)} | {d.role} | {', '.join(d.supervisors) or '—'} |"
            )
    lines += _uploaders(definition) + _medical(definition)
    return "\n".join(lines) + "\n"


def _uploaders(definition: WorkflowDefinition) -> list[str]:
    if not definition.dossier.uploaders:
        return []
    lines = [
        "",
        "## Ai bổ sung tài liệu / Who adds papers",
        "",
        "Một vai trò không có ở đây không bổ sung tài liệu nào (403); trạng thái kết thúc không "
        "nhận thêm. / A role not listed adds nothing (403); a terminal state takes nothing.",
        "",
        "| loại tài liệu / categories | vai trò / roles | trạng thái / states |",
        "|---|---|---|",
    ]
    for u in definition.dossier.uploaders:
        states = _names(u.states) if u.states is not None else "(mọi trạng thái mở / any open)"
        lines.append(f"| {_names(u.categories)} | {', '.join(u.roles)} | {states} |")
    return lines


def _medical(definition: WorkflowDefinition) -> list[str]:
    fields = [
        (t.trigger, f.name) for t in definition.transitions for f in t.fields if f.medical
    ] + [("declare", f.name) for f in definition.declaration_fields if f.medical]
    fields = list(dict.fromkeys(fields))
    public = [s for s in definition.states if s.public_label_vi]
    if not (definition.medical_data or fields or public):
        return []
    lines = [
        "",
        "## Thông tin y tế / Medical detail",
        "",
        "Chỉ các vai trò có quyền xem thông tin y tế đọc được (`app/services/privacy.py`). / "
        "Only the roles with medical access read these (`app/services/privacy.py`).",
        "",
    ]
    if definition.medical_data:
        lines.append(f"- `data`: {_names(definition.medical_data)}")
    for trigger in dict.fromkeys(t for t, _ in fields):
        names = tuple(n for t, n in fields if t == trigger)
        lines.append(f"- `{trigger}`: {_names(names)}")
    for state in public:
        lines.append(
            f"- `{state.name}` là / reads «{_cell(state.public_label_vi)}» / "
            f"“{_cell(state.public_label_en)}” với các vai trò khác / to the other roles"
        )
    return lines


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(f"`{n}`" for n in names) or "—"


def write_all() -> list[Path]:
    DOCS.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, definition in sorted(REGISTRY.items()):
        path = DOCS / f"{kind}.md"
        path.write_text(render(definition), encoding="utf-8")
        written.append(path)
    return written


KINDS = sorted(REGISTRY)


@pytest.mark.parametrize("kind", KINDS)
def test_committed_diagram_is_the_generated_one(kind):
    path = DOCS / f"{kind}.md"
    assert path.exists(), f"{path} is missing; run `{REGENERATE}`"
    blocks = MERMAID_BLOCK.findall(path.read_text(encoding="utf-8"))
    assert len(blocks) == 1, f"{path} must hold exactly one ```mermaid block"
    assert blocks[0] == mermaid(REGISTRY[kind]), (
        f"docs/workflows/{kind}.md is stale: the {kind} workflow changed. Regenerate it with "
        f"`{REGENERATE}` (or paste the output of `flask --app wsgi workflows diagram {kind}` "
        "into its ```mermaid block) and review the diff."
    )


@pytest.mark.parametrize("kind", KINDS)
def test_committed_doc_matches_the_definition(kind):
    committed = (DOCS / f"{kind}.md").read_text(encoding="utf-8")
    assert committed == render(REGISTRY[kind]), (
        f"docs/workflows/{kind}.md is stale (process text, states or triggers changed). "
        f"Regenerate it with `{REGENERATE}` and review the diff."
    )


def test_there_is_one_doc_per_kind_and_no_other():
    assert sorted(p.stem for p in DOCS.glob("*.md")) == KINDS


@pytest.mark.parametrize("kind", KINDS)
def test_cli_prints_the_committed_diagram(runner, kind):
    result = runner.invoke(args=["workflows", "diagram", kind])
    assert result.exit_code == 0, result.output
    (block,) = MERMAID_BLOCK.findall((DOCS / f"{kind}.md").read_text(encoding="utf-8"))
    assert result.output == block


if __name__ == "__main__":
    for written in write_all():
        print(written.relative_to(Path.cwd()) if written.is_relative_to(Path.cwd()) else written)
    sys.exit(0)
