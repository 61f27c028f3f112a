"""The OpenAPI 3.1 document the app serves at /api/v1/openapi.json.

It describes the same contract as ../shared/contract.md; a test checks every API route
registered in the app appears here, so the two cannot drift apart silently.
"""

from __future__ import annotations

from workflows.law.classification import OUTCOME_LABELS

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
VICTIM = {
    "type": "object",
    "required": ["full_name", "birth_date", "gender", "national_id", "outcome"],
    "properties": {
        "full_name": {"type": "string"},
        "birth_date": {"type": "string", "format": "date"},
        "gender": {"enum": ["male", "female", "other"]},
        "national_id": {"type": "string", "pattern": "^[0-9]{12}$"},
        "occupation": {"type": "string"},
        "outcome": {"enum": list(OUTCOME_LABELS)},
        "monthly_wage_vnd": {"type": "integer", "minimum": 1},
        "insured_wage_vnd": {"type": "integer", "minimum": 1},
        "si_number": {"type": "string"},
        "si_years": {"type": "integer", "minimum": 0},
        "injury_description": {"type": "string"},
    },
}
SCHEMAS = {
    "Declaration": {
        "oneOf": [
            {"$ref": "#/components/schemas/AccidentDeclaration"},
            {"$ref": "#/components/schemas/DiseaseDeclaration"},
            {"$ref": "#/components/schemas/IncidentDeclaration"},
        ],
        "discriminator": {"propertyName": "kind"},
    },
    "AccidentDeclaration": {
        "type": "object",
        "required": ["occurred_at", "commune_code", "location", "description", "victims"],
        "properties": {
            "kind": {"enum": ["accident"], "default": "accident"},
            "occurred_at": DATETIME,
            "commune_code": {"type": "string"},
            "location": {"type": "string"},
            "description": {"type": "string"},
            "labour_relation": {"type": "boolean"},
            "victims": {"type": "array", "minItems": 1, "items": VICTIM},
            "incident_code": {
                "type": "string",
                "description": "optional: the code of the serious technical incident the victims"
                " were hurt in; an incident the declarer can see, of its own enterprise",
                "examples": ["HP-2026-I000005"],
            },
        },
    },
    # Enterprise only. The workers are sent as victims (outcome optional: serious unless
    # death); occurred_at becomes the diagnosis day. diagnosed_on is accepted for diagnosed_at.
    "DiseaseDeclaration": {
        "type": "object",
        "required": ["kind", "disease", "diagnosed_at", "exposure", "facility", "victims"],
        "properties": {
            "kind": {"enum": ["disease"]},
            "disease": {"type": "string", "description": "from the Ministry of Health list"},
            "disease_code": {"type": "string", "maxLength": 20},
            "diagnosed_at": {"type": "string", "format": "date"},
            "exposure": {"type": "string"},
            "facility": {"type": "string", "description": "the examining facility"},
            "commune_code": {"type": "string", "description": "default: the enterprise's"},
            "location": {"type": "string"},
            "description": {"type": "string"},
            "victims": {"type": "array", "minItems": 1, "items": VICTIM},
        },
    },
    # Enterprise only; casualties are declared as linked accident cases.
    "IncidentDeclaration": {
        "type": "object",
        "required": ["kind", "occurred_at", "location", "equipment", "failure", "damage"],
        "properties": {
            "kind": {"enum": ["incident"]},
            "occurred_at": DATETIME,
            "commune_code": {"type": "string", "description": "default: the enterprise's"},
            "location": {"type": "string"},
            "description": {"type": "string"},
            "equipment": {"type": "string"},
            "failure": {"type": "string"},
            "damage": {"type": "string"},
            "casualties": {"type": "integer", "minimum": 0},
        },
    },
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
                "429": {"description": "too many attempts"},
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
                {"name": n, "in": "query", "schema": {"type": "string"}}
                for n in (
                    "kind",
                    "state",
                    "severity",
                    "level",
                    "commune",
                    "enterprise",
                    "q",
                    "from",
                    "to",
                    "page",
                )
            ],
            "responses": {
                "200": {"description": "{items, page, pages, total}"},
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
            "summary": "The caller's open tasks, soonest due first",
            "responses": {
                "200": {
                    "description": "tasks",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/Task"},
                            }
                        }
                    },
                }
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


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "SafeCase API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR, **SCHEMAS},
        },
        "security": [{"bearer": []}],
        "paths": PATHS,
    }
