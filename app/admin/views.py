"""The rules tables page (admin only): dated legal values and holiday adjustments.

Thin: parse the form, call ``app/services/rules_admin.py`` (one transaction per change), flash
and redirect; on invalid input re-render the page with the errors next to the fields (422).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.admin import bp
from app.admin.rules_forms import HolidayForm, RuleValueForm, WithdrawForm
from app.errors import ValidationFailed
from app.forms import attach_errors
from app.i18n import localize
from app.permissions import acting_user, require_permission
from app.services import rules_admin


def _page(rule_form=None, holiday_form=None, status: int = 200):
    return (
        render_template(
            "admin/index.html",
            rules=rules_admin.rules_overview(),
            holidays=rules_admin.holiday_adjustments(),
            holiday_changes=rules_admin.HOLIDAY_CHANGES,
            today=rules_admin.today_vn(),
            rule_form=rule_form or RuleValueForm(prefix="rule", formdata=None),
            holiday_form=holiday_form or HolidayForm(prefix="holiday", formdata=None),
            withdraw_form=WithdrawForm(),
        ),
        status,
    )


@bp.get("/")
@require_permission("admin.rules")
def index():
    return _page()


@bp.post("/rules")
@require_permission("admin.rules")
def add_rule():
    form = RuleValueForm(prefix="rule")
    if not form.validate_on_submit():
        return _page(rule_form=form, status=422)
    try:
        row = rules_admin.add_rule_value(
            acting_user(), form.key.data, form.valid_from.data, form.value.data, form.source.data
        )
    except ValidationFailed as exc:
        attach_errors(form, exc.errors)
        return _page(rule_form=form, status=422)
    flash(
        _(
            "Đã thêm giá trị %(value)s cho %(key)s, áp dụng từ %(day)s.",
            value=row.value,
            key=row.key,
            day=row.valid_from.strftime("%d/%m/%Y"),
        )
    )
    return redirect(url_for("admin.index"))


@bp.post("/rules/<int:row_id>/withdraw")
@require_permission("admin.rules")
def withdraw_rule(row_id: int):
    if WithdrawForm().validate_on_submit():
        try:
            rules_admin.withdraw_rule_value(acting_user(), row_id)
            flash(_("Đã rút giá trị chưa có hiệu lực."))
        except ValidationFailed as exc:
            flash(" ".join(localize(m) for ms in exc.errors.values() for m in ms), "error")
    return redirect(url_for("admin.index"))


@bp.post("/holidays")
@require_permission("admin.rules")
def add_holiday():
    form = HolidayForm(prefix="holiday")
    if not form.validate_on_submit():
        return _page(holiday_form=form, status=422)
    try:
        row = rules_admin.add_holiday(
            acting_user(), form.day.data, form.change.data, form.note.data
        )
    except ValidationFailed as exc:
        attach_errors(form, exc.errors)
        return _page(holiday_form=form, status=422)
    change = str(rules_admin.HOLIDAY_CHANGES[row.change]).lower()
    flash(_("Đã thêm %(change)s %(day)s.", change=change, day=row.day.strftime("%d/%m/%Y")))
    return redirect(url_for("admin.index"))


@bp.post("/holidays/<int:row_id>/withdraw")
@require_permission("admin.rules")
def withdraw_holiday(row_id: int):
    if WithdrawForm().validate_on_submit():
        try:
            rules_admin.withdraw_holiday(acting_user(), row_id)
            flash(_("Đã rút ngày điều chỉnh."))
        except ValidationFailed as exc:
            flash(" ".join(localize(m) for ms in exc.errors.values() for m in ms), "error")
    return redirect(url_for("admin.index"))
