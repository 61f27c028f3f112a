"""Incident: a serious technical incident (sự cố kỹ thuật gây mất an toàn, vệ sinh lao động
nghiêm trọng, Law 84/2015 Art. 3(7)).

An employer declares the incident — the equipment, what failed, the damage and any
casualties — and the provincial inspectorate is told at once (Art. 34, 19). The inspector
forms a team (``open_investigation``), writes the conclusions (``conclude``: causes,
responsibilities, measures) and announces them (``announce``; incident results are published
after the investigation, Art. 35(9)(d)), then ``close``\\s the case; or ``reject``\\s the
declaration. People hurt in the incident are declared as linked accident cases, which run their
own lifecycle. Decree 39/2016 sets the incident team and time limits, which law.md marks
UNVERIFIED, so no deadline is tracked here yet.
"""

from __future__ import annotations

from workflows import investigation
from workflows.base import (
    Field,
    Notify,
    PaperSpec,
    State,
    Task,
    Transition,
    WorkflowDefinition,
    close,
)
from workflows.declaration import (
    DECLARED_TEXT_MAX,
    N_,
    OCCURRED_IN_FUTURE,
    Check,
    DeclarationSpec,
    Declarer,
    commune_code,
    description,
    location,
    occurred_at,
)
from workflows.dossier import investigation_dossier
from workflows.dossier_rules import DOCUMENTS_FACT, DossierRules
from workflows.investigation import ANNOUNCE_FIELDS, MINUTES_FIELDS, REJECT_FIELDS, TEAM_FIELDS

DECLARATION_FIELDS = (
    Field("equipment", "text", label_vi="Máy, thiết bị", label_en="Equipment",
          max_length=DECLARED_TEXT_MAX),
    Field("failure", "text", label_vi="Diễn biến sự cố", label_en="What failed",
          max_length=DECLARED_TEXT_MAX),
    Field("damage", "text", label_vi="Thiệt hại", label_en="Damage",
          max_length=DECLARED_TEXT_MAX),
    Field("casualties", "int", required=False, label_vi="Số người bị nạn",
          label_en="Casualties"),
)  # fmt: skip

STATES = (
    State("declared", "Đã khai báo", "Declared",
          tasks=(Task("open_investigation", "inspector", "Thành lập đoàn điều tra sự cố",
                      "Set up the investigation team"),)),
    State("investigating", "Đang điều tra", "Under investigation",
          tasks=(Task("conclude", "inspector", "Lập biên bản điều tra sự cố",
                      "Write the investigation minutes"),)),
    State("concluded", "Đã lập biên bản điều tra", "Minutes written",
          tasks=(Task("announce", "inspector", "Công bố kết quả điều tra",
                      "Announce the results"),)),
    State("announced", "Đã công bố", "Announced",
          tasks=(Task("close", "inspector", "Đóng vụ việc", "Close the case"),)),
    State("rejected", "Không thụ lý", "Rejected", terminal=True),
    State("closed", "Đã đóng", "Closed", terminal=True),
)  # fmt: skip

_PARTIES = ("enterprise", "union")

TRANSITIONS = (
    Transition(
        "open_investigation", ("declared",), "investigating", ("inspector",),
        "Thành lập đoàn điều tra", "Open the investigation",
        fields=TEAM_FIELDS, effect="open_team",
        notify=(Notify("incident.investigation_opened", _PARTIES),),
    ),
    Transition(
        "reject", ("declared",), "rejected", ("inspector",),
        "Không thụ lý", "Reject",
        fields=REJECT_FIELDS, effect="reject",
        notify=(Notify("incident.rejected", ("enterprise",)),),
    ),
    Transition(
        "conclude", ("investigating",), "concluded", ("inspector",),
        "Lập biên bản điều tra", "Write the minutes",
        fields=MINUTES_FIELDS, effect="conclude",
        notify=(Notify("incident.concluded", _PARTIES),),
    ),
    Transition(
        "announce", ("concluded",), "announced", ("inspector",),
        "Công bố kết quả điều tra", "Announce the results",
        guards=("is_valid_meeting_time",), fields=ANNOUNCE_FIELDS, effect="announce",
        notify=(Notify("incident.announced", _PARTIES),),
    ),
    Transition(
        "close", ("announced",), "closed", ("inspector",),
        "Đóng vụ việc", "Close the case", guards=("has_complete_dossier",), effect="close",
        notify=(Notify("incident.closed", _PARTIES),),
    ),
)  # fmt: skip

# The team's dossier once the investigation is opened; an incident has no casualty papers.
# The inspectorate's team adds its papers; the employer its photos and other papers.
DOSSIER = investigation_dossier(
    ("investigating", "concluded", "announced", "closed"), parties=("enterprise", "inspector")
)
# Closed with the dossier complete, or each missing paper marked not applicable by the
# inspectorate, which investigates and closes an incident.
DOSSIER_RULES = DossierRules(
    DOSSIER, states=("investigating", "concluded", "announced"), roles=("inspector",)
)
TRANSITIONS = TRANSITIONS + DOSSIER_RULES.transitions()

WORKFLOW = WorkflowDefinition(
    kind="incident",
    letter="I",
    label_vi="Sự cố kỹ thuật gây mất an toàn, vệ sinh lao động nghiêm trọng",
    label_en="Serious technical incident",
    initial="declared",
    states=STATES,
    transitions=TRANSITIONS,
    deadlines=(),
    predicates={
        "is_valid_meeting_time": investigation.is_valid_meeting_time,
        **DOSSIER_RULES.predicates(),
    },
    effects={
        "open_team": investigation.record_team,
        "conclude": investigation.record_minutes,
        "announce": investigation.record_announcement,
        "reject": investigation.record_rejection,
        "close": close,
        **DOSSIER_RULES.effects(),
    },
    resolvers={},
    doc=__doc__ or "",
    # Law 84/2015 Art. 34 / law.md §12: declared to the provincial inspectorate by the fastest
    # means.
    create_notify=(Notify("incident.declared", ("inspector",), urgent=True),),
    declaration_fields=DECLARATION_FIELDS,
    dossier=DOSSIER,
    # The documents attached, for the closing guard (app/services/case_facts.py).
    facts=(DOCUMENTS_FACT,),
    # The report as declared (the employer reissues it when it corrects it); the minutes when
    # written and again, with the meeting, when announced (the inspectorate's team issues them).
    papers=(
        PaperSpec("declaration", ("declare",), reissuers=("enterprise",)),
        PaperSpec("minutes", ("conclude", "announce"), reissuers=("inspector",)),
    ),
    # The employer declares; an incident has no labour relation of its own, and its casualties
    # are declared as accident cases linked to it.
    declaration=DeclarationSpec(
        declarers=(Declarer("enterprise", None),),
        inputs=(occurred_at(), commune_code(), location(), description(required=False)),
        checks=(
            Check("occurred_at", "not_future", OCCURRED_IN_FUTURE),
            Check("casualties", "between", N_("Số người bị nạn phải là số nguyên không âm."),
                  (0, 10_000)),
        ),
    ),
)  # fmt: skip
