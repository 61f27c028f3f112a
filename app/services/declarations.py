"""Declaring cases (khai báo): validating a declaration and handing it to the engine.

An ``enterprise`` user declares for its own enterprise (a worker with a labour relation);
a ``commune`` user declares for its own commune with ``labour_relation`` false (Law
84/2015 Art. 34(1)(b),(d)). Enterprises also declare occupational diseases (after an
occupational-disease examination: the disease from the Ministry of Health list, diagnosis
date, exposure, examining facility and the workers concerned) and serious technical
incidents (equipment, what failed, damage, casualties). The kind's own fields are parsed
against its workflow's ``declaration_fields`` and stored in ``case.data`` under the same
names. An accident may name the serious technical incident its victims were hurt in
(``incident_code``): the casualties of an incident are declared as accident cases linked to
it. Invalid input raises ``ValidationFailed`` with field paths such as
``victims.0.national_id`` and creates nothing.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from flask import current_app
from sqlalchemy import select

from app.clock import VN_TZ, now
from app.errors import PermissionDenied, ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import Case, Commune, Victim
from app.services.unit_of_work import unit_of_work
from app.services.visibility import can_see
from app.services.workflow_engine import NewCase, create_case
from workflows import get_workflow
from workflows.base import Field
from workflows.fields import parse_payload
from workflows.law.classification import OUTCOMES

NATIONAL_ID_RE = re.compile(r"^\d{12}$")
SI_NUMBER_RE = re.compile(r"^\d{10}$")
GENDERS = ("male", "female", "other")
MIN_WORKING_AGE = 15  # Labour Code 2019 Art. 143; Decree 143/2024 for voluntary insurance
DECLARABLE = {"enterprise": ("accident", "disease", "incident"), "commune": ("accident",)}


class Errors(dict):
    def add(self, path: str, message: str) -> None:
        self.setdefault(path, []).append(message)


def _text(body: dict, key: str, errors: Errors, *, required: bool = True, limit: int = 2000) -> str:
    value = body.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.add(key, N_("Bắt buộc nhập."))
        return ""
    if not isinstance(value, str):
        errors.add(key, N_("Phải là văn bản."))
        return ""
    if len(value) > limit:
        errors.add(key, N_("Tối đa %(n)s ký tự.", n=limit))
    return value.strip()


def _datetime(value: Any, path: str, errors: Errors) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        errors.add(path, N_("Bắt buộc nhập ngày giờ (ISO 8601 có múi giờ)."))
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        errors.add(path, N_("Ngày giờ không hợp lệ (ISO 8601 có múi giờ)."))
        return None
    if parsed.tzinfo is None:
        errors.add(path, N_("Ngày giờ phải có múi giờ, ví dụ +07:00."))
        return None
    return parsed


def _date(value: Any, path: str, errors: Errors) -> date | None:
    if not isinstance(value, str) or not value.strip():
        errors.add(path, N_("Bắt buộc nhập ngày (YYYY-MM-DD)."))
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        errors.add(path, N_("Ngày không hợp lệ (YYYY-MM-DD)."))
        return None


def _money(value: Any, path: str, errors: Errors, *, required: bool) -> int | None:
    if value is None or value == "":
        if required:
            errors.add(path, N_("Bắt buộc nhập tiền lương (đồng)."))
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        errors.add(path, N_("Tiền lương phải là số nguyên đồng lớn hơn 0."))
        return None
    return value


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def parse_victim(
    raw: Any, index: int, occurred: datetime | None, labour_relation: bool, errors: Errors
) -> Victim | None:
    path = f"victims.{index}"
    if not isinstance(raw, dict):
        errors.add(path, N_("Mỗi nạn nhân phải là một đối tượng."))
        return None
    before = sum(len(v) for v in errors.values())
    name = _text(raw, "full_name", Errors(), required=True, limit=200)
    if not name:
        errors.add(f"{path}.full_name", N_("Bắt buộc nhập họ tên."))
    birth = _date(raw.get("birth_date"), f"{path}.birth_date", errors)
    if birth and occurred:
        accident_day = occurred.date()
        if birth >= accident_day:
            errors.add(f"{path}.birth_date", N_("Ngày sinh phải trước ngày xảy ra tai nạn."))
        elif age_on(birth, accident_day) < MIN_WORKING_AGE:
            errors.add(
                f"{path}.birth_date",
                N_(
                    "Người lao động phải từ đủ %(age)s tuổi trở lên khi xảy ra tai nạn.",
                    age=MIN_WORKING_AGE,
                ),
            )
        elif age_on(birth, accident_day) > 100:
            errors.add(f"{path}.birth_date", N_("Ngày sinh không hợp lý."))
    gender = raw.get("gender")
    if gender not in GENDERS:
        errors.add(f"{path}.gender", N_("Giới tính phải là male, female hoặc other."))
    national_id = raw.get("national_id")
    if not isinstance(national_id, str) or not NATIONAL_ID_RE.match(national_id.strip()):
        errors.add(f"{path}.national_id", N_("Số CCCD phải gồm đúng 12 chữ số."))
    outcome = raw.get("outcome")
    if outcome not in OUTCOMES:
        errors.add(f"{path}.outcome", N_("Hậu quả phải là death, serious hoặc light."))
    wage = _money(
        raw.get("monthly_wage_vnd"), f"{path}.monthly_wage_vnd", errors, required=labour_relation
    )
    insured_wage = _money(
        raw.get("insured_wage_vnd"), f"{path}.insured_wage_vnd", errors, required=False
    )
    si_number = raw.get("si_number") or None
    if si_number is not None and (
        not isinstance(si_number, str) or not SI_NUMBER_RE.match(si_number)
    ):
        errors.add(f"{path}.si_number", N_("Mã số BHXH gồm 10 chữ số."))
    si_years = raw.get("si_years")
    if si_years is not None and (
        isinstance(si_years, bool) or not isinstance(si_years, int) or si_years < 0 or si_years > 60
    ):
        errors.add(f"{path}.si_years", N_("Số năm đóng BHXH phải là số nguyên từ 0 đến 60."))
    occupation = raw.get("occupation") or ""
    injury = raw.get("injury_description") or ""
    if not isinstance(occupation, str) or not isinstance(injury, str):
        errors.add(path, N_("Nghề nghiệp và mô tả thương tích phải là văn bản."))
    if sum(len(v) for v in errors.values()) > before:
        return None
    return Victim(
        full_name=name,
        birth_date=birth,
        gender=gender,
        national_id=national_id.strip(),
        occupation=occupation.strip(),
        outcome=outcome,
        died_at=occurred if outcome == "death" else None,
        monthly_wage_vnd=wage,
        insured_wage_vnd=insured_wage or wage,
        si_number=si_number,
        si_years=si_years if si_number else None,
        injury_description=injury.strip(),
    )


def _occurred_at(body: dict, errors: Errors) -> datetime | None:
    occurred = _datetime(body.get("occurred_at"), "occurred_at", errors)
    if occurred and occurred > now():
        errors.add("occurred_at", N_("Thời điểm xảy ra không được ở tương lai."))
    return occurred


def _commune_code(user, body: dict, errors: Errors) -> str | None:
    """The commune where it happened; an enterprise's own commune when it sends none."""
    commune_code = body.get("commune_code")
    if commune_code in (None, "") and user.role == "enterprise" and user.enterprise:
        return user.enterprise.commune_code
    if not isinstance(commune_code, str) or db.session.get(Commune, commune_code) is None:
        errors.add("commune_code", N_("Mã xã/phường không có trong danh mục."))
        return None
    if user.role == "commune" and commune_code != user.commune_code:
        errors.add("commune_code", N_("UBND xã chỉ khai báo tai nạn xảy ra trên địa bàn của mình."))
    return commune_code


def _labour_relation(user, body: dict, errors: Errors) -> bool:
    relation = body.get("labour_relation", user.role == "enterprise")
    if not isinstance(relation, bool):
        errors.add("labour_relation", N_("Phải là true hoặc false."))
        return user.role == "enterprise"
    if user.role == "enterprise" and not relation:
        errors.add(
            "labour_relation",
            N_("Doanh nghiệp khai báo tai nạn của người lao động có quan hệ lao động."),
        )
    elif user.role == "commune" and relation:
        errors.add(
            "labour_relation",
            N_("UBND xã khai báo tai nạn của người lao động không có quan hệ lao động."),
        )
    return relation


def _victims(
    raw_victims: Any,
    occurred: datetime | None,
    relation: bool,
    errors: Errors,
    *,
    default_outcome: str | None = None,
) -> list[Victim]:
    victims: list[Victim] = []
    if not isinstance(raw_victims, list) or not raw_victims:
        errors.add("victims", N_("Cần ít nhất một nạn nhân."))
        return victims
    for index, raw in enumerate(raw_victims):
        if default_outcome and isinstance(raw, dict) and raw.get("outcome") in (None, ""):
            raw = {**raw, "outcome": default_outcome}
        victim = parse_victim(raw, index, occurred, relation, errors)
        if victim is not None:
            victims.append(victim)
    ids = [v.national_id for v in victims]
    if len(set(ids)) != len(ids):
        errors.add("victims", N_("Một người không thể được khai báo hai lần trong cùng vụ."))
    return victims


INCIDENT_CODE = (Field("incident_code", "case_code", required=False),)


# Who declares occupational accidents (Law 84/2015 Art. 34): employers, and commune officials
# for workers without a labour contract.
ACCIDENT_DECLARERS = ("enterprise", "commune")


def may_name_incident(user, incident: Case) -> bool:
    """Whether ``user`` may declare accidents as casualties of ``incident``: a case they can
    see, of their own enterprise when they declare for one (a commune declares accidents with
    no enterprise and keeps to the incidents it sees, those in its commune)."""
    if user.role not in ACCIDENT_DECLARERS or not can_see(user, incident):
        return False
    return user.role != "enterprise" or incident.enterprise_id == user.enterprise_id


def _linked_incident(user, body: dict, errors: Errors) -> Case | None:
    """The serious technical incident named by the optional ``incident_code``, or None.

    It must be a case the declarer can see (``can_see``), of kind ``incident`` and of the
    accident's own enterprise (an accident without one, declared by a commune, keeps to the
    incidents in that commune, which is what the commune sees). A code the declarer may not
    see, or another enterprise's incident, gets the same answer as an unknown code, so its
    existence does not leak.
    """
    clean, field_errors = parse_payload(INCIDENT_CODE, body)
    if field_errors:
        errors.add("incident_code", N_("Mã sự cố không hợp lệ (ví dụ HP-2026-I000123)."))
        return None
    code = clean.get("incident_code")
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


def declare_accident(user, body: dict[str, Any], *, ip: str | None = None) -> Case:
    """Validate and create an accident case for ``user``; one transaction.

    An optional ``incident_code`` links the accident to the serious technical incident its
    victims were hurt in (``Case.linked_incident_id``; the code goes into the ``declare``
    event's payload).

    :raises PermissionDenied: the user's role may not declare accidents.
    :raises ValidationFailed: any invalid field, including an ``incident_code`` that is not an
        incident of the declarer's own (nothing is created).
    """
    if user.role not in ACCIDENT_DECLARERS:
        raise PermissionDenied(
            N_("Chỉ doanh nghiệp và UBND cấp xã được khai báo tai nạn lao động.")
        )
    errors = Errors()
    occurred = _occurred_at(body, errors)
    if body.get("commune_code") in (None, ""):
        # An accident names its commune explicitly (the scene may be away from the seat).
        errors.add("commune_code", N_("Bắt buộc nhập mã xã/phường nơi xảy ra tai nạn."))
        commune_code = None
    else:
        commune_code = _commune_code(user, body, errors)
    location = _text(body, "location", errors, limit=300)
    description = _text(body, "description", errors, limit=5000)
    relation = _labour_relation(user, body, errors)
    victims = _victims(body.get("victims"), occurred, relation, errors)
    enterprise_id = user.enterprise_id if user.role == "enterprise" else None
    incident = _linked_incident(user, body, errors)
    if errors:
        raise ValidationFailed(dict(errors))
    link = {"incident_code": incident.code} if incident is not None else {}
    return _create(
        NewCase(
            kind="accident",
            enterprise_id=enterprise_id,
            commune_code=commune_code,
            declared_by_id=user.id,
            occurred_at=occurred,
            location=location,
            description=description,
            labour_relation=relation,
            data={"declared_by_role": user.role},
            victims=victims,
            event_payload={
                "occurred_at": occurred.isoformat(),
                "commune_code": commune_code,
                "location": location,
                "labour_relation": relation,
                "victims": [{"full_name": v.full_name, "outcome": v.outcome} for v in victims],
                **link,
            },
            linked_incident_id=incident.id if incident is not None else None,
        ),
        user,
        ip,
    )


# Longest text accepted for a kind's own declaration fields.
KIND_TEXT_LIMIT = 2000


def _kind_fields(kind: str, body: dict, errors: Errors, aliases: dict[str, str]) -> dict:
    """Parse ``body`` against the workflow's ``declaration_fields``; errors keep the path the
    caller used (an alias or the field's own name)."""
    fields = get_workflow(kind).declaration_fields
    raw = dict(body)
    for alias, name in aliases.items():
        if raw.get(name) in (None, "") and raw.get(alias) not in (None, ""):
            raw[name] = raw[alias]
    clean, field_errors = parse_payload(fields, raw)
    used = {name: alias for alias, name in aliases.items() if body.get(alias) not in (None, "")}
    for path, messages in field_errors.items():
        # A field missing under both names is reported under both, so either form finds it.
        missing = [a for a, n in aliases.items() if n == path and path not in used]
        for target in [used.get(path, path), *missing]:
            for message in messages:
                errors.add(target, message)
    for f in fields:
        if f.kind == "text" and len(clean.get(f.name) or "") > KIND_TEXT_LIMIT:
            errors.add(used.get(f.name, f.name), N_("Tối đa %(n)s ký tự.", n=KIND_TEXT_LIMIT))
    return clean


def _optional_code(body: dict, key: str, errors: Errors) -> str | None:
    value = body.get(key)
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value.strip()) > 20:
        errors.add(key, N_("Mã phải là văn bản, tối đa 20 ký tự."))
        return None
    return value.strip()


def declare_disease(user, body: dict[str, Any], *, ip: str | None = None) -> Case:
    """Validate and create an occupational-disease case for an ``enterprise`` user.

    Body: ``disease`` (name from the Ministry of Health list) and optional ``disease_code``,
    ``diagnosed_at`` (or ``diagnosed_on``: the diagnosis date), ``exposure``, ``facility``
    (the examining facility), the workers as ``victims`` (the victim shape; ``outcome`` may be
    left out: ``serious`` unless the worker died), optional ``commune_code`` (default: the
    enterprise's), ``location`` and ``description``. The case's ``occurred_at`` is the
    diagnosis day at Vietnam midnight, which the claims count from. One transaction.

    :raises PermissionDenied: not an enterprise user.
    :raises ValidationFailed: any invalid field (nothing is created).
    """
    if user.role != "enterprise":
        raise PermissionDenied(N_("Chỉ doanh nghiệp được khai báo bệnh nghề nghiệp."))
    errors = Errors()
    clean = _kind_fields("disease", body, errors, {"diagnosed_at": "diagnosed_on"})
    disease_code = _optional_code(body, "disease_code", errors)
    diagnosed: date | None = clean.get("diagnosed_on")
    date_path = "diagnosed_at" if body.get("diagnosed_at") not in (None, "") else "diagnosed_on"
    if diagnosed and diagnosed > now().astimezone(VN_TZ).date():
        errors.add(date_path, N_("Ngày chẩn đoán không được ở tương lai."))
    elif diagnosed and diagnosed.year < 1950:
        errors.add(date_path, N_("Ngày chẩn đoán không hợp lý."))
    occurred = datetime.combine(diagnosed, time(), tzinfo=VN_TZ) if diagnosed else None
    commune_code = _commune_code(user, body, errors)
    location = _text(body, "location", errors, required=False, limit=300)
    description = _text(body, "description", errors, required=False, limit=5000)
    raw_victims = body.get("victims", body.get("workers"))
    victims = _victims(raw_victims, occurred, True, errors, default_outcome="serious")
    if errors:
        raise ValidationFailed(dict(errors))
    data = {
        "declared_by_role": user.role,
        "disease": clean["disease"],
        "diagnosed_on": diagnosed.isoformat(),
        "exposure": clean["exposure"],
        "facility": clean["facility"],
    }
    if disease_code:
        data["disease_code"] = disease_code
    return _create(
        NewCase(
            kind="disease",
            enterprise_id=user.enterprise_id,
            commune_code=commune_code,
            declared_by_id=user.id,
            occurred_at=occurred,
            location=location,
            description=description,
            labour_relation=True,
            data=data,
            victims=victims,
            event_payload={
                **{k: v for k, v in data.items() if k != "declared_by_role"},
                "commune_code": commune_code,
                "victims": [{"full_name": v.full_name, "outcome": v.outcome} for v in victims],
            },
        ),
        user,
        ip,
    )


def declare_incident(user, body: dict[str, Any], *, ip: str | None = None) -> Case:
    """Validate and create a serious-technical-incident case for an ``enterprise`` user.

    Body: ``occurred_at``, ``location``, optional ``commune_code`` (default: the enterprise's)
    and ``description``, and the workflow's own fields ``equipment``, ``failure``, ``damage``
    and optional ``casualties`` (how many people were hurt; each is declared as a linked
    accident case). One transaction.

    :raises PermissionDenied: not an enterprise user.
    :raises ValidationFailed: any invalid field (nothing is created).
    """
    if user.role != "enterprise":
        raise PermissionDenied(N_("Chỉ doanh nghiệp được khai báo sự cố kỹ thuật."))
    errors = Errors()
    occurred = _occurred_at(body, errors)
    commune_code = _commune_code(user, body, errors)
    location = _text(body, "location", errors, limit=300)
    description = _text(body, "description", errors, required=False, limit=5000)
    clean = _kind_fields("incident", body, errors, {})
    casualties = clean.get("casualties")
    if casualties is not None and not 0 <= casualties <= 10_000:
        errors.add("casualties", N_("Số người bị nạn phải là số nguyên không âm."))
    if errors:
        raise ValidationFailed(dict(errors))
    data = {
        "declared_by_role": user.role,
        "equipment": clean["equipment"],
        "failure": clean["failure"],
        "damage": clean["damage"],
        "casualties": casualties if casualties is not None else 0,
    }
    return _create(
        NewCase(
            kind="incident",
            enterprise_id=user.enterprise_id,
            commune_code=commune_code,
            declared_by_id=user.id,
            occurred_at=occurred,
            location=location,
            description=description,
            labour_relation=None,
            data=data,
            event_payload={
                "occurred_at": occurred.isoformat(),
                "commune_code": commune_code,
                "location": location,
                **{k: v for k, v in data.items() if k != "declared_by_role"},
            },
        ),
        user,
        ip,
    )


DECLARERS = {"accident": declare_accident, "disease": declare_disease, "incident": declare_incident}


def declare(user, body: dict[str, Any], *, ip: str | None = None) -> Case:
    """Declare a case of ``body["kind"]`` (default accident); one transaction.

    :raises PermissionDenied: the role may not declare this kind.
    :raises ValidationFailed: unknown kind or invalid declaration (nothing is created).
    """
    kind = body.get("kind", "accident")
    if not isinstance(kind, str) or kind not in DECLARERS:
        raise ValidationFailed(
            {"kind": [N_("Loại vụ việc phải là accident, disease hoặc incident.")]}
        )
    if kind not in DECLARABLE.get(user.role, ()):
        raise PermissionDenied(N_("Vai trò của bạn không được khai báo loại vụ việc này."))
    return DECLARERS[kind](user, body, ip=ip)
