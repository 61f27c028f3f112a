"""English texts of the notifications and emails, for users who chose English (#15: every
notification stayed Vietnamese). Same keys, same values and the same rules as
``app.jobs.messages`` (which says what each value is); a test checks the two tables name the
same events and the same placeholders. Case codes, people and legal references are as in the
Vietnamese texts."""

from __future__ import annotations

URGENT_PREFIX = "[URGENT] "

GENERIC = (
    "Case {case_code}: an update",
    "Case {case_code} has just had the action «{trigger}», by {actor}.",
)

MESSAGES: dict[str, tuple[str, str]] = {
    # -- accident ---------------------------------------------------------------------------
    "accident.declared_immediate": (
        "Occupational accident with a death or 2+ seriously injured — {case_code}",
        "Occupational accident {case_code} has just been declared: someone died or two or more "
        "people were seriously injured. The inspectorate must be at the scene within "
        "{scene_arrival_hours:02d} hours of the report (Decree 39/2016/ND-CP Art. 11(2)). "
        "Declared by: {actor}.",
    ),
    "accident.declared": (
        "New occupational accident declared — {case_code}",
        "Occupational accident {case_code} has just been declared by {actor}. Please read the "
        "declaration and take the next step within your competence.",
    ),
    "accident.notified_immediate": (
        "Quick notice: occupational accident with a death or 2+ seriously injured — {case_code}",
        "{actor} has just given a quick notice of occupational accident {case_code}: someone "
        "died or two or more people were seriously injured. The inspectorate must be at the "
        "scene within {scene_arrival_hours:02d} hours of the report (Decree 39/2016/ND-CP Art. "
        "11(2)). The time, place, number of casualties and the contact phone are on the case "
        "page; the full declaration will follow.",
    ),
    "accident.notified": (
        "Quick notice of an occupational accident — {case_code}",
        "{actor} has just given a quick notice of occupational accident {case_code}. The time, "
        "place, number of casualties and the contact phone are on the case page; the full "
        "declaration will follow.",
    ),
    "accident.declaration_completed": (
        "Declaration completed after the quick notice — {case_code}",
        "Occupational accident {case_code} has been fully declared ({actor}), after its quick "
        "notice. Please read the declaration and take the next step within your competence.",
    ),
    "accident.investigation_opened": (
        "Investigation team formed — {case_code}",
        "The investigation team for accident {case_code} has been formed ({actor}). The "
        "investigation limit follows the OSH Law, Art. 35(6).",
    ),
    "accident.recorded": (
        "The commune recorded the event — {case_code}",
        "The commune People's Committee has recorded the event of accident {case_code} ({actor}).",
    ),
    "accident.rejected": (
        "Declaration not accepted — {case_code}",
        "The declaration of accident {case_code} was not accepted ({actor}). The reason is in "
        "the case file.",
    ),
    "accident.deadline_extended": (
        "Investigation limit extended — {case_code}",
        "The investigation limit of accident {case_code} has been extended once ({actor}).",
    ),
    "accident.referred_to_police": (
        "Case referred to the police — {case_code}",
        "Accident {case_code} shows signs of a crime and has been referred to the police "
        "({actor}). The investigation limit is paused.",
    ),
    "accident.resumed": (
        "Investigation resumed — {case_code}",
        "The police returned the file of accident {case_code}; the investigation resumes and "
        "its limit is counted again ({actor}).",
    ),
    "accident.death_recorded": (
        "A victim has died — {case_code}",
        "A victim of accident {case_code} has died ({actor}). It is now a fatal occupational "
        "accident, investigated at province level; the investigation limit was recomputed.",
    ),
    "accident.concluded": (
        "Investigation minutes written — {case_code}",
        "The investigation team has written the minutes of accident {case_code} ({actor}).",
    ),
    "accident.announced": (
        "Investigation minutes announced — {case_code}",
        "The investigation minutes of case {case_code} have been announced. The compensation "
        "claims (if any) have been opened.",
    ),
    "accident.reopened": (
        "Re-investigation — {case_code}",
        "Accident {case_code} is investigated again after a complaint ({actor}); the old "
        "minutes no longer have effect.",
    ),
    "accident.closed": (
        "Case closed — {case_code}",
        "Accident {case_code} has been closed ({actor}).",
    ),
    # -- claim ------------------------------------------------------------------------------
    "claim.compensation_due": (
        "Compensation due — {case_code}",
        "Claim {case_code}: the employer must pay the compensation or allowance within "
        "{compensation_due_days:02d} days (OSH Law, Art. 38(7)).",
    ),
    "claim.not_eligible": (
        "Medical assessment concluded — {case_code}",
        "Claim {case_code}: the medical assessment council has concluded ({actor}). Please "
        "read the claim and take the next step within your competence.",
    ),
    "claim.payment_recorded": (
        "The employer recorded a compensation payment — {case_code}",
        "Claim {case_code}: the employer has recorded a compensation or allowance payment "
        "({actor}). Please confirm with the worker or the family.",
    ),
    "claim.receipt_confirmed": (
        "The union confirmed the money was received — {case_code}",
        "Claim {case_code}: the trade union confirms the compensation or allowance reached the "
        "worker or the family ({actor}).",
    ),
    "claim.insurance_filed": (
        "Accident-insurance dossier filed — {case_code}",
        "The employer has filed the social-insurance dossier of {case_code}. Social insurance "
        "decides within {insurance_decision_days} days (OSH Law, Art. 59(2)).",
    ),
    "claim.insurance_approved": (
        "Social insurance approved the dossier — {case_code}",
        "Social insurance has approved the occupational accident or disease dossier "
        "{case_code} ({actor}). The amount is in the claim.",
    ),
    "claim.insurance_refused": (
        "Social insurance refused the dossier — {case_code}",
        "Social insurance has refused the occupational accident or disease dossier "
        "{case_code} ({actor}). The reason is in the claim (OSH Law, Art. 59(2)).",
    ),
    "claim.reassessed": (
        "Re-assessment concluded — {case_code}",
        "Claim {case_code}: a re-assessment has been recorded ({actor}); the benefit is "
        "recomputed from the month of the new conclusion and social insurance decides again "
        "(OSH Law, Art. 47, 50).",
    ),
    "claim.item_requested": (
        "Another benefit requested — {case_code}",
        "Claim {case_code}: the employer asks for another accident-insurance benefit "
        "({actor}); social insurance decides it with the dossier.",
    ),
    "claim.closed": (
        "Claim closed — {case_code}",
        "Compensation claim {case_code} has been closed ({actor}).",
    ),
    # -- disease ----------------------------------------------------------------------------
    "disease.declared": (
        "New occupational disease declared — {case_code}",
        "An enterprise has just declared occupational disease {case_code} ({actor}). Please "
        "consider confirming it.",
    ),
    "disease.confirmed": (
        "Occupational disease confirmed — {case_code}",
        "Occupational disease {case_code} has been confirmed ({actor}); a compensation claim "
        "has been opened for each worker.",
    ),
    "disease.rejected": (
        "Occupational disease not confirmed — {case_code}",
        "The declaration of occupational disease {case_code} was not confirmed ({actor}). The "
        "reason is in the file.",
    ),
    "disease.closed": (
        "Occupational disease case closed — {case_code}",
        "Occupational disease case {case_code} has been closed ({actor}).",
    ),
    # -- serious technical incident ---------------------------------------------------------
    "incident.declared": (
        "Serious technical incident — {case_code}",
        "An enterprise has just declared the serious technical incident {case_code} "
        "({actor}). Please organise the investigation.",
    ),
    "incident.investigation_opened": (
        "Incident investigation team formed — {case_code}",
        "The investigation team for incident {case_code} has been formed ({actor}).",
    ),
    "incident.rejected": (
        "Incident declaration not accepted — {case_code}",
        "The declaration of incident {case_code} was not accepted ({actor}). The reason is in "
        "the file.",
    ),
    "incident.concluded": (
        "Incident minutes written — {case_code}",
        "The investigation team has written the minutes of incident {case_code} ({actor}).",
    ),
    "incident.announced": (
        "Incident findings announced — {case_code}",
        "The findings of incident {case_code} have been announced ({actor}).",
    ),
    "incident.closed": (
        "Incident case closed — {case_code}",
        "Incident case {case_code} has been closed ({actor}).",
    ),
    # -- report ----------------------------------------------------------------------------
    "report.submitted": (
        "Periodic report filed — {case_code}",
        "Periodic report {case_code} has just been filed ({actor}). Please review it, then "
        "accept it or send it back with a reason.",
    ),
    "report.returned": (
        "Periodic report sent back — {case_code}",
        "Periodic report {case_code} has been sent back ({actor}). Read the reason in the "
        "report, correct it and file it again.",
    ),
    "report.accepted": (
        "Periodic report accepted — {case_code}",
        "Periodic report {case_code} has been accepted ({actor}).",
    ),
    # -- deadline scan (app.jobs.deadlines) -------------------------------------------------
    "task.reminder": (
        "Due soon: {title_en} — {case_code}",
        "The task «{title_en}» of case {case_code} is due at {due} ({deadline_en}).",
    ),
    "task.overdue": (
        "Overdue: {title_en} — {case_code}",
        "The task «{title_en}» of case {case_code} has been overdue since {due} ({deadline_en}). "
        "Please act now.",
    ),
    "task.escalated": (
        "Overdue, for follow-up: {title_en} — {case_code}",
        "The task «{title_en}» of case {case_code} (the responsibility of {role_label_en}) has "
        "been overdue since {due} ({deadline_en}). Sent to the supervising body to follow up.",
    ),
}

MEDICAL_MESSAGES: dict[str, tuple[str, str]] = {
    "claim.not_eligible": (
        "Loss of working capacity below 5% — {case_code}",
        "Claim {case_code}: the assessment found below 5%; only the treatment costs and the "
        "wages during treatment are due ({actor}).",
    ),
}

FOOTER = "\n\n— SafeCase: an automatic notice, please do not reply to this email."
MUTE_HINT = "\nYou can turn off email for non-urgent notices on SafeCase's Notifications page."
