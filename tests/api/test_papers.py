"""Printable papers (PDF, Vietnamese with DejaVu Sans): the declaration in the shape of Form 01
and the investigation minutes; national IDs and medical detail only for medical roles; 404 for
other tenants; minutes only once concluded. Through the API and the web. (That a paper once
issued stays as issued: tests/api/test_issued_papers.py.)"""

from __future__ import annotations

import io

from pypdf import PdfReader

from app.extensions import db
from app.models import Case
from app.services.privacy import mask_national_id
from tests.api.case_api import medical_reads, observe
from tests.conftest import csrf_token_from
from tests.factories import accident_body, victim_body

VICTIMS = [
    victim_body(
        "death",
        full_name="Nguyễn Văn Đức",
        national_id="031090001234",
        occupation="Thợ hàn",
        injury_description="Chấn thương sọ não",
    ),
    victim_body(
        "serious",
        full_name="Lê Thị Ánh",
        gender="female",
        national_id="031095005678",
        occupation="Công nhân vận hành",
        injury_description="Gãy xương đùi trái",
    ),
]


def fatal_case(api, w) -> dict:
    return api.declared(w.ent, accident_body(w.commune.code, victims=VICTIMS))


def concluded(api, w, t, case) -> dict:
    api.acted(case["id"], "open_investigation", w.insp, team=t.PROVINCE_TEAM)
    minutes = {**t.MINUTES, "dissent": ["Đại diện công đoàn cho rằng lỗi thuộc người sử dụng"]}
    return api.acted(case["id"], "conclude", w.insp, **minutes)


def pdf_text(data: bytes) -> str:
    """A PDF's text in drawing order, whitespace collapsed (a wrapped value reads whole)."""
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def paper_text(api, case_id: int, name: str, user) -> str:
    """The text of paper ``name`` as ``user`` downloads it through the API."""
    response = api.get(f"/cases/{case_id}/papers/{name}.pdf", user)
    assert response.status_code == 200, response.get_data(as_text=True)[:200]
    return pdf_text(response.data)


def row(case_id) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case_id)


def refused_paper(get, case_id: int, user, status: int, *, code: str | None = None):
    """``get()`` answers ``status`` with no PDF bytes and no victim's name or national ID
    (nor ``code``, the case's code, when given), and changes nothing: the case (as
    ``Api.refused`` observes it) and the caller's medical-read log stay as they were."""
    before = (observe(case_id), medical_reads(user))
    response = get()
    assert response.status_code == status, response.get_data(as_text=True)[:200]
    assert b"%PDF" not in response.data
    text = response.get_data(as_text=True)
    secrets = [v[key] for v in VICTIMS for key in ("full_name", "national_id")]
    assert [s for s in [*secrets, code] if s and s in text] == []
    assert (observe(case_id), medical_reads(user)) == before
    response.close()
    return response


def assert_pdf(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:200]
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data.startswith(b"%PDF")
    assert len(response.data) > 1024
    assert b"DejaVuSans" in response.data  # the Unicode font is embedded, not a core font


# --------------------------------------------------------------------------------------------
# The declaration
# --------------------------------------------------------------------------------------------


def test_declaration_pdf_through_the_api(api, w):
    case = fatal_case(api, w)
    response = api.get(f"/cases/{case['id']}/papers/declaration.pdf", w.ent)
    assert_pdf(response)
    assert f"{case['code']}-to-khai-lan-1.pdf" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]


def test_declaration_has_the_shape_of_form_01(api, w):
    case = fatal_case(api, w)
    text = paper_text(api, case["id"], "declaration", w.insp)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "TỜ KHAI/BÁO CÁO NHANH TAI NẠN LAO ĐỘNG",
        "Mẫu số 01 Phụ lục II Nghị định 129/2025/NĐ-CP",
        "Công ty TNHH Cơ khí Đông Hải",
        "0201234567",
        "Phường Hồng Bàng",
        "20/11/2026 08:30",
        "Xưởng cơ khí số 2",
        "Nguyễn Văn Đức",
        "Lê Thị Ánh",
        "02/04/1990",
        "Nữ",
        "Thợ hàn",
        "Chết",
        "Bị thương nặng",
        "Tai nạn lao động chết người",
        "Trần Thị Huệ",
        "NGƯỜI KHAI BÁO",
        "Công an cấp xã",
    ):
        assert expected in text, expected
    assert "031090001234" in text  # the inspector has medical access: the full CCCD
    assert "Chấn thương sọ não" in text


def test_union_paper_masks_national_ids_and_hides_injuries(api, w):
    case = fatal_case(api, w)
    text = paper_text(api, case["id"], "declaration", w.union)
    assert "031090001234" not in text and "031095005678" not in text
    # No digit of either number: the birth date and gender beside them give digits 4-6.
    assert mask_national_id("031090001234") == "*" * 12
    assert "*" * 12 in text and "******234" not in text and "031***" not in text
    assert "Chấn thương sọ não" not in text and "Gãy xương" not in text
    assert "thông tin y tế — không hiển thị" in text
    assert api.get(f"/cases/{case['id']}/papers/declaration.pdf", w.union).status_code == 200


def test_a_medical_read_through_a_paper_is_logged(api, w, t):
    case = fatal_case(api, w)
    for user in (w.ent, w.insp):
        reads = t.medical_reads(user)
        assert_pdf(api.get(f"/cases/{case['id']}/papers/declaration.pdf", user))
        assert t.medical_reads(user) == reads + 1
    assert_pdf(api.get(f"/cases/{case['id']}/papers/declaration.pdf", w.union))
    assert t.medical_reads(w.union) == 0


def test_commune_declaration_names_the_commune(api, w):
    body = accident_body(w.commune.code, labour_relation=False)
    case = api.declared(w.comm, body)
    text = paper_text(api, case["id"], "declaration", w.comm)
    assert "Ủy ban nhân dân Phường Hồng Bàng".upper() in text
    assert "không theo hợp đồng lao động" in text


def test_disease_and_incident_reports(api, w):
    disease = api.declared(
        w.ent,
        {
            "kind": "disease",
            "disease": "Bệnh điếc nghề nghiệp do tiếng ồn",
            "diagnosed_at": "2026-09-15",
            "exposure": "Tiếng ồn 95 dBA",
            "facility": "Trung tâm Y tế lao động",
            "victims": [victim_body()],
        },
    )
    text = paper_text(api, disease["id"], "declaration", w.ent)
    assert "BÁO CÁO TRƯỜNG HỢP BỆNH NGHỀ NGHIỆP" in text
    assert "Bệnh điếc nghề nghiệp do tiếng ồn" in text and "15/09/2026" in text
    union_text = paper_text(api, disease["id"], "declaration", w.union)
    assert "Bệnh điếc" not in union_text
    incident = api.declared(
        w.ent,
        {
            "kind": "incident",
            "occurred_at": "2026-11-20T07:00:00+07:00",
            "location": "Nhà lò hơi",
            "equipment": "Nồi hơi",
            "failure": "Nổ thân nồi",
            "damage": "Sập mái nhà lò",
            "casualties": 3,
        },
    )
    text = paper_text(api, incident["id"], "declaration", w.ent)
    assert "SỰ CỐ KỸ THUẬT" in text and "Nổ thân nồi" in text and "Sập mái nhà lò" in text


# --------------------------------------------------------------------------------------------
# The minutes
# --------------------------------------------------------------------------------------------


def test_minutes_only_once_concluded(api, w, t):
    case = fatal_case(api, w)
    path = f"/cases/{case['id']}/papers/minutes.pdf"
    response = refused_paper(lambda: api.get(path, w.insp), case["id"], w.insp, 409)
    assert "error" in response.get_json()
    concluded(api, w, t, case)
    assert_pdf(api.get(f"/cases/{case['id']}/papers/minutes.pdf", w.insp))


def test_minutes_content(api, w, t):
    case = fatal_case(api, w)
    concluded(api, w, t, case)
    api.acted(
        case["id"], "announce", w.insp, meeting_at=t.NOW.isoformat(), attendees=t.FATAL_ATTENDEES
    )
    text = paper_text(api, case["id"], "minutes", w.ent)
    for expected in (
        "BIÊN BẢN ĐIỀU TRA TAI NẠN LAO ĐỘNG",
        "(Tai nạn lao động chết người)",
        "Trần Thanh Tra — Thanh tra (Sở Nội vụ) (Trưởng đoàn)",  # capitalised as on the form
        "Lê Công Đoàn — Công đoàn",
        "Công ty TNHH Cơ khí Đông Hải",
        "Nguyễn Văn Đức",
        "Nguyên nhân",
        "Không sử dụng phương tiện bảo vệ cá nhân",
        "Vụ việc là tai nạn lao động.",
        "Không phải lỗi hoàn toàn do người lao động bị nạn.",
        "Người sử dụng lao động chưa huấn luyện an toàn",
        "Huấn luyện lại",
        "Đại diện công đoàn cho rằng lỗi thuộc người sử dụng",
        "Kiểm sát viên Vũ — Viện kiểm sát",
        "TRƯỞNG ĐOÀN ĐIỀU TRA",
        "ĐẠI DIỆN NGƯỜI SỬ DỤNG LAO ĐỘNG",
    ):
        assert expected in text, expected
    union_text = paper_text(api, case["id"], "minutes", w.union)
    assert "031090001234" not in union_text and "*" * 12 in union_text
    assert "******234" not in union_text


def test_minutes_of_a_case_that_is_not_a_work_accident(api, w, t):
    case = api.declared(w.ent, accident_body(w.commune.code))
    api.acted(case["id"], "open_investigation", w.ent, team=t.ENTERPRISE_TEAM)
    api.acted(case["id"], "conclude", w.ent, **{**t.MINUTES, "is_work_accident": False})
    text = paper_text(api, case["id"], "minutes", w.ent)
    assert "Vụ việc không phải là tai nạn lao động." in text
    assert "Không có ý kiến khác." in text


# --------------------------------------------------------------------------------------------
# Who may print
# --------------------------------------------------------------------------------------------


def test_other_tenants_get_404_for_every_paper(api, w, t):
    case = fatal_case(api, w)
    concluded(api, w, t, case)
    for user in (w.other_ent, w.other_union, w.other_comm, w.insurance):
        for name in ("declaration", "minutes"):
            path = f"/cases/{case['id']}/papers/{name}.pdf"
            response = refused_paper(
                lambda path=path, user=user: api.get(path, user),
                case["id"],
                user,
                404,
                code=case["code"],
            )
            assert response.status_code == 404, (user.username, name)
            assert not response.data.startswith(b"%PDF")
            assert "Nguyễn Văn Đức" not in response.get_data(as_text=True)


def test_unknown_papers_and_kinds_without_them(api, w, t):
    case = fatal_case(api, w)
    path = f"/cases/{case['id']}/papers/secret.pdf"
    refused_paper(lambda: api.get(path, w.insp), case["id"], w.insp, 404)
    assert api.get("/cases/999999/papers/declaration.pdf", w.insp).status_code == 404
    concluded(api, w, t, case)
    api.acted(
        case["id"], "announce", w.insp, meeting_at=t.NOW.isoformat(), attendees=t.FATAL_ATTENDEES
    )
    claim = row(case["id"]).children[0].id
    for name in ("declaration", "minutes"):
        path = f"/cases/{claim}/papers/{name}.pdf"
        refused_paper(lambda path=path: api.get(path, w.ent), claim, w.ent, 404)


# --------------------------------------------------------------------------------------------
# The web
# --------------------------------------------------------------------------------------------


def test_web_papers(api, w, t, client, login):
    case = fatal_case(api, w)
    response = client.get(f"/cases/{case['id']}/papers/declaration.pdf")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(w.ent.username)
    assert_pdf(client.get(f"/cases/{case['id']}/papers/declaration.pdf"))
    for name, status in (("minutes", 409), ("other", 404)):
        path = f"/cases/{case['id']}/papers/{name}.pdf"
        refused_paper(lambda path=path: client.get(path), case["id"], w.ent, status)


def test_web_papers_of_another_tenant_are_not_found(api, w, t, client, login):
    case = fatal_case(api, w)
    login(w.other_ent.username)
    path = f"/cases/{case['id']}/papers/declaration.pdf"
    response = refused_paper(
        lambda: client.get(path), case["id"], w.other_ent, 404, code=case["code"]
    )
    assert response.status_code == 404
    assert "Nguyễn Văn Đức" not in response.get_data(as_text=True)


def test_papers_partial_on_the_case_page(api, w, t, client, login):
    assert "cases.detail" in w.app.view_functions, "the case page (cases.detail) is missing"
    case = fatal_case(api, w)
    login(w.insp.username)
    html = client.get(f"/cases/{case['id']}").get_data(as_text=True)
    assert f"/cases/{case['id']}/papers/declaration.pdf" in html
    assert f"/cases/{case['id']}/papers/minutes.pdf" not in html
    assert "chưa có" in html
    concluded(api, w, t, case)
    html = client.get(f"/cases/{case['id']}").get_data(as_text=True)
    assert f"/cases/{case['id']}/papers/minutes.pdf" in html
    assert csrf_token_from(html)
