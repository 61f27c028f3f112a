"""Forms of the claims area: the union's receipt confirmation on "Người lao động của tôi"
(CSRF + version, the day received and who received the money)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice

from app.i18n import lazy_pick
from workflows.claim import RECIPIENT_LABELS


class ConfirmReceiptForm(FlaskForm):
    # The version the officer saw; a stale one is refused (409) instead of confirming blindly.
    version = HiddenField()
    # dd/mm/yyyy; empty means today. The workflow checks it (not before the payment, not later
    # than today) and who received the money (a deceased worker's relative, named).
    received_on = StringField(_l("Ngày nhận tiền"))
    received_by = SelectField(
        _l("Người nhận tiền"),
        choices=[SelectChoice(key, lazy_pick(labels)) for key, labels in RECIPIENT_LABELS.items()],
    )
    recipient_name = StringField(_l("Họ tên thân nhân (nếu thân nhân nhận)"))
    recipient_relationship = StringField(_l("Quan hệ với người lao động"))
    submit = SubmitField(_l("Xác nhận đã nhận tiền"))
