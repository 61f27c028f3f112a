"""The investigation of an event (điều tra), shared by the kinds that investigate one.

Accidents and serious technical incidents are investigated the same way (Law 84/2015 Art. 35;
Decree 39/2016): a team is formed with a head from the competent body, it writes minutes
(biên bản điều tra: causes, responsibilities, corrective measures, dissenting opinions) and
announces them at a meeting; or the declaration is rejected (không thụ lý). This module holds
that vocabulary — the payload fields of each step, what each step records in ``case.data``,
who heads a team, and the predicates about a team or a meeting — so each lifecycle
(``workflows/accident.py``, ``workflows/incident.py``) only says what is its own: levels and
clocks for an accident, none for an incident.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workflows.base import (
    ATTENDEE_ORGANISATIONS,
    ORGANISATION_IN_TEXT,
    TEAM_ORGANISATIONS,
    TEAM_ROLES,
    CaseSnapshot,
    Context,
    Field,
    Members,
    Outcome,
    Reason,
    iso,
    since_declaration,
)

# The body that heads an investigation team acts in the app under this role.
HEAD_ROLE_BY_ORGANISATION = {"inspectorate": "inspector", "employer": "enterprise"}

# -- payload fields ------------------------------------------------------------------------------

# A team has exactly one head (Law 84/2015 Art. 35(1)-(2) names who heads it).
TEAM = Members(
    organisations=TEAM_ORGANISATIONS,
    roles=TEAM_ROLES,
    single="head",
    single_message="Đoàn điều tra phải có đúng một trưởng đoàn.",
)
ATTENDEES = Members(organisations=ATTENDEE_ORGANISATIONS)

TEAM_FIELDS = (
    Field("team", "members", label_vi="Đoàn điều tra", label_en="Investigation team",
          members=TEAM),
    Field("needs_technical_exam", "bool", required=False,
          label_vi="Cần giám định kỹ thuật, pháp y",
          label_en="Needs a technical or forensic examination"),
)  # fmt: skip
REJECT_FIELDS = (
    Field("reason", "text", label_vi="Lý do", label_en="Reason"),
    Field("duplicate_of", "case_code", required=False, label_vi="Trùng với vụ việc",
          label_en="Duplicate of"),
)  # fmt: skip
MINUTES_FIELDS = (
    Field("causes", "list_text", label_vi="Nguyên nhân", label_en="Causes"),
    Field("responsibilities", "text", label_vi="Trách nhiệm", label_en="Responsibilities"),
    Field("measures", "list_text", label_vi="Biện pháp khắc phục, phòng ngừa",
          label_en="Corrective and preventive measures"),
    Field("dissent", "list_text", required=False, label_vi="Ý kiến khác",
          label_en="Dissenting opinions"),
    # The main cause and the injuring factor as codes the statistics count by, beside the
    # free-text causes (code lists ``cause`` and ``injuring_factor``, docs/statistics.md).
    Field("cause_code", "code", required=False, label_vi="Nguyên nhân chính (mã)",
          label_en="Main cause (code)", code_list="cause"),
    Field("injuring_factor_code", "code", required=False,
          label_vi="Yếu tố gây chấn thương (mã)", label_en="Injuring factor (code)",
          code_list="injuring_factor"),
)  # fmt: skip
# The coded findings of the minutes, kept in ``data["minutes"]`` when given.
MINUTES_CODES = ("cause_code", "injuring_factor_code")
ANNOUNCE_FIELDS = (
    Field("meeting_at", "datetime", label_vi="Thời điểm họp công bố", label_en="Meeting time"),
    Field("attendees", "members", label_vi="Thành phần tham dự", label_en="Attendees",
          members=ATTENDEES),
)  # fmt: skip

# -- reading the snapshot ------------------------------------------------------------------------


def team_head(case: CaseSnapshot) -> Mapping[str, Any] | None:
    """The head of the team investigating now (None before a team is formed)."""
    return next((m for m in case.data.get("team") or () if m.get("role") == "head"), None)


def head_reason(team: list, organisation: str) -> Reason | None:
    """Why ``team`` (a payload's members) is not headed by ``organisation``, or None."""
    head = next((m for m in team if m.get("role") == "head"), None)
    if head is None or head.get("organisation") != organisation:
        label = ORGANISATION_IN_TEXT[organisation]
        return Reason(f"Trưởng đoàn điều tra phải là đại diện {label}.", field="team")
    return None


# -- predicates ------------------------------------------------------------------------------------


def is_valid_meeting_time(ctx: Context) -> Reason | None:
    """The announcement meeting lies between the declaration and now."""
    return since_declaration(ctx, "meeting_at", "Thời điểm họp công bố")


def is_not_own_duplicate(ctx: Context) -> Reason | None:
    if ctx.payload.get("duplicate_of") and ctx.payload["duplicate_of"] == ctx.case.code:
        return Reason("Vụ việc không thể trùng với chính nó.", field="duplicate_of")
    return None


# -- what each step records in ``case.data`` ------------------------------------------------------


def team_record(ctx: Context) -> dict[str, Any]:
    return {
        "team": list(ctx.payload["team"]),
        "needs_technical_exam": bool(ctx.payload.get("needs_technical_exam")),
        "investigation_opened_at": iso(ctx.now),
    }


def minutes_record(ctx: Context, **findings: Any) -> dict[str, Any]:
    """The investigation minutes: causes, responsibilities, measures, dissent, the coded
    main cause and injuring factor when given, plus the kind's own ``findings`` (an
    accident's "is it a work accident, was the worker at fault")."""
    p = ctx.payload
    return {
        **findings,
        **{name: p[name] for name in MINUTES_CODES if p.get(name)},
        "causes": list(p["causes"]),
        "responsibilities": p["responsibilities"],
        "measures": list(p["measures"]),
        "dissent": list(p.get("dissent") or ()),
        "concluded_at": iso(ctx.now),
        "concluded_by": ctx.actor.username,
    }


def announcement_record(ctx: Context) -> dict[str, Any]:
    return {
        "announced_at": iso(ctx.payload["meeting_at"]),
        "attendees": list(ctx.payload["attendees"]),
        "recorded_at": iso(ctx.now),
    }


def rejection_record(ctx: Context) -> dict[str, Any]:
    return {
        "reason": ctx.payload["reason"],
        "duplicate_of": ctx.payload.get("duplicate_of"),
        "rejected_at": iso(ctx.now),
    }


# -- effects of a plain investigation (no levels, no clocks: an incident's) ----------------------


def record_team(ctx: Context) -> Outcome:
    return Outcome(data=team_record(ctx))


def record_minutes(ctx: Context) -> Outcome:
    return Outcome(data={"minutes": minutes_record(ctx)})


def record_announcement(ctx: Context) -> Outcome:
    return Outcome(data={"announcement": announcement_record(ctx)})


def record_rejection(ctx: Context) -> Outcome:
    return Outcome(data={"rejection": rejection_record(ctx)})
