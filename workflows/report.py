"""Report: a statutory periodic report (báo cáo định kỳ) filed through SafeCase.

SafeCase opens one report per reporter and period when the period ends (the scheduler, or an
inspector's ``POST /reports/open``, through ``app/services/reports.py``): each active
enterprise's half-year and annual accident report (Decree 39/2016 Art. 24(1), Appendix XII,
with the annual OSH figures: workforce, wage fund, workers exposed to harmful factors and of
them examined for occupational disease, working-environment monitoring) and each commune's
report on accidents of workers without a labour relation (Art. 24(2), Appendix XVI). The
accident counts are pre-filled from the cases; the reporter completes what only it knows — the
``figures`` — and ``submit``\\s before the due day (rules ``report_due.*``). What was
submitted is frozen in ``data["submitted"]`` (the figures and the totals as they stood), so a
later change to a case does not rewrite it; the report page compares it with the live totals
and the reporter may submit a correction (``submit`` again, from ``submitted`` while the
inspector has not decided yet, or from ``accepted``; the inspector reviews it afresh). An inspector
``accept``\\s the report or ``send_back``\\s it with a reason.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from workflows.base import (
    VN_TZ,
    Context,
    Deadline,
    DeadlineChange,
    Field,
    Notify,
    Outcome,
    Reason,
    State,
    Task,
    Transition,
    WorkflowDefinition,
    iso,
)
from workflows.inputs import MAX_TOTAL_VND
from workflows.law.reporting import REPORT_FORMS, parse_period

# The reporter's own figures (Appendix XII with the annual OSH figures). The half-year report
# may leave the OSH ones out; the annual one asks them all (``has_annual_figures``).
WORKFORCE = (
    Field("workers", "count", label_vi="Tổng số lao động", label_en="Workers"),
    Field("female_workers", "count", label_vi="Số lao động nữ", label_en="Female workers"),
    Field("wage_fund_vnd", "money", maximum=MAX_TOTAL_VND, label_vi="Tổng quỹ lương (đồng)",
          label_en="Wage fund (VND)"),
)  # fmt: skip
OSH_FIGURES = (
    Field("exposed_workers", "count", required=False,
          label_vi="Số người làm việc tiếp xúc yếu tố có hại",
          label_en="Workers exposed to harmful factors"),
    Field("od_examined_workers", "count", required=False,
          label_vi="Số người được khám phát hiện bệnh nghề nghiệp",
          label_en="Workers examined for occupational disease"),
    Field("environment_monitored", "bool", required=False,
          label_vi="Đã quan trắc môi trường lao động", label_en="Working environment monitored"),
    Field("monitoring_date", "date", required=False, label_vi="Ngày quan trắc",
          label_en="Monitoring date"),
    Field("monitoring_organisation", "text", required=False,
          label_vi="Tổ chức quan trắc", label_en="Monitoring organisation"),
    Field("monitoring_samples", "count", required=False, label_vi="Số mẫu quan trắc",
          label_en="Samples taken"),
    Field("samples_over_limit", "count", required=False,
          label_vi="Số mẫu vượt tiêu chuẩn cho phép", label_en="Samples over the limit"),
)  # fmt: skip
FIGURES = Field("figures", "record", label_vi="Số liệu của đơn vị", label_en="Your figures",
                parts=WORKFORCE + OSH_FIGURES)  # fmt: skip
ANNUAL_ONLY = tuple(f.name for f in OSH_FIGURES if f.name not in
                    ("monitoring_organisation", "monitoring_date"))  # fmt: skip


def reporter_role(data: dict[str, Any] | Any) -> str:
    """Who files the report: ``enterprise`` or ``commune`` (by its form)."""
    return REPORT_FORMS.get(data.get("form"), "enterprise")


def _reporter(case) -> str:
    return reporter_role(case.data)


# -- predicates -------------------------------------------------------------------------------


def is_reporter(ctx: Context) -> Reason | None:
    """Only the party the report belongs to files it (an enterprise its own report, a commune
    its own); the common scope rules already keep others' reports out of reach."""
    if ctx.actor.role != reporter_role(ctx.case.data):
        return Reason("Chỉ đơn vị lập báo cáo mới được nộp báo cáo này.")
    return None


def files_enterprise(ctx: Context) -> Reason | None:
    """The report is an enterprise's (its notices go to the enterprise, not to the commune
    officers who also see the enterprises of their commune)."""
    if reporter_role(ctx.case.data) != "enterprise":
        return Reason("Báo cáo của UBND cấp xã.")
    return None


def files_commune(ctx: Context) -> Reason | None:
    """The report is a commune's (Appendix XVI)."""
    if reporter_role(ctx.case.data) != "commune":
        return Reason("Báo cáo của doanh nghiệp.")
    return None


def has_annual_figures(ctx: Context) -> Reason | None:
    """An annual enterprise report carries the OSH figures the directive counts; a
    half-year or commune report may leave them out."""
    period = parse_period(ctx.case.data.get("period"))
    if period is None or period.half or reporter_role(ctx.case.data) != "enterprise":
        return None
    figures = ctx.payload.get("figures") or {}
    missing = [name for name in ANNUAL_ONLY if figures.get(name) is None]
    if missing:
        return Reason(
            "Báo cáo năm phải có đủ số liệu an toàn, vệ sinh lao động.",
            field=f"figures.{missing[0]}",
        )
    return None


def _no_more_than(part: str, whole: str, message: str):
    """A guard: ``figures[part]`` does not exceed ``figures[whole]`` (when both are given)."""

    def check(ctx: Context) -> Reason | None:
        figures = ctx.payload.get("figures") or {}
        if figures.get(part) is not None and figures.get(whole) is not None:
            if figures[part] > figures[whole]:
                return Reason(message, field=f"figures.{part}")
        return None

    check.__doc__ = f"figures.{part} ≤ figures.{whole}: {message}"
    return check


# Parts never exceed their whole; one guard each, so a form shows every such mistake at once.
PART_OF_WHOLE = {
    "has_female_within_workers": _no_more_than(
        "female_workers", "workers", "Số lao động nữ không được lớn hơn tổng số lao động."
    ),
    "has_examined_within_exposed": _no_more_than(
        "od_examined_workers", "exposed_workers",
        "Số người được khám không được lớn hơn số người tiếp xúc yếu tố có hại.",
    ),
    "has_over_limit_within_samples": _no_more_than(
        "samples_over_limit", "monitoring_samples",
        "Số mẫu vượt tiêu chuẩn không được lớn hơn số mẫu quan trắc.",
    ),
}  # fmt: skip


def has_past_monitoring_date(ctx: Context) -> Reason | None:
    """A monitoring date is not after the day of filing."""
    day = (ctx.payload.get("figures") or {}).get("monitoring_date")
    if isinstance(day, date) and day > ctx.now.astimezone(VN_TZ).date():
        return Reason("Ngày quan trắc không được ở tương lai.", field="figures.monitoring_date")
    return None


def filed_workers(data) -> int | None:
    """The workforce the report filed (``submitted.figures.workers``), None before filing."""
    workers = ((data.get("submitted") or {}).get("figures") or {}).get("workers")
    return int(workers) if isinstance(workers, int) else None


# -- effects ----------------------------------------------------------------------------------


def _json(figures: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in figures.items()}


def open_report(ctx: Context) -> Outcome:
    """Set the filing deadline: the end of the due day (``data["due_on"]``, Vietnam time)."""
    due_on = date.fromisoformat(ctx.case.data["due_on"])
    due_at = datetime.combine(due_on, time(23, 59, 59), tzinfo=VN_TZ)
    days = max((due_on - ctx.now.astimezone(VN_TZ).date()).days, 0)
    return Outcome(
        deadlines={"report_due": DeadlineChange(due_at=due_at, started_at=ctx.now, days=days)}
    )


def submit(ctx: Context) -> Outcome:
    """Freeze what is filed: the reporter's figures and the totals the cases give now."""
    figures = _json(dict(ctx.payload["figures"]))
    frozen = {
        "figures": figures,
        "totals": ctx.case.facts["report_totals"],
        "submitted_at": iso(ctx.now),
        "submitted_by": ctx.actor.username,
    }
    history = list(ctx.case.data.get("submissions") or [])
    history.append({"submitted_at": frozen["submitted_at"], "by": ctx.actor.username})
    return Outcome(
        data={"figures": figures, "submitted": frozen, "submissions": history, "returned": None}
    )


def send_back(ctx: Context) -> Outcome:
    return Outcome(
        data={
            "returned": {
                "reason": ctx.payload["reason"],
                "returned_at": iso(ctx.now),
                "by": ctx.actor.username,
            }
        }
    )


def accept(ctx: Context) -> Outcome:
    return Outcome(data={"accepted_at": iso(ctx.now), "accepted_by": ctx.actor.username})


# -- the graph --------------------------------------------------------------------------------

STATES = (
    State("open", "Chưa nộp", "Not filed",
          tasks=(Task("submit", "reporter_role", "Lập và nộp báo cáo định kỳ",
                      "Complete and file the periodic report", deadline="report_due"),)),
    State("returned", "Bị trả lại", "Returned",
          tasks=(Task("submit", "reporter_role", "Sửa và nộp lại báo cáo",
                      "Correct and refile the report", deadline="report_due"),)),
    State("submitted", "Đã nộp", "Filed",
          tasks=(Task("review", "inspector", "Xem xét báo cáo định kỳ",
                      "Review the periodic report"),)),
    State("accepted", "Đã chấp nhận", "Accepted"),
)  # fmt: skip

TRANSITIONS = (
    Transition(
        "submit", ("open", "returned", "submitted", "accepted"), "submitted",
        ("enterprise", "commune"),
        "Nộp báo cáo", "File the report",
        guards=("is_reporter", *PART_OF_WHOLE, "has_past_monitoring_date",
                "has_annual_figures"),
        fields=(FIGURES,),
        effect="submit",
        notify=(Notify("report.submitted", ("inspector",)),),
    ),
    Transition(
        "send_back", ("submitted",), "returned", ("inspector",),
        "Trả lại báo cáo", "Return the report",
        fields=(Field("reason", "text", label_vi="Lý do trả lại", label_en="Reason"),),
        effect="send_back",
        notify=(Notify("report.returned", ("enterprise",), when="files_enterprise"),
                Notify("report.returned", ("commune",), when="files_commune")),
    ),
    Transition(
        "accept", ("submitted",), "accepted", ("inspector",),
        "Chấp nhận báo cáo", "Accept the report",
        effect="accept",
        notify=(Notify("report.accepted", ("enterprise",), when="files_enterprise"),
                Notify("report.accepted", ("commune",), when="files_commune")),
    ),
)  # fmt: skip

DEADLINES = (
    Deadline("report_due", "Hạn nộp báo cáo định kỳ", "Periodic report due",
             met_by=("submit",), role="reporter_role", supervisors=("inspector",)),
)  # fmt: skip

WORKFLOW = WorkflowDefinition(
    kind="report",
    letter="R",
    label_vi="Báo cáo định kỳ",
    label_en="Periodic report",
    initial="open",
    states=STATES,
    transitions=TRANSITIONS,
    deadlines=DEADLINES,
    predicates={
        "is_reporter": is_reporter,
        "has_annual_figures": has_annual_figures,
        **PART_OF_WHOLE,
        "has_past_monitoring_date": has_past_monitoring_date,
        "files_enterprise": files_enterprise,
        "files_commune": files_commune,
    },
    effects={"open_report": open_report, "submit": submit, "send_back": send_back,
             "accept": accept},
    resolvers={"reporter_role": _reporter},
    on_create="open_report",
    doc=__doc__ or "",
    facts=("report_totals",),
    # The filed workforce as a column: the statistics' denominator (K) reads it in SQL.
    indexed_columns={"report_workers": filed_workers},
)  # fmt: skip
