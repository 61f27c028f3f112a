"""Printable papers of a case as PDF, in Vietnamese (DejaVu Sans, see ``app/services/pdf.py``).

* ``declaration`` — the declaration in the shape of Form 01 (Decree 129/2025 Appendix II;
  formerly Decree 39/2016 Appendix III for employers and Appendix IV for communes): the
  declarer, time and place, the account, the victims, the classification; for a disease or
  an incident the matching report with the kind's own fields.
* ``minutes`` — the investigation minutes (biên bản điều tra, Decree 39/2016 Appendix
  IX/X as reproduced in law.md §3.3), issued by the investigation team of the body heading
  it (the province's Sở Nội vụ, or the employer for its own team): the team, the enterprise,
  the victims, circumstances, causes, conclusion, responsibilities, measures, dissent, the
  announcement and the signatures block. Available once the case has minutes.
* ``decision`` — a claim's compensation decision: ``app/services/papers_claims.py``.
* ``quick_report`` — the province's quick report of a fatal or 2+ seriously injured accident
  (Form 06, Decree 129/2025 Appendix II), for inspectors only: ``app/services/quick_report.py``.
  It is a report of the case as it stands, drawn anew on each request.

A paper SafeCase issues (the first three) is written as a :class:`PaperScript` — its content as
the list of drawing steps that make it — once per audience: ``full`` for the roles that read
national IDs and medical detail, ``masked`` for the others (``app.services.privacy`` decides
which is which and what the masked one leaves out). ``app/services/issued_papers.py`` freezes
those scripts when the paper is issued and stores the PDF :func:`draw` makes of each, so a
paper once issued never changes, whatever happens to the case afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app

from app.clock import to_local
from app.extensions import db
from app.formatting import format_date, format_datetime
from app.models import Case, User
from app.services.pdf import VietnamesePDF
from app.services.privacy import HIDDEN, data_shown, national_id_shown
from workflows import get_workflow
from workflows.base import ORGANISATION_LABELS, parse_iso
from workflows.declaration import GENDER_LABELS
from workflows.law.classification import LEVEL_ON_PAPERS, OUTCOME_ON_PAPERS, SEVERITY_IN_TEXT

# Provinces by the code used in case codes (``SAFECASE_PROVINCE``); another code is shown
# as it is. The labour authority of each is its Sở Nội vụ (law.md §9).
PROVINCE_NAMES = {
    "HP": "thành phố Hải Phòng",
    "HN": "thành phố Hà Nội",
    "HCM": "Thành phố Hồ Chí Minh",
    "DN": "thành phố Đà Nẵng",
    "CT": "thành phố Cần Thơ",
    "HUE": "thành phố Huế",
}


def province_name() -> str:
    code = current_app.config["SAFECASE_PROVINCE"]
    return PROVINCE_NAMES.get(code, code)


def authority() -> str:
    """The province's labour authority (Sở Nội vụ), which issues its inspectorate's papers."""
    return f"Sở Nội vụ {province_name()}"


@dataclass
class Paper:
    """A rendered paper: file name, PDF bytes and the text lines written into it."""

    filename: str
    content: bytes
    lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class IssueStamp:
    """What a stored paper says about its own issue: the version (1, 2, …), the moment (the
    paper's date line) and the SHA-256 of its frozen content (printed in its footer, so a
    printed copy can be matched with the audit trail)."""

    version: int
    issued_at: datetime
    content_sha256: str


class PaperPDF(VietnamesePDF):
    """``VietnamesePDF`` that remembers every piece of text it writes, with the building blocks
    of the papers. A :class:`PaperScript` step names one of these methods."""

    def __init__(self, title: str = "") -> None:
        self.lines: list[str] = []
        self.stamp_text = ""
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

    def footer(self) -> None:
        """The issue stamp of a stored paper at the foot of every page, with the page number."""
        if not self.stamp_text:
            return
        self.set_y(-13)
        self.set_font("dejavu", "", 7)
        self.multi_cell(0, 3.5, f"{self.stamp_text} — Trang {self.page_no()}/{{nb}}", align="C")

    # -- building blocks -------------------------------------------------------------------

    def right(self, text: str) -> None:
        self.set_font("dejavu", "", 10)
        self.cell(0, 6, text, align="R", new_x="LMARGIN", new_y="NEXT")
        self.set_font("dejavu", "", 11)

    def note(self, text: str) -> None:
        """A small centred line under a title (the form a paper follows)."""
        self.set_font("dejavu", "", 9)
        self.multi_cell(0, 5, text, align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_font("dejavu", "", 11)
        self.ln(2)

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

    # The height of a signature block: its title, "(Ký, ghi rõ họ tên)", room to sign, the name.
    SIGNATURES_MM = 6 + 6 + 5 + 18 + 6

    def signatures(self, left, right) -> None:
        """Two signature columns: title, "(Ký, ghi rõ họ tên)", and the name below, kept on
        one page (#15: Form 01's signature was split from its title)."""
        self.keep_together(self.SIGNATURES_MM)
        self.ln(6)
        half = self.usable_width / 2
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

    def closing(self, article: str, recipients: str, signer: str, signer_note: str,
                footnote: str, height: float) -> None:  # fmt: skip
        """The end of a decision: its last ``article``, then "Nơi nhận" (``recipients``) on the
        left beside the ``signer``'s block on the right, then a small ``footnote``; the whole
        (``height`` mm) kept on one page, as on the official form: a page with only the
        recipients or only the signature is no decision."""
        self.keep_together(height)
        self.paragraph(article)
        self.ln(4)
        y = self.get_y()
        self.set_font("dejavu", "", 9)
        self.multi_cell(80, 5, recipients)
        bottom = self.get_y()
        self.set_xy(110, y)
        self.set_font("dejavu", "B", 11)
        self.multi_cell(80, 6, signer, align="C")
        self.set_x(110)
        self.set_font("dejavu", "", 9)
        self.multi_cell(80, 5, signer_note, align="C")
        self.set_y(max(self.get_y() + 18, bottom))
        self.set_font("dejavu", "", 8)
        self.multi_cell(0, 4, footnote)
        self.set_font("dejavu", "", 11)


# --------------------------------------------------------------------------------------------
# Scripts: a paper's content as the steps that draw it
# --------------------------------------------------------------------------------------------


class PaperScript:
    """A paper's content, recorded as the drawing steps that make it: ``[step, [args…]]`` with
    JSON values only, so it can be frozen (hashed and stored) when the paper is issued and drawn
    the same way later (:func:`draw`). The steps are :class:`PaperPDF`'s building blocks;
    ``official_header`` leaves the date to the issue (:class:`IssueStamp`)."""

    def __init__(self) -> None:
        self.steps: list[list[Any]] = []

    def _step(self, name: str, *args: Any) -> None:
        self.steps.append([name, list(args)])

    def official_header(self, issuer: list[str], number: str, place: str) -> None:
        self._step("official_header", list(issuer), number, place)

    def heading(self, text: str, size: int = 13) -> None:
        self._step("heading", text, size)

    def note(self, text: str) -> None:
        self._step("note", text)

    def field(self, label: str, value: str | None) -> None:
        self._step("field", label, value or "")

    def section(self, text: str) -> None:
        self._step("section", text)

    def paragraph(self, text: str | None) -> None:
        self._step("paragraph", text or "")

    def bullets(self, items, empty: str = "Không có.") -> None:
        self._step("bullets", [str(i) for i in items or ()], empty)

    def grid(self, header: list[str], rows: list[list[str]], widths: list[int]) -> None:
        self._step("grid", list(header), [[str(v or "") for v in row] for row in rows], widths)

    def signatures(self, left: tuple[str, str], right: tuple[str, str]) -> None:
        self._step("signatures", list(left), list(right))

    def ln(self, height: float) -> None:
        self._step("ln", height)

    def keep_together(self, height: float) -> None:
        self._step("keep_together", height)

    def closing(self, article, recipients, signer, signer_note, footnote, height) -> None:
        self._step("closing", article, recipients, signer, signer_note, footnote, height)


def _date_line(place: str, at: datetime) -> str:
    day = to_local(at)
    return f"{place}, ngày {day:%d} tháng {day:%m} năm {day:%Y}"


# The steps a script may hold, by name: a frozen script names nothing else.
STEPS = frozenset(
    {"heading", "note", "field", "section", "paragraph", "bullets", "grid", "signatures", "ln",
     "keep_together", "closing", "official_header"}
)  # fmt: skip


def draw(title: str, steps: list[list[Any]], stamp: IssueStamp, stamp_label: str) -> Paper:
    """The PDF of a frozen script: its ``steps`` drawn in order, dated by ``stamp`` (the date
    line and the file's creation date are the issue's, so the same script and stamp always make
    the same bytes) and with ``stamp_label`` + the stamp at the foot of every page.

    :raises ValueError: a step that is not one of ``STEPS`` (a script is data, never code).
    """
    pdf = PaperPDF(title=title)
    pdf.set_creation_date(stamp.issued_at)
    pdf.stamp_text = (
        f"{stamp_label} — phát hành lần {stamp.version} lúc {format_datetime(stamp.issued_at)}"
        f" — SHA-256 nội dung: {stamp.content_sha256}"
    )
    pdf.alias_nb_pages()
    pdf.add_page()
    for name, args in steps:
        if name not in STEPS:
            raise ValueError(f"unknown paper step {name!r}")
        if name == "official_header":
            issuer, number, place = args
            pdf.official_header(issuer, number, _date_line(place, stamp.issued_at))
        else:
            getattr(pdf, name)(*args)
    return Paper("", pdf.render(), pdf.lines)


# --------------------------------------------------------------------------------------------
# Shared pieces
# --------------------------------------------------------------------------------------------


def _organisation(key: str | None) -> str:
    """An organisation in a paper's list of people, capitalised as on the official forms."""
    return (ORGANISATION_LABELS.get(key or "") or ("", ""))[0]


def _place(case: Case) -> str:
    return case.commune.name if case.commune else ""


def _issuer(case: Case) -> str:
    if case.enterprise is not None:
        return case.enterprise.name
    commune = case.commune.name if case.commune else case.commune_code
    return f"Ủy ban nhân dân {commune}"


def _enterprise_block(script: PaperScript, case: Case) -> None:
    enterprise = case.enterprise
    if enterprise is not None:
        script.field("Tên cơ sở (doanh nghiệp)", enterprise.name)
        script.field("Mã số thuế", enterprise.tax_code)
        commune = enterprise.commune.name if enterprise.commune else enterprise.commune_code
        script.field("Địa chỉ (xã/phường)", f"{commune} ({enterprise.commune_code})")
    else:
        script.field("Cơ quan khai báo", _issuer(case))
        script.field(
            "Quan hệ lao động",
            "Người lao động làm việc không theo hợp đồng lao động",
        )


def _victim_rows(case: Case, medical: bool) -> list[list[str]]:
    return [
        [
            str(index),
            victim.full_name,
            format_date(victim.birth_date),
            GENDER_LABELS.get(victim.gender, (victim.gender or "",))[0],
            victim.occupation or "",
            national_id_shown(victim.national_id, medical=medical),
            OUTCOME_ON_PAPERS.get(victim.outcome, victim.outcome),
        ]
        for index, victim in enumerate(case.victims, start=1)
    ]


def _victims_table(script: PaperScript, case: Case, medical: bool) -> None:
    script.grid(
        ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Nghề nghiệp", "Số CCCD", "Hậu quả"],
        _victim_rows(case, medical),
        [10, 36, 21, 15, 30, 28, 30],
    )
    injuries = [(v.full_name, v.injury_description) for v in case.victims if v.injury_description]
    if injuries:
        script.section("Tình trạng thương tích:")
        if medical:
            script.bullets([f"{name}: {injury}" for name, injury in injuries])
        else:
            script.paragraph(HIDDEN)


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


def has_declaration(case: Case) -> bool:
    """Whether ``case`` has a declaration paper: its kind is declared (a claim is opened, not
    declared) and it is not a quick notice still waiting for its full declaration (a notice
    has counts, not people: Form 01 is issued when it is completed)."""
    if case.kind not in TITLES:
        return False
    spec = get_workflow(case.kind).declaration
    return spec is None or spec.notice is None or case.state != spec.notice.state


def declaration_script(case: Case, *, medical: bool) -> PaperScript:
    """The case's declaration for one audience (``medical``: national IDs in full and medical
    detail shown). The caller checks ``has_declaration``."""
    script = PaperScript()
    script.official_header([_issuer(case)], f"Số: {case.code}", _place(case))
    script.heading(TITLES[case.kind], size=14)
    if case.kind == "accident":
        script.note("(Mẫu số 01 Phụ lục II Nghị định 129/2025/NĐ-CP)")
    recipients = "Sở Nội vụ; Công an cấp xã nơi xảy ra" if case.severity == "fatal" else "Sở Nội vụ"
    script.field("Kính gửi", recipients)
    script.section("1. Cơ sở khai báo")
    _enterprise_block(script, case)
    {"accident": _accident_body, "disease": _disease_body, "incident": _incident_body}[case.kind](
        script, case, medical
    )
    name = _declarer_name(case)
    # The declarer's lines go with the signature onto the next page rather than be left
    # without it (the signature block moves whole: PaperPDF.signatures).
    script.keep_together(20 + PaperPDF.SIGNATURES_MM)
    script.section("Người khai báo")
    script.field("Họ và tên", name)
    script.field("Thời điểm khai báo", format_datetime(case.declared_at))
    script.signatures(("XÁC NHẬN CỦA CƠ QUAN TIẾP NHẬN", ""), ("NGƯỜI KHAI BÁO", name))
    return script


def _accident_body(script: PaperScript, case: Case, medical: bool) -> None:
    script.section("2. Thời gian, địa điểm xảy ra tai nạn")
    script.field("Thời gian", format_datetime(case.occurred_at))
    commune = case.commune.name if case.commune else case.commune_code
    script.field("Nơi xảy ra", f"{case.location} — {commune}")
    script.section("3. Tóm tắt diễn biến vụ tai nạn")
    script.paragraph(case.description)
    script.section(f"4. Người bị nạn ({len(case.victims)} người)")
    _victims_table(script, case, medical)
    script.section("5. Phân loại")
    script.field("Mức độ", f"Tai nạn lao động {SEVERITY_IN_TEXT.get(case.severity, '')}")
    script.field("Thẩm quyền điều tra", LEVEL_ON_PAPERS.get(case.investigation_level or "", ""))
    deadline = next((d for d in case.deadlines if d.name == "investigation"), None)
    if deadline is not None:
        script.field(
            "Thời hạn điều tra", f"{deadline.days} ngày, đến {format_date(deadline.due_at)}"
        )


def _disease_body(script: PaperScript, case: Case, medical: bool) -> None:
    data = data_shown(case, medical=medical)
    script.section("2. Kết quả khám bệnh nghề nghiệp")
    if medical:
        code = f" (mã {data['disease_code']})" if data.get("disease_code") else ""
        script.field("Bệnh nghề nghiệp", f"{data.get('disease', '')}{code}")
    else:
        script.field("Bệnh nghề nghiệp", HIDDEN)
    script.field("Ngày chẩn đoán", _day(data.get("diagnosed_on")))
    # The exposure and the facility name the disease all but outright: medical too.
    script.field("Yếu tố tiếp xúc", data.get("exposure", HIDDEN))
    script.field("Cơ sở khám bệnh nghề nghiệp", data.get("facility", HIDDEN))
    script.section(f"3. Người lao động mắc bệnh ({len(case.victims)} người)")
    _victims_table(script, case, medical)


def _incident_body(script: PaperScript, case: Case, medical: bool) -> None:
    data = data_shown(case, medical=medical)
    script.section("2. Thời gian, địa điểm xảy ra sự cố")
    script.field("Thời gian", format_datetime(case.occurred_at))
    script.field("Nơi xảy ra", case.location)
    script.section("3. Sự cố")
    script.field("Máy, thiết bị", data.get("equipment", ""))
    script.field("Diễn biến sự cố", data.get("failure", ""))
    script.field("Thiệt hại", data.get("damage", ""))
    script.field("Số người bị nạn", str(data.get("casualties", 0)))
    if case.description:
        script.paragraph(case.description)


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

TEAM_NAMES = {
    "accident": "Đoàn điều tra tai nạn lao động",
    "incident": "Đoàn điều tra sự cố kỹ thuật gây mất an toàn, vệ sinh lao động",
}


def has_minutes(case: Case) -> bool:
    """Whether ``case`` has investigation minutes now (its team concluded; a reopening takes
    them away until the new team concludes)."""
    return case.kind in TEAM_NAMES and bool((case.data or {}).get("minutes"))


def minutes_issuer(case: Case) -> list[str]:
    """The body issuing the minutes, as the official head names it: the investigation team
    under the body that formed it — the employer for its own team (đoàn điều tra cấp cơ sở,
    Law 84/2015 Art. 35(1)), else the province's labour authority whose inspectorate heads the
    team (Art. 35(2); law.md §3.1)."""
    team = (case.data or {}).get("team") or []
    head = next((m for m in team if m.get("role") == "head"), {})
    if head.get("organisation") == "employer" and case.enterprise is not None:
        return [case.enterprise.name, f"{TEAM_NAMES[case.kind]} cấp cơ sở"]
    return [authority(), TEAM_NAMES[case.kind]]


def minutes_script(case: Case, *, medical: bool) -> PaperScript:
    """The investigation minutes of an accident or incident for one audience. The caller
    checks ``has_minutes``."""
    data = case.data or {}
    minutes = data["minutes"]
    if case.kind == "accident":
        title = "BIÊN BẢN ĐIỀU TRA TAI NẠN LAO ĐỘNG"
        subtitle = f"(Tai nạn lao động {SEVERITY_IN_TEXT.get(case.severity, '')})"
    else:
        title = "BIÊN BẢN ĐIỀU TRA SỰ CỐ KỸ THUẬT GÂY MẤT AN TOÀN, VỆ SINH LAO ĐỘNG NGHIÊM TRỌNG"
        subtitle = ""
    script = PaperScript()
    script.official_header(minutes_issuer(case), f"Số: {case.code}", _place(case))
    script.heading(title, size=14)
    if subtitle:
        script.heading(subtitle, size=11)
    _minutes_parties(script, case, medical, data)
    _minutes_findings(script, case, minutes)
    _minutes_announcement(script, data)
    team = data.get("team") or []
    head = next((m for m in team if m.get("role") == "head"), {})
    script.signatures(
        ("ĐẠI DIỆN NGƯỜI SỬ DỤNG LAO ĐỘNG", ""),
        ("TRƯỞNG ĐOÀN ĐIỀU TRA", head.get("name", "")),
    )
    members = [m.get("name", "") for m in team if m.get("role") != "head"]
    if members:
        script.ln(4)
        script.section("CÁC THÀNH VIÊN ĐOÀN ĐIỀU TRA (ký, ghi rõ họ tên)")
        script.bullets(members)
    return script


def _minutes_parties(script: PaperScript, case: Case, medical: bool, data: dict) -> None:
    script.section("1. Thành phần đoàn điều tra")
    script.bullets(
        [
            f"{m.get('name', '')} — {_organisation(m.get('organisation'))}"
            f"{' (Trưởng đoàn)' if m.get('role') == 'head' else ''}"
            for m in data.get("team") or ()
        ]
    )
    script.section("2. Cơ sở xảy ra " + ("tai nạn" if case.kind == "accident" else "sự cố"))
    _enterprise_block(script, case)
    if case.kind == "accident":
        script.section(f"3. Người bị nạn ({len(case.victims)} người)")
        _victims_table(script, case, medical)
    else:
        script.section("3. Máy, thiết bị xảy ra sự cố")
        script.field("Máy, thiết bị", data.get("equipment", ""))
        script.field("Thiệt hại", data.get("damage", ""))
    script.section("4. Diễn biến")
    script.field("Thời gian", format_datetime(case.occurred_at))
    script.field("Nơi xảy ra", case.location)
    script.paragraph(case.description or data.get("failure", ""))


def _minutes_findings(script: PaperScript, case: Case, minutes: dict) -> None:
    script.section("5. Nguyên nhân")
    script.bullets(minutes.get("causes"))
    script.section("6. Kết luận")
    if case.kind == "accident":
        verdict = (
            "Vụ việc là tai nạn lao động."
            if minutes.get("is_work_accident")
            else "Vụ việc không phải là tai nạn lao động."
        )
        script.paragraph(verdict)
        if minutes.get("is_work_accident"):
            fault = (
                "Lỗi hoàn toàn do người lao động bị nạn."
                if minutes.get("worker_at_fault")
                else "Không phải lỗi hoàn toàn do người lao động bị nạn."
            )
            script.paragraph(fault)
    script.field("Ngày lập biên bản", _day(minutes.get("concluded_at")))
    script.section("7. Người có lỗi và trách nhiệm")
    script.paragraph(minutes.get("responsibilities", ""))
    script.section("8. Biện pháp khắc phục, phòng ngừa")
    script.bullets(minutes.get("measures"))
    script.section("9. Ý kiến khác của thành viên đoàn")
    script.bullets(minutes.get("dissent"), empty="Không có ý kiến khác.")


def _minutes_announcement(script: PaperScript, data: dict) -> None:
    announcement = data.get("announcement") or {}
    superseded = data.get("superseded_minutes") or []
    if superseded:
        last = superseded[-1]
        script.paragraph(
            "Biên bản này được lập sau khi điều tra lại; biên bản đã công bố ngày "
            f"{_day(last.get('announced_at'))} hết hiệu lực khi biên bản này được công bố."
        )
    if announcement:
        script.section("10. Công bố biên bản")
        script.field("Thời điểm họp công bố", _moment(announcement.get("announced_at")))
        script.bullets(
            [
                f"{a.get('name', '')} — {_organisation(a.get('organisation'))}"
                for a in announcement.get("attendees") or ()
            ]
        )


def _moment(value) -> str:
    moment = parse_iso(value) if isinstance(value, str) else value
    return format_datetime(moment) if moment else ""
