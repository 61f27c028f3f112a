"""Papers laid out like the official forms (#15): the head in two columns — the issuing body
top left, the national motto top right on the same line — and text that wraps at spaces, so a
company name is never cut inside a word. Checked on the PDFs themselves (pypdf reads the text
and where it is drawn)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from app.services.issued_papers import download
from app.services.pdf import NATIONAL_MOTTO, NATIONAL_NAME, VietnamesePDF
from tests.factories import act, head, make_accident, make_enterprise, make_user

pytestmark = pytest.mark.usefixtures("declaration_day")

MM = 72 / 25.4  # PDF points per millimetre

NAMES = [
    "Công ty Trách nhiệm hữu hạn Một thành viên Cơ khí Chính xác và Thương mại Dịch vụ Hải Phòng",
    "Công ty Cổ phần Đầu tư Xây dựng Thương mại Dịch vụ Vận tải Biển Đình Vũ Hải An Lạch Tray",
    "CôngtyTNHHCơkhíChínhxácĐôngHải Hải Phòng",
]


def words_drawn(data: bytes) -> list[str]:
    return [w for page in PdfReader(io.BytesIO(data)).pages for w in page.extract_text().split()]


def placed(data: bytes) -> list[tuple[str, float, float]]:
    """Each piece of text of the first page with where it starts (x, y in mm from the top)."""
    page = PdfReader(io.BytesIO(data)).pages[0]
    height = float(page.mediabox.height)
    found: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
            found.append((text.strip(), x / MM, (height - y) / MM))

    page.extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize(
    "label", ["Tên cơ sở (doanh nghiệp)", "Tên cơ sở xảy ra tai nạn lao động tại"]
)
def test_a_fields_value_is_never_cut_inside_its_first_word(label):
    pdf = VietnamesePDF()
    pdf.add_page()
    for name in NAMES:
        pdf.field(label, name)
        pdf.field("X" * 40, name)
    words = words_drawn(pdf.render())
    for name in NAMES:
        for word in name.split():
            assert word in words, word


@pytest.mark.parametrize("name", NAMES)
def test_form_01_prints_the_company_name_whole(app, name):
    enterprise = make_enterprise(name=name)
    declarer = make_user("enterprise", enterprise=enterprise)
    inspector = make_user("inspector")
    case = make_accident(declarer, outcomes=("death",))
    words = words_drawn(download(inspector, case.id, "declaration").content)
    for word in name.split() + name.upper().split():  # in the field and in the head
        assert word in words, word


def test_the_head_has_the_issuer_left_and_the_motto_right_on_one_line(app):
    enterprise = make_enterprise(name="Công ty TNHH Cơ khí Đông Hải")
    declarer = make_user("enterprise", enterprise=enterprise)
    inspector = make_user("inspector")
    case = make_accident(declarer, outcomes=("death",))
    pieces = placed(download(inspector, case.id, "declaration").content)
    issuer = next(p for p in pieces if p[0].startswith("CÔNG TY TNHH"))
    motto = next(p for p in pieces if p[0] == NATIONAL_NAME)
    assert abs(issuer[2] - motto[2]) < 1  # the same line
    assert issuer[1] < 60 < motto[1]  # left column, right column (A4 is 210 mm wide)
    below = next(p for p in pieces if p[0] == NATIONAL_MOTTO)
    number = next(p for p in pieces if p[0].startswith("Số: "))
    date = next(p for p in pieces if "ngày 20 tháng 11 năm 2026" in p[0])
    # The number under the issuer, the date under the motto.
    assert number[1] < 60 < below[1] and date[1] > 60
    title = next(p for p in pieces if p[0].startswith("TỜ KHAI"))
    assert title[2] > max(number[2], date[2])  # the title starts below both columns
    act(case, inspector, "open_investigation", team=head(), needs_technical_exam=False)
    act(case, inspector, "conclude", is_work_accident=True, worker_at_fault=False,
        causes=["Máy không che chắn"], responsibilities="NSDLĐ", measures=["Che chắn"])  # fmt: skip
    pieces = placed(download(inspector, case.id, "minutes").content)
    body = next(p for p in pieces if p[0] == "SỞ NỘI VỤ THÀNH PHỐ HẢI PHÒNG")
    motto = next(p for p in pieces if p[0] == NATIONAL_NAME)
    assert abs(body[2] - motto[2]) < 1 and body[1] < 60 < motto[1]


def test_the_signature_block_is_never_split_from_its_title(app):
    """Form 01 of many victims: the declarer's signature, its title and the name below it are
    on one page."""
    declarer = make_user("enterprise")
    inspector = make_user("inspector")
    for count in range(1, 9):
        case = make_accident(declarer, outcomes=("serious",) * count)
        reader = PdfReader(io.BytesIO(download(inspector, case.id, "declaration").content))
        pages = [" ".join(p.extract_text().split()) for p in reader.pages]
        (page,) = [p for p in pages if "NGƯỜI KHAI BÁO" in p]
        assert "(Ký, ghi rõ họ tên)" in page and declarer.full_name in page, count
