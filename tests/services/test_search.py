"""Search as people search (issue #14): case-, accent- and Unicode-form-insensitive text, "đ" as
"d", national IDs only for the roles that see them, tax codes, a victim's name finds their
claims, and every path that writes a case keeps ``case.search_text`` equal to what its rows say.

Runs on SQLite and, with ``DATABASE_URL``, on PostgreSQL: the expected cases are written out
by hand from what each test declares, the same on both.
"""

from __future__ import annotations

import importlib.util
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Case
from app.services import search
from app.services.cases import CaseFilters, list_cases
from tests.factories import make_accident, make_enterprise, make_user, victim_body
from tests.views.test_permission_matrix import ANNOUNCE, OPEN, WORK_ACCIDENT, _people_for, run
from workflows.inputs import fold


def _migration():
    path = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0010_search_text.py"
    spec = importlib.util.spec_from_file_location("migration_0010", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MIGRATION = _migration()


def codes(user, q: str) -> set[str]:
    """The codes of the cases ``user`` finds with ``q`` (every page, by cursor)."""
    page = list_cases(user, CaseFilters(q=q), per_page=100)
    found = [case.code for case in page.items]
    while page.next_cursor:
        page = list_cases(user, CaseFilters(q=q), per_page=100, cursor=page.next_cursor)
        found += [case.code for case in page.items]
    assert page.total == len(found) == len(set(found))
    return set(found)


# -- the fold ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Nguyễn", "nguyen"),
        ("NGUYỄN", "nguyen"),
        (unicodedata.normalize("NFD", "Nguyễn Thị Hằng"), "nguyen thi hang"),
        ("Đặng Đức Độ", "dang duc do"),
        ("  Xưởng\tcơ khí\n số  2 ", "xuong co khi so 2"),
        ("HP-2026-A000123", "hp-2026-a000123"),
        ("Straße", "strasse"),
        ("", ""),
    ],
)
def test_fold(typed, folded):
    assert fold(typed) == folded
    assert fold(folded) == folded


def test_the_migrations_copy_folds_and_composes_as_the_application_does():
    """Migration 0010 backfills with its own copy: it must agree on every character."""
    every_character = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    for start in range(0, len(every_character), 4096):
        chunk = " ".join(every_character[start : start + 4096])
        assert MIGRATION.fold(chunk) == fold(chunk), start
    fields = ("HP-2026-C000001", "HP-2026-A000007", "Công ty Đông Á", "Kho  1", "Ngã", ["Lê Ất"])
    assert MIGRATION.search_text(*fields[:5], fields[5]) == search.case_search_text(
        fields[0],
        parent_code=fields[1],
        enterprise_name=fields[2],
        location=fields[3],
        description=fields[4],
        victim_names=fields[5],
    )


# -- text -------------------------------------------------------------------------------------


@pytest.fixture
def people(app, declaration_day):
    """Four accidents of one enterprise, one of another; an inspector sees them all."""
    owner = make_user("enterprise")
    other = make_user("enterprise", enterprise=make_enterprise(name="Công ty CP Đông Hải"))
    declared = {
        "hoa": make_accident(
            owner, victims=[victim_body(full_name="Nguyễn Thị Hoa", national_id="031190000111")]
        ),
        "duc": make_accident(
            owner,
            victims=[victim_body(full_name="Trần Văn Đức"), victim_body(full_name="Lê Văn An")],
            location="Xưởng đúc số 3",
        ),
        "nfd": make_accident(
            owner,
            victims=[victim_body(full_name=unicodedata.normalize("NFD", "NGUYỄN VĂN NAM"))],
            description="Ngã từ giàn giáo tầng 2 (100% mặt bằng)",
        ),
        "plain": make_accident(
            owner, victims=[victim_body(full_name="Phạm Minh Tuấn")], location="Kho 3/2"
        ),
        "other": make_accident(
            other, victims=[victim_body(full_name="Nguyễn Văn Hải", national_id="031190000222")]
        ),
    }
    code = {name: case.code for name, case in declared.items()}
    return owner, other, make_user("inspector"), code


@pytest.mark.parametrize(
    ("q", "found"),
    [
        # Accents, case and Unicode form do not matter, whichever way round.
        ("nguyen", {"hoa", "nfd", "other"}),
        ("NGUYỄN", {"hoa", "nfd", "other"}),
        (unicodedata.normalize("NFD", "Nguyễn"), {"hoa", "nfd", "other"}),
        ("nguyễn thị", {"hoa"}),
        # Every word, anywhere, in any order; a capital with accents (missed on SQLite before).
        ("NAM NGUYEN", {"nfd"}),
        ("ĐỨC", {"duc"}),
        ("đuc", {"duc"}),
        ("duc", {"duc"}),
        # Place, description, enterprise name.
        ("xuong duc so 3", {"duc"}),
        ("giàn giáo", {"nfd"}),
        ("dong hai", {"other"}),
        # LIKE's wildcards are plain characters.
        ("100%", {"nfd"}),
        ("_", set()),
        ("3/2", {"plain"}),
        ("/", {"plain"}),
        ("Phạm   Minh\tTuấn", {"plain"}),
        ("khong co ai", set()),
    ],
)
def test_text_search_ignores_accents_case_and_unicode_form(people, q, found):
    _owner, _other, inspector, code = people
    assert codes(inspector, q) == {code[name] for name in found}


def test_text_search_finds_a_case_by_its_code_in_any_case(people):
    owner, _other, inspector, code = people
    assert codes(inspector, code["duc"].lower()) == {code["duc"]}
    assert codes(inspector, code["duc"][-6:]) == {code["duc"]}


def test_text_search_stays_within_the_callers_scope(people):
    owner, other, _inspector, code = people
    assert codes(owner, "nguyen") == {code["hoa"], code["nfd"]}
    assert codes(other, "nguyen") == {code["other"]}


# -- national ID and tax code -----------------------------------------------------------------


def test_a_national_id_finds_the_case_only_for_roles_that_see_national_ids(people):
    owner, other, inspector, code = people
    commune = make_user("commune", commune_code=owner.enterprise.commune_code)
    union = make_user("union")  # the city federation: sees every case, national IDs masked
    assert codes(inspector, "031190000111") == {code["hoa"]}
    assert codes(inspector, " 031190000222 ") == {code["other"]}
    assert codes(owner, "031190000111") == {code["hoa"]}
    assert codes(commune, "031190000111") == {code["hoa"]}
    # Out of scope: the other enterprise finds nothing by it.
    assert codes(other, "031190000111") == set()
    # The union sees the case, but not national IDs: the ID finds nothing.
    assert codes(union, "nguyen thi hoa") == {code["hoa"]}
    assert codes(union, "031190000111") == set()
    assert codes(inspector, "031190000999") == set()


def test_a_tax_code_finds_the_enterprises_cases(people):
    owner, other, inspector, code = people
    tax = other.enterprise.tax_code
    assert codes(inspector, tax) == {code["other"]}
    assert codes(inspector, f"{tax[:3]}-{tax[3:]}") == {code["other"]}
    mine = {code[name] for name in ("hoa", "duc", "nfd", "plain")}
    assert codes(inspector, owner.enterprise.tax_code) == mine
    assert codes(owner, tax) == set()


# -- claims -----------------------------------------------------------------------------------


def test_a_victims_name_and_national_id_find_their_claim(app, declaration_day):
    people = _people_for(make_user("enterprise"))
    parent = make_accident(
        people["enterprise"],
        outcomes=("death", "serious"),
        victims=[
            victim_body("death", full_name="Đỗ Văn Lực", national_id="031190000333"),
            victim_body("serious", full_name="Vũ Thị Ngân", national_id="031190000444"),
        ],
    )
    run(parent, people, [OPEN, WORK_ACCIDENT, ANNOUNCE])
    claims = {
        case.victim_id: case.code
        for case in db.session.scalars(select(Case).where(Case.parent_id == parent.id))
    }
    by_name = {v.full_name: claims[v.id] for v in parent.victims}
    assert len(claims) == 2
    inspector = people["inspector"]
    assert codes(inspector, "do van luc") == {parent.code, by_name["Đỗ Văn Lực"]}
    assert codes(inspector, "VŨ THỊ NGÂN") == {parent.code, by_name["Vũ Thị Ngân"]}
    assert codes(inspector, "031190000444") == {parent.code, by_name["Vũ Thị Ngân"]}
    assert codes(people["insurance"], "031190000444") == set()  # no dossier filed yet
    assert codes(people["union"], "031190000444") == set()
    # A claim is found by its accident's code too (as the claim's page shows it).
    assert codes(inspector, parent.code) == {parent.code, *claims.values()}
    assert_search_texts_are_right()


# -- the column stays right -------------------------------------------------------------------


def assert_search_texts_are_right() -> None:
    stored = dict(db.session.execute(select(Case.id, Case.search_text)).all())
    assert stored == search.expected_texts()


def test_every_demo_case_has_the_search_text_its_rows_say(app):
    """The demo history is played through every write path the application has: declarations
    by enterprises and communes, diseases and incidents, the engine's claims, reports."""
    from app.services.demo import seed_demo_data

    seed_demo_data()
    kinds = set(db.session.scalars(select(Case.kind)))
    assert {"accident", "disease", "incident", "claim", "report"} <= kinds
    assert_search_texts_are_right()


def test_a_renamed_victim_is_found_by_the_new_name(app, declaration_day):
    """No workflow renames a victim today; the engine's hook (``search.refresh``) is what one
    would call, and rewrites the case and its claims."""
    from app.models import Victim

    people = _people_for(make_user("enterprise"))
    parent = make_accident(people["enterprise"], outcomes=("death",))
    run(parent, people, [OPEN, WORK_ACCIDENT, ANNOUNCE])
    victim = parent.victims[0]
    victim.full_name = "Hoàng Văn Mới"
    claim_id = db.session.scalar(select(Case.id).where(Case.victim_id == victim.id))
    search.refresh([parent.id, claim_id])
    db.session.commit()
    assert len(codes(people["inspector"], "hoang van moi")) == 2
    assert db.session.get(Victim, victim.id).full_name == "Hoàng Văn Mới"
    assert_search_texts_are_right()


def test_a_query_of_identifier_length_is_not_searched_as_text(app, declaration_day):
    """9, 10, 12 or 13 digits name a national ID or a tax code, for every role alike: a case
    whose text happens to hold such a number is not found by it (shorter numbers are text)."""
    owner = make_user("enterprise")
    case = make_accident(owner, description="Máy ép số hiệu 123456789012, lô 4455")
    inspector = make_user("inspector")
    assert codes(inspector, "123456789012") == set()
    assert codes(inspector, "lô 4455") == {case.code}
    assert codes(inspector, "56789") == {case.code}
