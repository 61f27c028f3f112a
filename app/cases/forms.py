"""Forms of the cases area: list filters, the accident declaration and one form per action.

Forms check shape only (a date is a date, a number is a number, blank rows are ignored);
the declaration service and the workflow engine check everything else and answer with
field paths (``victims.0.national_id``, ``team.1.name``) that ``apply_errors`` puts back
next to the matching inputs. ``action_form`` builds a form class from the fields a
transition declares in its workflow definition (CTFd's dynamic-form pattern).
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional
from wtforms.widgets import NumberInput, TextInput

from app.clock import VN_TZ, to_local
from app.extensions import db
from app.i18n import lazy_pick, localize, localize_errors, pick
from app.models import Commune
from app.permissions import acting_user
from app.services import codes
from app.services.privacy import state_labels
from workflows import REGISTRY
from workflows.base import ORGANISATION_LABELS, Field, Members
from workflows.claim import CLAIM_ITEM_LABELS, RECIPIENT_LABELS
from workflows.declaration import ACCIDENT_TYPE_LABELS, GENDER_LABELS, VICTIM, Input
from workflows.inputs import Bounds, day_in_range, day_out_of_range, int_from_text
from workflows.law.classification import LEVEL_LABELS, OUTCOME_LABELS, SEVERITY_LABELS

# Choices are written as dicts {value: label}, blank first, and handed to WTForms as
# SelectChoice lists (``_options``): its shorthand dicts take only plain-str labels, and these
# labels are lazy (translated when shown).
BLANK = {"": _l("— Chọn —")}
ALL = {"": _l("Tất cả")}
YES_NO = {**BLANK, "true": _l("Có"), "false": _l("Không")}
# Days are typed dd/mm/yyyy and times on the 24-hour clock, in plain text boxes: the browser's
# own pickers show mm/dd/yyyy and "02:20 PM" in an English browser whatever the page's language.
# The ISO spellings are accepted too (what a pasted or scripted value looks like).
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
TIME_FORMATS = ["%H:%M", "%H:%M:%S"]
DATETIME_FORMATS = ["%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
SHOWN_DATE, SHOWN_TIME = "%d/%m/%Y", "%H:%M"
TEAM_ROWS = 4
ATTENDEE_ROWS = 6
VICTIM_BLOCKS = 3  # without JavaScript; cases.js keeps one and adds more on demand

# (Vietnamese, English) labels of the values the forms and pages show; those of organisations,
# outcomes, severities and levels live beside their values in ``workflows``.
TEAM_ROLE_LABELS = {"head": ("Trưởng đoàn", "Head"), "member": ("Thành viên", "Member")}
# Labels of the values a declaration's choice inputs take (a victim's, the accident's type).
VALUE_LABELS = {**GENDER_LABELS, **OUTCOME_LABELS, **ACCIDENT_TYPE_LABELS}
# Labels of text fields that take one of a few values (decide_insurance's benefit kind).
CHOICE_LABELS = {
    "one_time": _l("Trợ cấp một lần"),
    "monthly": _l("Trợ cấp hằng tháng"),
    "death": _l("Trợ cấp khi người lao động chết"),
    # The reasons for a claim's re-assessment (Law 84/2015 Art. 47).
    "relapse": _l("Thương tật tái phát, tiến triển"),
    "combined": _l("Giám định tổng hợp nhiều lần tai nạn"),
    # Who received the compensation the union confirms.
    **{key: lazy_pick(labels) for key, labels in RECIPIENT_LABELS.items()},
    # The claim items a worker may ask for (Law 84/2015 Art. 49, 51, 54, 55).
    **{key: lazy_pick(labels) for key, labels in CLAIM_ITEM_LABELS.items()},
}

NOT_A_NUMBER = _l("Phải là số nguyên.")
NOT_AN_AMOUNT = _l("Số tiền phải là số nguyên đồng, ví dụ 9.000.000.")
NOT_A_PERCENT = _l("Phải là số, ví dụ 25 hoặc 25,5.")
NOT_A_DATE = _l("Ngày không hợp lệ (dd/mm/yyyy).")
NOT_A_DATETIME = _l("Ngày giờ không hợp lệ.")
NOT_A_TIME = _l("Giờ không hợp lệ (HH:MM).")
REQUIRED = _l("Bắt buộc nhập.")
_DECIMAL = re.compile(r"[0-9]+([.,][0-9]+)?")


def _options(choices: dict[str, Any]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in choices.items()]


def _choices(labels: dict[str, tuple[str, str]], keys=None, first=BLANK) -> list[SelectChoice]:
    """Select choices from (vi, en) label pairs, each shown in the user's language."""
    return _options({**first, **{key: lazy_pick(labels[key]) for key in (keys or labels)}})


# -- fields with translated shape messages ------------------------------------------------------


class WholeNumberField(IntegerField):
    """An integer; the message is ours (WTForms ships no Vietnamese catalogue)."""

    message = NOT_A_NUMBER

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", NumberInput(step=1))
        super().__init__(*args, **kwargs)

    def _clean(self, text: str) -> str:
        return text.strip()

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        # ASCII digits only (``int()`` would take "٣"); how large is the service's to say,
        # with the field's bounds (workflows/inputs.py).
        self.data = int_from_text(self._clean(valuelist[0]))
        if self.data is None:
            raise ValueError(self.message)


class MoneyField(WholeNumberField):
    """Whole VND, typed the Vietnamese way (9.000.000 or 9 000 000 đ)."""

    message = NOT_AN_AMOUNT

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", TextInput())
        render_kw = kwargs.setdefault("render_kw", {})
        render_kw.setdefault("inputmode", "numeric")
        render_kw.setdefault("autocomplete", "off")
        super().__init__(*args, **kwargs)

    def _clean(self, text: str) -> str:
        cleaned = text.lower().replace("đ", "").replace("vnd", "")
        for separator in (".", ",", " ", "\u00a0"):
            cleaned = cleaned.replace(separator, "")
        return cleaned

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data:,}".replace(",", ".")


class PercentField(DecimalField):
    """A percentage as people write it: "35", "35%", "31,5 %" (a decimal comma accepted)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", TextInput())
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip().removesuffix("%").strip()
        if not _DECIMAL.fullmatch(text):  # ASCII digits: Decimal() also takes "٢٥"
            self.data = None
            raise ValueError(NOT_A_PERCENT)
        self.data = Decimal(text.replace(",", "."))


def _ascii_only(valuelist) -> None:
    # strptime's %d takes "٠١" too: a date is typed in ASCII digits.
    if valuelist and not " ".join(valuelist).isascii():
        raise ValueError("not ASCII")


def _check_day(field) -> None:
    # Years 1 or 9999 are typing slips, and converting them to UTC would overflow.
    if field.data is not None and not day_in_range(field.data):
        field.data = None
        raise ValueError(localize(day_out_of_range()))


def _typed(kwargs: dict, placeholder: str) -> dict:
    """A text box for a day or a time typed by hand (see ``DATE_FORMATS``)."""
    kwargs.setdefault("widget", TextInput())
    render_kw = kwargs.setdefault("render_kw", {})
    render_kw.setdefault("placeholder", placeholder)
    render_kw.setdefault("inputmode", "numeric")
    render_kw.setdefault("autocomplete", "off")
    render_kw.setdefault("maxlength", 20)
    return kwargs


class VnDateField(DateField):
    """A day typed dd/mm/yyyy (or yyyy-mm-dd), shown back dd/mm/yyyy."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", DATE_FORMATS)
        super().__init__(*args, **_typed(kwargs, "dd/mm/yyyy"))

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime(SHOWN_DATE) if self.data else ""

    def process_formdata(self, valuelist):
        try:
            _ascii_only(valuelist)
            super().process_formdata([v.strip() for v in valuelist])
        except ValueError:
            self.data = None
            raise ValueError(NOT_A_DATE) from None
        _check_day(self)


class VnDateTimeField(DateTimeLocalField):
    """A day and a 24-hour time typed "dd/mm/yyyy HH:MM" (ISO accepted), read as Vietnam time
    (UTC+7); ``data`` is aware. A day alone is accepted where people often know only the day (a
    payment, a meeting): today means now, another day noon."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", DATETIME_FORMATS)
        super().__init__(*args, **_typed(kwargs, "dd/mm/yyyy hh:mm"))

    def process_formdata(self, valuelist):
        text = " ".join(v.strip() for v in valuelist if v).strip()
        try:
            _ascii_only(valuelist)
            day = _day_only(text)
            if day is not None:
                self.data = _moment_of_day(day)
            else:
                super().process_formdata([" ".join(text.split())] if valuelist else valuelist)
        except ValueError:
            self.data = None
            raise ValueError(NOT_A_DATETIME) from None
        _check_day(self)
        if self.data is not None and self.data.tzinfo is None:
            self.data = self.data.replace(tzinfo=VN_TZ)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        moment = self.data.astimezone(VN_TZ) if self.data else None
        return moment.strftime(f"{SHOWN_DATE} {SHOWN_TIME}") if moment else ""


def _day_only(text: str) -> date | None:
    """The day of a moment typed without its time, or None when a time was typed."""
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _moment_of_day(day: date) -> datetime:
    """The moment a day typed alone stands for: now if it is today (a later time would be in
    the future), otherwise noon — after the morning's events of that day and before its
    evening's, the least surprising guess."""
    from app.clock import now

    current = to_local(now())
    if day == current.date():
        return current.replace(second=0, microsecond=0)
    return datetime.combine(day, time(12, 0), tzinfo=VN_TZ)


class VnTimeField(TimeField):
    """A time of day on the 24-hour clock, typed HH:MM."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", TIME_FORMATS)
        super().__init__(*args, **_typed(kwargs, "hh:mm"))

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime(SHOWN_TIME) if self.data else ""

    def process_formdata(self, valuelist):
        try:
            _ascii_only(valuelist)
            super().process_formdata([v.strip() for v in valuelist])
        except ValueError:
            self.data = None
            raise ValueError(NOT_A_TIME) from None


def _select(label: str, choices, **kwargs) -> SelectField:
    # Choices are checked by the services (with Vietnamese messages), not by WTForms.
    if isinstance(choices, dict):
        choices = _options(choices)
    return SelectField(label, choices=choices, validate_choice=False, **kwargs)


# -- rows of people -----------------------------------------------------------------------------


@functools.cache
def member_row_form(shape: Members) -> type[Form]:
    """The form of one person in a ``members`` field: name, organisation and, when the field
    has roles, the role (the one a single member holds listed last, so a blank row defaults
    to an ordinary member)."""
    attrs: dict[str, Any] = {
        "name": StringField(_l("Họ tên"), validators=[Optional()]),
        "organisation": _select(_l("Cơ quan"), _choices(ORGANISATION_LABELS, shape.organisations)),
    }
    if shape.roles:
        roles = tuple(r for r in shape.roles if r != shape.single)
        roles += (shape.single,) if shape.single else ()
        attrs["role"] = _select(_l("Vai trò"), _choices(TEAM_ROLE_LABELS, roles, first={}))
    return type("MemberRowForm", (Form,), attrs)


def _row_is_blank(row: Form) -> bool:
    return not (row.name.data or "").strip() and not row.organisation.data


# -- one form per action ------------------------------------------------------------------------


class ActionForm(FlaskForm):
    """Base of the generated action forms.

    Built with ``prefix=trigger`` so several action forms can share a page with unique
    names and ids; the CSRF token and ``version`` keep their plain names.
    """

    version = HiddenField()
    spec: tuple[Field, ...] = ()

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if options.get("name") in ("csrf_token", "version"):
                options = {**options, "prefix": ""}
            return unbound_field.bind(form=form, **options)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.general_errors: list[str] = []
        # Parts of the case page a general error is about (anchor, label): see SECTION_ERRORS.
        self.section_links: list[tuple[str, str]] = []
        self.group_errors: dict[str, list[str]] = {}
        # For each row field: the position in ``entries`` of each row sent in the payload.
        self.row_map: dict[str, list[int]] = {}
        for f in self.spec:
            if f.kind == "code":
                fill_code_choices(self[f.name], f.code_list)

    def show_errors(self, errors: dict[str, list[str]]) -> None:
        """Put the engine's ``errors`` (``action_errors``) beside the inputs, except on one the
        form refused already (the engine saw it blank or missing). Call after
        ``action_payload`` (it maps the rows sent)."""
        kept = {path: m for path, m in errors.items() if not self._refused_already(path)}
        apply_errors(self, kept, self.row_map)

    def _refused_already(self, path: str) -> bool:
        head, _, rest = path.partition(".")
        field = self._fields.get(head)
        if field is None:
            return False
        if isinstance(field, FieldList):
            index, _, sub = rest.partition(".")
            positions = self.row_map.get(head, [])
            if not (index.isdigit() and int(index) < len(positions) and sub):
                return False
            entry = field.entries[positions[int(index)]].form
            return sub in entry._fields and bool(entry[sub].errors)
        if isinstance(field, FormField):
            part = field.form._fields.get(rest)
            return part is not None and bool(part.errors)
        return bool(field.errors)

    def set_victims(self, victims) -> None:
        for f in self.spec:
            if f.kind == "victim_id":
                choices = {str(v.id): f"{v.full_name} (…{v.national_id[-3:]})" for v in victims}
                self[f.name].choices = _options({**BLANK, **choices})


def code_options(list_name: str, current: str | None = None) -> list[SelectChoice]:
    """A code list's active codes as select options, blank first; ``current`` (what the user
    sent, or what is stored) stays among them even when it is no longer offered, so a refused
    form shows what was chosen."""
    options = dict(codes.choices(list_name))
    if current and current not in options:
        options[current] = f"{current} — {codes.label(list_name, current)}"
    return _options({**BLANK, **options})


def fill_code_choices(field: SelectField, list_name: str) -> None:
    field.choices = code_options(list_name, field.data)


def _field_for(f: Field, label=None):
    """The form input of a workflow field (an action's, or a kind's own declaration field);
    ``label`` replaces the field's own."""
    label = label or lazy_pick((f.label_vi or f.name, f.label_en or f.label_vi or f.name))
    check = [InputRequired(REQUIRED)] if f.required else [Optional()]
    if f.kind == "text" and f.choices:
        choices = {**BLANK, **{c: CHOICE_LABELS.get(c, c) for c in f.choices}}
        return _select(label, choices, validators=check)
    if f.kind == "bool":
        return _select(label, YES_NO, validators=check)
    if f.kind == "victim_id":
        return _select(label, BLANK, validators=check)
    if f.kind == "text":
        return TextAreaField(label, validators=check, render_kw={"rows": 3, **_maxlength(f.bounds)})
    if f.kind in ("list_text", "documents"):
        return TextAreaField(label, validators=check, render_kw={"rows": 3})
    if f.kind == "code":
        return _select(label, BLANK, validators=check)  # choices: ``fill_code_choices``
    if f.kind in ("int", "count"):
        return WholeNumberField(label, validators=check)
    if f.kind == "record":
        return FormField(record_form(f), label=label)
    if f.kind == "money":
        return MoneyField(label, validators=check)
    if f.kind == "percent":
        return PercentField(label, validators=check)
    if f.kind == "date":
        return VnDateField(label, validators=check)
    if f.kind == "datetime":
        return VnDateTimeField(label, validators=check)
    if f.kind == "members":
        rows = TEAM_ROWS if f.members.roles else ATTENDEE_ROWS
        return FieldList(FormField(member_row_form(f.members)), label=label, min_entries=rows)
    if f.kind == "case_code":
        return StringField(label, validators=check, render_kw={"placeholder": "HP-2026-A000123"})
    raise ValueError(f"no form field for kind {f.kind!r}")


@functools.cache
def record_form(f: Field) -> type[Form]:
    """The sub-form of a ``record`` field (a report's ``figures``): one input per part, with
    the parts' own labels; shape checks only, the engine checks the rest."""
    attrs: dict[str, Any] = {"spec": f.parts}
    attrs.update({part.name: _field_for(part) for part in f.parts})
    return type(f"{f.name.title()}RecordForm", (Form,), attrs)


def action_form(definition, trigger: str, state: str) -> type[ActionForm]:
    """A FlaskForm class for ``trigger`` from ``state``, one input per declared field."""
    spec = definition.fields_for(trigger, state)
    attrs: dict[str, Any] = {"spec": spec}
    for f in spec:
        attrs[f.name] = _field_for(f)
    return type(f"{trigger.title().replace('_', '')}Form", (ActionForm,), attrs)


def _scalar(f: Field, value: Any) -> Any:
    if value is None or value == "":
        return None
    if f.kind == "bool":
        return {"true": True, "false": False}.get(value, value)
    if f.kind in ("date", "datetime"):
        return value.isoformat()
    if f.kind == "percent":
        return int(value) if value == value.to_integral_value() else float(value)
    if f.kind in ("list_text", "documents"):
        return [line.strip() for line in value.splitlines() if line.strip()]
    if isinstance(value, str):
        return value.strip()
    return value


def _rows(form: ActionForm, f: Field) -> list[dict[str, str]]:
    rows, positions = [], []
    for position, entry in enumerate(form[f.name].entries):
        row = entry.form
        if _row_is_blank(row):
            continue
        item = {"name": (row.name.data or "").strip(), "organisation": row.organisation.data}
        if f.members.roles:
            item["role"] = row.role.data
        rows.append(item)
        positions.append(position)
    form.row_map[f.name] = positions
    return rows


def _record(sub: Form, f: Field) -> dict[str, Any]:
    values = {part.name: _scalar(part, sub[part.name].data) for part in f.parts}
    return {name: value for name, value in values.items() if value is not None}


def action_payload(form: ActionForm) -> dict[str, Any]:
    """The engine's payload (``version`` included) from a submitted action form.

    Blank optional inputs and blank rows are left out; the engine decides what is missing.
    """
    version = (form.version.data or "").strip()
    number = int_from_text(version)
    payload: dict[str, Any] = {"version": version if number is None else number}
    for f in form.spec:
        if f.kind == "members":
            payload[f.name] = _rows(form, f)
        elif f.kind == "record":
            payload[f.name] = _record(form[f.name].form, f)
        else:
            value = _scalar(f, form[f.name].data)
            if value is not None:
                payload[f.name] = value
    return payload


# -- putting service errors next to inputs ------------------------------------------------------


def _add(field, messages: list[str]) -> None:
    field.errors = list(field.errors or []) + list(messages)


# An error about a part of the case page rather than an input of the form (a guard's
# ``Reason.field``) links to that part: closing refused for a missing paper opens the dossier.
SECTION_ERRORS: dict[str, tuple[str, str]] = {
    "dossier": ("documents", _l("Đến mục Hồ sơ, tài liệu")),
}


def apply_errors(form, errors: dict[str, list[str]], rows: dict[str, list[int]]) -> None:
    """Attach ``errors`` (paths such as ``team.0.name``) to the form's inputs.

    ``rows`` maps a row field (``team``, ``victims``) to the entry position of each item
    sent to the service. Paths with no input land in ``form.group_errors`` (a fieldset) or
    ``form.general_errors`` (the top of the form). Messages are shown in the user's language.
    """
    for path, messages in localize_errors(errors).items():
        head, _, rest = path.partition(".")
        target = form._fields.get(head) if head not in ("csrf_token", "version") else None
        if target is None:
            form.general_errors.extend(messages)
            section = SECTION_ERRORS.get(head)
            if section is not None and section not in form.section_links:
                form.section_links.append(section)
        elif head in rows:
            _apply_row_error(form, target, head, rest, messages, rows[head])
        elif isinstance(target, FieldList):
            form.group_errors.setdefault(head, []).extend(messages)
        elif isinstance(target, FormField):
            # A record's part (``figures.workers``) beside its own input.
            part = target.form._fields.get(rest) if rest else None
            if part is None:
                form.group_errors.setdefault(head, []).extend(messages)
            else:
                _add(part, messages)
        else:
            # A list item's error (``causes.1``) is shown on its textarea.
            _add(target, messages)


def _apply_row_error(form, target: FieldList, head: str, rest: str, messages, positions) -> None:
    index, _, sub = rest.partition(".")
    if not index.isdigit() or int(index) >= len(positions):
        form.group_errors.setdefault(head, []).extend(messages)
        return
    entry = target.entries[positions[int(index)]].form
    if sub and sub in entry._fields:
        _add(entry[sub], messages)
    else:
        entry.row_errors = list(getattr(entry, "row_errors", [])) + list(messages)


# -- the declarations ---------------------------------------------------------------------------
#
# One form class per declarable kind, built by ``declaration_form`` from the kind's
# ``DeclarationSpec`` (its common inputs and victims, ``workflows/declaration.py``) and its own
# ``declaration_fields`` (through ``_field_for``, as the action forms are): the definitions are
# the one description of what a declaration takes. What only the pages say lives here: the
# page's words for an input where the spec's short label would be vague on a form of its own
# ("Nơi xảy ra tai nạn"), hints, and titles.

# The page's label of an input, by kind (else the spec's or the field's own label).
DECLARATION_LABELS: dict[str, dict[str, Any]] = {
    "accident": {
        "commune_code": _l("Xã/phường nơi xảy ra tai nạn"),
        "location": _l("Nơi xảy ra tai nạn"),
        "description": _l("Diễn biến vụ tai nạn"),
        "incident_code": _l("Mã sự cố kỹ thuật liên quan (nếu có)"),
    },
    "disease": {
        "commune_code": _l("Xã/phường nơi người lao động làm việc"),
        "location": _l("Nơi làm việc (phân xưởng, bộ phận)"),
        "description": _l("Quá trình tiếp xúc và phát hiện bệnh"),
        "disease_code": _l("Mã bệnh (nếu có)"),
        "monthly_wage_vnd": _l("Lương bình quân 6 tháng trước khi phát hiện bệnh (đồng)"),
        "outcome": _l("Người lao động đã chết vì bệnh?"),
        "injury_description": _l("Tình trạng sức khỏe hiện nay"),
    },
    "incident": {
        "commune_code": _l("Xã/phường nơi xảy ra sự cố"),
        "location": _l("Nơi xảy ra sự cố"),
        "description": _l("Ghi chú thêm"),
    },
}
# A moment (``occurred_at``) is typed as a day and a time (two inputs): the page's labels of
# both, by kind.
MOMENT_LABELS = {
    "accident": (_l("Ngày xảy ra"), _l("Giờ xảy ra")),
    "incident": (_l("Ngày xảy ra sự cố"), _l("Giờ xảy ra sự cố")),
}
# The order a page shows a kind's inputs in, where the spec's (common inputs, then the kind's
# own) would not read like the paper form: when and where, then what happened.
DECLARATION_ORDER: dict[str, tuple[str, ...]] = {
    "disease": ("disease", "disease_code", "diagnosed_on", "exposure", "facility"),
    "incident": ("occurred_at", "commune_code", "location", "equipment", "failure", "damage",
                 "casualties", "description"),
}  # fmt: skip
# Hints shown under an input, by kind.
DECLARATION_HINTS: dict[str, dict[str, Any]] = {
    "accident": {
        "location": _l("Ví dụ: Xưởng cơ khí số 2, khu công nghiệp Đình Vũ."),
        "description": _l(
            "Thuật lại ngắn gọn sự việc: đang làm việc gì, điều gì xảy ra, đã sơ cứu ra sao."
        ),
        "incident_code": _l(
            "Nếu người lao động bị nạn trong một sự cố kỹ thuật gây mất an toàn, vệ sinh lao"
            " động nghiêm trọng đã khai báo, nhập mã vụ sự cố đó."
        ),
    },
    "disease": {
        "disease": _l(
            "Tên bệnh như trong biên bản khám bệnh nghề nghiệp, ví dụ: Bệnh bụi phổi silic."
        ),
        "diagnosed_on": _l("Ngày ghi trên kết luận của cơ sở khám bệnh nghề nghiệp."),
        "exposure": _l("Yếu tố có hại người lao động tiếp xúc, ví dụ: bụi silic, tiếng ồn."),
        "disease_code": _l("Mã bệnh theo danh mục bệnh nghề nghiệp của Bộ Y tế, ví dụ B1.1."),
    },
    "incident": {
        "equipment": _l("Tên, ký hiệu máy, thiết bị, vật tư hoặc công trình xảy ra sự cố."),
        "casualties": _l(
            "Sau khi khai báo sự cố, khai báo tai nạn lao động của từng người bị nạn từ trang"
            " của sự cố."
        ),
    },
}
# Hints beside a victim's inputs where people hesitate (#15): which number, which wage.
VICTIM_HINTS: dict[str, Any] = {
    "national_id": _l(
        "Số định danh cá nhân: 12 chữ số in trên thẻ căn cước (căn cước công dân) của người lao"
        " động."
    ),
    "monthly_wage_vnd": _l(
        "Tiền lương ghi trong hợp đồng lao động, bình quân 6 tháng liền kề trước khi bị tai nạn"
        " (hoặc phát hiện bệnh); nhập số nguyên đồng, ví dụ 9.000.000."
    ),
    "si_number": _l("Mã số bảo hiểm xã hội 10 chữ số, in trên sổ BHXH; để trống nếu không có."),
    "si_years": _l("Số năm đã đóng bảo hiểm xã hội, làm tròn xuống; để trống nếu không có."),
}
# The page's own words, by kind: its title, the case's fieldset, the victims' fieldset, one
# victim's block (numbered), the victims' hint and the button adding a block.
DECLARATION_PAGES: dict[str, dict[str, Any]] = {
    "accident": {
        "title": _l("Khai báo tai nạn lao động"),
        "legend": _l("Vụ tai nạn"),
        "victims": _l("Nạn nhân"),
        "victim": _l("Nạn nhân"),
        "victims_hint": _l(
            "Khai báo mỗi người bị nạn một mục; các ô có dấu * là bắt buộc với mỗi nạn nhân."
            " Mục để trống hoàn toàn được bỏ qua."
        ),
        "add_victim": _l("Thêm nạn nhân"),
        "remove_victim": _l("Bỏ nạn nhân này"),
    },
    "disease": {
        "title": _l("Khai báo bệnh nghề nghiệp"),
        "legend": _l("Bệnh nghề nghiệp"),
        "victims": _l("Người lao động mắc bệnh"),
        "victim": _l("Người lao động"),
        "victims_hint": _l(
            "Khai báo mỗi người lao động mắc bệnh một mục; các ô có dấu * là bắt buộc với mỗi"
            " người. Mục để trống hoàn toàn được bỏ qua."
        ),
        "add_victim": _l("Thêm người lao động"),
        "remove_victim": _l("Bỏ người lao động này"),
    },
    "incident": {
        "title": _l("Khai báo sự cố kỹ thuật gây mất an toàn, vệ sinh lao động nghiêm trọng"),
        "legend": _l("Sự cố kỹ thuật"),
    },
}
# The quick notice's page (by kind): its words and the hints beside its own inputs.
NOTICE_PAGES: dict[str, dict[str, Any]] = {
    "accident": {
        "title": _l("Báo tin nhanh tai nạn lao động"),
        "legend": _l("Tin báo"),
        "intro": _l(
            "Báo ngay khi tai nạn vừa xảy ra: thời gian, địa điểm, số người chết và bị thương."
            " Tin báo được gửi ngay tới thanh tra (Sở Nội vụ); thời hạn điều tra tính từ lúc"
            " báo tin. Sau đó hoàn thiện khai báo đầy đủ (danh sách nạn nhân) từ trang vụ việc."
        ),
        "police": _l(
            "Nếu có người chết, báo ngay cho công an xã nơi xảy ra tai nạn (gọi 113): SafeCase"
            " không gửi tin cho cơ quan công an."
        ),
        "submit": _l("Gửi tin báo"),
    },
}
NOTICE_HINTS: dict[str, Any] = {
    "description": _l("Vài dòng: đang làm gì, điều gì xảy ra, người bị nạn đang ở đâu."),
    "deaths": _l("Nhập 0 nếu không có ai chết."),
    "seriously_injured": _l(
        "Bị thương nặng: các chấn thương thuộc danh mục Phụ lục II Nghị định 39/2016/NĐ-CP;"
        " nếu chưa rõ, tính là bị thương nặng."
    ),
    "reporter_name": _l("Người gọi hoặc gửi tin này, để thanh tra liên hệ lại."),
    "contact_phone": _l("Số điện thoại gọi được ngay, ví dụ 0912 345 678."),
}
# The completing page's words, by kind (its form is the kind's declaration form).
COMPLETION_PAGES: dict[str, dict[str, Any]] = {
    "accident": {
        "title": _l("Hoàn thiện khai báo tai nạn lao động"),
        "submit": _l("Gửi khai báo đầy đủ"),
    },
}

# The choices of a victim's outcome where the kind has a default (a disease: the worker is ill
# unless they died of it), blank meaning the default.
OUTCOME_WITH_DEFAULT = {"": _l("Không"), "death": _l("Có, người lao động đã chết")}


def _label(kind: str, name: str, pair: tuple[str, str]):
    return DECLARATION_LABELS.get(kind, {}).get(name) or lazy_pick(pair)


def _maxlength(bounds: Bounds) -> dict[str, Any]:
    # The browser stops typing at the bound the service enforces (workflows/inputs.py).
    return {"maxlength": bounds.max_length} if bounds.max_length else {}


def _victim_input(i: Input, kind: str = "accident", default_outcome: str | None = None):
    """The form input for one field of the victim's shape (``workflows.declaration.VICTIM``);
    every one is optional here: a blank block is skipped, and the service says what is missing."""
    label = _label(kind, i.name, (i.label_vi, i.label_en))
    if i.name == "outcome" and default_outcome is not None:
        return _select(label, OUTCOME_WITH_DEFAULT)
    if i.kind == "choice":
        return _select(label, _choices(VALUE_LABELS, i.choices))
    if i.code_list:
        return _select(label, BLANK)  # choices: ``DeclarationForm`` fills them
    if i.kind == "date":
        return VnDateField(label, validators=[Optional()])
    if i.kind == "money":
        return MoneyField(label, validators=[Optional()])
    if i.kind == "count":
        return WholeNumberField(label, validators=[Optional()])
    if i.kind == "digits":
        numeric = {"inputmode": "numeric", "autocomplete": "off", "maxlength": i.digits}
        return StringField(label, validators=[Optional()], render_kw=numeric)
    if i.multiline:
        return TextAreaField(
            label, validators=[Optional()], render_kw={"rows": 2, **_maxlength(i.bounds)}
        )
    return StringField(label, validators=[Optional()], render_kw=_maxlength(i.bounds))


def moment_inputs(name: str) -> tuple[str, str]:
    """The names of the day and the time inputs of the moment ``name`` (``occurred_at``:
    ``occurred_date``, ``occurred_time``)."""
    stem = name.removesuffix("_at")
    return f"{stem}_date", f"{stem}_time"


def _case_input(kind: str, i: Input, required: bool) -> dict[str, Any]:
    """The form inputs (name → unbound field) for one of the spec's common inputs: a moment
    is two (its day and its time), every other one."""
    check = [InputRequired(REQUIRED)] if required else [Optional()]
    if i.kind == "moment":
        day, hour = MOMENT_LABELS[kind]
        day_name, time_name = moment_inputs(i.name)
        return {
            day_name: VnDateField(day, validators=check),
            time_name: VnTimeField(hour, validators=check),
        }
    label = _label(kind, i.name, (i.label_vi, i.label_en))
    if i.kind == "flag":
        return {i.name: BooleanField(label, default=bool(i.default))}
    if i.kind == "choice":
        first = {} if i.default is not None else BLANK
        field = _select(label, _choices(VALUE_LABELS, i.choices, first=first), default=i.default)
        return {i.name: field}
    if i.kind == "reference":
        return {i.name: _select(label, BLANK, validators=check)}  # the form fills the choices
    if i.kind == "count":
        limits = {"min": i.bounds.minimum, "max": i.bounds.maximum}
        render_kw = {k: v for k, v in limits.items() if v is not None}
        field = WholeNumberField(label, validators=check, default=i.default, render_kw=render_kw)
        return {i.name: field}
    if i.kind == "phone":
        render_kw = {"inputmode": "tel", "autocomplete": "tel", "maxlength": 40}
        return {i.name: StringField(label, validators=check, render_kw=render_kw)}
    if i.kind == "case_code":
        hint = {"placeholder": f"HP-2026-{REGISTRY['incident'].letter}000123"}
        render_kw = {**hint, "autocomplete": "off", **_maxlength(i.bounds)}
        return {i.name: StringField(label, validators=check, render_kw=render_kw)}
    if i.multiline:
        render_kw = {"rows": 5, **_maxlength(i.bounds)}
        return {i.name: TextAreaField(label, validators=check, render_kw=render_kw)}
    return {i.name: StringField(label, validators=check, render_kw=_maxlength(i.bounds))}


@functools.cache
def victim_form(kind: str) -> type[Form]:
    """The form of one victim (for a disease: one worker concerned) of ``kind``."""
    spec = REGISTRY[kind].declaration
    fields = {i.name: _victim_input(i, kind, spec.default_outcome) for i in spec.victims}
    return type(f"{kind.title()}VictimForm", (Form,), fields)


VictimForm = victim_form("accident")
VICTIM_KEYS = tuple(i.name for i in VICTIM)


def _victim_body(victim: Form) -> dict[str, Any] | None:
    """The victim as the service wants it, or None when the whole block is blank."""
    body: dict[str, Any] = {}
    for name in VICTIM_KEYS:
        if name not in victim:
            continue
        value = victim[name].data
        if isinstance(value, str):
            value = value.strip()
        if isinstance(value, date):
            value = value.isoformat()
        if value not in (None, ""):
            body[name] = value
    return body or None


class DeclarationForm(FlaskForm):
    """Base of the generated declaration forms (``declaration_form``); the kind's
    ``DeclarationSpec`` says who may make it. ``inputs`` are the spec's common inputs and
    ``own`` the kind's ``declaration_fields``, in page order."""

    KIND = ""
    inputs: tuple[Input, ...] = ()
    own: tuple[Field, ...] = ()

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.general_errors: list[str] = []
        self.section_links: list[tuple[str, str]] = []  # see SECTION_ERRORS
        self.group_errors: dict[str, list[str]] = {}
        self.victim_rows: list[int] = []
        for entry in self.victim_entries:
            for i in self.spec.victims:
                if i.code_list:
                    fill_code_choices(entry.form[i.name], i.code_list)
        if "commune_code" in self:
            self._fill_communes()

    @property
    def spec(self):
        return REGISTRY[self.KIND].declaration

    @property
    def words(self) -> dict[str, Any]:
        """The page's title and headings (``DECLARATION_PAGES``)."""
        return DECLARATION_PAGES[self.KIND]

    @property
    def victim_entries(self) -> list:
        return self.victims.entries if "victims" in self else []

    def _fill_communes(self) -> None:
        user = self.user
        if user.role == "commune":
            self.commune_code.choices = _options({user.commune.code: user.commune.name})
            self.commune_code.data = user.commune.code
            return
        communes = db.session.scalars(select(Commune).order_by(Commune.name)).all()
        self.commune_code.choices = _options({**BLANK, **{c.code: c.name for c in communes}})
        if not self.commune_code.data and user.enterprise is not None:
            self.commune_code.data = user.enterprise.commune_code

    # -- what the page shows --

    def case_fields(self) -> list[tuple[str, Any]]:
        """The inputs above the victims, in page order, each as ``(layout, field)``: layout
        ``"moment"`` (field: the day and time inputs), ``"commune"``, ``"flag"`` or
        ``"input"``."""
        shown: list[tuple[str, str, Any]] = []  # (spec name, layout, field)
        for i in self.inputs:
            if i.kind == "moment":
                day, hour = moment_inputs(i.name)
                shown.append((i.name, "moment", (self[day], self[hour])))
            elif i.name == "commune_code":
                shown.append((i.name, "commune", self[i.name]))
            else:
                shown.append((i.name, "flag" if i.kind == "flag" else "input", self[i.name]))
        shown += [(f.name, "input", self[f.name]) for f in self.own]
        order = DECLARATION_ORDER.get(self.KIND, ())
        # A stable sort: what the order leaves out keeps its place, after what it names.
        shown.sort(key=lambda item: order.index(item[0]) if item[0] in order else len(order))
        return [(layout, field) for _, layout, field in shown]

    def hint(self, name: str):
        return DECLARATION_HINTS.get(self.KIND, {}).get(name)

    def victim_hint(self, name: str):
        return VICTIM_HINTS.get(name)

    def is_required(self, name: str) -> bool:
        """Whether the input ``name`` (a case input or a victim's) must be filled in."""
        for i in self.inputs:
            if name == i.name or (i.kind == "moment" and name in moment_inputs(i.name)):
                return i.required_for(self.labour_relation)
        for f in self.own:
            if f.name == name:
                return f.required
        for i in self.spec.victims:
            if i.name == name:
                if name == "outcome" and self.spec.default_outcome is not None:
                    return False
                return i.required_for(self.labour_relation)
        return False

    @property
    def labour_relation(self) -> bool | None:
        """Fixed by the declarer's role (Law 84/2015 Art. 34), as the kind's spec says."""
        return self.spec.labour_relation(self.user.role)

    def start_from_incident(self, incident) -> None:
        """A casualty of ``incident``: its code, and its time and place as a starting point."""
        self.incident_code.data = incident.code
        if incident.occurred_at is not None:
            moment = to_local(incident.occurred_at)
            self.occurred_date.data, self.occurred_time.data = moment.date(), moment.time()
        if self.user.role != "commune":
            self.commune_code.data = incident.commune_code
        self.location.data = incident.location

    def start_from_notice(self, case, outcomes: list[str]) -> None:
        """The full declaration of ``case``, a quick notice, starting from what it said: its
        time, place and account, and one victim block per person it counted (``outcomes``),
        with that person's outcome chosen."""
        if case.occurred_at is not None:
            moment = to_local(case.occurred_at)
            self.occurred_date.data, self.occurred_time.data = moment.date(), moment.time()
        if self.user.role != "commune":
            self.commune_code.data = case.commune_code
        self.location.data = case.location
        self.description.data = case.description
        while len(self.victim_entries) < len(outcomes):
            self.victims.append_entry()
        for entry, outcome in zip(self.victim_entries, outcomes, strict=False):
            entry.form.outcome.data = outcome

    # -- what the service gets --

    def body(self) -> dict[str, Any]:
        """The declaration for ``app.services.declarations.declare``."""
        body: dict[str, Any] = {"kind": self.KIND}
        if self.spec.states_labour_relation:
            body["labour_relation"] = self.labour_relation
        for i in self.inputs:
            body[i.name] = self._input_value(i)
        for f in self.own:
            body[f.name] = _scalar(f, self[f.name].data)
        if self.user.role == "commune" and "commune_code" in self:
            body["commune_code"] = self.user.commune_code
        if self.spec.victims:
            victims, self.victim_rows = [], []
            for position, entry in enumerate(self.victim_entries):
                victim = _victim_body(entry.form)
                if victim is not None:
                    victims.append(victim)
                    self.victim_rows.append(position)
            body["victims"] = victims
        # Blank optional inputs are not sent: the service gives them their defaults.
        return {k: v for k, v in body.items() if v is not None}

    def _input_value(self, i: Input) -> Any:
        if i.kind == "moment":
            day, hour = (self[name].data for name in moment_inputs(i.name))
            if day is None or hour is None:
                return None
            return datetime.combine(day, hour).replace(tzinfo=VN_TZ).isoformat()
        value = self[i.name].data
        if i.kind == "flag":
            return bool(value)
        if isinstance(value, str):
            value = value.strip()
            if i.kind == "case_code":
                value = value.upper()
        return None if value == "" and not i.required else value

    def refused_inputs(self) -> list[tuple[str, str, list[str]]]:
        """Each input with an error, in page order, as ``(id, label, messages)``: the links of
        the error summary (a victim's input names its block: "Nạn nhân 2: Họ và tên")."""
        refused = []
        for layout, field in self.case_fields():
            for f in field if layout == "moment" else (field,):
                if f.errors:
                    refused.append((f.id, str(f.label.text), list(f.errors)))
        if self.group_errors.get("victims"):
            refused.append(("victims", str(self.words["victims"]), self.group_errors["victims"]))
        for number, entry in enumerate(self.victim_entries, start=1):
            block = f"{self.words['victim']} {number}"
            row_errors = getattr(entry.form, "row_errors", [])
            if row_errors:
                refused.append((entry.form[VICTIM_KEYS[0]].id, block, list(row_errors)))
            for f in entry.form:
                if f.errors:
                    refused.append((f.id, f"{block}: {f.label.text}", list(f.errors)))
        return refused

    # -- the service's refusal --

    def show_errors(self, errors: dict[str, list[str]]) -> None:
        """Put the service's errors next to the inputs, except on an input the form already
        refused (its shape: the service only saw it blank); a blank input just says it is
        needed (the service's message may name the API's format, e.g. YYYY-MM-DD)."""
        shown: dict[str, list[str]] = {}
        for path, messages in errors.items():
            # The parser reports a missing field under its API alias too (diagnosed_at).
            path = self.spec.aliases.get(path, path)
            if path in shown:
                continue
            targets = self._inputs_at(path)
            if any(field.errors for field in targets):
                continue
            if targets and all(_is_blank(field) for field in targets):
                messages = [REQUIRED]
            if path in self._moments:
                path = moment_inputs(path)[0]  # shown beside the day
            shown[path] = messages
        apply_errors(self, shown, {"victims": self.victim_rows})

    @property
    def _moments(self) -> set[str]:
        return {i.name for i in self.inputs if i.kind == "moment"}

    def _inputs_at(self, path: str) -> list:
        """The inputs a service error path names (a moment: its day and time), if any."""
        if path in self._moments:
            return [self[name] for name in moment_inputs(path)]
        parts = path.split(".")
        if len(parts) == 1:
            return [self[path]] if path in self and not isinstance(self[path], FieldList) else []
        if len(parts) != 3 or parts[0] != "victims" or not parts[1].isdigit():
            return []
        index, name = int(parts[1]), parts[2]
        if index >= len(self.victim_rows):
            return []
        entry = self.victim_entries[self.victim_rows[index]].form
        return [entry[name]] if name in entry else []


def _is_blank(field) -> bool:
    value = field.data
    if isinstance(field, BooleanField):
        return False
    return value is None or (isinstance(value, str) and not value.strip())


@functools.cache
def declaration_form(kind: str) -> type[DeclarationForm]:
    """The declaration form class of ``kind`` (``KeyError``: a kind nobody declares)."""
    definition = REGISTRY[kind]
    spec = definition.declaration
    if spec is None:
        raise KeyError(kind)
    attrs: dict[str, Any] = {
        "KIND": kind,
        "inputs": spec.inputs,
        "own": definition.declaration_fields,
    }
    for i in spec.inputs:
        # Required marks the input; the service still decides (a commune's own, a default).
        attrs.update(_case_input(kind, i, i.required is True))
    for f in definition.declaration_fields:
        attrs[f.name] = _field_for(f, DECLARATION_LABELS.get(kind, {}).get(f.name))
    if spec.victims:
        attrs["victims"] = FieldList(FormField(victim_form(kind)), min_entries=VICTIM_BLOCKS)
    return type(f"{kind.title()}DeclarationForm", (DeclarationForm,), attrs)


class NoticeForm(DeclarationForm):
    """Base of the generated quick-notice forms (``notice_form``): the kind's
    ``NoticeSpec`` inputs, typed as a declaration's are; no victims (it counts them)."""

    @property
    def words(self) -> dict[str, Any]:
        return {**DECLARATION_PAGES[self.KIND], **NOTICE_PAGES[self.KIND]}

    def hint(self, name: str):
        return NOTICE_HINTS.get(name) or super().hint(name)

    def body(self) -> dict[str, Any]:
        """The notice for ``app.services.declarations.give_notice``."""
        body: dict[str, Any] = {"kind": self.KIND}
        for i in self.inputs:
            body[i.name] = self._input_value(i)
        if self.user.role == "commune":
            body["commune_code"] = self.user.commune_code
        return {k: v for k, v in body.items() if v is not None}


@functools.cache
def notice_form(kind: str) -> type[NoticeForm]:
    """The quick-notice form class of ``kind`` (``KeyError``: a kind without a notice)."""
    spec = REGISTRY[kind].declaration
    if spec is None or spec.notice is None:
        raise KeyError(kind)
    attrs: dict[str, Any] = {"KIND": kind, "inputs": spec.notice.inputs, "own": ()}
    for i in spec.notice.inputs:
        attrs.update(_case_input(kind, i, i.required is True))
    return type(f"{kind.title()}NoticeForm", (NoticeForm,), attrs)


# -- the list filters ---------------------------------------------------------------------------


def _state_choices() -> dict[str, Any]:
    # Named as the caller may read them (app.services.privacy: no band for the union).
    user = acting_user()
    seen: dict[str, Any] = dict(ALL)
    for kind, definition in REGISTRY.items():
        for state in definition.states:
            seen.setdefault(state.name, pick(state_labels(user, kind, state.name)))
    return seen


class CaseFilterForm(FlaskForm):
    """The GET filters of the case list (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    kind = _select(_l("Loại vụ việc"), ALL)
    state = _select(_l("Trạng thái"), ALL)
    severity = _select(_l("Mức độ"), ALL)
    level = _select(_l("Cấp điều tra"), ALL)
    commune = _select(_l("Xã/phường"), ALL)
    enterprise = StringField(_l("Mã số thuế doanh nghiệp"), validators=[Optional()])
    declared_from = VnDateField(_l("Khai báo từ ngày"), validators=[Optional()])
    declared_to = VnDateField(_l("Đến ngày"), validators=[Optional()])
    q = StringField(
        _l("Tìm kiếm"),
        validators=[Optional()],
        # What ``app.services.search`` matches (accents and capitals do not matter).
        render_kw={
            "placeholder": _l("Mã vụ việc, doanh nghiệp, nơi xảy ra, tên nạn nhân, số CCCD, MST")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = {k: pick((d.label_vi, d.label_en)) for k, d in REGISTRY.items()}
        self.kind.choices = _options({**ALL, **kinds})
        self.state.choices = _options(_state_choices())
        self.severity.choices = _choices(SEVERITY_LABELS, first=ALL)
        self.level.choices = _choices(LEVEL_LABELS, first=ALL)
        communes = db.session.scalars(select(Commune).order_by(Commune.name)).all()
        self.commune.choices = _options({**ALL, **{c.code: c.name for c in communes}})

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """The declared-at range: whole Vietnam-local days, both ends included."""
        start = end = None
        if self.declared_from.data and not self.declared_from.errors:
            start = datetime.combine(self.declared_from.data, time(0), tzinfo=VN_TZ)
        if self.declared_to.data and not self.declared_to.errors:
            next_day = self.declared_to.data + timedelta(days=1)
            end = datetime.combine(next_day, time(0), tzinfo=VN_TZ) - timedelta(microseconds=1)
        return start, end

    def args(self) -> dict[str, str]:
        """The filters as query arguments (for pagination links)."""
        return {
            name: (field.raw_data or [""])[0]
            for name, field in self._fields.items()
            if field.raw_data and field.raw_data[0]
        }
