"""Classifying an occupational accident and deriving who investigates and how fast.

Each victim has an outcome: ``"death"``, ``"serious"`` (an injury on the list of Decree
39/2016 Appendix II) or ``"light"`` (anything else), per Decree 39/2016 Art. 9. From the
outcomes we derive the accident's severity; the investigation level under Law 84/2015 Art.
35(1)-(2), Decree 39/2016 Art. 11 and Decree 129/2025 Art. 43(1) (province for fatal or 2+ seriously
injured, enterprise team otherwise, and only a commune record for a single serious or light
injury to a worker without a labour relation); the investigation limit in calendar days under
Art. 35(6); whether that limit may be extended once; and whether the immediate notices of Art.
34(1)(b)/(d) and the two-hour scene visit of Decree 39/2016 Art. 11(2) apply.
"""

from collections.abc import Iterable
from datetime import date

from workflows.law import InvalidInputError
from workflows.law.rules import RuleBook

# How pages and forms name each victim outcome: (Vietnamese, English), in the order forms offer
# them; and how the statutory papers word it (Form 01's "Hậu quả" column).
# A worker with an occupational disease who did not die is not "injured": pages name them so.
DISEASE_OUTCOME_LABEL = ("Mắc bệnh nghề nghiệp", "Has the occupational disease")
OUTCOME_LABELS = {
    "death": ("Tử vong", "Died"),
    "serious": ("Bị thương nặng", "Seriously injured"),
    "light": ("Bị thương nhẹ", "Lightly injured"),
}
# A disease's workers by their recorded outcome (a living one is stored ``serious``): how pages
# and the case history name them.
DISEASE_OUTCOME_LABELS = {
    "death": OUTCOME_LABELS["death"],
    "serious": DISEASE_OUTCOME_LABEL,
    "light": DISEASE_OUTCOME_LABEL,
}
OUTCOME_ON_PAPERS = {"death": "Chết", "serious": "Bị thương nặng", "light": "Bị thương nhẹ"}
OUTCOMES = frozenset(OUTCOME_LABELS)

SEVERITIES = ("fatal", "serious", "light")
# How pages name each severity: (Vietnamese, English); and how the papers' running text does
# ("Tai nạn lao động chết người").
SEVERITY_LABELS = {
    "fatal": ("Chết người", "Fatal"),
    "serious": ("Nặng", "Serious"),
    "light": ("Nhẹ", "Light"),
}
SEVERITY_IN_TEXT = {"fatal": "chết người", "serious": "nặng", "light": "nhẹ"}

# How pages name each investigation level (``investigation_level``): (Vietnamese, English);
# and how the papers state who has authority to investigate.
LEVEL_LABELS = {
    "province": ("Cấp tỉnh (thanh tra)", "Provincial (inspectorate)"),
    "enterprise": ("Cấp cơ sở (doanh nghiệp)", "Enterprise"),
    "commune_record": ("UBND xã ghi nhận", "Commune record"),
}
LEVEL_ON_PAPERS = {
    "province": "Đoàn điều tra cấp tỉnh (Sở Nội vụ)",
    "enterprise": "Đoàn điều tra cấp cơ sở (người sử dụng lao động)",
    "commune_record": "UBND cấp xã lập biên bản ghi nhận sự việc",
}


def _outcomes(outcomes: Iterable[str]) -> tuple[str, ...]:
    # A bare string is iterable too; without this check "death" would be read as five
    # unknown outcomes and give a confusing message.
    if isinstance(outcomes, str):
        raise InvalidInputError(f"outcomes must be a list of outcomes, not the string {outcomes!r}")
    result = tuple(outcomes)
    if not result:
        raise ValueError("an accident needs at least one victim outcome")
    unknown = sorted({repr(o) for o in result if o not in OUTCOMES})
    if unknown:
        raise ValueError(
            f"unknown outcome(s) {', '.join(unknown)}; expected death, serious or light"
        )
    return result


def _is_province_case(outcomes: tuple[str, ...]) -> bool:
    return "death" in outcomes or outcomes.count("serious") >= 2


def severity(outcomes: Iterable[str]) -> str:
    """``"fatal"`` if any victim died, else ``"serious"`` if any is seriously injured, else
    ``"light"`` (Decree 39/2016 Art. 9).

    :raises ValueError: for no outcomes or an unknown outcome.
    """
    checked = _outcomes(outcomes)
    if "death" in checked:
        return "fatal"
    if "serious" in checked:
        return "serious"
    return "light"


def investigation_level(outcomes: Iterable[str], labour_relation: bool) -> str:
    """Who investigates: ``"province"``, ``"enterprise"`` or ``"commune_record"``.

    Fatal or 2+ seriously injured goes to the province whatever the labour relation (Law
    84/2015 Art. 35(2)). Otherwise the employer's own team investigates (Art. 35(1)), or, for a
    worker without a labour relation, the commune only records the event for statistics
    (Art. 35(1) third paragraph, Decree 129/2025 Art. 43(1)).

    :raises ValueError: for no outcomes or an unknown outcome.
    """
    checked = _outcomes(outcomes)
    if _is_province_case(checked):
        return "province"
    return "enterprise" if labour_relation else "commune_record"


def investigation_days(
    outcomes: Iterable[str], needs_technical_exam: bool, rules: RuleBook, on: date
) -> int:
    """The investigation limit in calendar days, in force on ``on`` (Law 84/2015 Art. 35(6)).

    Light 4, one seriously injured 7, two or more 20, fatal 30; any accident needing a technical
    or forensic examination gets 60 whatever its severity, as the law's wording is not limited
    to one severity.

    :raises ValueError: for no outcomes or an unknown outcome.
    :raises LookupError: if the rule has no value in force on ``on``.
    """
    checked = _outcomes(outcomes)
    if needs_technical_exam:
        key = "technical_exam"
    elif "death" in checked:
        key = "fatal"
    elif checked.count("serious") >= 2:
        key = "serious_many"
    elif "serious" in checked:
        key = "serious_one"
    else:
        key = "light"
    value = rules.get(f"investigation_days.{key}", on)
    if not isinstance(value, int):
        raise TypeError(f"investigation_days.{key} is not an int: {value!r}")
    return value


def may_extend(severity: str) -> bool:
    """Whether the investigation limit may be extended (once); never for a light accident
    (Law 84/2015 Art. 35(6), extension applies to points b-d only).

    :raises ValueError: for an unknown severity.
    """
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}; expected fatal, serious or light")
    return severity != "light"


def max_extension_days(original_days: int) -> int:
    """The longest single extension: no more than the original limit (Law 84/2015 Art. 35(6)).

    :raises ValueError: for a non-positive or non-integer limit.
    """
    if isinstance(original_days, bool) or not isinstance(original_days, int) or original_days <= 0:
        raise ValueError(f"original_days must be a positive int, got {original_days!r}")
    return original_days


def needs_immediate_notice(outcomes: Iterable[str]) -> bool:
    """Whether the accident must be notified immediately to the provincial labour authority and
    police, with inspectors at the scene within 2 hours: fatal or 2+ seriously injured (Law
    84/2015 Art. 34(1)(b),(d); Decree 39/2016 Art. 10(1), 11(2); law.md §13 D2, D3, D5).

    :raises ValueError: for no outcomes or an unknown outcome.
    """
    return _is_province_case(_outcomes(outcomes))


def needs_quick_report(outcomes: Iterable[str]) -> bool:
    """Whether the provincial labour authority owes the ministry a quick report (báo cáo nhanh)
    of this accident: fatal, or 2+ seriously injured (Law 84/2015 Art. 36(3)(a); Decree
    39/2016 Art. 24(4)(a) and Appendix XIII, now Decree 129/2025 Appendix II Form No. 06;
    law.md §9). ``outcomes`` are the victims' outcomes as they stand now, so a death recorded
    later (``record_death``) makes an accident qualify. The same accidents need an immediate
    notice and a provincial investigation.

    :raises ValueError: for no outcomes or an unknown outcome.
    """
    return _is_province_case(_outcomes(outcomes))
