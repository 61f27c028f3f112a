"""Code lists and the enterprises' classification (admin only).

``/admin/codes``: each list with its codes; an administrator adds a code, edits its labels,
stops offering it or offers it again, and uploads a CSV that adds or updates codes (the same
loader as ``flask codes load``). ``/admin/enterprises``: each enterprise's industry (VSIC) and
type of ownership, chosen from the lists. Thin: parse the form, call ``app/services/codes.py``
or ``app/services/parties.py`` (one transaction each), flash and redirect; invalid input
re-renders the page with the errors beside the fields (422).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.admin import bp
from app.admin.codes_forms import CodeForm, EnterpriseClassForm, LabelsForm, ToggleForm, UploadForm
from app.errors import ValidationFailed
from app.forms import attach_errors
from app.i18n import localize, pick
from app.permissions import acting_user, require_permission
from app.services import codes, parties


def _list_or_404(list_name: str) -> str:
    if list_name not in codes.LISTS:
        abort(404)
    return list_name


@bp.get("/codes")
@require_permission("admin.codes")
def code_lists():
    return render_template("admin/codes.html", lists=codes.overview())


def _list_page(list_name: str, code_form=None, upload_form=None, status: int = 200):
    return (
        render_template(
            "admin/code_list.html",
            list_name=list_name,
            title=pick(codes.LISTS[list_name]),
            entries=list(codes.entries(list_name).values()),
            code_form=code_form or CodeForm(prefix="new", formdata=None),
            upload_form=upload_form or UploadForm(prefix="upload", formdata=None),
        ),
        status,
    )


@bp.get("/codes/<list_name>")
@require_permission("admin.codes")
def code_list(list_name: str):
    return _list_page(_list_or_404(list_name))


@bp.post("/codes/<list_name>")
@require_permission("admin.codes")
def add_code(list_name: str):
    list_name = _list_or_404(list_name)
    form = CodeForm(prefix="new")
    if not form.validate_on_submit():
        return _list_page(list_name, code_form=form, status=422)
    try:
        entry = codes.add_code(
            list_name, form.code.data or "", form.label_vi.data or "", form.label_en.data or "",
            form.parent.data or None, actor=acting_user(),
        )  # fmt: skip
    except ValidationFailed as exc:
        attach_errors(form, exc.errors)
        return _list_page(list_name, code_form=form, status=422)
    flash(_("Đã thêm mã %(code)s.", code=entry.code))
    return redirect(url_for("admin.code_list", list_name=list_name))


@bp.post("/codes/<list_name>/upload")
@require_permission("admin.codes")
def upload_codes(list_name: str):
    list_name = _list_or_404(list_name)
    form = UploadForm(prefix="upload")
    if not form.validate_on_submit():
        return _list_page(list_name, upload_form=form, status=422)
    upload = form.file.data
    if not upload or not getattr(upload, "filename", ""):
        form.file.errors = [_("Chọn một tệp CSV.")]
        return _list_page(list_name, upload_form=form, status=422)
    try:
        result = codes.load_csv(list_name, upload.read(), actor=acting_user())
    except ValidationFailed as exc:
        attach_errors(form, exc.errors)
        return _list_page(list_name, upload_form=form, status=422)
    flash(_("Đã nạp tệp: %(added)s mã mới, %(updated)s mã cập nhật.", added=result.added,
            updated=result.updated))  # fmt: skip
    return redirect(url_for("admin.code_list", list_name=list_name))


def _edit_page(list_name: str, code: str, form=None, status: int = 200):
    entry = codes.entries(list_name).get(code)
    if entry is None:
        abort(404)
    if form is None:
        form = LabelsForm(formdata=None, label_vi=entry.label_vi, label_en=entry.label_en)
    return (
        render_template(
            "admin/code_edit.html",
            list_name=list_name,
            title=pick(codes.LISTS[list_name]),
            entry=entry,
            form=form,
        ),
        status,
    )


@bp.get("/codes/<list_name>/<code>")
@require_permission("admin.codes")
def edit_code(list_name: str, code: str):
    return _edit_page(_list_or_404(list_name), code)


@bp.post("/codes/<list_name>/<code>")
@require_permission("admin.codes")
def save_code(list_name: str, code: str):
    list_name = _list_or_404(list_name)
    form = LabelsForm()
    if not form.validate_on_submit():
        return _edit_page(list_name, code, form, 422)
    try:
        codes.edit_labels(
            list_name,
            code,
            form.label_vi.data or "",
            form.label_en.data or "",
            actor=acting_user(),
        )
    except ValidationFailed as exc:
        attach_errors(form, exc.errors)
        return _edit_page(list_name, code, form, 422)
    flash(_("Đã lưu mã %(code)s.", code=code))
    return redirect(url_for("admin.code_list", list_name=list_name))


@bp.post("/codes/<list_name>/<code>/<any(deactivate, reactivate):change>")
@require_permission("admin.codes")
def toggle_code(list_name: str, code: str, change: str):
    list_name = _list_or_404(list_name)
    if ToggleForm().validate_on_submit():
        try:
            codes.set_active(list_name, code, change == "reactivate", actor=acting_user())
        except ValidationFailed as exc:
            flash(" ".join(localize(m) for ms in exc.errors.values() for m in ms), "error")
        else:
            if change == "reactivate":
                flash(_("Mã %(code)s được chọn lại được.", code=code))
            else:
                flash(_("Mã %(code)s không còn được chọn; vụ việc cũ giữ mã này.", code=code))
    return redirect(url_for("admin.code_list", list_name=list_name))


# -- enterprises' classification ----------------------------------------------------------------


@bp.get("/enterprises")
@require_permission("admin.codes")
def enterprises():
    return render_template(
        "admin/enterprises.html",
        enterprises=parties.list_enterprises(),
        label=codes.label,
    )


def _enterprise_page(enterprise, form: EnterpriseClassForm, status: int = 200):
    return (
        render_template("admin/enterprise_edit.html", enterprise=enterprise, form=form.fill()),
        status,
    )


@bp.get("/enterprises/<int:enterprise_id>")
@require_permission("admin.codes")
def edit_enterprise(enterprise_id: int):
    enterprise = parties.get_enterprise(enterprise_id)
    form = EnterpriseClassForm(
        formdata=None,
        industry_code=enterprise.industry_code or "",
        ownership=enterprise.ownership or "",
    )
    return _enterprise_page(enterprise, form)


@bp.post("/enterprises/<int:enterprise_id>")
@require_permission("admin.codes")
def save_enterprise(enterprise_id: int):
    enterprise = parties.get_enterprise(enterprise_id)
    form = EnterpriseClassForm()
    if not form.validate_on_submit():
        return _enterprise_page(enterprise, form, 422)
    try:
        parties.classify_enterprise(
            enterprise_id,
            industry_code=form.industry_code.data,
            ownership=form.ownership.data,
            actor=acting_user(),
        )
    except ValidationFailed as exc:
        attach_errors(form, exc.errors)
        return _enterprise_page(parties.get_enterprise(enterprise_id), form, 422)
    flash(_("Đã lưu ngành và loại hình của %(name)s.", name=enterprise.name))
    return redirect(url_for("admin.enterprises"))
