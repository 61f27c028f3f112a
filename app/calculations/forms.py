"""Forms of the calculator page: they only turn typed text into numbers and dates.

People type money the Vietnamese way ("10.000.000"), decimals with a comma ("25,5") and dates
as dd/mm/yyyy; these fields accept that (and the plain ISO spellings) and hand the service the
same typed values a JSON client sends. The law's rules (ranges, the base salary in force) are
checked by ``app/services/calculations.py``.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError
from wtforms.widgets import TextInput

from workflows.inputs import is_digits

REQUIRED = _l("Bắt buộc nhập.")
_MONEY_NOISE = re.compile(r"[\s.,_]|đồng|đ|vnd", re.IGNORECASE)
_VN_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_DECIMAL = re.compile(r"[0-9]+([.,][0-9]+)?")


def parse_vn_date(text: str) -> date:
    """``10/05/2026`` or ``2026-05-10`` → ``date(2026, 5, 10)``.

    :raises ValueError: anything else, or a day that does not exist.
    """
    text = text.strip()
    match = _VN_DATE.fullmatch(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return date(year, month, day)
    return date.fromisoformat(text)


class _TextField(Field):
    """A text box whose value is parsed by ``parse``; the typed text is shown back on error."""

    widget = TextInput()
    message = _l("Giá trị không hợp lệ.")

    def parse(self, text: str):
        raise NotImplementedError

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else self.show(self.data)

    def show(self, value) -> str:
        return str(value)

    def process_formdata(self, valuelist) -> None:
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        try:
            self.data = self.parse(valuelist[0])
        except (ValueError, ArithmeticError):
            raise ValueError(self.message) from None


class MoneyField(_TextField):
    """Whole VND: "10.000.000", "10 000 000", "10000000 đ"."""

    message = _l("Số tiền phải là số nguyên đồng, ví dụ 10.000.000.")

    def parse(self, text: str) -> int:
        digits = _MONEY_NOISE.sub("", text)
        if not is_digits(digits):  # ASCII: "٣" is not a digit anyone types here
            raise ValueError(text)
        return int(digits)

    def show(self, value) -> str:
        return f"{int(value):,}".replace(",", ".")


class PercentField(_TextField):
    """A percentage: "25", "25,5" or "25.5" (a trailing "%" is fine)."""

    message = _l("Phải là số từ 0 đến 100, ví dụ 25 hoặc 25,5.")

    def parse(self, text: str) -> int | float:
        text = text.strip().rstrip("%").strip()
        if not _DECIMAL.fullmatch(text):  # ASCII digits: float() also takes "٢٥"
            raise ValueError(text)
        value = float(text.replace(",", "."))
        return int(value) if value.is_integer() else value

    def show(self, value) -> str:
        return str(value).replace(".", ",")


class WholeNumberField(_TextField):
    message = _l("Phải là số nguyên.")

    def parse(self, text: str) -> int:
        return int(text.strip())


class VNDateField(_TextField):
    """A day typed as dd/mm/yyyy (or yyyy-mm-dd)."""

    message = _l("Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm, ví dụ 10/05/2026.")

    def parse(self, text: str) -> date:
        return parse_vn_date(text)

    def show(self, value) -> str:
        return value.strftime("%d/%m/%Y") if isinstance(value, date | datetime) else str(value)


def _required_unless_death(form, field) -> None:
    if field.data is None and not form.death.data and not field.errors:
        raise ValidationError(REQUIRED)


class CompensationForm(FlaskForm):
    capacity_loss_pct = PercentField(
        _l("Tỷ lệ suy giảm khả năng lao động (%)"), validators=[_required_unless_death]
    )
    monthly_wage_vnd = MoneyField(
        _l("Tiền lương bình quân 6 tháng liền kề trước khi bị tai nạn (đồng/tháng)"),
        validators=[InputRequired(REQUIRED)],
    )
    accident_type = SelectField(
        _l("Loại tai nạn"),
        choices=[
            SelectChoice("at_work", _l("Tại nơi làm việc, trong giờ làm việc")),
            SelectChoice("commuting", _l("Trên đường đi từ nơi ở đến nơi làm việc hoặc ngược lại")),
        ],
        default="at_work",
    )
    death = BooleanField(_l("Người lao động bị chết"))
    worker_at_fault = BooleanField(_l("Tai nạn hoàn toàn do lỗi của người lao động"))
    third_party = BooleanField(
        _l("Tai nạn do lỗi của người khác hoặc không xác định được người gây ra")
    )
    insurer_paid_vnd = MoneyField(
        _l("Số tiền doanh nghiệp bảo hiểm tai nạn đã chi trả (đồng, nếu có mua bảo hiểm)")
    )
    submit = SubmitField(_l("Tính bồi thường"))

    def payload(self) -> dict:
        """The typed body for ``calculations.compensation_quote``."""
        return {
            "capacity_loss_pct": self.capacity_loss_pct.data,
            "monthly_wage_vnd": self.monthly_wage_vnd.data,
            "death": bool(self.death.data),
            "worker_at_fault": bool(self.worker_at_fault.data),
            "accident_type": self.accident_type.data,
            "third_party": bool(self.third_party.data),
            "insurer_paid_vnd": self.insurer_paid_vnd.data,
        }


class InsuranceForm(FlaskForm):
    capacity_loss_pct = PercentField(
        _l("Tỷ lệ suy giảm khả năng lao động (%)"), validators=[_required_unless_death]
    )
    insured_wage_vnd = MoneyField(
        _l("Tiền lương đóng BHXH của tháng liền kề trước tháng bị tai nạn (đồng)"),
        validators=[InputRequired(REQUIRED)],
    )
    contribution_years = WholeNumberField(
        _l("Số năm đóng bảo hiểm TNLĐ-BNN"), validators=[InputRequired(REQUIRED)]
    )
    # Required by the service unless a Law 84/2015 Art. 50 date decides the month instead.
    on_date = VNDateField(_l("Ngày bị tai nạn hoặc ngày chết (ngày/tháng/năm)"))
    treatment_ended_on = VNDateField(
        _l("Ngày điều trị xong, ra viện (ngày/tháng/năm, nếu điều trị nội trú)")
    )
    outpatient = BooleanField(_l("Điều trị ngoại trú (không nằm viện)"))
    council_concluded_on = VNDateField(
        _l("Ngày Hội đồng giám định y khoa kết luận (ngày/tháng/năm)")
    )
    death = BooleanField(_l("Người lao động bị chết"))
    serving_allowance = BooleanField(
        _l("Có trợ cấp phục vụ (từ 81% và liệt cột sống, mù hai mắt, cụt/liệt hai chi…)")
    )
    device_cost_vnd = MoneyField(_l("Chi phí phương tiện trợ giúp, dụng cụ chỉnh hình (đồng)"))
    device_cap_vnd = MoneyField(_l("Mức tối đa được chi trả cho phương tiện đó (đồng)"))
    tuition_vnd = MoneyField(_l("Học phí chuyển đổi nghề nghiệp (đồng)"))
    retraining_on = VNDateField(
        _l("Ngày quyết định hỗ trợ chuyển đổi nghề (ngày/tháng/năm, mặc định tháng bắt đầu hưởng)")
    )
    settling_abroad = BooleanField(_l("Ra nước ngoài định cư (đang hưởng trợ cấp hằng tháng)"))
    submit = SubmitField(_l("Tính trợ cấp BHXH"))

    def payload(self) -> dict:
        """The typed body for ``calculations.insurance_quote``."""
        return {
            "capacity_loss_pct": self.capacity_loss_pct.data,
            "insured_wage_vnd": self.insured_wage_vnd.data,
            "contribution_years": self.contribution_years.data,
            "on_date": _iso(self.on_date.data),
            "treatment_ended_on": _iso(self.treatment_ended_on.data),
            "outpatient": bool(self.outpatient.data),
            "council_concluded_on": _iso(self.council_concluded_on.data),
            "death": bool(self.death.data),
            "serving_allowance": bool(self.serving_allowance.data),
            "device_cost_vnd": self.device_cost_vnd.data,
            "device_cap_vnd": self.device_cap_vnd.data,
            "tuition_vnd": self.tuition_vnd.data,
            "retraining_on": _iso(self.retraining_on.data),
            "settling_abroad": bool(self.settling_abroad.data),
        }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
