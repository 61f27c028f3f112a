"""Facts a workflow needs about a case that only the database can answer.

A kind names them in ``WorkflowDefinition.facts``; the snapshot reads them from here on first
use (``CaseSnapshot.facts``), so effects stay pure functions of their snapshot. Today: a
periodic report's live totals, computed from the cases it covers (frozen by ``submit``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workflows import get_workflow


def _report_totals(case) -> Any:
    from app.services.statistics import report_totals  # the statistics import the models

    return report_totals(case)


PROVIDERS: dict[str, Callable[[Any], Any]] = {"report_totals": _report_totals}


def case_facts(case) -> dict[str, Any]:
    """Every fact ``case``'s kind declares, by name.

    :raises KeyError: a kind names a fact nobody provides (a programming error).
    """
    names = get_workflow(case.kind).facts
    return {name: PROVIDERS[name](case) for name in names}
