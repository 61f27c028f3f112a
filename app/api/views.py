"""API endpoints of the foundation: tokens, the caller, the OpenAPI document."""

from __future__ import annotations

from flask import current_app, g, jsonify

from app.api import bp
from app.api.openapi import openapi_document
from app.api.parsing import json_body
from app.errors import NotAuthenticated, ValidationFailed
from app.extensions import limiter
from app.services import users


def token_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.post("/tokens")
@limiter.limit(token_limit)
def create_token():
    body = json_body()
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise ValidationFailed({"username": ["Cần username và password dạng chuỗi."]})
    user = users.authenticate(username, password)
    if user is None:
        raise NotAuthenticated("Tên đăng nhập hoặc mật khẩu không đúng.")
    issued = users.issue_token(user, current_app.config["API_TOKEN_TTL"])
    return jsonify(token=issued.token, expires_at=issued.expires_at.isoformat()), 201


@bp.get("/me")
def me():
    user = g.api_user
    return jsonify(
        username=user.username,
        role=user.role,
        full_name=user.full_name,
        enterprise=(
            {"tax_code": user.enterprise.tax_code, "name": user.enterprise.name}
            if user.enterprise
            else None
        ),
        commune_code=user.commune_code,
    )


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(current_app))
