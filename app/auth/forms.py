"""Forms of the auth area: shape only; services check credentials and rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    username = StringField(
        _l("Tên đăng nhập"), validators=[DataRequired(_l("Nhập tên đăng nhập."))]
    )
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(_l("Nhập mật khẩu."))])
    next = HiddenField()
    submit = SubmitField(_l("Đăng nhập"))


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        _l("Mật khẩu hiện tại"), validators=[DataRequired(_l("Bắt buộc."))]
    )
    new_password = PasswordField(
        _l("Mật khẩu mới"),
        validators=[DataRequired(_l("Bắt buộc.")), Length(min=8, message=_l("Ít nhất 8 ký tự."))],
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[EqualTo("new_password", message=_l("Hai mật khẩu không khớp."))],
    )
    submit = SubmitField(_l("Đổi mật khẩu"))


class EmptyForm(FlaskForm):
    """A bare POST button (logout, language switch) still carries CSRF."""

    submit = SubmitField("OK")
