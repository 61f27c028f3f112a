"""Reading JSON request bodies with field errors instead of exceptions."""

from __future__ import annotations

from flask import request

from app.errors import ValidationFailed


def json_body() -> dict:
    """The request's JSON object, or 422 when the body is not a JSON object."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationFailed({"body": ["Nội dung phải là một đối tượng JSON."]})
    return body
