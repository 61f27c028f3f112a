"""Statutory periodic reports through the API: open a period, list, read, PDF and XLSX.

Filing, returning and accepting a report are ordinary workflow triggers
(``POST /cases/{id}/actions/submit|send_back|accept``).
"""

from __future__ import annotations

from flask import Response, g, jsonify, request

from app.api import bp
from app.api.openapi import ERROR, register_paths
from app.api.parsing import json_body
from app.inputs import int_arg
from app.permissions import require_permission
from app.services import reports
from app.services.report_files import XLSX_TYPE, report_pdf, report_xlsx


@bp.post("/reports/open")
@require_permission("reports.open")
def open_reports():
    period = reports.period_or_422(json_body().get("period"))
    return jsonify(opened=reports.open_period(period, actor=g.api_user))


@bp.get("/reports")
@require_permission("reports.view")
def list_reports():
    page = reports.list_reports(
        g.api_user,
        period=request.args.get("period") or None,
        state=request.args.get("state") or None,
        page=int_arg("page", 1),
        per_page=int_arg("per_page", reports.PER_PAGE, high=reports.MAX_PER_PAGE),
        cursor=request.args.get("cursor") or None,
    )
    return jsonify(
        items=[reports.report_summary(case) for case in page.items],
        next_cursor=page.next_cursor,
        total=page.total,
        # Reports are few (one per party and period): always counted exactly.
        total_is_estimate=False,
        total_is_capped=False,
        page=page.page,
        pages=page.pages,
        counts=page.counts,
    )


@bp.get("/reports/<int:report_id>")
@require_permission("reports.view")
def get_report(report_id: int):
    case = reports.get_report(g.api_user, report_id)
    return jsonify(reports.report_view(g.api_user, case))


@bp.get("/reports/<int:report_id>.pdf")
@require_permission("reports.view")
def report_pdf_file(report_id: int):
    view = reports.report_view(g.api_user, reports.get_report(g.api_user, report_id))
    paper = report_pdf(view)
    return _download(paper.content, "application/pdf", paper.filename)


@bp.get("/reports/<int:report_id>.xlsx")
@require_permission("reports.view")
def report_xlsx_file(report_id: int):
    view = reports.report_view(g.api_user, reports.get_report(g.api_user, report_id))
    return _download(report_xlsx(view), XLSX_TYPE, f"{view['code']}-bao-cao.xlsx")


def _download(content: bytes, mimetype: str, filename: str) -> Response:
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# -- OpenAPI ----------------------------------------------------------------------------------

# "2026-H1" (1 January - 30 June) or "2026" (the year): workflows/law/reporting.py.
_PERIOD = {"type": "string", "pattern": "^[0-9]{4}(-H1)?$"}
_ID = {"name": "report_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_TOTALS = {
    "type": "object",
    "description": "accidents, fatal_accidents, accidents_2plus_victims, victims, "
    "female_victims, deaths, serious, days_off, costs_vnd {medical, wages, compensation, "
    "total}, property_damage_vnd, commuting {the same}, by {occupation, cause, "
    "injuring_factor: [{key, label, accidents, victims, deaths}]}",
}
_SUMMARY = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "code": {"type": "string"},
        "period": {"type": "string", "examples": ["2026-H1", "2026"]},
        "form": {"enum": ["enterprise_accidents", "commune_accidents"]},
        "due_on": {"type": "string", "format": "date"},
        "state": {"enum": ["open", "returned", "submitted", "accepted"]},
        "version": {"type": "integer"},
        "reporter": {"type": "object"},
        "submitted_at": {"type": ["string", "null"], "format": "date-time"},
        "overdue": {"type": "boolean"},
    },
}
_NOT_VISIBLE = {"description": "no such report, or not visible to the caller"}

register_paths(
    {
        "/reports/open": {
            "post": {
                "summary": "Open a period's statutory reports that do not exist yet (idempotent)",
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["period"],
                                "properties": {"period": {**_PERIOD, "examples": ["2026-H1"]}},
                            }
                        }
                    }
                },
                "responses": {
                    "200": {
                        "description": "how many reports were opened",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"opened": {"type": "integer"}},
                                }
                            }
                        },
                    },
                    "403": {"description": "not an inspector or administrator"},
                    "422": {
                        "description": "not a period, or the period has not ended yet",
                        "content": {"application/json": {"schema": ERROR}},
                    },
                },
            }
        },
        "/reports": {
            "get": {
                "summary": "The caller's reports in scope, newest first (paged)",
                "parameters": [
                    {"name": "period", "in": "query", "schema": _PERIOD},
                    {"name": "state", "in": "query", "schema": {"type": "string"}},
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {
                        "name": "per_page",
                        "in": "query",
                        "schema": {
                            "type": "integer",
                            "minimum": 1,
                            "maximum": reports.MAX_PER_PAGE,
                            "default": reports.PER_PAGE,
                        },
                    },
                    {"name": "cursor", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": {
                        "description": "items, next_cursor, total, page, pages and counts "
                        "{filed, not_filed, overdue} under the same period filter",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "items": {"type": "array", "items": _SUMMARY},
                                        "next_cursor": {"type": ["string", "null"]},
                                        "total": {"type": "integer"},
                                        "total_is_estimate": {"type": "boolean"},
                                        "total_is_capped": {"type": "boolean"},
                                        "page": {"type": "integer"},
                                        "pages": {"type": "integer"},
                                        "counts": {"type": "object"},
                                    },
                                }
                            }
                        },
                    },
                    "422": {
                        "description": "bad period, state, page, per_page or cursor",
                        "content": {"application/json": {"schema": ERROR}},
                    },
                },
            }
        },
        "/reports/{report_id}": {
            "get": {
                "summary": "A report: period, form, due day, state, live and submitted totals",
                "parameters": [_ID],
                "responses": {
                    "200": {
                        "description": "the summary plus form_label, period_label, figures, "
                        "live, submitted {figures, totals, submitted_at, submitted_by} | null, "
                        "differs (names of the totals changed since submission), shown "
                        "(submitted | live), totals (the ones shown), returned, accepted_at, "
                        "actions",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "allOf": [
                                        _SUMMARY,
                                        {
                                            "type": "object",
                                            "properties": {
                                                "live": _TOTALS,
                                                "totals": _TOTALS,
                                                "submitted": {"type": ["object", "null"]},
                                                "differs": {
                                                    "type": "array",
                                                    "items": {"type": "string"},
                                                },
                                                "shown": {"enum": ["submitted", "live"]},
                                                "actions": {
                                                    "type": "array",
                                                    "items": {"type": "string"},
                                                },
                                            },
                                        },
                                    ]
                                }
                            }
                        },
                    },
                    "404": _NOT_VISIBLE,
                },
            }
        },
        "/reports/{report_id}.pdf": {
            "get": {
                "summary": "The statutory form (Appendix XII / XVI) as PDF",
                "parameters": [_ID],
                "responses": {
                    "200": {"content": {"application/pdf": {}}, "description": "PDF"},
                    "404": _NOT_VISIBLE,
                },
            }
        },
        "/reports/{report_id}.xlsx": {
            "get": {
                "summary": "The statutory form as an XLSX workbook (the same totals)",
                "parameters": [_ID],
                "responses": {
                    "200": {"content": {XLSX_TYPE: {}}, "description": "XLSX"},
                    "404": _NOT_VISIBLE,
                },
            }
        },
    }
)
