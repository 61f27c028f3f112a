"""What the case pages show, shaped for the templates: labels in the user's language,
deadline countdowns, the timeline, the diagram's text alternative and the case page's whole
context (``case_page``). Views call these after the services; nothing here writes, except the
medical-read log that ``app.services.privacy`` keeps when the page shows medical fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import url_for
from flask_babel import gettext as _

from app.api.schemas import victim_json
from app.cases.forms import (
    CHOICE_LABELS,
    GENDER_LABELS,
    TEAM_ROLE_LABELS,
    ActionForm,
    action_form,
)
from app.clock import as_utc, now, to_local
from app.errors import NotFound
from app.extensions import db
from app.formatting import format_date, format_datetime, format_number, format_percent, format_vnd
from app.i18n import N_, english, localize, pick
from app.models import Commune
from app.models.user import ROLE_LABELS
from app.permissions import acting_user
from app.services import cases as case_service
from app.services import codes
from app.services.claim_benefits import monthly_due
from app.services.declarations import (
    NOTICE_COLUMNS,
    awaits_completion,
    may_declare,
    may_name_incident,
    notice_spec,
)
from app.services.privacy import (
    claim_victim,
    data_view,
    event_payload_view,
    public_state_labels,
    read_medical,
    sees_medical,
    state_labels,
)
from app.services.users import people_named
from app.services.visibility import can_see
from app.services.workflow_engine import case_actions
from workflows import REGISTRY, get_workflow
from workflows.base import ORGANISATION_LABELS, Field
from workflows.declaration import (
    ACCIDENT_TYPE_LABELS,
    DEFAULT_ACCIDENT_TYPE,
    THIRD_PARTY_LABELS,
)
from workflows.diagram import mermaid
from workflows.dossier import CATEGORIES as DOSSIER_CATEGORIES
from workflows.dossier_rules import TRIGGERS as DOSSIER_TRIGGERS
from workflows.law.classification import (
    DISEASE_OUTCOME_LABELS,
    LEVEL_LABELS,
    OUTCOME_LABELS,
    SEVERITY_LABELS,
)

# Events that are not transitions of the definition.
EVENT_LABELS = {
    "declare": ("Khai báo vụ việc", "Declared"),
    "give_notice": ("Báo tin nhanh", "Quick notice"),
    "create": ("Lập hồ sơ", "Created"),
    "attach_document": ("Bổ sung tài liệu", "Document attached"),
    "issue_paper": ("Phát hành giấy tờ", "Paper issued"),
    "store_paper": ("Lưu bản PDF của giấy tờ", "Paper PDF stored"),
}
# Papers SafeCase issues, as pages name them.
PAPER_LABELS = {
    "declaration": ("Tờ khai, báo cáo khai báo", "Declaration"),
    "minutes": ("Biên bản điều tra", "Investigation minutes"),
    "decision": ("Quyết định bồi thường, trợ cấp", "Compensation decision"),
}
# What issued a paper when it was no trigger (``app.services.issued_papers``).
PAPER_CAUSE_LABELS = {
    "reissue": ("Phát hành lại", "Reissued by hand"),
    "first_request": (
        "Lập từ dữ liệu vụ việc khi được yêu cầu lần đầu",
        "Built from the case's data on first request",
    ),
}
# A stored paper's copies: with national IDs and medical detail, or without.
AUDIENCE_LABELS = {
    "full": ("Bản đầy đủ", "Full copy"),
    "masked": ("Bản che thông tin cá nhân, y tế", "Copy without personal and medical detail"),
}
# Labels of declaration and creation payload keys (transition payloads use their fields').
PAYLOAD_LABELS = {
    "occurred_at": ("Thời điểm xảy ra", "Occurred at"),
    "commune_code": ("Xã/phường", "Commune"),
    "location": ("Nơi xảy ra", "Location"),
    "labour_relation": ("Có quan hệ lao động", "Labour relation"),
    "victims": ("Nạn nhân", "Victims"),
    "parent": ("Vụ việc gốc", "Parent case"),
    "victim_id": ("Nạn nhân", "Victim"),
    "incident_code": ("Sự cố kỹ thuật liên quan", "Related incident"),
    "accident_type": ("Loại tai nạn", "Type of accident"),
    "third_party": THIRD_PARTY_LABELS,
    # A quick notice's own inputs (its counts, who called), as its spec names them.
    **{
        i.name: (i.label_vi, i.label_en)
        for definition in REGISTRY.values()
        if definition.declaration is not None and definition.declaration.notice is not None
        for i in definition.declaration.notice.inputs
        if i.name not in NOTICE_COLUMNS
    },
    # Issued and stored papers (events issue_paper, store_paper).
    "paper": ("Giấy tờ", "Paper"),
    "version": ("Lần phát hành", "Issue"),
    "paper_id": ("Mã giấy tờ", "Paper id"),
    "cause": ("Phát hành do", "Issued on"),
    "reason": ("Lý do", "Reason"),
    "content_sha256": ("SHA-256 nội dung", "Content SHA-256"),
    "audience": ("Bản", "Copy"),
    "sha256": ("SHA-256 tệp", "File SHA-256"),
    "size_bytes": ("Dung lượng (byte)", "Size (bytes)"),
}
# Labels of the values of declaration and creation payload keys no transition field types.
# (A victim's ``outcome`` is named by the case's kind: ``outcome_labels``.)
PAYLOAD_VALUE_LABELS = {
    "accident_type": ACCIDENT_TYPE_LABELS,
    "paper": PAPER_LABELS,
    "audience": AUDIENCE_LABELS,
}
SYSTEM_ROLE = ("Hệ thống", "System")
_ISO_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}"
    r"(:[0-9]{2}(\.[0-9]+)?)?([+-][0-9]{2}:[0-9]{2}|Z)?"
)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# -- labels in the user's language ----------------------------------------------------------


def wf_label(item: Any) -> str:
    """The label of a workflow State, Transition or Deadline."""
    return item.label_en if english() else item.label_vi


def state_label(kind: str, state: str | None, user=None) -> str:
    """``state`` of ``kind`` as ``user`` (default: the caller) may read it
    (``privacy.state_labels``: a neutral name for a label that tells medical detail)."""
    if not state:
        return ""
    try:
        return pick(state_labels(user or acting_user(), kind, state))
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


def paper_cause_label(definition, cause: str) -> str:
    """What issued a paper: a step by its label, or a reissue by hand, or a first request."""
    if cause in PAPER_CAUSE_LABELS:
        return pick(PAPER_CAUSE_LABELS[cause])
    return trigger_label(definition, cause)


def outcome_labels(case) -> dict[str, tuple[str, str]]:
    """The (vi, en) labels of the victims' outcomes as the case's kind calls them: a disease's
    living workers "have the disease" (not "seriously injured"), on the disease and on the
    claims it opened."""
    disease = case.kind == "disease" or (
        case.kind == "claim" and (case.data or {}).get("source") == "disease"
    )
    return DISEASE_OUTCOME_LABELS if disease else OUTCOME_LABELS


def outcome_label(case, outcome: str | None) -> str:
    """A victim's outcome as the case's kind calls it (``outcome_labels``)."""
    return pick(outcome_labels(case).get(outcome or ""), outcome or "")


def template_helpers() -> dict[str, Any]:
    """What every case template may call: label pickers and the (vi, en) label tables."""
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
        "ACCIDENT_TYPE_LABELS": ACCIDENT_TYPE_LABELS,
        "DEFAULT_ACCIDENT_TYPE": DEFAULT_ACCIDENT_TYPE,
        "THIRD_PARTY_LABELS": THIRD_PARTY_LABELS,
        "may_declare": may_declare,
        "outcome_label": outcome_label,
        "PAPER_LABELS": PAPER_LABELS,
    }


def severity_label(value: str | None) -> str:
    return pick(SEVERITY_LABELS.get(value), value or "")


def level_label(value: str | None) -> str:
    return pick(LEVEL_LABELS.get(value), value or "")


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


@dataclass(frozen=True)
class ListedDeadline:
    """A row of the web list's nearest running deadline: its label and when it falls due."""

    label: str
    due_at: datetime
    countdown: Countdown


def listed_deadline(row) -> ListedDeadline | None:
    """The nearest running deadline of a row of the web list (``cases.CaseRow``)."""
    nearest = row.nearest_deadline
    if nearest is None:
        return None
    try:
        label = wf_label(get_workflow(row.kind).deadline(nearest.name))
    except KeyError:
        label = nearest.name
    return ListedDeadline(label=label, due_at=nearest.due_at, countdown=countdown(nearest.due_at))


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
    labels.update({name: wf_label(f) for name, f in _fields_of(definition, trigger).items()})
    return labels


def _fields_of(definition, trigger: str) -> dict[str, Field]:
    """The fields ``trigger`` takes, by name: their kinds say how each value reads. A
    declaration's own fields (a disease's diagnosis, an incident's equipment) are the kind's
    ``declaration_fields``."""
    if trigger == "declare":
        return {f.name: f for f in definition.declaration_fields}
    for transition in definition.transitions:
        if transition.trigger == trigger:
            return {f.name: f for f in transition.fields}
    return {}


def _person(item: dict, outcomes=OUTCOME_LABELS) -> str:
    parts = [item.get("name") or item.get("full_name") or ""]
    if item.get("organisation"):
        parts.append(pick(ORGANISATION_LABELS.get(item["organisation"]), item["organisation"]))
    if item.get("role"):
        parts.append(pick(TEAM_ROLE_LABELS.get(item["role"]), item["role"]))
    if item.get("outcome"):
        parts.append(pick(outcomes.get(item["outcome"]), item["outcome"]))
    return " — ".join(p for p in parts if p)


def display_value(
    value: Any, victims: dict[int, str] | None = None, key: str = "", outcomes=OUTCOME_LABELS
) -> tuple:
    """(kind, value) for the ``show_value`` macro: bool, datetime, date, list or text.
    ``outcomes``: how the case's kind names a victim's outcome (``outcome_labels``)."""
    if isinstance(value, bool):
        return ("bool", value)
    if key == "outcome" and isinstance(value, str):
        return ("text", pick(outcomes.get(value), value))
    if key == "victim_id" and victims and value in victims:
        return ("text", victims[value])
    if key == "commune_code" and isinstance(value, str):
        commune = db.session.get(Commune, value)
        return ("text", f"{commune.name} ({value})" if commune else value)
    if key in PAYLOAD_VALUE_LABELS and isinstance(value, str):
        return ("text", pick(PAYLOAD_VALUE_LABELS[key].get(value), value))
    if isinstance(value, str) and _ISO_DATETIME.fullmatch(value):
        return ("datetime", as_utc(datetime.fromisoformat(value.replace("Z", "+00:00"))))
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return ("date", date.fromisoformat(value))
    if isinstance(value, list):
        return ("list", [_person(v, outcomes) if isinstance(v, dict) else str(v) for v in value])
    if isinstance(value, dict):
        return ("list", [f"{k}: {v}" for k, v in value.items()])
    return ("text", "" if value is None else str(value))


def typed_value(
    spec: Field | None, value: Any, victims=None, key: str = "", outcomes=OUTCOME_LABELS
) -> tuple:
    """(kind, value) for the ``show_value`` macro, read by the field's declared kind: amounts
    as "108.675.000 đ", percentages as "41 %", counts with thousands dots, a choice or a code
    by its label, a record part by part. Values of keys no field declares (a declaration's
    payload) fall back to ``display_value``; a victim's outcome is named by ``outcomes`` (the
    case's kind's, ``outcome_labels``)."""
    if spec is None or value is None or isinstance(value, bool):
        return display_value(value, victims, key, outcomes)
    kind = spec.kind
    if kind == "money" and isinstance(value, int | float):
        return ("text", format_vnd(value))
    if kind == "percent" and isinstance(value, int | float):
        return ("text", format_percent(value))
    if kind in ("int", "count") and isinstance(value, int | float):
        return ("text", format_number(value))
    if kind == "text" and spec.choices and isinstance(value, str):
        return ("text", str(CHOICE_LABELS.get(value, value)))
    if kind == "code" and spec.code_list and isinstance(value, str):
        return ("text", f"{value} — {codes.label(spec.code_list, value)}")
    if kind == "record" and isinstance(value, dict):
        parts = {p.name: p for p in spec.parts}
        items = []
        for name, part_value in value.items():
            if part_value in (None, "", []):
                continue
            part = parts.get(name)
            shown = typed_value(part, part_value, victims, name, outcomes)
            text = ", ".join(shown[1]) if shown[0] == "list" else _plain(shown)
            items.append(f"{wf_label(part) if part else name}: {text}")
        return ("list", items)
    return display_value(value, victims, key, outcomes)


def _plain(shown: tuple) -> str:
    kind, value = shown
    if kind == "bool":
        return _("Có") if value else _("Không")
    if kind == "datetime":
        return format_datetime(value)
    if kind == "date":
        return format_date(value)
    return str(value)


def event_view(
    definition,
    event,
    user,
    victims: dict[int, str],
    people: dict[str, str] | None = None,
    outcomes=OUTCOME_LABELS,
) -> EventView:
    payload = event_payload_view(user, definition.kind, event)
    labels = _field_labels(definition, event.trigger)
    fields = _fields_of(definition, event.trigger)
    role = ROLE_LABELS.get(event.role, SYSTEM_ROLE if event.role == "system" else None)
    return EventView(
        seq=event.seq,
        at=event.at,
        actor=(people or {}).get(event.actor, event.actor),
        role=pick(role, event.role),
        trigger=event.trigger,
        label=trigger_label(definition, event.trigger),
        from_label=state_label(definition.kind, event.from_state, user),
        to_label=state_label(definition.kind, event.to_state, user),
        details=[
            (
                labels.get(key, key),
                *_event_value(definition, event, fields, key, value, victims, outcomes),
            )
            for key, value in (payload or {}).items()
            if value not in (None, "", []) and (event.trigger, key) not in HIDDEN_EVENT_KEYS
        ],
    )


# Keys of non-transition events that mean nothing to a reader (row ids).
HIDDEN_EVENT_KEYS = frozenset({("issue_paper", "paper_id"), ("store_paper", "paper_id")})


def _event_value(definition, event, fields, key: str, value, victims, outcomes) -> tuple:
    """(kind, value) of one payload entry; a paper's cause by the step's label."""
    if event.trigger == "issue_paper" and key == "cause" and isinstance(value, str):
        return ("text", paper_cause_label(definition, value))
    if key == "category" and isinstance(value, str) and value in DOSSIER_CATEGORIES:
        # A dossier item marked (or unmarked) not applicable, by the paper's name.
        return ("text", DOSSIER_CATEGORIES[value])
    return typed_value(fields.get(key), value, victims, key, outcomes)


# -- the workflow diagram --------------------------------------------------------------------


def workflow_diagram(kind: str, current: str | None, user) -> str:
    """The Mermaid text of ``kind``'s workflow with ``current`` highlighted (none when empty),
    as ``user`` may see it (``diagram``: public state labels for roles without medical access).

    :raises NotFound: for an unknown kind or a state that is not one of its states.
    """
    try:
        return diagram(get_workflow(kind), current or None, user)
    except KeyError:
        raise NotFound(N_("Không tìm thấy quy trình này.")) from None


# -- the diagram's text alternative ---------------------------------------------------------


@dataclass
class StepView:
    name: str
    label: str
    current: bool
    terminal: bool
    exits: list[tuple[str, str]]


def steps(definition, current: str, user=None) -> list[StepView]:
    result = []
    for state in definition.states:
        exits = []
        for transition in definition.transitions:
            if state.name in transition.sources:
                dest = state_label(definition.kind, transition.dest_from(state.name), user)
                item = (wf_label(transition), dest)
                if item not in exits:
                    exits.append(item)
        label = state_label(definition.kind, state.name, user)
        result.append(StepView(state.name, label, state.name == current, state.terminal, exits))
    return result


def diagram(definition, current: str, user) -> str:
    """The case page's Mermaid diagram in the reader's language: states and arrows by their
    labels, a state whose label tells medical detail by its public label for a role without
    medical access."""
    labels = {state.name: wf_label(state) for state in definition.states}
    if not sees_medical(user):
        labels.update({k: pick(v) for k, v in public_state_labels(definition.kind).items()})
    arrows = {t.trigger: wf_label(t) for t in definition.transitions}
    return mermaid(definition, current=current, labels=labels, edge_labels=arrows)


# -- the case page --------------------------------------------------------------------------


@dataclass
class ActionView:
    trigger: str
    label: str
    form: ActionForm | None
    open: bool = False
    # An action taken on a page of its own (completing a quick notice): a link, no form.
    url: str | None = None


def blank_action_form(case, trigger: str) -> ActionForm:
    form_class = action_form(get_workflow(case.kind), trigger, case.state)
    form = form_class(formdata=None, prefix=trigger, version=str(case.version))
    form.set_victims(case.victims)
    return form


def _actions(case, offered: list[str], failed: ActionForm | None, failed_trigger: str | None):
    definition = get_workflow(case.kind)
    views = []
    spec = notice_spec(case.kind)
    for trigger in offered:
        if trigger in DOSSIER_TRIGGERS:  # a small form beside each checklist item instead
            continue
        if spec is not None and trigger == spec.completed_by:
            url = url_for("cases.complete", case_id=case.id)
            views.append(ActionView(trigger, trigger_label(definition, trigger), None, url=url))
        elif trigger == failed_trigger and failed is not None:
            views.append(ActionView(trigger, trigger_label(definition, trigger), failed, True))
        else:
            form = blank_action_form(case, trigger)
            views.append(ActionView(trigger, trigger_label(definition, trigger), form))
    return views


def _counts_text(counts: dict[str, int]) -> str:
    """ "1 người chết, 2 người bị thương nặng, 0 người bị thương nhẹ"."""
    return _(
        "%(deaths)s người chết, %(serious)s người bị thương nặng, %(light)s người bị thương nhẹ",
        deaths=format_number(counts.get("death", 0)),
        serious=format_number(counts.get("serious", 0)),
        light=format_number(counts.get("light", 0)),
    )


def _by_outcome(outcomes) -> dict[str, int]:
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def notice_view(case) -> dict[str, Any] | None:
    """What a case's quick notice said, for its page (None: it was declared in one step):
    ``given_at``, ``reporter_name``, ``contact_phone``, ``counts_text`` (the notice's counts),
    ``declared_text`` (the victims declared, once completed), ``pending`` (not completed yet),
    ``completed_at``, ``counts_differ`` and ``due_at`` (the completion deadline)."""
    spec = notice_spec(case.kind)
    notice = (case.data or {}).get("notice")
    if spec is None or not notice:
        return None
    due = next((d for d in case.deadlines if d.name == "declaration"), None)
    return {
        "given_at": case.declared_at,
        "reporter_name": notice.get("reporter_name", ""),
        "contact_phone": notice.get("contact_phone", ""),
        "counts_text": _counts_text(_by_outcome(spec.outcomes(notice))),
        "declared_text": _counts_text(_by_outcome(v.outcome for v in case.victims)),
        "pending": awaits_completion(case),
        "completed_at": notice.get("completed_at"),
        "counts_differ": bool(notice.get("counts_differ")),
        "due_at": due.due_at if due is not None and due.met_at is None else None,
    }


def case_page(case, user, failed: ActionForm | None = None, failed_trigger: str | None = None):
    """Everything the case page shows, as ``app.services.privacy`` lets ``user`` see it; logs
    the read when medical fields are on it."""
    definition = get_workflow(case.kind)
    medical = read_medical(user, case, "victims,data")
    worker = claim_victim(case)
    names = {v.id: v.full_name for v in case.victims}
    if worker is not None:
        names[worker.id] = worker.full_name
    events = case_service.case_events(user, case.id)
    people = people_named(e.actor for e in events)
    offered, waiting = case_actions(case, user)
    return {
        "case": case,
        "definition": definition,
        "medical": medical,
        "data": data_view(user, case),
        "victims": [victim_json(v, user, medical) for v in case.victims],
        "claim_victim": victim_json(worker, user, medical) if worker else None,
        # A monthly allowance's amount this month, re-based on this month's base salary.
        "monthly_due": monthly_due(case, medical=medical) if medical else None,
        "parent_visible": case.parent is not None and can_see(user, case.parent),
        "links": case_service.linked_cases(user, case),
        "may_declare_casualty": case.kind == "incident" and may_name_incident(user, case),
        "notice": notice_view(case),
        "victim_names": names,
        "deadlines": [deadline_view(definition, row) for row in case.deadlines],
        "timeline": [
            event_view(definition, e, user, names, people, outcome_labels(case)) for e in events
        ],
        "steps": steps(definition, case.state, user),
        "actions": _actions(case, offered, failed, failed_trigger),
        # Steps of the user's that wait on something else first (an accident's closing on
        # its open claims): named with what they wait on, not hidden without a word.
        "waiting": [
            (trigger_label(definition, trigger), [localize(m) for m in reasons])
            for trigger, reasons in waiting
        ],
        # A refused form of the dossier checklist goes back beside its item (cases/_documents).
        "failed_dossier": (
            {"trigger": failed_trigger, "form": failed}
            if failed is not None and failed_trigger in DOSSIER_TRIGGERS
            else None
        ),
        "display_value": display_value,
        "choice_labels": CHOICE_LABELS,
    }
