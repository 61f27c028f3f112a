"""Cases in the browser: the list, the accident declaration, the case page and its actions.

Views stay thin: parse the request, call a service (``app.services.cases`` to read,
``declarations.declare`` to declare, ``workflow_engine.fire_transition`` to act), then
render or redirect with what ``app.cases.presenter`` shapes for the templates (labels in the
user's language, countdowns, the timeline). Every rule lives in the services and the workflow
definitions. A case outside the caller's scope is a 404 (the services raise ``NotFound``), a
role without the permission a 403, both rendered by the global handlers.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.cases import bp
from app.cases.actions import act_from_page
from app.cases.forms import (
    ActionForm,
    CaseFilterForm,
    action_form,
    declaration_form,
)
from app.cases.presenter import (
    case_page,
    level_label,
    nearest_deadline,
    severity_label,
    template_helpers,
    workflow_diagram,
)
from app.errors import NotFound, PermissionDenied, ValidationFailed
from app.forms import form_expired, keeps_form
from app.headers import drawing_frame
from app.i18n import N_
from app.inputs import cursor_arg, first_page_instead, optional_id_arg, page_number
from app.permissions import require_permission
from app.services import cases as case_service
from app.services.declarations import (
    DECLARABLE_KINDS,
    declaration_errors,
    may_declare,
    may_name_incident,
)
from app.services.declarations import declare as declare_case
from app.services.parties import normalise_tax_code
from workflows import get_workflow
from workflows.dossier_rules import TRIGGERS as DOSSIER_TRIGGERS

bp.context_processor(template_helpers)


def posted_action_form(case, trigger: str) -> ActionForm:
    form = action_form(get_workflow(case.kind), trigger, case.state)(prefix=trigger)
    form.set_victims(case.victims)
    return form


def _user():
    return current_user._get_current_object()


# -- routes ---------------------------------------------------------------------------------


@bp.get("/")
@require_permission("cases.view")
def index():
    form = CaseFilterForm(formdata=request.args)
    form.validate()
    start, end = form.bounds()
    filters = case_service.CaseFilters(
        kind=form.kind.data or None,
        state=form.state.data or None,
        severity=form.severity.data or None,
        level=form.level.data or None,
        commune=form.commune.data or None,
        enterprise=normalise_tax_code(form.enterprise.data or "") or None,
        q=(form.q.data or "").strip() or None,
        declared_from=start,
        declared_to=end,
    )
    try:
        page = case_service.list_cases(
            _user(), filters, page_number(), cursor=cursor_arg(), loads=case_service.ROW_LOADS
        )
    except ValidationFailed as refused:
        return first_page_instead(refused, "cases.index", **form.args())
    rows = [(case, nearest_deadline(case)) for case in page.items]
    return render_template("cases/index.html", form=form, page=page, rows=rows, args=form.args())


@bp.get("/<int:case_id>")
@require_permission("cases.view")
def detail(case_id: int):
    case = case_service.get_visible_case(_user(), case_id)
    if case.kind == "report":  # the statutory form has its own page (app/reports)
        return redirect(url_for("reports.detail", case_id=case.id))
    return render_template("cases/detail.html", **case_page(case, _user()))


@bp.get("/diagram/<kind>")
@drawing_frame
@require_permission("cases.view")
def diagram(kind: str):
    """The workflow diagram alone, for the frame on the case page (app/headers.py says why a
    frame); ``?current=STATE`` is highlighted."""
    text = workflow_diagram(kind, request.args.get("current"), _user())
    return render_template("cases/diagram.html", diagram=text)


@bp.post("/<int:case_id>/actions/<trigger>")
@require_permission("cases.act")
@keeps_form
def transition(case_id: int, trigger: str):
    user = _user()
    case = case_service.get_visible_case(user, case_id)
    form = posted_action_form(case, trigger)
    return act_from_page(
        case,
        user,
        trigger,
        form,
        failed=lambda form, trigger, status: _failed_action(case_id, user, form, trigger, status),
        # The dossier's steps are taken beside its checklist: back there.
        done_url=url_for("cases.detail", case_id=case_id)
        + ("#documents" if trigger in DOSSIER_TRIGGERS else ""),
    )


def _failed_action(case_id: int, user, form, trigger, status: int):
    """The case page again (reloaded: the failed transaction was rolled back)."""
    case = case_service.get_visible_case(user, case_id)
    page = case_page(case, user, form, trigger)
    # Answered at …/actions/<trigger>: forms.js puts the case page's address in the bar.
    page_url = url_for("cases.detail", case_id=case_id)
    return render_template("cases/detail.html", **page, page_url=page_url), status


@bp.route("/declare", methods=["GET", "POST"], defaults={"kind": "accident"})
@bp.route("/declare/<kind>", methods=["GET", "POST"])
@require_permission("cases.declare")
@keeps_form
def declare(kind: str):
    """The declaration page of ``kind`` (``/cases/declare``: an accident), built from the
    kind's declaration spec (``app.cases.forms.declaration_form``). A kind nobody declares is a
    404, one the user's role may not declare a 403. A refused form comes back with every
    error at once: the form's own (a date that is no date) and the service's on the rest."""
    user = _user()
    if kind not in DECLARABLE_KINDS:
        raise NotFound(N_("Không có trang khai báo này."))
    if not may_declare(user, kind):
        raise PermissionDenied(N_("Vai trò của bạn không được khai báo loại vụ việc này."))
    form = declaration_form(kind)(user)
    if request.method == "GET":
        incident_id = optional_id_arg("incident")
        if kind == "accident" and incident_id is not None:  # "declare a casualty"
            incident = case_service.get_visible_case(user, incident_id)
            if incident.kind == "incident" and may_name_incident(user, incident):
                form.start_from_incident(incident)
        return render_template("cases/declare.html", form=form)
    if form_expired():  # everything typed comes back; the flash asks to send it again
        return render_template("cases/declare.html", form=form), 400
    if not form.validate():
        form.show_errors(declaration_errors(user, form.body()))
        return render_template("cases/declare.html", form=form, failed=True), 422
    try:
        case = declare_case(user, form.body(), ip=request.remote_addr)
    except ValidationFailed as exc:
        form.show_errors(exc.errors)
        return render_template("cases/declare.html", form=form, failed=True), 422
    flash(declared_message(case), "info")
    return redirect(url_for("cases.detail", case_id=case.id))


def declared_message(case) -> str:
    """What the page says once ``case`` is declared."""
    if case.kind == "accident":
        return _(
            "Đã khai báo vụ việc %(code)s — mức độ: %(severity)s; cấp điều tra: %(level)s.",
            code=case.code,
            severity=severity_label(case.severity),
            level=level_label(case.investigation_level),
        )
    if case.kind == "incident":
        return _(
            "Đã khai báo sự cố %(code)s. Nếu có người bị nạn, hãy khai báo tai nạn lao động"
            " của từng người bằng nút bên dưới.",
            code=case.code,
        )
    return _("Đã khai báo vụ việc %(code)s.", code=case.code)
