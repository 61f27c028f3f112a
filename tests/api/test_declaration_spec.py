"""The declaration specs are the one description of a declaration: the OpenAPI schemas say
what ``POST /cases`` really requires (each required property, left out, is a 422 on that path;
each optional one may be left out), the web form has the victim's inputs, and the roles that
hold ``cases.declare`` are the specs' declarers."""

from __future__ import annotations

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from app.api.openapi import openapi_document
from app.cases.forms import VICTIM_KEYS, VictimForm
from app.permissions import ROLE_PERMISSIONS
from app.services.declarations import DECLARABLE_KINDS, may_declare
from tests.conftest import ROOT
from tests.factories import victim_body
from workflows import REGISTRY
from workflows.declaration import VICTIM


def victim() -> dict:
    """A victim with every documented property."""
    return victim_body(insured_wage_vnd=9_000_000)


def full_body(kind: str, commune_code: str) -> dict:
    """A valid body of ``kind`` with every documented property but ``incident_code`` (which
    needs an incident of the declarer's own)."""
    common = {
        "occurred_at": "2026-11-20T08:30:00+07:00",
        "commune_code": commune_code,
        "location": "Xưởng cơ khí số 2",
        "description": "Diễn biến.",
    }
    return {
        "accident": {"kind": "accident", **common, "labour_relation": False,
                     "accident_type": "commuting", "third_party": True,
                     "victims": [victim()]},
        "disease": {"kind": "disease", "disease": "Bệnh bụi phổi silic", "disease_code": "N01",
                    "diagnosed_at": "2026-10-01", "exposure": "Bụi silic",
                    "facility": "Bệnh viện Phổi", "commune_code": commune_code,
                    "location": "Xưởng nghiền", "description": "Khám định kỳ.",
                    "victims": [victim()]},
        "incident": {"kind": "incident", **common, "equipment": "Nồi hơi",
                     "failure": "Van an toàn kẹt", "damage": "Hư hỏng nhà lò",
                     "casualties": 1},
    }[kind]  # fmt: skip


def declarer(w, kind: str):
    # The accident is declared by the commune, whose workers' wages are optional.
    return w.comm if kind == "accident" else w.ent


def schema(kind: str) -> dict:
    return openapi_document()["components"]["schemas"][f"{kind.title()}Declaration"]


def test_every_declarable_kind_is_documented():
    schemas = openapi_document()["components"]["schemas"]
    refs = [one["$ref"].rsplit("/", 1)[1] for one in schemas["Declaration"]["oneOf"]]
    assert refs == ["AccidentDeclaration", "DiseaseDeclaration", "IncidentDeclaration"]
    assert DECLARABLE_KINDS == ("accident", "disease", "incident")


@pytest.mark.parametrize("kind", ["accident", "disease", "incident"])
def test_the_documented_body_is_accepted_with_every_property(api, w, kind):
    body = full_body(kind, w.commune.code)
    documented = set(schema(kind)["properties"]) - {"incident_code"}
    assert set(body) == documented
    api.declared(declarer(w, kind), body)


@pytest.mark.parametrize("kind", ["accident", "disease", "incident"])
def test_each_documented_required_property_is_required(api, w, kind):
    required = schema(kind)["required"]
    assert required
    for name in required:
        body = full_body(kind, w.commune.code)
        del body[name]
        response = api.declare(declarer(w, kind), body)
        assert response.status_code == 422, name
        # A missing kind makes the body another kind's, refused as a whole.
        assert name in response.get_json()["errors"] or name == "kind", (name, response.json)


@pytest.mark.parametrize("kind", ["accident", "disease", "incident"])
def test_each_documented_optional_property_may_be_left_out(api, w, kind):
    properties, required = schema(kind)["properties"], schema(kind)["required"]
    for name in set(properties) - set(required) - {"incident_code"}:
        body = full_body(kind, w.commune.code)
        del body[name]
        api.declared(declarer(w, kind), body)


def test_the_documented_victim_is_the_parsers(api, w):
    item = schema("accident")["properties"]["victims"]["items"]
    assert list(item["properties"]) == [i.name for i in VICTIM] == list(VICTIM_KEYS)
    for name in item["properties"]:
        body = full_body("accident", w.commune.code)
        del body["victims"][0][name]
        response = api.declare(w.comm, body)
        if name in item["required"]:
            assert response.status_code == 422, name
            assert f"victims.0.{name}" in response.get_json()["errors"], name
        else:
            assert response.status_code == 201, (name, response.get_json())


def test_a_diseases_worker_may_be_sent_without_an_outcome():
    item = schema("disease")["properties"]["victims"]["items"]
    assert "outcome" not in item["required"]


def test_the_form_has_one_input_per_field_of_the_victim():
    assert list(VictimForm()._fields) == [i.name for i in VICTIM]


def test_the_declaring_permission_goes_to_the_specs_declarers(app):
    holders = {
        role for role, permissions in ROLE_PERMISSIONS.items() if "cases.declare" in permissions
    }
    declarers = {
        d.role for definition in REGISTRY.values() if definition.declaration
        for d in definition.declaration.declarers
    }  # fmt: skip
    assert holders == declarers == {"enterprise", "commune"}


@pytest.mark.parametrize(
    ("role", "kinds"),
    [("enterprise", {"accident", "disease", "incident"}), ("commune", {"accident"}),
     ("inspector", set()), ("union", set()), ("insurance", set()), ("admin", set())],
)  # fmt: skip
def test_may_declare_asks_the_spec(role, kinds):
    user = type("U", (), {"role": role})()
    assert {kind for kind in (*REGISTRY, "other") if may_declare(user, kind)} == kinds
    assert not may_declare(None, "accident")


def test_every_message_of_the_declaration_parser_is_in_the_english_catalogue():
    """``scripts/translations_en.py`` extracts ``workflows/`` too: a message marked there and
    missing from the catalogue would be shown in Vietnamese to an English user."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    marked = {
        message
        for _, _, message, _, _ in extract_from_dir(
            str(ROOT / "workflows"), method_map, options_map, keywords=keywords
        )
    }
    with (ROOT / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        known = {message.id for message in read_po(po, locale="en")}
    assert "Ngày sinh phải trước ngày xảy ra tai nạn." in marked
    assert sorted(marked - known) == []
