"""Vietnamese texts of notifications and emails, keyed by notice event.

The workflow definitions decide *who* is told *when* (their ``Notify`` entries name an
event, the recipient roles and whether the notice is legally immediate); this table only
turns an event into words. The deadline scan adds three events of its own
(``task.reminder``, ``task.overdue``, ``task.escalated``). Every subject names the case
code; urgent notices are prefixed ``[KHẨN]``. An event without its own text gets the
generic one, so a new notice in a workflow file never fails to send — and a test checks
that every event the workflows emit has its own text.

Values available to every text: ``case_code``, ``trigger``, ``actor`` (from the outbox
payload); task events add ``title``, ``due`` (dd/mm/yyyy HH:MM, Vietnam time) and
``deadline`` (the statutory limit's name).

A notice goes to every role the workflow names, the trade union included, so ``MESSAGES``
never tells medical detail. Where the roles with medical access are better served by a text
that does (the capacity-loss band), ``MEDICAL_MESSAGES`` holds it; the dispatcher picks the
text per recipient as ``app.services.privacy`` says (``render(..., medical=...)``).
"""

from __future__ import annotations

PREFIX = "[SafeCase] "
URGENT_PREFIX = "[KHẨN] "

GENERIC = (
    "Vụ việc {case_code}: cập nhật mới",
    "Vụ việc {case_code} vừa có thao tác «{trigger}» do {actor} thực hiện.",
)

MESSAGES: dict[str, tuple[str, str]] = {
    # -- accident ---------------------------------------------------------------------------
    "accident.declared_immediate": (
        "Tai nạn lao động chết người hoặc từ 2 người bị thương nặng — {case_code}",
        "Vụ tai nạn lao động {case_code} vừa được khai báo: có người chết hoặc từ hai người "
        "bị thương nặng trở lên. Đoàn thanh tra phải có mặt tại hiện trường trong "
        "{scene_arrival_hours:02d} giờ kể từ "
        "khi nhận tin báo (Nghị định 39/2016/NĐ-CP Điều 11 khoản 2). Người khai báo: {actor}.",
    ),
    "accident.declared": (
        "Khai báo tai nạn lao động mới — {case_code}",
        "Vụ tai nạn lao động {case_code} vừa được khai báo bởi {actor}. Vui lòng xem thông tin "
        "khai báo và thực hiện bước tiếp theo theo thẩm quyền.",
    ),
    "accident.notified_immediate": (
        "Báo tin nhanh: tai nạn lao động chết người hoặc từ 2 người bị thương nặng — {case_code}",
        "{actor} vừa báo tin nhanh vụ tai nạn lao động {case_code}: có người chết hoặc từ hai "
        "người bị thương nặng trở lên. Đoàn thanh tra phải có mặt tại hiện trường trong "
        "{scene_arrival_hours:02d} giờ kể từ khi nhận tin báo (Nghị định 39/2016/NĐ-CP Điều 11 "
        "khoản 2). Thời gian, địa điểm, số người bị nạn và số điện thoại liên hệ có trên trang "
        "vụ việc; bản khai báo đầy đủ sẽ được hoàn thiện sau.",
    ),
    "accident.notified": (
        "Báo tin nhanh tai nạn lao động — {case_code}",
        "{actor} vừa báo tin nhanh vụ tai nạn lao động {case_code}. Thời gian, địa điểm, số "
        "người bị nạn và số điện thoại liên hệ có trên trang vụ việc; bản khai báo đầy đủ sẽ "
        "được hoàn thiện sau.",
    ),
    "accident.declaration_completed": (
        "Đã hoàn thiện khai báo sau báo tin nhanh — {case_code}",
        "Vụ tai nạn lao động {case_code} đã được khai báo đầy đủ ({actor}), sau tin báo nhanh. "
        "Vui lòng xem thông tin khai báo và thực hiện bước tiếp theo theo thẩm quyền.",
    ),
    "accident.investigation_opened": (
        "Đã thành lập đoàn điều tra — {case_code}",
        "Đoàn điều tra vụ tai nạn {case_code} đã được thành lập ({actor}). Thời hạn điều tra "
        "tính theo Luật An toàn, vệ sinh lao động Điều 35 khoản 6.",
    ),
    "accident.recorded": (
        "UBND cấp xã đã lập biên bản ghi nhận sự việc — {case_code}",
        "UBND cấp xã đã lập biên bản ghi nhận sự việc cho vụ tai nạn {case_code} ({actor}).",
    ),
    "accident.rejected": (
        "Khai báo không được thụ lý — {case_code}",
        "Khai báo tai nạn {case_code} không được thụ lý ({actor}). Xem lý do trong hồ sơ vụ việc.",
    ),
    "accident.deadline_extended": (
        "Gia hạn thời hạn điều tra — {case_code}",
        "Thời hạn điều tra vụ tai nạn {case_code} đã được gia hạn một lần ({actor}).",
    ),
    "accident.referred_to_police": (
        "Chuyển hồ sơ sang cơ quan công an — {case_code}",
        "Vụ tai nạn {case_code} có dấu hiệu tội phạm và đã được chuyển cơ quan công an "
        "({actor}). Thời hạn điều tra tạm dừng.",
    ),
    "accident.resumed": (
        "Tiếp tục điều tra — {case_code}",
        "Cơ quan công an đã trả hồ sơ vụ tai nạn {case_code}; việc điều tra được tiếp tục và "
        "thời hạn điều tra tính lại ({actor}).",
    ),
    "accident.death_recorded": (
        "Nạn nhân đã tử vong — {case_code}",
        "Vụ tai nạn {case_code} có nạn nhân tử vong ({actor}). Vụ việc trở thành tai nạn lao "
        "động chết người, do cấp tỉnh điều tra; thời hạn điều tra đã được tính lại.",
    ),
    "accident.concluded": (
        "Đã lập biên bản điều tra — {case_code}",
        "Đoàn điều tra đã lập biên bản điều tra vụ tai nạn {case_code} ({actor}).",
    ),
    "accident.announced": (
        "Đã công bố biên bản điều tra — {case_code}",
        "Biên bản điều tra vụ {case_code} đã được công bố. Các hồ sơ bồi thường, trợ cấp "
        "(nếu có) đã được mở.",
    ),
    "accident.reopened": (
        "Điều tra lại — {case_code}",
        "Vụ tai nạn {case_code} được điều tra lại theo khiếu nại ({actor}); biên bản cũ không "
        "còn hiệu lực.",
    ),
    "accident.closed": (
        "Đã đóng vụ việc — {case_code}",
        "Vụ tai nạn {case_code} đã được đóng ({actor}).",
    ),
    # -- claim ------------------------------------------------------------------------------
    "claim.compensation_due": (
        "Hạn chi trả bồi thường, trợ cấp — {case_code}",
        "Hồ sơ {case_code}: người sử dụng lao động phải chi trả bồi thường, trợ cấp trong "
        "{compensation_due_days:02d} ngày (Luật An toàn, vệ sinh lao động Điều 38 khoản 7).",
    ),
    "claim.not_eligible": (
        "Đã có kết luận giám định y khoa — {case_code}",
        "Hồ sơ {case_code}: Hội đồng giám định y khoa đã có kết luận ({actor}). Vui lòng xem "
        "hồ sơ và thực hiện bước tiếp theo theo thẩm quyền.",
    ),
    "claim.payment_recorded": (
        "Doanh nghiệp đã ghi nhận chi trả bồi thường — {case_code}",
        "Hồ sơ {case_code}: doanh nghiệp đã ghi nhận khoản chi trả bồi thường, trợ cấp "
        "({actor}). Vui lòng xác nhận với người lao động hoặc thân nhân.",
    ),
    "claim.receipt_confirmed": (
        "Công đoàn đã xác nhận việc nhận tiền — {case_code}",
        "Hồ sơ {case_code}: công đoàn xác nhận tiền bồi thường, trợ cấp đã đến tay người lao "
        "động hoặc thân nhân ({actor}).",
    ),
    "claim.insurance_filed": (
        "Hồ sơ hưởng chế độ TNLĐ đã nộp — {case_code}",
        "Doanh nghiệp đã nộp hồ sơ BHXH cho {case_code}. Cơ quan BHXH giải quyết trong "
        "{insurance_decision_days} ngày (Luật An toàn, vệ sinh lao động Điều 59 khoản 2).",
    ),
    "claim.insurance_approved": (
        "BHXH chấp thuận hồ sơ hưởng chế độ — {case_code}",
        "Cơ quan BHXH đã chấp thuận hồ sơ hưởng chế độ tai nạn lao động, bệnh nghề nghiệp "
        "{case_code} ({actor}). Xem số tiền được hưởng trong hồ sơ.",
    ),
    "claim.insurance_refused": (
        "BHXH từ chối hồ sơ hưởng chế độ — {case_code}",
        "Cơ quan BHXH đã từ chối hồ sơ hưởng chế độ tai nạn lao động, bệnh nghề nghiệp "
        "{case_code} ({actor}). Lý do được ghi trong hồ sơ (Luật An toàn, vệ sinh lao động "
        "Điều 59 khoản 2).",
    ),
    "claim.reassessed": (
        "Có kết luận giám định lại — {case_code}",
        "Hồ sơ {case_code}: đã ghi nhận kết luận giám định lại ({actor}); mức hưởng được tính "
        "lại từ tháng có kết luận mới và cơ quan BHXH giải quyết lại (Luật An toàn, vệ sinh "
        "lao động Điều 47, 50).",
    ),
    "claim.item_requested": (
        "Đề nghị thêm khoản trợ cấp — {case_code}",
        "Hồ sơ {case_code}: doanh nghiệp đề nghị thêm một khoản trợ cấp bảo hiểm tai nạn lao "
        "động ({actor}); cơ quan BHXH giải quyết cùng hồ sơ.",
    ),
    "claim.closed": (
        "Đã đóng hồ sơ bồi thường — {case_code}",
        "Hồ sơ bồi thường, trợ cấp {case_code} đã được đóng ({actor}).",
    ),
    # -- disease ----------------------------------------------------------------------------
    "disease.declared": (
        "Khai báo bệnh nghề nghiệp mới — {case_code}",
        "Doanh nghiệp vừa khai báo bệnh nghề nghiệp {case_code} ({actor}). Vui lòng xem xét "
        "xác nhận.",
    ),
    "disease.confirmed": (
        "Đã xác nhận bệnh nghề nghiệp — {case_code}",
        "Bệnh nghề nghiệp {case_code} đã được xác nhận ({actor}); hồ sơ bồi thường, trợ cấp "
        "cho từng người lao động đã được mở.",
    ),
    "disease.rejected": (
        "Không xác nhận bệnh nghề nghiệp — {case_code}",
        "Khai báo bệnh nghề nghiệp {case_code} không được xác nhận ({actor}). Xem lý do trong "
        "hồ sơ.",
    ),
    "disease.closed": (
        "Đã đóng vụ việc bệnh nghề nghiệp — {case_code}",
        "Vụ việc bệnh nghề nghiệp {case_code} đã được đóng ({actor}).",
    ),
    # -- serious technical incident ---------------------------------------------------------
    "incident.declared": (
        "Sự cố kỹ thuật gây mất an toàn nghiêm trọng — {case_code}",
        "Doanh nghiệp vừa khai báo sự cố kỹ thuật gây mất an toàn, vệ sinh lao động nghiêm "
        "trọng {case_code} ({actor}). Vui lòng tổ chức điều tra.",
    ),
    "incident.investigation_opened": (
        "Đã thành lập đoàn điều tra sự cố — {case_code}",
        "Đoàn điều tra sự cố {case_code} đã được thành lập ({actor}).",
    ),
    "incident.rejected": (
        "Khai báo sự cố không được thụ lý — {case_code}",
        "Khai báo sự cố {case_code} không được thụ lý ({actor}). Xem lý do trong hồ sơ.",
    ),
    "incident.concluded": (
        "Đã lập biên bản điều tra sự cố — {case_code}",
        "Đoàn điều tra đã lập biên bản điều tra sự cố {case_code} ({actor}).",
    ),
    "incident.announced": (
        "Đã công bố kết quả điều tra sự cố — {case_code}",
        "Kết quả điều tra sự cố {case_code} đã được công bố ({actor}).",
    ),
    "incident.closed": (
        "Đã đóng vụ việc sự cố — {case_code}",
        "Vụ việc sự cố {case_code} đã được đóng ({actor}).",
    ),
    # -- report ----------------------------------------------------------------------------
    "report.submitted": (
        "Báo cáo định kỳ đã được nộp — {case_code}",
        "Báo cáo định kỳ {case_code} vừa được nộp ({actor}). Vui lòng xem xét, chấp nhận hoặc "
        "trả lại báo cáo kèm lý do.",
    ),
    "report.returned": (
        "Báo cáo định kỳ bị trả lại — {case_code}",
        "Báo cáo định kỳ {case_code} đã bị trả lại ({actor}). Xem lý do trong báo cáo, sửa và "
        "nộp lại.",
    ),
    "report.accepted": (
        "Báo cáo định kỳ đã được chấp nhận — {case_code}",
        "Báo cáo định kỳ {case_code} đã được chấp nhận ({actor}).",
    ),
    # -- deadline scan (app.jobs.deadlines) -------------------------------------------------
    "task.reminder": (
        "Sắp đến hạn: {title} — {case_code}",
        "Việc «{title}» của vụ việc {case_code} đến hạn lúc {due} ({deadline}).",
    ),
    "task.overdue": (
        "Quá hạn: {title} — {case_code}",
        "Việc «{title}» của vụ việc {case_code} đã quá hạn từ {due} ({deadline}). Vui lòng "
        "thực hiện ngay.",
    ),
    "task.escalated": (
        "Báo cáo quá hạn: {title} — {case_code}",
        "Việc «{title}» của vụ việc {case_code} (thuộc trách nhiệm của {role_label}) đã quá "
        "hạn từ {due} ({deadline}). Thông báo gửi cơ quan giám sát để theo dõi, đôn đốc.",
    ),
}

# The same notices as the roles with medical access read them (see the module docstring).
MEDICAL_MESSAGES: dict[str, tuple[str, str]] = {
    "claim.not_eligible": (
        "Suy giảm khả năng lao động dưới 5% — {case_code}",
        "Hồ sơ {case_code}: kết quả giám định dưới 5%, chỉ phát sinh chi phí điều trị và tiền "
        "lương trong thời gian điều trị ({actor}).",
    ),
}

FOOTER = "\n\n— SafeCase: thông báo tự động, vui lòng không trả lời email này."
MUTE_HINT = "\nBạn có thể tắt email cho các thông báo không khẩn tại trang Thông báo của SafeCase."


def in_app_subject(subject: str) -> str:
    """A stored subject as the notifications page shows it: without the email's tags
    ("[SafeCase] [KHẨN] "), which a mail client needs and the page says with its own badge."""
    for tag in (PREFIX, URGENT_PREFIX, "[URGENT] "):
        subject = subject.removeprefix(tag)
    return subject


# Legal limits quoted in the texts come from the rules table in force, never from the text.
RULE_VALUES = ("scene_arrival_hours", "compensation_due_days", "insurance_decision_days")


def render(
    event: str, values: dict, *, urgent: bool = False, medical: bool = False, lang: str = "vi"
) -> tuple[str, str]:
    """Subject and body of ``event`` with ``values`` filled in (missing values are blank);
    the ``MEDICAL_MESSAGES`` text when there is one and the reader has medical access
    (``medical``); in English (``app/jobs/messages_en.py``) when ``lang`` is "en" — the
    recipient's own choice (``User.locale``).

    ``values`` carries the notice's payload plus the ``RULE_VALUES`` in force.
    """
    if lang == "en":
        from app.jobs import messages_en as texts

        messages, medical_messages, generic = texts.MESSAGES, texts.MEDICAL_MESSAGES, texts.GENERIC
        urgent_prefix = texts.URGENT_PREFIX
        # The deadline scan's English names, falling back to the Vietnamese ones it always has.
        values = {
            **{f"{k}_en": values.get(k) for k in ("title", "deadline", "role_label")},
            **values,
        }
    else:
        messages, medical_messages, generic = MESSAGES, MEDICAL_MESSAGES, GENERIC
        urgent_prefix = URGENT_PREFIX
    found = medical_messages.get(event) if medical else None
    subject, body = found or messages.get(event, generic)
    safe = _Defaults(values)
    prefix = PREFIX + (urgent_prefix if urgent else "")
    return prefix + subject.format_map(safe), body.format_map(safe)


def email_text(body: str, *, urgent: bool, lang: str = "vi") -> str:
    """The plain-text email body: the in-app text plus a footer, in the recipient's language."""
    if lang == "en":
        from app.jobs import messages_en as texts

        return body + texts.FOOTER + ("" if urgent else texts.MUTE_HINT)
    return body + FOOTER + ("" if urgent else MUTE_HINT)


class _Blank:
    """A missing value: blank under any format spec (``{x:02d}`` included)."""

    def __format__(self, spec: str) -> str:
        return ""


class _Defaults(dict):
    def __missing__(self, key: str) -> _Blank:
        return _Blank()
