"""Forms of the account pages: shape only; ``app/services/users.py`` checks the rules
(username, password policy, which scope each role needs)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Optional

from app.extensions import db
from app.i18n import lazy_pick
from app.models import Commune, User
from app.models.user import ROLE_LABELS
from workflows.base import USER_ROLES

ALL = SelectChoice("", _l("Tất cả"))
NO_COMMUNE = SelectChoice("", _l("— Không gắn xã/phường —"))
REQUIRED = _l("Bắt buộc nhập.")
STATUSES = {"active": _l("Đang hoạt động"), "inactive": _l("Đã khoá")}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _role_choices() -> list[SelectChoice]:
    return [SelectChoice(role, lazy_pick(ROLE_LABELS[role])) for role in USER_ROLES]


def _commune_choices() -> list[SelectChoice]:
    communes = db.session.scalars(select(Commune).order_by(Commune.name)).all()
    return [NO_COMMUNE, *(SelectChoice(c.code, f"{c.name} ({c.code})") for c in communes)]


class UserFilterForm(FlaskForm):
    """The GET filters of the account list (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Tìm kiếm"),
        validators=[Optional()],
        render_kw={"placeholder": _l("Tên đăng nhập, họ tên, email, doanh nghiệp, xã/phường")},
    )
    role = SelectField(_l("Vai trò"), validate_choice=False)
    status = SelectField(
        _l("Trạng thái tài khoản"),
        choices=[ALL, *(SelectChoice(value, label) for value, label in STATUSES.items())],
        validate_choice=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [ALL, *_role_choices()]

    def active(self) -> bool | None:
        """The status filter as the service takes it (None: every account)."""
        return {"active": True, "inactive": False}.get(self.status.data or "")

    def args(self) -> dict[str, str]:
        """The filters as query arguments (for pagination links)."""
        return {
            name: (field.raw_data or [""])[0]
            for name, field in self._fields.items()
            if field.raw_data and field.raw_data[0]
        }


class _ProfileFields(FlaskForm):
    """Name, email, role and scope: shared by the new-account and the edit forms."""

    full_name = StringField(_l("Họ và tên"), validators=[DataRequired(REQUIRED)], filters=[_strip])
    email = EmailField(_l("Email"), validators=[Optional()])
    # Choices are checked by the service (with its own message), not by WTForms.
    role = SelectField(_l("Vai trò"), validate_choice=False)
    enterprise = StringField(_l("Mã số thuế doanh nghiệp"), validators=[Optional()])
    commune = SelectField(_l("Xã/phường"), validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = _role_choices()
        self.commune.choices = _commune_choices()


class NewUserForm(_ProfileFields):
    username = StringField(
        _l("Tên đăng nhập"), validators=[DataRequired(REQUIRED)], filters=[_strip]
    )
    password = PasswordField(_l("Mật khẩu ban đầu"), validators=[InputRequired(REQUIRED)])
    confirm = PasswordField(
        _l("Nhập lại mật khẩu"),
        validators=[EqualTo("password", message=_l("Hai mật khẩu không khớp."))],
    )
    submit = SubmitField(_l("Tạo tài khoản"))


class EditUserForm(_ProfileFields):
    # The account as the form was built (``users.account_stamp``): a concurrent change
    # makes the save fail instead of being overwritten.
    stamp = HiddenField()
    submit = SubmitField(_l("Lưu thay đổi"))

    @classmethod
    def for_user(cls, user: User, stamp: str) -> EditUserForm:
        form = cls(formdata=None)
        form.full_name.data = user.full_name
        form.email.data = user.email or ""
        form.role.data = user.role
        form.enterprise.data = user.enterprise.tax_code if user.enterprise else ""
        form.commune.data = user.commune_code or ""
        form.stamp.data = stamp
        return form


class PasswordResetForm(FlaskForm):
    password = PasswordField(_l("Mật khẩu mới"), validators=[InputRequired(REQUIRED)])
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[EqualTo("password", message=_l("Hai mật khẩu không khớp."))],
    )
    submit = SubmitField(_l("Đặt mật khẩu mới"))
