"""API endpoints of the foundation: tokens, the caller, the OpenAPI document."""

from __future__ import annotations

from flask import current_app, g, jsonify

from app.api import bp
from app.api.openapi import openapi_document
from app.api.parsing import json_body
from app.auth.limits import sign_in_limits
from app.errors import NotAuthenticated, ValidationFailed
from app.services import users


@bp.post("/tokens")
@sign_in_limits
def create_token():
    body = json_body()
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise ValidationFailed({"username": ["Cần username và password dạng chuỗi."]})
    issued = users.sign_in_api(username, password, current_app.config["API_TOKEN_TTL"])
    if issued is None:
        raise NotAuthenticated("Tên đăng nhập hoặc mật khẩu không đúng.")
    return jsonify(token=issued.token, expires_at=issued.expires_at.isoformat()), 201


@bp.delete("/tokens/current")
def revoke_current_token():
    """Sign this token out: later calls with it get 401; the owner's other tokens and browser
    sessions keep working."""
    users.revoke_token(g.api_user, g.api_token_id)
    return "", 204


@bp.delete("/tokens")
def revoke_all_tokens():
    """Sign every token of the caller out (this one included); browser sessions keep working."""
    users.revoke_tokens(g.api_user)
    return "", 204


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
