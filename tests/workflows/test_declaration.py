"""Declaration specs as pure data: who declares which kind, the labour relation each declarer
implies, ``parse_declaration`` (the one parser of a declaration body) and the checks
``validate()`` makes on a spec. No Flask, no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from workflows import REGISTRY, get_workflow
from workflows.base import WorkflowError
from workflows.declaration import (
    ACCIDENT_TYPE_LABELS,
    VICTIM,
    Check,
    Declarer,
    Input,
    Message,
)
from workflows.fields import parse_declaration
from workflows.law.classification import OUTCOMES
from workflows.law.compensation import ACCIDENT_TYPES

VN = timezone(timedelta(hours=7))
NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam


def victim(**fields) -> dict:
    body = {
        "full_name": " Nguyễn Văn An ",
        "birth_date": "1990-04-02",
        "gender": "male",
        "national_id": "031090000001",
        "occupation": "Thợ hàn",
        "outcome": "serious",
        "monthly_wage_vnd": 10_000_000,
    }
    body.update(fields)
    return body


def accident(**fields) -> dict:
    body = {
        "occurred_at": "2026-11-20T08:30:00+07:00",
        "commune_code": "31001",
        "location": "Xưởng cơ khí số 2",
        "description": "Công nhân bị máy dập kẹp tay.",
        "victims": [victim()],
    }
    body.update(fields)
    return body


def parse(kind: str, body: dict, role: str = "enterprise"):
    return parse_declaration(get_workflow(kind), body, role=role, now=NOW)


# -- who declares -----------------------------------------------------------------------------


def test_who_may_declare_which_kind():
    """Law 84/2015 Art. 34: employers declare every kind; communes only accidents of people
    without a labour relation; nobody declares a claim (its parent case opens it)."""
    declarers = {
        kind: sorted(d.role for d in definition.declaration.declarers)
        for kind, definition in REGISTRY.items()
        if definition.declaration is not None
    }
    assert declarers == {
        "accident": ["commune", "enterprise"],
        "disease": ["enterprise"],
        "incident": ["enterprise"],
    }
    assert get_workflow("claim").declaration is None
    spec = get_workflow("accident").declaration
    assert spec.may_declare("commune") and not spec.may_declare("inspector")
    assert not spec.may_declare(None)


def test_the_labour_relation_each_declarer_implies():
    accident = get_workflow("accident").declaration
    assert accident.labour_relation("enterprise") is True
    assert accident.labour_relation("commune") is False
    assert get_workflow("disease").declaration.labour_relation("enterprise") is True
    assert get_workflow("incident").declaration.labour_relation("enterprise") is None
    with pytest.raises(KeyError):
        accident.labour_relation("union")


def test_who_declared_an_accident_recorded_without_the_role():
    spec = get_workflow("accident").declaration
    assert spec.declarer_of(False) == "commune"
    assert spec.declarer_of(True) == "enterprise"
    assert spec.declarer_of(None) == "enterprise"


# -- parsing ----------------------------------------------------------------------------------


def test_a_valid_accident_is_parsed_into_python_values():
    clean, errors = parse("accident", accident(incident_code="hp-2026-i000005"))
    assert errors == {}
    assert clean["occurred_at"] == datetime(2026, 11, 20, 8, 30, tzinfo=VN)
    assert clean["labour_relation"] is True
    assert clean["incident_code"] == "HP-2026-I000005"
    assert clean["victims"] == [
        {
            "full_name": "Nguyễn Văn An",
            "birth_date": date(1990, 4, 2),
            "gender": "male",
            "national_id": "031090000001",
            "occupation": "Thợ hàn",
            "outcome": "serious",
            "monthly_wage_vnd": 10_000_000,
        }
    ]


def test_a_commune_declares_without_a_labour_relation_and_without_wages():
    body = accident(victims=[victim(monthly_wage_vnd=None)])
    clean, errors = parse("accident", body, role="commune")
    assert errors == {}
    assert clean["labour_relation"] is False
    assert "monthly_wage_vnd" not in clean["victims"][0]
    _, errors = parse("accident", body)
    assert errors == {"victims.0.monthly_wage_vnd": ["Bắt buộc nhập tiền lương (đồng)."]}


def test_a_stated_labour_relation_must_match_the_declarer():
    _, errors = parse("accident", accident(labour_relation=True), role="commune")
    assert errors == {
        "labour_relation": [
            "UBND xã khai báo tai nạn của người lao động không có quan hệ lao động."
        ]
    }
    _, errors = parse("disease", {"labour_relation": "no"})
    assert "labour_relation" not in errors  # a disease's relation is never stated


def test_a_disease_happens_on_its_diagnosis_day_and_its_workers_default_to_serious():
    body = {
        "disease": "Bệnh bụi phổi silic",
        "diagnosed_at": "2026-10-01",
        "exposure": "Bụi silic",
        "facility": "Bệnh viện Phổi",
        "workers": [victim(outcome=None)],
    }
    clean, errors = parse("disease", body)
    assert errors == {}
    assert clean["diagnosed_on"] == date(2026, 10, 1)
    assert clean["occurred_at"] == datetime(2026, 10, 1, tzinfo=VN)
    assert clean["victims"][0]["outcome"] == "serious"


def test_errors_are_reported_under_the_name_the_caller_used():
    _, errors = parse("disease", {"diagnosed_at": "2026-12-01"})
    assert errors["diagnosed_at"] == ["Ngày chẩn đoán không được ở tương lai."]
    assert "diagnosed_on" not in errors
    _, errors = parse("disease", {})
    assert errors["diagnosed_at"] == errors["diagnosed_on"] == ["Bắt buộc nhập."]


def test_messages_with_parameters_keep_them_for_translation():
    _, errors = parse(
        "accident", accident(location="x" * 301, victims=[victim(birth_date="2015-01-01")])
    )
    (too_long,) = errors["location"]
    (too_young,) = errors["victims.0.birth_date"]
    assert too_long == "Tối đa 300 ký tự."
    assert isinstance(too_long, Message) and too_long.params == {"n": 300}
    assert too_young.msgid == "Người lao động phải từ đủ %(age)s tuổi trở lên khi xảy ra tai nạn."


def test_one_victims_two_text_problems_are_said_once_on_the_victim():
    _, errors = parse("accident", accident(victims=[victim(occupation=5, injury_description=[1])]))
    assert errors == {"victims.0": ["Nghề nghiệp và mô tả thương tích phải là văn bản."]}


def test_the_same_person_twice_is_refused():
    _, errors = parse("accident", accident(victims=[victim(), victim(full_name="An")]))
    assert errors == {"victims": ["Một người không thể được khai báo hai lần trong cùng vụ."]}


def test_a_body_that_is_not_an_object():
    assert parse("incident", ["incident"]) == (
        {},
        {"payload": ["Dữ liệu gửi lên phải là một đối tượng JSON."]},
    )


def test_a_role_that_may_not_declare_is_the_callers_bug():
    with pytest.raises(KeyError):
        parse("incident", {}, role="commune")


# -- the victim's shape -----------------------------------------------------------------------


def test_the_victims_outcomes_are_the_laws():
    (outcome,) = [i for i in VICTIM if i.name == "outcome"]
    assert set(outcome.choices) == OUTCOMES


# -- validate() -------------------------------------------------------------------------------


def test_validate_lists_every_problem_of_a_spec():
    definition = get_workflow("disease")
    spec = replace(
        definition.declaration,
        declarers=(Declarer("enterprise", True), Declarer("clerk", True)),
        inputs=(*definition.declaration.inputs, Input("disease", "text"), Input("x", "colour")),
        aliases={"diagnosed": "diagnosis_day"},
        checks=(Check("diagnosis_day", "not_future", "?"), Check("disease", "soon", "?")),
        occurred_on="diagnosis_day",
        default_outcome="dead",
    )
    with pytest.raises(WorkflowError) as raised:
        replace(definition, declaration=spec).validate()
    assert raised.value.problems == [
        "declaration: unknown declarer role 'clerk'",
        "declaration: input 'disease' declared twice",
        "declaration: input 'x' has unknown kind 'colour'",
        "declaration: alias 'diagnosed' names no field of the kind ('diagnosis_day')",
        "declaration: check on unknown field 'diagnosis_day'",
        "declaration: check on 'disease' has unknown rule 'soon'",
        "declaration: occurred_on names no field of the kind ('diagnosis_day')",
        "declaration: default outcome 'dead' is not an outcome",
    ]


def test_a_kind_with_declaration_fields_needs_a_spec():
    definition = get_workflow("incident")
    with pytest.raises(WorkflowError) as raised:
        replace(definition, declaration=None).validate()
    assert raised.value.problems == ["declaration fields without a declaration spec"]


def test_a_stated_relation_needs_each_declarers_message():
    definition = get_workflow("accident")
    spec = replace(definition.declaration, declarers=(Declarer("enterprise", True),))
    with pytest.raises(WorkflowError) as raised:
        replace(definition, declaration=spec).validate()
    assert raised.value.problems == [
        "declaration: a stated labour relation needs each declarer's relation and message"
    ]


# -- the accident's type ----------------------------------------------------------------------


def test_an_accident_sent_without_a_type_happened_at_work_with_no_third_party():
    clean, errors = parse("accident", accident())
    assert errors == {}
    assert (clean["accident_type"], clean["third_party"]) == ("at_work", False)
    # A blank choice (a form's empty select) is "not sent" as well.
    clean, errors = parse("accident", accident(accident_type=""))
    assert errors == {}
    assert clean["accident_type"] == "at_work"


def test_a_commuting_accident_caused_by_a_third_party_is_parsed():
    clean, errors = parse("accident", accident(accident_type="commuting", third_party=True))
    assert errors == {}
    assert (clean["accident_type"], clean["third_party"]) == ("commuting", True)
    # A commune declares the type too (a worker without a labour relation also commutes).
    body = accident(accident_type="commuting", third_party=False, labour_relation=False,
                    victims=[victim(monthly_wage_vnd=None)])  # fmt: skip
    clean, errors = parse("accident", body, role="commune")
    assert errors == {}
    assert (clean["accident_type"], clean["third_party"]) == ("commuting", False)


@pytest.mark.parametrize("value", ["on_the_road", "Commuting", 1, ["commuting"]])
def test_an_unknown_accident_type_is_refused_on_its_field(value):
    clean, errors = parse("accident", accident(accident_type=value))
    assert "accident_type" not in clean
    assert errors == {
        "accident_type": [
            "Loại tai nạn phải là at_work (tại nơi làm việc) hoặc commuting (trên đường đi và về)."
        ]
    }


@pytest.mark.parametrize("value", ["true", "yes", 1, 0, "on"])
def test_third_party_is_a_real_boolean(value):
    clean, errors = parse("accident", accident(accident_type="commuting", third_party=value))
    assert errors == {"third_party": ["Phải là true hoặc false."]}
    assert "third_party" not in clean


def test_each_accident_type_the_law_computes_with_has_its_labels():
    assert tuple(ACCIDENT_TYPE_LABELS) == ACCIDENT_TYPES == ("at_work", "commuting")
    assert ACCIDENT_TYPE_LABELS["at_work"][0] == "Tai nạn tại nơi làm việc / trong giờ làm việc"
    assert ACCIDENT_TYPE_LABELS["commuting"][0] == "Tai nạn trên đường đi và về"


def test_validate_checks_the_defaults_of_inputs():
    definition = get_workflow("accident")
    spec = replace(
        definition.declaration,
        inputs=definition.declaration.inputs
        + (
            Input("shift", "choice", choices=("day", "night"), required=False, default="noon"),
            Input("witnessed", "flag", required=False, default="yes"),
            Input("team", "text", default="A"),
        ),
    )
    with pytest.raises(WorkflowError) as raised:
        replace(definition, declaration=spec).validate()
    assert raised.value.problems == [
        "declaration: input 'shift': its default is not one of its choices",
        "declaration: input 'witnessed': a flag's default is true or false",
        "declaration: input 'team': a default goes with an optional input only",
    ]
