"""City statistics through the API (contract.md "Statistics and reports").

``GET /statistics/accidents`` (and ``.xlsx`` / ``.csv`` with the same figures),
``/statistics/diseases`` and ``/statistics/incidents``: any role holding ``statistics.view``,
each counting only the cases its scope shows (a filter outside it gives zeros). The query
string is read by ``app.services.statistics_query.parse_query`` (422 with field errors). A
large XLSX (or ``?async=1``) is built in the background: ``202`` with the export's record,
polled at ``/statistics/exports/{id}`` and downloaded from ``…/file`` by its requester only.
"""

from __future__ import annotations

from flask import Response, g, jsonify, request, send_file, url_for

from app.api import bp
from app.api.openapi import ERROR, FLAG_QUERY, register_paths
from app.permissions import require_permission
from app.services import statistics, statistics_export, statistics_exports
from app.services.statistics_query import parse_flag, parse_query


def _query():
    return parse_query(request.args, g.api_user)


def _attachment(content: bytes, mimetype: str, name: str) -> Response:
    disposition = f'attachment; filename="{name}"'
    # content_type, not mimetype: Werkzeug appends a second charset to a text/* mimetype.
    return Response(content, content_type=mimetype, headers={"Content-Disposition": disposition})


def export_json(record: dict) -> dict:
    """What a caller sees of its export (not the filter's owner id)."""
    return {
        "id": record["id"],
        "status": record["status"],
        "progress": record["progress"],
        "filename": record["filename"],
        "created_at": record["created_at"],
        "status_url": url_for("api.statistics_export_status", export_id=record["id"]),
        "file_url": url_for("api.statistics_export_file", export_id=record["id"]),
    }


@bp.get("/statistics/accidents")
@require_permission("statistics.view")
def statistics_accidents():
    return jsonify(statistics.accident_figures(g.api_user, _query()))


@bp.get("/statistics/accidents.xlsx")
@require_permission("statistics.view")
def statistics_accidents_xlsx():
    query = _query()
    if parse_flag(request.args, "async") or statistics_exports.is_large(query):
        record = statistics_exports.request_export(g.api_user, request.args)
        return jsonify(export_json(record)), 202
    figures = statistics.accident_figures(g.api_user, query)
    return _attachment(
        statistics_export.accidents_xlsx(figures),
        statistics_export.XLSX_MIMETYPE,
        statistics_export.filename(figures, "xlsx"),
    )


@bp.get("/statistics/accidents.csv")
@require_permission("statistics.view")
def statistics_accidents_csv():
    figures = statistics.accident_figures(g.api_user, _query())
    return _attachment(
        statistics_export.accidents_csv(figures),
        statistics_export.CSV_MIMETYPE,
        statistics_export.filename(figures, "csv"),
    )


@bp.get("/statistics/diseases")
@require_permission("statistics.view")
def statistics_diseases():
    return jsonify(statistics.disease_figures(g.api_user, _query()))


@bp.get("/statistics/incidents")
@require_permission("statistics.view")
def statistics_incidents():
    return jsonify(statistics.incident_figures(g.api_user, _query()))


@bp.get("/statistics/exports/<export_id>")
@require_permission("statistics.view")
def statistics_export_status(export_id: str):
    return jsonify(export_json(statistics_exports.export_status(g.api_user, export_id)))


@bp.get("/statistics/exports/<export_id>/file")
@require_permission("statistics.view")
def statistics_export_file(export_id: str):
    path, name = statistics_exports.export_file(g.api_user, export_id)
    return send_file(path, mimetype=statistics_export.XLSX_MIMETYPE, as_attachment=True,
                     download_name=name)  # fmt: skip


# -- the OpenAPI document ----------------------------------------------------------------------


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


_INT = {"type": "integer", "minimum": 0}
_DAY = {"type": "string", "format": "date"}
_ITEM = {
    "type": "object",
    "required": ["key", "label", "accidents", "victims", "deaths"],
    "properties": {
        "key": {"type": "string", "description": 'the code; "" when not coded'},
        "label": {"type": "string"},
        "accidents": _INT,
        "victims": _INT,
        "deaths": _INT,
    },
}
_COSTS = {
    "type": "object",
    "required": ["medical", "wages", "compensation", "total"],
    "properties": {name: {**_INT, "description": "VND"} for name in
                   ("medical", "wages", "compensation", "total")},
}  # fmt: skip
_FIGURES_PROPERTIES = {
    **{name: _INT for name in statistics.COUNTS},
    "costs_vnd": _COSTS,
    "property_damage_vnd": {**_INT, "description": "VND"},
}
FIGURES = {
    "type": "object",
    "required": list(_FIGURES_PROPERTIES),
    "properties": _FIGURES_PROPERTIES,
}
_RATE = {"type": ["number", "null"], "description": "per 1,000 workers, 2 decimals; null: "
         "no known workforce"}  # fmt: skip
ACCIDENT_STATISTICS = {
    "type": "object",
    "required": ["from", "to", *_FIGURES_PROPERTIES, "workers", "k", "k_fatal",
                 "with_labour_relation", "without_labour_relation", "by"],
    "properties": {
        "from": _DAY,
        "to": _DAY,
        **_FIGURES_PROPERTIES,
        "workers": {**_INT, "description": "workforce of the enterprises in scope"},
        "k": {**_RATE, "description": "victims ÷ workers × 1,000 (" + _RATE["description"] + ")"},
        "k_fatal": {**_RATE, "description": "deaths ÷ workers × 1,000"},
        "with_labour_relation": FIGURES,
        "without_labour_relation": FIGURES,
        "by": {
            "type": "object",
            "required": list(statistics.BREAKDOWNS),
            "properties": {name: {"type": "array", "items": _ITEM}
                           for name in statistics.BREAKDOWNS},
        },
    },
}  # fmt: skip


def _counted(*names: str) -> dict:
    return {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["key", "label", *names],
            "properties": {"key": {"type": "string"}, "label": {"type": "string"},
                           **{name: _INT for name in names}},
        },
    }  # fmt: skip


DISEASE_STATISTICS = {
    "type": "object",
    "required": ["from", "to", "cases", "workers", "deaths", "by"],
    "properties": {
        "from": _DAY,
        "to": _DAY,
        "cases": {**_INT, "description": "new cases diagnosed in the period, not rejected"},
        "workers": {**_INT, "description": "workers concerned by those cases"},
        "deaths": _INT,
        "by": {
            "type": "object",
            "required": ["disease", "industry", "commune"],
            "properties": {
                "disease": {**_counted("cases", "workers"), "description": "key: the Ministry "
                            "of Health code (\"\" when none was given), label: the disease; "
                            "empty for roles without medical access (a diagnosis)"},
                "industry": _counted("cases", "workers"),
                "commune": _counted("cases", "workers"),
            },
        },
    },
}  # fmt: skip
INCIDENT_STATISTICS = {
    "type": "object",
    "required": ["from", "to", "incidents", "casualties", "by"],
    "properties": {
        "from": _DAY,
        "to": _DAY,
        "incidents": {**_INT, "description": "serious technical incidents, not rejected"},
        "casualties": {**_INT, "description": "people hurt, as declared with each incident"},
        "by": {
            "type": "object",
            "required": ["industry", "commune"],
            "properties": {"industry": _counted("incidents", "casualties"),
                           "commune": _counted("incidents", "casualties")},
        },
    },
}  # fmt: skip
EXPORT = {
    "type": "object",
    "required": ["id", "status", "progress", "filename", "created_at", "status_url", "file_url"],
    "properties": {
        "id": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
        "status": {"enum": ["queued", "running", "done", "failed"]},
        "progress": {"type": "integer", "minimum": 0, "maximum": 100},
        "filename": {"type": ["string", "null"]},
        "created_at": {"type": "string", "format": "date-time"},
        "status_url": {"type": "string"},
        "file_url": {"type": "string"},
    },
}
_DATE_PARAM = {
    "type": "string",
    "description": "yyyy-mm-dd or dd/mm/yyyy (Vietnam days)",
    "pattern": "^\\s*([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}/[0-9]{2}/[0-9]{4})\\s*$",
}
FILTER_PARAMETERS = [
    {"name": "from", "in": "query", "schema": {**_DATE_PARAM, "examples": ["2026-01-01"]},
     "description": "first day counted; default 1 January of the current year"},
    {"name": "to", "in": "query", "schema": {**_DATE_PARAM, "examples": ["30/06/2026"]},
     "description": "last day counted; default today; at most 10 years after from"},
    {"name": "enterprise", "in": "query",
     "schema": {"type": "string", "pattern": "^\\s*([0-9]{1,9}|[0-9]{10}(-[0-9]{3})?)\\s*$"},
     "description": "an enterprise id or tax code; outside the caller's scope: zeros"},
    {"name": "commune", "in": "query", "schema": {"type": "string"},
     "description": "a commune code (unknown: 422)"},
    {"name": "industry", "in": "query",
     "schema": {"type": "string", "pattern": "^[A-Ua-u]([0-9]{2})?$"},
     "description": "VSIC 2018 section (C) or division (C25), as copied onto each case at "
     "declaration"},
    {"name": "labour_relation", "in": "query", "schema": FLAG_QUERY},
]  # fmt: skip
_REFUSED = {
    "401": {"description": "no token", "content": _json(ERROR)},
    "403": {"description": "a role without statistics (the administrator)",
            "content": _json(ERROR)},
}  # fmt: skip
_INVALID = {"422": {"description": "invalid filter, errors per argument",
                    "content": _json(ERROR)}}  # fmt: skip


def _figures_get(summary: str, schema: dict) -> dict:
    return {
        "get": {
            "summary": summary,
            "parameters": FILTER_PARAMETERS,
            "responses": {
                "200": {"description": "the figures in the caller's scope",
                        "content": _json(schema)},
                **_REFUSED,
                **_INVALID,
            },
        }
    }  # fmt: skip


_EXPORT_ID = [{"name": "export_id", "in": "path", "required": True,
               "schema": {"type": "string"}}]  # fmt: skip

register_paths(
    {
        "/statistics/accidents": _figures_get(
            "Accident statistics: counts, costs, K and K_fatal, with and without a labour "
            "relation, by industry, commune, ownership, occupation, cause, injuring factor, "
            "gender and age band",
            ACCIDENT_STATISTICS,
        ),
        "/statistics/accidents.xlsx": {
            "get": {
                "summary": "The accident statistics as an XLSX workbook (a totals sheet, one "
                "sheet per breakdown); built in the background when over a year for the "
                "whole city or with async=1",
                "parameters": [
                    *FILTER_PARAMETERS,
                    {"name": "async", "in": "query", "schema": FLAG_QUERY},
                ],
                "responses": {
                    "200": {"description": "the workbook", "content": {
                        statistics_export.XLSX_MIMETYPE: {
                            "schema": {"type": "string", "format": "binary"}}}},
                    "202": {"description": "building in the background",
                            "content": _json(EXPORT)},
                    **_REFUSED,
                    **_INVALID,
                },
            }
        },
        "/statistics/accidents.csv": {
            "get": {
                "summary": "The accident statistics as CSV: UTF-8 with BOM, CRLF; the totals "
                "table, then one table per breakdown, separated by a blank line",
                "parameters": FILTER_PARAMETERS,
                "responses": {
                    "200": {"description": "the CSV file", "content": {
                        "text/csv": {"schema": {"type": "string"}}}},
                    **_REFUSED,
                    **_INVALID,
                },
            }
        },
        "/statistics/diseases": _figures_get(
            "New occupational-disease cases in the period, by disease, industry and commune",
            DISEASE_STATISTICS,
        ),
        "/statistics/incidents": _figures_get(
            "Serious technical incidents in the period: count, casualties, by industry and "
            "commune",
            INCIDENT_STATISTICS,
        ),
        "/statistics/exports/{export_id}": {
            "get": {
                "summary": "A background export of the caller's: status and progress",
                "parameters": _EXPORT_ID,
                "responses": {
                    "200": {"description": "the export", "content": _json(EXPORT)},
                    **_REFUSED,
                    "404": {"description": "no such export, or another user's",
                            "content": _json(ERROR)},
                },
            }
        },
        "/statistics/exports/{export_id}/file": {
            "get": {
                "summary": "Download a finished background export (its requester only)",
                "parameters": _EXPORT_ID,
                "responses": {
                    "200": {"description": "the workbook", "content": {
                        statistics_export.XLSX_MIMETYPE: {
                            "schema": {"type": "string", "format": "binary"}}}},
                    **_REFUSED,
                    "404": {"description": "no such export, or another user's",
                            "content": _json(ERROR)},
                    "409": {"description": "not finished yet", "content": _json(ERROR)},
                },
            }
        },
    }
)  # fmt: skip
