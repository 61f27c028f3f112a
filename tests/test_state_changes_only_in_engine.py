"""Nothing but the engine changes a case's state (STYLE.md point 8).

Scans every Python file under ``app/`` and ``workflows/`` for the ways code could set a
state: ``x.state = …`` (also augmented or annotated), ``setattr(x, "state", …)``,
``Case(state=…)``, ``.values(state=…)`` / ``{Case.state: …}`` in SQL expressions, and raw
SQL text such as ``SET state = …``. The only allowed ones are the ``CaseFlow.state`` setter
in ``app/services/workflow_engine.py`` (what the transitions machine calls) and creating a
case in its initial state inside the engine (``Case(state=…)`` in ``create_case`` and
``create_child``). The engine writes the state the machine set with one Core UPDATE,
``case_store.save_case``, which only the engine calls.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENGINE = "app/services/workflow_engine.py"
SCANNED = ("app", "workflows")
RAW_SQL_SET_STATE = re.compile(r"\bset\b[^;]*?\bstate\s*=", re.IGNORECASE | re.DOTALL)


class StateWrites(ast.NodeVisitor):
    """Collects ``(line, what, enclosing function)`` for every state write in one module."""

    def __init__(self) -> None:
        self.found: list[tuple[int, str, str]] = []
        self._scope: list[str] = []

    def _add(self, node: ast.AST, what: str) -> None:
        self.found.append((node.lineno, what, ".".join(self._scope)))

    def _scoped(self, node) -> None:
        self._scope.append(node.name)
        self.generic_visit(node)
        self._scope.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scoped

    def _targets(self, targets, node) -> None:
        # Only what is bound: ``a.state = …`` and unpacking into it, not ``a.state.choices = …``.
        for target in targets:
            if isinstance(target, (ast.Tuple, ast.List)):
                self._targets(target.elts, node)
            elif isinstance(target, ast.Starred):
                self._targets([target.value], node)
            elif isinstance(target, ast.Attribute) and target.attr == "state":
                self._add(node, f"assigns {ast.unparse(target)}")

    def visit_Assign(self, node: ast.Assign) -> None:
        self._targets(node.targets, node)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._targets([node.target], node)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._targets([node.target], node)
        self.generic_visit(node)

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self._targets([node.target], node)
        self.generic_visit(node)

    visit_AsyncFor = visit_For

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        self._targets([i.optional_vars for i in node.items if i.optional_vars], node)
        self.generic_visit(node)

    visit_AsyncWith = visit_With

    def visit_comprehension(self, node: ast.comprehension) -> None:
        self._targets([node.target], node.target)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = (
            node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        )
        if (
            name == "setattr"
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value == "state"
        ):
            self._add(node, "setattr(…, 'state', …)")
        if name in ("Case", "values") and any(k.arg == "state" for k in node.keywords):
            self._add(node, f"{name}(state=…)")
        self.generic_visit(node)

    def visit_Dict(self, node: ast.Dict) -> None:
        for key in node.keys:
            if isinstance(key, ast.Attribute) and key.attr == "state":
                self._add(node, f"{{{ast.unparse(key)}: …}}")
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and RAW_SQL_SET_STATE.search(node.value):
            self._add(node, "raw SQL SET state")


def state_writes(source: str) -> list[tuple[int, str, str]]:
    visitor = StateWrites()
    visitor.visit(ast.parse(source))
    return visitor.found


def is_allowed(path: str, what: str, scope: str) -> bool:
    if path != ENGINE:
        return False
    if scope == "CaseFlow.state" and what == "assigns self._case.state":
        return True
    return what == "Case(state=…)" and scope in ("create_case", "create_child")


def python_files() -> list[Path]:
    files = [p for top in SCANNED for p in sorted((ROOT / top).rglob("*.py"))]
    assert len(files) > 20, "the scan found suspiciously few files"
    return files


def test_no_code_outside_the_engine_sets_a_case_state():
    offences = []
    for path in python_files():
        relative = path.relative_to(ROOT).as_posix()
        for line, what, scope in state_writes(path.read_text(encoding="utf-8")):
            if not is_allowed(relative, what, scope):
                offences.append(f"{relative}:{line} {what} (in {scope or 'module'})")
    assert offences == [], (
        "Only the workflow engine may change a case's state (fire a transition instead):\n"
        + "\n".join(offences)
    )


def test_the_engine_sets_state_only_through_caseflow_and_creation():
    found = state_writes((ROOT / ENGINE).read_text(encoding="utf-8"))
    setters = [(what, scope) for _, what, scope in found if what.startswith("assigns")]
    assert setters == [("assigns self._case.state", "CaseFlow.state")]
    creations = sorted(scope for _, what, scope in found if what == "Case(state=…)")
    assert creations == ["create_case", "create_child"]
    assert all(is_allowed(ENGINE, what, scope) for _, what, scope in found)


def test_effects_cannot_set_the_state_column():
    """``setattr(case, name, …)`` in apply_outcome is dynamic, so its whitelist is tested."""
    from types import SimpleNamespace

    from app.services.workflow_engine import apply_outcome
    from workflows.base import Outcome

    case = SimpleNamespace(state="declared")
    with pytest.raises(ValueError, match="state"):
        apply_outcome(case, None, Outcome(set={"state": "closed"}), None, actor=None, rules=None)
    assert case.state == "declared"


def test_only_the_engine_writes_case_rows_through_the_store():
    """``save_case`` writes ``state`` among its columns: only the engine may call it."""
    from app.services.case_store import WRITABLE_CASE_COLUMNS

    assert "state" in WRITABLE_CASE_COLUMNS
    callers = sorted(
        path.relative_to(ROOT).as_posix()
        for path in python_files()
        if re.search(r"\bsave_case\(", path.read_text(encoding="utf-8"))
        and path.name != "case_store.py"
    )
    assert callers == [ENGINE]
    stores = sorted(
        path.relative_to(ROOT).as_posix()
        for path in python_files()
        if re.search(r"\bupdate\((?:CASE|Case)\b", path.read_text(encoding="utf-8"))
    )
    assert stores == ["app/services/case_store.py"]


@pytest.mark.parametrize(
    "snippet",
    [
        "case.state = 'closed'",
        "self.case.state = new",
        "row.state: str = 'closed'",
        "case.state += '_x'",
        "a, b.state = 1, 2",
        "for a, [b, *c.state] in pairs: pass",
        "with open_row() as row.state: pass",
        "[0 for case.state in ('a', 'b')]",
        "setattr(case, 'state', 'closed')",
        "Case(kind='accident', state='closed')",
        "db.session.execute(update(Case).values(state='closed'))",
        "db.session.query(Case).update({Case.state: 'closed'})",
        "db.session.execute(text('UPDATE \"case\" SET state = :s WHERE id = :id'))",
        "def f():\n    sql = 'update case set version = 2, state=? where id = ?'",
    ],
)
def test_scanner_catches_each_way_of_setting_state(snippet):
    assert state_writes(snippet), f"the scanner missed: {snippet}"


@pytest.mark.parametrize(
    "snippet",
    [
        "if case.state == 'closed': pass",
        "x = case.state",
        "self.state.choices = [('', 'Tất cả')]",
        "CaseFilters(state=request.args.get('state'))",
        "CaseSnapshot(id=1, code='c', kind='claim', state=case.state)",
        "select(Case).where(Case.state == 'closed')",
        "label = 'Trạng thái (state) của vụ việc'",
    ],
)
def test_scanner_ignores_reads(snippet):
    assert state_writes(snippet) == []
