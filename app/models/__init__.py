"""SQLAlchemy models, one module per aggregate; imported here so Alembic sees them all."""

from app.models.party import Commune, Enterprise
from app.models.user import ROLES, ApiToken, User

__all__ = ["ROLES", "ApiToken", "Commune", "Enterprise", "User"]
