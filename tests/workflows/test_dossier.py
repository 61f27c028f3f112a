"""What each kind declares beyond its graph: the document dossier it needs and who else sees
its cases (``WorkflowDefinition.dossier`` / ``shared_with``), and that ``validate()`` reports a
broken declaration."""

from __future__ import annotations

from dataclasses import replace

import pytest

import workflows
from tests.workflows.test_registry import _problems, _small
from workflows.dossier import (
    CATEGORIES,
    MEDICAL_CATEGORY,
    Dossier,
    DossierItem,
    investigation_dossier,
)

SCENE = ("scene_record", "scene_sketch", "photos", "statements")
TEAM = {"team": [{"name": "Nguyễn Văn Thanh", "organisation": "inspectorate", "role": "head"}]}
EXAM = {"needs_technical_exam": True}
NO_EXAM = {"needs_technical_exam": False}
ACCIDENT_INVESTIGATED = ("investigating", "suspended", "concluded", "announced", "closed")
INCIDENT_INVESTIGATED = ("investigating", "concluded", "announced", "closed")


def required(kind: str, state: str, data: dict) -> tuple[str, ...]:
    return workflows.get_workflow(kind).dossier.required(state, data)


# -- the shipped dossiers (what tests/api/test_documents.py sees through the API) ---------------


@pytest.mark.parametrize("state", ACCIDENT_INVESTIGATED)
def test_an_investigated_accident_needs_the_teams_dossier_and_the_medical_papers(state):
    assert required("accident", state, TEAM | NO_EXAM) == SCENE + ("minutes", "medical")
    assert required("accident", state, TEAM | EXAM) == SCENE + ("examination", "minutes", "medical")


@pytest.mark.parametrize("state", ACCIDENT_INVESTIGATED)
def test_an_accident_without_a_team_needs_no_dossier(state):
    """A commune record reaches ``closed`` without a team: nothing is asked of it."""
    assert required("accident", state, EXAM) == ()
    assert required("accident", state, {"team": []}) == ()


@pytest.mark.parametrize("state", ["declared", "recorded", "rejected"])
def test_an_accident_not_investigated_needs_no_dossier(state):
    assert required("accident", state, TEAM | EXAM) == ()


@pytest.mark.parametrize("state", INCIDENT_INVESTIGATED)
def test_an_investigated_incident_needs_the_teams_dossier_without_medical_papers(state):
    assert required("incident", state, {}) == SCENE + ("minutes",)
    assert required("incident", state, EXAM) == SCENE + ("examination", "minutes")


@pytest.mark.parametrize("state", ["declared", "rejected"])
def test_an_incident_not_investigated_needs_no_dossier(state):
    assert required("incident", state, TEAM | EXAM) == ()


@pytest.mark.parametrize("kind", ["disease", "claim"])
def test_a_disease_or_a_claim_needs_the_medical_papers_in_every_state(kind):
    for state in workflows.get_workflow(kind).states:
        assert required(kind, state.name, {}) == (MEDICAL_CATEGORY,)
        assert required(kind, state.name, TEAM | EXAM) == (MEDICAL_CATEGORY,)


def test_every_shipped_dossier_item_is_a_known_category_in_the_shown_order():
    order = list(CATEGORIES)
    for definition in workflows.REGISTRY.values():
        categories = [item.category for item in definition.dossier.items]
        assert set(categories) <= set(CATEGORIES), definition.kind
        assert categories == sorted(categories, key=order.index), definition.kind


def test_only_the_claim_is_shared_beyond_the_scopes_and_only_with_insurance_once_filed():
    shared = {k: dict(d.shared_with) for k, d in workflows.REGISTRY.items() if d.shared_with}
    assert shared == {"claim": {"insurance": "insurance_filed"}}
    derive = workflows.get_workflow("claim").indexed_columns["insurance_filed"]
    assert derive({}) is False


def test_investigation_dossier_puts_the_examination_before_the_minutes():
    dossier = investigation_dossier(("open",), when=("team",), medical=True)
    assert [i.category for i in dossier.items] == [*SCENE, "examination", "minutes", "medical"]
    exam = dossier.items[4]
    assert exam == DossierItem("examination", ("open",), ("team", "needs_technical_exam"))


# -- validate() reports a broken declaration ------------------------------------------------------


def test_a_sound_dossier_and_sharing_validate():
    indexed = {"filed": lambda data: bool(data.get("filed"))}
    _small(
        dossier=Dossier((DossierItem("photos", ("open",), ("team",)), DossierItem("medical"))),
        indexed_columns=indexed,
        shared_with={"insurance": "filed"},
    ).validate()


def test_a_broken_dossier_is_reported_with_every_problem():
    dossier = Dossier(
        (
            DossierItem("photographs", ("open",)),
            DossierItem("photos", ("open", "investigating")),
            DossierItem("photos", ("done",)),
            DossierItem("minutes", ()),
            DossierItem("medical", None, ("",)),
        )
    )
    text = _problems(_small(dossier=dossier))
    assert "dossier item 'photographs': unknown document category" in text
    assert "dossier item 'photos': unknown state 'investigating'" in text
    assert "dossier item 'photos': declared twice" in text
    assert "dossier item 'minutes': no state requires it" in text
    assert "dossier item 'medical': an empty data key in 'when'" in text


def test_sharing_with_an_unknown_role_or_on_an_unindexed_column_is_reported():
    indexed = {"filed": lambda data: bool(data.get("filed"))}
    shared = {"insurer": "filed", "admin": "filed", "system": "filed", "union": "published"}
    text = _problems(_small(indexed_columns=indexed, shared_with=shared))
    assert "shared with 'insurer': not a role that reads cases" in text
    assert "shared with 'admin': not a role that reads cases" in text
    assert "shared with 'system': not a role that reads cases" in text
    assert "shared with 'union': column 'published' is not one of indexed_columns" in text


def test_a_shipped_definition_with_a_broken_declaration_fails_validation():
    claim = workflows.get_workflow("claim")
    broken = replace(
        claim,
        dossier=Dossier((DossierItem(MEDICAL_CATEGORY, ("treatment", "paid_out")),)),
        shared_with={"insurance": "insurance_decided"},
    )
    text = _problems(broken)
    assert "dossier item 'medical': unknown state 'paid_out'" in text
    assert "column 'insurance_decided' is not one of indexed_columns" in text
