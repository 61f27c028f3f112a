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
    Uploader,
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


# -- who adds which paper (Dossier.uploaders) ------------------------------------------------------

TEAM_PAPERS = ("scene_record", "scene_sketch", "statements", "examination", "minutes")


def uploaders(kind: str, category: str, state: str) -> tuple[str, ...]:
    return workflows.get_workflow(kind).dossier.uploader_roles(category, state)


@pytest.mark.parametrize("category", TEAM_PAPERS)
def test_an_accidents_team_papers_are_the_investigating_bodys(category):
    """The team head's body (a resolver: the inspectorate or the employer) while the team
    works, the inspector at any time; never the declarer as such, a commune or the union."""
    for state in ("investigating", "suspended", "concluded", "announced"):
        assert set(uploaders("accident", category, state)) == {"inspector", "team_head_role"}
    assert uploaders("accident", category, "declared") == ("inspector",)
    assert uploaders("accident", category, "recorded") == ("inspector",)


@pytest.mark.parametrize("category", ["photos", "medical", "other"])
def test_an_accidents_photos_and_medical_papers_are_also_the_declarers(category):
    for state in ("declared", "investigating", "announced", "recorded"):
        roles = set(uploaders("accident", category, state))
        assert roles == {"inspector", "team_head_role", "declarer_role"}, state


def test_the_accidents_resolvers_name_who_declared_and_who_heads_the_team():
    from workflows.base import CaseSnapshot

    accident = workflows.get_workflow("accident")
    by_commune = CaseSnapshot(None, "X", "accident", "declared", labour_relation=False,
                              investigation_level="commune_record",
                              data={"declared_by_role": "commune"})  # fmt: skip
    by_employer = replace(by_commune, labour_relation=True, investigation_level="province",
                          data={"declared_by_role": "enterprise", **TEAM})  # fmt: skip
    assert accident.resolve_role("declarer_role", by_commune) == "commune"
    assert accident.resolve_role("declarer_role", by_employer) == "enterprise"
    assert accident.resolve_role("team_head_role", by_employer) == "inspector"
    assert accident.resolve_role("team_head_role", by_commune) == "commune"


def test_an_incidents_papers_are_the_inspectorates_and_the_employers_photos():
    for category in TEAM_PAPERS:
        assert set(uploaders("incident", category, "investigating")) == {"inspector"}
    assert set(uploaders("incident", "photos", "declared")) == {"enterprise", "inspector"}
    assert uploaders("incident", "medical", "investigating") == ()


@pytest.mark.parametrize("kind", ["disease", "claim"])
def test_a_disease_or_a_claim_takes_medical_and_other_papers_from_the_employer_and_inspector(kind):
    for state in workflows.get_workflow(kind).states:
        for category in CATEGORIES:
            expected = {"enterprise", "inspector"} if category in ("medical", "other") else set()
            assert set(uploaders(kind, category, state.name)) == expected, (category, state)


def test_no_definition_lets_the_union_insurance_or_admin_add_a_paper():
    for definition in workflows.REGISTRY.values():
        for uploader in definition.dossier.uploaders:
            assert not {"union", "insurance", "admin", "system"} & set(uploader.roles)


def test_a_broken_uploader_is_reported_with_every_problem():
    dossier = Dossier(
        (),
        (
            Uploader(("photographs",), ("inspector",)),
            Uploader(("photos",), ("nobody",), ("open", "paid_out")),
            Uploader((), ("inspector",)),
            Uploader(("minutes",), ("inspector",), ()),
        ),
    )
    text = _problems(_small(dossier=dossier))
    assert "unknown document category 'photographs'" in text
    assert "'nobody' is neither a role nor a resolver" in text
    assert "unknown state 'paid_out'" in text
    assert "names no category or no role" in text
    assert "no state allows it" in text
