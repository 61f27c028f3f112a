"""Issue #12, "Unicode" and "Bounds", through the API: each example of the issue and one more
of its kind. Text arrives in NFC whatever the keyboard sent, digits are ASCII where digits are
meant, and every value beyond its bounds is a 422 on its field (a body too large a 413), with
nothing changed — never a 500 and never stored."""

from __future__ import annotations

import json
import unicodedata

from tests.api.test_accident_type import assessed_claim
from tests.factories import accident_body, victim_body
from workflows.inputs import JSON_MAX_BYTES, MAX_WAGE_VND, TEXT_MAX

NAME = "Nguyễn Thị Trâm"
NFD = unicodedata.normalize("NFD", NAME)
DAY_RANGE = ["Ngày phải từ 01/01/1900 đến 31/12/2100."]
WAGE_CAP = ["Số tiền không được vượt quá 10.000.000.000 đồng."]


def one_victim(w, **fields) -> dict:
    return accident_body(w.commune.code, victims=[victim_body("serious", **fields)])


# -- Unicode -------------------------------------------------------------------------------------


def test_a_name_typed_decomposed_is_stored_composed_and_found(api, w, t):
    assert NFD != NAME
    case = api.declared(w.ent, one_victim(w, full_name=NFD))
    assert case["victims"][0]["full_name"] == NAME
    # Searching with either form finds it: both arrive in NFC (app/inputs.py).
    for typed in (NAME, NFD):
        found = api.get("/cases", w.insp, query_string={"q": typed}).get_json()
        assert [c["id"] for c in found["items"]] == [case["id"]], typed


def test_a_place_typed_decomposed_is_stored_composed(api, w):
    """One more of its kind: the case's own text (location, description) and a team's names."""
    place = "Xưởng cơ khí số 2"
    body = accident_body(w.commune.code, location=unicodedata.normalize("NFD", place))
    case = api.declared(w.ent, body)
    detail = api.get(f"/cases/{case['id']}", w.insp).get_json()
    assert detail["location"] == place


def test_an_uploaded_files_name_and_note_typed_decomposed_are_stored_composed(api, w, t):
    """One more of its kind: a multipart form (the document's name and note)."""
    from tests.api.test_documents import investigating, uploaded

    case = investigating(api, w, t)
    name, note = "Biên bản hiện trường.pdf", "Ảnh chụp lúc 9 giờ"
    document = uploaded(
        api, w.insp, case["id"],
        name=unicodedata.normalize("NFD", name), note=unicodedata.normalize("NFD", note),
    )  # fmt: skip
    assert (document["original_name"], document["note"]) == (name, note)


def test_the_same_person_declared_once_in_nfd_once_in_nfc_is_the_same_person(api, w, t):
    body = accident_body(w.commune.code)
    second = dict(body["victims"][0])
    body["victims"].append(second)
    body["victims"][0]["full_name"], second["full_name"] = NAME, NFD
    response = api.declare(w.ent, body)
    assert response.status_code == 422
    assert response.get_json()["errors"]["victims"] == [
        "Một người không thể được khai báo hai lần trong cùng vụ."
    ]
    assert t.case_count() == 0


def test_full_width_or_arabic_indic_digits_are_no_national_id(api, w, t):
    for typed in ("０３１０９０００１２３４", "٠٣١٠٩٠٠٠١٢٣٤"):
        response = api.declare(w.ent, one_victim(w, national_id=typed))
        assert response.status_code == 422, typed
        errors = response.get_json()["errors"]
        assert errors == {"victims.0.national_id": ["Số CCCD phải gồm đúng 12 chữ số."]}
    assert t.case_count() == 0


def test_a_full_width_id_cannot_pass_as_another_person_beside_its_ascii_twin(api, w, t):
    """The issue's "same person twice" bypass: 031… and ０３１… were two people."""
    body = accident_body(w.commune.code)
    twin = dict(body["victims"][0], national_id="０３１０９０００１２３４")
    body["victims"][0]["national_id"] = "031090001234"
    body["victims"].append(twin)
    assert api.declare(w.ent, body).status_code == 422
    assert t.case_count() == 0


# -- bounds: text ---------------------------------------------------------------------------------


def test_a_10000_character_name_is_refused_with_its_error(api, w, t):
    response = api.declare(w.ent, one_victim(w, full_name="A" * 10_000))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"victims.0.full_name": ["Tối đa 200 ký tự."]}
    assert t.case_count() == 0


def test_a_megabyte_of_occupation_or_injuries_is_refused(api, w, t):
    for name, limit in (("occupation", 200), ("injury_description", 2000)):
        response = api.declare(w.ent, one_victim(w, **{name: "x" * 1_000_000}))
        assert response.status_code == 422, name
        assert response.get_json()["errors"] == {"victims.0": [f"Tối đa {limit} ký tự."]}
    assert t.case_count() == 0


def test_the_declaration_pdf_prints_every_text_at_its_longest(api, w):
    """What the bounds let through prints: the longest name (one unbroken word), place,
    account, occupation and injuries."""
    body = accident_body(
        w.commune.code,
        location="Đ" * 300,
        description=("Công nhân bị máy dập kẹp tay. " * 200)[:5000],
        victims=[
            victim_body(
                "death", full_name="N" * 200, occupation="T" * 200, injury_description="G" * 2000
            )
        ],
    )
    case = api.declared(w.ent, body)
    response = api.get(f"/cases/{case['id']}/papers/declaration.pdf", w.ent)
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")


def test_a_two_million_character_reject_reason_is_refused_and_nothing_changes(api, w, t):
    case = api.declared(w.ent, accident_body(w.commune.code))
    body = api.refused(case["id"], "reject", w.insp, 422, reason="x" * 2_000_000)
    assert body["errors"] == {"reason": [f"Tối đa {TEXT_MAX} ký tự."]}


def test_a_long_note_of_an_event_is_refused(api, w, t):
    """One more of its kind: every text field of every trigger has its longest."""
    body = accident_body(w.commune.code, ("light",), labour_relation=False)
    case = api.declared(w.comm, body)  # a commune's record of an accident without a contract
    body = api.refused(case["id"], "record_event", w.comm, 422, note="n" * (TEXT_MAX + 1))
    assert body["errors"] == {"note": [f"Tối đa {TEXT_MAX} ký tự."]}
    api.acted(case["id"], "record_event", w.comm, note="n" * TEXT_MAX)


# -- bounds: numbers and dates --------------------------------------------------------------------


def test_wages_are_capped_where_the_calculator_caps_them(api, w, t):
    for wage in (2**63, 2**63 - 1, MAX_WAGE_VND + 1):
        response = api.declare(w.ent, one_victim(w, monthly_wage_vnd=wage))
        assert response.status_code == 422, wage
        assert response.get_json()["errors"] == {"victims.0.monthly_wage_vnd": WAGE_CAP}
    quote = {"capacity_loss_pct": 25, "monthly_wage_vnd": MAX_WAGE_VND + 1}
    response = api.post("/calculations/compensation", w.ent, json=quote)
    assert response.status_code == 422
    assert response.get_json()["errors"]["monthly_wage_vnd"] == [
        "Tiền lương không được vượt quá 10.000.000.000 đồng."
    ]
    assert t.case_count() == 0
    case = api.declared(w.ent, one_victim(w, monthly_wage_vnd=MAX_WAGE_VND))
    assert case["victims"][0]["monthly_wage_vnd"] == MAX_WAGE_VND


def test_a_payment_of_10_to_the_40_or_in_year_one_is_refused(api, w, t):
    claim = assessed_claim(api, w, t, 25)
    body = api.refused(
        claim["id"], "record_payment", w.ent, 422, amount_vnd=10**40, paid_at=t.NOW.isoformat()
    )
    assert body["errors"] == {"amount_vnd": ["Số tiền không được vượt quá 100.000.000.000 đồng."]}
    body = api.refused(
        claim["id"], "record_payment", w.ent, 422, amount_vnd=1, paid_at="0001-01-01T00:00:00Z"
    )
    assert body["errors"] == {"paid_at": DAY_RANGE}


def test_a_death_recorded_in_year_9999_is_refused(api, w, t):
    """One more of its kind: every datetime field (here ``died_at``), at the far end."""
    case = api.declared(w.ent, accident_body(w.commune.code))
    victim_id = case["victims"][0]["id"]
    body = api.refused(
        case["id"], "record_death", w.ent, 422, victim_id=victim_id,
        died_at="9999-12-31T23:59:59-23:59",
    )  # fmt: skip
    assert body["errors"] == {"died_at": DAY_RANGE}


def test_a_victim_id_beyond_any_row_is_refused(api, w, t):
    case = api.declared(w.ent, accident_body(w.commune.code))
    body = api.refused(
        case["id"], "record_death", w.ent, 422, victim_id=2**63, died_at=t.NOW.isoformat()
    )
    assert body["errors"] == {"victim_id": ["Mã nạn nhân phải là số nguyên dương."]}


def test_filters_with_dates_the_server_cannot_convert_are_422(api, w):
    for query in ({"from": "9999-12-31T23:59:59-23:59"}, {"to": "0001-01-01T00:00:00Z"}):
        response = api.get("/cases", w.insp, query_string=query)
        assert response.status_code == 422, query
        assert list(response.get_json()["errors"].values()) == [DAY_RANGE]
    response = api.get(
        "/statistics/accidents", w.insp, query_string={"from": "0001-01-01", "to": "0001-02-01"}
    )
    assert response.status_code == 422
    assert response.get_json()["errors"]["from"] == DAY_RANGE


def test_huge_ids_and_pages_are_404_and_422(api, w):
    assert api.get(f"/cases/{2**63}", w.insp).status_code == 404
    assert api.post(f"/notifications/{2**64}/read", w.insp).status_code == 404
    assert api.get("/cases/٣", w.insp).status_code == 404  # not case 3
    for path in ("/cases", "/notifications", "/reports"):
        response = api.get(path, w.insp, query_string={"page": str(10**20)})
        assert response.status_code == 422, path
        assert response.get_json()["errors"] == {"page": ["Phải là số nguyên từ 1 đến 1.000.000."]}


# -- bodies ---------------------------------------------------------------------------------------


def _raw(api, user, data: bytes | str):
    return api.client.post(
        "/api/v1/cases",
        data=data,
        headers={**api.headers(user), "Content-Type": "application/json"},
    )


def test_json_nested_100000_deep_is_refused(api, w, t):
    response = _raw(api, w.ent, "[" * 100_000 + "]" * 100_000)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"body": ["Nội dung JSON lồng nhau quá 20 cấp."]}
    assert t.case_count() == 0


def test_a_json_body_over_the_limit_is_413(api, w, t):
    body = json.dumps(one_victim(w, injury_description="x" * JSON_MAX_BYTES))
    response = _raw(api, w.ent, body)
    assert response.status_code == 413
    assert response.get_json() == {"error": "Nội dung gửi lên quá lớn."}
    assert t.case_count() == 0


def test_a_nul_in_json_text_is_refused(api, w, t):
    response = _raw(api, w.ent, json.dumps(one_victim(w, full_name="An\u0000")))
    assert response.status_code == 422
    assert "body" in response.get_json()["errors"]
    assert t.case_count() == 0
