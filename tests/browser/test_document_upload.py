"""An employer adds to an accident's investigation dossier in Chromium: a PDF is listed and the
checklist of missing documents shrinks; a file named .pdf that is not a PDF is refused next to
the file input and nothing new is listed."""

from __future__ import annotations

import re

import pytest
from fpdf import FPDF
from playwright.sync_api import expect

from app.extensions import db
from tests.browser.pages import log_in
from tests.factories import act, head, make_accident, make_user

pytestmark = pytest.mark.browser


def small_pdf(path) -> None:
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text="Bien ban kham nghiem hien truong")
    document.output(str(path))


def test_enterprise_uploads_a_pdf_and_a_fake_pdf_is_refused(app, page, tmp_path):
    employer = make_user("enterprise", username="hoa")
    # One seriously injured worker: the employer investigates, so the dossier is required.
    case = make_accident(employer, ("serious",))
    case = act(case, employer, "open_investigation", team=head("Trần Thị Hoa", "employer"))
    case_id = case.id
    # SQLite takes the write lock at BEGIN: end the test's transaction and touch no ORM object
    # afterwards, so the live server can write.
    db.session.commit()
    pdf = tmp_path / "bien-ban-hien-truong.pdf"
    small_pdf(pdf)
    fake = tmp_path / "so-do-hien-truong.pdf"
    fake.write_text("Đây là văn bản thường, không phải tệp PDF.\n", encoding="utf-8")

    log_in(page, "hoa")
    page.goto(f"/cases/{case_id}")
    documents = page.locator("#documents")
    missing = documents.get_by_test_id("dossier-missing")
    scene_record = documents.locator("ul.checklist li", has_text="Biên bản khám nghiệm hiện trường")
    expect(missing).to_have_text("Còn thiếu 6 tài liệu bắt buộc.")
    expect(scene_record).to_have_class("missing")
    expect(documents.get_by_text("Chưa có tài liệu nào.")).to_be_visible()

    # The first missing item is chosen already.
    expect(documents.get_by_label("Loại tài liệu")).to_have_value("scene_record")
    documents.get_by_label("Tệp", exact=True).set_input_files(pdf)
    documents.get_by_label("Ghi chú").fill("Lập tại hiện trường")
    documents.get_by_role("button", name="Tải lên").click()
    page.wait_for_url(re.compile(rf"/cases/{case_id}#documents$"))

    expect(page.get_by_role("status").first).to_contain_text("Đã tải tài liệu lên hồ sơ vụ việc.")
    rows = documents.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("bien-ban-hien-truong.pdf")
    expect(rows.first).to_contain_text("Lập tại hiện trường")
    expect(missing).to_have_text("Còn thiếu 5 tài liệu bắt buộc.")
    expect(scene_record).to_have_class("present")
    expect(scene_record).to_contain_text("(1 tệp)")
    expect(documents.get_by_label("Loại tài liệu")).to_have_value("scene_sketch")

    # Text renamed to .pdf: refused by its content, the message beside the file input.
    file_input = documents.get_by_label("Tệp", exact=True)
    file_input.set_input_files(fake)
    documents.get_by_role("button", name="Tải lên").click()
    file_error = documents.locator("#document-file-error")
    expect(file_error).to_contain_text("Nội dung tệp không đúng định dạng.")
    expect(file_input).to_have_attribute("aria-invalid", "true")
    expect(file_input).to_have_attribute(
        "aria-describedby", "document-file-hint document-file-error"
    )
    field = documents.locator(".field", has=page.locator("#document-file"))
    expect(field.locator(".field-error")).to_have_text(file_error.inner_text())
    expect(documents.get_by_test_id("upload-error-summary")).to_be_visible()
    expect(documents.get_by_label("Loại tài liệu")).to_have_value("scene_sketch")

    expect(rows).to_have_count(1)
    expect(documents.locator("table")).not_to_contain_text("so-do-hien-truong.pdf")
    expect(missing).to_have_text("Còn thiếu 5 tài liệu bắt buộc.")
