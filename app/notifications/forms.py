"""Forms of the notifications area (shape only; the service applies them)."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SubmitField


class PreferencesForm(FlaskForm):
    mute_email = BooleanField("Không gửi email cho thông báo không khẩn")
    submit = SubmitField("Lưu lựa chọn")


class ReadForm(FlaskForm):
    """Mark read (one or all); ``next`` is where to go afterwards (same-site paths only)."""

    next = HiddenField()
    submit = SubmitField("Đã đọc")
