"""Claims seen from the people who follow the workers: "Người lao động của tôi".

A trade-union officer (city federation: every enterprise; grassroots union: its own) and an
enterprise's OSH officer (its own claims) get one row per claim in scope with what the worker
is owed and what is late, most urgent first. Reading is one query for the claims with their
worker, parent accident and enterprise, plus eager loads of the collections the engine's
action check reads — never one query per row. The quick "Xác nhận đã nhận tiền" button goes
through the workflow engine like every other state change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.clock import VN_TZ, as_utc, now, to_local
from app.errors import PermissionDenied, ValidationFailed
from app.extensions import db
from app.i18n import N_, lazy_pick
from app.models import Case, Victim
from app.services.privacy import data_view, national_id_for, state_labels
from app.services.rulebook import load_rulebook
from app.services.visibility import case_filter
from app.services.workflow_engine import available_actions, fire_transition
from workflows import get_workflow
from workflows.base import parse_iso

# Roles that have this view (workflows.md: the union confirms receipt, the employer pays).
WORKER_VIEW_ROLES = ("union", "enterprise")

KIND_LABELS = {
    "one_time": _l("Trợ cấp một lần"),
    "monthly": _l("Trợ cấp hằng tháng"),
    "death": _l("Trợ cấp một lần khi chết"),
}


@dataclass(frozen=True)
class WorkerRow:
    """One claim as the worker's follower sees it."""

    case_id: int
    code: str
    version: int
    state: str
    state_label: str
    worker_name: str
    national_id: str
    enterprise_name: str
    accident_id: int | None
    accident_code: str
    death: bool
    minimum_vnd: int | None
    paid_vnd: int
    paid_at: datetime | None
    confirmed_at: datetime | None
    equivalent_si_vnd: int | None
    insurance_applicable: bool
    expected_kind: str | None
    expected_vnd: int | None
    decided_vnd: int | None
    insurance_approved: bool | None
    due_label: str | None
    due_at: datetime | None
    days_late: int | None
    actions: tuple[str, ...] = field(default=())

    @property
    def overdue(self) -> bool:
        return self.days_late is not None

    @property
    def expected_kind_label(self) -> str:
        return KIND_LABELS.get(self.expected_kind or "", "")

    @property
    def can_confirm_receipt(self) -> bool:
        return "confirm_receipt" in self.actions

    @property
    def has_decision(self) -> bool:
        """The employer's decision paper exists once an amount was computed."""
        return self.state in ("assessed", "closed") and self.minimum_vnd is not None


def _next_deadline(case: Case) -> tuple[str, datetime] | None:
    """The earliest running deadline of the claim (compensation, filing, decision)."""
    running = [
        (as_utc(d.due_at), d.name)
        for d in case.deadlines
        if d.met_at is None and d.paused_at is None
    ]
    if not running:
        return None
    due_at, name = min(running)
    try:
        deadline = get_workflow("claim").deadline(name)
        label = lazy_pick((deadline.label_vi, deadline.label_en))
    except KeyError:
        label = name
    return label, due_at


def _state_label(user, state: str):
    return lazy_pick(state_labels(user, "claim", state))


def _days_late(due_at: datetime | None, at: datetime) -> int | None:
    """Whole days (started) past ``due_at``; None when not yet due."""
    if due_at is None or due_at >= at:
        return None
    return max(1, math.ceil((at - due_at) / timedelta(days=1)))


def _row(case: Case, victim: Victim | None, user, at: datetime, actions: list[str]) -> WorkerRow:
    # What the user may see of it: no benefit kind for the union (app.services.privacy).
    data = data_view(user, case)
    comp = data.get("compensation") or {}
    ins = data.get("insurance") or {}
    due = _next_deadline(case) if case.state != "closed" else None
    return WorkerRow(
        case_id=case.id,
        code=case.code,
        version=case.version,
        state=case.state,
        state_label=_state_label(user, case.state),
        worker_name=victim.full_name if victim else "—",
        national_id=national_id_for(user, victim.national_id if victim else ""),
        enterprise_name=case.enterprise.name if case.enterprise else "—",
        accident_id=case.parent_id,
        accident_code=case.parent.code if case.parent else "—",
        death=bool(data.get("death")),
        minimum_vnd=comp.get("minimum_vnd"),
        paid_vnd=comp.get("paid_vnd") or 0,
        paid_at=parse_iso(comp.get("paid_at")),
        confirmed_at=parse_iso(comp.get("confirmed_at")),
        equivalent_si_vnd=comp.get("equivalent_si_vnd"),
        insurance_applicable=bool(ins.get("applicable", data.get("insured"))),
        expected_kind=ins.get("expected_kind"),
        expected_vnd=ins.get("expected_vnd"),
        decided_vnd=ins.get("decided_vnd"),
        insurance_approved=ins.get("approved"),
        due_label=due[0] if due else None,
        due_at=due[1] if due else None,
        days_late=_days_late(due[1] if due else None, at),
        actions=tuple(actions),
    )


def _urgency(row: WorkerRow) -> tuple:
    # Overdue first (the most overdue on top), then the soonest due, then the rest with
    # open claims before closed ones, newest first.
    if row.due_at is not None:
        return (0 if row.overdue else 1, row.due_at.timestamp(), 0, 0)
    return (2, 0.0, 1 if row.state == "closed" else 0, -row.case_id)


def my_workers(user) -> list[WorkerRow]:
    """Every claim in ``user``'s scope, most urgent first.

    Reads only. :raises PermissionDenied: for roles other than union and enterprise.
    """
    if user.role not in WORKER_VIEW_ROLES:
        raise PermissionDenied(N_("Chỉ công đoàn và doanh nghiệp có danh sách người lao động."))
    rows = db.session.execute(
        select(Case, Victim)
        .outerjoin(Victim, Victim.id == Case.victim_id)
        .where(Case.kind == "claim", case_filter(user))
        .options(
            joinedload(Case.parent),
            selectinload(Case.deadlines),
            selectinload(Case.victims),
            selectinload(Case.children),
        )
        .order_by(Case.id)
    ).all()
    at = now()
    rules = load_rulebook()
    result = [
        _row(case, victim, user, at, available_actions(case, user, rules)) for case, victim in rows
    ]
    return sorted(result, key=_urgency)


def confirm_receipt(
    user,
    claim_id: int,
    version: int,
    *,
    ip: str | None = None,
    received_on: str | None = None,
    received_by: str | None = None,
    recipient_name: str | None = None,
    recipient_relationship: str | None = None,
) -> Case:
    """The union confirms the worker (or, for a deceased worker, a named relative) received
    the payment, on ``received_on`` (dd/mm/yyyy, Vietnam time; today when empty: now, an
    earlier day: its end).

    One transaction, through the workflow engine (event, tasks, notices), which checks the day
    and the recipient.

    :raises ValidationFailed: ``received_on`` not a dd/mm/yyyy day; and as ``fire_transition``.
    :raises NotFound, PermissionDenied, StaleVersion, TransitionNotAllowed: as
        ``fire_transition``.
    """
    confirmed_at = now()
    text = (received_on or "").strip()
    if text:
        try:
            day = datetime.strptime(text, "%d/%m/%Y").date()
        except ValueError:
            raise ValidationFailed(
                {"received_on": [N_("Ngày không hợp lệ (dd/mm/yyyy).")]}
            ) from None
        if day != to_local(confirmed_at).date():
            confirmed_at = datetime.combine(day, time(23, 59), VN_TZ)
    payload = {
        "version": version,
        "confirmed_at": confirmed_at.isoformat(),
        "received_by": received_by or None,
        "recipient_name": (recipient_name or "").strip() or None,
        "recipient_relationship": (recipient_relationship or "").strip() or None,
    }
    fire_transition(
        claim_id,
        "confirm_receipt",
        user,
        {k: v for k, v in payload.items() if v is not None},
        ip=ip,
    )
    return db.session.get(Case, claim_id)
