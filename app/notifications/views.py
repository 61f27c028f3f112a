"""In-app notifications: the list, mark read (one or all), the email preference.

A user only ever sees their own notifications (another user's id answers 404). The
blueprint registers the "notifications" navigation counter: the unread count.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.views import safe_next
from app.errors import NotFound, ValidationFailed
from app.i18n import N_
from app.inputs import cursor_arg, first_page_instead, page_number
from app.notifications import bp, service
from app.notifications.forms import PreferencesForm, ReadForm


@bp.app_template_filter("in_app_subject")
def _in_app_subject(subject: str) -> str:
    from app.jobs.messages import in_app_subject

    return in_app_subject(subject)


def _register_counter(state) -> None:
    state.app.extensions.setdefault("safecase_nav_counters", {})["notifications"] = (
        service.unread_count
    )


bp.record_once(_register_counter)


@bp.get("/")
@login_required
def index():
    user = current_user._get_current_object()
    try:
        page = service.list_for(user, page_number(), cursor=cursor_arg())
    except ValidationFailed as refused:
        return first_page_instead(refused, "notifications.index")
    preferences = PreferencesForm(mute_email=user.mute_email)
    return render_template("notifications/index.html", page=page, preferences=preferences)


def _back(default: str) -> str:
    target = request.form.get("next")
    return safe_next(target) if target else default


@bp.post("/<int:notification_id>/read")
@login_required
def read(notification_id: int):
    form = ReadForm()
    if not form.validate_on_submit():
        raise NotFound(N_("Không tìm thấy thông báo."))
    service.mark_read(current_user._get_current_object(), notification_id)
    return redirect(_back(url_for("notifications.index")))


@bp.post("/read-all")
@login_required
def read_all():
    if ReadForm().validate_on_submit():
        changed = service.mark_all_read(current_user._get_current_object())
        flash(_("Đã đánh dấu %(n)s thông báo là đã đọc.", n=changed), "info")
    return redirect(url_for("notifications.index"))


@bp.post("/preferences")
@login_required
def preferences():
    form = PreferencesForm()
    if form.validate_on_submit():
        service.set_mute_email(current_user._get_current_object(), form.mute_email.data)
        if form.mute_email.data:
            flash(
                _(
                    "Đã tắt email cho thông báo không khẩn. Thông báo khẩn theo luật vẫn được "
                    "gửi email ngay."
                ),
                "info",
            )
        else:
            flash(_("Đã bật email cho mọi thông báo."), "info")
    return redirect(url_for("notifications.index"))
