"""The security audit page's filters: shape only; ``app/services/security_audit.py`` checks the
days and the action."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, Regexp

from app.calculations.forms import VNDateField
from app.i18n import lazy_pick
from app.services.security_audit import ACTIONS

ALL = SelectChoice("", _l("Tất cả"))
TOO_LONG = _l("Tối đa %(max)d ký tự.")
# Searched text never holds control characters (PostgreSQL refuses NUL in any text).
PRINTABLE = Regexp(r"^[^\x00-\x1f\x7f]*$", message=_l("Không được có ký tự điều khiển."))


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class SecurityFilterForm(FlaskForm):
    """The GET filters of the security audit (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    actor = StringField(
        _l("Người thực hiện"),
        validators=[Optional(), Length(max=64, message=TOO_LONG), PRINTABLE],
        filters=[_strip],
        render_kw={"placeholder": _l("Tên đăng nhập")},
    )
    action = SelectField(
        _l("Loại sự kiện"),
        choices=[ALL, *(SelectChoice(key, lazy_pick(label)) for key, label in ACTIONS.items())],
        validate_choice=False,  # the service refuses an unknown action with its own message
    )
    target = StringField(
        _l("Đối tượng"),
        validators=[Optional(), Length(max=200, message=TOO_LONG), PRINTABLE],
        filters=[_strip],
        render_kw={"placeholder": _l("Tài khoản, quy định, mã, mã số thuế, mã vụ việc")},
    )
    start = VNDateField(_l("Từ ngày (ngày/tháng/năm)"))
    end = VNDateField(_l("Đến ngày (ngày/tháng/năm)"))

    def args(self) -> dict[str, str]:
        """The filters as query arguments (for pagination links)."""
        return {
            name: (field.raw_data or [""])[0]
            for name, field in self._fields.items()
            if field.raw_data and field.raw_data[0]
        }
