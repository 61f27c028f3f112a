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
from workflows.inputs import day_in_range, day_out_of_range, int_from_text
from workflows.law.classification import LEVEL_LABELS, OUTCOME_LABELS, SEVERITY_LABELS

# Choices are written as dicts {value: label}, blank first, and handed to WTForms as
# SelectChoice lists (``_options``): its shorthand dicts take only plain-str labels, and these
# labels are lazy (translated when shown).
BLANK = {"": _l("— Chọn —")}
ALL = {"": _l("Tất cả")}
YES_NO = {**BLANK, "true": _l("Có"), "false": _l("Không")}
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
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
    """A percentage; a decimal comma is accepted."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", TextInput())
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip()
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


class VnDateField(DateField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", DATE_FORMATS)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        try:
            _ascii_only(valuelist)
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(NOT_A_DATE) from None
        _check_day(self)


class VnDateTimeField(DateTimeLocalField):
    """A ``datetime-local`` input read as Vietnam time (UTC+7); ``data`` is aware."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", DATETIME_FORMATS)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        try:
            _ascii_only(valuelist)
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(NOT_A_DATETIME) from None
        _check_day(self)
        if self.data is not None:
            self.data = self.data.replace(tzinfo=VN_TZ)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.astimezone(VN_TZ).strftime("%Y-%m-%dT%H:%M") if self.data else ""


class VnTimeField(TimeField):
    def process_formdata(self, valuelist):
        try:
            _ascii_only(valuelist)
            super().process_formdata(valuelist)
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
        self.group_errors: dict[str, list[str]] = {}
        # For each row field: the position in ``entries`` of each row sent in the payload.
        self.row_map: dict[str, list[int]] = {}
        for f in self.spec:
            if f.kind == "code":
                fill_code_choices(self[f.name], f.code_list)

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


def _field_for(f: Field):
    label = lazy_pick((f.label_vi or f.name, f.label_en or f.label_vi or f.name))
    check = [InputRequired(REQUIRED)] if f.required else [Optional()]
    if f.kind == "text" and f.choices:
        choices = {**BLANK, **{c: CHOICE_LABELS.get(c, c) for c in f.choices}}
        return _select(label, choices, validators=check)
    if f.kind == "bool":
        return _select(label, YES_NO, validators=check)
    if f.kind == "victim_id":
        return _select(label, BLANK, validators=check)
    if f.kind in ("text", "list_text", "documents"):
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


# -- the declaration ----------------------------------------------------------------------------


def _victim_input(i: Input):
    """The form input for one field of the victim's shape (``workflows.declaration.VICTIM``);
    every one is optional here: a blank block is skipped, and the service says what is missing."""
    label = lazy_pick((i.label_vi, i.label_en))
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
        return TextAreaField(label, validators=[Optional()], render_kw={"rows": 2})
    return StringField(label, validators=[Optional()])


def _case_input(i: Input):
    """The form input for one of the accident's own choice or flag inputs (its type, who caused
    it), with the spec's default: the spec is their one description, as for the victim."""
    label = lazy_pick((i.label_vi, i.label_en))
    if i.kind == "flag":
        return BooleanField(label, default=bool(i.default))
    return _select(label, _choices(VALUE_LABELS, i.choices, first={}), default=i.default)


def _accident_input(name: str):
    return _case_input(REGISTRY["accident"].declaration.input(name))


VictimForm = type("VictimForm", (Form,), {i.name: _victim_input(i) for i in VICTIM})
VICTIM_KEYS = tuple(i.name for i in VICTIM)


def _victim_body(victim: VictimForm) -> dict[str, Any] | None:
    """The victim as the service wants it, or None when the whole block is blank."""
    body: dict[str, Any] = {}
    for name in VICTIM_KEYS:
        value = victim[name].data
        if isinstance(value, str):
            value = value.strip()
        if isinstance(value, date):
            value = value.isoformat()
        if value not in (None, ""):
            body[name] = value
    return body or None


class DeclarationForm(FlaskForm):
    """The accident declaration (the kind's ``DeclarationSpec`` says who may make it)."""

    KIND = "accident"

    occurred_date = VnDateField(_l("Ngày xảy ra"), validators=[InputRequired(REQUIRED)])
    occurred_time = VnTimeField(_l("Giờ xảy ra"), validators=[InputRequired(REQUIRED)])
    commune_code = _select(_l("Xã/phường nơi xảy ra tai nạn"), BLANK)
    location = StringField(_l("Nơi xảy ra tai nạn"), validators=[Optional()])
    description = TextAreaField(
        _l("Diễn biến vụ tai nạn"), validators=[Optional()], render_kw={"rows": 5}
    )
    accident_type = _accident_input("accident_type")
    third_party = _accident_input("third_party")
    victims = FieldList(FormField(VictimForm), min_entries=VICTIM_BLOCKS)
    incident_code = StringField(
        _l("Mã sự cố kỹ thuật liên quan (nếu có)"),
        validators=[Optional()],
        render_kw={"placeholder": "HP-2026-I000123", "autocomplete": "off", "maxlength": 20},
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.general_errors: list[str] = []
        self.group_errors: dict[str, list[str]] = {}
        self.victim_rows: list[int] = []
        for entry in self.victims.entries:
            for i in VICTIM:
                if i.code_list:
                    fill_code_choices(entry.form[i.name], i.code_list)
        if user.role == "commune":
            self.commune_code.choices = _options({user.commune.code: user.commune.name})
            self.commune_code.data = user.commune.code
        else:
            communes = db.session.scalars(select(Commune).order_by(Commune.name)).all()
            self.commune_code.choices = _options({**BLANK, **{c.code: c.name for c in communes}})
            if not self.commune_code.data and user.enterprise is not None:
                self.commune_code.data = user.enterprise.commune_code

    def start_from_incident(self, incident) -> None:
        """A casualty of ``incident``: its code, and its time and place as a starting point."""
        self.incident_code.data = incident.code
        if incident.occurred_at is not None:
            moment = to_local(incident.occurred_at)
            self.occurred_date.data, self.occurred_time.data = moment.date(), moment.time()
        if self.user.role != "commune":
            self.commune_code.data = incident.commune_code
        self.location.data = incident.location

    @property
    def labour_relation(self) -> bool | None:
        """Fixed by the declarer's role (Law 84/2015 Art. 34), as the kind's spec says."""
        return REGISTRY[self.KIND].declaration.labour_relation(self.user.role)

    def body(self) -> dict[str, Any]:
        """The declaration for ``app.services.declarations.declare``."""
        occurred = None
        if self.occurred_date.data and self.occurred_time.data:
            moment = datetime.combine(self.occurred_date.data, self.occurred_time.data)
            occurred = moment.replace(tzinfo=VN_TZ).isoformat()
        victims, self.victim_rows = [], []
        for position, entry in enumerate(self.victims.entries):
            victim = _victim_body(entry.form)
            if victim is not None:
                victims.append(victim)
                self.victim_rows.append(position)
        commune = self.user.commune_code if self.user.role == "commune" else None
        return {
            "kind": self.KIND,
            "occurred_at": occurred,
            "commune_code": commune or self.commune_code.data or None,
            "location": (self.location.data or "").strip(),
            "description": (self.description.data or "").strip(),
            "labour_relation": self.labour_relation,
            "accident_type": self.accident_type.data or None,
            "third_party": bool(self.third_party.data),
            "victims": victims,
            "incident_code": (self.incident_code.data or "").strip() or None,
        }

    def show_errors(self, errors: dict[str, list[str]]) -> None:
        """Put the service's errors next to the inputs; a blank input just says it is needed
        (the service's message may name the API's format, e.g. YYYY-MM-DD or male/female)."""
        shown: dict[str, list[str]] = {}
        for path, messages in errors.items():
            if path == "occurred_at":
                path = "occurred_date"
            shown[path] = [REQUIRED] if self._blank_victim_input(path) else messages
        apply_errors(self, shown, {"victims": self.victim_rows})

    def _blank_victim_input(self, path: str) -> bool:
        parts = path.split(".")
        if len(parts) != 3 or parts[0] != "victims" or not parts[1].isdigit():
            return False
        index, name = int(parts[1]), parts[2]
        if index >= len(self.victim_rows) or name not in VICTIM_KEYS:
            return False
        value = self.victims.entries[self.victim_rows[index]].form[name].data
        return value is None or (isinstance(value, str) and not value.strip())


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
