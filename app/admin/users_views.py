"""User accounts for the administrator: list, create, edit, lock/unlock, set a new password.

Thin: parse the form, call ``app/services/users.py`` (the same rules as ``flask user add``, one
transaction per change), flash and redirect; on invalid input re-render the page with the
errors next to the fields (422), on a concurrent edit with a "reload" message (409).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.admin import bp
from app.admin.users_forms import EditUserForm, NewUserForm, PasswordResetForm, UserFilterForm
from app.auth.forms import EmptyForm
from app.errors import Conflict, StaleVersion, ValidationFailed
from app.forms import attach_errors
from app.i18n import localize
from app.inputs import page_number
from app.permissions import acting_user, require_permission
from app.services import users as accounts


def _new_page(form: NewUserForm, status: int = 200):
    return (
        render_template(
            "admin/user_new.html", form=form, min_password=accounts.MIN_PASSWORD_LENGTH
        ),
        status,
    )


def _edit_page(user, form=None, password_form=None, status: int = 200):
    return (
        render_template(
            "admin/user_edit.html",
            user=user,
            form=form or EditUserForm.for_user(user, accounts.account_stamp(user)),
            password_form=password_form or PasswordResetForm(prefix="reset", formdata=None),
            button=EmptyForm(),
            is_self=user.id == acting_user().id,
        ),
        status,
    )


@bp.get("/users")
@require_permission("admin.users")
def users():
    form = UserFilterForm(formdata=request.args)
    page = accounts.list_users(
        role=form.role.data or None, active=form.active(), q=form.q.data, page=page_number()
    )
    return render_template("admin/users.html", form=form, page=page, args=form.args())


@bp.get("/users/new")
@require_permission("admin.users")
def new_user():
    return _new_page(NewUserForm(formdata=None))


@bp.post("/users")
@require_permission("admin.users")
def create_user():
    form = NewUserForm()
    if not form.validate_on_submit():
        return _new_page(form, 422)
    try:
        user = accounts.add_user(
            username=form.username.data,
            password=form.password.data,
            role=form.role.data,
            enterprise_tax_code=form.enterprise.data,
            commune_code=form.commune.data,
            email=form.email.data,
            full_name=form.full_name.data,
            actor=acting_user(),
        )
    except ValidationFailed as exc:
        attach_errors(form, exc.errors)
        return _new_page(form, 422)
    flash(_("Đã tạo tài khoản %(username)s.", username=user.username))
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.get("/users/<int:user_id>")
@require_permission("admin.users")
def edit_user(user_id: int):
    return _edit_page(accounts.get_user(user_id))


@bp.post("/users/<int:user_id>")
@require_permission("admin.users")
def update_user(user_id: int):
    user = accounts.get_user(user_id)
    form = EditUserForm()
    if not form.validate_on_submit():
        return _edit_page(user, form=form, status=422)
    try:
        accounts.update_user(
            acting_user(),
            user_id,
            stamp=form.stamp.data or "",
            full_name=form.full_name.data,
            email=form.email.data,
            role=form.role.data,
            enterprise_tax_code=form.enterprise.data,
            commune_code=form.commune.data,
        )
    except ValidationFailed as exc:
        attach_errors(form, exc.errors)
        return _edit_page(user, form=form, status=422)
    except StaleVersion as exc:  # changed by someone else meanwhile
        form.form_errors.append(localize(exc.message))
        return _edit_page(user, form=form, status=409)
    flash(_("Đã lưu tài khoản %(username)s.", username=user.username))
    return redirect(url_for("admin.edit_user", user_id=user_id))


@bp.post("/users/<int:user_id>/password")
@require_permission("admin.users")
def reset_password(user_id: int):
    user = accounts.get_user(user_id)
    form = PasswordResetForm(prefix="reset")
    if not form.validate_on_submit():
        return _edit_page(user, password_form=form, status=422)
    try:
        accounts.reset_password(acting_user(), user_id, form.password.data)
    except ValidationFailed as exc:
        attach_errors(form, exc.errors)
        return _edit_page(user, password_form=form, status=422)
    flash(
        _(
            "Đã đặt mật khẩu mới cho %(username)s; các phiên đăng nhập và mã truy cập API "
            "của tài khoản này đã bị huỷ.",
            username=user.username,
        )
    )
    return redirect(url_for("admin.edit_user", user_id=user_id))


@bp.post("/users/<int:user_id>/deactivate")
@require_permission("admin.users")
def deactivate_user(user_id: int):
    if EmptyForm().validate_on_submit():
        try:
            user = accounts.deactivate_user(acting_user(), user_id)
        except Conflict as exc:  # locking oneself out
            flash(localize(exc.message), "error")
            return _edit_page(accounts.get_user(user_id), status=exc.status)
        flash(_("Đã khoá tài khoản %(username)s và đăng xuất mọi phiên.", username=user.username))
    return redirect(url_for("admin.edit_user", user_id=user_id))


@bp.post("/users/<int:user_id>/reactivate")
@require_permission("admin.users")
def reactivate_user(user_id: int):
    if EmptyForm().validate_on_submit():
        user = accounts.reactivate_user(acting_user(), user_id)
        flash(_("Đã mở khoá tài khoản %(username)s.", username=user.username))
    return redirect(url_for("admin.edit_user", user_id=user_id))
