"""The caller's own notifications through the API: list, mark one read, mark all read."""

from __future__ import annotations

from flask import g, jsonify, request

from app.api import bp
from app.api.openapi import FLAG_QUERY, PAGING_PARAMETERS, PAGING_PROPERTIES, register_paths
from app.api.schemas import iso, list_meta
from app.inputs import int_arg
from app.notifications import service
from app.services.paging import PER_PAGE_DEFAULT, PER_PAGE_MAX
from app.services.statistics_query import parse_flag


def notification_json(note, case_code: str | None) -> dict:
    return {
        "id": note.id,
        "case_id": note.case_id,
        "case_code": case_code,
        "event": note.event,
        "subject": note.subject,
        "body": note.body,
        "urgent": note.urgent,
        "created_at": iso(note.created_at),
        "read_at": iso(note.read_at),
        "read": note.read_at is not None,
    }


@bp.get("/notifications")
def list_notifications():
    cursor = request.args.get("cursor") or None
    page = service.list_for(
        g.api_user,
        int_arg("page", 1),
        unread_only=parse_flag(request.args, "unread"),
        per_page=int_arg("per_page", PER_PAGE_DEFAULT, high=PER_PAGE_MAX),
        cursor=cursor,
    )
    return jsonify(
        {
            "items": [notification_json(i.note, i.case_code) for i in page.items],
            **list_meta(page, cursor),
            "unread": page.unread,
        }
    )


@bp.post("/notifications/<int:notification_id>/read")
def read_notification(notification_id: int):
    note = service.mark_read(g.api_user, notification_id)
    return jsonify(notification_json(note, service.case_code_of(note)))


@bp.post("/notifications/read-all")
def read_all_notifications():
    return jsonify({"updated": service.mark_all_read(g.api_user)})


NOTIFICATION_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "case_id": {"type": ["integer", "null"]},
        "case_code": {"type": ["string", "null"]},
        "event": {"type": "string"},
        "subject": {"type": "string"},
        "body": {"type": "string"},
        "urgent": {"type": "boolean"},
        "created_at": {"type": "string", "format": "date-time"},
        "read_at": {"type": ["string", "null"], "format": "date-time"},
        "read": {"type": "boolean"},
    },
}
_JSON = "application/json"

register_paths(
    {
        "/notifications": {
            "get": {
                "summary": "The caller's own notifications, newest first",
                "parameters": [
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {"name": "unread", "in": "query", "schema": FLAG_QUERY},
                    *PAGING_PARAMETERS,
                ],
                "responses": {
                    "200": {
                        "description": "a page of notifications and the unread count",
                        "content": {
                            _JSON: {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "items": {"type": "array", "items": NOTIFICATION_SCHEMA},
                                        **PAGING_PROPERTIES,
                                        "unread": {"type": "integer"},
                                    },
                                }
                            }
                        },
                    },
                    "401": {"description": "not authenticated"},
                    "422": {
                        "description": "page not a positive whole number, unread not "
                        "a yes/no value (true, false, 1, 0), per_page outside 1-100, or a "
                        "bad cursor"
                    },
                },
            }
        },
        "/notifications/{notification_id}/read": {
            "post": {
                "summary": "Mark one of the caller's notifications read (idempotent)",
                "parameters": [
                    {
                        "name": "notification_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "the notification",
                        "content": {_JSON: {"schema": NOTIFICATION_SCHEMA}},
                    },
                    "401": {"description": "not authenticated"},
                    "404": {"description": "no such notification, or another user's"},
                },
            }
        },
        "/notifications/read-all": {
            "post": {
                "summary": "Mark every unread notification of the caller read",
                "responses": {
                    "200": {
                        "description": "how many changed",
                        "content": {
                            _JSON: {
                                "schema": {
                                    "type": "object",
                                    "properties": {"updated": {"type": "integer"}},
                                }
                            }
                        },
                    },
                    "401": {"description": "not authenticated"},
                },
            }
        },
    }
)
