"""Cases in the browser: the list, the accident declaration, the case page and its actions.

Views stay thin: parse the request, call a service (``app.services.cases`` to read,
``declarations.declare`` to declare, ``workflow_engine.fire_transition`` to act), then
render or redirect. Every rule lives in the services and the workflow definitions; the
helpers below only shape what the templates show (labels in the user's language,
countdowns, the timeline). A case outside the caller's scope is a 404 (the services raise
``NotFound``), a role without the permission a 403, both rendered by the global handlers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.api.schemas import has_medical_content, strip_medical, victim_json
from app.cases import bp
from app.cases.forms import (
    GENDER_LABELS,
    LEVEL_LABELS,
    ORGANISATION_LABELS,
    OUTCOME_LABELS,
    SEVERITY_LABELS,
    TEAM_ROLE_LABELS,
    ActionForm,
    CaseFilterForm,
    DeclarationForm,
    action_form,
    action_payload,
    apply_errors,
)
from app.clock import as_utc, now, to_local
from app.errors import Conflict, ValidationFailed
from app.i18n import english, localize, pick
from app.models.user import ROLE_LABELS
from app.permissions import require_permission
from app.services import cases as case_service
from app.services.declarations import declare as declare_case
from app.services.declarations import may_name_incident
from app.services.parties import normalise_tax_code
from app.services.visibility import can_see, sees_medical
from app.services.workflow_engine import available_actions, fire_transition
from workflows import get_workflow
from workflows.diagram import mermaid

# Events that are not transitions of the definition.
EVENT_LABELS = {
    "declare": ("Khai báo vụ việc", "Declared"),
    "create": ("Lập hồ sơ", "Created"),
    "attach_document": ("Bổ sung tài liệu", "Document attached"),
}
# Labels of declaration and creation payload keys (transition payloads use their fields').
PAYLOAD_LABELS = {
    "occurred_at": ("Thời điểm xảy ra", "Occurred at"),
    "commune_code": ("Mã xã/phường", "Commune code"),
    "location": ("Nơi xảy ra", "Location"),
    "labour_relation": ("Có quan hệ lao động", "Labour relation"),
    "victims": ("Nạn nhân", "Victims"),
    "parent": ("Vụ việc gốc", "Parent case"),
    "victim_id": ("Nạn nhân", "Victim"),
    "incident_code": ("Sự cố kỹ thuật liên quan", "Related incident"),
}
SYSTEM_ROLE = ("Hệ thống", "System")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# -- labels in the user's language ----------------------------------------------------------


def wf_label(item: Any) -> str:
    """The label of a workflow State, Transition or Deadline."""
    return item.label_en if english() else item.label_vi


def state_label(kind: str, state: str | None) -> str:
    if not state:
        return ""
    try:
        return wf_label(get_workflow(kind).state(state))
    except KeyError:
        return state


def kind_label(kind: str) -> str:
    try:
        return wf_label(get_workflow(kind))
    except KeyError:
        return kind


def trigger_label(definition, trigger: str) -> str:
    if trigger in EVENT_LABELS:
        return pick(EVENT_LABELS[trigger])
    found = next((t for t in definition.transitions if t.trigger == trigger), None)
    return wf_label(found) if found else trigger


@bp.context_processor
def case_helpers() -> dict[str, Any]:
    return {
        "pick": pick,
        "wf_label": wf_label,
        "state_label": state_label,
        "kind_label": kind_label,
        "SEVERITY_LABELS": SEVERITY_LABELS,
        "LEVEL_LABELS": LEVEL_LABELS,
        "OUTCOME_LABELS": OUTCOME_LABELS,
        "GENDER_LABELS": GENDER_LABELS,
        "ORGANISATION_LABELS": ORGANISATION_LABELS,
        "TEAM_ROLE_LABELS": TEAM_ROLE_LABELS,
    }


# -- deadlines ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Countdown:
    """How far a due time is: ``amount`` days, hours or minutes, ahead or ``overdue``."""

    overdue: bool
    amount: int
    unit: str  # "day", "hour" or "minute"


def countdown(due_at: datetime, at: datetime | None = None) -> Countdown:
    """Whole Vietnam calendar days between today and the due day, as the law counts them;
    hours (or minutes) when the due time is today."""
    at = at or now()
    due = as_utc(due_at)
    overdue = due < at
    days = abs((to_local(due).date() - to_local(at).date()).days)
    if days >= 1:
        return Countdown(overdue, days, "day")
    seconds = abs((due - at).total_seconds())
    if seconds >= 3_600:
        return Countdown(overdue, int(seconds // 3_600), "hour")
    return Countdown(overdue, max(1, int(seconds // 60)), "minute")


@dataclass(frozen=True)
class DeadlineView:
    name: str
    label: str
    due_at: datetime
    met_at: datetime | None
    paused_at: datetime | None
    extended: bool
    days: int
    countdown: Countdown | None

    @property
    def overdue(self) -> bool:
        return self.countdown is not None and self.countdown.overdue


def deadline_view(definition, row) -> DeadlineView:
    try:
        label = wf_label(definition.deadline(row.name))
    except KeyError:
        label = row.name
    running = row.met_at is None and row.paused_at is None
    return DeadlineView(
        name=row.name,
        label=label,
        due_at=row.due_at,
        met_at=row.met_at,
        paused_at=row.paused_at,
        extended=row.extended,
        days=row.days,
        countdown=countdown(row.due_at) if running else None,
    )


def nearest_deadline(case) -> DeadlineView | None:
    """The open (not met, not paused) deadline due first."""
    definition = get_workflow(case.kind)
    running = [row for row in case.deadlines if row.met_at is None and row.paused_at is None]
    if not running:
        return None
    return deadline_view(definition, min(running, key=lambda row: as_utc(row.due_at)))


# -- the timeline ---------------------------------------------------------------------------


@dataclass
class EventView:
    seq: int
    at: datetime
    actor: str
    role: str
    trigger: str
    label: str
    from_label: str
    to_label: str
    details: list[tuple[str, str, Any]] = field(default_factory=list)


def _field_labels(definition, trigger: str) -> dict[str, str]:
    labels = {key: pick(pair) for key, pair in PAYLOAD_LABELS.items()}
    for transition in definition.transitions:
        if transition.trigger == trigger:
            labels.update({f.name: wf_label(f) for f in transition.fields})
    return labels


def _person(item: dict) -> str:
    parts = [item.get("name") or item.get("full_name") or ""]
    if item.get("organisation"):
        parts.append(pick(ORGANISATION_LABELS.get(item["organisation"]), item["organisation"]))
    if item.get("role"):
        parts.append(pick(TEAM_ROLE_LABELS.get(item["role"]), item["role"]))
    if item.get("outcome"):
        parts.append(pick(OUTCOME_LABELS.get(item["outcome"]), item["outcome"]))
    return " — ".join(p for p in parts if p)


def display_value(value: Any, victims: dict[int, str] | None = None, key: str = "") -> tuple:
    """(kind, value) for the ``show_value`` macro: bool, datetime, date, list or text."""
    if isinstance(value, bool):
        return ("bool", value)
    if key == "victim_id" and victims and value in victims:
        return ("text", victims[value])
    if isinstance(value, str) and _ISO_DATETIME.fullmatch(value):
        return ("datetime", datetime.fromisoformat(value.replace("Z", "+00:00")))
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return ("date", date.fromisoformat(value))
    if isinstance(value, list):
        return ("list", [_person(v) if isinstance(v, dict) else str(v) for v in value])
    if isinstance(value, dict):
        return ("list", [f"{k}: {v}" for k, v in value.items()])
    return ("text", "" if value is None else str(value))


def event_view(definition, event, medical: bool, victims: dict[int, str]) -> EventView:
    payload = event.payload if medical else strip_medical(event.payload)
    labels = _field_labels(definition, event.trigger)
    role = ROLE_LABELS.get(event.role, SYSTEM_ROLE if event.role == "system" else None)
    return EventView(
        seq=event.seq,
        at=event.at,
        actor=event.actor,
        role=pick(role, event.role),
        trigger=event.trigger,
        label=trigger_label(definition, event.trigger),
        from_label=state_label(definition.kind, event.from_state),
        to_label=state_label(definition.kind, event.to_state),
        details=[
            (labels.get(key, key), *display_value(value, victims, key))
            for key, value in (payload or {}).items()
            if value not in (None, "", [])
        ],
    )


# -- the diagram's text alternative ---------------------------------------------------------


@dataclass
class StepView:
    name: str
    label: str
    current: bool
    terminal: bool
    exits: list[tuple[str, str]]


def steps(definition, current: str) -> list[StepView]:
    result = []
    for state in definition.states:
        exits = []
        for transition in definition.transitions:
            if state.name in transition.sources:
                dest = state_label(definition.kind, transition.dest_from(state.name))
                item = (wf_label(transition), dest)
                if item not in exits:
                    exits.append(item)
        result.append(
            StepView(state.name, wf_label(state), state.name == current, state.terminal, exits)
        )
    return result


# -- the case page --------------------------------------------------------------------------


@dataclass
class ActionView:
    trigger: str
    label: str
    form: ActionForm
    open: bool = False


def blank_action_form(case, trigger: str) -> ActionForm:
    form_class = action_form(get_workflow(case.kind), trigger, case.state)
    form = form_class(formdata=None, prefix=trigger, version=str(case.version))
    form.set_victims(case.victims)
    return form


def posted_action_form(case, trigger: str) -> ActionForm:
    form = action_form(get_workflow(case.kind), trigger, case.state)(prefix=trigger)
    form.set_victims(case.victims)
    return form


def _actions(case, user, failed: ActionForm | None, failed_trigger: str | None):
    definition = get_workflow(case.kind)
    views = []
    for trigger in available_actions(case, user):
        if trigger == failed_trigger and failed is not None:
            views.append(ActionView(trigger, trigger_label(definition, trigger), failed, True))
        else:
            form = blank_action_form(case, trigger)
            views.append(ActionView(trigger, trigger_label(definition, trigger), form))
    return views


def _claim_victim(case):
    if case.kind != "claim" or case.parent is None:
        return None
    return next((v for v in case.parent.victims if v.id == case.victim_id), None)


def case_page(case, user, failed: ActionForm | None = None, failed_trigger: str | None = None):
    """Everything the case page shows; logs the read when medical fields are on it."""
    definition = get_workflow(case.kind)
    medical = sees_medical(user)
    claim_victim = _claim_victim(case)
    if medical and (
        has_medical_content(case) or (claim_victim and claim_victim.injury_description)
    ):
        case_service.log_medical_read(user, case, "victims,data")
    names = {v.id: v.full_name for v in case.victims}
    if claim_victim is not None:
        names[claim_victim.id] = claim_victim.full_name
    events = case_service.case_events(user, case.id)
    return {
        "case": case,
        "definition": definition,
        "medical": medical,
        "data": (case.data or {}) if medical else strip_medical(case.data or {}),
        "victims": [victim_json(v, user, medical) for v in case.victims],
        "claim_victim": victim_json(claim_victim, user, medical) if claim_victim else None,
        "parent_visible": case.parent is not None and can_see(user, case.parent),
        "links": case_service.linked_cases(user, case),
        "may_declare_casualty": case.kind == "incident" and may_name_incident(user, case),
        "victim_names": names,
        "deadlines": [deadline_view(definition, row) for row in case.deadlines],
        "timeline": [event_view(definition, e, medical, names) for e in events],
        "diagram": mermaid(definition, current=case.state),
        "steps": steps(definition, case.state),
        "actions": _actions(case, user, failed, failed_trigger),
        "display_value": display_value,
    }


def _user():
    return current_user._get_current_object()


def _page_number() -> int:
    return max(1, request.args.get("page", 1, type=int) or 1)


# -- routes ---------------------------------------------------------------------------------


@bp.get("/")
@require_permission("cases.view")
def index():
    form = CaseFilterForm(formdata=request.args)
    form.validate()
    start, end = form.bounds()
    filters = case_service.CaseFilters(
        kind=form.kind.data or None,
        state=form.state.data or None,
        severity=form.severity.data or None,
        level=form.level.data or None,
        commune=form.commune.data or None,
        enterprise=normalise_tax_code(form.enterprise.data or "") or None,
        q=(form.q.data or "").strip() or None,
        declared_from=start,
        declared_to=end,
    )
    page = case_service.list_cases(_user(), filters, _page_number())
    rows = [(case, nearest_deadline(case)) for case in page.items]
    return render_template("cases/index.html", form=form, page=page, rows=rows, args=form.args())


@bp.get("/<int:case_id>")
@require_permission("cases.view")
def detail(case_id: int):
    case = case_service.get_visible_case(_user(), case_id)
    return render_template("cases/detail.html", **case_page(case, _user()))


@bp.post("/<int:case_id>/actions/<trigger>")
@require_permission("cases.act")
def transition(case_id: int, trigger: str):
    user = _user()
    case = case_service.get_visible_case(user, case_id)
    form = posted_action_form(case, trigger)
    offered = trigger in available_actions(case, user)
    if not form.validate() and offered:
        return _failed_action(case_id, user, form, trigger, 422)
    try:
        fire_transition(case_id, trigger, user, action_payload(form), ip=request.remote_addr)
    except ValidationFailed as exc:
        apply_errors(form, exc.errors, form.row_map)
        if not offered:  # no form on the page to show them next to
            flash(" ".join(localize(m) for ms in exc.errors.values() for m in ms), "error")
        return _failed_action(case_id, user, form, trigger, 422)
    except Conflict as exc:
        flash(localize(exc.message), "error")
        return _failed_action(case_id, user, None, None, 409)
    label = trigger_label(get_workflow(case.kind), trigger)
    flash(_("Đã thực hiện: %(action)s.", action=label), "info")
    return redirect(url_for("cases.detail", case_id=case_id))


def _failed_action(case_id: int, user, form, trigger, status: int):
    """The case page again (reloaded: the failed transaction was rolled back)."""
    case = case_service.get_visible_case(user, case_id)
    return render_template("cases/detail.html", **case_page(case, user, form, trigger)), status


@bp.route("/declare", methods=["GET", "POST"])
@require_permission("cases.declare")
def declare():
    user = _user()
    form = DeclarationForm(user)
    if request.method == "GET":
        incident_id = request.args.get("incident", type=int)
        if incident_id is not None:  # "declare a casualty" from the incident's page
            incident = case_service.get_visible_case(user, incident_id)
            if incident.kind == "incident" and may_name_incident(user, incident):
                form.start_from_incident(incident)
        return render_template("cases/declare.html", form=form)
    if not form.validate():
        return render_template("cases/declare.html", form=form, failed=True), 422
    try:
        case = declare_case(user, form.body(), ip=request.remote_addr)
    except ValidationFailed as exc:
        form.show_errors(exc.errors)
        return render_template("cases/declare.html", form=form, failed=True), 422
    severity = pick(SEVERITY_LABELS.get(case.severity), case.severity or "")
    level = pick(LEVEL_LABELS.get(case.investigation_level), case.investigation_level or "")
    flash(
        _(
            "Đã khai báo vụ việc %(code)s — mức độ: %(severity)s; cấp điều tra: %(level)s.",
            code=case.code,
            severity=severity,
            level=level,
        ),
        "info",
    )
    return redirect(url_for("cases.detail", case_id=case.id))
