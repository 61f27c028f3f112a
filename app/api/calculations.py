"""Calculators and the employer's compensation decision through the API.

``POST /calculations/compensation`` and ``POST /calculations/insurance`` answer exactly the
contract's shapes (any signed-in role holding ``calculations.use``); ``GET
/claims/{id}/decision.pdf`` is the Circular 28/2021 Appendix II decision of a claim visible to
the caller.
"""

from __future__ import annotations

from flask import g, jsonify

from app.api import bp
from app.api.documents import pdf_response
from app.api.openapi import BLANK, ERROR, register_paths
from app.api.parsing import json_body
from app.permissions import require_permission
from app.services import calculations, issued_papers


@bp.post("/calculations/compensation")
@require_permission("calculations.use")
def calculate_compensation():
    return jsonify(calculations.compensation_quote(json_body()))


@bp.post("/calculations/insurance")
@require_permission("calculations.use")
def calculate_insurance():
    return jsonify(calculations.insurance_quote(json_body()))


@bp.get("/claims/<int:claim_id>/decision.pdf")
@require_permission("cases.view")
def claim_decision_pdf(claim_id: int):
    return pdf_response(issued_papers.download(g.api_user, claim_id, "decision"))


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


_INVALID = {"description": "invalid input, errors per field", "content": _json(ERROR)}
# What ``app.services.calculations`` parses, said as JSON Schema: an optional input may also be
# sent as null (the same as leaving it out), an optional date also blank.
_PCT = {
    "type": ["number", "null"],
    "minimum": 0,
    "maximum": 100,
    "description": "required (a number) unless death is true",
}
_WAGE = {"type": "integer", "minimum": 1, "maximum": calculations.MAX_WAGE_VND}
_VND = {"type": ["integer", "null"], "minimum": 0, "maximum": calculations.MAX_AMOUNT_VND}
_FLAG = {"type": ["boolean", "null"], "default": False}
_DATE = {"anyOf": [{"type": "string", "format": "date"}, BLANK, {"type": "null"}]}
# Law 84/2015: a loss of working capacity is needed unless the worker died.
_PCT_UNLESS_DEATH = {
    "if": {"required": ["death"], "properties": {"death": {"const": True}}},
    "else": {
        "required": ["capacity_loss_pct"],
        "properties": {"capacity_loss_pct": {"type": "number"}},
    },
}
_NOT_BOTH = {
    "not": {
        "required": ["third_party", "worker_at_fault"],
        "properties": {"third_party": {"const": True}, "worker_at_fault": {"const": True}},
    },
    "description": "third_party and worker_at_fault are not both true",
}
_NOT_GIVEN = {"anyOf": [{"type": "null"}, BLANK]}
# on_date decides the base salary unless an Art. 50 input is given (and always for a death).
_ON_DATE_WITHOUT_ART50 = {
    "if": {
        "properties": {
            "treatment_ended_on": _NOT_GIVEN,
            "council_concluded_on": _NOT_GIVEN,
            "outpatient": {"enum": [False, None]},
        }
    },
    "then": {
        "required": ["on_date"],
        "properties": {"on_date": {"type": "string", "format": "date"}},
    },
}
_ON_DATE_FOR_DEATH = {
    "if": {"required": ["death"], "properties": {"death": {"const": True}}},
    "then": {
        "required": ["on_date"],
        "properties": {"on_date": {"type": "string", "format": "date"}},
    },
}

register_paths(
    {
        "/calculations/compensation": {
            "post": {
                "summary": "Minimum employer compensation (Law 84/2015 Art. 38(4)-(5), 39(1))",
                "requestBody": {
                    "content": _json(
                        {
                            "type": "object",
                            "required": ["monthly_wage_vnd"],
                            "allOf": [_PCT_UNLESS_DEATH, _NOT_BOTH],
                            "properties": {
                                "capacity_loss_pct": _PCT,
                                "monthly_wage_vnd": {
                                    **_WAGE,
                                    "description": "average wage of the 6 months before",
                                },
                                "death": _FLAG,
                                "worker_at_fault": _FLAG,
                                "accident_type": {
                                    "enum": ["at_work", "commuting", None],
                                    "default": "at_work",
                                    "description": "commuting: on the way between home and "
                                    "work (Art. 39(1), 45(1)(c))",
                                },
                                "third_party": {
                                    **_FLAG,
                                    "description": "caused by a third party or an unknown "
                                    "person; a commuting accident is then owed at least 40 % "
                                    "(Art. 39(1)); not with worker_at_fault",
                                },
                                "insurer_paid_vnd": {
                                    **_VND,
                                    "description": "what a commercial accident insurer paid; "
                                    "the answer then adds top_up (Art. 39(2))",
                                },
                            },
                        }
                    )
                },
                "responses": {
                    "200": {
                        "description": "the minimum owed",
                        "content": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "eligible": {"type": "boolean"},
                                    "months": {"type": "number"},
                                    "amount_vnd": {"type": "integer"},
                                    "basis": {"type": "string"},
                                    "top_up": {
                                        "type": "object",
                                        "description": "only with insurer_paid_vnd: what the "
                                        "employer still owes so the worker gets the minimum",
                                        "properties": {
                                            "amount_vnd": {"type": "integer"},
                                            "basis": {"type": "string"},
                                        },
                                    },
                                },
                            }
                        ),
                    },
                    "401": {"description": "no token"},
                    "422": _INVALID,
                },
            }
        },
        "/calculations/insurance": {
            "post": {
                "summary": "Social-insurance benefit (Law 84/2015 Art. 48, 49, 52, 53) with the "
                "base salary in force in the benefit's start month (Art. 50) or on on_date; "
                "convalescence (Art. 54); optional assistive device (Art. 51), retraining "
                "(Art. 55) and settling-abroad (Art. 49) items",
                "requestBody": {
                    "content": _json(
                        {
                            "type": "object",
                            "required": ["insured_wage_vnd", "contribution_years"],
                            "allOf": [
                                _PCT_UNLESS_DEATH,
                                _ON_DATE_FOR_DEATH,
                                _ON_DATE_WITHOUT_ART50,
                            ],
                            "properties": {
                                "capacity_loss_pct": _PCT,
                                "insured_wage_vnd": _WAGE,
                                "contribution_years": {
                                    "type": "integer",
                                    "minimum": 0,
                                    "maximum": calculations.MAX_YEARS,
                                },
                                "death": _FLAG,
                                "serving_allowance": {
                                    **_FLAG,
                                    "description": "Art. 52, only from 81 %",
                                },
                                "on_date": {
                                    **_DATE,
                                    "description": "the accident day, or the day of death; "
                                    "required for a death and when no Art. 50 input is given",
                                },
                                "treatment_ended_on": {
                                    **_DATE,
                                    "description": "hospital discharge or end of treatment "
                                    "(Art. 50(1))",
                                },
                                "outpatient": {
                                    **_FLAG,
                                    "description": "no inpatient treatment: the benefit starts "
                                    "in the month of the Council's conclusion",
                                },
                                "council_concluded_on": {
                                    **_DATE,
                                    "description": "the Medical Council's conclusion; required "
                                    "for an outpatient or when no discharge date is known",
                                },
                                "device_cost_vnd": {
                                    **_VND,
                                    "description": "cost of a prescribed assistive device or "
                                    "orthosis; with device_cap_vnd (Art. 51); not for a death",
                                },
                                "device_cap_vnd": {
                                    **_VND,
                                    "description": "the amount the prescribed list allows for "
                                    "that device; with device_cost_vnd",
                                },
                                "tuition_vnd": {
                                    **_VND,
                                    "description": "retraining tuition (Art. 55); not for a death",
                                },
                                "retraining_on": {
                                    **_DATE,
                                    "description": "the day retraining support is decided "
                                    "(its base salary); default the start month or on_date",
                                },
                                "settling_abroad": {
                                    **_FLAG,
                                    "description": "the worker settles abroad: 3 months of the "
                                    "monthly allowance at once (Art. 49); monthly allowance only",
                                },
                            },
                        }
                    )
                },
                "responses": {
                    "200": {
                        "description": "the benefit (per month when kind is monthly)",
                        "content": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "eligible": {"type": "boolean"},
                                    "kind": {
                                        "type": ["string", "null"],
                                        "enum": ["one_time", "monthly", "death", None],
                                    },
                                    "amount_vnd": {"type": "integer"},
                                    "base_salary_vnd": {"type": "integer"},
                                    "basis": {"type": "string"},
                                    "on_date": {"type": ["string", "null"], "format": "date"},
                                    "lump_sum_part_vnd": {"type": "integer"},
                                    "seniority_part_vnd": {"type": "integer"},
                                    "serving_allowance_vnd": {"type": "integer"},
                                    "start_month": {
                                        "type": "string",
                                        "pattern": "^[0-9]{4}-[0-9]{2}$",
                                        "description": "only when an Art. 50 input was given",
                                    },
                                    "start_month_basis": {"type": "string"},
                                    "convalescence": {
                                        "type": "object",
                                        "description": "Art. 54; a living eligible worker only",
                                        "properties": {
                                            "max_days": {"type": "integer"},
                                            "per_day_vnd": {"type": "integer"},
                                            "max_amount_vnd": {"type": "integer"},
                                            "basis": {"type": "string"},
                                        },
                                    },
                                    "items": {
                                        "type": "array",
                                        "description": "only the items asked, in this order: "
                                        "assistive_device, retraining, settling_abroad",
                                        "items": {
                                            "type": "object",
                                            "properties": {
                                                "item": {
                                                    "type": "string",
                                                    "enum": [
                                                        "assistive_device",
                                                        "retraining",
                                                        "settling_abroad",
                                                    ],
                                                },
                                                "eligible": {"type": "boolean"},
                                                "amount_vnd": {"type": "integer"},
                                                "cap_vnd": {"type": "integer"},
                                                "basis": {"type": "string"},
                                            },
                                        },
                                    },
                                },
                            }
                        ),
                    },
                    "401": {"description": "no token"},
                    "422": _INVALID,
                },
            }
        },
        "/claims/{claim_id}/decision.pdf": {
            "get": {
                "summary": "The employer's compensation/allowance decision of a claim "
                "(Circular 28/2021 Appendix II), once assessed",
                "parameters": [
                    {
                        "name": "claim_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "PDF",
                        "content": {"application/pdf": {"schema": {"type": "string"}}},
                    },
                    "401": {"description": "no token"},
                    "403": {"description": "role may not read cases"},
                    "404": {"description": "not a visible claim, or not assessed yet"},
                },
            }
        },
    }
)
