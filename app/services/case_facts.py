"""Facts a workflow needs about a case that only the database can answer.

A kind names them in ``WorkflowDefinition.facts``; the snapshot reads them from here on first
use (``CaseSnapshot.facts``), so effects stay pure functions of their snapshot. Today: a
periodic report's live totals, computed from the cases it covers (frozen by ``submit``), and
the categories of the documents attached to a case, which its dossier's closing guard reads
(``workflows.dossier_rules``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import Document
from workflows import get_workflow
from workflows.dossier_rules import DOCUMENTS_FACT


def _report_totals(case) -> Any:
    from app.services.statistics import report_totals  # the statistics import the models

    return report_totals(case)


def _dossier_documents(case) -> tuple[str, ...]:
    """The categories of the documents attached to ``case``, each once, sorted."""
    query = select(Document.category).where(Document.case_id == case.id).distinct()
    return tuple(sorted(db.session.scalars(query)))


PROVIDERS: dict[str, Callable[[Any], Any]] = {
    "report_totals": _report_totals,
    DOCUMENTS_FACT: _dossier_documents,
}


def case_facts(case) -> dict[str, Any]:
    """Every fact ``case``'s kind declares, by name.

    :raises KeyError: a kind names a fact nobody provides (a programming error).
    """
    names = get_workflow(case.kind).facts
    return {name: PROVIDERS[name](case) for name in names}
