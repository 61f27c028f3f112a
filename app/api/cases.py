"""Cases through the API: declare, list, read, act, audit trail, tasks."""

from __future__ import annotations

from datetime import datetime

from flask import g, jsonify, request, url_for

from app.api import bp
from app.api.openapi import ERROR, register_paths
from app.api.parsing import json_body
from app.api.schemas import case_json, event_json, links_json, list_meta, task_json
from app.errors import ValidationFailed
from app.inputs import int_arg
from app.permissions import require_permission
from app.services import cases as case_service
from app.services.claim_benefits import benefit_for_month
from app.services.declarations import (
    COMPLETION_TRIGGERS,
    complete_declaration,
    declare,
    give_notice,
)
from app.services.inbox import TaskFilters, inbox
from app.services.paging import PER_PAGE_DEFAULT, PER_PAGE_MAX
from app.services.privacy import events_have_medical_content, read_medical
from app.services.statistics_query import parse_flag
from app.services.workflow_engine import available_actions, fire_transition
from workflows.inputs import day_in_range, day_out_of_range


def _detail(case, user):
    read_medical(user, case, "victims,data")
    body = case_json(case, user, actions=available_actions(case, user))
    body.update(links_json(case, case_service.linked_cases(user, case)))
    return body


def _datetime_arg(name: str) -> datetime | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed({name: ["Ngày giờ không hợp lệ (ISO 8601)."]}) from None
    if value.tzinfo is None:
        raise ValidationFailed({name: ["Cần múi giờ, ví dụ +07:00."]})
    if not day_in_range(value):  # before any conversion: 9999-12-31T23:59-23:59 overflows
        raise ValidationFailed({name: [day_out_of_range()]})
    return value


@bp.post("/cases")
@require_permission("cases.declare")
def create_case():
    case = declare(g.api_user, json_body(), ip=request.remote_addr)
    return jsonify(_detail(case, g.api_user)), 201


@bp.post("/cases/notices")
@require_permission("cases.declare")
def create_notice():
    """A quick notice (báo tin nhanh): the case opens in ``notified`` (docs/api.md)."""
    case = give_notice(g.api_user, json_body(), ip=request.remote_addr)
    return jsonify(_detail(case, g.api_user)), 201


@bp.get("/cases")
@require_permission("cases.view")
def list_cases():
    filters = case_service.CaseFilters(
        kind=request.args.get("kind") or None,
        state=request.args.get("state") or None,
        severity=request.args.get("severity") or None,
        level=request.args.get("level") or None,
        commune=request.args.get("commune") or None,
        enterprise=request.args.get("enterprise") or None,
        q=request.args.get("q") or None,
        declared_from=_datetime_arg("from"),
        declared_to=_datetime_arg("to"),
    )
    cursor = request.args.get("cursor") or None
    page = case_service.list_cases(
        g.api_user,
        filters,
        int_arg("page", 1),
        per_page=int_arg("per_page", PER_PAGE_DEFAULT, high=PER_PAGE_MAX),
        cursor=cursor,
    )
    return jsonify(
        items=[case_json(c, g.api_user, include_medical=False) for c in page.items],
        **list_meta(page, cursor),
    )


@bp.get("/cases/<int:case_id>")
@require_permission("cases.view")
def get_case(case_id: int):
    return jsonify(_detail(case_service.get_visible_case(g.api_user, case_id), g.api_user))


@bp.post("/cases/<int:case_id>/actions/<trigger>")
@require_permission("cases.act")
def act(case_id: int, trigger: str):
    if trigger in COMPLETION_TRIGGERS:  # its payload is a full declaration (the service's)
        complete_declaration(g.api_user, case_id, trigger, json_body(), ip=request.remote_addr)
    else:
        fire_transition(case_id, trigger, g.api_user, json_body(), ip=request.remote_addr)
    return jsonify(_detail(case_service.get_visible_case(g.api_user, case_id), g.api_user))


@bp.get("/cases/<int:case_id>/events")
@require_permission("cases.view")
def events(case_id: int):
    rows = case_service.case_events(g.api_user, case_id)
    # Event payloads carry medical fields too (e.g. an assessment's capacity loss).
    case = case_service.get_visible_case(g.api_user, case_id)
    read_medical(g.api_user, case, "events", carried=events_have_medical_content(case, rows))
    return jsonify([event_json(e, g.api_user, case.kind) for e in rows])


@bp.get("/cases/<int:case_id>/benefit")
@require_permission("cases.view")
def benefit(case_id: int):
    """A claim's insurance benefit due in ``?month=YYYY-MM`` (docs/api.md)."""
    return jsonify(benefit_for_month(g.api_user, case_id, request.args.get("month")))


register_paths(
    {
        "/cases/{case_id}/benefit": {
            "get": {
                "summary": "A claim's insurance benefit due in a month (Law 84/2015 Art. 48-53)",
                "parameters": [
                    {
                        "name": "case_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    },
                    {
                        "name": "month",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
                    },
                ],
                "responses": {
                    "200": {
                        "description": (
                            "month, kind (null for roles without medical access), amount_vnd "
                            "(null when the insured wage is unknown), base_salary_vnd, basis "
                            "(null for roles without medical access)"
                        ),
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "month": {"type": "string"},
                                        "kind": {"enum": ["one_time", "monthly", "death", None]},
                                        "amount_vnd": {"type": ["integer", "null"]},
                                        "base_salary_vnd": {"type": "integer"},
                                        "basis": {"type": ["string", "null"]},
                                    },
                                }
                            }
                        },
                    },
                    "404": {"description": "not visible, not a claim, or not assessed yet"},
                    "422": {
                        "description": "month missing, not YYYY-MM, or no base salary then",
                        "content": {"application/json": {"schema": ERROR}},
                    },
                },
            }
        }
    }
)


@bp.get("/tasks")
@require_permission("tasks.view")
def tasks():
    """The caller's open tasks, a page of them (contract.md: still a JSON list; the next page
    in a ``Link: <…>; rel="next"`` header, and the count in ``X-Total-Count``, with
    ``X-Total-Is-Capped: true`` when it is the cap)."""
    filters = TaskFilters(
        kind=request.args.get("kind") or None,
        overdue=parse_flag(request.args, "overdue"),
        case_code=request.args.get("case") or None,
    )
    per_page = int_arg("per_page", PER_PAGE_DEFAULT, high=PER_PAGE_MAX)
    page = inbox(g.api_user, filters, per_page=per_page, cursor=request.args.get("cursor") or None)
    response = jsonify([task_json(t) for t in page.items])
    response.headers["X-Total-Count"] = str(page.total)
    response.headers["X-Total-Is-Capped"] = "true" if page.total_capped else "false"
    if page.next_cursor:
        args = request.args.to_dict()
        args["cursor"] = page.next_cursor
        response.headers["Link"] = f'<{url_for("api.tasks", _external=True, **args)}>; rel="next"'
    return response
