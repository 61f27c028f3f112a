"""Forms of the notifications area (shape only; the service applies them)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SubmitField


class PreferencesForm(FlaskForm):
    mute_email = BooleanField(_l("Không gửi email cho thông báo không khẩn"))
    submit = SubmitField(_l("Lưu lựa chọn"))


class ReadForm(FlaskForm):
    """Mark read (one or all); ``next`` is where to go afterwards (same-site paths only)."""

    next = HiddenField()
    submit = SubmitField(_l("Đã đọc"))
