"""Vietnamese texts of notifications, keyed by the workflow's notice events.

Workflow definitions name an event (``accident.declared_fatal``); this table turns it
into a subject and a body. An event without its own text gets the generic one, so a new
notice in a workflow file never fails to send.
"""

from __future__ import annotations

GENERIC = (
    "[SafeCase] Vụ việc {case_code}: cập nhật mới",
    "Vụ việc {case_code} vừa có thao tác «{trigger}» do {actor} thực hiện.",
)

MESSAGES: dict[str, tuple[str, str]] = {
    "accident.declared_fatal": (
        "[KHẨN] Tai nạn lao động chết người / nhiều người bị nặng — {case_code}",
        "Vụ tai nạn {case_code} vừa được khai báo. Theo Nghị định 39/2016 Điều 11, thanh tra "
        "phải có mặt tại hiện trường trong vòng 2 giờ. Người khai báo: {actor}.",
    ),
    "accident.announced": (
        "[SafeCase] Đã công bố biên bản điều tra — {case_code}",
        "Biên bản điều tra vụ {case_code} đã được công bố. Các hồ sơ bồi thường, trợ cấp "
        "(nếu có) đã được mở.",
    ),
    "claim.payment_due": (
        "[SafeCase] Hạn thanh toán bồi thường — {case_code}",
        "Hồ sơ {case_code}: người sử dụng lao động phải thanh toán bồi thường, trợ cấp trong "
        "5 ngày (Luật ATVSLĐ Điều 38 khoản 7).",
    ),
    "claim.insurance_filed": (
        "[SafeCase] Hồ sơ hưởng chế độ TNLĐ đã nộp — {case_code}",
        "Doanh nghiệp đã nộp hồ sơ BHXH cho {case_code}. Cơ quan BHXH giải quyết trong 10 "
        "ngày (Luật ATVSLĐ Điều 59 khoản 2).",
    ),
    "task.overdue": (
        "[SafeCase] Quá hạn: {title} — {case_code}",
        "Việc «{title}» của vụ {case_code} đã quá hạn ({due}).",
    ),
    "task.reminder": (
        "[SafeCase] Sắp đến hạn: {title} — {case_code}",
        "Việc «{title}» của vụ {case_code} đến hạn lúc {due}.",
    ),
}


def render(event: str, values: dict) -> tuple[str, str]:
    subject, body = MESSAGES.get(event, GENERIC)
    safe = _Defaults(values)
    return subject.format_map(safe), body.format_map(safe)


class _Defaults(dict):
    def __missing__(self, key: str) -> str:
        return ""
