"""Accident: an occupational accident (tai nạn lao động), from declaration to closure.

An employer (for its own worker) or a commune People's Committee (UBND cấp xã, for a worker
without a labour relation) declares the accident with its victims. The system then classifies
it (Decree 39/2016 Art. 9; Law 84/2015 Art. 35): *fatal* if anyone died, else *serious* or
*light*; who investigates — the provincial inspectorate for a fatal accident or two or more
seriously injured, the employer's own team (đoàn điều tra cấp cơ sở) otherwise, or, for a
worker without a labour relation who is not in a provincial case, only a commune record of the
event (biên bản ghi nhận sự việc, Decree 129/2025 Art. 43); and the investigation limit in
calendar days from the declaration (Art. 35(6)): light 4, one serious 7, two or more serious
20, fatal 30, 60 with a technical or forensic examination. A fatal or 2+ serious accident
must be notified at once, and inspectors must be at the scene within two hours.

Because the law asks for that notice "at once, by the fastest means" (Law 84/2015 Art.
34(1)(b),(d); Decree 39/2016 Art. 10(1)(a)) while the full declaration (Form 01) takes the
victims' identities, wages and insurance, the declarer may first give a quick notice (báo tin
nhanh): when and where, how many dead and injured, who calls and on which phone. It opens the
case in ``notified``, classified from those counts: the investigation limit runs from the
notice, the immediate notices go out and the 2-hour scene visit starts, exactly as for a full
declaration with the same outcomes. The declarer then owes the full declaration
(``complete_declaration``, due within a time an administrator sets: the law names none beyond
"at once", UNVERIFIED), which lists the victims and moves the case to ``declared``, classified
again from the people declared: the limit keeps counting from the notice, a scene visit already
due stays, one newly due starts then, and a notice that is no longer due closes. A notice may
also be rejected (a false alarm, a duplicate).

The competent body forms a team (``open_investigation``) or the commune records the event
(``record_event``); the inspectorate may instead ``reject`` a declaration (e.g. a duplicate).
During the investigation the limit may be extended once (``extend_deadline``), the file may
go to the police when there are criminal signs (``refer_to_police``, the clock stops) and come
back (``resume``), and a victim's later death escalates the case (``record_death``: fatal,
provincial, new limit); if the employer's own team was investigating, it hands the file to a
provincial team the inspectorate forms (``take_over``, law.md §3.1), and only that team may
conclude. The team head's body writes the minutes (``conclude``, biên bản điều
tra) and announces them at a meeting (``announce``, công bố — with police and procuracy for a
fatal accident, Art. 35(8)). Announcing a work accident opens one claim per victim. A complaint
within 90 days of the announcement reopens the investigation with a new team and supersedes the
old minutes (``reopen``, Decree 39/2016 Art. 17). The case is closed once every claim is.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from workflows.base import (
    ORGANISATION_IN_TEXT,
    CaseSnapshot,
    ChildCase,
    Context,
    Deadline,
    DeadlineChange,
    Field,
    Notify,
    Outcome,
    PaperSpec,
    Reason,
    State,
    Task,
    Transition,
    WorkflowDefinition,
    close,
    iso,
    local_date,
    not_before,
    not_future,
    parse_iso,
    unless,
)
from workflows.claim import has_all_claims_closed, victim_claims
from workflows.declaration import (
    DEFAULT_ACCIDENT_TYPE,
    N_,
    NOBODY_HURT,
    OCCURRED_IN_FUTURE,
    VICTIM,
    Check,
    DeclarationSpec,
    Declarer,
    Input,
    NoticeSpec,
    accident_type,
    casualties,
    commune_code,
    contact_phone,
    description,
    location,
    occurred_at,
    reporter_name,
    third_party,
)
from workflows.dossier import investigation_dossier
from workflows.dossier_rules import DOCUMENTS_FACT, DossierRules
from workflows.inputs import MAX_TOTAL_VND
from workflows.investigation import (
    ANNOUNCE_FIELDS,
    HEAD_ROLE_BY_ORGANISATION,
    MINUTES_FIELDS,
    REJECT_FIELDS,
    TEAM_FIELDS,
    announcement_record,
    head_reason,
    is_not_own_duplicate,
    is_valid_meeting_time,
    minutes_record,
    rejection_record,
    team_head,
    team_record,
)
from workflows.law import classification
from workflows.law.calendar import add_calendar_days

# Who investigates (and so extends and closes) at each level.
ROLE_BY_LEVEL = {"province": "inspector", "enterprise": "enterprise", "commune_record": "commune"}
# The organisation that must head the team at each level (Law 84/2015 Art. 35(1)-(2)).
HEAD_ORGANISATION_BY_LEVEL = {"province": "inspectorate", "enterprise": "employer"}

# -- reading the snapshot ------------------------------------------------------------------------


def outcomes(case: CaseSnapshot) -> list[str]:
    """The victims' outcomes; before the victims are declared (a quick notice), the outcomes
    the notice's counts stand for."""
    if case.victims:
        return [v.get("outcome") for v in case.victims]
    return NOTICE.outcomes(case.data.get("notice") or {})


def is_notice_state(case: CaseSnapshot) -> bool:
    return case.state == NOTICE.state


def counts_differ(case: CaseSnapshot) -> bool:
    """Whether the victims declared differ, outcome by outcome, from what the quick notice
    counted (the notice is given in haste: a mismatch is recorded, never refused)."""
    notice = case.data.get("notice")
    if not notice or not case.victims:
        return False
    declared = sorted(v.get("outcome") for v in case.victims)
    return declared != sorted(NOTICE.outcomes(notice))


def _start(case: CaseSnapshot, ctx: Context) -> datetime:
    # The engine always sets declared_at; falling back to "now" keeps effects total.
    return case.declared_at or ctx.now


def investigation_deadline(
    case_outcomes: list[str], needs_exam: bool, start: datetime, rules, **flags: bool
) -> DeadlineChange:
    """The investigation limit counted from ``start`` (Law 84/2015 Art. 35(6), calendar days)."""
    days = classification.investigation_days(case_outcomes, needs_exam, rules, local_date(start))
    return DeadlineChange(
        due_at=add_calendar_days(start, days), started_at=start, days=days, unit="calendar", **flags
    )


def declaration_deadline(start: datetime, rules) -> DeadlineChange:
    """The time the declarer has to complete a quick notice into the full declaration, from
    the notice (``declaration_completion_hours``; the law says only "at once": UNVERIFIED)."""
    hours = int(rules.get("declaration_completion_hours", local_date(start)))
    return DeadlineChange(due_at=start + timedelta(hours=hours), started_at=start, days=0)


def scene_arrival_deadline(start: datetime, rules) -> DeadlineChange:
    hours = int(rules.get("scene_arrival_hours", local_date(start)))
    # A limit in hours: days=0, due_at is authoritative.
    return DeadlineChange(due_at=start + timedelta(hours=hours), started_at=start, days=0)


# -- resolvers ---------------------------------------------------------------------------------


def level_role(case: CaseSnapshot) -> str:
    return ROLE_BY_LEVEL.get(case.investigation_level or "", "inspector")


def team_head_role(case: CaseSnapshot) -> str:
    head = team_head(case)
    if head is None or needs_takeover_of(case):
        return level_role(case)
    return HEAD_ROLE_BY_ORGANISATION.get(head.get("organisation")) or level_role(case)


def needs_takeover_of(case: CaseSnapshot) -> bool:
    """The case became provincial (a death) while a team headed by another body investigated:
    that team must hand over to a provincial team (law.md §3.1 escalation)."""
    head = team_head(case)
    expected = HEAD_ORGANISATION_BY_LEVEL.get(case.investigation_level or "")
    return head is not None and expected is not None and head.get("organisation") != expected


# -- predicates (pure; None = holds, else the Vietnamese reason it does not) ---------------------
# Each is used wherever it applies: as a guard (refusing with its reason), as a routing
# condition, or as a task's or notice's ``when``.


def is_scene_arrival_pending(ctx: Context) -> Reason | None:
    """The inspectors must reach the scene (a death or 2+ seriously injured, Decree 39/2016
    Art. 11(2)) and nobody has recorded their arrival yet."""
    return (
        is_immediate_notice(ctx)
        or unless(
            ctx.case.open_deadline("scene_arrival") is not None,
            "Không có thời hạn có mặt tại hiện trường đang chạy.",
        )
        or unless(
            not ctx.case.data.get("scene_arrival"), "Đã ghi nhận việc có mặt tại hiện trường."
        )
    )


def has_valid_arrival(ctx: Context) -> Reason | None:
    """The arrival lies between the accident and now: the inspectors may have been told by
    phone and reached the scene before the declaration was entered."""
    what = "Thời điểm có mặt tại hiện trường"
    return not_before(ctx, "arrived_at", what, ctx.case.occurred_at, "lúc xảy ra tai nạn")


def record_scene_arrival(ctx: Context) -> Outcome:
    """Who reached the scene and when: the 2-hour limit is met by this record, not by the
    team's forming (which may come later, or earlier from another body)."""
    p = ctx.payload
    return Outcome(
        data={
            "scene_arrival": {
                "arrived_at": iso(p["arrived_at"]),
                "arrived_by": p["arrived_by"],
                "recorded_by": ctx.actor.username,
            }
        }
    )


def is_immediate_notice(ctx: Context) -> Reason | None:
    """Law 84/2015 Art. 34: a death or two or more seriously injured is notified at once."""
    found = outcomes(ctx.case)
    return unless(
        bool(found) and classification.needs_immediate_notice(found),
        "Không có người chết hoặc từ 02 người bị thương nặng; không phải báo tin ngay.",
    )


def is_routine_notice(ctx: Context) -> Reason | None:
    return unless(is_immediate_notice(ctx) is not None, "Tai nạn thuộc diện phải báo tin ngay.")


def is_quick_notice(ctx: Context) -> Reason | None:
    return unless(is_notice_state(ctx.case), "Vụ việc không ở bước báo tin nhanh.")


def is_full_declaration(ctx: Context) -> Reason | None:
    return unless(not is_notice_state(ctx.case), "Vụ việc mới được báo tin nhanh.")


def is_immediate_declaration(ctx: Context) -> Reason | None:
    """A full declaration that must be notified at once (declared straight away)."""
    return is_full_declaration(ctx) or is_immediate_notice(ctx)


def is_routine_declaration(ctx: Context) -> Reason | None:
    return is_full_declaration(ctx) or is_routine_notice(ctx)


def is_immediate_quick_notice(ctx: Context) -> Reason | None:
    """A quick notice of a death or 2+ seriously injured: the immediate notice goes with it."""
    return is_quick_notice(ctx) or is_immediate_notice(ctx)


def is_routine_quick_notice(ctx: Context) -> Reason | None:
    return is_quick_notice(ctx) or is_routine_notice(ctx)


def is_newly_immediate(ctx: Context) -> Reason | None:
    """The victims declared need the immediate notice but the quick notice's counts did not:
    it goes out when the declaration is completed (the inspectorate learns of it then)."""
    notice = ctx.case.data.get("notice") or {}
    counted = NOTICE.outcomes(notice)
    return is_immediate_notice(ctx) or unless(
        not (counted and classification.needs_immediate_notice(counted)),
        "Tin báo nhanh đã thuộc diện phải báo tin ngay.",
    )


def is_declarer(ctx: Context) -> Reason | None:
    """Only the side that gave the quick notice completes it (an enterprise its own, a
    commune its own; a commune also sees an employer's notice in its commune)."""
    return unless(
        ctx.actor.role == declarer_role(ctx.case),
        "Chỉ bên đã báo tin nhanh được hoàn thiện khai báo.",
    )


def has_declared_victims(ctx: Context) -> Reason | None:
    """The full declaration lists the victims (they are written with it, in the same
    transaction: ``app.services.declarations.complete_declaration``)."""
    return unless(bool(ctx.case.victims), "Cần ít nhất một nạn nhân.", field="victims")


def has_team_investigation(ctx: Context) -> Reason | None:
    return unless(
        ctx.case.investigation_level in ("province", "enterprise"),
        "Vụ việc chỉ được UBND cấp xã ghi nhận; không thành lập đoàn điều tra.",
    )


def is_commune_record(ctx: Context) -> Reason | None:
    """Decree 129/2025 Art. 43: the commune records an accident of a worker without a labour
    relation that the province does not investigate."""
    return unless(
        ctx.case.investigation_level == "commune_record",
        "Chỉ ghi nhận sự việc với tai nạn của người lao động không có quan hệ lao động "
        "không thuộc thẩm quyền điều tra cấp tỉnh.",
    )


def needs_takeover(ctx: Context) -> Reason | None:
    return unless(
        needs_takeover_of(ctx.case),
        "Đoàn điều tra hiện tại đúng thẩm quyền; không cần chuyển giao.",
    )


def has_competent_team(ctx: Context) -> Reason | None:
    return unless(
        not needs_takeover_of(ctx.case),
        "Vụ việc đã chuyển thẩm quyền điều tra cấp tỉnh; đoàn điều tra cấp tỉnh phải "
        "tiếp nhận hồ sơ trước.",
    )


def declarer_role(case: CaseSnapshot) -> str:
    """The role that declared ``case`` (a resolver: the dossier lets the declarer add the
    papers it holds)."""
    # The service records who declared; older rows fall back to the declarer whose
    # declarations carry the case's labour relation.
    role = case.data.get("declared_by_role")
    if role:
        return role
    return WORKFLOW.declaration.declarer_of(case.labour_relation)


def is_declared_by_enterprise(ctx: Context) -> Reason | None:
    return unless(declarer_role(ctx.case) == "enterprise", "Không do doanh nghiệp khai báo.")


def is_declared_by_commune(ctx: Context) -> Reason | None:
    return unless(declarer_role(ctx.case) == "commune", "Không do UBND cấp xã khai báo.")


def is_investigating_body(ctx: Context) -> Reason | None:
    """The actor's role investigates at this case's level (enterprise team / province)."""
    level = ctx.case.investigation_level
    if level == "commune_record":
        return has_team_investigation(ctx)
    if ctx.actor.role != ROLE_BY_LEVEL.get(level or ""):
        if level == "province":
            return Reason("Vụ việc thuộc thẩm quyền điều tra của đoàn cấp tỉnh (thanh tra).")
        return Reason(
            "Vụ việc thuộc thẩm quyền điều tra của người sử dụng lao động (đoàn cấp cơ sở)."
        )
    return None


def has_lawful_team_head(ctx: Context) -> Reason | None:
    """Law 84/2015 Art. 35(1)-(2): the employer heads its own team, the inspectorate a
    provincial one."""
    organisation = HEAD_ORGANISATION_BY_LEVEL.get(ctx.case.investigation_level or "")
    if organisation is None:
        return None  # is_investigating_body already refuses
    return head_reason(ctx.payload.get("team") or [], organisation)


def has_inspectorate_head(ctx: Context) -> Reason | None:
    """A re-investigation is always provincial (Decree 39/2016 Art. 17(1)(b))."""
    return head_reason(ctx.payload.get("team") or [], "inspectorate")


def is_extendable(ctx: Context) -> Reason | None:
    """One extension, of at most the original limit, never for a light accident (Art. 35(6))."""
    if not classification.may_extend(ctx.case.severity or "light"):
        return Reason("Tai nạn lao động nhẹ không được gia hạn thời hạn điều tra.")
    deadline = ctx.case.open_deadline("investigation")
    if deadline is None:
        return Reason("Không có thời hạn điều tra đang chạy.")
    if deadline.get("extended"):
        return Reason("Thời hạn điều tra chỉ được gia hạn một lần.")
    days = ctx.payload.get("days") or 0
    original = int(deadline.get("days") or 0)
    if days < 1:
        return Reason("Số ngày gia hạn phải lớn hơn 0.", field="days")
    if days > classification.max_extension_days(original):
        return Reason(
            f"Số ngày gia hạn không được vượt quá thời hạn ban đầu ({original} ngày).", field="days"
        )
    return None


def is_valid_return(ctx: Context) -> Reason | None:
    referral = ctx.case.data.get("police_referral") or {}
    referred = parse_iso(referral.get("referred_at"))
    returned = ctx.payload.get("returned_at")
    if referred and returned and returned < referred:
        return Reason(
            "Ngày nhận lại hồ sơ không được trước ngày chuyển cơ quan công an.", field="returned_at"
        )
    return not_future(ctx, "returned_at", "Ngày nhận lại hồ sơ")


def has_living_victim(ctx: Context) -> Reason | None:
    return unless(
        any(v.get("outcome") != "death" for v in ctx.case.victims),
        "Mọi nạn nhân đã được ghi nhận tử vong.",
    )


def is_living_victim(ctx: Context) -> Reason | None:
    victim = ctx.case.victim(ctx.payload.get("victim_id"))
    if victim is None:
        return Reason("Không tìm thấy nạn nhân này trong vụ việc.", field="victim_id")
    if victim.get("outcome") == "death":
        return Reason("Nạn nhân đã được ghi nhận tử vong.", field="victim_id")
    died = ctx.payload.get("died_at")
    if died and ctx.case.occurred_at and died < ctx.case.occurred_at:
        return Reason(
            "Thời điểm tử vong không được trước thời điểm xảy ra tai nạn.", field="died_at"
        )
    return not_future(ctx, "died_at", "Thời điểm tử vong")


def is_dossier_keeper(ctx: Context) -> Reason | None:
    """The dossier is kept by the body that investigates and closes the case (its level's
    role) and supervised by the inspectorate, which may add any paper to it: those two may
    mark a missing paper not applicable (workflows.md: the closing role)."""
    return unless(
        ctx.actor.role in ("inspector", level_role(ctx.case)),
        "Chỉ cơ quan điều tra vụ việc (hoặc thanh tra) quản lý hồ sơ điều tra.",
    )


def is_team_head_role(ctx: Context) -> Reason | None:
    head = team_head(ctx.case)
    if head is None:
        return Reason("Chưa thành lập đoàn điều tra.")
    if needs_takeover_of(ctx.case):
        return has_competent_team(ctx)
    organisation = head.get("organisation")
    if ctx.actor.role != HEAD_ROLE_BY_ORGANISATION.get(organisation):
        label = ORGANISATION_IN_TEXT.get(organisation, organisation)
        return Reason(f"Chỉ trưởng đoàn điều tra (đại diện {label}) được thực hiện thao tác này.")
    return None


def has_required_attendees(ctx: Context) -> Reason | None:
    """Law 84/2015 Art. 35(8): police and procuracy attend the announcement of a fatal case."""
    if ctx.case.severity == "fatal":
        present = {a.get("organisation") for a in ctx.payload.get("attendees") or ()}
        missing = [o for o in ("police", "procuracy") if o not in present]
        if missing:
            names = " và ".join(ORGANISATION_IN_TEXT[o] for o in missing)
            return Reason(
                "Tai nạn lao động chết người: cuộc họp công bố phải có đại diện "
                f"{names} (Luật ATVSLĐ Điều 35 khoản 8).",
                field="attendees",
            )
    return is_valid_meeting_time(ctx)


def is_within_complaint_window(ctx: Context) -> Reason | None:
    """Decree 39/2016 Art. 17: a complaint within 90 days of the announcement."""
    announced = parse_iso((ctx.case.data.get("announcement") or {}).get("announced_at"))
    if announced is None:
        return Reason("Biên bản điều tra chưa được công bố.")
    received = ctx.payload.get("complaint_received_at")
    if received is None:
        return None
    if received < announced:
        return Reason(
            "Ngày nhận khiếu nại không được trước ngày công bố biên bản.",
            field="complaint_received_at",
        )
    window = int(ctx.rules.get("complaint_window_days", local_date(announced)))
    if received > add_calendar_days(announced, window):
        return Reason(
            f"Khiếu nại nhận sau {window} ngày kể từ ngày công bố biên bản "
            f"({local_date(announced):%d/%m/%Y}); không thể điều tra lại.",
            field="complaint_received_at",
        )
    return not_future(ctx, "complaint_received_at", "Ngày nhận khiếu nại")


# -- effects -------------------------------------------------------------------------------------


def classify(ctx: Context) -> Outcome:
    """on_create: severity, level, investigation limit and, when due, the 2-hour scene visit."""
    case = ctx.case
    found = outcomes(case)
    level = classification.investigation_level(found, bool(case.labour_relation))
    start = _start(case, ctx)
    deadlines: dict[str, DeadlineChange] = {}
    if level != "commune_record":  # a commune record has no team and so no limit
        deadlines["investigation"] = investigation_deadline(found, False, start, ctx.rules)
    if classification.needs_immediate_notice(found):
        deadlines["scene_arrival"] = scene_arrival_deadline(start, ctx.rules)
    if is_notice_state(case):
        deadlines["declaration"] = declaration_deadline(start, ctx.rules)
    return Outcome(
        set={"severity": classification.severity(found), "investigation_level": level},
        data={"needs_technical_exam": False},
        deadlines=deadlines,
    )


def complete_declaration(ctx: Context) -> Outcome:
    """The quick notice completed: classified again from the victims now declared (written
    before the trigger fires). The investigation limit keeps counting from the notice (the
    declaration the law asks "at once" is the notice); a scene visit still due keeps its time,
    one newly due (a death or a second serious injury the notice did not count) runs from now,
    when the inspectorate learns of it, as ``record_death`` does. What the declaration no
    longer needs is closed by ``Deadline.met_by``; what it needs is set here."""
    case = ctx.case
    found = outcomes(case)
    level = classification.investigation_level(found, bool(case.labour_relation))
    start = _start(case, ctx)
    deadlines: dict[str, DeadlineChange] = {}
    if level != "commune_record":
        deadlines["investigation"] = investigation_deadline(found, False, start, ctx.rules)
    if classification.needs_immediate_notice(found):
        current = case.deadlines.get("scene_arrival")
        if current is None:
            deadlines["scene_arrival"] = scene_arrival_deadline(ctx.now, ctx.rules)
        elif current.get("met_at") is None:
            deadlines["scene_arrival"] = DeadlineChange(
                due_at=parse_iso(current["due_at"]),
                started_at=parse_iso(current["started_at"]),
                days=int(current.get("days") or 0),
            )
    notice = dict(case.data.get("notice") or {})
    notice.update(completed_at=iso(ctx.now), counts_differ=counts_differ(case))
    return Outcome(
        set={"severity": classification.severity(found), "investigation_level": level},
        data={"notice": notice},
        deadlines=deadlines,
    )


def open_team(ctx: Context) -> Outcome:
    case = ctx.case
    needs_exam = bool(ctx.payload.get("needs_technical_exam"))
    deadlines: dict[str, DeadlineChange] = {}
    if needs_exam:
        # Law 84/2015 Art. 35(6)(d): 60 days, still counted from the declaration.
        deadlines["investigation"] = investigation_deadline(
            outcomes(case), True, _start(case, ctx), ctx.rules
        )
    return Outcome(data=team_record(ctx), deadlines=deadlines)


def take_over(ctx: Context) -> Outcome:
    """The provincial team replaces the employer's (law.md §3.1): the file is handed over, the
    limit in force (counted by ``record_death`` from the death) keeps running; a newly needed
    technical or forensic examination makes it 60 days from the same start."""
    case = ctx.case
    had_exam = bool(case.data.get("needs_technical_exam"))
    needs_exam = had_exam or bool(ctx.payload.get("needs_technical_exam"))
    deadlines: dict[str, DeadlineChange] = {}
    current = case.open_deadline("investigation")
    if needs_exam and not had_exam and current is not None:
        deadlines["investigation"] = investigation_deadline(
            outcomes(case),
            True,
            parse_iso(current["started_at"]),
            ctx.rules,
            extended=bool(current.get("extended")),
        )
    return Outcome(
        data={
            "team": list(ctx.payload["team"]),
            "needs_technical_exam": needs_exam,
            "handover": {
                "from_team": list(case.data.get("team") or ()),
                "taken_over_at": iso(ctx.now),
                "taken_over_by": ctx.actor.username,
            },
        },
        deadlines=deadlines,
    )


def record_event(ctx: Context) -> Outcome:
    return Outcome(
        data={
            "record": {
                "note": ctx.payload["note"],
                "recorded_at": iso(ctx.now),
                "recorded_by": ctx.actor.username,
            }
        }
    )


def reject(ctx: Context) -> Outcome:
    return Outcome(data={"rejection": rejection_record(ctx)})


def extend(ctx: Context) -> Outcome:
    deadline = ctx.case.open_deadline("investigation") or {}
    days = ctx.payload["days"]
    return Outcome(
        data={
            "extension": {"days": days, "reason": ctx.payload["reason"], "granted_at": iso(ctx.now)}
        },
        deadlines={
            "investigation": DeadlineChange(
                due_at=parse_iso(deadline["due_at"]) + timedelta(days=days),
                started_at=parse_iso(deadline["started_at"]),
                days=int(deadline["days"]),
                unit=deadline.get("unit") or "calendar",
                extended=True,
            )
        },
    )


def refer(ctx: Context) -> Outcome:
    """Stop the clock (Law 84/2015 Art. 35(7)); the remaining time is kept for the record."""
    referral = {"reason": ctx.payload["reason"], "referred_at": iso(ctx.now)}
    deadlines: dict[str, DeadlineChange] = {}
    deadline = ctx.case.open_deadline("investigation")
    if deadline is not None:
        due_at = parse_iso(deadline["due_at"])
        referral["remaining_seconds"] = int((due_at - ctx.now).total_seconds())
        deadlines["investigation"] = DeadlineChange(
            due_at=due_at,
            started_at=parse_iso(deadline["started_at"]),
            days=int(deadline["days"]),
            unit=deadline.get("unit") or "calendar",
            paused=True,
            extended=bool(deadline.get("extended")),
        )
    return Outcome(data={"police_referral": referral}, deadlines=deadlines)


def resume(ctx: Context) -> Outcome:
    """Restart the clock from ``returned_at`` with the full limit in force (the original days,
    plus the extension if one was granted): Art. 35(6) says the time limit runs from when the
    team has received all the documents back, so the remaining time is *not* what restarts."""
    case = ctx.case
    returned = ctx.payload["returned_at"]
    referral = dict(case.data.get("police_referral") or {})
    referral["returned_at"] = iso(returned)
    deadline = case.deadlines.get("investigation")
    if deadline is not None:
        extended = bool(deadline.get("extended"))
        days = int(deadline["days"])
        total = days + (int((case.data.get("extension") or {}).get("days") or 0) if extended else 0)
        change = DeadlineChange(
            due_at=add_calendar_days(returned, total),
            started_at=returned,
            days=days,
            unit=deadline.get("unit") or "calendar",
            extended=extended,
        )
    else:
        change = investigation_deadline(
            outcomes(case), bool(case.data.get("needs_technical_exam")), returned, ctx.rules
        )
    return Outcome(data={"police_referral": referral}, deadlines={"investigation": change})


def record_death(ctx: Context) -> Outcome:
    """Escalation (law.md §3.1): the case becomes fatal and provincial; the limit becomes the
    fatal one, counted from the declaration or, when the victim died after it, from the death
    (the moment the fatal accident became known — the law counts from the report)."""
    case = ctx.case
    victim_id = ctx.payload["victim_id"]
    died_at = ctx.payload["died_at"]
    after = [v.get("outcome") for v in case.victims if v.get("id") != victim_id] + ["death"]
    start = max(_start(case, ctx), died_at)
    previous = case.deadlines.get("investigation") or {}
    deadlines: dict[str, DeadlineChange] = {
        "investigation": investigation_deadline(
            after,
            bool(case.data.get("needs_technical_exam")),
            start,
            ctx.rules,
            paused=case.state == "suspended",
            extended=bool(previous.get("extended")),
        )
    }
    if case.state == "declared" and "scene_arrival" not in case.deadlines:
        deadlines["scene_arrival"] = scene_arrival_deadline(ctx.now, ctx.rules)
    return Outcome(
        set={"severity": "fatal", "investigation_level": "province"},
        data={
            "escalation": {
                "victim_id": victim_id,
                "died_at": iso(died_at),
                "from_severity": case.severity,
                "from_level": case.investigation_level,
                "recorded_at": iso(ctx.now),
            }
        },
        deadlines=deadlines,
        victims={victim_id: {"outcome": "death", "died_at": died_at}},
    )


def conclude(ctx: Context) -> Outcome:
    """The minutes; the property damage they assess (VND), when given, goes on the case
    (``data["property_damage_vnd"]``, a statistics column)."""
    p = ctx.payload
    minutes = minutes_record(
        ctx, is_work_accident=p["is_work_accident"], worker_at_fault=p["worker_at_fault"]
    )
    data: dict[str, Any] = {"minutes": minutes}
    if p.get("property_damage_vnd") is not None:
        data["property_damage_vnd"] = p["property_damage_vnd"]
    return Outcome(data=data)


def announce(ctx: Context) -> Outcome:
    case = ctx.case
    announced_at = ctx.payload["meeting_at"]
    minutes = case.data.get("minutes") or {}
    data: dict[str, Any] = {"announcement": announcement_record(ctx)}
    children: tuple[ChildCase, ...] = ()
    if minutes.get("is_work_accident"):
        children, claimed = victim_claims(
            case,
            worker_at_fault=bool(minutes.get("worker_at_fault")),
            announced_at=announced_at,
            rules=ctx.rules,
            source="accident",
        )
        data["claimed_victim_ids"] = claimed
    return Outcome(data=data, children=children)


def reopen(ctx: Context) -> Outcome:
    """Re-investigation (Decree 39/2016 Art. 17): a provincial team, new minutes to come; the
    old ones lose effect once the new ones are announced, so they are kept, marked superseded.
    The new limit runs from the reopening (the law sets none of its own: UNVERIFIED)."""
    case = ctx.case
    p = ctx.payload
    needs_exam = bool(p.get("needs_technical_exam"))
    superseded = list(case.data.get("superseded_minutes") or ())
    if case.data.get("minutes"):
        superseded.append(
            {
                **case.data["minutes"],
                "announced_at": (case.data.get("announcement") or {}).get("announced_at"),
                "superseded_at": iso(ctx.now),
            }
        )
    return Outcome(
        set={"investigation_level": "province"},
        data={
            "superseded_minutes": superseded,
            "minutes": None,
            "announcement": None,
            "extension": None,
            "team": list(p["team"]),
            "needs_technical_exam": needs_exam,
            "reopening": {
                "complaint_received_at": iso(p["complaint_received_at"]),
                "reason": p["reason"],
                "reopened_at": iso(ctx.now),
                "from_state": case.state,
            },
        },
        deadlines={
            "investigation": investigation_deadline(outcomes(case), needs_exam, ctx.now, ctx.rules)
        },
    )


# -- the definition ------------------------------------------------------------------------------

STATES = (
    State(
        "notified",
        "Báo tin nhanh",
        "Quick notice",
        tasks=(
            Task("complete_declaration", "declarer_role", "Hoàn thiện khai báo",
                 "Complete the declaration", deadline="declaration"),
            Task("scene_arrival", "inspector", "Có mặt tại hiện trường trong 02 giờ",
                 "Be at the scene within 2 hours", deadline="scene_arrival",
                 when="is_scene_arrival_pending"),
        ),
    ),
    State(
        "declared",
        "Đã khai báo",
        "Declared",
        tasks=(
            Task("open_investigation", "level_role", "Thành lập đoàn điều tra tai nạn lao động",
                 "Set up the investigation team", deadline="investigation",
                 when="has_team_investigation"),
            Task("record_event", "commune", "Lập biên bản ghi nhận sự việc",
                 "Record the event", when="is_commune_record"),
            Task("scene_arrival", "inspector", "Có mặt tại hiện trường trong 02 giờ",
                 "Be at the scene within 2 hours", deadline="scene_arrival",
                 when="is_scene_arrival_pending"),
        ),
    ),
    State(
        "investigating",
        "Đang điều tra",
        "Under investigation",
        tasks=(
            Task("conclude", "team_head_role", "Lập biên bản điều tra tai nạn lao động",
                 "Write the investigation minutes", deadline="investigation",
                 when="has_competent_team"),
            Task("take_over", "inspector", "Đoàn điều tra cấp tỉnh tiếp nhận hồ sơ",
                 "Provincial team takes over the investigation", deadline="investigation",
                 when="needs_takeover"),
            Task("scene_arrival", "inspector", "Có mặt tại hiện trường trong 02 giờ",
                 "Be at the scene within 2 hours", deadline="scene_arrival",
                 when="is_scene_arrival_pending"),
        ),
    ),
    State(
        "suspended",
        "Tạm dừng — chuyển cơ quan công an",
        "Suspended — with the police",
        tasks=(
            Task("resume", "inspector", "Theo dõi kết quả xử lý của cơ quan công an",
                 "Follow up the police decision"),
        ),
    ),
    State(
        "concluded",
        "Đã lập biên bản điều tra",
        "Minutes written",
        tasks=(
            Task("announce", "team_head_role", "Tổ chức họp công bố biên bản điều tra",
                 "Hold the announcement meeting", deadline="investigation"),
        ),
    ),
    State(
        "announced",
        "Đã công bố",
        "Announced",
        tasks=(
            Task("close", "level_role", "Đóng vụ việc", "Close the case",
                 when="has_all_claims_closed"),
        ),
    ),
    State(
        "recorded",
        "Đã ghi nhận sự việc",
        "Event recorded",
        tasks=(Task("close", "commune", "Đóng vụ việc", "Close the case"),),
    ),
    State("rejected", "Không thụ lý", "Rejected", terminal=True),
    State("closed", "Đã đóng", "Closed", terminal=True),
)  # fmt: skip

_PARTIES = ("enterprise", "union")

TRANSITIONS = (
    Transition(
        "complete_declaration", ("notified",), "declared", ("enterprise", "commune"),
        "Hoàn thiện khai báo", "Complete the declaration",
        # The payload is the full declaration (``POST /cases``' body): the declaration service
        # checks it and writes the victims, then fires this (DeclarationSpec.notice).
        guards=("is_declarer", "has_declared_victims"),
        effect="complete_declaration",
        notify=(
            Notify("accident.declaration_completed", ("inspector",)),
            Notify("accident.declared_immediate", ("inspector",), urgent=True,
                   when="is_newly_immediate"),
            Notify("accident.declared_immediate", ("union",), when="is_newly_immediate"),
        ),
    ),
    Transition(
        "open_investigation", ("declared",), "investigating", ("enterprise", "inspector"),
        "Thành lập đoàn điều tra", "Open the investigation",
        guards=("is_investigating_body", "has_lawful_team_head"),
        fields=TEAM_FIELDS, effect="open_team",
        notify=(Notify("accident.investigation_opened", _PARTIES),),
    ),
    Transition(
        "record_scene_arrival", ("notified", "declared", "investigating"), None, ("inspector",),
        "Ghi nhận có mặt tại hiện trường", "Record the arrival at the scene",
        guards=("is_scene_arrival_pending", "has_valid_arrival"),
        fields=(
            Field("arrived_at", "datetime", label_vi="Thời điểm có mặt tại hiện trường",
                  label_en="Arrived at the scene at"),
            Field("arrived_by", "text", label_vi="Người có mặt (họ tên, chức vụ)",
                  label_en="Who arrived (name, position)", max_length=300),
        ),
        effect="record_scene_arrival",
    ),
    Transition(
        "record_event", ("declared",), "recorded", ("commune",),
        "Ghi nhận sự việc", "Record the event",
        guards=("is_commune_record",),
        fields=(Field("note", "text", label_vi="Nội dung ghi nhận", label_en="Record"),),
        effect="record_event",
        notify=(Notify("accident.recorded", ("inspector",)),),
    ),
    Transition(
        "reject", ("notified", "declared"), "rejected", ("inspector",),
        "Không thụ lý", "Reject",
        guards=("is_not_own_duplicate",), fields=REJECT_FIELDS, effect="reject",
        notify=(
            Notify("accident.rejected", ("enterprise",), when="is_declared_by_enterprise"),
            Notify("accident.rejected", ("commune",), when="is_declared_by_commune"),
        ),
    ),
    Transition(
        "extend_deadline", ("investigating",), None, ("inspector", "enterprise"),
        "Gia hạn thời hạn điều tra", "Extend the investigation limit",
        guards=("is_investigating_body", "is_extendable"),
        fields=(
            Field("days", "int", label_vi="Số ngày gia hạn", label_en="Days"),
            Field("reason", "text", label_vi="Lý do", label_en="Reason"),
        ),
        effect="extend",
        notify=(Notify("accident.deadline_extended", ("inspector", "union")),),
    ),
    Transition(
        "refer_to_police", ("investigating",), "suspended", ("inspector",),
        "Chuyển hồ sơ cho cơ quan công an", "Refer to the police",
        fields=(Field("reason", "text", label_vi="Dấu hiệu tội phạm",
                      label_en="Criminal signs"),),
        effect="refer",
        notify=(Notify("accident.referred_to_police", _PARTIES),),
    ),
    Transition(
        "resume", ("suspended",), "investigating", ("inspector",),
        "Tiếp tục điều tra", "Resume the investigation",
        guards=("is_valid_return",),
        fields=(Field("returned_at", "datetime", label_vi="Ngày nhận lại hồ sơ",
                      label_en="Date the file was returned"),),
        effect="resume",
        notify=(Notify("accident.resumed", _PARTIES),),
    ),
    Transition(
        "record_death", ("declared", "investigating", "suspended"), None,
        ("enterprise", "inspector"),
        "Ghi nhận nạn nhân tử vong", "Record a death",
        guards=("has_living_victim", "is_living_victim"),
        fields=(
            Field("victim_id", "victim_id", label_vi="Nạn nhân", label_en="Victim"),
            Field("died_at", "datetime", label_vi="Thời điểm tử vong", label_en="Time of death"),
        ),
        effect="record_death",
        notify=(
            Notify("accident.death_recorded", ("inspector",), urgent=True),
            Notify("accident.death_recorded", ("union",)),
        ),
    ),
    Transition(
        "take_over", ("investigating",), None, ("inspector",),
        "Đoàn cấp tỉnh tiếp nhận điều tra", "Provincial team takes over",
        guards=("needs_takeover", "is_investigating_body", "has_lawful_team_head"),
        fields=TEAM_FIELDS, effect="take_over",
        notify=(Notify("accident.investigation_opened", _PARTIES),),
    ),
    Transition(
        "conclude", ("investigating",), "concluded", ("inspector", "enterprise"),
        "Lập biên bản điều tra", "Write the minutes",
        guards=("is_team_head_role",),
        fields=(
            Field("is_work_accident", "bool", label_vi="Là tai nạn lao động",
                  label_en="Is a work accident"),
            Field("worker_at_fault", "bool", label_vi="Lỗi hoàn toàn do người lao động",
                  label_en="Wholly the worker's fault"),
        ) + MINUTES_FIELDS + (
            Field("property_damage_vnd", "money", required=False, maximum=MAX_TOTAL_VND,
                  label_vi="Thiệt hại về tài sản (đồng)", label_en="Property damage (VND)"),
        ),
        effect="conclude",
        notify=(Notify("accident.concluded", _PARTIES),),
    ),
    Transition(
        "announce", ("concluded",), "announced", ("inspector", "enterprise"),
        "Công bố biên bản điều tra", "Announce the minutes",
        guards=("is_team_head_role", "has_required_attendees"),
        fields=ANNOUNCE_FIELDS, effect="announce",
        notify=(Notify("accident.announced", _PARTIES),),
    ),
    Transition(
        "reopen", ("announced", "closed"), "investigating", ("inspector",),
        "Điều tra lại", "Reopen the investigation",
        guards=("is_within_complaint_window", "has_inspectorate_head"),
        fields=(
            Field("complaint_received_at", "datetime", label_vi="Ngày nhận khiếu nại",
                  label_en="Complaint received"),
            Field("reason", "text", label_vi="Lý do", label_en="Reason"),
        ) + TEAM_FIELDS,
        effect="reopen",
        notify=(Notify("accident.reopened", _PARTIES),),
    ),
    Transition(
        "close", ("announced",), "closed", ("inspector", "enterprise"),
        "Đóng vụ việc", "Close the case",
        guards=("is_investigating_body", "has_all_claims_closed", "has_complete_dossier"),
        effect="close",
        notify=(Notify("accident.closed", _PARTIES),),
    ),
    Transition(
        "close", ("recorded",), "closed", ("commune",),
        "Đóng vụ việc", "Close the case",
        guards=("is_commune_record",), effect="close",
    ),
)  # fmt: skip

# ``complete_declaration`` is among the triggers meeting the investigation limit and the scene
# visit: a completed quick notice closes what the people declared no longer need (a commune
# record has no limit; a notice's death that was none needs no visit), and its effect sets
# again what they do need, which wins over the closing (WorkflowDefinition.outcome).
# The team's dossier, from the team's appointment on (a commune record has no team, so no
# dossier), with the casualties' medical papers.
# The team's papers are the investigating body's to add (the inspector's at any time); the
# photos and the medical papers also the declarer's — never a commune's on an employer's
# accident, nor the union's.
DOSSIER = investigation_dossier(
    ("investigating", "suspended", "concluded", "announced", "closed"),
    when=("team",), medical=True, team=("team_head_role",),
    parties=("declarer_role", "team_head_role", "inspector"),
)  # fmt: skip
# Closing needs the dossier complete; a missing paper that does not apply to the accident is
# marked so, with a reason, by the body keeping the dossier, while the case is open.
DOSSIER_RULES = DossierRules(
    DOSSIER,
    states=("investigating", "suspended", "concluded", "announced"),
    roles=("inspector", "enterprise"),
    keeper="is_dossier_keeper",
)
TRANSITIONS = TRANSITIONS + DOSSIER_RULES.transitions()

DEADLINES = (
    Deadline("investigation", "Thời hạn điều tra (Điều 35 khoản 6)",
             "Investigation limit (Art. 35(6))",
             met_by=("announce", "reject", "complete_declaration"),
             role="team_head_role", supervisors=("inspector",)),
    Deadline("scene_arrival", "Có mặt tại hiện trường (02 giờ)", "At the scene (2 hours)",
             # Minutes written mean the team examined the scene: a visit never recorded no
             # longer counts as overdue once the investigation is concluded.
             met_by=("record_scene_arrival", "conclude", "reject", "complete_declaration"),
             role="inspector", supervisors=("inspector",)),
    Deadline("declaration", "Hoàn thiện khai báo sau báo tin nhanh",
             "Complete the declaration after the quick notice",
             met_by=("complete_declaration", "reject"), role="declarer_role",
             supervisors=("inspector",)),
)  # fmt: skip


def _minutes(data: Mapping[str, Any]) -> Mapping[str, Any]:
    return data.get("minutes") or {}


# Columns kept in step with the accident's data so the statistics group and filter in SQL:
# the type (at work / commuting), the minutes' main cause and injuring factor (yếu tố gây chấn
# thương), whether the minutes concluded it is not a work accident, the property damage.
STATISTICS_COLUMNS: Mapping[str, Any] = {
    "accident_type": lambda data: data.get("accident_type") or DEFAULT_ACCIDENT_TYPE,
    "cause_code": lambda data: _minutes(data).get("cause_code"),
    "injuring_factor_code": lambda data: _minutes(data).get("injuring_factor_code"),
    "not_work_accident": lambda data: _minutes(data).get("is_work_accident") is False,
    "property_damage_vnd": lambda data: data.get("property_damage_vnd"),
}


# The quick notice (báo tin nhanh): what a declarer can say on the phone at once (law.md §2).
NOTICE = NoticeSpec(
    state="notified",
    completed_by="complete_declaration",
    inputs=(
        occurred_at(),
        commune_code(required=True, missing=N_("Bắt buộc nhập mã xã/phường nơi xảy ra tai nạn.")),
        location(),
        description(),
        casualties("deaths", "Số người chết", "Number dead"),
        casualties("seriously_injured", "Số người bị thương nặng", "Number seriously injured"),
        casualties("lightly_injured", "Số người bị thương nhẹ", "Number lightly injured"),
        reporter_name(),
        contact_phone(),
    ),
    counts={"deaths": "death", "seriously_injured": "serious", "lightly_injured": "light"},
    checks=(
        Check("occurred_at", "not_future", OCCURRED_IN_FUTURE),
        Check("deaths", "some_positive", NOBODY_HURT,
              others=("seriously_injured", "lightly_injured")),
    ),
)  # fmt: skip


WORKFLOW = WorkflowDefinition(
    kind="accident",
    letter="A",
    label_vi="Tai nạn lao động",
    label_en="Occupational accident",
    initial="declared",
    states=STATES,
    transitions=TRANSITIONS,
    deadlines=DEADLINES,
    predicates={
        "is_immediate_notice": is_immediate_notice,
        "is_scene_arrival_pending": is_scene_arrival_pending,
        "has_valid_arrival": has_valid_arrival,
        "is_routine_notice": is_routine_notice,
        "is_quick_notice": is_quick_notice,
        "is_immediate_declaration": is_immediate_declaration,
        "is_routine_declaration": is_routine_declaration,
        "is_immediate_quick_notice": is_immediate_quick_notice,
        "is_routine_quick_notice": is_routine_quick_notice,
        "is_newly_immediate": is_newly_immediate,
        "is_declarer": is_declarer,
        "has_declared_victims": has_declared_victims,
        "has_team_investigation": has_team_investigation,
        "is_commune_record": is_commune_record,
        "needs_takeover": needs_takeover,
        "has_competent_team": has_competent_team,
        "is_declared_by_enterprise": is_declared_by_enterprise,
        "is_declared_by_commune": is_declared_by_commune,
        "is_investigating_body": is_investigating_body,
        "has_lawful_team_head": has_lawful_team_head,
        "has_inspectorate_head": has_inspectorate_head,
        "is_not_own_duplicate": is_not_own_duplicate,
        "is_extendable": is_extendable,
        "is_valid_return": is_valid_return,
        "has_living_victim": has_living_victim,
        "is_living_victim": is_living_victim,
        "is_team_head_role": is_team_head_role,
        "has_required_attendees": has_required_attendees,
        "is_within_complaint_window": is_within_complaint_window,
        "has_all_claims_closed": has_all_claims_closed,
        "is_dossier_keeper": is_dossier_keeper,
        **DOSSIER_RULES.predicates(),
    },
    effects={
        "classify": classify,
        "complete_declaration": complete_declaration,
        "open_team": open_team,
        "take_over": take_over,
        "record_event": record_event,
        "record_scene_arrival": record_scene_arrival,
        "reject": reject,
        "extend": extend,
        "refer": refer,
        "resume": resume,
        "record_death": record_death,
        "conclude": conclude,
        "announce": announce,
        "reopen": reopen,
        "close": close,
        **DOSSIER_RULES.effects(),
    },
    resolvers={
        "level_role": level_role,
        "team_head_role": team_head_role,
        "declarer_role": declarer_role,
    },
    # The coded facts the statistics group by, as columns (docs/statistics.md).
    indexed_columns=STATISTICS_COLUMNS,
    # Form 01 as declared, and anew when a victim's death makes the accident fatal (the
    # inspectorate and the commune police then need the fatal accident declared); the minutes
    # when written, and again with the announcement meeting when announced (a reopening's new
    # minutes are the next version). By hand: the declarer its declaration, the body heading the
    # team its minutes.
    papers=(
        # Form 01 is the full declaration: a quick notice (give_notice) has none until it is
        # completed.
        PaperSpec(
            "declaration",
            ("declare", "complete_declaration", "record_death"),
            reissuers=("declarer_role",),
        ),
        PaperSpec("minutes", ("conclude", "announce"), reissuers=("team_head_role",)),
    ),
    on_create="classify",
    doc=__doc__ or "",
    create_notify=(
        # Law 84/2015 Art. 34(1)(b),(d): fatal or 2+ serious is notified at once, by the
        # fastest means, to the provincial inspectorate; it cannot be muted.
        Notify("accident.declared_immediate", ("inspector",), urgent=True,
               when="is_immediate_declaration"),
        Notify("accident.declared_immediate", ("union",), when="is_immediate_declaration"),
        Notify("accident.declared", ("inspector",), when="is_routine_declaration"),
        # A quick notice is that declaration "by the fastest means": the same people are told,
        # in words that say the full declaration is still to come.
        Notify("accident.notified_immediate", ("inspector",), urgent=True,
               when="is_immediate_quick_notice"),
        Notify("accident.notified_immediate", ("union",), when="is_immediate_quick_notice"),
        Notify("accident.notified", ("inspector",), when="is_routine_quick_notice"),
    ),
    dossier=DOSSIER,
    # The documents attached, for the closing guard (app/services/case_facts.py).
    facts=(DOCUMENTS_FACT,),
    # Law 84/2015 Art. 34: the employer declares its workers' accidents; the commune those of
    # people working without a labour relation, in its own commune.
    declaration=DeclarationSpec(
        declarers=(
            Declarer("enterprise", True, other_relation=N_(
                "Doanh nghiệp khai báo tai nạn của người lao động có quan hệ lao động.")),
            Declarer("commune", False, other_relation=N_(
                "UBND xã khai báo tai nạn của người lao động không có quan hệ lao động.")),
        ),
        inputs=(
            occurred_at(),
            # Named explicitly: the scene may be away from the enterprise's seat.
            commune_code(required=True,
                         missing=N_("Bắt buộc nhập mã xã/phường nơi xảy ra tai nạn.")),
            location(),
            description(),
            # The serious technical incident the victims were hurt in, if any.
            Input("incident_code", "case_code", "Mã sự cố kỹ thuật liên quan",
                  "Related technical incident", required=False,
                  invalid=N_("Mã sự cố không hợp lệ (ví dụ HP-2026-I000123).")),
            # At work or commuting, and who caused it: what the employer owes (Art. 38-39).
            accident_type(),
            third_party(),
        ),
        checks=(Check("occurred_at", "not_future", OCCURRED_IN_FUTURE),),
        states_labour_relation=True,
        victims=VICTIM,
        notice=NOTICE,
    ),
)  # fmt: skip
