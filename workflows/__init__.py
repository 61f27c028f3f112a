"""SafeCase workflow definitions: one lifecycle per case kind, as pure data.

``REGISTRY`` maps a case's ``kind`` to its :class:`~workflows.base.WorkflowDefinition`;
``get_workflow(kind)`` fails at once with :class:`~workflows.base.UnknownCaseKind` for a kind
nobody defined, and ``validate_all()`` checks every definition (the app calls it at start-up,
the tests call it too). This package imports neither Flask nor the database; the legal rules
it relies on live in ``workflows.law``.
"""

from workflows import accident, claim, disease, incident, report
from workflows.base import UnknownCaseKind, WorkflowDefinition, WorkflowError

REGISTRY: dict[str, WorkflowDefinition] = {
    definition.kind: definition
    for definition in (
        accident.WORKFLOW,
        claim.WORKFLOW,
        disease.WORKFLOW,
        incident.WORKFLOW,
        report.WORKFLOW,
    )
}


def get_workflow(kind: str) -> WorkflowDefinition:
    """The definition for ``kind``.

    :raises UnknownCaseKind: (a ``KeyError``) when no workflow is registered for it.
    """
    try:
        return REGISTRY[kind]
    except (KeyError, TypeError):
        raise UnknownCaseKind(kind) from None


def validate_all() -> None:
    """Validate every registered definition.

    :raises WorkflowError: for the first inconsistent definition, listing all its problems;
        also when two kinds share a code letter.
    """
    for definition in REGISTRY.values():
        definition.validate()
    letters = [d.letter for d in REGISTRY.values()]
    if len(set(letters)) != len(letters):
        raise WorkflowError("*", [f"case-code letters are not unique: {letters}"])


__all__ = ["REGISTRY", "UnknownCaseKind", "WorkflowError", "get_workflow", "validate_all"]
