"""parse_payload: coercion of raw JSON/form values and Vietnamese errors keyed by field path."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflows.base import Field, Members
from workflows.fields import BAD_DATETIME, REQUIRED, parse_payload
from workflows.inputs import MAX_AMOUNT_VND
from workflows.investigation import ATTENDEES, TEAM

VN = timezone(timedelta(hours=7))


def one(kind, value, **options):
    clean, errors = parse_payload((Field("x", kind, **options),), {"x": value})
    return clean.get("x"), errors.get("x")


def test_required_field_missing_or_blank():
    fields = (Field("a", "text"), Field("b", "list_text"), Field("c", "datetime"))
    clean, errors = parse_payload(fields, {"a": "   ", "b": []})
    assert clean == {}
    assert errors == {"a": [REQUIRED], "b": [REQUIRED], "c": [REQUIRED]}
    assert REQUIRED == "Bắt buộc nhập."


def test_optional_missing_field_is_left_out():
    clean, errors = parse_payload((Field("a", "text", required=False),), {})
    assert (clean, errors) == ({}, {})


def test_unknown_keys_and_version_are_ignored():
    clean, errors = parse_payload((Field("a", "int"),), {"a": 1, "version": 3, "hack": "x"})
    assert (clean, errors) == ({"a": 1}, {})


def test_payload_must_be_an_object():
    assert parse_payload((Field("a", "int"),), ["a"]) == (
        {},
        {"payload": ["Dữ liệu gửi lên phải là một đối tượng JSON."]},
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False), ("true", True), ("FALSE", False)],
)
def test_bool_accepts_only_booleans(value, expected):
    assert one("bool", value) == (expected, None)


@pytest.mark.parametrize("value", [1, 0, "yes", "on", "1", [True]])
def test_bool_is_strict(value):
    clean, error = one("bool", value)
    assert clean is None and error


def test_false_is_a_value_not_a_blank():
    clean, errors = parse_payload((Field("b", "bool"),), {"b": False})
    assert (clean, errors) == ({"b": False}, {})


@pytest.mark.parametrize(("value", "expected"), [(7, 7), ("7", 7), (" -3 ", -3), (7.0, 7)])
def test_int_coercion(value, expected):
    assert one("int", value) == (expected, None)


@pytest.mark.parametrize("value", [True, 7.5, "7.5", "bảy", [7]])
def test_int_errors(value):
    assert one("int", value)[1] == ["Phải là số nguyên."]


@pytest.mark.parametrize(
    ("value", "expected"), [(0, 0), (75_000_000, 75_000_000), ("75000000", 75_000_000)]
)
def test_money_coercion(value, expected):
    assert one("money", value) == (expected, None)


@pytest.mark.parametrize("value", [-1, 1.5, "1.000.000", True])
def test_money_errors(value):
    assert one("money", value)[1] == ["Số tiền phải là số nguyên đồng, không âm."]


@pytest.mark.parametrize(
    ("value", "expected"), [(25, 25), (25.0, 25), ("4,5", 4.5), (0, 0), (100, 100), (10.5, 10.5)]
)
def test_percent_coercion(value, expected):
    clean, error = one("percent", value)
    assert error is None and clean == expected and type(clean) is type(expected)


@pytest.mark.parametrize("value", [-0.1, 100.01, "abc", float("nan"), float("inf"), True])
def test_percent_errors(value):
    assert one("percent", value)[1] == ["Phải là số từ 0 đến 100."]


def test_date_parsing():
    assert one("date", "2026-05-10") == (date(2026, 5, 10), None)
    assert one("date", date(2026, 5, 10)) == (date(2026, 5, 10), None)
    for bad in ("10/05/2026", "2026-02-30", "20260510", datetime(2026, 5, 10, tzinfo=UTC)):
        assert one("date", bad)[1] == ["Ngày không hợp lệ (YYYY-MM-DD)."]


def test_datetime_requires_an_offset_and_keeps_it():
    value, error = one("datetime", "2026-11-20T08:30:00+07:00")
    assert error is None and value == datetime(2026, 11, 20, 8, 30, tzinfo=VN)
    assert value.utcoffset() == timedelta(hours=7)
    assert one("datetime", "2026-11-20T01:30:00Z")[0] == datetime(2026, 11, 20, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-20T08:30:00",
        "2026-11-20",
        "hôm qua",
        "2026-13-20T08:30:00+07:00",
        datetime(2026, 11, 20, 8, 30),
        1_700_000_000,
    ],
)
def test_datetime_errors(value):
    assert one("datetime", value)[1] == [BAD_DATETIME]
    assert BAD_DATETIME == "Ngày giờ không hợp lệ (ISO 8601 có múi giờ)."


def test_text_choices():
    assert one("text", " monthly ", choices=("one_time", "monthly")) == ("monthly", None)
    assert "one_time, monthly" in one("text", "weekly", choices=("one_time", "monthly"))[1][0]
    assert one("text", 5)[1] == ["Phải là văn bản."]


def test_list_text_from_json_and_from_a_textarea():
    assert one("list_text", [" a ", "b"]) == (["a", "b"], None)
    assert one("list_text", "a\n\n b \n") == (["a", "b"], None)
    _, errors = parse_payload((Field("causes", "list_text"),), {"causes": ["a", "", 3]})
    assert errors == {"causes.1": [REQUIRED], "causes.2": ["Phải là văn bản."]}
    assert one("documents", ["Sổ BHXH"]) == (["Sổ BHXH"], None)
    assert one("list_text", {"a": 1})[1] == ["Phải là danh sách."]


def test_team_is_parsed_and_checked_member_by_member():
    team = [
        {"name": " Trần A ", "organisation": "inspectorate", "role": "head", "extra": 1},
        {"name": "Lê B", "organisation": "union", "role": "member"},
    ]
    assert one("members", team, members=TEAM) == (
        [
            {"name": "Trần A", "organisation": "inspectorate", "role": "head"},
            {"name": "Lê B", "organisation": "union", "role": "member"},
        ],
        None,
    )
    _, errors = parse_payload(
        (Field("team", "members", members=TEAM),),
        {
            "team": [
                {"organisation": "army", "role": "boss"},
                "x",
                {"name": "C", "organisation": "police"},
            ]
        },
    )
    assert errors["team.0.name"] == [REQUIRED]
    assert errors["team.0.organisation"][0].startswith("Giá trị không hợp lệ")
    assert errors["team.0.role"][0].startswith("Giá trị không hợp lệ")
    assert errors["team.1"] == ["Phải là một đối tượng."]
    assert errors["team.2.role"] == [REQUIRED]


@pytest.mark.parametrize("heads", [0, 2])
def test_team_needs_exactly_one_head(heads):
    team = [
        {"name": f"N{i}", "organisation": "health", "role": "head" if i < heads else "member"}
        for i in range(3)
    ]
    assert one("members", team, members=TEAM)[1] == ["Đoàn điều tra phải có đúng một trưởng đoàn."]


def test_a_members_field_without_a_single_role_takes_any_number_of_each_role():
    shape = Members(organisations=("health",), roles=("head", "member"))
    people = [{"name": f"N{i}", "organisation": "health", "role": "head"} for i in range(2)]
    assert one("members", people, members=shape) == (people, None)


def test_attendees_accept_the_procuracy_but_not_a_role():
    attendees = [
        {"name": "VKS", "organisation": "procuracy"},
        {"name": "CA", "organisation": "police"},
    ]
    assert one("members", attendees, members=ATTENDEES) == (attendees, None)
    # An attendee's role is not read, so a role sent along is dropped, not an error.
    with_role = [{"name": "VKS", "organisation": "procuracy", "role": "head"}]
    assert one("members", with_role, members=ATTENDEES) == (
        [{"name": "VKS", "organisation": "procuracy"}],
        None,
    )
    _, errors = parse_payload(
        (Field("team", "members", members=TEAM),),
        {"team": [{"name": "V", "organisation": "procuracy", "role": "head"}]},
    )
    assert "team.0.organisation" in errors


def test_case_code_and_victim_id():
    assert one("case_code", " hp-2026-a000123 ") == ("HP-2026-A000123", None)
    assert one("case_code", "HP-26-A1")[1]
    assert one("victim_id", "3") == (3, None)
    for bad in (0, -1, "x", True):
        assert one("victim_id", bad)[1] == ["Mã nạn nhân phải là số nguyên dương."]


@given(st.integers(min_value=0, max_value=MAX_AMOUNT_VND))
def test_money_round_trips_any_whole_amount_up_to_the_cap(amount):
    assert one("money", amount) == (amount, None)
    assert one("money", str(amount)) == (amount, None)


@given(st.integers(min_value=MAX_AMOUNT_VND + 1, max_value=10**40))
def test_money_above_the_cap_is_refused(amount):
    assert one("money", amount) == (None, ["Số tiền không được vượt quá 100.000.000.000 đồng."])


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
    st.integers(min_value=-12 * 60, max_value=14 * 60),
)
def test_any_aware_iso_datetime_round_trips(moment, offset_minutes):
    aware = moment.replace(tzinfo=timezone(timedelta(minutes=offset_minutes)))
    value, error = one("datetime", aware.isoformat())
    assert error is None and value == aware
