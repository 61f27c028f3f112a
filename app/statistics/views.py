"""The statistics page (``/statistics``) and its downloads, for every role holding
``statistics.view``, each within its own scope.

The filters are a GET form read by ``statistics_query.check_query`` — the parser the API uses
— so the page and ``/api/v1/statistics/accidents`` always agree; its errors are shown beside
the fields, all at once, with what was typed kept.
"""

from __future__ import annotations

from flask import Response, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_login import current_user

from app.i18n import localize_errors
from app.permissions import require_permission
from app.services import statistics, statistics_export, statistics_exports
from app.services.statistics_query import FIELDS, check_query, parse_flag, parse_query
from app.statistics import bp
from app.statistics.presenter import commune_options, page_tables


def _lang() -> str:
    return "en" if str(get_locale()) == "en" else "vi"


def _filters() -> dict[str, str]:
    """The filters as typed (kept in the form and carried by the download buttons)."""
    return {name: request.args.get(name, "").strip() for name in FIELDS}


@bp.get("")
@require_permission("statistics.view")
def page():
    typed = _filters()
    query, errors = check_query(request.args, current_user)
    figures = statistics.accident_figures(current_user, query, lang=_lang()) if query else None
    return render_template(
        "statistics/page.html",
        typed=typed,
        errors=localize_errors(errors),
        figures=figures,
        tables=page_tables(figures, _lang()) if figures else None,
        communes=commune_options(),
        carried={name: value for name, value in typed.items() if value},
    ), (422 if errors else 200)


def _download(content: bytes, mimetype: str, name: str) -> Response:
    disposition = f'attachment; filename="{name}"'
    # content_type, not mimetype: Werkzeug appends a second charset to a text/* mimetype.
    return Response(content, content_type=mimetype, headers={"Content-Disposition": disposition})


@bp.get("/accidents.xlsx")
@require_permission("statistics.view")
def accidents_xlsx():
    query = parse_query(request.args, current_user)
    if parse_flag(request.args, "async") or statistics_exports.is_large(query):
        record = statistics_exports.request_export(current_user, request.args, _lang())
        return redirect(url_for("statistics.export_page", export_id=record["id"]), 303)
    figures = statistics.accident_figures(current_user, query, lang=_lang())
    return _download(
        statistics_export.accidents_xlsx(figures, _lang()),
        statistics_export.XLSX_MIMETYPE,
        statistics_export.filename(figures, "xlsx"),
    )


@bp.get("/accidents.csv")
@require_permission("statistics.view")
def accidents_csv():
    figures = statistics.accident_figures(
        current_user, parse_query(request.args, current_user), lang=_lang()
    )
    return _download(
        statistics_export.accidents_csv(figures, _lang()),
        statistics_export.CSV_MIMETYPE,
        statistics_export.filename(figures, "csv"),
    )


@bp.get("/exports/<export_id>")
@require_permission("statistics.view")
def export_page(export_id: str):
    record = statistics_exports.export_status(current_user, export_id)
    return render_template("statistics/export.html", record=record)


@bp.get("/exports/<export_id>.json")
@require_permission("statistics.view")
def export_status(export_id: str):
    record = statistics_exports.export_status(current_user, export_id)
    return jsonify(
        status=record["status"],
        progress=record["progress"],
        file_url=url_for("statistics.export_file", export_id=export_id)
        if record["status"] == "done"
        else None,
    )


@bp.get("/exports/<export_id>/file")
@require_permission("statistics.view")
def export_file(export_id: str):
    path, name = statistics_exports.export_file(current_user, export_id)
    return send_file(path, mimetype=statistics_export.XLSX_MIMETYPE, as_attachment=True,
                     download_name=name)  # fmt: skip
