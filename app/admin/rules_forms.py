"""Forms of the rules tables page: shape only; ``app/services/rules_admin.py`` checks the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice

from app.calculations.forms import VNDateField
from app.services.rules_admin import HOLIDAY_CHANGES
from workflows.law.rules import DEFAULT_RULES, RULE_DESCRIPTIONS


class RuleValueForm(FlaskForm):
    # Choices are checked by the service (with a Vietnamese message), not by WTForms.
    key = SelectField(
        _l("Quy định"),
        choices=[
            # Each name in the user's language when the form is shown (the msgids are marked in
            # workflows/law/rules.py).
            SelectChoice(key, _l(RULE_DESCRIPTIONS[key][0].msgid))
            for key in DEFAULT_RULES
        ],
        validate_choice=False,
    )
    valid_from = VNDateField(_l("Áp dụng từ ngày (ngày/tháng/năm)"))
    value = StringField(_l("Giá trị"))
    source = StringField(_l("Căn cứ pháp lý (văn bản, điều khoản)"))
    submit = SubmitField(_l("Thêm giá trị"))


class HolidayForm(FlaskForm):
    day = VNDateField(_l("Ngày (ngày/tháng/năm)"))
    change = SelectField(
        _l("Loại điều chỉnh"),
        choices=[SelectChoice(value, label) for value, label in HOLIDAY_CHANGES.items()],
        validate_choice=False,
    )
    note = StringField(_l("Ghi chú (văn bản công bố)"))
    submit = SubmitField(_l("Thêm ngày"))


class WithdrawForm(FlaskForm):
    """A bare button that still carries CSRF."""

    submit = SubmitField(_l("Rút"))
