"""Code lists: the CSV loader (what Excel writes, NFD text, bad files refused whole), the reads
(labels, exists, choices), the shipped lists, the CLI and the check of workflow code fields."""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.errors import ValidationFailed
from app.extensions import db
from app.models import CodeEntry
from app.services import codes
from workflows import REGISTRY
from workflows.base import Field

DATA = Path(codes.__file__).resolve().parent.parent / "data" / "codes"


def count(list_name: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(CodeEntry).where(CodeEntry.list_name == list_name)
    )


def rows_of(list_name: str) -> dict[str, tuple]:
    return {
        e.code: (e.label_vi, e.label_en, e.parent, e.active)
        for e in db.session.scalars(select(CodeEntry).where(CodeEntry.list_name == list_name))
    }


# -- the shipped lists --------------------------------------------------------------------------


def test_the_test_database_has_the_shipped_lists(app):
    for name in codes.LISTS:
        with open(DATA / f"{name}.csv", encoding="utf-8", newline="") as handle:
            assert count(name) == len(list(csv.DictReader(handle))), name


def test_vsic_has_the_21_sections_and_88_divisions(app):
    industry = rows_of("industry")
    sections = sorted(c for c, row in industry.items() if row[2] is None)
    assert sections == [chr(c) for c in range(ord("A"), ord("U") + 1)]
    divisions = {c: row for c, row in industry.items() if row[2] is not None}
    assert len(divisions) == 88
    for code, (_, _, parent, _) in divisions.items():
        assert len(code) == 3 and code[0] == parent and code[1:].isdigit(), code
    assert industry["C25"][0] == "Sản xuất sản phẩm từ kim loại đúc sẵn (trừ máy móc, thiết bị)"
    assert industry["F"][1] == "Construction"


def test_ownership_has_the_five_types_with_their_vietnamese_names(app):
    assert {c: row[0] for c, row in rows_of("ownership").items()} == {
        "state": "Doanh nghiệp nhà nước",
        "non_state": "Doanh nghiệp ngoài nhà nước",
        "foreign": "Doanh nghiệp có vốn đầu tư nước ngoài",
        "cooperative": "Hợp tác xã",
        "household": "Hộ kinh doanh",
    }


def test_occupations_have_levels_1_and_2(app):
    occupation = rows_of("occupation")
    assert sorted(c for c, row in occupation.items() if row[2] is None) == list("0123456789")
    for code, row in occupation.items():
        if row[2] is not None:
            assert len(code) == 2 and code[0] == row[2], code


def test_shipped_files_are_nfc_and_every_workflow_code_list_is_shipped():
    for name in codes.LISTS:
        text = (DATA / f"{name}.csv").read_text(encoding="utf-8")
        assert text == unicodedata.normalize("NFC", text), name
    used = set()

    def walk(fields):
        for f in fields:
            if f.kind == "code":
                used.add(f.code_list)
            walk(f.parts)

    for definition in REGISTRY.values():
        for transition in definition.transitions:
            walk(transition.fields)
        spec = definition.declaration
        for i in (spec.inputs + spec.victims) if spec else ():
            if i.code_list:
                used.add(i.code_list)
    assert used and used <= set(codes.LISTS)


def test_loading_the_defaults_again_changes_nothing(app):
    before = {name: rows_of(name) for name in codes.LISTS}
    results = codes.load_defaults()
    assert [(r.added, r.updated) for r in results] == [(0, 0)] * len(codes.LISTS)
    assert {name: rows_of(name) for name in codes.LISTS} == before


# -- the loader ---------------------------------------------------------------------------------

EXCEL = (
    "\ufeffcode,label_vi,label_en,parent\r\n"
    "NSD01,Không có quy trình mới,No procedure (new),NSD\r\n"
    "NSD09,Thiếu biển báo,No warning signs,NSD\r\n"
    "\r\n"
)


def test_excel_csv_with_bom_and_crlf_adds_and_updates_and_keeps_the_rest(app):
    codes.set_active("cause", "NSD02", False)
    before = count("cause")
    result = codes.load_csv("cause", EXCEL.encode("utf-8"))
    assert (result.added, result.updated) == (1, 1)
    rows = rows_of("cause")
    assert rows["NSD01"] == ("Không có quy trình mới", "No procedure (new)", "NSD", True)
    assert rows["NSD09"] == ("Thiếu biển báo", "No warning signs", "NSD", True)
    assert count("cause") == before + 1  # nothing deleted
    assert rows["NSD02"][3] is False  # the administrator's deactivation is kept


def test_nfd_text_is_stored_as_nfc(app):
    nfd = unicodedata.normalize("NFD", "Thiếu biển báo ở lối đi")
    assert nfd != "Thiếu biển báo ở lối đi"
    codes.load_csv("cause", f"code,label_vi\nNSD08,{nfd}\n".encode())
    assert rows_of("cause")["NSD08"][0] == "Thiếu biển báo ở lối đi"


def test_a_semicolon_separated_file_from_vietnamese_excel_loads(app):
    content = "code;label_vi;label_en;parent\r\nYT11;Sét đánh;Lightning;\r\n"
    codes.load_csv("injuring_factor", content)
    assert rows_of("injuring_factor")["YT11"] == ("Sét đánh", "Lightning", None, True)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00c", "Tệp phải là CSV mã hóa UTF-8."),
        (b"ma,ten\nA,B\n", "Dòng đầu phải là tiêu đề code,label_vi,label_en,parent."),
        (b"code,label_vi\n", "Tệp không có dòng dữ liệu nào."),
        (b"code,label_vi\nX1,\n", "Dòng 2, cột label_vi: thiếu tên tiếng Việt."),
        ("code,label_vi\nX 1,Tên\n".encode(), "Dòng 2, cột code: mã “X 1” không hợp lệ."),
        (b"code,label_vi\nX1,A\nX1,B\n", "Dòng 3, cột code: mã X1 lặp lại."),
        (
            b"code,label_vi,label_en,parent\nX1,A,,ZZ\n",
            "Dòng 2, cột parent: mã cha ZZ không có trong danh mục.",
        ),
        # Line numbers are the file's: a blank line (Excel leaves some) still counts.
        (b"code,label_vi\r\n\r\nX1,\r\n", "Dòng 3, cột label_vi: thiếu tên tiếng Việt."),
        (b"code,label_vi\nX1,A\x00\n", "Dòng 2: không đọc được."),
    ],
)
def test_a_bad_file_is_refused_whole(app, content, message):
    before = rows_of("cause")
    good_then_bad = content
    with pytest.raises(ValidationFailed) as info:
        codes.load_csv("cause", good_then_bad)
    assert info.value.errors["file"][0] == message
    assert rows_of("cause") == before


def test_every_bad_line_is_told_and_nothing_is_written(app):
    before = rows_of("cause")
    content = "code,label_vi\nX1,Tốt\nX 2,Sai\nX3,\n".encode()
    with pytest.raises(ValidationFailed) as info:
        codes.load_csv("cause", content)
    assert len(info.value.errors["file"]) == 2
    assert rows_of("cause") == before


def test_an_unknown_list_is_refused(app):
    with pytest.raises(ValidationFailed) as info:
        codes.load_csv("colours", b"code,label_vi\nR,Red\n")
    assert "list" in info.value.errors


# -- reads ----------------------------------------------------------------------------------------


def test_labels_exists_and_choices(app, client):
    assert codes.label("industry", "C25", "en") == (
        "Manufacture of fabricated metal products, except machinery and equipment"
    )
    assert codes.label("industry", "Z99") == "Z99"
    assert codes.label("industry", None) == ""
    codes.set_active("injuring_factor", "YT09", False)
    assert not codes.exists("injuring_factor", "YT09")
    assert codes.exists("injuring_factor", "YT09", include_inactive=True)
    assert codes.label("injuring_factor", "YT09") == "Đuối nước"  # old cases keep their label
    offered = [code for code, _ in codes.choices("injuring_factor")]
    assert "YT09" not in offered and offered[:2] == ["YT01", "YT02"]
    assert ("state", "Doanh nghiệp nhà nước") in codes.choices("ownership")
    assert ("C25", "C25 — " + codes.label("industry", "C25")) in codes.choices("industry")


def test_the_request_cache_is_dropped_by_writes(app):
    assert not codes.exists("cause", "NSD42")
    codes.add_code("cause", "NSD42", "Mới", parent="NSD")
    assert codes.exists("cause", "NSD42")
    codes.edit_labels("cause", "NSD42", "Mới hơn", "Newer")
    assert codes.label("cause", "NSD42", "en") == "Newer"


def test_add_code_refuses_duplicates_and_unknown_parents_at_their_fields(app):
    with pytest.raises(ValidationFailed) as info:
        codes.add_code("cause", "NSD01", "", parent="NOPE")
    assert set(info.value.errors) == {"code", "label_vi", "parent"}


# -- the check of code fields -------------------------------------------------------------------


def test_unknown_codes_walk_records_and_name_the_path(app):
    fields = (
        Field("cause_code", "code", required=False, code_list="cause"),
        Field("figures", "record", parts=(
            Field("factor", "code", required=False, code_list="injuring_factor"),
        )),
    )  # fmt: skip
    clean = {"cause_code": "NSD01", "figures": {"factor": "NSD01"}}
    errors = codes.unknown_codes(fields, clean)
    assert list(errors) == ["figures.factor"]
    assert codes.unknown_codes(fields, {"figures": {"factor": "YT01"}}) == {}


# -- the CLI --------------------------------------------------------------------------------------


def test_cli_loads_a_file(app, runner, tmp_path):
    path = tmp_path / "cause.csv"
    path.write_bytes(EXCEL.encode("utf-8"))
    result = runner.invoke(args=["codes", "load", "cause", str(path)])
    assert result.exit_code == 0, result.output
    assert "cause: 1 mã mới, 1 mã cập nhật" in result.output
    assert rows_of("cause")["NSD09"][0] == "Thiếu biển báo"


@pytest.mark.parametrize(
    ("args", "content", "said"),
    [
        (["colours"], b"code,label_vi\nR,Red\n", "Không có danh mục colours."),
        (
            ["cause"],
            b"code,label_vi\nX 1,A\nX2,\n",
            "Dòng 2, cột code: mã “X 1” không hợp lệ.; Dòng 3, cột label_vi",
        ),
        (["cause"], None, "Không đọc được tệp"),
    ],
)
def test_cli_refuses_bad_input_in_one_line_and_changes_nothing(
    app, runner, tmp_path, args, content, said
):
    path = tmp_path / "in.csv"
    if content is not None:
        path.write_bytes(content)
    before = rows_of("cause")
    result = runner.invoke(args=["codes", "load", *args, str(path)])
    assert result.exit_code != 0
    assert said in result.output
    assert result.output.strip().count("\n") == 0
    assert rows_of("cause") == before


def test_cli_load_defaults_is_idempotent(app, runner):
    db.session.execute(CodeEntry.__table__.delete().where(CodeEntry.list_name == "ownership"))
    db.session.commit()
    result = runner.invoke(args=["codes", "load-defaults"])
    assert result.exit_code == 0, result.output
    assert "ownership: 5 mã mới" in result.output and "industry: 0 mã mới" in result.output
    assert count("ownership") == 5
