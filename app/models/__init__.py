"""SQLAlchemy models, one module per aggregate; imported here so Alembic sees them all."""

from app.models.audit import (
    GENESIS_HASH,
    CaseEvent,
    MedicalAccessLog,
    SecurityChainHead,
    SecurityEvent,
)
from app.models.case import Case, CaseCounter, CaseDeadline, Document, Victim
from app.models.codes import CodeEntry
from app.models.paper import IssuedPaper, IssuedPaperFile
from app.models.party import Commune, Enterprise
from app.models.rules import HolidayAdjustment, RuleValue
from app.models.user import ApiToken, User
from app.models.work import Notification, OutboxMessage, Task

__all__ = [
    "GENESIS_HASH",
    "ApiToken",
    "Case",
    "CaseCounter",
    "CaseDeadline",
    "CaseEvent",
    "CodeEntry",
    "Commune",
    "Document",
    "Enterprise",
    "HolidayAdjustment",
    "IssuedPaper",
    "IssuedPaperFile",
    "MedicalAccessLog",
    "Notification",
    "OutboxMessage",
    "RuleValue",
    "SecurityChainHead",
    "SecurityEvent",
    "Task",
    "User",
    "Victim",
]
