"""``/statistics/targets`` and ``/statistics/process``: thin views over ``app/services/targets.py``
and ``app/services/analytics.py``. Every chart on them is drawn from a table on the page, so
the numbers are there without JavaScript."""

from __future__ import annotations

from flask import render_template, request
from flask_login import login_required

from app.errors import PermissionDenied, ValidationFailed
from app.i18n import N_, english, localize_errors, pick
from app.permissions import acting_user
from app.services import analytics, targets
from app.tracker import bp


@bp.get("/targets")
@login_required
def targets_page():
    user = acting_user()
    if not targets.may_see_city_targets(user):
        raise PermissionDenied(N_("Chỉ thanh tra, quản trị và công đoàn thành phố xem chỉ tiêu."))
    try:
        year = targets.parse_year(request.args.get("year"))
    except ValidationFailed as error:
        errors = localize_errors(error.errors)
        return render_template("tracker/targets.html", errors=errors, year=None), 422
    return render_template(
        "tracker/targets.html",
        errors={},
        year=year,
        running=year == targets.local_today().year,
        items=targets.targets_for(year),
        months=targets.monthly_chart(year),
    )


@bp.get("/process")
@login_required
def process_page():
    user = acting_user()
    try:
        query = analytics.parse_process_query(request.args, user)
    except ValidationFailed as error:
        errors = localize_errors(error.errors)
        return render_template("tracker/process.html", errors=errors, body=None), 422
    return render_template(
        "tracker/process.html",
        errors={},
        body=analytics.process_analytics(query, lang="en" if english() else "vi"),
        own=user.role in ("enterprise", "union") and user.enterprise_id is not None,
    )


@bp.app_context_processor
def inject_pick():
    return {"pick": pick, "STATUS_LABELS": targets.STATUS_LABELS,
            "TARGET_LABELS": targets.TARGET_LABELS}  # fmt: skip


@bp.app_template_filter("number_vn")
def number_vn(value, places: int = 0) -> str:
    """A number as people read it: ``1.234,5`` in Vietnamese, ``1,234.5`` in English; "—"
    for None (no figure)."""
    if value is None:
        return "—"
    text = f"{value:,.{places}f}"
    if english():
        return text
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")
