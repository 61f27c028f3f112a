"""Declaring cases (khai báo): checking a declaration against the database and creating it.

What a declaration of each kind takes, who may make it and the labour relation each declarer
implies are the kind's ``DeclarationSpec`` (``definition.declaration``, ``workflows/
declaration.py``), and ``workflows.fields.parse_declaration`` is its one parser: the messages
and field paths (``victims.0.national_id``) of a 422 come from there. This module adds what
needs the database: the commune looked up (an enterprise's own by default; a commune declares
only in its own), the serious technical incident an accident's victims were hurt in
(``incident_code``: the casualties of an incident are declared as accident cases linked to it),
and the case created through the engine with its victims. Invalid input raises
``ValidationFailed`` and creates nothing.

A kind with a quick notice (``DeclarationSpec.notice``: the accident) may be declared in two
steps: ``give_notice`` opens the case in the notice's state from a few facts (when, where, how
many dead and injured, who calls), which starts the legal clock and the immediate notices at
once; ``complete_declaration`` later takes the full declaration, checked exactly as
``declare`` checks one, writes its victims and fires the notice's completing trigger, all in one
transaction.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select

from app.clock import VN_TZ, now
from app.errors import NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import Case, Commune, Victim
from app.services import case_store, codes, search
from app.services.unit_of_work import unit_of_work
from app.services.visibility import can_see
from app.services.workflow_engine import (
    NewCase,
    available_actions,
    check_fireable,
    create_case,
    fire_transition,
    refuse_unless_offered,
)
from workflows import REGISTRY, get_workflow
from workflows.declaration import Message, NoticeSpec
from workflows.fields import parse_declaration, parse_notice
from workflows.law.reporting import age_on

# The kinds a user may declare (a claim is opened by its parent case, never declared), and the
# kind of a body that names none.
DECLARABLE_KINDS = tuple(kind for kind, d in REGISTRY.items() if d.declaration is not None)
DEFAULT_KIND = "accident"
# The kinds that may be declared in two steps, a quick notice first (DeclarationSpec.notice).
NOTICE_KINDS = tuple(k for k in DECLARABLE_KINDS if REGISTRY[k].declaration.notice is not None)
# The triggers that complete a quick notice (their payload is a full declaration).
COMPLETION_TRIGGERS = frozenset(REGISTRY[k].declaration.notice.completed_by for k in NOTICE_KINDS)
# The notice's inputs that are the case's own columns; the others are kept in
# ``case.data["notice"]`` (the counts, who called and their phone).
NOTICE_COLUMNS = ("occurred_at", "commune_code", "location", "description")
GIVE_NOTICE = "give_notice"


def notice_spec(kind: str) -> NoticeSpec | None:
    """The quick notice of ``kind``, or None (an unknown kind, or one without a notice)."""
    definition = REGISTRY.get(kind)
    if definition is None or definition.declaration is None:
        return None
    return definition.declaration.notice


def may_give_notice(user, kind: str = DEFAULT_KIND) -> bool:
    """Whether ``user`` may give a quick notice of ``kind``: a kind with one, that the user's
    role may declare."""
    return notice_spec(kind) is not None and may_declare(user, kind)


def awaits_completion(case) -> bool:
    """Whether ``case`` is a quick notice not completed yet (in its notice's state)."""
    spec = notice_spec(case.kind)
    return spec is not None and case.state == spec.state


def may_complete(user, case) -> bool:
    """Whether ``user`` is offered completing ``case``'s quick notice now (the trigger is among
    their actions: the role, the declarer's own side)."""
    spec = notice_spec(case.kind)
    return awaits_completion(case) and spec.completed_by in available_actions(case, user)


class Errors(dict):
    def add(self, path: str, message: str) -> None:
        self.setdefault(path, []).append(message)


def _marked(problems: dict[str, list[str]]) -> Errors:
    """The parser's messages marked for translation, parameters kept (``app.i18n.N_``)."""
    errors = Errors()
    for path, messages in problems.items():
        for message in messages:
            params = message.params if isinstance(message, Message) else {}
            errors.add(path, N_(getattr(message, "msgid", message), **params))
    return errors


def may_declare(user, kind: str) -> bool:
    """Whether ``user``'s role may declare cases of ``kind`` (its workflow's declarers)."""
    definition = REGISTRY.get(kind)
    if user is None or definition is None or definition.declaration is None:
        return False
    return definition.declaration.may_declare(user.role)


def may_name_incident(user, incident: Case) -> bool:
    """Whether ``user`` may declare accidents as casualties of ``incident``: a case they can
    see, of their own enterprise when they declare for one (a commune declares accidents with
    no enterprise and keeps to the incidents it sees, those in its commune)."""
    if not may_declare(user, "accident") or not can_see(user, incident):
        return False
    return user.role != "enterprise" or incident.enterprise_id == user.enterprise_id


def _commune_code(user, value: Any, errors: Errors) -> str | None:
    """The commune where it happened; an enterprise's own commune when it sends none."""
    if value is None and user.role == "enterprise" and user.enterprise:
        return user.enterprise.commune_code
    if not isinstance(value, str) or db.session.get(Commune, value) is None:
        errors.add("commune_code", N_("Mã xã/phường không có trong danh mục."))
        return None
    if user.role == "commune" and value != user.commune_code:
        errors.add("commune_code", N_("UBND xã chỉ khai báo tai nạn xảy ra trên địa bàn của mình."))
    return value


def _linked_incident(user, code: str | None, errors: Errors) -> Case | None:
    """The serious technical incident named by the optional ``incident_code``, or None.

    It must be a case the declarer can see (``can_see``), of kind ``incident`` and of the
    accident's own enterprise (an accident without one, declared by a commune, keeps to the
    incidents in that commune, which is what the commune sees). A code the declarer may not
    see, or another enterprise's incident, gets the same answer as an unknown code, so its
    existence does not leak.
    """
    if code is None:
        return None
    incident = db.session.scalar(select(Case).where(Case.code == code))
    if incident is None or not may_name_incident(user, incident):
        errors.add("incident_code", N_("Không tìm thấy vụ việc mã %(code)s.", code=code))
        return None
    if incident.kind != "incident":
        errors.add(
            "incident_code",
            N_(
                "Vụ việc %(code)s không phải là sự cố kỹ thuật gây mất an toàn, vệ sinh lao động"
                " nghiêm trọng.",
                code=code,
            ),
        )
        return None
    return incident


def _create(new: NewCase, user, ip: str | None) -> Case:
    with unit_of_work():
        return create_case(new, user, province=current_app.config["SAFECASE_PROVINCE"], ip=ip)


def _victim(clean: dict, occurred) -> Victim:
    wage = clean.get("monthly_wage_vnd")
    si_number = clean.get("si_number")
    return Victim(
        full_name=clean["full_name"],
        birth_date=clean["birth_date"],
        age_at_accident=(
            age_on(clean["birth_date"], occurred.astimezone(VN_TZ).date()) if occurred else None
        ),
        gender=clean["gender"],
        national_id=clean["national_id"],
        occupation=clean.get("occupation", ""),
        occupation_code=clean.get("occupation_code"),
        outcome=clean["outcome"],
        died_at=occurred if clean["outcome"] == "death" else None,
        monthly_wage_vnd=wage,
        insured_wage_vnd=clean.get("insured_wage_vnd") or wage,
        si_number=si_number,
        si_years=clean.get("si_years") if si_number else None,
        injury_description=clean.get("injury_description", ""),
    )


def _named(victims: list[Victim]) -> list[dict]:
    return [{"full_name": v.full_name, "outcome": v.outcome} for v in victims]


# -- what each kind keeps: its own data and the payload of its ``declare`` event --------------
# (the case's columns are the same for every kind; see ``declare``)


def _accident(clean: dict, victims: list[Victim], incident: Case | None) -> tuple[dict, dict]:
    link = {"incident_code": incident.code} if incident is not None else {}
    # At work or commuting, and whether someone else caused it: the victims' claims copy these
    # to compute what the employer owes (Law 84/2015 Art. 38-39).
    data = {"accident_type": clean["accident_type"], "third_party": clean["third_party"]}
    payload = {
        "occurred_at": clean["occurred_at"].isoformat(),
        "commune_code": clean["commune_code"],
        "location": clean["location"],
        "labour_relation": clean["labour_relation"],
        **data,
        "victims": _named(victims),
        **link,
    }
    return data, payload


def _disease(clean: dict, victims: list[Victim], incident: Case | None) -> tuple[dict, dict]:
    data = {
        "disease": clean["disease"],
        "diagnosed_on": clean["diagnosed_on"].isoformat(),
        "exposure": clean["exposure"],
        "facility": clean["facility"],
    }
    if clean.get("disease_code"):
        data["disease_code"] = clean["disease_code"]
    return data, {**data, "commune_code": clean["commune_code"], "victims": _named(victims)}


def _incident(clean: dict, victims: list[Victim], incident: Case | None) -> tuple[dict, dict]:
    casualties = clean.get("casualties")
    data = {
        "equipment": clean["equipment"],
        "failure": clean["failure"],
        "damage": clean["damage"],
        "casualties": casualties if casualties is not None else 0,
    }
    payload = {
        "occurred_at": clean["occurred_at"].isoformat(),
        "commune_code": clean["commune_code"],
        "location": clean["location"],
        **data,
    }
    return data, payload


RECORDS = {"accident": _accident, "disease": _disease, "incident": _incident}


def _checked(user, body: dict[str, Any]) -> tuple[str, dict, Case | None]:
    """``body`` parsed and checked against the database: ``(kind, clean, linked incident)``.

    :raises PermissionDenied: the role may not declare this kind.
    :raises ValidationFailed: every error of the body at once (nothing is written).
    """
    kind = body.get("kind", DEFAULT_KIND)
    if not isinstance(kind, str) or kind not in DECLARABLE_KINDS:
        raise ValidationFailed(
            {"kind": [N_("Loại vụ việc phải là accident, disease hoặc incident.")]}
        )
    if not may_declare(user, kind):
        raise PermissionDenied(N_("Vai trò của bạn không được khai báo loại vụ việc này."))
    clean, problems = parse_declaration(
        get_workflow(kind), body, role=user.role, now=now(), code_exists=codes.exists
    )
    errors = _marked(problems)
    if "commune_code" not in errors:
        clean["commune_code"] = _commune_code(user, clean.get("commune_code"), errors)
    incident = _linked_incident(user, clean.get("incident_code"), errors)
    if errors:
        raise ValidationFailed(dict(errors))
    return kind, clean, incident


def declaration_errors(user, body: dict[str, Any]) -> dict[str, list[str]]:
    """Every error ``declare`` would refuse ``body`` with (``ValidationFailed.errors``; empty:
    none), creating nothing: a web form that refused some inputs itself asks this for the
    rest, so a declaration shows all its errors in one round.

    :raises PermissionDenied: the role may not declare this kind.
    """
    return _errors_of(_checked, user, body)


def _errors_of(check, user, body: dict[str, Any]) -> dict[str, list[str]]:
    """The errors ``check(user, body)`` refuses with (empty: none)."""
    try:
        check(user, body)
    except ValidationFailed as refused:
        return dict(refused.errors)
    return {}


def declare(user, body: dict[str, Any], *, ip: str | None = None) -> Case:
    """Validate and create a case of ``body["kind"]`` (default accident); one transaction.

    The body is parsed by ``workflows.fields.parse_declaration`` against the kind's
    ``DeclarationSpec`` (see ``app/api/openapi.py`` for each kind's body). An accident's
    optional ``incident_code`` links it to the serious technical incident its victims were hurt
    in (``Case.linked_incident_id``; the code goes into the ``declare`` event's payload). Its
    ``accident_type`` (``at_work`` by default, or ``commuting``) and ``third_party`` (default
    false) go into ``Case.data`` and the event's payload.

    :raises PermissionDenied: the role may not declare this kind.
    :raises ValidationFailed: unknown kind or invalid declaration, including an
        ``incident_code`` that is not an incident of the declarer's own (nothing is created).
    """
    kind, clean, incident = _checked(user, body)
    victims = [_victim(v, clean["occurred_at"]) for v in clean.get("victims", ())]
    data, payload = RECORDS[kind](clean, victims, incident)
    new = _declared_case(
        user,
        kind,
        clean,
        data,
        victims=victims,
        event_payload=payload,
        linked_incident_id=incident.id if incident is not None else None,
    )
    return _create(new, user, ip)


def _declared_case(user, kind: str, clean: dict, data: dict, **rest) -> NewCase:
    """The case ``user`` opens from a checked declaration or notice ``clean``: who declared it
    (its enterprise, or none for a commune), when, where and the account, and ``data`` beside
    the declarer's role; ``rest`` are the other ``NewCase`` fields."""
    return NewCase(
        kind=kind,
        enterprise_id=user.enterprise_id if user.role == "enterprise" else None,
        commune_code=clean["commune_code"],
        declared_by_id=user.id,
        occurred_at=clean["occurred_at"],
        location=clean.get("location", ""),
        description=clean.get("description", ""),
        labour_relation=clean["labour_relation"],
        data={"declared_by_role": user.role, **data},
        **rest,
    )


# -- the quick notice and its completion ---------------------------------------------------------


def _checked_notice(user, body: dict[str, Any]) -> tuple[str, dict]:
    """A quick notice parsed and checked against the database: ``(kind, clean)``.

    :raises PermissionDenied: the role may not declare this kind.
    :raises ValidationFailed: every error of the notice at once (nothing is written).
    """
    kind = body.get("kind", DEFAULT_KIND) if isinstance(body, dict) else DEFAULT_KIND
    if not isinstance(kind, str) or kind not in NOTICE_KINDS:
        kinds = ", ".join(NOTICE_KINDS)
        raise ValidationFailed(
            {"kind": [N_("Loại vụ việc được báo tin nhanh: %(kinds)s.", kinds=kinds)]}
        )
    if not may_declare(user, kind):
        raise PermissionDenied(N_("Vai trò của bạn không được khai báo loại vụ việc này."))
    clean, problems = parse_notice(get_workflow(kind), body, role=user.role, now=now())
    errors = _marked(problems)
    if "commune_code" not in errors and "payload" not in errors:
        clean["commune_code"] = _commune_code(user, clean.get("commune_code"), errors)
    if errors:
        raise ValidationFailed(dict(errors))
    return kind, clean


def notice_errors(user, body: dict[str, Any]) -> dict[str, list[str]]:
    """Every error ``give_notice`` would refuse ``body`` with (empty: none), creating nothing;
    the web form asks it for the inputs it did not refuse itself.

    :raises PermissionDenied: the role may not declare this kind.
    """
    return _errors_of(_checked_notice, user, body)


def give_notice(user, body: dict[str, Any], *, ip: str | None = None) -> Case:
    """Open a case from a quick notice (báo tin nhanh) of ``body["kind"]`` (default accident);
    one transaction.

    ``body``: ``occurred_at`` (ISO 8601 with offset, not in the future), ``commune_code``,
    ``location``, ``description`` (a short account), the counts ``deaths``,
    ``seriously_injured`` and ``lightly_injured`` (whole numbers from 0, not all 0; one not
    sent is 0), ``reporter_name`` and ``contact_phone`` (8-15 digits). The case starts in the
    notice's state (``notified``), classified from the counts (severity, investigation level,
    the investigation limit from now, the 2-hour scene visit for a death or 2+ seriously
    injured), with the deadline ``declaration`` for its completion; the counts, the reporter and
    the phone are kept in ``case.data["notice"]``. The event is ``give_notice``; the
    declaration notices (immediate ones included, Law 84/2015 Art. 34) are written to the
    outbox and sent after commit, and the declarer's task "Hoàn thiện khai báo" opens.

    :raises PermissionDenied: the role may not declare this kind.
    :raises ValidationFailed: unknown kind or invalid notice (nothing is created).
    """
    kind, clean = _checked_notice(user, body)
    spec = notice_spec(kind)
    notice = {i.name: clean[i.name] for i in spec.inputs if i.name not in NOTICE_COLUMNS}
    new = _declared_case(
        user,
        kind,
        clean,
        {"notice": notice},
        event_payload={
            "occurred_at": clean["occurred_at"].isoformat(),
            "commune_code": clean["commune_code"],
            "location": clean.get("location", ""),
            **notice,
        },
        state=spec.state,
        trigger=GIVE_NOTICE,
    )
    return _create(new, user, ip)


def complete_declaration(
    user, case_id: int, trigger: str, body: dict[str, Any], *, ip: str | None = None
) -> Case:
    """Complete the quick notice ``case_id`` into its full declaration; one transaction.

    ``body`` is ``{"version": N, …}`` with the full declaration, as ``POST /cases`` takes it
    (its ``kind`` is the case's). It is checked exactly as ``declare`` checks one (every error
    at once); then the victims are written, the case's time, place, account and the kind's own
    data replaced by the declaration's, and ``trigger`` (the notice's ``completed_by``) fired
    through the engine: the case moves to ``declared``, is classified again from the victims
    (the limit still counted from the notice) and the event records the declaration. Victims
    counted differently from the notice are accepted: the notice was given in haste, the
    declaration is the legal record; ``case.data["notice"]["counts_differ"]`` says so. The
    engine's notices (the inspectorate told the declaration is complete; the immediate notice
    when the declaration needs one the notice did not) are sent after commit.

    :raises NotFound: no such case, not visible, or no such trigger for its kind.
    :raises PermissionDenied: the role may not complete it.
    :raises StaleVersion: ``version`` is not the case's current version.
    :raises TransitionNotAllowed: the case is not a quick notice awaiting completion, or the
        user's side did not give it.
    :raises ValidationFailed: no ``version``, or an invalid declaration (nothing changes).
    """
    raw = body if isinstance(body, dict) else {}
    with unit_of_work():
        record = case_store.load_case(case_id, lock=True)
        check_fireable(record, trigger, user, raw)
        spec = notice_spec(record.kind)
        if spec is None or spec.completed_by != trigger:
            raise NotFound(
                N_("Không có thao tác '%(trigger)s' cho loại vụ việc này.", trigger=trigger)
            )
        refuse_unless_offered(record, trigger, user)
        declaration = {k: v for k, v in raw.items() if k != "version"}
        kind, clean, incident = _checked(user, {**declaration, "kind": record.kind})
        # Read again under the lock: the caller may have loaded it before.
        case = db.session.get(Case, case_id, populate_existing=True)
        victims = [_victim(v, clean["occurred_at"]) for v in clean.get("victims", ())]
        data, payload = RECORDS[kind](clean, victims, incident)
        case.occurred_at = clean["occurred_at"]
        case.commune_code = clean["commune_code"]
        case.location = clean.get("location", "")
        case.description = clean.get("description", "")
        case.linked_incident_id = incident.id if incident is not None else None
        case.data = {**(case.data or {}), **data}
        case.victims.extend(victims)
        db.session.flush()
        search.refresh([case_id])
        fire_transition(
            case_id, trigger, user, {"version": raw["version"]}, ip=ip, event_payload=payload
        )
    return db.session.get(Case, case_id)
