"""The province's quick report of a fatal or 2+ seriously injured accident (Form 06, Decree
129/2025 Appendix II; law.md §9): offered only for qualifying accidents and only to inspectors;
the PDF and the JSON carry the same counts, name the victims without their national ID or any
medical detail. Through the API, the web pages and the service."""

from __future__ import annotations

from app.extensions import db
from app.models import Case
from app.services.quick_report import quick_report_pdf
from tests.api.test_papers import assert_pdf, refused_paper
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
        birth_date="1995-07-12",
        national_id="031095005678",
        occupation="Công nhân vận hành",
        injury_description="Gãy xương đùi trái",
    ),
    victim_body(
        "light",
        full_name="Phạm Văn Bình",
        national_id="031088009999",
        injury_description="Xây xát nhẹ",
    ),
]
SECRETS = ["031090001234", "031095005678", "031088009999", "Chấn thương sọ não", "Gãy xương",
           "Xây xát", "031******234"]  # fmt: skip


def row(case_id) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case_id)


def fatal_case(api, w) -> dict:
    w.enterprise.ownership = "foreign"
    db.session.commit()
    return api.declared(w.ent, accident_body(w.commune.code, victims=VICTIMS))


def paths(case_id: int) -> tuple[str, str]:
    return f"/cases/{case_id}/papers/quick_report.pdf", f"/cases/{case_id}/papers/quick_report"


def test_the_inspector_gets_the_pdf_and_the_json_with_the_same_counts(api, w):
    case = fatal_case(api, w)
    pdf_path, json_path = paths(case["id"])
    response = api.get(pdf_path, w.insp)
    assert_pdf(response)
    assert f"{case['code']}-bao-cao-nhanh.pdf" in response.headers["Content-Disposition"]
    body = api.get(json_path, w.insp).get_json()
    # Counted by hand from VICTIMS: three victims, one dead, one seriously injured.
    assert body["counts"] == {"victims": 3, "deaths": 1, "serious": 1}
    assert [v["outcome"] for v in body["victims"]] == ["death", "serious", "light"]
    assert body["case_code"] == case["code"] and body["form"] == "06"
    text = "\n".join(quick_report_pdf(row(case["id"]), w.insp).lines)
    counts = body["counts"]
    for label, value in (
        ("Số người bị nạn", counts["victims"]),
        ("Số người chết", counts["deaths"]),
        ("Số người bị thương nặng", counts["serious"]),
    ):
        assert f"{label}: \n{value}" in text, label


def test_the_paper_has_the_shape_of_form_06_and_hides_ids_and_injuries(api, w):
    case = fatal_case(api, w)
    text = "\n".join(quick_report_pdf(row(case["id"]), w.insp).lines)
    for expected in (
        "SỞ NỘI VỤ THÀNH PHỐ HẢI PHÒNG",
        f"Số: {case['code']}/BCN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "BÁO CÁO NHANH TAI NẠN LAO ĐỘNG",
        "Mẫu số 06 Phụ lục II Nghị định 129/2025/NĐ-CP",
        "Bộ Nội vụ (Cục An toàn lao động)",
        "Công ty TNHH Cơ khí Đông Hải",
        "0201234567",
        "C25 — Sản xuất sản phẩm từ kim loại đúc sẵn",
        "Doanh nghiệp có vốn đầu tư nước ngoài",
        "Phường Hồng Bàng",
        "20/11/2026 08:30",  # 01:30 UTC shown in Vietnam time
        "Xưởng cơ khí số 2",
        "Công nhân bị máy dập kẹp tay",
        "Nguyễn Văn Đức",
        "Lê Thị Ánh",
        "Nữ",
        "1995",
        "Thợ hàn",
        "Chết",
        "Bị thương nặng",
        "Bị thương nhẹ",
        "Đang điều tra",
        case["code"],
    ):
        assert expected in text, expected
    assert "12/07/1995" not in text  # the year of birth only
    assert [s for s in SECRETS if s in text] == []
    body = api.get(paths(case["id"])[1], w.insp).get_data(as_text=True)
    assert [s for s in SECRETS if s in body] == []
    assert "injury_description" not in body and "national_id" not in body


def test_cause_and_measures_once_the_minutes_exist(api, w, t):
    case = fatal_case(api, w)
    api.acted(case["id"], "open_investigation", w.insp, team=t.PROVINCE_TEAM)
    api.acted(case["id"], "conclude", w.insp, **t.MINUTES, cause_code="NSD02")
    body = api.get(paths(case["id"])[1], w.insp).get_json()
    assert body["cause"] == {
        "causes": ["Không sử dụng phương tiện bảo vệ cá nhân"],
        "cause_code": "NSD02",
        "cause_label": "Thiết bị không đảm bảo an toàn",
    }
    assert body["measures"] == ["Huấn luyện lại", "Kiểm tra thiết bị"]
    text = "\n".join(quick_report_pdf(row(case["id"]), w.insp).lines)
    assert "NSD02 — Thiết bị không đảm bảo an toàn" in text
    assert "Không sử dụng phương tiện bảo vệ cá nhân" in text
    assert "- Huấn luyện lại" in text and "Đang điều tra" not in text


def test_a_commune_case_names_no_enterprise(api, w):
    body = accident_body(w.commune.code, outcomes=("serious", "serious"), labour_relation=False)
    case = api.declared(w.comm, body)
    content = api.get(paths(case["id"])[1], w.insp).get_json()
    assert content["enterprise"] is None and content["labour_relation"] is False
    assert content["counts"] == {"victims": 2, "deaths": 0, "serious": 2}
    text = "\n".join(quick_report_pdf(row(case["id"]), w.insp).lines)
    assert "Người lao động không có quan hệ lao động" in text
    assert "Ủy ban nhân dân Phường Hồng Bàng" in text


# --------------------------------------------------------------------------------------------
# Who gets it, and for which accidents
# --------------------------------------------------------------------------------------------


def test_only_the_inspector_gets_it(api, w):
    case = fatal_case(api, w)
    for path in paths(case["id"]):
        # Roles that see the case but do not file the form: 403; admin has no case access.
        for user in (w.ent, w.union, w.comm, w.admin):
            response = refused_paper(lambda u=user, p=path: api.get(p, u), case["id"], user, 403)
            assert "Nguyễn Văn Đức" not in response.get_data(as_text=True)
        # Roles that do not see the case: 404, as for every other paper.
        for user in (w.other_ent, w.other_comm, w.other_union, w.insurance):
            refused_paper(
                lambda u=user, p=path: api.get(p, u), case["id"], user, 404, code=case["code"]
            )
        assert api.get(path, w.insp).status_code == 200


def test_not_offered_for_an_accident_that_does_not_qualify(api, w):
    one_serious = api.declared(w.ent, accident_body(w.commune.code, outcomes=("serious", "light")))
    for path in paths(one_serious["id"]):
        refused_paper(lambda p=path: api.get(p, w.insp), one_serious["id"], w.insp, 404)
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
    for path in paths(incident["id"]):
        assert api.get(path, w.insp).status_code == 404


def test_a_death_recorded_later_makes_the_accident_qualify(api, w, t):
    case = api.declared(w.ent, accident_body(w.commune.code, outcomes=("serious", "light")))
    json_path = paths(case["id"])[1]
    assert api.get(json_path, w.insp).status_code == 404
    t.freeze(t.at(days=3))
    api.acted(
        case["id"],
        "record_death",
        w.ent,
        victim_id=case["victims"][0]["id"],
        died_at=t.at(days=2).isoformat(),
    )
    body = api.get(json_path, w.insp).get_json()
    assert body["counts"] == {"victims": 2, "deaths": 1, "serious": 0}


# --------------------------------------------------------------------------------------------
# The web
# --------------------------------------------------------------------------------------------


def test_case_page_offers_it_to_the_inspector_only(api, w, signed_in):
    case = fatal_case(api, w)
    link = f"/cases/{case['id']}/papers/quick_report.pdf"
    inspector = signed_in(w.insp.username)
    html = inspector.get(f"/cases/{case['id']}").get_data(as_text=True)
    assert link in html and "mẫu số 06" in html
    assert_pdf(inspector.get(link))
    enterprise = signed_in(w.ent.username)
    html = enterprise.get(f"/cases/{case['id']}").get_data(as_text=True)
    assert f"/cases/{case['id']}/papers/declaration.pdf" in html
    assert link not in html
    refused_paper(lambda: enterprise.get(link), case["id"], w.ent, 403)


def test_case_page_does_not_offer_it_for_a_light_accident(api, w, signed_in):
    case = api.declared(w.ent, accident_body(w.commune.code, outcomes=("light",)))
    html = signed_in(w.insp.username).get(f"/cases/{case['id']}").get_data(as_text=True)
    assert f"/cases/{case['id']}/papers/declaration.pdf" in html
    assert "quick_report" not in html
