"""The vocabulary every SafeCase workflow is written in: frozen dataclasses plus `validate()`.

A workflow definition is pure data. It names its states, the transitions between them (who
may fire each one, which payload fields it takes, which guards must pass and which effect runs
afterwards), the statutory deadlines it tracks and the tasks each waiting state opens. Guards,
routing conditions, effects and role resolvers are referred to *by name* and resolved in the
definition's own dictionaries, so the whole graph can be checked (``validate()``), drawn
(``workflows.diagram``) and tested without Flask or a database. The engine in
``app/services/workflow_engine.py`` binds a definition to a case row; it builds a
:class:`CaseSnapshot` and a :class:`Context`, asks the definition what may happen, and applies
the :class:`Outcome` an effect returns. Nothing in here changes anything: guards and conditions
are pure predicates, effects only *describe* the change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from workflows.declaration import DeclarationSpec

from workflows.dossier import CATEGORIES, Dossier
from workflows.inputs import Bounds, kind_bounds
from workflows.law.calendar import VN_TZ

# The roles a person can hold (one per account, the six of the contract).
USER_ROLES = ("enterprise", "inspector", "union", "commune", "insurance", "admin")
# Every role that can act: a person's, or "system" (the deadline sweeper, acting only through
# jobs and never a login); anything else in a definition is a typo.
ROLES = USER_ROLES + ("system",)

FIELD_KINDS = (
    "text",
    "bool",
    "int",
    "money",
    "percent",
    "date",
    "datetime",
    "list_text",
    "members",
    "case_code",
    "victim_id",
    "documents",
    "count",
    "record",
    "code",
)

DEADLINE_UNITS = ("calendar", "working")

# Organisations a member of an investigation team may come from (contract.md, open_investigation).
TEAM_ORGANISATIONS = ("inspectorate", "employer", "union", "health", "police", "other")
# The announcement meeting may also be attended by the People's Procuracy, which must be present
# for a fatal accident (Law 84/2015 Art. 35(8)); it is never a team member. The injured worker
# or their family attend it by law (Law 84/2015 Art. 35(8): "người bị nạn hoặc thân nhân người
# bị nạn"; domain/law.md §4) and are listed among the attendees in the minutes.
ATTENDEE_ORGANISATIONS = TEAM_ORGANISATIONS + ("procuracy", "victim", "family")
# How pages and forms name each organisation: (Vietnamese, English).
ORGANISATION_LABELS = {
    "inspectorate": ("Thanh tra (Sở Nội vụ)", "Inspectorate"),
    "employer": ("Người sử dụng lao động", "Employer"),
    "union": ("Công đoàn", "Trade union"),
    "health": ("Y tế", "Health"),
    "police": ("Công an", "Police"),
    "procuracy": ("Viện kiểm sát", "Procuracy"),
    "other": ("Cơ quan khác", "Other"),
    "victim": ("Người bị nạn", "Injured worker"),
    "family": ("Thân nhân người bị nạn", "Victim's family"),
}
# How Vietnamese running text (the papers, a guard's refusal) names each organisation.
ORGANISATION_IN_TEXT = {
    "inspectorate": "thanh tra",
    "employer": "người sử dụng lao động",
    "union": "công đoàn",
    "health": "y tế",
    "police": "công an",
    "procuracy": "viện kiểm sát",
    "other": "cơ quan khác",
    "victim": "người bị nạn",
    "family": "thân nhân người bị nạn",
}
TEAM_ROLES = ("head", "member")


class WorkflowError(Exception):
    """A workflow definition is inconsistent; ``problems`` lists every issue found."""

    def __init__(self, kind: str, problems: list[str]) -> None:
        self.kind = kind
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"workflow {kind!r} has {len(self.problems)} problem(s):\n{lines}")


class UnknownCaseKind(KeyError):
    """No workflow is registered for this case kind."""


class Reason(str):
    """Why a predicate does not hold. ``field`` names the payload field at fault when the
    caller's input is the problem (the API answers 422 with it under ``errors``, and the action
    is still offered before any input is given); None when the case's state or the actor is
    (409 / not offered)."""

    field: str | None
    # The case is waiting on something outside this action (its claims still open): the
    # action is not offered, but the page names it with this reason, so the user knows what
    # it waits for (``WorkflowDefinition.waiting``) instead of seeing no action at all.
    waiting: bool

    def __new__(cls, message: str, field: str | None = None, waiting: bool = False) -> Reason:
        reason = super().__new__(cls, message)
        reason.field = field
        reason.waiting = waiting
        return reason

    @property
    def about_input(self) -> bool:
        """The caller's input is at fault (422), not the case or the actor (409)."""
        return self.field is not None


def unless(
    holds: bool, message: str, field: str | None = None, *, waiting: bool = False
) -> Reason | None:
    """A predicate's answer: None when ``holds``, else the :class:`Reason` ``message``
    (``waiting``: the case waits on something else first, see :class:`Reason`)."""
    return None if holds else Reason(message, field, waiting)


# The one refusal for a role that may not fire a trigger (deny by default, STYLE.md point 10).
ROLE_REFUSAL = "Vai trò của bạn không được thực hiện thao tác này."


class RuleBookLike(Protocol):
    """What workflows need from ``workflows.law.rules.RuleBook`` (kept structural so this module
    stays importable on its own)."""

    def get(self, key: str, on: date) -> Any: ...

    def base_salary(self, on: date) -> int: ...


def _as_reason(answer: str) -> Reason:
    # A predicate may answer with a plain str; it then faults the case, not the input.
    return answer if isinstance(answer, Reason) else Reason(answer)


# --------------------------------------------------------------------------------------------
# The graph
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Members:
    """The shape of a ``members`` field, a list of people: each has a ``name`` and an
    ``organisation`` from ``organisations``, and a ``role`` from ``roles`` when roles are given.
    ``single`` names a role exactly one member must hold (``single_message`` says so)."""

    organisations: tuple[str, ...]
    roles: tuple[str, ...] = ()
    single: str | None = None
    single_message: str = ""


@dataclass(frozen=True)
class Field:
    """A payload field a trigger takes; see ``workflows.fields.parse_payload`` for each kind.
    ``members`` gives the item shape of a ``members`` field (and only of one), ``parts`` the
    fields of a ``record`` and ``code_list`` the list of a ``code``; every value is bounded
    by ``bounds``."""

    name: str
    kind: str
    required: bool = True
    label_vi: str = ""
    label_en: str = ""
    choices: tuple[str, ...] = ()
    members: Members | None = None
    # A ``record`` field's own fields (an object such as a report's ``figures``).
    parts: tuple[Field, ...] = ()
    # A ``code`` field's code list (``CodeEntry.list_name``: cause, injuring_factor, …); the
    # application checks the code exists in it (``app/services/codes.py``).
    code_list: str | None = None
    # Narrower (or, for a total, wider) bounds than the kind's (``workflows.inputs``): the
    # longest text, the smallest and largest number, the most items.
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    max_items: int | None = None
    # The value is medical detail, or one can work a medical figure back from it (a benefit's
    # kind tells the capacity-loss band): the event trail shows it only to the roles with
    # medical access (``app/services/privacy.py``).
    medical: bool = False

    @property
    def bounds(self) -> Bounds:
        """The kind's bounds (``workflows.inputs.KIND_BOUNDS``) with this field's own."""
        return kind_bounds(self.kind).narrowed(
            max_length=self.max_length,
            minimum=self.minimum,
            maximum=self.maximum,
            max_items=self.max_items,
        )


@dataclass(frozen=True)
class Task:
    """Open for ``role`` while the case is in the state listing it and ``when`` holds.

    ``role`` is a role name or the name of a resolver ``(snapshot) -> role``; ``deadline``
    names a :class:`Deadline` whose current ``due_at`` is the task's due time; ``when`` names a
    predicate (None: always).
    """

    name: str
    role: str
    title_vi: str
    title_en: str
    deadline: str | None = None
    when: str | None = None


@dataclass(frozen=True)
class State:
    """A state of the lifecycle. ``public_label_vi``/``public_label_en`` name it to the roles
    without medical access when its own label tells medical detail (e.g. a capacity-loss
    band); empty: the label is fit for everyone (``app/services/privacy.py`` chooses)."""

    name: str
    label_vi: str
    label_en: str
    terminal: bool = False
    tasks: tuple[Task, ...] = ()
    public_label_vi: str = ""
    public_label_en: str = ""


@dataclass(frozen=True)
class Notify:
    """Who is told when a transition fires (or a case is declared).

    ``event`` is a message-template key, ``roles`` the recipient roles within the case's scope,
    ``urgent`` marks a legally immediate notice that users cannot mute, ``when`` names a
    predicate evaluated with the same :class:`Context` as the transition's guards (for
    declaration notices: the freshly declared case, before ``on_create`` is applied — so those
    predicates read the victims, not the derived severity).
    """

    event: str
    roles: tuple[str, ...]
    urgent: bool = False
    when: str | None = None


@dataclass(frozen=True)
class Transition:
    """One edge of the lifecycle.

    ``dest=None`` keeps the case in its state (an internal transition). ``roles`` may fire it
    (deny by default); ``guards`` name predicates that must hold, or the firing is refused with
    their reasons; ``conditions`` name predicates that silently route a trigger to one of
    several transitions from the same source (first whose conditions all hold wins); ``effect``
    names a function returning the :class:`Outcome` to apply. Guards and conditions are the
    same kind of thing, looked up in one table (``WorkflowDefinition.predicates``): only what
    happens when one does not hold differs.
    """

    trigger: str
    sources: tuple[str, ...]
    dest: str | None
    roles: tuple[str, ...]
    label_vi: str
    label_en: str
    guards: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    fields: tuple[Field, ...] = ()
    effect: str | None = None
    notify: tuple[Notify, ...] = ()

    @property
    def internal(self) -> bool:
        return self.dest is None

    def dest_from(self, source: str) -> str:
        """The state the case is in after firing this from ``source``."""
        return source if self.dest is None else self.dest


# The papers SafeCase issues and stores (``app/services/issued_papers.py`` draws each), and the
# names of a case's own creation as triggers: ``declare`` (a declared kind) and ``create`` (a
# claim opened by its parent).
PAPER_NAMES = ("declaration", "minutes", "decision")
CREATION_TRIGGERS = ("declare", "create")


@dataclass(frozen=True)
class PaperSpec:
    """A paper SafeCase issues for a case of the kind, frozen once issued.

    ``issued_on`` names the triggers after which the paper is issued: its first version, or a
    new version when its content differs from the last one's (a creation trigger of
    ``CREATION_TRIGGERS`` names the case's own creation). ``reissuers`` are the roles (or
    resolver names) that may issue a new version by hand, with a reason, when the case changed
    in a way no trigger covers (deny by default: none).
    """

    name: str
    issued_on: tuple[str, ...]
    reissuers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Deadline:
    """A statutory time limit the workflow tracks; effects compute the due times.

    ``met_by`` are the triggers that meet (close) it: the engine marks it met whenever one of
    them fires (``WorkflowDefinition.outcome``), so effects never close deadlines themselves.
    ``role`` is who must act (a role or a resolver name); ``supervisors`` are told when it is
    overdue (the inspector supervises enterprise-level steps).
    """

    name: str
    label_vi: str
    label_en: str
    unit: str = "calendar"
    met_by: tuple[str, ...] = ()
    role: str = ""
    supervisors: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------
# What guards, conditions and effects see and return
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    username: str
    role: str
    enterprise_id: int | None = None
    commune_code: str | None = None


SYSTEM_ACTOR = Actor(username="system", role="system")


@dataclass(frozen=True)
class CaseSnapshot:
    """A read-only copy of a case row, built by the engine.

    ``data`` holds the kind's own JSON fields; ``victims`` are mappings with ``id, full_name,
    outcome, died_at, monthly_wage_vnd, insured_wage_vnd, si_number, si_years, gender``;
    ``deadlines`` maps a deadline name to ``due_at, started_at, days, unit, paused_at,
    extended, met_at``; ``children`` are mappings with ``id, kind, state``; ``parent`` is a
    mapping with ``id, code, kind, state, data, severity, occurred_at`` or None.
    """

    id: int | None
    code: str
    kind: str
    state: str
    version: int = 1
    severity: str | None = None
    investigation_level: str | None = None
    labour_relation: bool | None = None
    enterprise_id: int | None = None
    commune_code: str | None = None
    declared_at: datetime | None = None
    occurred_at: datetime | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    victims: tuple[Mapping[str, Any], ...] = ()
    deadlines: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    children: tuple[Mapping[str, Any], ...] = ()
    parent: Mapping[str, Any] | None = None
    # Values the application computes for the case from other cases, named in the kind's
    # ``WorkflowDefinition.facts`` (e.g. a report's live totals); read on first use.
    facts: Mapping[str, Any] = field(default_factory=dict)

    def victim(self, victim_id: int) -> Mapping[str, Any] | None:
        return next((v for v in self.victims if v.get("id") == victim_id), None)

    def open_deadline(self, name: str) -> Mapping[str, Any] | None:
        """The deadline ``name`` if it exists and is not met yet."""
        deadline = self.deadlines.get(name)
        if deadline is None or deadline.get("met_at") is not None:
            return None
        return deadline


@dataclass(frozen=True)
class Context:
    """What predicates and effects receive. ``now`` is aware UTC; ``payload`` is the clean
    output of ``parse_payload`` (without ``version``; empty when an action is only being
    offered)."""

    case: CaseSnapshot
    actor: Actor
    payload: Mapping[str, Any]
    now: datetime
    rules: RuleBookLike


@dataclass(frozen=True)
class DeadlineChange:
    """(Re)set a deadline. ``days`` is the statutory limit it was computed from (0 for limits in
    hours); ``due_at`` is authoritative. ``paused=True`` stops the clock (the engine records
    ``paused_at = now``); ``extended`` records that the one allowed extension was used."""

    due_at: datetime
    started_at: datetime
    days: int
    unit: str = "calendar"
    paused: bool = False
    extended: bool = False

    def row(self, at: datetime) -> dict[str, Any]:
        """The deadline's stored values once this change is applied at ``at`` (a change
        always reopens a deadline: ``met_at`` None)."""
        return {
            "due_at": self.due_at,
            "started_at": self.started_at,
            "days": self.days,
            "unit": self.unit,
            "paused_at": at if self.paused else None,
            "extended": self.extended,
            "met_at": None,
        }


@dataclass(frozen=True)
class ChildCase:
    """A case to create under this one (same enterprise and commune).

    ``deadlines`` (an addition to the original interface) are set on the child at creation, for
    a claim that starts straight in ``assessed`` (a death) and so never runs its own effect.
    """

    kind: str
    state: str
    data: Mapping[str, Any]
    victim_id: int | None = None
    deadlines: Mapping[str, DeadlineChange] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What the engine applies after the state change.

    ``set``: case column updates (only ``severity`` and ``investigation_level``); ``data``: keys
    merged into ``case.data`` (None removes a key; values are JSON-ready, datetimes as ISO
    text); ``deadlines``: name → :class:`DeadlineChange` to (re)set, or None to mark it met
    (only ``WorkflowDefinition.outcome`` writes None, from ``Deadline.met_by``; an effect that
    does is refused); ``children``: cases to create; ``victims``: victim id → column updates
    (datetimes as aware ``datetime`` objects, since they are columns, not JSON).
    """

    set: Mapping[str, Any] = field(default_factory=dict)
    data: Mapping[str, Any] = field(default_factory=dict)
    deadlines: Mapping[str, DeadlineChange | None] = field(default_factory=dict)
    children: tuple[ChildCase, ...] = ()
    victims: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)

    def merged_data(self, data: Mapping[str, Any] | None) -> dict[str, Any]:
        """``data`` (a case's JSON) with this outcome's keys merged in, as a new dict."""
        merged = dict(data or {})
        for key, value in self.data.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        return merged


SETTABLE_COLUMNS = frozenset({"severity", "investigation_level"})

# A predicate answers None when it holds, else the Reason it does not (guards, routing
# conditions, task and notice ``when``s are all predicates).
Predicate = Callable[[Context], "Reason | None"]
Effect = Callable[[Context], Outcome]
Resolver = Callable[[CaseSnapshot], str]


@dataclass(frozen=True)
class Decision:
    """What ``WorkflowDefinition.decide`` says about firing a trigger now.

    ``transition`` is the one the trigger routes to (None: no transition leaves this state, or
    none whose conditions hold); ``reasons`` why it may not fire (empty: it may).
    ``role_refused`` says the actor's role may not fire it at all (403; its one reason is
    ``ROLE_REFUSAL``). Otherwise reasons about the input (``Reason.about_input``, 422) and about
    the case's state (409) are told apart by :attr:`input_reasons` / :attr:`state_reasons`.
    """

    transition: Transition | None
    reasons: tuple[Reason, ...] = ()
    role_refused: bool = False

    @property
    def allowed(self) -> bool:
        return self.transition is not None and not self.reasons

    @property
    def state_reasons(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if not r.about_input)

    @property
    def input_reasons(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.about_input)


@dataclass(frozen=True)
class OpenTask:
    """A task that is open now, with its role resolved and its due time (or None)."""

    task: Task
    role: str
    due_at: datetime | None


# --------------------------------------------------------------------------------------------
# The definition
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkflowDefinition:
    """One case kind's lifecycle. ``on_create`` names the effect run when the case is declared
    (logged as trigger ``declare``); ``create_notify`` says who is told then;
    ``declaration_fields`` are the kind's own declaration data (beyond the common ones)."""

    kind: str
    letter: str
    label_vi: str
    label_en: str
    initial: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    deadlines: tuple[Deadline, ...]
    # Every guard, routing condition and task/notice ``when`` by name; one table, one type.
    predicates: Mapping[str, Predicate]
    effects: Mapping[str, Effect]
    resolvers: Mapping[str, Resolver]
    on_create: str | None = None
    doc: str = ""
    create_notify: tuple[Notify, ...] = ()
    declaration_fields: tuple[Field, ...] = ()
    # Who may declare the kind and what the declaration takes (None: nobody declares it).
    declaration: DeclarationSpec | None = None
    # Columns kept in step with ``case.data`` so scopes can filter on them in SQL (e.g. the
    # claim's ``insurance_filed``): column name → pure function of the case's data.
    indexed_columns: Mapping[str, Callable[[Mapping[str, Any]], Any]] = field(default_factory=dict)
    # The documents a case of this kind must hold, when (``workflows.dossier``).
    dossier: Dossier = field(default_factory=Dossier)
    # Who sees a case beyond the common scope rules: role → an ``indexed_columns`` boolean that
    # must be true (the claim is shared with ``insurance`` once ``insurance_filed``).
    shared_with: Mapping[str, str] = field(default_factory=dict)
    # Facts the application supplies in ``CaseSnapshot.facts`` (computed from other cases, so
    # this package cannot): names registered in ``app/services/case_facts.py``.
    facts: tuple[str, ...] = ()
    # Where ``case.data`` holds medical detail or what one can work it back from (a benefit's
    # kind, a number of months, an article quoting a band): dotted paths, each a key or a
    # whole subtree ("insurance.expected_kind", "assessments"). Only the roles with medical
    # access see them; every surface asks ``app/services/privacy.py``, which reads this.
    medical_data: tuple[str, ...] = ()
    # The papers SafeCase issues for a case of this kind and when (:class:`PaperSpec`).
    papers: tuple[PaperSpec, ...] = ()

    # -- look-ups ---------------------------------------------------------------------------

    @property
    def entry_states(self) -> tuple[str, ...]:
        """The states a case of this kind may be created in: ``initial`` and, for a kind with a
        quick notice (``DeclarationSpec.notice``), the notice's state."""
        notice = self.declaration.notice if self.declaration is not None else None
        return (self.initial,) if notice is None else (self.initial, notice.state)

    def state(self, name: str) -> State:
        """:raises KeyError: for an unknown state."""
        for state in self.states:
            if state.name == name:
                return state
        raise KeyError(f"{self.kind}: unknown state {name!r}")

    def deadline(self, name: str) -> Deadline:
        """:raises KeyError: for an unknown deadline."""
        for deadline in self.deadlines:
            if deadline.name == name:
                return deadline
        raise KeyError(f"{self.kind}: unknown deadline {name!r}")

    def paper(self, name: str) -> PaperSpec:
        """:raises KeyError: a paper this kind does not issue."""
        for paper in self.papers:
            if paper.name == name:
                return paper
        raise KeyError(f"{self.kind}: no paper {name!r}")

    def papers_issued_on(self, trigger: str) -> tuple[str, ...]:
        """The papers issued (or issued anew when changed) after ``trigger``."""
        return tuple(paper.name for paper in self.papers if trigger in paper.issued_on)

    def may_reissue(self, name: str, role: str, case: CaseSnapshot) -> bool:
        """Whether ``role`` may issue a new version of paper ``name`` of ``case`` by hand: a
        role the paper's ``reissuers`` name, or the one a named resolver picks for the case.

        :raises KeyError: a paper this kind does not issue."""
        return any(self.resolve_role(name_, case) == role for name_ in self.paper(name).reissuers)

    def transitions_for(self, trigger: str, source: str) -> tuple[Transition, ...]:
        """The transitions of ``trigger`` leaving ``source``, in declaration order."""
        return tuple(t for t in self.transitions if t.trigger == trigger and source in t.sources)

    def triggers(self) -> tuple[str, ...]:
        """Every trigger, once, in declaration order."""
        return tuple(dict.fromkeys(t.trigger for t in self.transitions))

    def fields_for(self, trigger: str, source: str) -> tuple[Field, ...]:
        """The payload fields of ``trigger`` from ``source`` (``validate`` ensures all routed
        alternatives share them, so the payload can be parsed before routing)."""
        found = self.transitions_for(trigger, source)
        return found[0].fields if found else ()

    # -- deciding (pure; the engine and the pure tests both call these, nothing else decides) --

    def holds(self, name: str, ctx: Context) -> bool:
        """Whether predicate ``name`` holds for ``ctx``."""
        return self.predicates[name](ctx) is None

    def may_role_fire(self, trigger: str, role: str) -> bool:
        """Whether ``role`` may fire ``trigger`` from some state (deny by default)."""
        return any(role in t.roles for t in self.transitions if t.trigger == trigger)

    def select(self, trigger: str, ctx: Context) -> Transition | None:
        """The transition ``trigger`` takes from the case's state: the first whose routing
        conditions all hold, or None."""
        for transition in self.transitions_for(trigger, ctx.case.state):
            if all(self.holds(name, ctx) for name in transition.conditions):
                return transition
        return None

    def refusals(self, transition: Transition, ctx: Context) -> tuple[Reason, ...]:
        """The reasons ``ctx.actor`` may not fire ``transition`` now (empty: allowed), one per
        guard that does not hold, in declaration order."""
        reasons = (self.predicates[name](ctx) for name in transition.guards)
        return tuple(_as_reason(r) for r in reasons if r is not None)

    def decide(self, trigger: str, ctx: Context) -> Decision:
        """Whether ``ctx.actor`` may fire ``trigger`` with ``ctx.payload`` now, and if not why.

        The role check comes first and alone: guard reasons are not shown to a role that may
        not fire the trigger at all.
        """
        transition = self.select(trigger, ctx)
        if transition is None:
            return Decision(None)
        if ctx.actor.role not in transition.roles:
            return Decision(transition, (Reason(ROLE_REFUSAL),), role_refused=True)
        return Decision(transition, self.refusals(transition, ctx))

    def choices(
        self, ctx: Context
    ) -> tuple[tuple[str, ...], tuple[tuple[str, tuple[Reason, ...]], ...]]:
        """What ``ctx.actor`` sees of the case's next steps before any input is given, in one
        pass over the guards: ``(offered, waiting)``.

        ``offered``: the triggers with a transition from the case's state that the role may
        fire and whose guards hold, or fail only on input still to be typed (a reason with a
        field). Routing conditions are not consulted: they read the input, and any
        alternative makes the action available.

        ``waiting``: the other triggers the role could fire from the state but that wait on
        something else first, with what they wait on — every guard that refuses says so
        (``Reason.waiting``) or faults only input, and at least one waits. A refusal about the
        actor (not the investigating body) hides the trigger, as it hides it from ``offered``.
        """
        offered, waiting = [], []
        for trigger in self.triggers():
            refused = []
            for transition in self.transitions_for(trigger, ctx.case.state):
                if ctx.actor.role not in transition.roles:
                    continue
                reasons = self.refusals(transition, ctx)
                if all(reason.about_input for reason in reasons):
                    offered.append(trigger)
                    break
                refused.append(reasons)
            else:
                for reasons in refused:
                    waits = tuple(r for r in reasons if r.waiting)
                    if waits and all(r.waiting or r.about_input for r in reasons):
                        waiting.append((trigger, waits))
                        break
        return tuple(offered), tuple(waiting)

    def offered(self, ctx: Context) -> tuple[str, ...]:
        """The triggers offered to ``ctx.actor`` now (``choices``' first half)."""
        return self.choices(ctx)[0]

    def waiting(self, ctx: Context) -> tuple[tuple[str, tuple[Reason, ...]], ...]:
        """The triggers waiting on something else first, with why (``choices``' second half)."""
        return self.choices(ctx)[1]

    def outcome(self, transition: Transition, ctx: Context) -> Outcome:
        """What firing ``transition`` changes: its effect's :class:`Outcome` plus every
        deadline the trigger meets (``Deadline.met_by``) marked met.

        :raises ValueError: when the effect itself marks a deadline met (that is
            ``met_by``'s job, so the rule lives in one place).
        """
        outcome = self.effects[transition.effect](ctx) if transition.effect else Outcome()
        closed_by_effect = [name for name, change in outcome.deadlines.items() if change is None]
        if closed_by_effect:
            raise ValueError(
                f"{self.kind}.{transition.effect}: effects may not mark deadlines met "
                f"({', '.join(closed_by_effect)}); declare it in Deadline.met_by"
            )
        met = {
            deadline.name: None
            for deadline in self.deadlines
            if transition.trigger in deadline.met_by and deadline.name not in outcome.deadlines
        }
        if not met:
            return outcome
        return replace(outcome, deadlines={**met, **outcome.deadlines})

    def notices(self, transition_or_notifies: Transition | tuple[Notify, ...], ctx: Context):
        """The :class:`Notify` entries whose ``when`` holds for ``ctx``."""
        notifies = (
            transition_or_notifies.notify
            if isinstance(transition_or_notifies, Transition)
            else transition_or_notifies
        )
        return tuple(n for n in notifies if n.when is None or self.holds(n.when, ctx))

    def resolve_role(self, role: str, case: CaseSnapshot) -> str:
        """A role name as is, or the role a resolver picks for ``case``."""
        return self.resolvers[role](case) if role in self.resolvers else role

    def open_tasks(self, case: CaseSnapshot, *, now: datetime, rules: RuleBookLike):
        """The tasks open for ``case`` now. ``when`` predicates see a system actor and an empty
        payload, so task predicates must read only ``ctx.case``."""
        ctx = Context(case=case, actor=SYSTEM_ACTOR, payload={}, now=now, rules=rules)
        result = []
        for task in self.state(case.state).tasks:
            if task.when is not None and not self.holds(task.when, ctx):
                continue
            due_at = None
            if task.deadline is not None:
                deadline = case.open_deadline(task.deadline)
                due_at = deadline.get("due_at") if deadline else None
            result.append(OpenTask(task, self.resolve_role(task.role, case), due_at))
        return tuple(result)

    # -- consistency -------------------------------------------------------------------------

    def validate(self) -> None:
        """Check the definition; :raises WorkflowError: listing every problem found."""
        problems = _Checker(self).run()
        if problems:
            raise WorkflowError(self.kind, problems)


class _Checker:
    """Collects every inconsistency of a definition instead of stopping at the first."""

    def __init__(self, definition: WorkflowDefinition) -> None:
        self.d = definition
        self.problems: list[str] = []
        self.state_names = [s.name for s in definition.states]

    def run(self) -> list[str]:
        self._header()
        self._states()
        self._transitions()
        self._routing()
        self._graph()
        self._deadlines()
        self._notifies(self.d.create_notify, "declaration")
        self._fields(self.d.declaration_fields, "declaration")
        self._dossier_and_sharing()
        self._declaration()
        self._papers()
        return self.problems

    def _add(self, message: str) -> None:
        self.problems.append(message)

    def _named(self, what: str, name: str | None, table: Mapping, where: str) -> None:
        if name is None:
            return
        if name not in table:
            self._add(f"{where}: unknown {what} {name!r}")
        elif not callable(table[name]):
            self._add(f"{where}: {what} {name!r} is not callable")

    def _once(self, what: str, names: list[str]) -> None:
        for name in dict.fromkeys(n for n in names if names.count(n) > 1):
            self._add(f"{what} {name!r}: declared twice")

    def _roles(self, roles: tuple[str, ...], problem: str) -> None:
        for role in roles:
            if role not in ROLES:
                self._add(f"{problem} {role!r}")

    def _role_or_resolver(self, role: str, where: str) -> None:
        if role not in ROLES and role not in self.d.resolvers:
            self._add(f"{where}: {role!r} is neither a role nor a resolver")

    def _header(self) -> None:
        d = self.d
        if not d.kind:
            self._add("kind is empty")
        if len(d.letter) != 1 or not d.letter.isupper():
            self._add(f"letter {d.letter!r} must be one upper-case letter")
        if d.initial not in self.state_names:
            self._add(f"initial state {d.initial!r} does not exist")
        self._named("effect", d.on_create, d.effects, "on_create")
        for column, derive in d.indexed_columns.items():
            if not callable(derive):
                self._add(f"indexed column {column!r}: its derivation is not callable")

    def _states(self) -> None:
        seen: set[str] = set()
        deadline_names = {dl.name for dl in self.d.deadlines}
        for state in self.d.states:
            if state.name in seen:
                self._add(f"state {state.name!r} is declared twice")
            seen.add(state.name)
            task_names: set[str] = set()
            for task in state.tasks:
                where = f"state {state.name!r} task {task.name!r}"
                if task.name in task_names:
                    self._add(f"{where}: declared twice")
                task_names.add(task.name)
                self._role_or_resolver(task.role, where)
                if task.deadline is not None and task.deadline not in deadline_names:
                    self._add(f"{where}: unknown deadline {task.deadline!r}")
                self._named("condition", task.when, self.d.predicates, where)

    def _transitions(self) -> None:
        for t in self.d.transitions:
            where = f"transition {t.trigger!r} {t.sources}->{t.dest}"
            if not t.sources:
                self._add(f"{where}: has no source")
            for source in t.sources:
                if source not in self.state_names:
                    self._add(f"{where}: unknown source {source!r}")
            if t.dest is not None and t.dest not in self.state_names:
                self._add(f"{where}: unknown dest {t.dest!r}")
            if not t.roles:
                self._add(f"{where}: no role may fire it (deny by default makes it dead)")
            self._roles(t.roles, f"{where}: unknown role")
            for name in t.guards:
                self._named("guard", name, self.d.predicates, where)
            for name in t.conditions:
                self._named("condition", name, self.d.predicates, where)
            self._named("effect", t.effect, self.d.effects, where)
            self._fields(t.fields, where)
            self._notifies(t.notify, where)

    def _fields(self, fields: tuple[Field, ...], where: str) -> None:
        names: set[str] = set()
        for f in fields:
            if f.name in names:
                self._add(f"{where}: field {f.name!r} declared twice")
            names.add(f.name)
            if f.name == "version":
                self._add(f"{where}: field name 'version' is reserved for the engine")
            if f.kind not in FIELD_KINDS:
                self._add(f"{where}: field {f.name!r} has unknown kind {f.kind!r}")
            if f.choices and f.kind != "text":
                self._add(f"{where}: field {f.name!r} has choices but is not text")
            if (f.kind == "record") != bool(f.parts):
                self._add(f"{where}: field {f.name!r}: parts go with kind 'record' only")
            if (f.kind == "code") != (f.code_list is not None):
                self._add(f"{where}: field {f.name!r}: code_list goes with kind 'code' only")
            bounds = f.bounds
            if None not in (bounds.minimum, bounds.maximum) and bounds.minimum > bounds.maximum:
                self._add(f"{where}: field {f.name!r}: its minimum is above its maximum")
            if f.max_length is not None and f.kind not in ("text", "code", "list_text",
                                                          "documents", "members"):  # fmt: skip
                self._add(f"{where}: field {f.name!r}: max_length goes with a text or list")
            if (f.kind == "members") != (f.members is not None):
                self._add(f"{where}: field {f.name!r}: a members field, and only one, has members")
            elif f.members is not None and f.members.single is not None:
                if f.members.single not in f.members.roles:
                    self._add(f"{where}: field {f.name!r}: single role is not one of its roles")

    def _declaration(self) -> None:
        spec = self.d.declaration
        if spec is None:
            if self.d.declaration_fields:
                self._add("declaration fields without a declaration spec")
            return
        for problem in spec.problems(self.d.declaration_fields, ROLES):
            self._add(f"declaration: {problem}")
        notice = spec.notice
        if notice is None:
            return
        if notice.state not in self.state_names:
            self._add(f"quick notice: unknown state {notice.state!r}")
        elif notice.state == self.d.initial or self.d.state(notice.state).terminal:
            self._add(f"quick notice: state {notice.state!r} is the initial or a terminal one")
        leaving = self.d.transitions_for(notice.completed_by, notice.state)
        if not leaving:
            self._add(f"quick notice: {notice.completed_by!r} does not leave {notice.state!r}")
        elif any(t.dest != self.d.initial for t in leaving) or any(t.fields for t in leaving):
            self._add(
                f"quick notice: {notice.completed_by!r} must lead to {self.d.initial!r} and "
                "take no fields of its own (its payload is the declaration)"
            )

    def _papers(self) -> None:
        self._once("paper", [paper.name for paper in self.d.papers])
        triggers = set(self.d.triggers()) | set(CREATION_TRIGGERS)
        for paper in self.d.papers:
            where = f"paper {paper.name!r}"
            if paper.name not in PAPER_NAMES:
                self._add(f"{where}: not one of the papers SafeCase issues {PAPER_NAMES}")
            if not paper.issued_on:
                self._add(f"{where}: no trigger issues it")
            for trigger in paper.issued_on:
                if trigger not in triggers:
                    self._add(f"{where}: issued on unknown trigger {trigger!r}")
            for role in paper.reissuers:
                self._role_or_resolver(role, f"{where} reissuer")

    def _notifies(self, notifies: tuple[Notify, ...], where: str) -> None:
        for n in notifies:
            if not n.roles:
                self._add(f"{where}: notify {n.event!r} has no roles")
            self._roles(n.roles, f"{where}: notify {n.event!r} unknown role")
            self._named("condition", n.when, self.d.predicates, f"{where} notify {n.event!r}")

    def _routing(self) -> None:
        # Same trigger from the same source: the engine parses the payload before routing, so
        # the alternatives must take the same fields, and only the last may be unconditional.
        for source in self.state_names:
            for trigger in self.d.triggers():
                found = self.d.transitions_for(trigger, source)
                if len(found) < 2:
                    continue
                if len({t.fields for t in found}) > 1:
                    self._add(f"{trigger!r} from {source!r}: alternatives take different fields")
                for t in found[:-1]:
                    if not t.conditions:
                        self._add(
                            f"{trigger!r} from {source!r}: an unconditional alternative "
                            "hides the ones after it"
                        )

    def _graph(self) -> None:
        entries = [s for s in self.d.entry_states if s in self.state_names]
        if self.d.initial not in entries:
            return
        reached = set(entries)
        frontier = list(entries)
        while frontier:
            current = frontier.pop()
            for t in self.d.transitions:
                if current in t.sources and t.dest is not None and t.dest not in reached:
                    reached.add(t.dest)
                    frontier.append(t.dest)
        for state in self.d.states:
            if state.name not in reached:
                self._add(f"state {state.name!r} is not reachable from {' or '.join(entries)}")
            if state.terminal:
                continue
            exits = [
                t
                for t in self.d.transitions
                if state.name in t.sources and t.dest not in (None, state.name)
            ]
            if not exits:
                self._add(f"non-terminal state {state.name!r} has no exit")

    def _deadlines(self) -> None:
        triggers = set(self.d.triggers())
        self._once("deadline", [dl.name for dl in self.d.deadlines])
        for dl in self.d.deadlines:
            where = f"deadline {dl.name!r}"
            if dl.unit not in DEADLINE_UNITS:
                self._add(f"{where}: unknown unit {dl.unit!r}")
            if not dl.met_by:
                self._add(f"{where}: no trigger meets it")
            for trigger in dl.met_by:
                if trigger not in triggers:
                    self._add(f"{where}: met_by unknown trigger {trigger!r}")
            self._role_or_resolver(dl.role, where)
            self._roles(dl.supervisors, f"{where}: unknown supervisor role")

    def _dossier_and_sharing(self) -> None:
        self._once("dossier item", [item.category for item in self.d.dossier.items])
        for item in self.d.dossier.items:
            where = f"dossier item {item.category!r}"
            if item.category not in CATEGORIES:
                self._add(f"{where}: unknown document category")
            if item.states is not None and not item.states:
                self._add(f"{where}: no state requires it (None means every state)")
            for state in item.states or ():
                if state not in self.state_names:
                    self._add(f"{where}: unknown state {state!r}")
            for key in item.when:
                if not key:
                    self._add(f"{where}: an empty data key in 'when'")
        self._uploaders()
        self._medical_data()
        for role, column in self.d.shared_with.items():
            where = f"shared with {role!r}"
            # The system actor and the admin read no case content; sharing with them is a typo.
            if role not in ROLES or role in ("system", "admin"):
                self._add(f"{where}: not a role that reads cases")
            if column not in self.d.indexed_columns:
                self._add(f"{where}: column {column!r} is not one of indexed_columns")

    def _uploaders(self) -> None:
        for uploader in self.d.dossier.uploaders:
            where = f"dossier uploader {uploader.categories}"
            if not uploader.categories or not uploader.roles:
                self._add(f"{where}: names no category or no role")
            for category in uploader.categories:
                if category not in CATEGORIES:
                    self._add(f"{where}: unknown document category {category!r}")
            for role in uploader.roles:
                self._role_or_resolver(role, where)
            if uploader.states is not None and not uploader.states:
                self._add(f"{where}: no state allows it (None means every open state)")
            for state in uploader.states or ():
                if state not in self.state_names:
                    self._add(f"{where}: unknown state {state!r}")

    def _medical_data(self) -> None:
        for path in self.d.medical_data:
            if not path or any(not part for part in path.split(".")):
                self._add(f"medical data path {path!r}: empty key")
        self._once("medical data path", list(self.d.medical_data))
        for state in self.d.states:
            if bool(state.public_label_vi) != bool(state.public_label_en):
                self._add(f"state {state.name!r}: a public label needs both languages")


# --------------------------------------------------------------------------------------------
# Small helpers shared by the workflow files
# --------------------------------------------------------------------------------------------


def local_date(moment: datetime) -> date:
    """The Vietnam-local calendar day of an aware datetime (what "ngày" means in the law)."""
    return moment.astimezone(VN_TZ).date()


def iso(moment: datetime | None) -> str | None:
    """An aware datetime as ISO 8601 text for ``case.data`` (None stays None)."""
    return None if moment is None else moment.isoformat()


def parse_iso(value: Any) -> datetime | None:
    """Read back a datetime stored by :func:`iso` (or passed through as a datetime)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def not_future(ctx: Context, key: str, what: str) -> str | None:
    """A guard's reason when the payload's ``key`` (a moment) lies after now, else None."""
    moment = ctx.payload.get(key)
    if moment is not None and moment > ctx.now:
        return Reason(f"{what} không được ở tương lai.", field=key)
    return None


def not_before(
    ctx: Context, key: str, what: str, start: datetime | None, start_words: str
) -> str | None:
    """A guard's reason when the payload's ``key`` (a moment) lies before ``start`` or after
    now, else None. The message names ``start`` to the minute, not only its day: a moment
    earlier on the same day is refused too, and people must see what was compared (#15)."""
    moment = ctx.payload.get(key)
    if moment and start and moment < start:
        from workflows.law.calendar import VN_TZ

        shown = start.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")
        return Reason(f"{what} không được trước {start_words} ({shown}).", field=key)
    return not_future(ctx, key, what)


def since_declaration(ctx: Context, key: str, what: str) -> str | None:
    """``not_before`` the case's declaration."""
    return not_before(ctx, key, what, ctx.case.declared_at, "thời điểm khai báo vụ việc")


def close(ctx: Context) -> Outcome:
    """The effect of closing a case of any kind: the moment it was closed."""
    return Outcome(data={"closed_at": iso(ctx.now)})
