"""Dated legal parameters (base salary, statutory time limits) and their lookup.

Vietnamese law changes its numbers on fixed dates: the base salary (mức lương cơ sở) is raised by
decree every year or two, and time limits could in principle be amended the same way. Each
parameter is therefore a list of ``(valid_from, value)`` rows, and the value that applies to an
event is the one in force on the event's date (for the base salary, Law 84/2015 Art. 53 uses the
month of death, and the one-time and monthly allowances the month they start, Art. 50). This module
holds the defaults, taken from law.md §3.2, §5, §7 and §13, and a small immutable :class:`RuleBook`
that answers "what was the value on that day?". The database stores administrator-added rows and
calendar adjustments; services load them and build a ``RuleBook.with_rows(...)``, so nothing in
here touches the database.
"""

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from types import MappingProxyType

from workflows.messages import N_

RuleValue = int | str

# Everything procedural dates from the day Law 84/2015 and Decree 39/2016 took effect.
_LAW_IN_FORCE = date(2016, 7, 1)

DEFAULT_RULES: dict[str, list[tuple[date, RuleValue]]] = {
    # Decree 38/2019, 24/2023, 73/2024 and 161/2026; no earlier value is encoded on purpose,
    # so a lookup before 1 July 2019 fails loudly instead of guessing.
    "base_salary_vnd": [
        (date(2019, 7, 1), 1_490_000),
        (date(2023, 7, 1), 1_800_000),
        (date(2024, 7, 1), 2_340_000),
        (date(2026, 7, 1), 2_530_000),
    ],
    "investigation_days.light": [(_LAW_IN_FORCE, 4)],
    "investigation_days.serious_one": [(_LAW_IN_FORCE, 7)],
    "investigation_days.serious_many": [(_LAW_IN_FORCE, 20)],
    "investigation_days.fatal": [(_LAW_IN_FORCE, 30)],
    "investigation_days.technical_exam": [(_LAW_IN_FORCE, 60)],
    "compensation_due_days": [(_LAW_IN_FORCE, 5)],
    "insurance_filing_days": [(_LAW_IN_FORCE, 30)],
    "insurance_decision_days": [(_LAW_IN_FORCE, 10)],
    "complaint_window_days": [(_LAW_IN_FORCE, 90)],
    "complaint_resolution_working_days": [(_LAW_IN_FORCE, 10)],
    "scene_arrival_hours": [(_LAW_IN_FORCE, 2)],
    # UNVERIFIED (law.md §2): the law asks the declaration "at once, by the fastest means" and
    # names no later time for the written Form 01 after a quick notice by phone; SafeCase gives
    # the declarer this many hours from the notice to complete it (an administrator may change it).
    "declaration_completion_hours": [(_LAW_IN_FORCE, 24)],
    "minutes_distribution_working_days": [(_LAW_IN_FORCE, 3)],
    "reminder_before_hours": [(_LAW_IN_FORCE, 24)],
    # UNVERIFIED (law.md §6, §7.2): whether a re-assessment that stays within 5-30 % pays the
    # new one-time allowance less what was already paid ("difference") or in full ("full").
    "reassessment_one_time_settlement": [(_LAW_IN_FORCE, "difference")],
    # UNVERIFIED (law.md §7.2, §14 F11): whether the 3-month lump sum of a worker who settles
    # abroad (Art. 49) counts the Art. 52 serving allowance ("yes") or not ("no").
    "abroad_lump_sum_includes_serving": [(_LAW_IN_FORCE, "no")],
    # UNVERIFIED (law.md §5, §6 are silent): whether a re-assessment finding a higher loss
    # raises the employer's compensation to the new percentage's minimum, the difference owed
    # ("difference"), or compensation stays as first assessed ("none").
    "reassessment_compensation": [(_LAW_IN_FORCE, "none")],
    # The last day to file each periodic report, as MM-DD ("before 5 July" → 07-04); a
    # half-year report is due in its own year, an annual one in the next (law.md §9).
    "report_due.enterprise_accidents.half": [(_LAW_IN_FORCE, "07-04")],
    "report_due.enterprise_accidents.year": [(_LAW_IN_FORCE, "01-09")],
    "report_due.commune_accidents.half": [(_LAW_IN_FORCE, "07-04")],
    "report_due.commune_accidents.year": [(_LAW_IN_FORCE, "01-04")],
    # Directive 31-CT/TW (19/3/2024) targets, % change a year against the year before: the
    # fatal-accident rate down at least 4 %, workers examined for occupational disease and
    # workplaces whose working environment is monitored up at least 5 %. The province's plan
    # may set other figures: administrators change them here (UNVERIFIED for Hải Phòng).
    "target.fatal_rate_pct": [(_LAW_IN_FORCE, -4)],
    "target.od_examinations_pct": [(_LAW_IN_FORCE, 5)],
    "target.monitored_workplaces_pct": [(_LAW_IN_FORCE, 5)],
}

# The values a switch rule may take (what the administrator may enter for it).
RULE_CHOICES: dict[str, tuple[str, ...]] = {
    "reassessment_one_time_settlement": ("difference", "full"),
    "abroad_lump_sum_includes_serving": ("yes", "no"),
    "reassessment_compensation": ("none", "difference"),
}

RULE_DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "base_salary_vnd": (
        N_("Mức lương cơ sở (VND/tháng)"),
        N_("Nghị định 38/2019/NĐ-CP; 24/2023/NĐ-CP; 73/2024/NĐ-CP; 161/2026/NĐ-CP"),
    ),
    "investigation_days.light": (
        N_("Thời hạn điều tra: tai nạn làm bị thương nhẹ (ngày)"),
        N_("Luật ATVSLĐ 84/2015 Điều 35 khoản 6 điểm a"),
    ),
    "investigation_days.serious_one": (
        N_("Thời hạn điều tra: 01 người bị thương nặng (ngày)"),
        N_("Luật ATVSLĐ 84/2015 Điều 35 khoản 6 điểm b"),
    ),
    "investigation_days.serious_many": (
        N_("Thời hạn điều tra: từ 02 người bị thương nặng trở lên (ngày)"),
        N_("Luật ATVSLĐ 84/2015 Điều 35 khoản 6 điểm c"),
    ),
    "investigation_days.fatal": (
        N_("Thời hạn điều tra: tai nạn lao động chết người (ngày)"),
        N_("Luật ATVSLĐ 84/2015 Điều 35 khoản 6 điểm d"),
    ),
    "investigation_days.technical_exam": (
        N_("Thời hạn điều tra: cần giám định kỹ thuật, pháp y (ngày)"),
        N_("Luật ATVSLĐ 84/2015 Điều 35 khoản 6 điểm d"),
    ),
    "compensation_due_days": (
        N_("Thời hạn chi trả bồi thường, trợ cấp (ngày)"),
        N_("Luật ATVSLĐ 84/2015 Điều 38 khoản 7"),
    ),
    "insurance_filing_days": (
        N_("Thời hạn nộp hồ sơ hưởng chế độ BH TNLĐ (ngày)"),
        N_("Luật ATVSLĐ 84/2015 Điều 59 khoản 1"),
    ),
    "insurance_decision_days": (
        N_("Thời hạn cơ quan BHXH giải quyết hồ sơ (ngày)"),
        N_("Luật ATVSLĐ 84/2015 Điều 59 khoản 2"),
    ),
    "complaint_window_days": (
        N_("Thời hạn khiếu nại biên bản điều tra (ngày)"),
        N_("Nghị định 39/2016/NĐ-CP Điều 17"),
    ),
    "complaint_resolution_working_days": (
        N_("Thời hạn giải quyết khiếu nại (ngày làm việc)"),
        N_("Nghị định 39/2016/NĐ-CP Điều 17 khoản 1 điểm a"),
    ),
    "scene_arrival_hours": (
        N_("Thanh tra có mặt tại hiện trường (giờ)"),
        N_("Nghị định 39/2016/NĐ-CP Điều 11 khoản 2"),
    ),
    "declaration_completion_hours": (
        N_("Hoàn thiện khai báo sau khi báo tin nhanh (giờ)"),
        N_(
            "Luật ATVSLĐ 84/2015 Điều 34 khoản 1; Nghị định 39/2016/NĐ-CP Điều 10 khoản 1: khai báo"
            " ngay (thời hạn hoàn thiện: CHƯA KIỂM CHỨNG)"
        ),
    ),
    "minutes_distribution_working_days": (
        N_("Gửi biên bản điều tra sau cuộc họp công bố (ngày làm việc)"),
        N_("Nghị định 39/2016/NĐ-CP Điều 15 khoản 5"),
    ),
    "reminder_before_hours": (
        N_("Nhắc việc trước hạn (giờ)"),
        N_("Quy định nội bộ SafeCase, không phải quy định pháp luật"),
    ),
    "reassessment_one_time_settlement": (
        N_(
            "Giám định lại vẫn hưởng trợ cấp một lần: trả phần chênh lệch (difference) "
            "hay trả đủ mức mới (full)"
        ),
        N_(
            "Luật ATVSLĐ 84/2015 Điều 47, 50 khoản 3; Thông tư 28/2021/TT-BLĐTBXH Điều 9 khoản 2 "
            "(CHƯA KIỂM CHỨNG)"
        ),
    ),
    "abroad_lump_sum_includes_serving": (
        N_("Ra nước ngoài định cư: khoản 3 tháng có tính trợ cấp phục vụ (yes/no)"),
        N_("Luật ATVSLĐ 84/2015 Điều 49, 52 (CHƯA KIỂM CHỨNG)"),
    ),
    "reassessment_compensation": (
        N_(
            "Giám định lại tăng tỷ lệ: bồi thường phần chênh lệch (difference) hay giữ mức đã bồi "
            "thường (none)"
        ),
        N_(
            "Luật ATVSLĐ 84/2015 Điều 38 khoản 4, Điều 47; Thông tư 28/2021/TT-BLĐTBXH "
            "(CHƯA KIỂM CHỨNG)"
        ),
    ),
    "report_due.enterprise_accidents.half": (
        N_("Hạn báo cáo TNLĐ 6 tháng của doanh nghiệp (ngày cuối, MM-DD)"),
        N_("Nghị định 39/2016/NĐ-CP Điều 24(1), Phụ lục XII: trước ngày 05/7"),
    ),
    "report_due.enterprise_accidents.year": (
        N_("Hạn báo cáo TNLĐ năm của doanh nghiệp (ngày cuối năm sau, MM-DD)"),
        N_("Nghị định 39/2016/NĐ-CP Điều 24(1), Phụ lục XII: trước ngày 10/01 năm sau"),
    ),
    "report_due.commune_accidents.half": (
        N_("Hạn báo cáo 6 tháng của UBND xã, người lao động không có quan hệ lao động (MM-DD)"),
        N_("Nghị định 39/2016/NĐ-CP Điều 24(2), Phụ lục XVI: trước ngày 05/7"),
    ),
    "report_due.commune_accidents.year": (
        N_("Hạn báo cáo năm của UBND xã, người lao động không có quan hệ lao động (MM-DD năm sau)"),
        N_("Nghị định 39/2016/NĐ-CP Điều 24(2), Phụ lục XVI: trước ngày 05/01 năm sau"),
    ),
    "target.fatal_rate_pct": (
        N_("Mục tiêu: tần suất TNLĐ chết người thay đổi mỗi năm (%)"),
        N_("Chỉ thị 31-CT/TW ngày 19/3/2024: giảm ít nhất 4 %/năm (kế hoạch của tỉnh: UNVERIFIED)"),
    ),
    "target.od_examinations_pct": (
        N_("Mục tiêu: số người lao động được khám phát hiện bệnh nghề nghiệp thay đổi mỗi năm (%)"),
        N_("Chỉ thị 31-CT/TW ngày 19/3/2024: tăng ít nhất 5 %/năm"),
    ),
    "target.monitored_workplaces_pct": (
        N_("Mục tiêu: số cơ sở được quan trắc môi trường lao động thay đổi mỗi năm (%)"),
        N_("Chỉ thị 31-CT/TW ngày 19/3/2024: tăng ít nhất 5 %/năm"),
    ),
}


def _as_date(value: object, what: str) -> date:
    # A datetime is a date subclass, but comparing one with a date raises TypeError and its
    # calendar day depends on the time zone, so callers must decide the local day first.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{what} must be a datetime.date (Vietnam local day), got {value!r}")
    return value


def _check_value(key: str, value: object) -> RuleValue:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"rule {key!r}: value must be an int or str, got {value!r}")
    return value


class RuleBook:
    """An immutable set of dated rules plus the administrator's holiday adjustments.

    ``RuleBook()`` uses :data:`DEFAULT_RULES`; ``RuleBook(table)`` uses only ``table`` (same
    shape). ``holidays_added`` are extra days off (e.g. a compensatory day the government
    announces late); ``holidays_removed`` are public holidays that are working days after all
    (e.g. a swapped day). Pass both to :mod:`workflows.law.calendar`.
    """

    __slots__ = ("_table", "holidays_added", "holidays_removed")

    def __init__(
        self,
        table: Mapping[str, Iterable[tuple[date, RuleValue]]] | None = None,
        *,
        holidays_added: Iterable[date] = frozenset(),
        holidays_removed: Iterable[date] = frozenset(),
    ) -> None:
        source = DEFAULT_RULES if table is None else table
        built: dict[str, tuple[tuple[date, RuleValue], ...]] = {}
        for key, rows in source.items():
            seen: set[date] = set()
            checked = []
            for valid_from, value in rows:
                valid_from = _as_date(valid_from, f"rule {key!r} valid_from")
                if valid_from in seen:
                    raise ValueError(f"rule {key!r} has two values from {valid_from.isoformat()}")
                seen.add(valid_from)
                checked.append((valid_from, _check_value(key, value)))
            built[key] = tuple(sorted(checked, key=lambda row: row[0]))
        added = frozenset(_as_date(d, "holidays_added item") for d in holidays_added)
        removed = frozenset(_as_date(d, "holidays_removed item") for d in holidays_removed)
        if added & removed:
            both = ", ".join(sorted(d.isoformat() for d in added & removed))
            raise ValueError(f"dates both added and removed as holidays: {both}")
        object.__setattr__(self, "_table", MappingProxyType(built))
        object.__setattr__(self, "holidays_added", added)
        object.__setattr__(self, "holidays_removed", removed)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("RuleBook is immutable; build a new one with RuleBook.with_rows()")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("RuleBook is immutable")

    def __repr__(self) -> str:
        return (
            f"RuleBook({len(self._table)} keys, {len(self.holidays_added)} holidays added, "
            f"{len(self.holidays_removed)} removed)"
        )

    @classmethod
    def with_rows(
        cls,
        rows: Iterable[tuple[str, date, RuleValue]],
        *,
        holidays_added: Iterable[date] = frozenset(),
        holidays_removed: Iterable[date] = frozenset(),
    ) -> "RuleBook":
        """Return a RuleBook of the defaults merged with ``(key, valid_from, value)`` rows.

        A row adds a dated value to its key's history; a row with the same key and
        ``valid_from`` as a default replaces that default (and, among rows, the last one wins).
        :raises ValueError: for a key that has no default, since code would never read it and
            it is almost certainly a typo.
        """
        merged = {key: dict(history) for key, history in DEFAULT_RULES.items()}
        for key, valid_from, value in rows:
            if key not in merged:
                raise ValueError(f"unknown rule key {key!r}")
            merged[key][_as_date(valid_from, f"rule {key!r} valid_from")] = value
        return cls(
            {key: list(history.items()) for key, history in merged.items()},
            holidays_added=holidays_added,
            holidays_removed=holidays_removed,
        )

    def keys(self) -> frozenset[str]:
        """The rule keys this book knows."""
        return frozenset(self._table)

    def history(self, key: str) -> tuple[tuple[date, RuleValue], ...]:
        """All ``(valid_from, value)`` rows of ``key``, oldest first.

        :raises KeyError: for an unknown key.
        """
        return self._table[key]

    def get(self, key: str, on: date) -> RuleValue:
        """The value of ``key`` in force on day ``on`` (the latest ``valid_from <= on``).

        :raises KeyError: for an unknown key.
        :raises LookupError: when no value had come into force yet on that day.
        """
        history = self._table[key]
        on = _as_date(on, "on")
        index = bisect_right([valid_from for valid_from, _ in history], on)
        if index == 0:
            first = history[0][0].isoformat() if history else "never"
            raise LookupError(
                f"no value of rule {key!r} in force on {on.isoformat()} (first valid from {first})"
            )
        return history[index - 1][1]

    def base_salary(self, on: date) -> int:
        """The base salary B (VND per month) in force on day ``on``."""
        value = self.get("base_salary_vnd", on)
        if not isinstance(value, int):
            raise TypeError(f"base_salary_vnd on {on.isoformat()} is not an int: {value!r}")
        return value
