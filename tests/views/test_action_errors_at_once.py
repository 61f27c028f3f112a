"""Every action form of the case page, sent with every input wrong, shows every error in one
round (#15: some showed the form's own errors first — a day that is no day — and the engine's
only after those were fixed: a text too long, a choice that is none, a code not in its list,
a team member from no organisation, a guard's reason about a valid input).

The cases are driven to each reachable state as the permission matrix drives them
(``test_permission_matrix.PATHS``); for each role and each action offered to it, each input of
the action's fields gets a value its kind refuses, and each must come back with its own
message, with nothing changed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app import clock
from app.extensions import db
from app.models import Case
from app.services.workflow_engine import available_actions
from tests.conftest import csrf_token_from
from tests.factories import make_accident, make_user
from tests.views.test_permission_matrix import PATHS
from workflows import REGISTRY
from workflows.base import Field
from workflows.dossier_rules import TRIGGERS as DOSSIER_TRIGGERS

pytestmark = pytest.mark.usefixtures("declaration_day")


def wrong(f: Field, prefix: str) -> dict[str, str]:
    """What the page would post for ``f`` typed wrong (as people may type it)."""
    name = f"{prefix}-{f.name}"
    if f.kind == "date":
        return {name: "31/02/2026"}  # no such day: the form's own check
    if f.kind == "datetime":
        return {name: "31/02/2026 10:00"}
    if f.kind in ("int", "count", "money", "percent"):
        return {name: "mười"}
    if f.kind == "bool":
        return {name: "có lẽ"}  # neither yes nor no: the engine's check
    if f.kind == "victim_id":
        return {name: "999999"}
    if f.kind == "code":
        return {name: "ZZZ-9"}
    if f.kind == "case_code":
        return {name: "không phải mã"}
    if f.kind == "members":
        return {f"{name}-0-name": "x" * 300, f"{name}-0-organisation": "nowhere"}
    if f.kind == "record":
        return {f"{name}-{part.name}": "mười" for part in f.parts}
    if f.kind == "text" and f.choices:
        return {name: "none-of-them"}
    if f.kind in ("list_text", "documents"):
        return {name: "x" * 2000}  # a line too long: the engine's check
    return {name: "x" * 6000}  # a text too long: the engine's check


def refused_inputs(page: str, trigger: str) -> set[str]:
    """The ids of the inputs (or groups) of ``trigger``'s form shown with an error."""
    form = page.split(f'data-testid="form-{trigger}"', 1)[1].split("</form>", 1)[0]
    return set(re.findall(r'id="([^"]+)-error"', form))


def has_error(refused: set[str], trigger: str, f: Field) -> bool:
    stem = f"{trigger}-{f.name}"
    return any(found == stem or found.startswith(stem + "-") for found in refused)


@pytest.mark.parametrize("kind,label", sorted(PATHS), ids=lambda v: str(v).replace("/", "+"))
def test_every_error_of_every_action_form_shows_at_once(app, signed_in, kind, label):
    case, people = PATHS[(kind, label)]()
    for role, user in people.by_role.items():
        db.session.refresh(case)
        # The dossier's marks have a small form beside each checklist item, not an action form
        # (tests/views and the accident journey check them).
        triggers = [t for t in available_actions(case, user)
                    if REGISTRY[case.kind].fields_for(t, case.state)
                    and t not in DOSSIER_TRIGGERS]  # fmt: skip
        if not triggers:
            continue
        client = signed_in(user.username)
        # A report's actions are on its own page (app/reports), with the same flow.
        page = client.get(f"/cases/{case.id}", follow_redirects=True).get_data(as_text=True)
        token = csrf_token_from(page)
        for trigger in triggers:
            url = re.search(
                rf'<form method="post" action="([^"]+)" novalidate data-testid="form-{trigger}"',
                page,
            ).group(1)
            spec = REGISTRY[case.kind].fields_for(trigger, case.state)
            data = {"csrf_token": token, "version": str(case.version)}
            for f in spec:
                data.update(wrong(f, trigger))
            before = (case.state, case.version)
            response = client.post(url, data=data)
            assert response.status_code == 422, (role, trigger)
            refused = refused_inputs(response.get_data(as_text=True), trigger)
            missing = [f.name for f in spec if not has_error(refused, trigger, f)]
            assert missing == [], (role, trigger, sorted(refused))
            db.session.expire_all()
            case = db.session.get(Case, case.id)
            assert (case.state, case.version) == before


def test_a_guards_reason_shows_with_the_forms_own_errors(signed_in, frozen):
    """An extension longer than the limit (the engine's guard) is told together with the
    reason left blank (the form's own check), not after it is filled in."""
    from tests.factories import act, head

    reporter = make_user("enterprise")
    make_user("inspector", username="thanh")
    case = make_accident(reporter, ("death",))  # 30 days: at most 30 more
    act(case, make_user("inspector"), "open_investigation", team=head())
    client = signed_in("thanh")
    token = csrf_token_from(client.get(f"/cases/{case.id}").get_data(as_text=True))
    data = {
        "csrf_token": token,
        "version": str(db.session.get(Case, case.id).version),
        "extend_deadline-days": "45",
        "extend_deadline-reason": "",
    }
    page = client.post(f"/cases/{case.id}/actions/extend_deadline", data=data)
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert re.search(r'id="extend_deadline-reason-error">Bắt buộc nhập\.<', html)
    assert re.search(r'id="extend_deadline-days-error">[^<]*30 ngày', html)


def test_the_api_tells_a_guards_reason_with_the_payloads_own_errors(app, client, frozen):
    """``POST …/actions/record_scene_arrival`` with a name too long (the payload's shape) and
    an arrival in the future (a guard): both at once, nothing changed."""
    from app.services.users import issue_token

    reporter = make_user("enterprise")
    inspector = make_user("inspector")
    case = make_accident(reporter, ("death",))
    token = issue_token(inspector, timedelta(days=1)).token
    later = (clock.now() + timedelta(hours=3)).isoformat()
    response = client.post(
        f"/api/v1/cases/{case.id}/actions/record_scene_arrival",
        headers={"Authorization": f"Bearer {token}"},
        json={"version": case.version, "arrived_at": later, "arrived_by": "x" * 301},
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"arrived_at", "arrived_by"}
    db.session.expire_all()
    assert db.session.get(Case, case.id).version == case.version
    assert "scene_arrival" not in db.session.get(Case, case.id).data
