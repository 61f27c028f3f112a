"""What declaring (khai báo) a case of a kind takes, and who may do it, as data.

Each declarable :class:`~workflows.base.WorkflowDefinition` carries a :class:`DeclarationSpec`
(``definition.declaration``; None for a kind nobody declares, such as the claim, which its parent
case opens). It says who may declare the kind and which labour relation each declarer implies
(Law 84/2015 Art. 34: an employer declares the accidents of its workers, who have a labour
relation; the commune (UBND cấp xã) those of people working without one), the common inputs of
the body (when and where it happened...), extra checks on the kind's own ``declaration_fields``,
and whether the body lists victims, each of the shape :data:`VICTIM`.

``workflows.fields.parse_declaration`` is the one parser of a declaration body; the web form
(``app/cases/forms.py``) builds its victim inputs from :data:`VICTIM` and the OpenAPI schema
(``app/api/openapi.py``) is generated from the same inputs, so the three cannot drift apart.
Messages are Vietnamese, marked with :func:`N_` so the app can show them in English.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from workflows.inputs import MAX_WAGE_VND, Bounds, kind_bounds
from workflows.law.classification import OUTCOME_LABELS, OUTCOMES
from workflows.law.compensation import ACCIDENT_TYPES
from workflows.messages import N_, Message  # noqa: F401  (re-exported: the parser's callers)

# The longest text of a kind's own declaration fields (a disease, an incident's equipment…):
# shorter than a free text (``workflows.inputs.TEXT_MAX``), as the papers print them in a line.
DECLARED_TEXT_MAX = 2000

# An input required exactly when the declarer's labour relation is true (the wage a claim is
# computed from: a worker without a labour relation has no employer-paid wage to declare).
WITH_LABOUR_RELATION = "with_labour_relation"

# The kinds an :class:`Input` may be, each parsed by ``workflows.fields``:
#   text      a string, stripped; ``limit`` is the longest accepted (counted before stripping;
#             default: any text's, ``workflows.inputs.TEXT_MAX``)
#   code      a short string (``limit``), stripped
#   reference a value the app looks up (a commune code), passed on as sent
#   case_code a case code such as HP-2026-I000123, upper-cased
#   date      an ISO date (YYYY-MM-DD), from DATE_MIN to DATE_MAX (``workflows.inputs``)
#   moment    an ISO 8601 date and time with its offset, its day from DATE_MIN to DATE_MAX
#   choice    one of ``choices``
#   digits    exactly ``digits`` ASCII digits, as text
#   money     whole đồng, from ``minimum`` (default 1) to ``maximum``
#   count     a whole number from ``minimum`` to ``maximum``
#   flag      a JSON boolean (true or false, nothing that merely looks like one)
#   phone     a telephone number: 8 to 15 ASCII digits, an optional leading "+", spaces, dots,
#             dashes and brackets between them (kept without the separators)
INPUT_KINDS = ("text", "code", "reference", "case_code", "date", "moment", "choice", "digits",
               "money", "count", "flag", "phone")  # fmt: skip


@dataclass(frozen=True)
class Input:
    """One input of a declaration body beyond the kind's own ``declaration_fields``.

    ``required`` is True, False or :data:`WITH_LABOUR_RELATION`; ``missing`` is the message
    when a required input is blank, ``invalid`` when a given one is wrong (when empty: the
    parser's usual message for the kind). ``default`` is the value of an optional input that is
    not sent (None: it is left out of the parsed body). ``on_item`` reports a victim's error on
    the victim itself (``victims.0``) rather than on the input. ``multiline`` asks forms for a
    text area.
    """

    name: str
    kind: str
    label_vi: str = ""
    label_en: str = ""
    required: bool | str = True
    missing: str = ""
    invalid: str = ""
    limit: int | None = None
    choices: tuple[str, ...] = ()
    digits: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    default: Any = None
    on_item: bool = False
    multiline: bool = False
    # A ``code`` input's code list (``CodeEntry.list_name``); the parser asks the caller's
    # ``code_exists`` whether a code is in it.
    code_list: str | None = None

    def required_for(self, labour_relation: bool | None) -> bool:
        if self.required == WITH_LABOUR_RELATION:
            return bool(labour_relation)
        return bool(self.required)

    @property
    def bounds(self) -> Bounds:
        """The kind's bounds (``workflows.inputs.KIND_BOUNDS``; money from 1) with the input's
        own ``limit``, ``minimum`` and ``maximum``."""
        base = kind_bounds(self.kind)
        if self.kind == "money":
            base = base.narrowed(minimum=1)
        return base.narrowed(max_length=self.limit, minimum=self.minimum, maximum=self.maximum)


@dataclass(frozen=True)
class Declarer:
    """A role that may declare the kind, the labour relation its declarations carry (None: the
    kind has none, e.g. a technical incident) and the message when a body claims another."""

    role: str
    labour_relation: bool | None
    other_relation: str = ""


# Rules a :class:`Check` may apply to a parsed value.
CHECK_RULES = ("not_future", "from_year", "between", "some_positive")


@dataclass(frozen=True)
class Check:
    """A rule on one parsed value (an input or one of the kind's own fields).

    ``not_future``: a moment after now, or a date after today in Vietnam, is refused;
    ``from_year``: a date before ``bounds[0]``-01-01 is refused; ``between``: a number outside
    ``bounds`` (both included) is refused; ``some_positive``: ``field`` and the inputs named in
    ``others`` may not all be 0 (a quick notice's casualties: someone was hurt or died), the
    error reported on ``field``.
    """

    field: str
    rule: str
    message: str
    bounds: tuple[int, ...] = ()
    others: tuple[str, ...] = ()


@dataclass(frozen=True)
class NoticeSpec:
    """The quick notice (báo tin nhanh) of a kind: the few facts a declarer gives by the
    fastest means at once, before the full declaration (Law 84/2015 Art. 34(1)(b),(d); Decree
    39/2016 Art. 10(1)(a): "khai báo ngay ... bằng cách nhanh nhất").

    A notice creates the case in ``state`` (not the kind's initial state) and the declarer
    completes it into the full declaration with the trigger ``completed_by``, whose payload is
    the kind's full declaration body (what ``POST /cases`` takes, ``kind`` aside). ``inputs``
    and ``checks`` are the notice's own (parsed as a declaration's are); ``counts`` maps each
    count input to the victim outcome it counts (``deaths`` → ``death``…): until the victims
    are declared, the case is classified from these counts, so the legal clock and the
    immediate notices start with the notice.
    """

    state: str
    completed_by: str
    inputs: tuple[Input, ...]
    counts: Mapping[str, str]
    checks: tuple[Check, ...] = ()

    def outcomes(self, notice: Mapping[str, Any]) -> list[str]:
        """The victims' outcomes a stored notice stands for: one per person counted (a
        notice of 1 dead and 2 seriously injured: ``["death", "serious", "serious"]``)."""
        found: list[str] = []
        for name, outcome in self.counts.items():
            found += [outcome] * int(notice.get(name) or 0)
        return found

    def problems(self) -> list[str]:
        """Every inconsistency of the notice's own inputs and counts."""
        problems = _input_problems(self.inputs, "notice input", taken=set())
        names = {i.name for i in self.inputs}
        for name, outcome in self.counts.items():
            found = next((i for i in self.inputs if i.name == name), None)
            if found is None or found.kind != "count":
                problems.append(f"notice count {name!r} is not a count input")
            if outcome not in OUTCOMES:
                problems.append(f"notice count {name!r} counts no outcome ({outcome!r})")
        if not self.counts:
            problems.append("a notice counts nobody")
        for check in self.checks:
            for name in (check.field, *check.others):
                if name not in names:
                    problems.append(f"notice check on unknown input {name!r}")
            if check.rule not in CHECK_RULES:
                problems.append(f"notice check on {check.field!r} has unknown rule {check.rule!r}")
        return problems


@dataclass(frozen=True)
class DeclarationSpec:
    """How a kind is declared.

    ``inputs`` are the common inputs of the body; ``aliases`` map another name a body may use
    for one of the kind's own fields to that field (an error is reported under the name the
    caller used); ``checks`` refine parsed values; ``states_labour_relation`` lets the body say
    ``labour_relation`` (checked against the declarer's); ``victims`` is the shape of each victim
    (empty: the kind lists none), ``victims_keys`` the body keys that may hold them (the first
    present wins) and ``default_outcome`` the outcome of a victim sent without one;
    ``occurred_on`` names a date field whose Vietnam midnight stands in for ``occurred_at``;
    ``notice`` is the kind's quick notice, if it has one (:class:`NoticeSpec`).
    The kind's own fields are bounded by their ``Field.bounds``.
    """

    declarers: tuple[Declarer, ...]
    inputs: tuple[Input, ...] = ()
    aliases: Mapping[str, str] = field(default_factory=dict)
    checks: tuple[Check, ...] = ()
    states_labour_relation: bool = False
    victims: tuple[Input, ...] = ()
    victims_keys: tuple[str, ...] = ("victims",)
    default_outcome: str | None = None
    occurred_on: str | None = None
    notice: NoticeSpec | None = None

    def may_declare(self, role: str | None) -> bool:
        """Whether a user holding ``role`` may declare this kind."""
        return any(d.role == role for d in self.declarers)

    def declarer(self, role: str) -> Declarer:
        """:raises KeyError: for a role that may not declare this kind."""
        for declarer in self.declarers:
            if declarer.role == role:
                return declarer
        raise KeyError(role)

    def labour_relation(self, role: str) -> bool | None:
        """The labour relation a declaration by ``role`` carries.

        :raises KeyError: for a role that may not declare this kind.
        """
        return self.declarer(role).labour_relation

    def declarer_of(self, labour_relation: bool | None) -> str:
        """The role whose declarations carry ``labour_relation`` (the first declarer when none
        does): who declared a case recorded before the declarer's role was kept."""
        for declarer in self.declarers:
            if declarer.labour_relation is labour_relation:
                return declarer.role
        return self.declarers[0].role

    def input(self, name: str) -> Input | None:
        return next((i for i in self.inputs if i.name == name), None)

    def problems(self, own_fields: tuple[Any, ...], roles: tuple[str, ...]) -> list[str]:
        """Every inconsistency of the spec, given the kind's own fields and the known roles."""
        problems: list[str] = []
        if not self.declarers:
            problems.append("nobody may declare it")
        seen_roles = [d.role for d in self.declarers]
        for role in seen_roles:
            if role not in roles:
                problems.append(f"unknown declarer role {role!r}")
        if len(set(seen_roles)) != len(seen_roles):
            problems.append("a declarer is listed twice")
        own = {f.name for f in own_fields}
        problems += _input_problems(self.inputs, "input", taken=own)
        problems += _input_problems(self.victims, "victim input", taken=set())
        names = own | {i.name for i in self.inputs}
        for alias, name in self.aliases.items():
            if name not in own:
                problems.append(f"alias {alias!r} names no field of the kind ({name!r})")
        for check in self.checks:
            if check.field not in names:
                problems.append(f"check on unknown field {check.field!r}")
            if check.rule not in CHECK_RULES:
                problems.append(f"check on {check.field!r} has unknown rule {check.rule!r}")
        if self.occurred_on is not None and self.occurred_on not in own:
            problems.append(f"occurred_on names no field of the kind ({self.occurred_on!r})")
        if self.states_labour_relation and any(
            d.labour_relation is None or not d.other_relation for d in self.declarers
        ):
            problems.append("a stated labour relation needs each declarer's relation and message")
        if self.default_outcome is not None and self.default_outcome not in OUTCOMES:
            problems.append(f"default outcome {self.default_outcome!r} is not an outcome")
        if self.default_outcome is not None and not self.victims:
            problems.append("a default outcome without victims")
        return problems + self._notice_problems()

    def _notice_problems(self) -> list[str]:
        if self.notice is None:
            return []
        problems = self.notice.problems()
        if not self.victims:
            problems.append("a quick notice counts victims: the kind must list them")
        return problems


def _input_problems(inputs: tuple[Input, ...], what: str, *, taken: set[str]) -> list[str]:
    problems: list[str] = []
    names: set[str] = set()
    for i in inputs:
        if i.name in names or i.name in taken:
            problems.append(f"{what} {i.name!r} declared twice")
        names.add(i.name)
        if i.kind not in INPUT_KINDS:
            problems.append(f"{what} {i.name!r} has unknown kind {i.kind!r}")
        if (i.kind == "choice") != bool(i.choices):
            problems.append(f"{what} {i.name!r}: choices go with the kind 'choice' only")
        if (i.kind == "digits") != (i.digits is not None):
            problems.append(f"{what} {i.name!r}: digits go with the kind 'digits' only")
        if i.required not in (True, False, WITH_LABOUR_RELATION):
            problems.append(f"{what} {i.name!r} has unknown required {i.required!r}")
        if i.default is not None and i.required is not False:
            problems.append(f"{what} {i.name!r}: a default goes with an optional input only")
        if i.kind == "choice" and i.default is not None and i.default not in i.choices:
            problems.append(f"{what} {i.name!r}: its default is not one of its choices")
        if i.code_list is not None and i.kind != "code":
            problems.append(f"{what} {i.name!r}: code_list goes with the kind 'code' only")
        if i.kind == "flag" and i.default not in (None, True, False):
            problems.append(f"{what} {i.name!r}: a flag's default is true or false")
    return problems


# -- the common inputs --------------------------------------------------------------------------

# A person's gender as recorded (Vietnamese, English labels); the keys are the accepted values.
GENDER_LABELS = {"male": ("Nam", "Male"), "female": ("Nữ", "Female"), "other": ("Khác", "Other")}
GENDERS = tuple(GENDER_LABELS)
# Labour Code 2019 Art. 143 (and Decree 143/2024 for voluntary insurance): a worker is at least
# 15 on the day of the accident; an age above MAX_AGE is taken for a typing mistake.
MIN_WORKING_AGE = 15
MAX_AGE = 100

MOMENT_MISSING = N_("Bắt buộc nhập ngày giờ (ISO 8601 có múi giờ).")
MOMENT_INVALID = N_("Ngày giờ không hợp lệ (ISO 8601 có múi giờ).")
MOMENT_NAIVE = N_("Ngày giờ phải có múi giờ, ví dụ +07:00.")
ITEM_TEXT = N_("Nghề nghiệp và mô tả thương tích phải là văn bản.")
WAGE_INVALID = N_("Tiền lương phải là số nguyên đồng lớn hơn 0.")
NO_VICTIMS = N_("Cần ít nhất một nạn nhân.")
VICTIM_NOT_AN_OBJECT = N_("Mỗi nạn nhân phải là một đối tượng.")
VICTIM_TWICE = N_("Một người không thể được khai báo hai lần trong cùng vụ.")
BORN_AFTER = N_("Ngày sinh phải trước ngày xảy ra tai nạn.")
TOO_YOUNG = N_(
    "Người lao động phải từ đủ %(age)s tuổi trở lên khi xảy ra tai nạn.", age=MIN_WORKING_AGE
)
TOO_OLD = N_("Ngày sinh không hợp lý.")
OCCURRED_IN_FUTURE = N_("Thời điểm xảy ra không được ở tương lai.")


def occurred_at(*, required: bool = True) -> Input:
    return Input("occurred_at", "moment", "Thời điểm xảy ra", "When it happened",
                 required=required, missing=MOMENT_MISSING, invalid=MOMENT_INVALID)  # fmt: skip


def commune_code(*, required: bool = False, missing: str = "") -> Input:
    """The commune where it happened; when not required, the enterprise's by default."""
    return Input("commune_code", "reference", "Xã/phường nơi xảy ra", "Commune",
                 required=required, missing=missing)  # fmt: skip


# Where an accident happened (Vietnamese, English labels), keyed by the values
# ``workflows.law.compensation`` computes with: at work (Law 84/2015 Art. 38), or on the way
# between home and work (Art. 39(1); for insurance Art. 45(1)(c)).
ACCIDENT_TYPE_LABELS = {
    "at_work": ("Tai nạn tại nơi làm việc / trong giờ làm việc", "At work / during working hours"),
    "commuting": ("Tai nạn trên đường đi và về", "On the way to or from work"),
}
THIRD_PARTY_LABELS = (
    "Do người thứ ba hoặc không xác định được người gây ra",
    "Caused by a third party or an unknown person",
)
# An accident declared before its type was recorded, or sent without one, happened at work.
DEFAULT_ACCIDENT_TYPE = "at_work"
ACCIDENT_TYPE_INVALID = N_(
    "Loại tai nạn phải là at_work (tại nơi làm việc) hoặc commuting (trên đường đi và về)."
)


def accident_type() -> Input:
    """At work or commuting: a commuting accident is the employer's to compensate only when a
    third party or an unknown person caused it (Art. 39(1))."""
    return Input("accident_type", "choice", "Loại tai nạn", "Type of accident", required=False,
                 choices=ACCIDENT_TYPES, default=DEFAULT_ACCIDENT_TYPE,
                 invalid=ACCIDENT_TYPE_INVALID)  # fmt: skip


def third_party() -> Input:
    """Whether a third party or an unknown person caused the accident (what decides a
    commuting accident's allowance, Art. 39(1))."""
    return Input("third_party", "flag", *THIRD_PARTY_LABELS, required=False, default=False)


def location(*, required: bool = True) -> Input:
    return Input("location", "text", "Nơi xảy ra", "Location", required=required, limit=300)


def description(*, required: bool = True) -> Input:
    return Input("description", "text", "Diễn biến", "Description", required=required,
                 limit=5000, multiline=True)  # fmt: skip


# The shape of one victim (or, for a disease, one worker concerned), in the order forms show it.
VICTIM = (
    # Limits are the stored columns' (victim.full_name, victim.occupation: 200 characters).
    Input("full_name", "text", "Họ và tên", "Full name", limit=200,
          missing=N_("Bắt buộc nhập họ tên."), invalid=N_("Bắt buộc nhập họ tên.")),
    Input("birth_date", "date", "Ngày sinh", "Birth date",
          missing=N_("Bắt buộc nhập ngày (YYYY-MM-DD)."),
          invalid=N_("Ngày không hợp lệ (YYYY-MM-DD).")),
    Input("gender", "choice", "Giới tính", "Gender", choices=GENDERS,
          missing=N_("Giới tính phải là male, female hoặc other."),
          invalid=N_("Giới tính phải là male, female hoặc other.")),
    Input("national_id", "digits", "Số CCCD (12 chữ số)", "National ID number (12 digits)",
          digits=12, missing=N_("Số CCCD phải gồm đúng 12 chữ số."),
          invalid=N_("Số CCCD phải gồm đúng 12 chữ số.")),
    Input("occupation", "text", "Nghề nghiệp", "Occupation", required=False, limit=200,
          invalid=ITEM_TEXT, on_item=True),
    # The occupation as a code of the Vietnamese occupation list (Decision 34/2020/QĐ-TTg),
    # which the statistics count by; the free text above stays.
    Input("occupation_code", "code", "Mã nghề nghiệp (Danh mục nghề nghiệp Việt Nam)",
          "Occupation code (Vietnamese occupation list)", required=False, limit=20,
          invalid=N_("Mã nghề nghiệp không hợp lệ."), code_list="occupation"),
    Input("outcome", "choice", "Hậu quả", "Outcome", choices=tuple(OUTCOME_LABELS),
          missing=N_("Hậu quả phải là death, serious hoặc light."),
          invalid=N_("Hậu quả phải là death, serious hoặc light.")),
    # Wages are capped where the calculators cap them (``workflows.inputs.MAX_WAGE_VND``).
    Input("monthly_wage_vnd", "money", "Lương bình quân 6 tháng trước tai nạn (đồng)",
          "Average wage of the 6 months before the accident (đồng)",
          required=WITH_LABOUR_RELATION, missing=N_("Bắt buộc nhập tiền lương (đồng)."),
          invalid=WAGE_INVALID, maximum=MAX_WAGE_VND),
    Input("insured_wage_vnd", "money", "Lương đóng BHXH (đồng, nếu khác)",
          "Wage for social insurance (đồng, if different)", required=False,
          invalid=WAGE_INVALID, maximum=MAX_WAGE_VND),
    Input("si_number", "digits", "Mã số BHXH (nếu có)", "Social insurance number (if any)",
          required=False, digits=10, invalid=N_("Mã số BHXH gồm 10 chữ số.")),
    Input("si_years", "count", "Số năm đóng BHXH (nếu có)",
          "Years of social insurance contributions (if any)", required=False,
          minimum=0, maximum=60,
          invalid=N_("Số năm đóng BHXH phải là số nguyên từ 0 đến 60.")),
    Input("injury_description", "text", "Mô tả thương tích", "Description of the injuries",
          required=False, invalid=ITEM_TEXT, on_item=True, multiline=True, limit=2000),
)  # fmt: skip


# -- the quick notice's own inputs --------------------------------------------------------------

# The most people one notice may count in each outcome: a typing slip beyond it, not a
# disaster the form should take (the largest Vietnamese mine accidents counted tens).
NOTICE_COUNT_MAX = 500
COUNT_INVALID = N_("Số người phải là số nguyên từ 0 đến %(max)s.", max=NOTICE_COUNT_MAX)
NOBODY_HURT = N_("Tin báo phải có ít nhất một người chết hoặc bị thương.")
PHONE_INVALID = N_("Số điện thoại không hợp lệ (8 đến 15 chữ số, ví dụ 0912 345 678).")


def casualties(name: str, label_vi: str, label_en: str) -> Input:
    """How many people a notice counts with one outcome (0 when not sent)."""
    return Input(name, "count", label_vi, label_en, required=False, default=0, minimum=0,
                 maximum=NOTICE_COUNT_MAX, invalid=COUNT_INVALID)  # fmt: skip


def reporter_name() -> Input:
    return Input("reporter_name", "text", "Người báo tin (họ tên, chức vụ)",
                 "Reported by (name, position)", limit=200,
                 missing=N_("Bắt buộc nhập họ tên người báo tin."))  # fmt: skip


def contact_phone() -> Input:
    return Input("contact_phone", "phone", "Số điện thoại liên hệ", "Contact phone",
                 missing=N_("Bắt buộc nhập số điện thoại liên hệ."),
                 invalid=PHONE_INVALID)  # fmt: skip
