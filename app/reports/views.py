"""The "Báo cáo định kỳ" pages: the list (with counts for the inspector), the report page with
the statutory form and its actions, and the PDF / XLSX downloads.

Views stay thin: ``app.services.reports`` reads and opens, ``workflow_engine.fire_transition``
files, returns and accepts (the same generated action forms as the case pages, posted here so
a refusal comes back on the report page with each message beside its input and the values
kept).
"""

from __future__ import annotations

from datetime import date

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.cases.actions import act_from_page
from app.cases.forms import ActionForm, action_form
from app.cases.presenter import ActionView, template_helpers, trigger_label
from app.errors import ValidationFailed
from app.formatting import format_date, format_datetime
from app.forms import keeps_form
from app.i18n import localize
from app.inputs import cursor_arg, page_number
from app.permissions import has_permission, require_permission
from app.reports import bp
from app.services import reports
from app.services.report_files import XLSX_TYPE, report_pdf, report_xlsx
from workflows import get_workflow
from workflows.base import parse_iso
from workflows.report import FIGURES

bp.context_processor(template_helpers)


@bp.context_processor
def report_helpers() -> dict:
    """Days and moments stored as ISO text in a report's data, shown the Vietnamese way."""
    return {
        "day": lambda text: format_date(date.fromisoformat(text)) if text else "",
        "moment": lambda text: format_datetime(parse_iso(text)) if text else "",
    }


def _user():
    return current_user._get_current_object()


@bp.get("/")
@require_permission("reports.view")
def index():
    user = _user()
    period = (request.args.get("period") or "").strip() or None
    state = request.args.get("state") or None
    try:
        page = reports.list_reports(
            user, period=period, state=state, page=page_number(), cursor=cursor_arg()
        )
    except ValidationFailed as exc:
        flash(" ".join(localize(m) for ms in exc.errors.values() for m in ms), "error")
        page = reports.list_reports(user)
        period = state = None
    return render_template(
        "reports/index.html",
        page=page,
        rows=[reports.report_summary(case) for case in page.items],
        period=period or "",
        state=state or "",
        states=get_workflow(reports.KIND).states,
        may_open=has_permission(user, "reports.open"),
        args={k: v for k, v in (("period", period), ("state", state)) if v},
    )


@bp.post("/open")
@require_permission("reports.open")
def open_period():
    try:
        period = reports.period_or_422(request.form.get("period", "").strip())
        opened = reports.open_period(period, actor=_user())
    except ValidationFailed as exc:
        flash(" ".join(localize(m) for ms in exc.errors.values() for m in ms), "error")
        return redirect(url_for("reports.index"))
    flash(_("Đã mở %(n)s báo cáo cho kỳ %(period)s.", n=opened, period=period.text), "info")
    return redirect(url_for("reports.index", period=period.text))


def _figures_form(case, trigger: str, view: dict) -> ActionForm:
    """A blank action form; ``submit``'s figures start from the last ones filed."""
    form_class = action_form(get_workflow(case.kind), trigger, case.state)
    kwargs = {}
    if trigger == "submit":
        last = (view.get("submitted") or {}).get("figures") or view.get("figures") or {}
        kwargs["figures"] = _form_values(last)
    return form_class(formdata=None, prefix=trigger, version=str(case.version), **kwargs)


def _form_values(figures: dict) -> dict:
    values = {}
    for part in FIGURES.parts:
        value = figures.get(part.name)
        if value is None:
            continue
        if part.kind == "date":
            value = date.fromisoformat(value)
        elif part.kind == "bool":
            value = "true" if value else "false"
        values[part.name] = value
    return values


def _page(case, user, failed: ActionForm | None = None, failed_trigger: str | None = None):
    view = reports.report_view(user, case)
    definition = get_workflow(case.kind)
    actions = []
    for trigger in view["actions"]:
        label = trigger_label(definition, trigger)
        if trigger == failed_trigger and failed is not None:
            actions.append(ActionView(trigger, label, failed, True))
        else:
            actions.append(ActionView(trigger, label, _figures_form(case, trigger, view)))
    return {
        "case": case,
        "view": view,
        "actions": actions,
        "TOTAL_LABELS": reports.TOTAL_LABELS,
        "BLOCK_LABELS": reports.BLOCK_LABELS,
        "BREAKDOWN_LABELS": reports.BREAKDOWN_LABELS,
        "total_rows": reports.total_rows,
        "FIGURE_PARTS": FIGURES.parts,
    }


@bp.get("/<int:case_id>")
@require_permission("reports.view")
def detail(case_id: int):
    user = _user()
    return render_template("reports/detail.html", **_page(reports.get_report(user, case_id), user))


@bp.post("/<int:case_id>/actions/<trigger>")
@require_permission("reports.view")
@keeps_form
def transition(case_id: int, trigger: str):
    user = _user()
    case = reports.get_report(user, case_id)
    form = action_form(get_workflow(case.kind), trigger, case.state)(prefix=trigger)
    return act_from_page(
        case,
        user,
        trigger,
        form,
        failed=lambda form, trigger, status: _failed(case_id, user, form, trigger, status),
        done_url=url_for("reports.detail", case_id=case_id),
    )


def _failed(case_id: int, user, form, trigger, status: int):
    case = reports.get_report(user, case_id)  # reloaded: the failed transaction rolled back
    page_url = url_for("reports.detail", case_id=case_id)  # forms.js: the bar shows the page
    return render_template(
        "reports/detail.html", **_page(case, user, form, trigger), page_url=page_url
    ), status


@bp.get("/<int:case_id>.pdf")
@require_permission("reports.view")
def pdf(case_id: int):
    user = _user()
    paper = report_pdf(reports.report_view(user, reports.get_report(user, case_id)))
    return _download(paper.content, "application/pdf", paper.filename)


@bp.get("/<int:case_id>.xlsx")
@require_permission("reports.view")
def xlsx(case_id: int):
    user = _user()
    view = reports.report_view(user, reports.get_report(user, case_id))
    return _download(report_xlsx(view), XLSX_TYPE, f"{view['code']}-bao-cao.xlsx")


def _download(content: bytes, mimetype: str, filename: str) -> Response:
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
