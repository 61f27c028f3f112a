"""The workflow engine: the one place where a case changes state.

One ``transitions`` Machine per case kind per process, built from the definition in
``workflows/`` with ``auto_transitions=False``; it is bound to a small ``CaseFlow``
wrapper for the length of one operation (``add_model(initial=case.state)`` …
``remove_model``), never to the ORM class and never one machine per row.

``fire_transition`` does everything in one transaction: lock the case, check the
caller's scope, role and version, parse the payload, run the guards, move the state,
apply the effect's outcome (columns, data, deadlines, victims, child cases), append the
hash-chained event, issue the papers the step issues (frozen, with their own events), reconcile
tasks and write outbox rows. Side effects (email, in-app notifications) run only after commit,
from the outbox.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from transitions import Machine, MachineError

from app.clock import VN_TZ, now
from app.errors import (
    NotFound,
    PermissionDenied,
    StaleVersion,
    TransitionNotAllowed,
    ValidationFailed,
)
from app.extensions import db
from app.i18n import N_
from app.models import Case, CaseCounter, Enterprise
from app.services import case_store as store
from app.services import codes, issued_papers, search
from app.services.audit import append_event
from app.services.case_snapshot import LoadedRelated, Related, snapshot
from app.services.rulebook import load_rulebook
from app.services.unit_of_work import is_nested, unit_of_work
from app.services.visibility import can_see
from workflows import get_workflow
from workflows.base import (
    ROLE_REFUSAL,
    SETTABLE_COLUMNS,
    Actor,
    CaseSnapshot,
    ChildCase,
    Context,
    DeadlineChange,
    Decision,
    Notify,
    Outcome,
    WorkflowDefinition,
)
from workflows.fields import parse_payload
from workflows.law.rules import RuleBook

# --------------------------------------------------------------------------------------------
# The machines: one per kind per process
# --------------------------------------------------------------------------------------------


class CaseFlow:
    """The machine's model: a slot one case is put into for one operation.

    ``state`` proxies the bound case's ``state``; this property setter is the only code
    that assigns a case's state after creation. Slots are added to the kind's machine once
    and reused (``_bound``), because adding and removing a model (which installs a method
    per trigger and state on it) cost more than firing the trigger itself.
    """

    def __init__(self) -> None:
        self._case = None

    @property
    def state(self) -> str | None:
        return self._case.state if self._case is not None else None

    @state.setter
    def state(self, value: str) -> None:
        if self._case is not None:  # add_model sets the initial state on an empty slot
            self._case.state = value


_machines: dict[str, Machine] = {}
_machines_lock = threading.Lock()
# Free slots per kind; as many are ever made as cases of a kind move at the same time.
_free_slots: dict[str, list[CaseFlow]] = {}
_slots_lock = threading.Lock()


def machine_for(definition: WorkflowDefinition) -> Machine:
    """The process-wide machine of ``definition`` (built on first use)."""
    machine = _machines.get(definition.kind)
    if machine is not None:
        return machine
    with _machines_lock:
        if definition.kind not in _machines:
            _machines[definition.kind] = _build_machine(definition)
        return _machines[definition.kind]


def _build_machine(definition: WorkflowDefinition) -> Machine:
    def condition(name: str):
        # Routing conditions are the definition's pure predicates over the Context.
        return lambda event: definition.holds(name, event.kwargs["ctx"])

    machine = Machine(
        model=None,
        states=[state.name for state in definition.states],
        initial=definition.initial,
        auto_transitions=False,
        send_event=True,
        ignore_invalid_triggers=False,
    )
    for transition in definition.transitions:
        machine.add_transition(
            transition.trigger,
            list(transition.sources),
            transition.dest,  # None: an internal transition (stays, no exit/enter)
            conditions=[condition(name) for name in transition.conditions],
        )
    return machine


@contextmanager
def _bound(definition: WorkflowDefinition, case) -> Iterator[CaseFlow]:
    """A slot of the kind's machine with ``case`` in it, for the length of the block."""
    machine = machine_for(definition)
    with _slots_lock:
        free = _free_slots.setdefault(definition.kind, [])
        flow = free.pop() if free else None
        if flow is None:
            flow = CaseFlow()
            machine.add_model(flow, initial=definition.initial)
    flow._case = case
    try:
        yield flow
    finally:
        flow._case = None
        with _slots_lock:
            free.append(flow)


def move(definition: WorkflowDefinition, case, trigger: str, ctx: Context) -> None:
    """Fire ``trigger`` on the kind's machine with ``case`` bound for this call only."""
    with _bound(definition, case) as flow:
        try:
            if not getattr(flow, trigger)(ctx=ctx):
                raise TransitionNotAllowed(
                    N_("Không thực hiện được thao tác ở trạng thái hiện tại.")
                )
        except MachineError as exc:
            raise TransitionNotAllowed(
                N_("Thao tác không được phép ở trạng thái hiện tại.")
            ) from exc


# --------------------------------------------------------------------------------------------
# Snapshots and actors
# --------------------------------------------------------------------------------------------


def actor_of(user) -> Actor:
    return Actor(
        username=user.username,
        role=user.role,
        enterprise_id=getattr(user, "enterprise_id", None),
        commune_code=getattr(user, "commune_code", None),
    )


# --------------------------------------------------------------------------------------------
# Firing a trigger
# --------------------------------------------------------------------------------------------


def _check_version(raw: dict[str, Any], case) -> None:
    version = raw.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ValidationFailed({"version": [N_("Cần số phiên bản (version) mà bạn đã xem.")]})
    if version != case.version:
        raise StaleVersion(
            N_(
                "Vụ việc đã được cập nhật (phiên bản %(current)s, bạn gửi %(sent)s). "
                "Vui lòng tải lại.",
                current=case.version,
                sent=version,
            )
        )


@dataclass(frozen=True)
class Transitioned:
    """What one ``fire_transition`` did."""

    case_id: int
    code: str
    trigger: str
    from_state: str
    to_state: str
    version: int


def check_fireable(case, trigger: str, user, raw: dict[str, Any]) -> WorkflowDefinition:
    """The checks that come before a payload is read, in ``fire_transition``'s order; returns
    the case's definition. A service that checks a payload of its own before firing (the
    declaration that completes a quick notice) asks this first, so its caller gets the same
    404 → 403 → 409 before any 422; it also refuses what the case's state or the actor rules
    out whatever the input (a guard's reason about no field: 409).

    :raises NotFound: ``case`` is None, not visible to the user, or has no such trigger.
    :raises PermissionDenied: the user's role may not fire this trigger.
    :raises ValidationFailed: no ``version`` in ``raw``.
    :raises StaleVersion: ``version`` is not the case's current version.
    :raises TransitionNotAllowed: not allowed from the current state.
    """
    if case is None or not can_see(user, case):
        raise NotFound(N_("Không tìm thấy vụ việc."))
    definition = get_workflow(case.kind)
    if trigger not in definition.triggers():
        raise NotFound(N_("Không có thao tác '%(trigger)s' cho loại vụ việc này.", trigger=trigger))
    if not definition.may_role_fire(trigger, user.role):
        raise PermissionDenied(N_(ROLE_REFUSAL))
    _check_version(raw, case)
    if not definition.transitions_for(trigger, case.state):
        raise TransitionNotAllowed(
            N_(
                "Không thể thực hiện '%(trigger)s' khi vụ việc ở trạng thái '%(state)s'.",
                trigger=trigger,
                state=case.state,
            )
        )
    return definition


def refuse_unless_offered(case, trigger: str, user) -> None:
    """Refuse (403 or 409) when ``user`` may not fire ``trigger`` on ``case`` (a ``Case`` or the
    engine's locked ``CaseRecord``) whatever input they give: the role, or a guard's reason
    about the case or the actor (not about input).

    :raises PermissionDenied: the role may not fire it from this state.
    :raises TransitionNotAllowed: a guard refuses whatever the input.
    """
    related = LoadedRelated(case) if isinstance(case, Case) else Related(case)
    ctx = Context(
        case=snapshot(case, related),
        actor=actor_of(user),
        payload={},
        now=now(),
        rules=LazyRuleBook(),
    )
    decision = get_workflow(case.kind).decide(trigger, ctx)
    _refuse_unless_allowed(replace(decision, reasons=decision.state_reasons))


def fire_transition(
    case_id: int,
    trigger: str,
    user,
    raw_payload: dict[str, Any],
    *,
    ip: str | None = None,
    event_payload: dict[str, Any] | None = None,
) -> Transitioned:
    """Fire ``trigger`` on case ``case_id`` as ``user``; one transaction.

    Changes the case's state, version, columns, data, deadlines and victims, appends one
    event, issues the papers the kind issues after ``trigger`` (and a new child's after its
    creation: ``issued_papers.issue_after``, one ``issue_paper`` event each), opens and closes
    tasks, creates child cases and writes outbox rows. Returns what moved; a caller that shows
    the case reads it afterwards. ``event_payload``: what a calling service changed itself in
    the same transaction (the declaration completing a quick notice), recorded in the event
    with the clean payload.

    :raises NotFound: no such case or trigger, or the case is not visible to the user.
    :raises PermissionDenied: the user's role may not fire this trigger (here).
    :raises StaleVersion: ``version`` is not the case's current version.
    :raises TransitionNotAllowed: not allowed from the current state, or a guard refused.
    :raises ValidationFailed: a malformed payload, or a guard refused the input.
    """
    with unit_of_work():
        db.session.flush()  # the caller's pending ORM changes first, then plain rows
        case = store.load_case(case_id, lock=True)
        raw = raw_payload if isinstance(raw_payload, dict) else {}
        definition = check_fireable(case, trigger, user, raw)
        clean, errors = _payload_problems(definition, case, trigger, user, raw)
        at = now()
        rules = LazyRuleBook()
        related = Related(case)
        ctx = Context(
            case=snapshot(case, related), actor=actor_of(user), payload=clean, now=at, rules=rules
        )
        if errors:
            raise ValidationFailed({**errors, **_input_refusals(definition, trigger, ctx, errors)})
        decision = definition.decide(trigger, ctx)
        _refuse_unless_allowed(decision)
        transition = decision.transition

        from_state = case.state
        move(definition, case, trigger, ctx)
        outcome = definition.outcome(transition, ctx)
        children = apply_outcome(case, related, outcome, at, actor=user, rules=rules)
        case.version += 1
        append_event(
            case,
            actor=user.username,
            role=user.role,
            trigger=trigger,
            from_state=from_state,
            to_state=case.state,
            payload={**(event_payload or {}), **clean},
            at=at,
            ip=ip,
        )
        store.save_case(case)
        # The papers this step issues, as the case now stands (the rows above are written).
        papers = dict(actor=user.username, role=user.role, at=at, ip=ip)
        if issued_papers.issue_after(case, trigger, **papers):
            store.save_case(case)  # the chain head moved
        for child in children:
            issued_papers.issue_after(child, "create", **papers)
        sync_tasks(case, definition, snapshot(case, related), at, rules)
        write_notices(case, definition.notices(transition, ctx), trigger, user.username, at)
        parent = related.parent()
        if parent:
            # A child's move can change what the parent waits for (e.g. "all claims closed").
            sync_tasks(
                parent, get_workflow(parent.kind), snapshot(parent, Related(parent)), at, rules
            )
        if is_nested():
            # Rows were written as plain SQL: ORM objects the caller loaded earlier in its
            # transaction are stale. (Otherwise the commit, just below, expires them.)
            db.session.flush()
            db.session.expire_all()
    return Transitioned(case.id, case.code, trigger, from_state, case.state, case.version)


def _payload_problems(
    definition: WorkflowDefinition, case, trigger: str, user, raw: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """``(clean, errors)`` of ``raw`` as ``trigger``'s payload from the case's state: its shape
    (``parse_payload``), its codes (an active code of its field's list, records' parts too) and
    its case codes (a case the caller sees), every problem at once."""
    fields = definition.fields_for(trigger, case.state)
    clean, errors = parse_payload(fields, raw)
    errors = {**errors, **codes.unknown_codes(fields, clean)}
    return clean, {**_unknown_case_codes(fields, clean, user), **errors}


def _input_refusals(
    definition: WorkflowDefinition, trigger: str, ctx: Context, errors: dict[str, list[str]]
) -> dict[str, list[str]]:
    """The guards' reasons about the input (422), by field, told with the payload's own
    ``errors`` so a form shows every problem in one round (#15): with such errors, only the
    reasons about inputs that were given and are valid (a refused or missing one is already
    said). The guards read a payload with some inputs left out, as they do when an action is
    only offered. Reasons about the case or the actor (409) are not input problems."""
    found: dict[str, list[str]] = {}
    for reason in definition.decide(trigger, ctx).input_reasons:
        if errors and (reason.field not in ctx.payload or reason.field in errors):
            continue
        found.setdefault(reason.field, []).append(str(reason))
    return found


def action_errors(case_id: int, trigger: str, user, raw: dict[str, Any]) -> dict[str, list[str]]:
    """Every input error ``fire_transition`` would refuse ``raw`` with — its shape, its codes
    and the guards' reasons about it — changing nothing (empty: none, or a refusal that is not
    about the input, which firing reports). A page whose form refused some inputs itself asks
    this for the others, so every error shows at once."""
    case = store.load_case(case_id)
    raw = raw if isinstance(raw, dict) else {}
    try:
        definition = check_fireable(case, trigger, user, raw)
    except (NotFound, PermissionDenied, TransitionNotAllowed, StaleVersion, ValidationFailed):
        return {}
    clean, errors = _payload_problems(definition, case, trigger, user, raw)
    ctx = Context(
        case=snapshot(case, Related(case)),
        actor=actor_of(user),
        payload=clean,
        now=now(),
        rules=LazyRuleBook(),
    )
    return {**errors, **_input_refusals(definition, trigger, ctx, errors)}


def _unknown_case_codes(fields, clean: dict[str, Any], user) -> dict[str, list[str]]:
    """A payload's case codes (``duplicate_of``…) must name cases the caller can see.

    A case the caller may not see is answered like a missing one, so its existence does
    not leak.
    """
    errors: dict[str, list[str]] = {}
    for field in fields:
        code = clean.get(field.name) if field.kind == "case_code" else None
        if code:
            found = store.find_by_code(code)
            if found is None or not can_see(user, found):
                errors[field.name] = [N_("Không tìm thấy vụ việc mã %(code)s.", code=code)]
    return errors


class LazyRuleBook:
    """The rules in force, read from the database only when a guard, effect or task asks.

    Most transitions consult no rule; this spares them two queries and building the book.
    It is read inside the caller's transaction, like an eager ``load_rulebook()`` would be.
    """

    __slots__ = ("_book",)

    def __init__(self) -> None:
        self._book: RuleBook | None = None

    def __getattr__(self, name: str) -> Any:
        if self._book is None:
            self._book = load_rulebook()
        return getattr(self._book, name)


def _refuse_unless_allowed(decision: Decision) -> None:
    """Raise what the definition's :class:`Decision` refuses: no route 409, the role 403, the
    case's state 409 (its reasons under ``state``), the input 422 (reasons by field)."""
    if decision.transition is None:
        raise TransitionNotAllowed(N_("Không có bước chuyển phù hợp với dữ liệu đã nhập."))
    if decision.role_refused:
        raise PermissionDenied(N_(ROLE_REFUSAL))
    if decision.state_reasons:
        reasons = [str(r) for r in decision.state_reasons]
        raise TransitionNotAllowed(" ".join(reasons), {"state": reasons})
    if decision.input_reasons:
        errors: dict[str, list[str]] = {}
        for reason in decision.input_reasons:
            errors.setdefault(reason.field, []).append(str(reason))
        raise ValidationFailed(errors, " ".join(decision.input_reasons))


def _viewing(case: Case, user, rules: RuleBook | None, related: Related | None = None) -> Context:
    """The context of ``user`` looking at ``case`` now, before any input is given."""
    return Context(
        case=snapshot(case, related),
        actor=actor_of(user),
        payload={},
        now=now(),
        rules=rules or load_rulebook(),
    )


def case_actions(
    case: Case, user, rules: RuleBook | None = None
) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """What ``user`` sees of ``case``'s next steps, in one pass over the guards
    (``WorkflowDefinition.choices``): the triggers it may fire now, and those its role could
    fire but that wait on something else first, each with what it waits on (the workflow's
    Vietnamese reasons): ``([trigger, …], [(trigger, [reason, …]), …])``."""
    if not can_see(user, case):
        return [], []
    offered, waiting = get_workflow(case.kind).choices(_viewing(case, user, rules))
    return list(offered), [(trigger, [str(r) for r in reasons]) for trigger, reasons in waiting]


def available_actions(
    case: Case, user, rules: RuleBook | None = None, related: Related | None = None
) -> list[str]:
    """The triggers ``user`` may fire on ``case`` now (``WorkflowDefinition.offered``: the
    role may, and every guard holds or faults only input still to be given). ``case``: a
    ``Case``, or a ``CaseRecord`` with its ``related`` rows (a list reads pages as plain rows:
    ``claims.my_workers``)."""
    if not can_see(user, case):
        return []
    return list(get_workflow(case.kind).offered(_viewing(case, user, rules, related)))


# --------------------------------------------------------------------------------------------
# Applying an outcome
# --------------------------------------------------------------------------------------------


def apply_outcome(
    case, related: Related, outcome: Outcome, at: datetime, *, actor, rules
) -> list[Case]:
    """Apply what an effect decided: columns, data, victims, deadlines, children.

    Columns and data go on ``case`` (written by its owner: ``save_case`` or the ORM);
    victims, deadlines and children are written here, and ``related`` kept current. Returns
    the child cases created.
    """
    for name, value in outcome.set.items():
        if name not in SETTABLE_COLUMNS:
            raise ValueError(f"effects may not set column {name!r}")
        setattr(case, name, value)
    if outcome.data:
        case.data = outcome.merged_data(case.data)  # a new dict: SQLAlchemy sees the change
    _derive_columns(case, get_workflow(case.kind))
    if outcome.victims:
        victims = {v["id"]: v for v in related.victims()}
        for victim_id, changes in outcome.victims.items():
            if victim_id in victims:
                victims[victim_id].update(changes)
            elif victim_id != getattr(case, "victim_id", None):
                # A case writes its own victims, and a claim the one it is for (a row of its
                # parent: the employer's costs are recorded as the claim goes).
                raise KeyError(f"victim {victim_id} is not case {case.id}'s")
        store.update_victims(outcome.victims)
        if any(search.VICTIM_FIELDS.intersection(c) for c in outcome.victims.values()):
            _refresh_search_text(case, outcome.victims)
    apply_deadlines(case, related, outcome.deadlines, at)
    created: list[Case] = []
    if outcome.children:
        names = {v["id"]: v["full_name"] for v in related.victims()}
        for child in outcome.children:
            created.append(
                create_child(
                    case,
                    child,
                    at,
                    actor=actor,
                    rules=rules,
                    victim_name=names.get(child.victim_id),
                )  # fmt: skip
            )
        related.forget("children")
    return created


def _refresh_search_text(case, victim_ids: Iterable[int]) -> None:
    """Rewrite the search text of ``case`` and of the claims of these victims (a name of theirs
    changed). No effect renames a victim today; this keeps search right when one does."""
    claims = db.session.scalars(select(Case.id).where(Case.victim_id.in_(list(victim_ids))))
    search.refresh([case.id, *claims])


def apply_deadlines(
    case, related: Related, changes: Mapping[str, DeadlineChange | None], at: datetime
) -> None:
    if not changes:
        return
    rows = related.deadlines()
    changed, added = [], []
    for name, change in changes.items():
        row = rows.get(name)
        if change is None:
            if row is not None and row["met_at"] is None:
                row["met_at"] = at
                changed.append(row)
            continue
        values = change.row(at)
        if row is None:
            rows[name] = row = {"id": None, "name": name, **values}
            added.append(row)
        else:
            row.update(values)
            changed.append(row)
    store.save_deadlines(case.id, changed, added)


# --------------------------------------------------------------------------------------------
# Creating cases
# --------------------------------------------------------------------------------------------


def next_code(kind_letter: str, at: datetime, province: str) -> str:
    """Allocate ``{PROVINCE}-{YEAR}-{LETTER}{SEQ:06d}`` atomically (safe across processes)."""
    year = at.astimezone(VN_TZ).year
    key = f"{province}-{year}-{kind_letter}"
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(insert(CaseCounter).values(key=key, value=0).on_conflict_do_nothing())
    value = db.session.execute(
        CaseCounter.__table__.update()
        .where(CaseCounter.key == key)
        .values(value=CaseCounter.value + 1)
        .returning(CaseCounter.value)
    ).scalar_one()
    return f"{key}{value:06d}"


@dataclass
class NewCase:
    """What a declaration service hands the engine to create a case."""

    kind: str
    enterprise_id: int | None
    commune_code: str
    declared_by_id: int | None
    occurred_at: datetime | None = None
    location: str = ""
    description: str = ""
    labour_relation: bool | None = None
    data: dict[str, Any] | None = None
    victims: Iterable[Any] = ()
    event_payload: dict[str, Any] | None = None
    # An accident whose victims were hurt in a serious technical incident (its casualties).
    linked_incident_id: int | None = None
    # A periodic report's identity (``Case.report_key``); None for other kinds.
    report_key: str | None = None
    # The state it starts in: one of the kind's ``entry_states`` (None: its initial state);
    # a quick notice starts in the notice's state, logged as ``trigger`` ``give_notice``.
    state: str | None = None
    trigger: str = "declare"


def create_case(new: NewCase, user, *, province: str, ip: str | None = None) -> Case:
    """Create a case in its kind's initial state (or ``new.state``, another entry state: a quick
    notice) and run the kind's ``on_create`` effect.

    Must run inside the caller's unit of work. Logs the ``declare`` event (``new.trigger``:
    ``give_notice`` for a quick notice), issues the papers the kind issues after it (Form 01
    after ``declare``: ``issued_papers.issue_after``; a quick notice's after it is completed),
    opens tasks and writes the declaration notices.

    :raises ValueError: ``new.state`` is not one of the kind's entry states (a bug).
    """
    definition = get_workflow(new.kind)
    state = new.state or definition.initial
    if state not in definition.entry_states:
        raise ValueError(f"a {new.kind} case cannot start in {state!r}")
    at = now()
    rules = load_rulebook()
    case = Case(
        kind=new.kind,
        code=next_code(definition.letter, at, province),
        state=state,
        version=1,
        enterprise_id=new.enterprise_id,
        commune_code=new.commune_code,
        declared_by_id=new.declared_by_id,
        declared_at=at,
        occurred_at=new.occurred_at,
        location=new.location,
        description=new.description,
        labour_relation=new.labour_relation,
        linked_incident_id=new.linked_incident_id,
        data=dict(new.data or {}),
        report_key=new.report_key,
    )
    enterprise = _copy_classification(case)
    _derive_columns(case, definition)
    case.victims.extend(new.victims)
    case.search_text = search.case_search_text(
        case.code,
        enterprise_name=enterprise.name if enterprise is not None else None,
        location=case.location,
        description=case.description,
        victim_names=[victim.full_name for victim in case.victims],
    )
    db.session.add(case)
    db.session.flush()
    # A new case: nothing to read back but the victims just written.
    related = LoadedRelated(case, deadlines={}, children=[], parent=None)
    ctx = Context(
        case=snapshot(case, related), actor=actor_of(user), payload={}, now=at, rules=rules
    )
    notices = definition.notices(definition.create_notify, ctx)
    if definition.on_create:
        outcome = definition.effects[definition.on_create](ctx)
        apply_outcome(case, related, outcome, at, actor=user, rules=rules)
    _log_creation(case, definition, related, user, new.trigger, new.event_payload, at, rules, ip)
    write_notices(case, notices, new.trigger, user.username, at)
    _expire_written(case)
    issued_papers.issue_after(case, new.trigger, actor=user.username, role=user.role, at=at, ip=ip)
    return case


def _copy_classification(case: Case) -> Enterprise | None:
    """Copy the enterprise's industry and type of ownership in force now onto the case, so a
    later reclassification of the enterprise does not rewrite old statistics. Returns the
    enterprise (None for a case without one)."""
    if case.enterprise_id is None:
        return None
    enterprise = db.session.get(Enterprise, case.enterprise_id)
    if enterprise is not None:
        case.industry_code = enterprise.industry_code
        case.ownership = enterprise.ownership
    return enterprise


def _derive_columns(case: Case, definition) -> None:
    """Set the columns the kind keeps in step with its data (``indexed_columns``)."""
    for column, derive in definition.indexed_columns.items():
        setattr(case, column, derive(case.data or {}))


def create_child(
    parent, child: ChildCase, at: datetime, *, actor, rules, victim_name: str | None = None
) -> Case:
    """Create a child case (a claim) under ``parent``, logged as trigger ``create``.
    ``victim_name``: the name of ``child.victim_id`` (what search finds the claim by)."""
    definition = get_workflow(child.kind)
    from flask import current_app

    enterprise = db.session.get(Enterprise, parent.enterprise_id) if parent.enterprise_id else None
    code = next_code(definition.letter, at, current_app.config["SAFECASE_PROVINCE"])
    case = Case(
        kind=child.kind,
        code=code,
        state=child.state,
        version=1,
        parent_id=parent.id,
        enterprise_id=parent.enterprise_id,
        commune_code=parent.commune_code,
        declared_by_id=None,
        declared_at=at,
        occurred_at=parent.occurred_at,
        labour_relation=parent.labour_relation,
        victim_id=child.victim_id,
        data=dict(child.data),
        # The classification in force when the parent was declared, not today's.
        industry_code=parent.industry_code,
        ownership=parent.ownership,
        search_text=search.case_search_text(
            code,
            parent_code=parent.code,
            enterprise_name=enterprise.name if enterprise is not None else None,
            victim_names=[victim_name] if victim_name else [],
        ),
    )
    _derive_columns(case, definition)
    db.session.add(case)
    db.session.flush()
    # ``parent`` as it is now, in this transaction (its new state and data not saved yet).
    related = LoadedRelated(case, victims=[], deadlines={}, children=[], parent=parent)
    apply_deadlines(case, related, dict(child.deadlines), at)
    payload = {"parent": parent.code, "victim_id": child.victim_id}
    _log_creation(case, definition, related, actor, "create", payload, at, rules)
    _expire_written(case)
    return case


def _log_creation(case, definition, related, actor, trigger, payload, at, rules, ip=None) -> None:
    """A new case's first event (``declare`` or ``create``, from no state) and its first tasks."""
    append_event(
        case,
        actor=actor.username,
        role=actor.role,
        trigger=trigger,
        from_state=None,
        to_state=case.state,
        payload=payload or {},
        at=at,
        ip=ip,
    )
    db.session.flush()
    sync_tasks(case, definition, snapshot(case, related), at, rules)


def _expire_written(case: Case) -> None:
    """A new case's collections were written as plain rows: read them afresh when used."""
    for victim in case.victims:
        db.session.expire(victim)
    db.session.expire(case, ["victims", "deadlines", "children"])


# --------------------------------------------------------------------------------------------
# Tasks and notices
# --------------------------------------------------------------------------------------------


def sync_tasks(case, definition: WorkflowDefinition, snap: CaseSnapshot, at, rules) -> None:
    """Open the tasks the case's state now waits on and close the ones it no longer does;
    every task carries the case's scope (enterprise, commune: the scoped inboxes' index), and
    an open one whose case moved scope (a completed quick notice naming another commune)
    follows it."""
    wanted = {t.task.name: t for t in definition.open_tasks(snap, now=at, rules=rules)}
    scope = {"enterprise_id": case.enterprise_id, "commune_code": case.commune_code}
    closed, moved, rescoped = [], [], []
    for row in store.load_open_tasks(case.id):
        if (row.enterprise_id, row.commune_code) != (case.enterprise_id, case.commune_code):
            rescoped.append(row.id)
        match = wanted.pop(row.name, None)
        if match is None or match.role != row.role:
            closed.append(row.id)
            if match is not None:
                wanted[row.name] = match
            continue
        if row.due_at != match.due_at:
            moved.append((row.id, match.due_at))
    store.set_task_scope(rescoped, scope)
    store.close_tasks(closed, at)
    store.move_task_due(moved)
    store.insert_tasks(
        [
            {
                "case_id": case.id,
                "case_kind": case.kind,
                **scope,
                "name": open_task.task.name,
                "role": open_task.role,
                "title_vi": open_task.task.title_vi,
                "title_en": open_task.task.title_en,
                "deadline": open_task.task.deadline,
                "due_at": open_task.due_at,
                "opened_at": at,
            }
            for open_task in wanted.values()
        ]
    )


def write_notices(case, notices: Iterable[Notify], trigger: str, actor: str, at) -> None:
    """Outbox rows for the notices of this move; dispatched after commit."""
    ids = store.insert_outbox(
        [
            {
                "case_id": case.id,
                "event": notice.event,
                "roles": list(notice.roles),
                "urgent": notice.urgent,
                "payload": {"case_code": case.code, "trigger": trigger, "actor": actor},
                "created_at": at,
                "dispatched_at": None,
            }
            for notice in notices
        ]
    )
    from app.jobs.notifications import queue_outbox

    for outbox_id in ids:
        queue_outbox(outbox_id)
