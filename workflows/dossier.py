"""The documents a case must hold, as data each workflow definition declares (law.md §3.3).

``CATEGORIES`` is the one list of document categories a case's documents are filed under
(Decree 39/2016 Art. 13-15 for the investigation dossier), in the order pages show them; the
app translates the labels through its catalogue. A definition's :class:`Dossier` says which
of them a case of its kind needs, in which states, and on which facts of the case's data:
the document service asks ``get_workflow(case.kind).dossier.required(state, data)`` and
names no kind itself. The same declaration says who may add a paper of each category, and in
which states (:class:`Uploader`): the investigating body files the investigation's papers, the
declarer and the employer what they hold (photos, medical papers); a party with no part in the
case (a commune on an enterprise's accident, the trade union, social insurance) adds nothing.
Pure data, like the rest of ``workflows``: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

# Category code → Vietnamese label, in the order the checklist and the upload form show them.
CATEGORIES: Mapping[str, str] = MappingProxyType(
    {
        "scene_record": "Biên bản khám nghiệm hiện trường",
        "scene_sketch": "Sơ đồ hiện trường",
        "photos": "Ảnh hiện trường",
        "statements": "Biên bản lấy lời khai",
        "examination": "Biên bản giám định kỹ thuật, pháp y",
        "minutes": "Biên bản điều tra",
        "medical": "Giấy tờ y tế (giấy ra viện…)",
        "other": "Tài liệu khác",
    }
)
# Dossier items SafeCase writes itself, by the case data key that holds them: once the key is
# set (the minutes concluded through the workflow), the item is in the dossier as the paper
# SafeCase prints, with nothing to upload (#15: the checklist said the minutes were missing).
ISSUED_BY_SAFECASE: Mapping[str, str] = MappingProxyType({"minutes": "minutes"})
# Where a case's data keeps the dossier items marked not applicable: category → {"reason",
# "marked_by", "marked_by_role", "marked_at"} (``workflows.dossier_rules``).
NOT_APPLICABLE = "dossier_not_applicable"
# What a required item is: attached (a document of its category), issued by SafeCase, marked
# not applicable, or missing — the first that holds, in this order.
ATTACHED, ISSUED, NOT_APPLICABLE_STATUS, MISSING = "attached", "issued", "not_applicable", "missing"
# Papers under this category are medical fields: only roles with medical access read them,
# whatever the kind of case they belong to.
MEDICAL_CATEGORY = "medical"


@dataclass(frozen=True)
class DossierItem:
    """``category`` is required while the case is in one of ``states`` (None: in every state)
    and every key in ``when`` is set (truthy) in the case's data."""

    category: str
    states: tuple[str, ...] | None = None
    when: tuple[str, ...] = ()

    def applies(self, state: str, data: Mapping[str, Any]) -> bool:
        return (self.states is None or state in self.states) and all(
            data.get(key) for key in self.when
        )


@dataclass(frozen=True)
class Uploader:
    """``roles`` — role names, or names of the definition's role resolvers ("the body
    investigating this case") — may add papers of ``categories`` while the case is in one of
    ``states`` (None: any state that is not terminal; a terminal state never takes papers)."""

    categories: tuple[str, ...]
    roles: tuple[str, ...]
    states: tuple[str, ...] | None = None

    def allows(self, category: str, state: str) -> bool:
        return category in self.categories and (self.states is None or state in self.states)


@dataclass(frozen=True)
class Dossier:
    """The items a case of one kind needs, in the order the checklist shows them, and who may
    add papers to it (deny by default: a category no :class:`Uploader` names takes none)."""

    items: tuple[DossierItem, ...] = ()
    uploaders: tuple[Uploader, ...] = ()

    def required(self, state: str, data: Mapping[str, Any]) -> tuple[str, ...]:
        """The categories a case in ``state`` with ``data`` needs now (empty: none)."""
        return tuple(item.category for item in self.items if item.applies(state, data))

    @staticmethod
    def not_applicable(data: Mapping[str, Any]) -> Mapping[str, Mapping[str, Any]]:
        """The items marked not applicable in a case's ``data``, by category."""
        return data.get(NOT_APPLICABLE) or {}

    def status(
        self, state: str, data: Mapping[str, Any], attached: Collection[str]
    ) -> tuple[tuple[str, str], ...]:
        """``(category, status)`` of each item a case in ``state`` with ``data`` needs now,
        ``attached`` being the categories of its documents: ``ATTACHED``, ``ISSUED``,
        ``NOT_APPLICABLE_STATUS`` or ``MISSING`` (an item marked not applicable and attached
        later counts as attached)."""
        marks = self.not_applicable(data)
        found = []
        for category in self.required(state, data):
            if category in attached:
                status = ATTACHED
            elif data.get(ISSUED_BY_SAFECASE.get(category, "")):
                status = ISSUED
            elif category in marks:
                status = NOT_APPLICABLE_STATUS
            else:
                status = MISSING
            found.append((category, status))
        return tuple(found)

    def missing(
        self, state: str, data: Mapping[str, Any], attached: Collection[str]
    ) -> tuple[str, ...]:
        """The items still missing: required, not attached, not issued, not marked."""
        return tuple(c for c, status in self.status(state, data, attached) if status == MISSING)

    def uploader_roles(self, category: str, state: str) -> tuple[str, ...]:
        """The roles and resolver names that may add a ``category`` paper in ``state``."""
        found = (u.roles for u in self.uploaders if u.allows(category, state))
        return tuple(dict.fromkeys(role for roles in found for role in roles))


# The papers the investigation team itself draws up (Decree 39/2016 Art. 13-15).
TEAM_PAPERS = ("scene_record", "scene_sketch", "statements", "examination", "minutes")
# Papers a party to the case holds and brings: photos, the casualties' medical papers, others.
PARTY_PAPERS = ("photos", MEDICAL_CATEGORY, "other")


def investigation_dossier(
    states: tuple[str, ...],
    *,
    when: tuple[str, ...] = (),
    medical: bool = False,
    team: tuple[str, ...] = ("inspector",),
    parties: tuple[str, ...] = ("inspector",),
) -> Dossier:
    """The dossier of an investigation by a team (Decree 39/2016 Art. 13-15), required in
    ``states`` once every key in ``when`` is set: the scene record and sketch, photos,
    statements, the technical or forensic examination record when the case's data says one
    is needed (``needs_technical_exam``), the minutes, and with ``medical`` the casualties'
    medical papers.

    Who adds them: the team's papers (``TEAM_PAPERS``) ``team`` — the roles (or resolver
    names) of the investigating body — while the team works (``states``), and the inspector
    at any time it supervises; photos, medical papers (with ``medical``) and other papers
    ``parties`` (e.g. the declarer and the investigating body) in any open state."""
    scene = ("scene_record", "scene_sketch", "photos", "statements")
    items = [DossierItem(category, states, when) for category in scene]
    items.append(DossierItem("examination", states, when + ("needs_technical_exam",)))
    items.append(DossierItem("minutes", states, when))
    if medical:
        items.append(DossierItem(MEDICAL_CATEGORY, states, when))
    held = PARTY_PAPERS if medical else tuple(c for c in PARTY_PAPERS if c != MEDICAL_CATEGORY)
    uploaders = (
        Uploader(TEAM_PAPERS, ("inspector",)),
        Uploader(TEAM_PAPERS, team, states),
        Uploader(held, parties),
    )
    return Dossier(tuple(items), uploaders)


# The medical papers, in every state: the dossier of a case about one person's health. The
# employer (who holds the worker's papers and files them with social insurance) and the
# inspector add them, and other papers (proof of payment…); nobody adds investigation papers.
MEDICAL_DOSSIER = Dossier(
    (DossierItem(MEDICAL_CATEGORY),),
    (Uploader((MEDICAL_CATEGORY, "other"), ("enterprise", "inspector")),),
)
