"""Disease: an occupational disease (bệnh nghề nghiệp) and the claims it opens.

An employer declares a worker's occupational disease after an occupational-disease
examination: the disease (from the Ministry of Health list, Circular 15/2016/TT-BYT as amended
by 02/2023/TT-BYT), the diagnosis date, the exposure, the examining facility, and the workers
concerned. The inspector checks that the disease is on the list and that the exposure
conditions are met, and either ``confirm``\\s it — which opens one claim per worker, since the
employer owes compensation for every occupational disease (Law 84/2015 Art. 38(4)) and the
worker may be entitled to insurance benefits (Art. 46) — or ``reject``\\s it with a reason.
The case is ``close``\\d when all its claims are closed.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time

from workflows.base import (
    VN_TZ,
    CaseSnapshot,
    Context,
    Field,
    Notify,
    Outcome,
    PaperSpec,
    State,
    Task,
    Transition,
    WorkflowDefinition,
    close,
    iso,
)
from workflows.claim import has_all_claims_closed, victim_claims
from workflows.declaration import (
    DECLARED_TEXT_MAX,
    N_,
    VICTIM,
    Check,
    DeclarationSpec,
    Declarer,
    Input,
    commune_code,
    description,
    location,
)
from workflows.dossier import MEDICAL_DOSSIER


def diagnosed_at(case: CaseSnapshot) -> datetime | None:
    """The moment the disease counts from: the case's ``occurred_at``, else the diagnosis day
    at local midnight (the claim's wage and base-salary dates hang on it)."""
    if case.occurred_at is not None:
        return case.occurred_at
    day = case.data.get("diagnosed_on")
    if not day:
        return None
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return datetime.combine(day, time(), tzinfo=VN_TZ)


def confirm(ctx: Context) -> Outcome:
    at = diagnosed_at(ctx.case) or ctx.now
    snapshot = ctx.case
    if snapshot.occurred_at is None:
        snapshot = replace(snapshot, occurred_at=at)
    # An occupational disease is never "the worker's fault" (Art. 38(4) covers every case).
    children, claimed = victim_claims(
        snapshot, worker_at_fault=False, announced_at=ctx.now, rules=ctx.rules, source="disease"
    )
    return Outcome(
        data={
            "confirmation": {"note": ctx.payload["note"], "confirmed_at": iso(ctx.now)},
            "claimed_victim_ids": claimed,
        },
        children=children,
    )


def reject(ctx: Context) -> Outcome:
    return Outcome(
        data={"rejection": {"reason": ctx.payload["reason"], "rejected_at": iso(ctx.now)}}
    )


# The disease is the diagnosis; the exposure ("silica dust") and the examining facility (a
# lung hospital) name it all but outright, so all three are medical (app/services/privacy.py).
DECLARATION_FIELDS = (
    Field("disease", "text", label_vi="Bệnh nghề nghiệp (theo danh mục Bộ Y tế)",
          label_en="Disease (Ministry of Health list)", max_length=DECLARED_TEXT_MAX,
          medical=True),
    Field("diagnosed_on", "date", label_vi="Ngày chẩn đoán", label_en="Diagnosis date"),
    Field("exposure", "text", label_vi="Yếu tố tiếp xúc", label_en="Exposure",
          max_length=DECLARED_TEXT_MAX, medical=True),
    Field("facility", "text", label_vi="Cơ sở khám bệnh nghề nghiệp",
          label_en="Examining facility", max_length=DECLARED_TEXT_MAX, medical=True),
)  # fmt: skip
# (The disease and its code are medical whatever the kind: app/services/privacy.MEDICAL_KEYS.)
MEDICAL_DATA = ("exposure", "facility")

STATES = (
    State("declared", "Đã khai báo", "Declared",
          tasks=(Task("confirm", "inspector", "Xác nhận bệnh nghề nghiệp",
                      "Confirm the occupational disease"),)),
    State("confirmed", "Đã xác nhận", "Confirmed",
          tasks=(Task("close", "inspector", "Đóng vụ việc", "Close the case",
                      when="has_all_claims_closed"),)),
    State("rejected", "Không xác nhận", "Rejected", terminal=True),
    State("closed", "Đã đóng", "Closed", terminal=True),
)  # fmt: skip

TRANSITIONS = (
    Transition(
        "confirm", ("declared",), "confirmed", ("inspector",),
        "Xác nhận bệnh nghề nghiệp", "Confirm",
        fields=(Field("note", "text", label_vi="Nhận xét", label_en="Note"),),
        effect="confirm",
        notify=(Notify("disease.confirmed", ("enterprise", "union")),),
    ),
    Transition(
        "reject", ("declared",), "rejected", ("inspector",),
        "Không xác nhận", "Reject",
        fields=(Field("reason", "text", label_vi="Lý do", label_en="Reason"),),
        effect="reject",
        notify=(Notify("disease.rejected", ("enterprise",)),),
    ),
    Transition(
        "close", ("confirmed",), "closed", ("inspector", "enterprise"),
        "Đóng vụ việc", "Close the case",
        guards=("has_all_claims_closed",), effect="close",
        notify=(Notify("disease.closed", ("enterprise", "union")),),
    ),
)  # fmt: skip

WORKFLOW = WorkflowDefinition(
    kind="disease",
    letter="D",
    label_vi="Bệnh nghề nghiệp",
    label_en="Occupational disease",
    initial="declared",
    states=STATES,
    transitions=TRANSITIONS,
    deadlines=(),
    predicates={"has_all_claims_closed": has_all_claims_closed},
    effects={"confirm": confirm, "reject": reject, "close": close},
    resolvers={},
    doc=__doc__ or "",
    create_notify=(Notify("disease.declared", ("inspector",)),),
    declaration_fields=DECLARATION_FIELDS,
    dossier=MEDICAL_DOSSIER,
    medical_data=MEDICAL_DATA,
    # The report of the case, frozen as declared; the employer reissues it when it corrects it.
    papers=(PaperSpec("declaration", ("declare",), reissuers=("enterprise",)),),
    # The employer declares, after the occupational-disease examination, for the workers
    # concerned (sent as victims or workers; serious unless the worker died).
    declaration=DeclarationSpec(
        declarers=(Declarer("enterprise", True),),
        inputs=(
            Input("disease_code", "code", "Mã bệnh", "Disease code", required=False, limit=20,
                  invalid=N_("Mã phải là văn bản, tối đa 20 ký tự.")),
            commune_code(),
            location(required=False),
            description(required=False),
        ),
        aliases={"diagnosed_at": "diagnosed_on"},
        checks=(
            Check("diagnosed_on", "not_future", N_("Ngày chẩn đoán không được ở tương lai.")),
            Check("diagnosed_on", "from_year", N_("Ngày chẩn đoán không hợp lý."), (1950,)),
        ),
        victims=VICTIM,
        victims_keys=("victims", "workers"),
        default_outcome="serious",
        occurred_on="diagnosed_on",
    ),
)  # fmt: skip
