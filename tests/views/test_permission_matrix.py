"""The permission matrix, generated from ``workflows.REGISTRY``: what a role may NOT do, it can't.

For every kind and every reachable state, a fresh case is driven there through the real
engine (the table ``PATHS`` says how). Then, for every role × trigger that the definition
does not allow from that state (the role is in no transition of that trigger leaving the
state, or no transition leaves it), the API is called by a user of that role who can see
the case when the role can see it at all: ``POST /api/v1/cases/{id}/actions/{trigger}``
with the current version and a well-formed payload, so the role (or the state) is the
only reason to refuse. The answer must be 403, 404 (not visible), 409 or 422, and the
case's state, version and events must be unchanged. The case's ``actions`` never offer a
refused trigger either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest
from flask import current_app
from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.models import Case, CaseEvent, Victim
from app.services import users
from app.services.unit_of_work import unit_of_work
from app.services.visibility import can_see
from app.services.workflow_engine import NewCase, create_case
from tests.factories import act, head, make_accident, make_notice, make_user, waive_dossier
from workflows import REGISTRY
from workflows.base import USER_ROLES, Field, WorkflowDefinition

REFUSALS = {403, 404, 409, 422}

# -- well-formed payloads, generated from each trigger's declared fields ------------------------


def sample_value(f: Field, case: Case):
    now = clock.now()
    samples = {
        "text": f.choices[0] if f.choices else "Nội dung kiểm thử",
        "bool": True,
        "int": 5,
        "money": 500_000_000,
        "percent": 30,
        "date": now.date().isoformat(),
        "datetime": now.isoformat(),
        "list_text": ["Nội dung kiểm thử"],
        # A team (a members field with roles) or a meeting's attendees.
        "members": head()
        if f.members and f.members.roles
        else [
            {"name": "Trần Văn Công An", "organisation": "police"},
            {"name": "Lê Thị Kiểm Sát", "organisation": "procuracy"},
        ],
        "case_code": None,
        "count": 5,
        # A record (a report's figures): its required parts, each with its own sample.
        "record": {p.name: sample_value(p, case) for p in f.parts if p.required},
        "victim_id": case.victims[0].id if case.victims else 1,
        # Every item of the Art. 57 insurance dossier, so file_insurance's guard passes.
        "documents": [
            "si_book",
            "discharge_paper",
            "assessment_record",
            "request_form",
            "investigation_minutes",
        ],
    }
    return samples[f.kind]


def sample_payload(definition: WorkflowDefinition, trigger: str, case: Case, **overrides) -> dict:
    """Every required field of ``trigger`` with a valid value; ``overrides`` win."""
    first = next(t for t in definition.transitions if t.trigger == trigger)
    fields = definition.fields_for(trigger, case.state) or first.fields
    payload = {f.name: sample_value(f, case) for f in fields if f.required}
    payload.update(overrides)
    return payload


# -- the driver: how to bring a fresh case into each state --------------------------------------


@dataclass
class People:
    """One user per role; ``enterprise`` and ``commune`` are those of the case."""

    by_role: dict = field(default_factory=dict)

    def __getitem__(self, role: str):
        return self.by_role[role]


def _step(case: Case, people: People, trigger: str, role: str, **overrides) -> Case:
    db.session.refresh(case)
    payload = sample_payload(REGISTRY[case.kind], trigger, case, **overrides)
    return act(case, people[role], trigger, **payload)


def run(case: Case, people: People, steps) -> Case:
    for trigger, role, overrides in steps:
        if trigger == WAIVE[0]:
            waive_dossier(case, people[role])
            continue
        _step(case, people, trigger, role, **overrides)
    db.session.refresh(case)
    return case


def _people_for(enterprise_user) -> People:
    enterprise = enterprise_user.enterprise
    return People(
        {
            "enterprise": enterprise_user,
            "inspector": make_user("inspector"),
            "union": make_user("union"),  # the city federation: sees every case
            "commune": make_user("commune", commune_code=enterprise.commune_code),
            "insurance": make_user("insurance"),
            "admin": make_user("admin"),
        }
    )


OPEN = ("open_investigation", "inspector", {})
WORK_ACCIDENT = ("conclude", "inspector", {"is_work_accident": True, "worker_at_fault": False})
NOT_WORK_ACCIDENT = ("conclude", "inspector", {"is_work_accident": False})
ANNOUNCE = ("announce", "inspector", {})
# Not a trigger: every missing mandatory paper marked not applicable (closing waits for them).
WAIVE = ("waive_dossier", "inspector", {})


def accident(steps) -> Callable[[], tuple[Case, People]]:
    """A fatal accident declared by an enterprise (provincial: the inspector acts)."""

    def build():
        people = _people_for(make_user("enterprise"))
        case = make_accident(people["enterprise"], outcomes=("death",))
        return run(case, people, steps), people

    return build


def notice(steps) -> Callable[[], tuple[Case, People]]:
    """A quick notice of a fatal accident given by an enterprise (not completed)."""

    def build():
        people = _people_for(make_user("enterprise"))
        case = make_notice(people["enterprise"])
        return run(case, people, steps), people

    return build


def commune_record(steps) -> Callable[[], tuple[Case, People]]:
    """A light accident of a worker without a labour relation, declared by the commune."""

    def build():
        commune_user = make_user("commune")
        people = _people_for(make_user("enterprise"))
        people.by_role["commune"] = commune_user
        case = make_accident(commune_user, outcomes=("light",))
        return run(case, people, steps), people

    return build


def claim(steps, *, victim_outcome: str = "serious") -> Callable[[], tuple[Case, People]]:
    """The claim of one victim of an announced work accident (one death, one serious)."""

    def build():
        people = _people_for(make_user("enterprise"))
        parent = make_accident(people["enterprise"], outcomes=("death", "serious"))
        run(parent, people, [OPEN, WORK_ACCIDENT, ANNOUNCE])
        victim = next(v for v in parent.victims if v.outcome == victim_outcome)
        case = db.session.scalars(
            select(Case).where(Case.parent_id == parent.id, Case.victim_id == victim.id)
        ).one()
        return run(case, people, steps), people

    return build


def declared_directly(
    kind: str, steps, claim_steps=(), then=()
) -> Callable[[], tuple[Case, People]]:
    """A disease or incident created through the engine (no declaration form for them yet):
    ``steps`` on the case, ``claim_steps`` on each claim it opened, then ``then`` on it."""

    def build():
        people = _people_for(make_user("enterprise"))
        enterprise_user = people["enterprise"]
        data = {
            "disease": {
                "disease": "Bệnh bụi phổi silic nghề nghiệp",
                "diagnosed_on": date(2026, 10, 1).isoformat(),
                "exposure": "Bụi silic trong phân xưởng mài",
                "facility": "Bệnh viện Kiến An",
            },
            "incident": {"equipment": "Nồi hơi số 2", "failure": "Nổ van an toàn"},
        }[kind]
        victims = []
        if kind == "disease":
            victims = [
                Victim(
                    full_name="Phạm Văn Bụi",
                    birth_date=date(1980, 5, 1),
                    gender="male",
                    national_id="031080000777",
                    occupation="Thợ mài",
                    outcome="serious",
                    monthly_wage_vnd=9_000_000,
                    insured_wage_vnd=9_000_000,
                    si_number="3180000777",
                    si_years=12,
                )
            ]
        with unit_of_work():
            case = create_case(
                NewCase(
                    kind=kind,
                    enterprise_id=enterprise_user.enterprise_id,
                    commune_code=enterprise_user.enterprise.commune_code,
                    declared_by_id=enterprise_user.id,
                    occurred_at=clock.now(),
                    location="Phân xưởng 3",
                    description="Khai báo kiểm thử",
                    labour_relation=True,
                    data={**data, "declared_by_role": "enterprise"},
                    victims=victims,
                ),
                enterprise_user,
                province=current_app.config["SAFECASE_PROVINCE"],
            )
        run(case, people, steps)
        for child in list(case.children):
            run(child, people, claim_steps)
        return run(case, people, then), people

    return build


def report(steps) -> Callable[[], tuple[Case, People]]:
    """An enterprise's half-year report, opened as the scheduler opens it."""

    def build():
        people = _people_for(make_user("enterprise"))
        enterprise = people["enterprise"].enterprise
        with unit_of_work():
            case = create_case(
                NewCase(
                    kind="report",
                    enterprise_id=enterprise.id,
                    commune_code=enterprise.commune_code,
                    declared_by_id=None,
                    data={"period": "2026-H1", "form": "enterprise_accidents",
                          "due_on": "2026-07-04"},
                    report_key=f"enterprise_accidents:{enterprise.tax_code}:2026-H1",
                ),
                people["inspector"],
                province=current_app.config["SAFECASE_PROVINCE"],
            )  # fmt: skip
        return run(case, people, steps), people

    return build


SUBMIT = ("submit", "enterprise", {})
REFER = ("refer_for_assessment", "enterprise", {})
BELOW_5 = ("record_assessment", "enterprise", {"capacity_loss_pct": 3})
FROM_5 = ("record_assessment", "enterprise", {"capacity_loss_pct": 30})
FILE = ("file_insurance", "enterprise", {})
CLOSE_CLAIM = ("close", "union", {})

# (kind, label) → how to get a fresh case in that state. The label is the state, with a
# suffix when a state is worth checking in two shapes. Keys a trigger does not declare are
# ignored by the engine (an incident's conclude has no is_work_accident).
PATHS: dict[tuple[str, str], Callable[[], tuple[Case, People]]] = {
    ("accident", "notified"): notice([]),
    ("accident", "rejected/notice"): notice([("reject", "inspector", {})]),
    ("accident", "declared"): accident([]),
    ("accident", "investigating"): accident([OPEN]),
    ("accident", "suspended"): accident([OPEN, ("refer_to_police", "inspector", {})]),
    ("accident", "concluded"): accident([OPEN, WORK_ACCIDENT]),
    ("accident", "announced"): accident([OPEN, WORK_ACCIDENT, ANNOUNCE]),
    ("accident", "rejected"): accident([("reject", "inspector", {})]),
    ("accident", "closed"): accident(
        [OPEN, NOT_WORK_ACCIDENT, ANNOUNCE, WAIVE, ("close", "inspector", {})]
    ),
    ("accident", "recorded"): commune_record([("record_event", "commune", {})]),
    ("accident", "declared/commune_record"): commune_record([]),
    ("claim", "treatment"): claim([]),
    ("claim", "awaiting_assessment"): claim([REFER]),
    ("claim", "assessed"): claim([REFER, FROM_5]),
    ("claim", "assessed/filed"): claim([REFER, FROM_5, FILE]),
    ("claim", "assessed/death"): claim([], victim_outcome="death"),
    ("claim", "not_eligible"): claim([REFER, BELOW_5]),
    ("claim", "closed"): claim([REFER, BELOW_5, CLOSE_CLAIM]),
    ("disease", "declared"): declared_directly("disease", []),
    ("disease", "confirmed"): declared_directly("disease", [("confirm", "inspector", {})]),
    ("disease", "rejected"): declared_directly("disease", [("reject", "inspector", {})]),
    ("disease", "closed"): declared_directly(
        "disease",
        [("confirm", "inspector", {})],
        claim_steps=[REFER, BELOW_5, CLOSE_CLAIM],
        then=[("close", "inspector", {})],
    ),
    ("report", "open"): report([]),
    ("report", "submitted"): report([SUBMIT]),
    ("report", "returned"): report([SUBMIT, ("send_back", "inspector", {})]),
    ("report", "accepted"): report([SUBMIT, ("accept", "inspector", {})]),
    ("incident", "declared"): declared_directly("incident", []),
    ("incident", "investigating"): declared_directly("incident", [OPEN]),
    ("incident", "concluded"): declared_directly("incident", [OPEN, NOT_WORK_ACCIDENT]),
    ("incident", "announced"): declared_directly("incident", [OPEN, NOT_WORK_ACCIDENT, ANNOUNCE]),
    ("incident", "rejected"): declared_directly("incident", [("reject", "inspector", {})]),
    ("incident", "closed"): declared_directly(
        "incident", [OPEN, NOT_WORK_ACCIDENT, ANNOUNCE, WAIVE, ("close", "inspector", {})]
    ),
}


def allowed(definition: WorkflowDefinition, role: str, trigger: str, state: str) -> bool:
    return any(role in t.roles for t in definition.transitions_for(trigger, state))


def refused_pairs(definition: WorkflowDefinition, state: str) -> list[tuple[str, str]]:
    return [
        (role, trigger)
        for role in USER_ROLES
        for trigger in definition.triggers()
        if not allowed(definition, role, trigger, state)
    ]


def fingerprint(case_id: int) -> tuple:
    db.session.expire_all()
    row = db.session.get(Case, case_id)
    events = db.session.scalar(
        select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case_id)
    )
    return row.state, row.version, events, dict(row.data or {})


# -- the matrix -----------------------------------------------------------------------------------


def test_every_reachable_state_has_a_path():
    """Each state of each kind appears in PATHS, so the matrix covers the whole graph."""
    covered = {(kind, label.split("/")[0]) for kind, label in PATHS}
    expected = {(kind, s.name) for kind, d in REGISTRY.items() for s in d.states}
    assert expected - covered == set()


@pytest.mark.parametrize("kind,label", sorted(PATHS), ids=lambda v: str(v).replace("/", "+"))
def test_roles_cannot_fire_what_the_definition_does_not_allow(client, kind, label):
    case, people = PATHS[(kind, label)]()
    state = label.split("/")[0]
    assert case.state == state, f"the path for {kind}/{label} ended in {case.state}"
    definition = REGISTRY[kind]
    pairs = refused_pairs(definition, state)
    assert pairs, "every state refuses something to someone"

    ttl = current_app.config["API_TOKEN_TTL"]
    tokens = {role: users.issue_token(people[role], ttl).token for role in USER_ROLES}
    visible = {role: can_see(people[role], case) for role in USER_ROLES}
    before = fingerprint(case.id)
    for role, trigger in pairs:
        db.session.refresh(case)
        body = {"version": case.version, **sample_payload(definition, trigger, case)}
        response = client.post(
            f"/api/v1/cases/{case.id}/actions/{trigger}",
            json=body,
            headers={"Authorization": f"Bearer {tokens[role]}"},
        )
        assert response.status_code in REFUSALS, (
            f"{role} fired {trigger} on a {kind} in {state}: {response.status_code} "
            f"{response.get_json()}"
        )
        assert fingerprint(case.id) == before, f"{role}/{trigger} changed the {kind} case"
        if role == "admin":
            assert response.status_code == 403  # no cases.act at all
        elif not visible[role]:
            assert response.status_code == 404, f"{role} learnt a hidden case exists"
        elif not any(role in t.roles for t in definition.transitions if t.trigger == trigger):
            assert response.status_code == 403, f"{role} never holds {trigger}: deny (403)"

    for role in USER_ROLES:
        if role == "admin" or not visible[role]:
            continue
        response = client.get(
            f"/api/v1/cases/{case.id}", headers={"Authorization": f"Bearer {tokens[role]}"}
        )
        assert response.status_code == 200
        offered = set(response.get_json()["actions"])
        refused = {trigger for r, trigger in pairs if r == role}
        assert not offered & refused, f"{role} is offered {offered & refused} in {state}"


def test_hidden_case_answers_404_whatever_the_trigger(client):
    """An enterprise user of another enterprise learns nothing, even for triggers it holds."""
    build = PATHS[("accident", "declared")]
    case, _people = build()
    stranger = make_user("enterprise")
    token = users.issue_token(stranger, current_app.config["API_TOKEN_TTL"]).token
    before = fingerprint(case.id)
    for trigger in REGISTRY["accident"].triggers():
        response = client.post(
            f"/api/v1/cases/{case.id}/actions/{trigger}",
            json={"version": case.version},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 404
    assert fingerprint(case.id) == before
