"""The directive tracker and process analytics through the API.

``GET /statistics/targets?year=`` answers the contract's list (inspector, admin, the city's
union; others 403); ``GET /statistics/process?from=&to=&industry=&enterprise=`` the process
analytics (the city for inspectors, administrators and the city's union; an enterprise and a
grassroots union their own enterprise; others 403).
"""

from __future__ import annotations

from flask import g, jsonify, request

from app.api import bp
from app.api.openapi import ERROR, register_paths
from app.services import analytics, targets
from app.services.targets import first_tracked_year
from workflows.law.rules import RuleBook


@bp.get("/statistics/targets")
def statistics_targets():
    return jsonify(targets.directive_targets(g.api_user, request.args.get("year")))


@bp.get("/statistics/process")
def statistics_process():
    query = analytics.parse_process_query(request.args, g.api_user)
    return jsonify(analytics.process_analytics(query))


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


_NUMBER = {"type": ["number", "null"]}
_DAY = {"type": "string", "format": "date"}
_ERRORS = {
    "403": {"description": "the role may not see these statistics", "content": _json(ERROR)},
    "422": {"description": "invalid query, errors per parameter", "content": _json(ERROR)},
}
_SUMMARY = {
    "n": {"type": "integer", "minimum": 0},
    "median_days": {**_NUMBER, "description": "days, 1 decimal; null when n = 0"},
    "p90_days": {**_NUMBER, "description": "90th percentile (percentile_cont), days"},
}
_GROUP = {
    "type": "object",
    "properties": {"key": {"type": "string"}, "label": {"type": "string"}, **_SUMMARY},
}
TARGET = {
    "type": "object",
    "required": [
        "target",
        "baseline_year",
        "baseline",
        "value",
        "change_pct",
        "goal_pct",
        "status",
        "projection",
    ],  # fmt: skip
    "properties": {
        "target": {"enum": ["fatal_rate", "od_examinations", "monitored_workplaces"]},
        "baseline_year": {"type": "integer"},
        "baseline": {**_NUMBER, "description": "the value of baseline_year"},
        "value": {
            **_NUMBER,
            "description": "fatal_rate: deaths per 1,000 workers (‰, to date in a running "
            "year); the others: counts from the annual reports filed",
        },
        "change_pct": {**_NUMBER, "description": "value against baseline, %, 1 decimal"},
        "goal_pct": {"type": "number", "description": "rules table target.*"},
        "status": {"enum": ["met", "on_track", "off_track", "no_data"]},
        "projection": {
            "type": ["object", "null"],
            "description": "fatal_rate of the running year only: the projected year-end "
            "value and its 90 % band (Poisson GLM, docs/statistics.md)",
            "properties": {"value": _NUMBER, "low": _NUMBER, "high": _NUMBER},
        },
    },
}

register_paths(
    {
        "/statistics/targets": {
            "get": {
                "summary": "The directive tracker (Directive 31-CT/TW's three targets)",
                "description": "inspector, admin and the city's union only",
                "parameters": [
                    {
                        "name": "year",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": first_tracked_year(RuleBook())},
                        "description": "default: the running year (Vietnam time); from the "
                        "first year all the goals are set (rules table target.*) to the running "
                        "year, else 422",
                    }
                ],
                "responses": {
                    "200": {
                        "description": "one item per target",
                        "content": _json({"type": "array", "items": TARGET}),
                    },
                    **_ERRORS,
                },
            }
        },
        "/statistics/process": {
            "get": {
                "summary": "Process analytics: time to each step, late enterprises",
                "description": "accidents declared from `from` to `to` (Vietnam days); an "
                "enterprise sees its own; commune and insurance 403",
                "parameters": [
                    {"name": "from", "in": "query", "schema": _DAY},
                    {"name": "to", "in": "query", "schema": _DAY},
                    {
                        "name": "industry",
                        "in": "query",
                        "schema": {"type": "string", "examples": ["C", "C25"]},
                    },
                    {
                        "name": "enterprise",
                        "in": "query",
                        "schema": {"type": "string"},
                        "description": "the enterprise's tax code",
                    },
                ],
                "responses": {
                    "200": {
                        "description": "durations in days and late enterprises",
                        "content": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "from": {"type": "string", "format": "date"},
                                    "to": {"type": "string", "format": "date"},
                                    "industry": {"type": ["string", "null"]},
                                    "enterprise": {"type": ["string", "null"]},
                                    "measures": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {
                                                "measure": {
                                                    "enum": list(analytics.MEASURES),
                                                },
                                                "label": {"type": "string"},
                                                "overall": {
                                                    "type": "object",
                                                    "properties": _SUMMARY,
                                                },
                                                "by_industry": {"type": "array", "items": _GROUP},
                                                "by_enterprise": {
                                                    "type": "array",
                                                    "items": _GROUP,
                                                },
                                            },
                                        },
                                    },
                                    "late_enterprises": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {
                                                "key": {"type": "string"},
                                                "label": {"type": "string"},
                                                "deadlines": {"type": "integer"},
                                                "late": {"type": "integer"},
                                                "late_share": {"type": "number"},
                                            },
                                        },
                                    },
                                },
                            }
                        ),
                    },
                    **_ERRORS,
                },
            }
        },
    }
)
