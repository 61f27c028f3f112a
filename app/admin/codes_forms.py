"""Forms of the code-list and enterprise pages: shape only; ``app/services/codes.py`` and
``app/services/parties.py`` check codes, labels and files."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, SubmitField

from app.cases.forms import code_options


class CodeForm(FlaskForm):
    """A new code of a list."""

    code = StringField(_l("Mã"))
    label_vi = StringField(_l("Tên tiếng Việt"))
    label_en = StringField(_l("Tên tiếng Anh (không bắt buộc)"))
    parent = StringField(_l("Mã cấp trên (không bắt buộc)"))
    submit = SubmitField(_l("Thêm mã"))


class LabelsForm(FlaskForm):
    """A code's labels (the code itself stays: cases store it)."""

    label_vi = StringField(_l("Tên tiếng Việt"))
    label_en = StringField(_l("Tên tiếng Anh (không bắt buộc)"))
    submit = SubmitField(_l("Lưu"))


class UploadForm(FlaskForm):
    file = FileField(_l("Tệp CSV (UTF-8; cột code,label_vi,label_en,parent)"))
    submit = SubmitField(_l("Nạp tệp"))


class ToggleForm(FlaskForm):
    """A bare button that still carries CSRF (deactivate / reactivate a code)."""

    submit = SubmitField(_l("Đổi trạng thái"))


class EnterpriseClassForm(FlaskForm):
    """An enterprise's industry and type of ownership, chosen from the code lists."""

    # Choices are the lists' active codes (and the stored value), checked by the service.
    industry_code = SelectField(_l("Ngành kinh tế (VSIC 2018)"), validate_choice=False)
    ownership = SelectField(_l("Loại hình doanh nghiệp"), validate_choice=False)
    submit = SubmitField(_l("Lưu"))

    def fill(self) -> EnterpriseClassForm:
        self.industry_code.choices = code_options("industry", self.industry_code.data)
        self.ownership.choices = code_options("ownership", self.ownership.data)
        return self
