"""The calculator page "Tính bồi thường, trợ cấp": both calculators side by side.

Thin: the forms turn the typed text into numbers, ``app/services/calculations.py`` applies the
law (and the base salary in force on the date given); field errors come back next to the field
with status 422.
"""

from __future__ import annotations

from flask import render_template, request

from app.calculations import bp
from app.calculations.forms import CompensationForm, InsuranceForm
from app.clock import now, to_local
from app.errors import ValidationFailed
from app.forms import attach_errors
from app.permissions import require_permission
from app.services import calculations
from app.services.rulebook import load_rulebook


def _quote(form, compute):
    """Run ``compute`` on a submitted form: (result, status)."""
    if not form.validate_on_submit():
        return None, 422
    try:
        return compute(form.payload()), 200
    except ValidationFailed as exc:
        attach_errors(form, exc.errors)
        return None, 422


@bp.route("/", methods=["GET", "POST"])
@require_permission("calculations.use")
def page():
    comp_form = CompensationForm(prefix="comp")
    ins_form = InsuranceForm(prefix="ins")
    today = to_local(now()).date()
    comp_result = ins_result = None
    status = 200
    if request.method == "POST" and "comp-submit" in request.form:
        comp_result, status = _quote(comp_form, calculations.compensation_quote)
    elif request.method == "POST" and "ins-submit" in request.form:
        ins_result, status = _quote(ins_form, calculations.insurance_quote)
    if "ins-submit" not in request.form:
        ins_form.on_date.data = today
    rules = load_rulebook()
    return (
        render_template(
            "calculations/page.html",
            comp_form=comp_form,
            ins_form=ins_form,
            comp_result=comp_result,
            ins_result=ins_result,
            base_salary_today=calculations.base_salary_on(rules, today),
            today=today,
        ),
        status,
    )
