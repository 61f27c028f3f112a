"""The JSON API under /api/v1: bearer tokens, JSON errors, the OpenAPI document."""

from flask import Blueprint, g, request

from app.errors import NotAuthenticated
from app.services.users import token_for

bp = Blueprint("api", __name__)


@bp.before_request
def authenticate_bearer():
    """Every call but token issue and the OpenAPI document needs ``Authorization: Bearer``."""
    if request.endpoint in ("api.create_token", "api.openapi"):
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    row = token_for(token.strip()) if scheme.lower() == "bearer" else None
    if row is None:
        raise NotAuthenticated("Thiếu hoặc sai mã truy cập (Bearer token).")
    g.api_user = row.user
    g.api_token_id = row.id  # which token to revoke on DELETE /tokens/current


from app.api import (  # noqa: E402,F401
    calculations,
    cases,
    documents,
    notifications,
    reports,
    statistics,
    tracker,
    views,
)
