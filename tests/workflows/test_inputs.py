"""What any input may be (``workflows/inputs.py``) and how the payload and declaration parsers
hold every field to it (issue #12, "Unicode" and "Bounds"). Pure: no Flask, no database."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from workflows import REGISTRY
from workflows.base import TEAM_ORGANISATIONS, Field, Members
from workflows.declaration import VICTIM
from workflows.fields import parse_declaration, parse_payload
from workflows.inputs import (
    DATE_MAX,
    DATE_MIN,
    JSON_MAX_DEPTH,
    KIND_BOUNDS,
    MAX_AMOUNT_VND,
    MAX_WAGE_VND,
    TEXT_MAX,
    BadCharacters,
    TooDeep,
    int_from_text,
    is_digits,
    load_json,
    nfc,
    nfc_tree,
)
from workflows.investigation import REJECT_FIELDS

TRAM_NFC = "Trâm"
TRAM_NFD = unicodedata.normalize("NFD", "Trâm")
FULL_WIDTH_ID = "０３１０９０００１２３４"  # what a phone keyboard in full-width mode types
ARABIC_INDIC_ID = "٠٣١٠٩٠٠٠١٢٣٤"


def one(kind: str, value, **field):
    clean, errors = parse_payload((Field("x", kind, **field),), {"x": value})
    return clean.get("x"), errors.get("x")


# -- text in NFC -------------------------------------------------------------------------------


def test_nfd_and_nfc_are_different_strings_until_normalised():
    assert TRAM_NFD != TRAM_NFC and len(TRAM_NFD) == 5
    assert nfc(TRAM_NFD) == TRAM_NFC
    assert nfc(" a ") == " a "  # stripping is each parser's decision, not this one's


def test_a_json_body_comes_out_in_nfc_keys_included():
    body = load_json(f'{{"full_name": "{TRAM_NFD}", "{TRAM_NFD}": ["{TRAM_NFD}", 1, null]}}')
    assert body == {"full_name": TRAM_NFC, TRAM_NFC: [TRAM_NFC, 1, None]}


def test_json_nested_100000_deep_is_refused_without_recursing():
    with pytest.raises(TooDeep):
        load_json("[" * 100_000 + "]" * 100_000)
    with pytest.raises(TooDeep):  # one more of its kind: objects, just over the limit
        load_json('{"a":' * (JSON_MAX_DEPTH + 1) + "1" + "}" * (JSON_MAX_DEPTH + 1))
    deepest = '{"a":' * (JSON_MAX_DEPTH - 1) + "1" + "}" * (JSON_MAX_DEPTH - 1)
    assert load_json(deepest)


def test_nul_and_lone_surrogates_are_refused_in_json_text():
    with pytest.raises(BadCharacters):
        load_json('{"note": "a\\u0000b"}')
    with pytest.raises(BadCharacters):
        nfc_tree({"name": "\ud800"})


# -- ASCII digits --------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [FULL_WIDTH_ID, ARABIC_INDIC_ID, "03109000123٤", "১২৩"])
def test_only_ascii_digits_are_digits(text):
    assert text.isdigit()  # what Python's isdigit() and \d would have let through
    assert not is_digits(text)
    assert int_from_text(text) is None


def test_int_from_text_takes_ascii_numbers_and_nothing_else():
    assert int_from_text(" -12 ") == -12 and int_from_text("+7") == 7
    for bad in ("1e3", "1_000", "", "٣", "12a", "9" * 41, None, 5):
        assert int_from_text(bad) is None, bad


@pytest.mark.parametrize("digits", [FULL_WIDTH_ID, ARABIC_INDIC_ID])
def test_a_national_id_in_other_digits_is_refused(digits):
    definition = REGISTRY["accident"]
    body = _accident(national_id=digits)
    _, errors = parse_declaration(definition, body, role="enterprise", now=_NOW)
    assert errors == {"victims.0.national_id": ["Số CCCD phải gồm đúng 12 chữ số."]}


def test_a_social_insurance_number_in_other_digits_is_refused():
    """One more of its kind: every ``digits`` input, not only the national ID."""
    body = _accident(si_number="٣١٠٠٠٠٠٠٠١")
    _, errors = parse_declaration(REGISTRY["accident"], body, role="enterprise", now=_NOW)
    assert errors == {"victims.0.si_number": ["Mã số BHXH gồm 10 chữ số."]}


def test_numbers_sent_as_text_take_ascii_digits_only():
    assert one("int", "٣") == (None, ["Phải là số nguyên."])
    assert one("money", "９０００") == (None, ["Số tiền phải là số nguyên đồng, không âm."])
    assert one("percent", "٢٥") == (None, ["Phải là số từ 0 đến 100."])
    assert one("victim_id", "٣") == (None, ["Mã nạn nhân phải là số nguyên dương."])
    assert one("date", "２０２６-１１-２０")[1] == ["Ngày không hợp lệ (YYYY-MM-DD)."]


# -- bounds --------------------------------------------------------------------------------------


def _all_fields():
    for kind, definition in REGISTRY.items():
        fields = [f for t in definition.transitions for f in t.fields]
        fields += list(definition.declaration_fields)
        for f in fields:
            yield kind, f
            for part in f.parts:
                yield kind, part


def test_every_field_of_every_workflow_is_bounded():
    """A declared type, length and range for every field: texts and lists have a longest,
    numbers a smallest and a largest; only flags, choices, dates (DATE_MIN..DATE_MAX), fixed
    shapes and records of bounded parts need none."""
    for kind, f in _all_fields():
        b = f.bounds
        if f.kind in ("text", "code"):
            assert b.max_length or f.choices, (kind, f.name)
        elif f.kind in ("int", "money", "count", "percent", "victim_id"):
            assert b.minimum is not None and b.maximum is not None, (kind, f.name)
        elif f.kind in ("list_text", "documents", "members"):
            assert b.max_items and b.max_length, (kind, f.name)
        else:
            assert f.kind in ("bool", "date", "datetime", "case_code", "record"), (kind, f.name)


def test_every_declaration_input_is_bounded():
    for kind, definition in REGISTRY.items():
        if definition.declaration is None:
            continue
        for i in (*definition.declaration.inputs, *definition.declaration.victims):
            b = i.bounds
            if i.kind in ("text", "code", "reference"):
                assert b.max_length, (kind, i.name)
            elif i.kind in ("money", "count"):
                assert b.minimum is not None and b.maximum is not None, (kind, i.name)


def test_the_wage_cap_is_the_calculators():
    """One constant: a victim's declared wages and the calculators' wage input."""
    from app.services import calculations  # the constant's other user (no app needed)

    wages = [i for i in VICTIM if i.kind == "money"]
    assert [i.name for i in wages] == ["monthly_wage_vnd", "insured_wage_vnd"]
    assert {i.bounds.maximum for i in wages} == {MAX_WAGE_VND} == {calculations.MAX_WAGE_VND}


def test_a_two_million_character_reject_reason_is_refused():
    huge = "x" * 2_000_000
    clean, errors = parse_payload(REJECT_FIELDS, {"reason": huge})
    assert errors == {"reason": [f"Tối đa {TEXT_MAX} ký tự."]} and clean == {}
    clean, errors = parse_payload(REJECT_FIELDS, {"reason": "x" * TEXT_MAX})
    assert errors == {}


def test_a_long_item_or_too_many_items_of_a_list_is_refused():
    bounds = KIND_BOUNDS["list_text"]
    assert one("list_text", ["ok", "x" * (bounds.max_length + 1)])[1] is None  # per item
    _, errors = parse_payload((Field("causes", "list_text"),), {"causes": ["ok", "x" * 1001]})
    assert errors == {"causes.1": ["Tối đa 1000 ký tự."]}
    _, errors = parse_payload((Field("causes", "list_text"),), {"causes": ["a"] * 101})
    assert errors == {"causes": ["Tối đa 100 mục."]}


def test_a_team_member_with_a_long_name_or_too_big_a_team_is_refused():
    shape = Members(organisations=TEAM_ORGANISATIONS)
    person = {"name": "A" * 201, "organisation": "union"}
    _, errors = parse_payload((Field("team", "members", members=shape),), {"team": [person]})
    assert errors == {"team.0.name": ["Tối đa 200 ký tự."]}
    many = [{"name": "A", "organisation": "union"}] * 51
    _, errors = parse_payload((Field("team", "members", members=shape),), {"team": many})
    assert errors == {"team": ["Tối đa 50 mục."]}


@pytest.mark.parametrize("amount", [10**40, 2**63, MAX_AMOUNT_VND + 1])
def test_an_amount_above_the_cap_is_refused(amount):
    assert one("money", amount) == (None, ["Số tiền không được vượt quá 100.000.000.000 đồng."])


def test_a_field_may_widen_its_kinds_cap_for_a_total():
    assert one("money", 10**14, maximum=10**15) == (10**14, None)


@pytest.mark.parametrize("number", [2**63, -(2**63), 10**20])
def test_an_int_outside_what_the_columns_hold_is_refused(number):
    value, error = one("int", number)
    assert value is None and error == ["Phải là số nguyên từ -2.147.483.647 đến 2.147.483.647."]


@pytest.mark.parametrize(
    "moment",
    [
        "0001-01-01T00:00:00+07:00",  # paid_at in year 1
        "9999-12-31T23:59:59-23:59",  # overflows when converted to UTC
        "1899-12-31T23:59:59+00:00",
        "2101-01-01T00:00:00+07:00",
    ],
)
def test_a_moment_outside_1900_2100_is_refused(moment):
    assert one("datetime", moment) == (None, ["Ngày phải từ 01/01/1900 đến 31/12/2100."])


def test_a_date_outside_1900_2100_is_refused_and_the_ends_are_taken():
    assert one("date", "0001-01-01")[1] == ["Ngày phải từ 01/01/1900 đến 31/12/2100."]
    assert one("date", DATE_MIN.isoformat()) == (DATE_MIN, None)
    assert one("date", DATE_MAX.isoformat()) == (DATE_MAX, None)


# -- the declaration ------------------------------------------------------------------------------

from datetime import datetime, timedelta, timezone  # noqa: E402

_NOW = datetime(2026, 11, 20, 10, 0, tzinfo=timezone(timedelta(hours=7)))


def _victim(**fields) -> dict:
    body = {
        "full_name": "Nguyễn Văn An",
        "birth_date": "1990-04-02",
        "gender": "male",
        "national_id": "031090001234",
        "outcome": "serious",
        "monthly_wage_vnd": 9_000_000,
        "si_number": "3100000001",
    }
    return {**body, **fields}


def _accident(**victim) -> dict:
    return {
        "occurred_at": "2026-11-20T08:30:00+07:00",
        "commune_code": "11311",
        "location": "Xưởng",
        "description": "Kẹp tay",
        "labour_relation": True,
        "victims": [_victim(**victim)],
    }


@pytest.mark.parametrize(
    ("fields", "path", "message"),
    [
        ({"full_name": "A" * 10_000}, "victims.0.full_name", "Tối đa 200 ký tự."),
        ({"occupation": "B" * 1_000_000}, "victims.0", "Tối đa 200 ký tự."),
        ({"injury_description": "C" * 1_000_000}, "victims.0", "Tối đa 2000 ký tự."),
        ({"monthly_wage_vnd": 2**63}, "victims.0.monthly_wage_vnd",
         "Số tiền không được vượt quá 10.000.000.000 đồng."),
        ({"insured_wage_vnd": MAX_WAGE_VND + 1}, "victims.0.insured_wage_vnd",
         "Số tiền không được vượt quá 10.000.000.000 đồng."),
        ({"birth_date": "0001-01-01"}, "victims.0.birth_date",
         "Ngày phải từ 01/01/1900 đến 31/12/2100."),
    ],
)  # fmt: skip
def test_a_victims_field_beyond_its_bounds_is_refused_on_it(fields, path, message):
    _, errors = parse_declaration(REGISTRY["accident"], _accident(**fields), role="enterprise",
                                  now=_NOW)  # fmt: skip
    assert errors == {path: [message]}


def test_a_wage_at_the_cap_is_taken():
    clean, errors = parse_declaration(
        REGISTRY["accident"], _accident(monthly_wage_vnd=MAX_WAGE_VND), role="enterprise", now=_NOW
    )
    assert errors == {} and clean["victims"][0]["monthly_wage_vnd"] == MAX_WAGE_VND


def test_an_occurrence_the_server_cannot_convert_is_refused():
    body = {**_accident(), "occurred_at": "9999-12-31T23:59:59-23:59"}
    _, errors = parse_declaration(REGISTRY["accident"], body, role="enterprise", now=_NOW)
    assert errors == {"occurred_at": ["Ngày phải từ 01/01/1900 đến 31/12/2100."]}


def test_a_disease_diagnosed_in_year_one_is_refused():
    """One more of its kind: a date field of a kind's own (the disease's ``diagnosed_on``)."""
    body = {
        "kind": "disease", "disease": "Bụi phổi", "diagnosed_on": "0001-01-01",
        "exposure": "Bụi", "facility": "BV", "victims": [_victim()],
    }  # fmt: skip
    _, errors = parse_declaration(REGISTRY["disease"], body, role="enterprise", now=_NOW)
    # Reported under its alias too, as every error of that field is (declaration_errors.json).
    message = ["Ngày phải từ 01/01/1900 đến 31/12/2100."]
    assert errors == {"diagnosed_on": message, "diagnosed_at": message}


def test_today_is_in_range():
    assert DATE_MIN < date.today() < DATE_MAX
