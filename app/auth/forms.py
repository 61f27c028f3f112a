"""Forms of the auth area: shape only; services check credentials and rules."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    username = StringField("Tên đăng nhập", validators=[DataRequired("Nhập tên đăng nhập.")])
    password = PasswordField("Mật khẩu", validators=[DataRequired("Nhập mật khẩu.")])
    next = HiddenField()
    submit = SubmitField("Đăng nhập")


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField("Mật khẩu hiện tại", validators=[DataRequired("Bắt buộc.")])
    new_password = PasswordField(
        "Mật khẩu mới",
        validators=[DataRequired("Bắt buộc."), Length(min=8, message="Ít nhất 8 ký tự.")],
    )
    confirm = PasswordField(
        "Nhập lại mật khẩu mới",
        validators=[EqualTo("new_password", message="Hai mật khẩu không khớp.")],
    )
    submit = SubmitField("Đổi mật khẩu")


class EmptyForm(FlaskForm):
    """A bare POST button (logout, language switch) still carries CSRF."""

    submit = SubmitField("OK")
