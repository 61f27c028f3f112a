"""What each role's help page says (#15: "a short help page per role").

Each role has: the steps of its work, in order, each with the page where it is done (an endpoint
name and arguments); the rules table's keys of the legal limits that bind it (shown with their
value in force today and their legal source, from ``workflows/law/rules.py`` through the
RuleBook — never copied here); and the papers it prints. The texts are (Vietnamese, English).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    text: tuple[str, str]
    endpoint: str | None = None
    args: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RoleHelp:
    intro: tuple[str, str]
    steps: tuple[Step, ...]
    limits: tuple[str, ...]
    papers: tuple[tuple[str, str], ...] = ()


# Limits that are not values of the rules table, stated once here with their source.
FIXED_LIMITS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "declare_fatal": (
        ("Khai báo ngay tai nạn làm chết người hoặc làm bị thương nặng từ 02 người trở lên",
         "Declare at once an accident killing someone or seriously injuring two or more"),
        ("Luật ATVSLĐ 84/2015 Điều 34 khoản 1 điểm b, d; Nghị định 39/2016/NĐ-CP Điều 10 khoản 1",
         "OSH Law 84/2015 Art. 34(1)(b), (d); Decree 39/2016/ND-CP Art. 10(1)"),
    ),
}  # fmt: skip

HELP: dict[str, RoleHelp] = {
    "enterprise": RoleHelp(
        intro=("Doanh nghiệp khai báo tai nạn lao động, bệnh nghề nghiệp và sự cố; điều tra các "
               "vụ cấp cơ sở; bồi thường, trợ cấp cho người lao động; lập hồ sơ BHXH và báo cáo "
               "định kỳ.",
               "Enterprises declare accidents, occupational diseases and incidents; investigate "
               "enterprise-level accidents; pay compensation; file the social-insurance dossier "
               "and the periodic reports."),
        steps=(
            Step(("Khai báo ngay khi xảy ra: Khai báo ▸ tai nạn, bệnh nghề nghiệp hoặc sự cố.",
                  "Declare as soon as it happens: Declare ▸ accident, disease or incident."),
                 "cases.declare"),
            Step(("Chưa có đủ thông tin người bị nạn? Báo tin nhanh ngay (thời gian, địa điểm, số "
                  "người chết, bị thương, số điện thoại), rồi hoàn thiện khai báo trên trang vụ "
                  "việc trước hạn.",
                  "Not all the victims' details yet? Give a quick notice at once (when, where, "
                  "how many dead and injured, a phone number), then complete the declaration "
                  "on the case page before it is due."),
                 "cases.notice"),
            Step(("Vụ cấp cơ sở: thành lập đoàn điều tra, lập biên bản, họp công bố (trang vụ "
                  "việc, mục Thao tác).",
                  "Enterprise-level accidents: form the team, write the minutes, hold the "
                  "announcement meeting (the case page, Actions)."), "cases.index"),
            Step(("Theo dõi từng người lao động: chi phí điều trị, giám định, bồi thường (có thể "
                  "trả nhiều lần), hồ sơ BHXH.",
                  "Follow each worker: treatment costs, assessment, compensation (in instalments "
                  "if need be), the social-insurance dossier."), "claims.my_workers"),
            Step(("Nộp báo cáo định kỳ 6 tháng và năm.", "File the half-year and annual reports."),
                 "reports.index"),
            Step(("Tính thử bồi thường, trợ cấp trước khi ra quyết định.",
                  "Try the compensation calculators before deciding."), "calculations.page"),
        ),
        limits=("declare_fatal", "declaration_completion_hours", "investigation_days.light",
                "investigation_days.serious_one",
                "compensation_due_days", "insurance_filing_days",
                "report_due.enterprise_accidents.half", "report_due.enterprise_accidents.year"),
        papers=(("Mẫu khai báo (Mẫu 01), biên bản điều tra, quyết định bồi thường: nút PDF trên "
                 "trang vụ việc và trang Người lao động của tôi.",
                 "Declaration (Form 01), investigation minutes, compensation decision: the PDF "
                 "buttons on the case page and on My workers."),
                ("Giấy tờ đã phát hành được lưu đúng như lúc phát hành; khi vụ việc thay đổi, "
                 "dùng Phát hành lại (kèm lý do) để có lần phát hành mới — các lần trước vẫn "
                 "xem được.",
                 "An issued paper is kept exactly as issued; when the case changes, Issue again "
                 "(with a reason) makes a new issue — the earlier ones stay readable."),
                ("Đóng vụ việc khi hồ sơ điều tra đủ tài liệu bắt buộc; tài liệu không có thì "
                 "đánh dấu Không áp dụng kèm lý do ở mục Hồ sơ, tài liệu.",
                 "Close a case once its investigation dossier holds every mandatory paper; mark "
                 "a paper that does not apply Not applicable, with a reason, under Documents."),)
    ),
    "inspector": RoleHelp(
        intro=("Thanh tra lao động phân loại, điều tra các vụ cấp tỉnh, công bố kết quả và theo "
               "dõi mọi thời hạn luật định; xem thống kê và báo cáo của thành phố.",
               "Labour inspectors classify, investigate province-level cases, announce the "
               "findings and watch every legal deadline; they read the city's statistics and "
               "reports."),
        steps=(
            Step(("Xem việc cần làm, sắp xếp theo hạn gần nhất.",
                  "See your tasks, soonest due first."), "tasks.inbox"),
            Step(("Có mặt tại hiện trường vụ chết người, thành lập đoàn, lập và công bố biên bản.",
                  "Reach the scene of a fatal accident, form the team, write and announce the "
                  "minutes."), "cases.index"),
            Step(("Xem xét báo cáo định kỳ của doanh nghiệp và xã.",
                  "Review the enterprises' and communes' periodic reports."), "reports.index"),
            Step(("Thống kê, chỉ tiêu Chỉ thị 31-CT/TW và dự báo cuối năm.",
                  "Statistics, the Directive 31-CT/TW targets and the year-end projection."),
                 "statistics.page"),
        ),
        limits=("scene_arrival_hours", "investigation_days.serious_many",
                "investigation_days.fatal", "investigation_days.technical_exam",
                "minutes_distribution_working_days", "complaint_window_days",
                "complaint_resolution_working_days"),
        papers=(("Báo cáo nhanh, biên bản điều tra: nút PDF trên trang vụ việc.",
                 "Quick report, investigation minutes: the PDF buttons on the case page."),
                ("Giấy tờ đã phát hành được lưu đúng như lúc phát hành; khi vụ việc thay đổi, "
                 "dùng Phát hành lại (kèm lý do) để có lần phát hành mới — các lần trước vẫn "
                 "xem được.",
                 "An issued paper is kept exactly as issued; when the case changes, Issue again "
                 "(with a reason) makes a new issue — the earlier ones stay readable."),
                ("Đóng vụ việc khi hồ sơ điều tra đủ tài liệu bắt buộc; tài liệu không có thì "
                 "đánh dấu Không áp dụng kèm lý do ở mục Hồ sơ, tài liệu.",
                 "Close a case once its investigation dossier holds every mandatory paper; mark "
                 "a paper that does not apply Not applicable, with a reason, under Documents."),),
    ),
    "union": RoleHelp(
        intro=("Công đoàn theo dõi từng người lao động bị nạn cho đến khi được bồi thường và "
               "hưởng BHXH, và xác nhận việc nhận tiền.",
               "Trade unions follow each injured worker until compensation and insurance are "
               "paid, and confirm the money was received."),
        steps=(
            Step(("Người lao động của tôi: ai còn chờ bồi thường, ai quá hạn.",
                  "My workers: who is still waiting, who is overdue."), "claims.my_workers"),
            Step(("Khi doanh nghiệp đã trả đủ, xác nhận ngày và người nhận tiền.",
                  "When the employer has paid in full, confirm the day and who received it."),
                 "claims.my_workers"),
        ),
        limits=("compensation_due_days", "insurance_filing_days", "insurance_decision_days"),
    ),
    "commune": RoleHelp(
        intro=("UBND xã, phường khai báo tai nạn của người lao động không có quan hệ lao động, "
               "lập biên bản ghi nhận và báo cáo định kỳ.",
               "Communes declare accidents of workers without a labour relation, record them "
               "and file periodic reports."),
        steps=(
            Step(("Khai báo tai nạn của người làm việc không theo hợp đồng lao động.",
                  "Declare the accident of a worker without a labour contract."),
                 "cases.declare"),
            Step(("Chưa có đủ thông tin người bị nạn? Báo tin nhanh ngay (thời gian, địa điểm, số "
                  "người chết, bị thương, số điện thoại), rồi hoàn thiện khai báo trên trang vụ "
                  "việc trước hạn.",
                  "Not all the victims' details yet? Give a quick notice at once (when, where, "
                  "how many dead and injured, a phone number), then complete the declaration "
                  "on the case page before it is due."),
                 "cases.notice"),
            Step(("Lập biên bản ghi nhận sự việc trên trang vụ việc.",
                  "Record the event on the case page."), "cases.index"),
            Step(("Nộp báo cáo 6 tháng và năm.", "File the half-year and annual reports."),
                 "reports.index"),
        ),
        limits=("declare_fatal", "declaration_completion_hours",
                "report_due.commune_accidents.half", "report_due.commune_accidents.year"),
    ),
    "insurance": RoleHelp(
        intro=("Cơ quan BHXH giải quyết hồ sơ hưởng chế độ tai nạn lao động, bệnh nghề nghiệp "
               "đã nộp.",
               "Social insurance decides the accident and disease dossiers filed with it."),
        steps=(
            Step(("Hồ sơ đề nghị BHXH: chấp thuận (loại trợ cấp, số tiền) hoặc từ chối có lý do.",
                  "Filed claims: approve (kind of benefit, amount) or refuse with a reason."),
                 "cases.index", (("kind", "claim"),)),
        ),
        limits=("insurance_decision_days", "base_salary_vnd"),
    ),
    "admin": RoleHelp(
        intro=("Quản trị viên quản lý tài khoản, danh mục, bảng quy định có ngày áp dụng và "
               "nhật ký an ninh.",
               "Administrators manage accounts, code lists, the dated rules table and the "
               "security log."),
        steps=(
            Step(("Tài khoản: tạo, khoá, đặt lại mật khẩu.",
                  "Accounts: create, lock, reset passwords."), "admin.users"),
            Step(("Bảng quy định: thêm giá trị mới với ngày áp dụng và căn cứ pháp lý.",
                  "Rules table: add a new value with its effective date and legal basis."),
                 "admin.index"),
            Step(("Nhật ký an ninh: đăng nhập, thay đổi quyền, đọc thông tin y tế.",
                  "Security log: sign-ins, role changes, medical reads."), "admin.security"),
        ),
        limits=("base_salary_vnd", "reminder_before_hours"),
    ),
}  # fmt: skip
