"""The code-list and enterprise-classification pages: only the administrator uses them; a code
added, relabelled, deactivated or uploaded there is what the forms offer and the checks accept;
a refused form keeps what was typed."""

from __future__ import annotations

import io
import re

import pytest

from app.extensions import db
from app.models import CodeEntry, Enterprise
from app.services import codes
from tests.conftest import csrf_token_from
from tests.factories import make_enterprise, make_user

URL = "/admin/codes"


@pytest.fixture
def admin(signed_in):
    make_user("admin", username="qt1")
    return signed_in("qt1")


def text_of(response) -> str:
    return response.get_data(as_text=True)


def token(client, url: str = URL) -> str:
    return csrf_token_from(text_of(client.get(url)))


def field_error(html: str, field_id: str) -> str:
    match = re.search(rf'<p class="field-error" id="{field_id}-error">([^<]*)</p>', html)
    assert match, f"no error next to {field_id}"
    return match.group(1)


def entry(list_name: str, code: str) -> CodeEntry | None:
    db.session.expire_all()
    return db.session.get(CodeEntry, (list_name, code))


def test_only_the_administrator_reaches_the_pages(signed_in, client):
    make_user("inspector", username="tt1")
    inspector = signed_in("tt1")
    for url in (URL, f"{URL}/cause", "/admin/enterprises"):
        assert inspector.get(url).status_code == 403
        assert client.get(url).status_code in (302, 401)


def test_the_overview_and_a_list_show_the_codes(admin):
    page = text_of(admin.get(URL))
    assert "Ngành kinh tế (VSIC 2018)" in page and "Yếu tố gây chấn thương" in page
    page = text_of(admin.get(f"{URL}/industry"))
    assert 'data-code="C25"' in page and "Sản xuất sản phẩm từ kim loại đúc sẵn" in page
    assert admin.get(f"{URL}/colours").status_code == 404


def test_add_a_code_and_a_refused_one_keeps_what_was_typed(admin):
    csrf = token(admin, f"{URL}/cause")
    refused = admin.post(
        f"{URL}/cause",
        data={"csrf_token": csrf, "new-code": "NSD01", "new-label_vi": "Tên thử",
              "new-parent": "NSD"},
    )  # fmt: skip
    assert refused.status_code == 422
    page = text_of(refused)
    assert field_error(page, "new-code") == "Mã NSD01 đã có trong danh mục."
    assert 'value="Tên thử"' in page
    response = admin.post(
        f"{URL}/cause",
        data={"csrf_token": csrf, "new-code": "NSD06", "new-label_vi": "Không kiểm định thiết bị",
              "new-label_en": "Equipment not inspected", "new-parent": "NSD"},
    )  # fmt: skip
    assert response.status_code == 302
    added = entry("cause", "NSD06")
    assert (added.label_vi, added.parent, added.active) == ("Không kiểm định thiết bị", "NSD", True)


def test_edit_labels(admin):
    url = f"{URL}/cause/NSD02"
    csrf = token(admin, url)
    refused = admin.post(url, data={"csrf_token": csrf, "label_vi": "", "label_en": "X"})
    assert refused.status_code == 422
    assert field_error(text_of(refused), "label_vi") == "Bắt buộc nhập tên tiếng Việt."
    response = admin.post(
        url, data={"csrf_token": csrf, "label_vi": "Máy, thiết bị không an toàn", "label_en": ""}
    )
    assert response.status_code == 302
    assert entry("cause", "NSD02").label_vi == "Máy, thiết bị không an toàn"
    assert admin.get(f"{URL}/cause/NOPE").status_code == 404


def test_deactivate_and_reactivate(admin):
    csrf = token(admin, f"{URL}/injuring_factor")
    response = admin.post(f"{URL}/injuring_factor/YT09/deactivate", data={"csrf_token": csrf})
    assert response.status_code == 302
    assert entry("injuring_factor", "YT09").active is False
    page = text_of(admin.get(f"{URL}/injuring_factor"))
    assert "đã ngừng" in page and "Dùng lại" in page
    admin.post(f"{URL}/injuring_factor/YT09/reactivate", data={"csrf_token": csrf})
    assert entry("injuring_factor", "YT09").active is True
    # Without the CSRF token nothing changes.
    admin.post(f"{URL}/injuring_factor/YT09/deactivate", data={})
    assert entry("injuring_factor", "YT09").active is True


def test_upload_a_csv_from_excel(admin):
    csrf = token(admin, f"{URL}/occupation")
    content = "\ufeffcode,label_vi,label_en,parent\r\n7212,Thợ hàn,Welders,72\r\n"
    response = admin.post(
        f"{URL}/occupation/upload",
        data={"csrf_token": csrf, "upload-file": (io.BytesIO(content.encode()), "nghe.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, text_of(response)
    assert entry("occupation", "7212").label_vi == "Thợ hàn"
    bad = admin.post(
        f"{URL}/occupation/upload",
        data={"csrf_token": csrf,
              "upload-file": (io.BytesIO(b"code,label_vi\n7213,\n"), "nghe.csv")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert bad.status_code == 422
    assert field_error(text_of(bad), "upload-file") == "Dòng 2, cột label_vi: thiếu tên tiếng Việt."
    assert entry("occupation", "7213") is None
    empty = admin.post(
        f"{URL}/occupation/upload", data={"csrf_token": csrf}, content_type="multipart/form-data"
    )
    assert empty.status_code == 422


def test_enterprise_industry_and_ownership_are_chosen_from_the_lists(admin):
    enterprise = make_enterprise(name="Công ty CP Đóng tàu", industry_code="C25")
    page = text_of(admin.get("/admin/enterprises"))
    assert "Công ty CP Đóng tàu" in page and "Sản xuất sản phẩm từ kim loại đúc sẵn" in page
    url = f"/admin/enterprises/{enterprise.id}"
    page = text_of(admin.get(url))
    assert '<option selected value="C25">' in page
    assert 'value="foreign">Doanh nghiệp có vốn đầu tư nước ngoài' in page
    csrf = csrf_token_from(page)
    refused = admin.post(
        url, data={"csrf_token": csrf, "industry_code": "C99", "ownership": "private"}
    )
    assert refused.status_code == 422
    page = text_of(refused)
    assert "C99" in field_error(page, "industry_code")
    assert "private" in field_error(page, "ownership")
    assert '<option selected value="C99">' in page  # what was chosen is kept
    db.session.expire_all()
    assert db.session.get(Enterprise, enterprise.id).ownership is None
    response = admin.post(url, data={"csrf_token": csrf, "industry_code": "C30",
                                     "ownership": "foreign"})  # fmt: skip
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Enterprise, enterprise.id)
    assert (saved.industry_code, saved.ownership) == ("C30", "foreign")
    assert codes.label("ownership", saved.ownership) == "Doanh nghiệp có vốn đầu tư nước ngoài"
