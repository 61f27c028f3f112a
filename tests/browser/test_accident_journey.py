"""An accident's journey in Chromium: declared by the employer, investigated by the inspector,
and closed once its dossier is complete (a paper uploaded, the others marked not applicable)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from app import clock
from app.extensions import db
from tests.browser.pages import go_to_declaration, log_in
from tests.factories import act, head, make_accident, make_user, victim_body
from tests.samples import FATAL_ATTENDEES, MINUTES

pytestmark = pytest.mark.browser


def fill_victim(block, *, name: str, national_id: str, outcome: str, wage: str) -> None:
    block.get_by_label("Họ và tên").fill(name)
    block.get_by_label("Ngày sinh").fill("02/04/1990")  # typed dd/mm/yyyy
    block.get_by_label("Giới tính").select_option(label="Nam")
    block.get_by_label("Số CCCD (12 chữ số)").fill(national_id)
    block.get_by_label("Nghề nghiệp", exact=True).fill("Thợ hàn")
    block.get_by_label("Hậu quả").select_option(label=outcome)
    block.get_by_label("Lương bình quân 6 tháng", exact=False).fill(wage)
    block.get_by_label("Mã số BHXH (nếu có)").fill("3112345678")
    block.get_by_label("Số năm đóng BHXH (nếu có)").fill("6")


def test_enterprise_declares_a_fatal_accident_with_two_victims(app, page):
    make_user("enterprise", username="hoa", full_name="Trần Thị Hoa")
    log_in(page, "hoa")
    go_to_declaration(page, "Khai báo tai nạn")
    expect(page.get_by_role("heading", level=1)).to_have_text("Khai báo tai nạn lao động")

    yesterday = (clock.to_local(clock.now()) - timedelta(days=1)).date()
    page.get_by_label("Ngày xảy ra").fill(yesterday.strftime("%d/%m/%Y"))
    page.get_by_label("Giờ xảy ra").fill("08:30")
    # (a required input's label ends with its "*" mark: the textbox by its accessible name)
    page.get_by_role("textbox", name="Nơi xảy ra tai nạn", exact=True).fill("Xưởng cơ khí số 2")
    page.get_by_label("Diễn biến vụ tai nạn").fill("Sập giàn giáo khi đang hàn dầm thép.")

    blocks = page.get_by_test_id("victim-block")
    expect(blocks).to_have_count(1)  # cases.js keeps one block; the button adds more
    first = page.get_by_role("group", name="Nạn nhân 1", exact=True)
    fill_victim(
        first, name="Nguyễn Văn An", national_id="03109000123", outcome="Tử vong", wage="9.000.000"
    )
    page.get_by_role("button", name="Thêm nạn nhân").click()
    expect(blocks).to_have_count(2)
    second = page.get_by_role("group", name="Nạn nhân 2", exact=True)
    expect(second.get_by_label("Họ và tên")).to_have_value("")
    fill_victim(
        second,
        name="Phạm Văn Bình",
        national_id="031090004567",
        outcome="Bị thương nặng",
        wage="8.500.000",
    )
    page.get_by_role("button", name="Gửi khai báo").click()

    # The bad national ID is refused next to its field; nothing is declared yet.
    expect(page.locator("#victims-0-national_id-error")).to_have_text(
        "Số CCCD phải gồm đúng 12 chữ số."
    )
    national_id = first.get_by_label("Số CCCD (12 chữ số)")
    expect(national_id).to_have_attribute("aria-invalid", "true")
    expect(blocks).to_have_count(2)
    expect(second.get_by_label("Họ và tên")).to_have_value("Phạm Văn Bình")

    national_id.fill("031090001234")
    page.get_by_role("button", name="Gửi khai báo").click()
    page.wait_for_url(re.compile(r"/cases/\d+$"))
    expect(page.get_by_role("status")).to_contain_text("Đã khai báo vụ việc HP-")
    expect(page.get_by_test_id("case-severity")).to_have_text("Chết người")
    expect(page.get_by_test_id("case-level")).to_contain_text("Cấp tỉnh")
    victims = page.get_by_test_id("victims")
    expect(victims).to_contain_text("Nguyễn Văn An")
    expect(victims).to_contain_text("Phạm Văn Bình")
    # The workflow diagram is drawn by the vendored Mermaid; the list is its text version.
    expect(page.frame_locator("iframe.diagram-frame").locator("pre.mermaid svg")).to_be_visible()
    expect(page.locator("ol.steps li[aria-current='step']")).to_contain_text("Đã khai báo")


def open_action(page: Page, trigger: str):
    page.locator(f"#action-{trigger} > summary").click()
    return page.get_by_test_id(f"form-{trigger}")


def fill_person(form, label: str, name: str, organisation: str, role: str | None = None) -> None:
    row = form.get_by_role("group", name=label, exact=True)
    row.get_by_label("Họ tên").fill(name)
    row.get_by_label("Cơ quan").select_option(organisation)
    if role:
        row.get_by_label("Vai trò").select_option(role)


def test_inspector_investigates_concludes_and_announces_a_fatal_accident(app, page):
    reporter = make_user("enterprise")
    make_user("inspector", username="thanh", full_name="Nguyễn Văn Thanh")
    # Declared two hours ago, so a meeting "now" is after the declaration.
    declared = clock.now() - timedelta(hours=2)
    clock.freeze(declared)
    try:
        case = make_accident(
            reporter,
            occurred_at=(declared - timedelta(hours=1)).isoformat(),
            victims=[
                victim_body("death", full_name="Nguyễn Văn An"),
                victim_body("serious", full_name="Phạm Văn Bình"),
            ],
        )
    finally:
        clock.freeze(None)
    code = case.code
    db.session.commit()  # end the test's read so the live server can write (SQLite)

    log_in(page, "thanh")
    page.get_by_role("link", name="Vụ việc", exact=True).click()
    page.get_by_role("link", name=code).click()
    expect(page.get_by_test_id("case-state")).to_have_text("Đã khai báo")

    form = open_action(page, "open_investigation")
    fill_person(form, "Thành viên 1", "Nguyễn Văn Thanh", "inspectorate", "head")
    fill_person(form, "Thành viên 2", "Đỗ Minh Tuấn", "union", "member")
    fill_person(form, "Thành viên 3", "Bác sĩ Lê Thu", "health", "member")
    form.get_by_label("Cần giám định kỹ thuật, pháp y").select_option(label="Không")
    form.get_by_role("button", name="Thành lập đoàn điều tra").click()
    expect(page.get_by_test_id("case-state")).to_have_text("Đang điều tra")
    expect(page.get_by_test_id("team")).to_contain_text("Nguyễn Văn Thanh")

    form = open_action(page, "conclude")
    form.get_by_label("Là tai nạn lao động").select_option(label="Có")
    form.get_by_label("Lỗi hoàn toàn do người lao động").select_option(label="Không")
    form.get_by_role("textbox", name="Nguyên nhân", exact=True).fill(
        "Giàn giáo không được neo giữ\nKhông kiểm tra trước ca"
    )
    form.get_by_label("Trách nhiệm").fill("Người sử dụng lao động không kiểm tra giàn giáo.")
    form.get_by_label("Biện pháp khắc phục, phòng ngừa").fill("Neo giàn giáo\nHuấn luyện lại")
    form.get_by_role("button", name="Lập biên bản điều tra").click()
    expect(page.get_by_test_id("case-state")).to_have_text("Đã lập biên bản điều tra")
    expect(page.get_by_test_id("minutes")).to_contain_text("Giàn giáo không được neo giữ")

    form = open_action(page, "announce")
    meeting = clock.to_local(clock.now()).strftime("%d/%m/%Y %H:%M")  # 24-hour
    form.get_by_label("Thời điểm họp công bố").fill(meeting)
    fill_person(form, "Người dự 1", "Nguyễn Văn Thanh", "inspectorate")
    fill_person(form, "Người dự 2", "Đại úy Phạm Văn Công", "police")
    fill_person(form, "Người dự 3", "Kiểm sát viên Vũ Thị Hạnh", "procuracy")
    fill_person(form, "Người dự 4", "Đỗ Minh Tuấn", "union")
    form.get_by_role("button", name="Công bố biên bản điều tra").click()
    expect(page.get_by_test_id("case-state")).to_have_text("Đã công bố")

    # The steps, and the papers they issued: Form 01 at the declaration, the minutes when
    # written and again with the meeting when announced.
    timeline = page.get_by_test_id("timeline").locator("li[data-trigger]")
    expect(timeline).to_have_count(7)
    assert [timeline.nth(i).get_attribute("data-trigger") for i in range(7)] == [
        "declare",
        "issue_paper",
        "open_investigation",
        "conclude",
        "issue_paper",
        "announce",
        "issue_paper",
    ]
    expect(timeline.nth(5)).to_contain_text("Viện kiểm sát")
    expect(timeline.nth(6)).to_contain_text("Biên bản điều tra")
    versions = page.get_by_test_id("versions-minutes").locator("tbody tr")
    expect(versions).to_have_count(2)

    claims = page.get_by_test_id("claims").locator("li")
    expect(claims).to_have_count(2)
    deceased = claims.filter(has_text="Nguyễn Văn An")
    expect(deceased).to_have_attribute("data-state", "assessed")
    expect(deceased).to_contain_text("Đã giám định")
    expect(claims.filter(has_text="Phạm Văn Bình")).to_contain_text("Đang điều trị")


def test_inspector_closes_an_accident_once_its_dossier_is_complete(app, page, tmp_path):
    """Closing waits for the dossier: the close form says which papers are missing; a photo is
    uploaded, every other missing paper is marked not applicable with a reason (refused first
    without one, the message beside it), and the case closes."""
    reporter = make_user("enterprise")
    inspector = make_user("inspector", username="thanh", full_name="Nguyễn Văn Thanh")
    declared = clock.now() - timedelta(hours=2)
    clock.freeze(declared)
    try:
        case = make_accident(
            reporter,
            outcomes=("death",),
            occurred_at=(declared - timedelta(hours=1)).isoformat(),
        )
        clock.freeze(declared + timedelta(hours=1))
        case = act(case, inspector, "open_investigation", team=head())
        case = act(case, inspector, "conclude", **{**MINUTES, "is_work_accident": False})
        case = act(case, inspector, "announce", meeting_at=clock.now().isoformat(),
                   attendees=FATAL_ATTENDEES)  # fmt: skip
    finally:
        clock.freeze(None)
    case_id = case.id
    db.session.commit()  # end the test's read so the live server can write (SQLite)
    photo = tmp_path / "anh-hien-truong.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32)

    log_in(page, "thanh")
    page.goto(f"/cases/{case_id}")
    expect(page.get_by_test_id("case-state")).to_have_text("Đã công bố")
    documents = page.locator("#documents")
    expect(documents.get_by_test_id("dossier-missing")).to_have_text(
        "Còn thiếu 5 tài liệu bắt buộc."
    )

    # Closing now is refused, the missing papers named in the close form.
    form = open_action(page, "close")
    form.get_by_role("button", name="Đóng vụ việc").click()
    summary = page.get_by_test_id("form-close").locator(".error-summary")
    expect(summary).to_contain_text("hồ sơ còn thiếu 5 tài liệu bắt buộc")
    expect(summary).to_contain_text("Sơ đồ hiện trường")
    expect(page.get_by_test_id("case-state")).to_have_text("Đã công bố")
    # The refusal leads to where the papers are added or waived.
    summary.get_by_role("link", name="Đến mục Hồ sơ, tài liệu").click()
    expect(page).to_have_url(re.compile(r"#documents$"))

    # A photo of the scene is uploaded.
    documents.get_by_label("Loại tài liệu").select_option("photos")
    documents.get_by_label("Tệp", exact=True).set_input_files(photo)
    documents.get_by_role("button", name="Tải lên").click()
    page.wait_for_url(re.compile(rf"/cases/{case_id}#documents$"))
    expect(documents.locator('li[data-category="photos"]')).to_have_class("present")

    # The sketch without a reason: refused beside its reason, nothing marked.
    sketch = documents.locator('li[data-category="scene_sketch"]')
    sketch.locator("summary").click()
    sketch.get_by_role("button", name="Đánh dấu không áp dụng").click()
    sketch = page.locator('#documents li[data-category="scene_sketch"]')
    expect(sketch.locator(".field-error")).to_contain_text("Bắt buộc")
    expect(sketch.get_by_label("Lý do không áp dụng")).to_have_attribute("aria-invalid", "true")
    expect(sketch).to_have_class("missing")

    reasons = {
        "scene_sketch": "Hiện trường đã bị xáo trộn khi cấp cứu; không vẽ được sơ đồ.",
        "scene_record": "Công an huyện khám nghiệm, biên bản lưu tại cơ quan công an.",
        "statements": "Không có người chứng kiến; người bị nạn đã tử vong.",
        "medical": "Người bị nạn tử vong tại chỗ, không điều trị.",
    }
    for category, reason in reasons.items():
        item = page.locator(f'#documents li[data-category="{category}"]')
        details = item.locator("details.mark-na")
        if details.get_attribute("open") is None:
            item.locator("summary").click()
        item.get_by_label("Lý do không áp dụng").fill(reason)
        item.get_by_role("button", name="Đánh dấu không áp dụng").click()
        page.wait_for_url(re.compile(rf"/cases/{case_id}#documents$"))
        marked = page.locator(f'#documents li[data-category="{category}"]')
        expect(marked).to_have_class("not-applicable")
        expect(marked).to_contain_text("Không áp dụng")
        expect(marked).to_contain_text(reason)
        expect(marked).to_contain_text("Nguyễn Văn Thanh")
    expect(documents.get_by_test_id("dossier-complete")).to_be_visible()

    form = open_action(page, "close")
    form.get_by_role("button", name="Đóng vụ việc").click()
    expect(page.get_by_test_id("case-state")).to_have_text("Đã đóng")
    expect(page.locator('li[data-trigger="mark_not_applicable"]')).to_have_count(4)
