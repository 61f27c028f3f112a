"""Printable papers of a case as PDF, in Vietnamese (DejaVu Sans, see ``app/services/pdf.py``).

* ``declaration_pdf`` — the declaration in the shape of Form 01 (Decree 129/2025 Appendix II;
  formerly Decree 39/2016 Appendix III for employers and Appendix IV for communes): the
  declarer, time and place, the account, the victims, the classification; for a disease or
  an incident the matching report with the kind's own fields.
* ``minutes_pdf`` — the investigation minutes (biên bản điều tra, Decree 39/2016 Appendix
  IX/X as reproduced in law.md §3.3): the team, the enterprise, the victims, circumstances,
  causes, conclusion, responsibilities, measures, dissent and the signatures block.
  Available once the case has minutes (``conclude`` fired).
* ``quick_report`` — the province's quick report of a fatal or 2+ seriously injured accident
  (Form 06, Decree 129/2025 Appendix II), for inspectors only: ``app/services/quick_report.py``.

Each function takes the reader, and ``app.services.privacy`` decides what they see: national ID
numbers in full only for roles with medical access (others see ``031******234``), medical
detail (injury descriptions, the disease diagnosed) only for them too, and such a read is
logged like any other read of medical fields. Each returns a :class:`Paper` with the PDF bytes
and the text lines written (for checks and for screen-reader friendly previews).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.clock import now, to_local
from app.errors import Conflict, NotFound
from app.extensions import db
from app.formatting import format_date, format_datetime
from app.i18n import N_
from app.models import Case, User
from app.services.pdf import VietnamesePDF
from app.services.privacy import data_view, national_id_for, read_medical, sees_medical
from workflows.base import ORGANISATION_LABELS, parse_iso
from workflows.declaration import GENDER_LABELS
from workflows.law.classification import LEVEL_ON_PAPERS, OUTCOME_ON_PAPERS, SEVERITY_IN_TEXT

PAPERS = ("declaration", "minutes", "quick_report")

HIDDEN = "(thông tin y tế — không hiển thị)"


@dataclass
class Paper:
    """A rendered paper: file name, PDF bytes and the text lines written into it."""

    filename: str
    content: bytes
    lines: list[str] = field(default_factory=list)


class PaperPDF(VietnamesePDF):
    """``VietnamesePDF`` that remembers every piece of text it writes."""

    def __init__(self, title: str = "") -> None:
        self.lines: list[str] = []
        super().__init__(title)

    def cell(self, w=None, h=None, text="", *args, **kwargs):
        if text:
            self.lines.append(str(text))
        return super().cell(w, h, text, *args, **kwargs)

    def multi_cell(self, w, h=None, text="", *args, **kwargs):
        if text:
            self.lines.append(str(text))
        return super().multi_cell(w, h, text, *args, **kwargs)

    def write(self, h=None, text="", *args, **kwargs):
        if text:
            self.lines.append(str(text))
        return super().write(h, text, *args, **kwargs)

    # -- building blocks -------------------------------------------------------------------

    def right(self, text: str) -> None:
        self.set_font("dejavu", "", 10)
        self.cell(0, 6, text, align="R", new_x="LMARGIN", new_y="NEXT")
        self.set_font("dejavu", "", 11)

    def section(self, text: str) -> None:
        self.ln(1)
        self.set_font("dejavu", "B", 11)
        self.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font("dejavu", "", 11)

    def bullets(self, items, empty: str = "Không có.") -> None:
        items = [str(i) for i in items or () if str(i).strip()]
        if not items:
            self.paragraph(empty)
            return
        for item in items:
            self.multi_cell(0, 6, f"- {item}", new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def grid(self, header: list[str], rows: list[list[str]], widths: list[int]) -> None:
        """A bordered table whose cells wrap (names and ID numbers are never cut)."""
        self.set_font("dejavu", "", 9)
        for text in header:
            self.lines.append(text)
        with self.table(
            col_widths=widths, text_align="LEFT", line_height=5, first_row_as_headings=True
        ) as table:
            heading = table.row()
            for text in header:
                heading.cell(text)
            for values in rows:
                line = table.row()
                for text in values:
                    self.lines.append(str(text or ""))
                    line.cell(str(text or ""))
        self.ln(2)
        self.set_font("dejavu", "", 11)

    def signatures(self, left: tuple[str, str], right: tuple[str, str]) -> None:
        """Two signature columns: title, "(Ký, ghi rõ họ tên)", and the name below."""
        self.ln(6)
        half = (self.w - self.l_margin - self.r_margin) / 2
        self.set_font("dejavu", "B", 10)
        self.cell(half, 6, left[0], align="C")
        self.cell(half, 6, right[0], align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_font("dejavu", "", 9)
        self.cell(half, 5, "(Ký, ghi rõ họ tên)", align="C")
        self.cell(half, 5, "(Ký, ghi rõ họ tên)", align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(18)
        self.set_font("dejavu", "", 10)
        self.cell(half, 6, left[1], align="C")
        self.cell(half, 6, right[1], align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_font("dejavu", "", 11)


# --------------------------------------------------------------------------------------------
# Shared pieces
# --------------------------------------------------------------------------------------------


def _organisation(key: str | None) -> str:
    """An organisation in a paper's list of people, capitalised as on the official forms."""
    return (ORGANISATION_LABELS.get(key or "") or ("", ""))[0]


def _date_line(case: Case) -> str:
    place = case.commune.name if case.commune else ""
    day = to_local(now())
    return f"{place}, ngày {day:%d} tháng {day:%m} năm {day:%Y}"


def _header(pdf: PaperPDF, case: Case, issuer: str) -> None:
    pdf.set_font("dejavu", "B", 10)
    pdf.multi_cell(0, 5, issuer.upper(), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("dejavu", "", 10)
    pdf.cell(0, 5, f"Số: {case.code}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.national_header()
    pdf.right(_date_line(case))
    pdf.ln(2)


def _issuer(case: Case) -> str:
    if case.enterprise is not None:
        return case.enterprise.name
    commune = case.commune.name if case.commune else case.commune_code
    return f"Ủy ban nhân dân {commune}"


def _enterprise_block(pdf: PaperPDF, case: Case) -> None:
    enterprise = case.enterprise
    if enterprise is not None:
        pdf.field("Tên cơ sở (doanh nghiệp)", enterprise.name)
        pdf.field("Mã số thuế", enterprise.tax_code)
        commune = enterprise.commune.name if enterprise.commune else enterprise.commune_code
        pdf.field("Địa chỉ (xã/phường)", f"{commune} ({enterprise.commune_code})")
    else:
        pdf.field("Cơ quan khai báo", _issuer(case))
        pdf.field(
            "Quan hệ lao động",
            "Người lao động làm việc không theo hợp đồng lao động",
        )


def _victim_rows(case: Case, reader) -> list[list[str]]:
    return [
        [
            str(index),
            victim.full_name,
            format_date(victim.birth_date),
            GENDER_LABELS.get(victim.gender, (victim.gender or "",))[0],
            victim.occupation or "",
            national_id_for(reader, victim.national_id),
            OUTCOME_ON_PAPERS.get(victim.outcome, victim.outcome),
        ]
        for index, victim in enumerate(case.victims, start=1)
    ]


def _victims_table(pdf: PaperPDF, case: Case, reader) -> None:
    pdf.grid(
        ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Nghề nghiệp", "Số CCCD", "Hậu quả"],
        _victim_rows(case, reader),
        [10, 36, 21, 15, 30, 28, 30],
    )
    injuries = [(v.full_name, v.injury_description) for v in case.victims if v.injury_description]
    if injuries:
        pdf.section("Tình trạng thương tích:")
        if sees_medical(reader):
            pdf.bullets([f"{name}: {injury}" for name, injury in injuries])
        else:
            pdf.paragraph(HIDDEN)


def _declarer_name(case: Case) -> str:
    user = db.session.get(User, case.declared_by_id) if case.declared_by_id else None
    return (user.full_name or user.username) if user is not None else ""


# --------------------------------------------------------------------------------------------
# The declaration
# --------------------------------------------------------------------------------------------

TITLES = {
    "accident": "TỜ KHAI/BÁO CÁO NHANH TAI NẠN LAO ĐỘNG",
    "disease": "BÁO CÁO TRƯỜNG HỢP BỆNH NGHỀ NGHIỆP",
    "incident": "BÁO CÁO SỰ CỐ KỸ THUẬT GÂY MẤT AN TOÀN, VỆ SINH LAO ĐỘNG NGHIÊM TRỌNG",
}


def declaration_pdf(case: Case, user) -> Paper:
    """The case's declaration as a printable paper, for ``user`` (the caller must already have
    checked that ``user`` sees the case).

    :raises NotFound: a claim (it has no declaration of its own).
    """
    if case.kind not in TITLES:
        raise NotFound(N_("Vụ việc này không có tờ khai."))
    pdf = PaperPDF(title=f"{TITLES[case.kind]} {case.code}")
    pdf.add_page()
    _header(pdf, case, _issuer(case))
    pdf.heading(TITLES[case.kind], size=14)
    if case.kind == "accident":
        pdf.set_font("dejavu", "", 9)
        pdf.cell(0, 5, "(Mẫu số 01 Phụ lục II Nghị định 129/2025/NĐ-CP)", align="C",
                 new_x="LMARGIN", new_y="NEXT")  # fmt: skip
        pdf.set_font("dejavu", "", 11)
        pdf.ln(2)
    recipients = "Sở Nội vụ; Công an cấp xã nơi xảy ra" if case.severity == "fatal" else "Sở Nội vụ"
    pdf.field("Kính gửi", recipients)
    pdf.section("1. Cơ sở khai báo")
    _enterprise_block(pdf, case)
    {"accident": _accident_body, "disease": _disease_body, "incident": _incident_body}[case.kind](
        pdf, case, user
    )
    name = _declarer_name(case)
    pdf.section("Người khai báo")
    pdf.field("Họ và tên", name)
    pdf.field("Thời điểm khai báo", format_datetime(case.declared_at))
    pdf.signatures(("XÁC NHẬN CỦA CƠ QUAN TIẾP NHẬN", ""), ("NGƯỜI KHAI BÁO", name))
    read_medical(user, case, "paper:declaration")
    return Paper(f"{case.code}-to-khai.pdf", pdf.render(), pdf.lines)


def _accident_body(pdf: PaperPDF, case: Case, reader) -> None:
    pdf.section("2. Thời gian, địa điểm xảy ra tai nạn")
    pdf.field("Thời gian", format_datetime(case.occurred_at))
    commune = case.commune.name if case.commune else case.commune_code
    pdf.field("Nơi xảy ra", f"{case.location} — {commune}")
    pdf.section("3. Tóm tắt diễn biến vụ tai nạn")
    pdf.paragraph(case.description)
    pdf.section(f"4. Người bị nạn ({len(case.victims)} người)")
    _victims_table(pdf, case, reader)
    pdf.section("5. Phân loại")
    pdf.field("Mức độ", f"Tai nạn lao động {SEVERITY_IN_TEXT.get(case.severity, '')}")
    pdf.field("Thẩm quyền điều tra", LEVEL_ON_PAPERS.get(case.investigation_level or "", ""))
    deadline = next((d for d in case.deadlines if d.name == "investigation"), None)
    if deadline is not None:
        pdf.field("Thời hạn điều tra", f"{deadline.days} ngày, đến {format_date(deadline.due_at)}")


def _disease_body(pdf: PaperPDF, case: Case, reader) -> None:
    data = data_view(reader, case)
    pdf.section("2. Kết quả khám bệnh nghề nghiệp")
    if sees_medical(reader):
        code = f" (mã {data['disease_code']})" if data.get("disease_code") else ""
        pdf.field("Bệnh nghề nghiệp", f"{data.get('disease', '')}{code}")
    else:
        pdf.field("Bệnh nghề nghiệp", HIDDEN)
    pdf.field("Ngày chẩn đoán", _day(data.get("diagnosed_on")))
    # The exposure and the facility name the disease all but outright: medical too.
    pdf.field("Yếu tố tiếp xúc", data.get("exposure", HIDDEN))
    pdf.field("Cơ sở khám bệnh nghề nghiệp", data.get("facility", HIDDEN))
    pdf.section(f"3. Người lao động mắc bệnh ({len(case.victims)} người)")
    _victims_table(pdf, case, reader)


def _incident_body(pdf: PaperPDF, case: Case, reader) -> None:
    data = case.data or {}
    pdf.section("2. Thời gian, địa điểm xảy ra sự cố")
    pdf.field("Thời gian", format_datetime(case.occurred_at))
    pdf.field("Nơi xảy ra", case.location)
    pdf.section("3. Sự cố")
    pdf.field("Máy, thiết bị", data.get("equipment", ""))
    pdf.field("Diễn biến sự cố", data.get("failure", ""))
    pdf.field("Thiệt hại", data.get("damage", ""))
    pdf.field("Số người bị nạn", str(data.get("casualties", 0)))
    if case.description:
        pdf.paragraph(case.description)


def _day(value) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        try:
            return format_date(datetime.fromisoformat(value))
        except ValueError:
            return value
    return format_date(value)


# --------------------------------------------------------------------------------------------
# The investigation minutes
# --------------------------------------------------------------------------------------------


def minutes_pdf(case: Case, user) -> Paper:
    """The investigation minutes of an accident or incident, for ``user`` (who sees the case).

    :raises NotFound: a kind without investigation minutes (disease, claim).
    :raises Conflict: no minutes yet (the team has not concluded).
    """
    if case.kind not in ("accident", "incident"):
        raise NotFound(N_("Vụ việc này không có biên bản điều tra."))
    minutes = (case.data or {}).get("minutes")
    if not minutes:
        raise Conflict(N_("Chưa có biên bản điều tra: đoàn điều tra chưa lập biên bản."))
    data = case.data or {}
    if case.kind == "accident":
        title = "BIÊN BẢN ĐIỀU TRA TAI NẠN LAO ĐỘNG"
        subtitle = f"(Tai nạn lao động {SEVERITY_IN_TEXT.get(case.severity, '')})"
    else:
        title = "BIÊN BẢN ĐIỀU TRA SỰ CỐ KỸ THUẬT GÂY MẤT AN TOÀN, VỆ SINH LAO ĐỘNG NGHIÊM TRỌNG"
        subtitle = ""
    pdf = PaperPDF(title=f"{title} {case.code}")
    pdf.add_page()
    _header(pdf, case, "Đoàn điều tra")
    pdf.heading(title, size=14)
    if subtitle:
        pdf.heading(subtitle, size=11)
    _minutes_parties(pdf, case, user, data)
    _minutes_findings(pdf, case, minutes)
    _minutes_announcement(pdf, data)
    team = data.get("team") or []
    head = next((m for m in team if m.get("role") == "head"), {})
    pdf.signatures(
        ("ĐẠI DIỆN NGƯỜI SỬ DỤNG LAO ĐỘNG", ""),
        ("TRƯỞNG ĐOÀN ĐIỀU TRA", head.get("name", "")),
    )
    members = [m.get("name", "") for m in team if m.get("role") != "head"]
    if members:
        pdf.ln(4)
        pdf.section("CÁC THÀNH VIÊN ĐOÀN ĐIỀU TRA (ký, ghi rõ họ tên)")
        pdf.bullets(members)
    read_medical(user, case, "paper:minutes")
    return Paper(f"{case.code}-bien-ban-dieu-tra.pdf", pdf.render(), pdf.lines)


def _minutes_parties(pdf: PaperPDF, case: Case, reader, data: dict) -> None:
    pdf.section("1. Thành phần đoàn điều tra")
    pdf.bullets(
        [
            f"{m.get('name', '')} — {_organisation(m.get('organisation'))}"
            f"{' (Trưởng đoàn)' if m.get('role') == 'head' else ''}"
            for m in data.get("team") or ()
        ]
    )
    pdf.section("2. Cơ sở xảy ra " + ("tai nạn" if case.kind == "accident" else "sự cố"))
    _enterprise_block(pdf, case)
    if case.kind == "accident":
        pdf.section(f"3. Người bị nạn ({len(case.victims)} người)")
        _victims_table(pdf, case, reader)
    else:
        pdf.section("3. Máy, thiết bị xảy ra sự cố")
        pdf.field("Máy, thiết bị", data.get("equipment", ""))
        pdf.field("Thiệt hại", data.get("damage", ""))
    pdf.section("4. Diễn biến")
    pdf.field("Thời gian", format_datetime(case.occurred_at))
    pdf.field("Nơi xảy ra", case.location)
    pdf.paragraph(case.description or data.get("failure", ""))


def _minutes_findings(pdf: PaperPDF, case: Case, minutes: dict) -> None:
    pdf.section("5. Nguyên nhân")
    pdf.bullets(minutes.get("causes"))
    pdf.section("6. Kết luận")
    if case.kind == "accident":
        verdict = (
            "Vụ việc là tai nạn lao động."
            if minutes.get("is_work_accident")
            else "Vụ việc không phải là tai nạn lao động."
        )
        pdf.paragraph(verdict)
        if minutes.get("is_work_accident"):
            fault = (
                "Lỗi hoàn toàn do người lao động bị nạn."
                if minutes.get("worker_at_fault")
                else "Không phải lỗi hoàn toàn do người lao động bị nạn."
            )
            pdf.paragraph(fault)
    pdf.field("Ngày lập biên bản", _day(minutes.get("concluded_at")))
    pdf.section("7. Người có lỗi và trách nhiệm")
    pdf.paragraph(minutes.get("responsibilities", ""))
    pdf.section("8. Biện pháp khắc phục, phòng ngừa")
    pdf.bullets(minutes.get("measures"))
    pdf.section("9. Ý kiến khác của thành viên đoàn")
    pdf.bullets(minutes.get("dissent"), empty="Không có ý kiến khác.")


def _minutes_announcement(pdf: PaperPDF, data: dict) -> None:
    announcement = data.get("announcement") or {}
    superseded = data.get("superseded_minutes") or []
    if superseded:
        last = superseded[-1]
        pdf.paragraph(
            "Biên bản này được lập sau khi điều tra lại; biên bản đã công bố ngày "
            f"{_day(last.get('announced_at'))} hết hiệu lực khi biên bản này được công bố."
        )
    if announcement:
        pdf.section("10. Công bố biên bản")
        pdf.field("Thời điểm họp công bố", _moment(announcement.get("announced_at")))
        pdf.bullets(
            [
                f"{a.get('name', '')} — {_organisation(a.get('organisation'))}"
                for a in announcement.get("attendees") or ()
            ]
        )


def _moment(value) -> str:
    moment = parse_iso(value) if isinstance(value, str) else value
    return format_datetime(moment) if moment else ""


def render(name: str, case: Case, user) -> Paper:
    """The paper ``name`` (one of ``PAPERS``) of ``case`` for ``user``.

    :raises NotFound: an unknown paper, or one this case does not have (a quick report of an
        accident that does not qualify).
    :raises Conflict: the minutes are not written yet.
    :raises PermissionDenied: the quick report, for a role other than the inspector.
    """
    if name == "declaration":
        return declaration_pdf(case, user)
    if name == "minutes":
        return minutes_pdf(case, user)
    if name == "quick_report":
        # Imported here: quick_report builds on this module's PaperPDF.
        from app.services.quick_report import quick_report_pdf

        return quick_report_pdf(case, user)
    raise NotFound(N_("Không có giấy tờ này."))
