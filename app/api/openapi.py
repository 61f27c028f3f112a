"""The OpenAPI 3.1 document the app serves at /api/v1/openapi.json.

It describes the same contract as ../shared/contract.md; a test checks every API route
registered in the app appears here, so the two cannot drift apart silently. The declaration
bodies and the victim's shape are generated from the workflows' declaration specs, the same
data ``workflows.fields.parse_declaration`` parses, and each trigger's payload
(``<Kind><Trigger>Payload``) from its declared fields; every text, number, list and date
carries the bounds the parsers enforce (``workflows.inputs``: ``maxLength``, ``minimum``,
``maximum``, ``maxItems``), and ids in paths go up to ``ID_MAX``.
"""

from __future__ import annotations

import re

from flask import Flask, current_app, has_app_context

from app.permissions import roles_without
from app.services.declarations import DECLARABLE_KINDS, DEFAULT_KIND, NOTICE_KINDS
from app.services.statistics_query import FALSE, TRUE
from workflows import REGISTRY
from workflows.base import ORGANISATION_LABELS, Field
from workflows.declaration import DeclarationSpec, Input
from workflows.inputs import DATE_MAX, DATE_MIN, ID_MAX, JSON_MAX_BYTES, PAGE_MAX, VICTIMS_MAX

API_PREFIX = "/api/v1"
# A Flask route's ``<int:case_id>`` is OpenAPI's ``{case_id}``.
_PLACEHOLDER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}

DATETIME = {"type": "string", "format": "date-time"}
# What a date or a moment may be (``workflows.inputs``), said where JSON Schema has no keyword.
DAY_RANGE = f"from {DATE_MIN.isoformat()} to {DATE_MAX.isoformat()}"
# An id in a path: larger names nothing (404); a page number beyond PAGE_MAX is refused (422).
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": ID_MAX}
PAGE_SCHEMA = {"type": "integer", "minimum": 1, "maximum": PAGE_MAX}
TOO_LARGE = {
    "413": {
        "description": f"the JSON body is larger than {JSON_MAX_BYTES} bytes",
        "content": {"application/json": {"schema": ERROR}},
    }
}
# Optional query arguments (and the calculators' optional dates) read a blank value as not
# given; ``_completed`` says so of every optional query argument.
BLANK = {"type": "string", "pattern": "^\\s*$", "description": "blank: not given"}
# A yes/no query argument (``statistics_query.parse_flag``; letter case does not matter).
FLAG_QUERY = {"enum": sorted(TRUE | FALSE), "description": "yes or no"}

# Lists and paging (contract.md; app/services/paging.py): the arguments every list takes and
# the fields a list object answers beside its items.
PAGING_PARAMETERS = (
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 100},
    },
    {
        "name": "cursor",
        "in": "query",
        "schema": {"type": "string", "maxLength": 300},
        "description": "the next_cursor of the previous page (opaque, signed); a cursor not "
        "handed out by this list is answered 422 under errors.cursor",
    },
)
PAGING_PROPERTIES = {
    "page": {"type": ["integer", "null"], "description": "null when walking by cursor"},
    "pages": {"type": "integer", "description": "up to total (a lower bound when capped)"},
    "per_page": {"type": "integer"},
    "total": {"type": "integer", "description": "exact unless total_is_capped"},
    "total_is_estimate": {"type": "boolean"},
    "total_is_capped": {
        "type": "boolean",
        "description": "true: total is the cap (10000) and there are more",
    },
    "next_cursor": {"type": ["string", "null"], "description": "null on the last page"},
}


def or_blank(schema: dict) -> dict:
    """``schema``, or a blank string (read as not given)."""
    return {"anyOf": [schema, BLANK]}


# What the generated declaration schemas cannot say by themselves: (kind, name) → notes.
NOTES: dict[tuple[str, str], dict] = {
    ("accident", "incident_code"): {
        "description": "optional: the code of the serious technical incident the victims"
        " were hurt in; an incident the declarer can see, of its own enterprise",
        "examples": ["HP-2026-I000005"],
    },
    ("disease", "disease"): {"description": "from the Ministry of Health list"},
    ("disease", "facility"): {"description": "the examining facility"},
}
DEFAULT_COMMUNE = {"description": "default: the enterprise's"}


def input_schema(i: Input) -> dict:
    """The JSON schema of one input of a declaration body (or of a victim), with its default."""
    schema = _input_type(i)
    return schema if i.default is None else {**schema, "default": i.default}


def _day(kind: str) -> dict:
    return {"type": "string", "format": kind, "description": DAY_RANGE}


def _input_type(i: Input) -> dict:
    if i.kind == "flag":
        return {"type": "boolean"}
    if i.kind == "choice":
        return {"enum": list(i.choices)}
    if i.kind in ("date", "moment"):
        return _day("date" if i.kind == "date" else "date-time")
    if i.kind in ("money", "count"):
        return {"type": "integer", **i.bounds.schema()}
    if i.kind == "digits":
        return {"type": "string", "pattern": f"^[0-9]{{{i.digits}}}$"}
    if i.kind == "case_code":
        return {"type": "string", "pattern": CASE_CODE_PATTERN}
    if i.kind == "phone":
        return {"type": "string", "maxLength": 40, "pattern": PHONE_PATTERN,
                "description": "8 to 15 digits; spaces, dots, dashes, brackets and a leading +"
                " allowed", "examples": ["0912 345 678"]}  # fmt: skip
    if i.kind == "code" and i.code_list is not None:
        listed = f"a code of the code list '{i.code_list}' (see docs/statistics.md)"
        return {"type": "string", **i.bounds.schema(), "description": listed}
    return {"type": "string", **i.bounds.schema()}


CASE_CODE_PATTERN = "^[A-Za-z]{2,5}-[0-9]{4}-[A-Za-z][0-9]{6}$"
# What ``workflows.inputs.phone_number`` accepts, roughly (it also counts the digits: 8-15).
PHONE_PATTERN = "^\\s*\\+?[0-9 .()\\-\u00a0]{8,}\\s*$"


def field_schema(f: Field) -> dict:
    """The JSON schema of a payload field of any kind, with its bounds (``Field.bounds``)."""
    bounds = f.bounds.schema()
    if f.kind == "text":
        return {"enum": list(f.choices)} if f.choices else {"type": "string", **bounds}
    if f.kind == "bool":
        return {"type": "boolean"}
    if f.kind in ("int", "money", "count", "victim_id"):
        return {"type": "integer", **bounds}
    if f.kind == "percent":
        return {"type": "number", **bounds}
    if f.kind in ("date", "datetime"):
        return _day("date" if f.kind == "date" else "date-time")
    if f.kind in ("list_text", "documents"):
        item = {"type": "string", "minLength": 1, "maxLength": f.bounds.max_length}
        return {"type": "array", "items": item, **bounds}
    if f.kind == "members":
        return {"type": "array", "minItems": 1, **bounds, "items": _member_schema(f)}
    if f.kind == "case_code":
        return {"type": "string", "pattern": CASE_CODE_PATTERN}
    if f.kind == "code":
        listed = f"a code of the code list '{f.code_list}' (see docs/statistics.md)"
        return {"type": "string", **bounds, "description": listed}
    if f.kind == "record":
        return _fields_object(f.parts)
    raise ValueError(f"no schema for the field kind {f.kind!r}")


def _member_schema(f: Field) -> dict:
    shape = f.members
    properties = {
        "name": {"type": "string", "maxLength": f.bounds.max_length},
        "organisation": {"enum": [o for o in ORGANISATION_LABELS if o in shape.organisations]},
    }
    if shape.roles:
        properties["role"] = {"enum": list(shape.roles)}
    return {"type": "object", "required": list(properties), "properties": properties}


def _fields_object(fields: tuple[Field, ...]) -> dict:
    return {
        "type": "object",
        "required": [f.name for f in fields if f.required],
        "properties": {f.name: field_schema(f) for f in fields},
    }


def _field_schema(f: Field, spec: DeclarationSpec) -> dict:
    schema = field_schema(f)
    for check in spec.checks:  # a declaration's check may narrow the kind's range
        if check.field == f.name and check.rule == "between":
            schema.update(minimum=check.bounds[0], maximum=check.bounds[1])
    return schema


def payload_schemas() -> dict[str, dict]:
    """Each trigger's body (``POST /cases/{id}/actions/{trigger}``) by kind: ``version`` and
    the fields its transitions declare (a field declared by several, once)."""
    schemas = {}
    for kind, definition in REGISTRY.items():
        for trigger in definition.triggers():
            fields: dict[str, Field] = {}
            for transition in definition.transitions:
                if transition.trigger == trigger:
                    for f in transition.fields:
                        fields.setdefault(f.name, f)
            body = _fields_object(tuple(fields.values()))
            body["required"].insert(0, "version")
            body["properties"] = {"version": {"type": "integer"}, **body["properties"]}
            name = f"{kind.title()}{trigger.title().replace('_', '')}Payload"
            schemas[name] = body
    return schemas


def _object(inputs: tuple[Input, ...]) -> dict:
    return {
        "type": "object",
        "required": [i.name for i in inputs if i.required is True],
        "properties": {i.name: input_schema(i) for i in inputs},
    }


def declaration_schema(definition) -> dict:
    """The body of ``POST /cases`` for ``definition``'s kind, from its declaration spec and
    its own ``declaration_fields`` (a field with an alias is documented under the alias)."""
    kind, spec = definition.kind, definition.declaration
    schema = _object(spec.inputs)
    required, properties = schema["required"], schema["properties"]
    if kind == DEFAULT_KIND:
        properties = {"kind": {"enum": [kind], "default": kind}, **properties}
    else:
        required.insert(0, "kind")
        properties = {"kind": {"enum": [kind]}, **properties}
    commune = spec.input("commune_code")
    if commune is not None and commune.required is not True:
        properties["commune_code"] = {**properties["commune_code"], **DEFAULT_COMMUNE}
    if spec.states_labour_relation:
        properties["labour_relation"] = {"type": "boolean"}
    documented = {name: alias for alias, name in spec.aliases.items()}
    for f in definition.declaration_fields:
        name = documented.get(f.name, f.name)
        properties[name] = _field_schema(f, spec)
        if f.required:
            required.append(name)
    if spec.victims:
        victim = _object(spec.victims)
        if spec.default_outcome is not None:  # a victim sent without one gets the default
            victim["required"] = [name for name in victim["required"] if name != "outcome"]
        properties["victims"] = {
            "type": "array",
            "minItems": 1,
            "maxItems": VICTIMS_MAX,
            "items": victim,
        }
        required.append("victims")
    for name in properties:
        properties[name] = {**properties[name], **NOTES.get((kind, name), {})}
    return {"type": "object", "required": required, "properties": properties}


DECLARATION_SCHEMAS = {
    f"{kind.title()}Declaration": declaration_schema(REGISTRY[kind]) for kind in DECLARABLE_KINDS
}


def notice_schema(definition) -> dict:
    """The body of ``POST /cases/notices`` for ``definition``'s kind (its quick notice)."""
    notice = definition.declaration.notice
    schema = _object(notice.inputs)
    kind = {"enum": [definition.kind]}
    if definition.kind == DEFAULT_KIND:
        kind["default"] = definition.kind
    else:
        schema["required"].insert(0, "kind")
    schema["properties"] = {"kind": kind, **schema["properties"]}
    schema["description"] = (
        "Not all counts may be 0; the case opens in state " + notice.state + ", and the full"
        " declaration completes it: POST /cases/{case_id}/actions/" + notice.completed_by
    )
    return schema


NOTICE_SCHEMAS = {f"{k.title()}Notice": notice_schema(REGISTRY[k]) for k in NOTICE_KINDS}


def _completion_payloads() -> dict[str, dict]:
    """The completing trigger's body: ``version`` and the kind's full declaration."""
    schemas = {}
    for kind in NOTICE_KINDS:
        trigger = REGISTRY[kind].declaration.notice.completed_by
        name = f"{kind.title()}{trigger.title().replace('_', '')}Payload"
        declaration = DECLARATION_SCHEMAS[f"{kind.title()}Declaration"]
        schemas[name] = {
            **declaration,
            "required": ["version", *declaration["required"]],
            "properties": {"version": {"type": "integer"}, **declaration["properties"]},
        }
    return schemas


SCHEMAS = {
    **payload_schemas(),
    **_completion_payloads(),
    **NOTICE_SCHEMAS,
    "Declaration": {
        "oneOf": [{"$ref": f"#/components/schemas/{name}"} for name in DECLARATION_SCHEMAS],
        "discriminator": {"propertyName": "kind"},
    },
    **DECLARATION_SCHEMAS,
    "Case": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "code": {"type": "string"},
            "kind": {"type": "string"},
            "state": {"type": "string"},
            "version": {"type": "integer"},
            "severity": {"type": ["string", "null"]},
            "investigation_level": {"type": ["string", "null"]},
            "enterprise": {"type": ["object", "null"]},
            "declared_at": DATETIME,
            "occurred_at": DATETIME,
            "deadlines": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"name": {"type": "string"}, "due_at": DATETIME},
                },
            },
            "victims": {"type": "array", "items": {"type": "object"}},
            "parent_id": {"type": ["integer", "null"]},
            "children": {"type": "array", "items": {"type": "integer"}},
            "actions": {"type": "array", "items": {"type": "string"}},
            "compensation": {"type": "object"},
            "insurance": {"type": "object"},
            "victim_id": {"type": "integer"},
            # Detail only (GET /cases/{id}, and the answers to POST /cases and actions).
            "incident_code": {
                "type": ["string", "null"],
                "description": "an accident's incident as declared (incident_code)",
            },
            "linked_incident": {
                "description": "an accident's serious technical incident, if the caller sees it",
                "oneOf": [{"$ref": "#/components/schemas/CaseLink"}, {"type": "null"}],
            },
            "linked_accidents": {
                "description": "an incident's accident cases (its casualties) the caller sees",
                "type": "array",
                "items": {"$ref": "#/components/schemas/CaseLink"},
            },
        },
    },
    "CaseLink": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "code": {"type": "string"},
            "kind": {"type": "string"},
            "state": {"type": "string"},
            "severity": {"type": ["string", "null"]},
            "occurred_at": {"type": ["string", "null"], "format": "date-time"},
        },
    },
    "Event": {
        "type": "object",
        "properties": {
            "seq": {"type": "integer"},
            "at": DATETIME,
            "actor": {"type": "string"},
            "role": {"type": "string"},
            "trigger": {"type": "string"},
            "from": {"type": ["string", "null"]},
            "to": {"type": "string"},
            "payload": {"type": "object"},
            "prev_hash": {"type": "string"},
            "hash": {"type": "string"},
        },
    },
    "Task": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "case_id": {"type": "integer"},
            "case_code": {"type": "string"},
            "title": {"type": "string"},
            "role": {"type": "string"},
            "due_at": {"type": ["string", "null"]},
            "overdue": {"type": "boolean"},
        },
    },
}

PATHS: dict[str, dict] = {
    "/tokens": {
        "post": {
            "summary": "Issue a bearer token",
            "security": [],
            "requestBody": {
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["username", "password"],
                            "properties": {
                                "username": {"type": "string"},
                                "password": {"type": "string"},
                            },
                        }
                    }
                }
            },
            "responses": {
                "201": {
                    "description": "token",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "token": {"type": "string"},
                                    "expires_at": {"type": "string", "format": "date-time"},
                                },
                            }
                        }
                    },
                },
                "401": {
                    "description": "wrong credentials",
                    "content": {"application/json": {"schema": ERROR}},
                },
                "422": {
                    "description": "malformed body",
                    "content": {"application/json": {"schema": ERROR}},
                },
                "429": {
                    "description": "too many failed attempts for this address or this username",
                    "content": {"application/json": {"schema": ERROR}},
                },
            },
        },
        "delete": {
            "summary": "Revoke every token of the caller (this one included)",
            "description": "Browser sessions are not touched. Recorded in the security audit.",
            "responses": {
                "204": {"description": "revoked"},
                "401": {
                    "description": "no or bad token",
                    "content": {"application/json": {"schema": ERROR}},
                },
            },
        },
    },
    "/tokens/current": {
        "delete": {
            "summary": "Revoke the token this call is made with",
            "description": (
                "Later calls with it get 401; the caller's other tokens and browser sessions "
                "keep working. Recorded in the security audit."
            ),
            "responses": {
                "204": {"description": "revoked"},
                "401": {
                    "description": "no or bad token",
                    "content": {"application/json": {"schema": ERROR}},
                },
            },
        }
    },
    "/me": {
        "get": {
            "summary": "The caller: username, role and scope",
            "responses": {"200": {"description": "user"}, "401": {"description": "no token"}},
        }
    },
    "/cases": {
        "get": {
            "summary": "Cases visible to the caller, newest first",
            "parameters": [
                *(
                    {"name": n, "in": "query", "schema": {"type": "string"}}
                    for n in ("kind", "state", "severity", "level", "commune", "enterprise")
                ),
                {
                    "name": "q",
                    "in": "query",
                    "schema": {"type": "string"},
                    "description": "every word, ignoring case and accents, in the code, "
                    "enterprise, place, description or victims' names (a claim: its accident's "
                    "code and its victim's name); 9, 10, 12 or 13 digits are matched exactly: "
                    "a tax code (10 or 13), or a national ID (9 or 12) for the roles that see "
                    "national IDs",
                },
                *(
                    {
                        "name": n,
                        "in": "query",
                        "schema": DATETIME,
                        "description": "declared from / to; with its offset, e.g. +07:00",
                    }
                    for n in ("from", "to")
                ),
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                *PAGING_PARAMETERS,
            ],
            "responses": {
                "200": {
                    "description": "{items, page, pages, per_page, total, total_is_estimate, "
                    "total_is_capped, next_cursor}",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"items": {"type": "array"}, **PAGING_PROPERTIES},
                            }
                        }
                    },
                },
                "401": {"description": "no token"},
                "403": {"description": "role may not list cases"},
                "422": {"description": "bad filter"},
            },
        },
        "post": {
            "summary": "Declare a case (enterprise, commune)",
            "requestBody": {
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Declaration"}}
                }
            },
            "responses": {
                "201": {
                    "description": "the case",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Case"}}
                    },
                },
                "403": {"description": "role may not declare"},
                "422": {
                    "description": "invalid declaration",
                    "content": {"application/json": {"schema": ERROR}},
                },
            },
        },
    },
    "/cases/notices": {
        "post": {
            "summary": "Give a quick notice of an accident (enterprise, commune): báo tin nhanh",
            "description": "When, where, how many dead and injured, who calls: the case opens"
            " in state notified, classified from the counts (the investigation limit, the"
            " immediate notices and the 2-hour scene visit start now), with the deadline"
            " 'declaration' for the full declaration, which completes it"
            " (POST /cases/{case_id}/actions/complete_declaration, body"
            " AccidentCompleteDeclarationPayload).",
            "requestBody": {
                "content": {
                    "application/json": {
                        "schema": {
                            "oneOf": [
                                {"$ref": f"#/components/schemas/{name}"} for name in NOTICE_SCHEMAS
                            ]
                        }
                    }
                }
            },
            "responses": {
                "201": {
                    "description": "the case, in state notified",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Case"}}
                    },
                },
                "403": {"description": "role may not declare"},
                "422": {
                    "description": "invalid notice (every error at once)",
                    "content": {"application/json": {"schema": ERROR}},
                },
            },
        }
    },
    "/cases/{case_id}": {
        "get": {
            "summary": "A case with the actions the caller may fire now",
            "parameters": [
                {"name": "case_id", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            "responses": {
                "200": {
                    "description": "case",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Case"}}
                    },
                },
                "404": {"description": "missing or not visible"},
            },
        }
    },
    "/cases/{case_id}/actions/{trigger}": {
        "post": {
            "summary": "Fire a workflow trigger; body {version, ...payload}",
            "description": "Each trigger's body, with the bounds of every field, is the"
            " component schema <Kind><Trigger>Payload (e.g. AccidentRejectPayload).",
            "parameters": [
                {"name": "case_id", "in": "path", "required": True, "schema": {"type": "integer"}},
                {"name": "trigger", "in": "path", "required": True, "schema": {"type": "string"}},
            ],
            "requestBody": {
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["version"],
                            "properties": {"version": {"type": "integer"}},
                            "additionalProperties": True,
                        }
                    }
                }
            },
            "responses": {
                "200": {"description": "the case after the move"},
                "403": {"description": "role may not fire it"},
                "404": {"description": "case not visible or no such trigger"},
                "409": {
                    "description": "stale version or not allowed in this state",
                    "content": {"application/json": {"schema": ERROR}},
                },
                "422": {
                    "description": "invalid payload or refused input",
                    "content": {"application/json": {"schema": ERROR}},
                },
            },
        }
    },
    "/cases/{case_id}/events": {
        "get": {
            "summary": "The hash-chained audit trail, oldest first",
            "parameters": [
                {"name": "case_id", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            "responses": {
                "200": {
                    "description": "events",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/Event"},
                            }
                        }
                    },
                },
                "404": {"description": "not visible"},
            },
        }
    },
    "/tasks": {
        "get": {
            "summary": "The caller's open tasks, soonest due first, undated last (paged)",
            "parameters": [
                {"name": "kind", "in": "query", "schema": {"type": "string"}},
                {"name": "overdue", "in": "query", "schema": FLAG_QUERY},
                {
                    "name": "case",
                    "in": "query",
                    "schema": {"type": "string"},
                    "description": "one case's tasks (its code)",
                },
                *PAGING_PARAMETERS,
            ],
            "responses": {
                "422": {"description": "bad kind, overdue, per_page or cursor"},
                "200": {
                    "description": "a page of tasks; the next page in the Link header "
                    '(rel="next"), the count in X-Total-Count (X-Total-Is-Capped: true when '
                    "it is the cap)",
                    "headers": {
                        "Link": {"schema": {"type": "string"}},
                        "X-Total-Count": {"schema": {"type": "integer"}},
                        "X-Total-Is-Capped": {"schema": {"enum": ["true", "false"]}},
                    },
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/Task"},
                            }
                        }
                    },
                },
            },
        }
    },
    "/openapi.json": {
        "get": {
            "summary": "This document",
            "security": [],
            "responses": {"200": {"description": "OpenAPI"}},
        }
    },
}


def register_paths(paths: dict[str, dict]) -> None:
    """Blueprints of later areas add their paths here at import time."""
    for path, operations in paths.items():
        PATHS.setdefault(path, {}).update(operations)


def _with_bounds(paths: dict[str, dict]) -> dict[str, dict]:
    """The paths with what every route shares (``app/inputs.py``): an id in a path is
    1..ID_MAX, ``page`` 1..PAGE_MAX, and a JSON body may be answered 413 (too large) or 422
    (nested too deep, or text with a NUL)."""
    bounded: dict[str, dict] = {}
    for path, operations in paths.items():
        bounded[path] = {}
        for method, operation in operations.items():
            operation = {**operation}
            parameters = []
            for parameter in operation.get("parameters", ()):
                if parameter.get("in") == "path" and parameter["schema"].get("type") == "integer":
                    parameter = {**parameter, "schema": ID_SCHEMA}
                elif parameter.get("in") == "query" and parameter.get("name") == "page":
                    parameter = {**parameter, "schema": PAGE_SCHEMA}
                parameters.append(parameter)
            if parameters:
                operation["parameters"] = parameters
            if "application/json" in operation.get("requestBody", {}).get("content", {}):
                operation["responses"] = {**TOO_LARGE, **operation.get("responses", {})}
            bounded[path][method] = operation
    return bounded


# Answers every operation can give, documented once here rather than on each operation.
NOT_AUTHENTICATED = {
    "description": "no bearer token, or an unknown, expired or revoked one",
    "content": {"application/json": {"schema": ERROR}},
}


def _completed(operation: dict, permission: str | None) -> dict:
    """``operation`` with what holds for the whole API: an optional query argument may be
    blank (not given); a request body is required; a call that needs a token may be answered
    401; an endpoint guarded by ``permission`` answers 403 to the roles without it; every
    error answer is the JSON error body (``ERROR``)."""
    if "requestBody" in operation:
        operation = {**operation, "requestBody": {**operation["requestBody"], "required": True}}
    if "parameters" in operation:
        operation = {
            **operation,
            "parameters": [
                {**p, "schema": or_blank(p["schema"])}
                if p["in"] == "query" and not p.get("required")
                else p
                for p in operation["parameters"]
            ],
        }
    responses = dict(operation["responses"])
    if operation.get("security") != []:
        responses.setdefault("401", NOT_AUTHENTICATED)
    refused = roles_without(permission) if permission else ()
    if refused:
        responses.setdefault("403", {"description": f"the role may not: {', '.join(refused)}"})
    for status, response in responses.items():
        if status[0] in "45" and "content" not in response:
            responses[status] = {**response, "content": {"application/json": {"schema": ERROR}}}
    return {**operation, "responses": dict(sorted(responses.items()))}


def route_permissions(app: Flask) -> dict[tuple[str, str], str]:
    """``(OpenAPI path, method) → permission`` of every API route that ``require_permission``
    guards, read from the app's routes (so the document follows the decorators)."""
    found = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API_PREFIX + "/"):
            continue
        permission = getattr(app.view_functions[rule.endpoint], "required_permission", None)
        path = _PLACEHOLDER.sub(r"{\1}", rule.rule[len(API_PREFIX) :])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if permission:
                found[(path, method.lower())] = permission
    return found


def openapi_document(app: Flask | None = None) -> dict:
    """The document served at ``GET /api/v1/openapi.json`` by ``app`` (default: the current
    app). The app's routes say which operations answer 403 to whom; without an app (outside
    any app context) only the 403s written on the operations are there."""
    if app is None and has_app_context():
        app = current_app
    permissions = route_permissions(app) if app is not None else {}
    paths = {
        path: {
            method: _completed(operation, permissions.get((path, method)))
            for method, operation in operations.items()
        }
        for path, operations in _with_bounds(PATHS).items()
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "SafeCase API", "version": "1"},
        "servers": [{"url": API_PREFIX}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR, **SCHEMAS},
        },
        "security": [{"bearer": []}],
        "paths": paths,
    }
