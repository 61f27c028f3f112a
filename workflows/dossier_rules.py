"""The mandatory dossier as a rule of the lifecycle: an investigation is closed only with its
dossier complete (#15; law.md §3.3: the team's papers — scene record and sketch, photos,
statements, the examination record when one was needed, the minutes — and the casualties'
medical papers), or with each missing paper marked "không áp dụng" (not applicable) and why.

A paper is in the dossier when a document of its category was attached, when SafeCase issued it
itself (the minutes: ``workflows.dossier.ISSUED_BY_SAFECASE``), or when the body keeping the
dossier marked it not applicable, with a reason (``mark_not_applicable``, an internal step: the
case stays where it is, the mark and who made it go into ``data["dossier_not_applicable"]`` and
the audit trail). The same bodies may take a mark back while the case is open
(``unmark_not_applicable``). ``has_complete_dossier`` guards the closing step; its refusal names
every missing paper and is about the input (the dossier), so the close action stays offered and
its form shows why it was refused (422).

Which documents are attached only the database knows: the engine gives them as the fact
``dossier_documents`` (``app/services/case_facts.py``). Pure functions, no Flask.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workflows.base import Context, Field, Outcome, Predicate, Reason, Transition, iso, unless
from workflows.dossier import CATEGORIES, NOT_APPLICABLE, Dossier

MARK = "mark_not_applicable"
UNMARK = "unmark_not_applicable"
# The triggers of this module: pages show them beside the dossier checklist, not as actions.
TRIGGERS = (MARK, UNMARK)
# The fact the engine supplies: the categories of the documents attached to the case.
DOCUMENTS_FACT = "dossier_documents"
REASON_MAX = 300

CATEGORY = Field(
    "category", "text", choices=tuple(CATEGORIES), label_vi="Tài liệu", label_en="Document"
)
REASON = Field(
    "reason",
    "text",
    max_length=REASON_MAX,
    label_vi="Lý do không áp dụng",
    label_en="Why it does not apply",
)


def attached(ctx: Context) -> tuple[str, ...]:
    """The categories of the documents attached to the case (the engine's fact)."""
    return tuple(ctx.case.facts[DOCUMENTS_FACT])


def missing_text(categories) -> str:
    return ", ".join(CATEGORIES[c] for c in categories)


@dataclass(frozen=True)
class DossierRules:
    """The closing guard and the not-applicable steps of one kind's ``dossier``, fired from
    ``states`` by ``roles`` when the ``keeper`` predicate holds (the body keeping the dossier;
    None: the roles alone). Merge :meth:`predicates`, :meth:`effects` and
    :meth:`transitions` into the kind's definition and declare the fact ``DOCUMENTS_FACT``."""

    dossier: Dossier
    states: tuple[str, ...]
    roles: tuple[str, ...]
    keeper: str | None = None

    # -- predicates ------------------------------------------------------------------------

    def missing(self, ctx: Context) -> tuple[str, ...]:
        return self.dossier.missing(ctx.case.state, ctx.case.data, attached(ctx))

    def has_complete_dossier(self, ctx: Context) -> Reason | None:
        """Every mandatory paper is attached, issued by SafeCase or marked not applicable."""
        missing = self.missing(ctx)
        return unless(
            not missing,
            f"Chưa đóng được vụ việc: hồ sơ còn thiếu {len(missing)} tài liệu bắt buộc "
            f"({missing_text(missing)}). Bổ sung tài liệu, hoặc đánh dấu từng tài liệu "
            "“không áp dụng” kèm lý do ở mục Hồ sơ, tài liệu.",
            field="dossier",
        )

    def has_missing_item(self, ctx: Context) -> Reason | None:
        return unless(bool(self.missing(ctx)), "Hồ sơ không còn thiếu tài liệu bắt buộc nào.")

    def is_missing_item(self, ctx: Context) -> Reason | None:
        """The payload's category is a mandatory paper still missing."""
        category = ctx.payload.get("category")
        if category is None:
            return None  # the field's own "required" says so
        return unless(
            category in self.missing(ctx),
            f"“{CATEGORIES.get(category, category)}” không phải tài liệu bắt buộc còn thiếu "
            "của hồ sơ.",
            field="category",
        )

    def has_marked_item(self, ctx: Context) -> Reason | None:
        return unless(
            bool(self.dossier.not_applicable(ctx.case.data)),
            "Chưa có tài liệu nào được đánh dấu không áp dụng.",
        )

    def is_marked_item(self, ctx: Context) -> Reason | None:
        category = ctx.payload.get("category")
        if category is None:
            return None
        return unless(
            category in self.dossier.not_applicable(ctx.case.data),
            f"“{CATEGORIES.get(category, category)}” chưa được đánh dấu không áp dụng.",
            field="category",
        )

    # -- effects ---------------------------------------------------------------------------

    def mark(self, ctx: Context) -> Outcome:
        marks = dict(self.dossier.not_applicable(ctx.case.data))
        marks[ctx.payload["category"]] = {
            "reason": ctx.payload["reason"],
            "marked_by": ctx.actor.username,
            "marked_by_role": ctx.actor.role,
            "marked_at": iso(ctx.now),
        }
        return Outcome(data={NOT_APPLICABLE: marks})

    def unmark(self, ctx: Context) -> Outcome:
        marks = dict(self.dossier.not_applicable(ctx.case.data))
        marks.pop(ctx.payload["category"], None)
        return Outcome(data={NOT_APPLICABLE: marks or None})

    # -- what the definition merges in ------------------------------------------------------

    def predicates(self) -> Mapping[str, Predicate]:
        return {
            "has_complete_dossier": self.has_complete_dossier,
            "has_missing_item": self.has_missing_item,
            "is_missing_item": self.is_missing_item,
            "has_marked_item": self.has_marked_item,
            "is_marked_item": self.is_marked_item,
        }

    def effects(self) -> Mapping[str, Any]:
        return {MARK: self.mark, UNMARK: self.unmark}

    def transitions(self) -> tuple[Transition, ...]:
        keeper = (self.keeper,) if self.keeper else ()
        return (
            Transition(
                MARK, self.states, None, self.roles,
                "Đánh dấu tài liệu không áp dụng", "Mark a document not applicable",
                guards=(*keeper, "has_missing_item", "is_missing_item"),
                fields=(CATEGORY, REASON), effect=MARK,
            ),
            Transition(
                UNMARK, self.states, None, self.roles,
                "Bỏ đánh dấu không áp dụng", "Take back a not-applicable mark",
                guards=(*keeper, "has_marked_item", "is_marked_item"),
                fields=(CATEGORY,), effect=UNMARK,
            ),
        )  # fmt: skip
