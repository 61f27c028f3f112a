"""``/statistics/targets`` and ``/statistics/process``: thin views over ``app/services/targets.py``
and ``app/services/analytics.py``. Every chart on them is drawn from a table on the page, so
the numbers are there without JavaScript."""

from __future__ import annotations

from flask import Response, render_template, request
from flask_login import login_required

from app.errors import PermissionDenied, ValidationFailed
from app.i18n import N_, english, localize_errors, pick
from app.permissions import acting_user
from app.services import analytics, table_export, targets, tracker_export
from app.tracker import bp

# The query parameters each page reads, carried by its download links.
TARGET_ARGS = ("year",)
PROCESS_ARGS = ("from", "to", "industry", "enterprise")


def _lang() -> str:
    return "en" if english() else "vi"


def _carried(names: tuple[str, ...]) -> dict[str, str]:
    return {name: request.args[name] for name in names if request.args.get(name)}


def _target_year() -> int | Response:
    """The year the targets page and files show (the role checked first), or the page with its
    field error (422)."""
    if not targets.may_see_city_targets(acting_user()):
        raise PermissionDenied(N_("Chỉ thanh tra, quản trị và công đoàn thành phố xem chỉ tiêu."))
    try:
        return targets.parse_year(request.args.get("year"))
    except ValidationFailed as error:
        errors = localize_errors(error.errors)
        return Response(render_template("tracker/targets.html", errors=errors, year=None), 422)


def _process_query() -> analytics.ProcessQuery | Response:
    """The process page's and files' query, or the page with its field errors (422)."""
    try:
        return analytics.parse_process_query(request.args, acting_user())
    except ValidationFailed as error:
        errors = localize_errors(error.errors)
        return Response(render_template("tracker/process.html", errors=errors, body=None), 422)


def _download(tables, extension: str, name: str) -> Response:
    if extension == "xlsx":
        content, content_type = table_export.to_xlsx(tables), table_export.XLSX_MIMETYPE
    else:
        content, content_type = table_export.to_csv(tables), table_export.CSV_MIMETYPE
    disposition = f'attachment; filename="{name}"'
    # content_type, not mimetype: Werkzeug appends a second charset to a text/* mimetype.
    return Response(
        content, content_type=content_type, headers={"Content-Disposition": disposition}
    )


@bp.get("/targets")
@login_required
def targets_page():
    year = _target_year()
    if isinstance(year, Response):
        return year
    return render_template(
        "tracker/targets.html",
        errors={},
        year=year,
        running=year == targets.local_today().year,
        items=targets.targets_for(year),
        months=targets.monthly_chart(year),
        carried=_carried(TARGET_ARGS),
    )


@bp.get("/targets.<any(xlsx, csv):extension>")
@login_required
def targets_file(extension: str):
    year = _target_year()
    if isinstance(year, Response):
        return year
    tables = tracker_export.targets_tables(
        year, targets.targets_for(year), targets.monthly_chart(year), _lang()
    )
    return _download(tables, extension, tracker_export.targets_filename(year, extension))


@bp.get("/process")
@login_required
def process_page():
    query = _process_query()
    if isinstance(query, Response):
        return query
    user = acting_user()
    return render_template(
        "tracker/process.html",
        errors={},
        body=analytics.process_analytics(query, lang=_lang()),
        own=user.role in ("enterprise", "union") and user.enterprise_id is not None,
        carried=_carried(PROCESS_ARGS),
    )


@bp.get("/process.<any(xlsx, csv):extension>")
@login_required
def process_file(extension: str):
    query = _process_query()
    if isinstance(query, Response):
        return query
    body = analytics.process_analytics(query, lang=_lang())
    tables = tracker_export.process_tables(body, _lang())
    return _download(tables, extension, tracker_export.process_filename(body, extension))


@bp.app_context_processor
def inject_pick():
    return {"pick": pick, "STATUS_LABELS": targets.STATUS_LABELS,
            "TARGET_LABELS": targets.TARGET_LABELS}  # fmt: skip
