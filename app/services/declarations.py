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
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select

from app.clock import VN_TZ, now
from app.errors import PermissionDenied, ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import Case, Commune, Victim
from app.services import codes
from app.services.unit_of_work import unit_of_work
from app.services.visibility import can_see
from app.services.workflow_engine import NewCase, create_case
from workflows import REGISTRY, get_workflow
from workflows.declaration import Message
from workflows.fields import parse_declaration
from workflows.law.reporting import age_on

# The kinds a user may declare (a claim is opened by its parent case, never declared), and the
# kind of a body that names none.
DECLARABLE_KINDS = tuple(kind for kind, d in REGISTRY.items() if d.declaration is not None)
DEFAULT_KIND = "accident"


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
    try:
        _checked(user, body)
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
    new = NewCase(
        kind=kind,
        enterprise_id=user.enterprise_id if user.role == "enterprise" else None,
        commune_code=clean["commune_code"],
        declared_by_id=user.id,
        occurred_at=clean["occurred_at"],
        location=clean.get("location", ""),
        description=clean.get("description", ""),
        labour_relation=clean["labour_relation"],
        data={"declared_by_role": user.role, **data},
        victims=victims,
        event_payload=payload,
        linked_incident_id=incident.id if incident is not None else None,
    )
    return _create(new, user, ip)
