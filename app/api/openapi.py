"""The OpenAPI 3.1 document the app serves at /api/v1/openapi.json.

It describes the same contract as ../shared/contract.md; a test checks every API route
registered in the app appears here, so the two cannot drift apart silently.
"""

from __future__ import annotations

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
}

PATHS: dict[str, dict] = {
    "/tokens": {
        "post": {
            "summary": "Issue a bearer token",
            "security": [],
            "requestBody": {"content": {"application/json": {"schema": {
                "type": "object", "required": ["username", "password"],
                "properties": {"username": {"type": "string"}, "password": {"type": "string"}},
            }}}},
            "responses": {
                "201": {"description": "token", "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {"token": {"type": "string"}, "expires_at": {"type": "string", "format": "date-time"}},
                }}}},
                "401": {"description": "wrong credentials", "content": {"application/json": {"schema": ERROR}}},
                "422": {"description": "malformed body", "content": {"application/json": {"schema": ERROR}}},
                "429": {"description": "too many attempts"},
            },
        }
    },
    "/me": {"get": {"summary": "The caller: username, role and scope", "responses": {"200": {"description": "user"}, "401": {"description": "no token"}}}},
    "/openapi.json": {"get": {"summary": "This document", "security": [], "responses": {"200": {"description": "OpenAPI"}}}},
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
            "schemas": {"Error": ERROR},
        },
        "security": [{"bearer": []}],
        "paths": PATHS,
    }
