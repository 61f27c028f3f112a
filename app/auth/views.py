"""Auth views: thin — parse the form, call the users service, redirect or render."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp
from app.auth.forms import EmptyForm, LoginForm, PasswordChangeForm
from app.auth.limits import sign_in_limits
from app.errors import ValidationFailed
from app.i18n import localize_errors
from app.services import users

GENERIC_LOGIN_ERROR = _l("Tên đăng nhập hoặc mật khẩu không đúng.")


def safe_next(target: str | None) -> str:
    """Only same-site relative paths; anything else goes home (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//"):
        if not urlsplit(target).netloc:
            return target
    return url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
@sign_in_limits
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = users.sign_in(form.username.data, form.password.data)
        if user is not None:
            session.clear()
            login_user(user)
            session["lang"] = user.locale or "vi"
            return redirect(safe_next(form.next.data))
        form.password.errors.append(GENERIC_LOGIN_ERROR)
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    if EmptyForm().validate_on_submit():
        # Ends this account's browser sessions only: its API tokens are revoked through the API
        # (DELETE /api/v1/tokens), so a script keeps working when its owner signs out.
        users.end_sessions(current_user._get_current_object())
        logout_user()
        session.clear()
        flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            users.change_password(user, form.current_password.data, form.new_password.data)
        except ValidationFailed as exc:
            for name, messages in localize_errors(exc.errors).items():
                getattr(form, name).errors.extend(messages)
            return render_template("auth/password.html", form=form), 422
        login_user(user)  # this browser keeps going with the new session version
        flash(_("Đã đổi mật khẩu. Các phiên đăng nhập khác đã bị đăng xuất."), "info")
        return redirect(url_for("main.home"))
    return render_template("auth/password.html", form=form)


@bp.post("/lang/<code>")
def set_language(code: str):
    if code in current_app.config["LANGUAGES"] and EmptyForm().validate_on_submit():
        session["lang"] = code
        if current_user.is_authenticated:
            users.set_locale(current_user._get_current_object(), code)
    return redirect(safe_next(request.form.get("next")))
