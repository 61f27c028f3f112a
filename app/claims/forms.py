"""Forms of the claims area: the quick "Xác nhận đã nhận tiền" button (CSRF + version)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField


class ConfirmReceiptForm(FlaskForm):
    # The version the officer saw; a stale one is refused (409) instead of confirming blindly.
    version = HiddenField()
    submit = SubmitField(_l("Xác nhận đã nhận tiền"))
