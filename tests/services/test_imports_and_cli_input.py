"""Issue #12 at the two boundaries that are not the web: files people make (the commune list,
a code list saved by Excel) and the command line. A CSV saved by Excel imports; an error names
its line and column; the same list saved decomposed (NFD) changes nothing; CLI text arrives in
NFC and CLI numbers are ASCII and bounded — each refusal one line, nothing written."""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import func, select

from app.errors import ValidationFailed
from app.extensions import db
from app.models import Commune, Enterprise, User
from app.services import codes
from app.services.parties import import_communes
from tests.factories import make_commune

EXCEL = "\ufeffcode,name\r\n11311,Phường Hồng Bàng\r\n11329,Phường Ngô Quyền\r\n\r\n"


def communes() -> dict[str, str]:
    db.session.expire_all()
    return dict(db.session.execute(select(Commune.code, Commune.name)).tuples().all())


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# -- files people make -----------------------------------------------------------------------------


def test_a_commune_list_saved_by_excel_imports(app):
    assert import_communes(EXCEL.encode("utf-8")) == 2
    assert communes() == {"11311": "Phường Hồng Bàng", "11329": "Phường Ngô Quyền"}


@pytest.mark.parametrize("ending", ["\r\n", "\n", "\r"])
def test_any_line_ending_and_a_semicolon_import(app, ending):
    text = ending.join(["code;name", "11311;Phường Hồng Bàng", "11329;Phường Ngô Quyền", ""])
    assert import_communes(text.encode("utf-8")) == 2


def test_the_same_list_saved_decomposed_changes_no_commune(app):
    import_communes(EXCEL.encode("utf-8"))
    nfd = unicodedata.normalize("NFD", EXCEL)
    assert nfd != EXCEL
    assert import_communes(nfd.encode("utf-8")) == 0
    assert communes()["11311"] == "Phường Hồng Bàng"


def test_a_bad_row_is_named_by_line_and_column_and_nothing_is_written(app):
    content = (
        "\ufeffcode,name\r\n11311,Phường Hồng Bàng\r\n\r\n１１３２９,Phường Ngô Quyền\r\n11330,\r\n"
    )
    with pytest.raises(ValidationFailed) as refused:
        import_communes(content.encode("utf-8"))
    assert refused.value.errors["file"] == [
        "Dòng 4, cột code: mã xã/phường gồm 1–10 chữ số.",  # full-width digits; line 3 blank
        "Dòng 5, cột name: thiếu tên xã/phường.",
    ]
    assert communes() == {}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfecode", "Tệp phải là CSV mã hóa UTF-8."),
        (b"ma,ten\n1,A\n", "Dòng đầu phải là tiêu đề code,name."),
        (b"code,name\r\n\r\n", "Tệp không có dòng dữ liệu nào."),
    ],
)
def test_an_unreadable_commune_file_says_why(app, content, message):
    with pytest.raises(ValidationFailed) as refused:
        import_communes(content)
    assert refused.value.errors["file"] == [message]


def test_a_code_list_with_a_long_label_names_its_column(app):
    """One more of its kind: the code-list import reads with the same reader."""
    content = "code,label_vi,label_en\r\nX1,Tên,\r\nX2,Tên," + "E" * 301 + "\r\n"
    with pytest.raises(ValidationFailed) as refused:
        codes.load_csv("cause", content.encode("utf-8-sig"))
    assert refused.value.errors["file"] == ["Dòng 3, cột label_en: Tối đa 300 ký tự."]


# -- the command line ---------------------------------------------------------------------------


def run(runner, *args):
    return runner.invoke(args=list(args))


def test_cli_text_arrives_in_nfc(runner):
    make_commune("11311")
    name = "Công ty TNHH Cơ khí Trâm"
    result = run(
        runner, "enterprise", "add", "--tax-code", "0201234567",
        "--name", unicodedata.normalize("NFD", name), "--commune", "11311", "--workers", "25",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Enterprise.name)) == name


def test_cli_user_name_arrives_in_nfc(runner):
    """One more of its kind: every command's text, here ``user add --full-name``."""
    result = run(
        runner, "user", "add", "--username", "tram", "--password", "correct-horse-1",
        "--role", "inspector", "--full-name", unicodedata.normalize("NFD", "Lê Thị Trâm"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.full_name)) == "Lê Thị Trâm"


@pytest.mark.parametrize("workers", ["２５", "٢٥", str(10**20), "-1"])
def test_cli_numbers_are_ascii_and_bounded(runner, workers):
    make_commune("11311")
    result = run(
        runner, "enterprise", "add", "--tax-code", "0201234567", "--name", "A",
        "--commune", "11311", "--workers", workers,
    )  # fmt: skip
    assert result.exit_code != 0
    assert "0 đến 10.000.000" in result.output
    assert count(Enterprise) == 0


def test_cli_refuses_a_too_long_enterprise_name(runner):
    make_commune("11311")
    result = run(
        runner, "enterprise", "add", "--tax-code", "0201234567", "--name", "A" * 301,
        "--commune", "11311", "--workers", "25",
    )  # fmt: skip
    assert result.exit_code != 0 and "Tối đa 300 ký tự." in result.output
    assert count(Enterprise) == 0


def test_cli_imports_an_excel_commune_file(runner, tmp_path):
    path = tmp_path / "communes.csv"
    path.write_bytes(EXCEL.encode("utf-8"))
    result = run(runner, "commune", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "Đã nhập 2 xã/phường." in result.output


def test_cli_deadline_scan_refuses_a_time_outside_the_calendar(runner):
    result = run(runner, "deadlines", "scan", "--as-of", "9999-12-31T23:59:59-23:59")
    assert result.exit_code != 0 and "1900-01-01" in result.output
