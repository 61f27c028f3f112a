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
    COMPLETION_PAGES,
    ActionForm,
    CaseFilterForm,
    action_form,
    declaration_form,
    notice_form,
)
from app.cases.presenter import (
    case_page,
    level_label,
    listed_deadline,
    notice_view,
    severity_label,
    template_helpers,
    workflow_diagram,
)
from app.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from app.formatting import format_datetime
from app.forms import attach_errors, form_expired, keeps_form
from app.headers import drawing_frame
from app.i18n import N_, localize
from app.inputs import (
    cursor_arg,
    first_page_instead,
    last_page_instead,
    optional_id_arg,
    page_number,
)
from app.permissions import require_permission
from app.services import cases as case_service
from app.services.declarations import (
    DECLARABLE_KINDS,
    DEFAULT_KIND,
    awaits_completion,
    complete_declaration,
    declaration_errors,
    give_notice,
    may_complete,
    may_declare,
    may_give_notice,
    may_name_incident,
    notice_errors,
    notice_spec,
)
from app.services.declarations import declare as declare_case
from workflows import get_workflow
from workflows.dossier_rules import TRIGGERS as DOSSIER_TRIGGERS
from workflows.inputs import int_from_text

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
    if not form.validate():
        return _filters_refused(form)
    start, end = form.bounds()
    filters = case_service.CaseFilters(
        kind=form.kind.data or None,
        state=form.state.data or None,
        severity=form.severity.data or None,
        level=form.level.data or None,
        commune=form.commune.data or None,
        enterprise=form.enterprise.data or None,
        q=(form.q.data or "").strip() or None,
        declared_from=start,
        declared_to=end,
    )
    try:
        # A work list (the insurer's claims): what awaits the caller first.
        page = case_service.list_case_rows(
            _user(), filters, page_number(), cursor=cursor_arg(), work_list=True
        )
    except ValidationFailed as refused:
        if "cursor" in refused.errors:
            return first_page_instead(refused, "cases.index", **form.args())
        # A filter the service refuses (app.services.cases.checked_filters), by the form's names.
        errors = {
            _FILTER_FIELDS.get(name, name): messages for name, messages in refused.errors.items()
        }
        attach_errors(form, errors)
        return _filters_refused(form)
    if not page.items and page.page > page.pages and not cursor_arg():
        # A page past the end (an old link, a hand-typed number): the last page, saying so.
        return last_page_instead(page.page, page.pages, "cases.index", **form.args())
    rows = [(row, listed_deadline(row)) for row in page.items]
    return render_template("cases/index.html", form=form, page=page, rows=rows, args=form.args())


# The service's names of the list's filters that the form names otherwise.
_FILTER_FIELDS = {"to": "declared_to"}


def _filters_refused(form):
    """The list's filters with each error beside its field, and no list: the unfiltered
    cases under a refused filter would read as its result."""
    return render_template("cases/index.html", form=form, page=None, rows=[], args=form.args()), 422


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


@bp.route("/declare/notice", methods=["GET", "POST"])
@require_permission("cases.declare")
@keeps_form
def notice():
    """The quick notice of an accident (báo tin nhanh): a short form that opens the case at
    once (``declarations.give_notice``); the full declaration completes it later
    (``complete``). A role that may not declare accidents is answered 403."""
    user = _user()
    if not may_give_notice(user, DEFAULT_KIND):
        raise PermissionDenied(N_("Vai trò của bạn không được khai báo loại vụ việc này."))
    form = notice_form(DEFAULT_KIND)(user)
    if request.method == "GET":
        return render_template("cases/declare.html", form=form, action=url_for("cases.notice"))
    if form_expired():
        return render_template("cases/declare.html", form=form, action=url_for("cases.notice")), 400
    refused = None
    if not form.validate():
        form.show_errors(notice_errors(user, form.body()))
        refused = True
    else:
        try:
            case = give_notice(user, form.body(), ip=request.remote_addr)
        except ValidationFailed as exc:
            form.show_errors(exc.errors)
            refused = True
    if refused:
        page = render_template(
            "cases/declare.html", form=form, action=url_for("cases.notice"), failed=True
        )
        return page, 422
    flash(
        _(
            "Đã báo tin nhanh vụ việc %(code)s; thanh tra đã được thông báo. Hãy hoàn thiện"
            " khai báo đầy đủ trước %(due)s.",
            code=case.code,
            due=_declaration_due(case),
        ),
        "info",
    )
    return redirect(url_for("cases.detail", case_id=case.id))


def _declaration_due(case) -> str:
    due = next((d.due_at for d in case.deadlines if d.name == "declaration"), None)
    return format_datetime(due) if due is not None else "—"


@bp.route("/<int:case_id>/complete", methods=["GET", "POST"])
@require_permission("cases.declare")
@keeps_form
def complete(case_id: int):
    """The full declaration completing the quick notice ``case_id``: the kind's declaration
    form, started from what the notice said; refused with every error at once, as the
    declaration page is. A case that is no quick notice (any more) goes back to its page; a
    user whose side did not give the notice is answered 403."""
    user = _user()
    case = case_service.get_visible_case(user, case_id)
    if not awaits_completion(case):
        flash(_("Vụ việc %(code)s không chờ hoàn thiện khai báo.", code=case.code), "info")
        return redirect(url_for("cases.detail", case_id=case.id))
    if not may_complete(user, case):
        raise PermissionDenied(N_("Chỉ bên đã báo tin nhanh được hoàn thiện khai báo."))
    spec = notice_spec(case.kind)
    form = declaration_form(case.kind)(user)
    page = {
        "form": form,
        "case": case,
        "action": url_for("cases.complete", case_id=case.id),
        "words": {**form.words, **COMPLETION_PAGES[case.kind]},
        "notice": notice_view(case),
        "version": case.version,
    }
    if request.method == "GET":
        form.start_from_notice(case, spec.outcomes(case.data.get("notice") or {}))
        return render_template("cases/declare.html", **page)
    page["version"] = request.form.get("version", "")
    if form_expired():
        return render_template("cases/declare.html", **page), 400
    if not form.validate():
        form.show_errors(declaration_errors(user, form.body()))
        return render_template("cases/declare.html", **page, failed=True), 422
    version = int_from_text(page["version"])
    body = {"version": page["version"] if version is None else version, **form.body()}
    try:
        done = complete_declaration(user, case.id, spec.completed_by, body, ip=request.remote_addr)
    except ValidationFailed as exc:
        form.show_errors(exc.errors)
        return render_template("cases/declare.html", **page, failed=True), 422
    except Conflict as exc:  # declared meanwhile, or a stale page: the case as it is now
        flash(localize(exc.message), "error")
        return redirect(url_for("cases.detail", case_id=case.id))
    flash(declared_message(done), "info")
    if (done.data.get("notice") or {}).get("counts_differ"):
        flash(counts_differ_message(done), "warning")
    return redirect(url_for("cases.detail", case_id=done.id))


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


def counts_differ_message(case) -> str:
    """The warning when the victims declared differ from the quick notice's counts."""
    view = notice_view(case)
    return _(
        "Lưu ý: số người bị nạn đã khai báo (%(declared)s) khác với tin báo nhanh (%(noticed)s)."
        " Khai báo đầy đủ được ghi nhận; tin báo nhanh vẫn được lưu trong hồ sơ.",
        declared=view["declared_text"],
        noticed=view["counts_text"],
    )


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
