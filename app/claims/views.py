"""Claims in the browser: "Người lao động của tôi", the quick receipt confirmation and the
employer's compensation decision (PDF).

Thin: the rows come from ``app/services/claims.py``; the confirmation goes through the workflow
engine; the decision paper as issued and stored (``app/services/issued_papers.py``).
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.api.documents import pdf_response
from app.claims import bp
from app.claims.forms import ConfirmReceiptForm
from app.clock import now, to_local
from app.errors import Conflict, ValidationFailed
from app.i18n import localize
from app.inputs import cursor_arg, first_page_instead, page_number
from app.permissions import acting_user, require_permission
from app.services import claims as claims_service
from app.services import issued_papers
from workflows.inputs import int_from_text


def case_url(case_id: int | None) -> str | None:
    """The case page, built by the cases area (a plain path until that endpoint exists)."""
    if case_id is None:
        return None
    if "cases.detail" in current_app.view_functions:
        return url_for("cases.detail", case_id=case_id)
    return f"/cases/{case_id}"


# The workflow's names of the receipt's fields, as the page's form names them.
RECEIPT_FIELDS = {"confirmed_at": "received_on"}


@bp.get("/")
@require_permission("cases.view")
def my_workers():
    return _my_workers_page()


def _my_workers_page(refused: dict | None = None, status: int = 200):
    """The list; ``refused`` (claim id, what was typed, errors by field) reopens one row's
    receipt form with every error beside its input, as typed."""
    args = {
        name: (request.args.get(name) or "").strip()
        for name in ("status", "overdue", "code")
        if (request.args.get(name) or "").strip()
    }
    filters = claims_service.WorkerFilters(
        status=args.get("status", "open"),
        overdue=args.get("overdue") in ("1", "true", "on"),
        code=args.get("code"),
    )
    cursor = cursor_arg()
    try:
        page = claims_service.my_workers(acting_user(), filters, cursor=cursor)
    except ValidationFailed as refused:  # a hand-edited link: the default list instead
        return first_page_instead(refused, "claims.my_workers", filters=("status",), **args)
    return render_template(
        "claims/my_workers.html",
        rows=page.rows,
        page=page,
        # The list pages by cursor only; a page's number rides with its cursor, for show.
        number=page_number() if cursor else 1,
        args=args,
        filters=filters,
        filtered=filters != claims_service.WorkerFilters(),  # "nothing matches", not "no claim"
        case_url=case_url,
        form=ConfirmReceiptForm(),
        today=to_local(now()).date(),
        refused=refused,
        # Answered at …/confirm-receipt: forms.js puts the list's address in the bar.
        page_url=url_for("claims.my_workers") if refused else None,
    ), status


@bp.post("/<int:claim_id>/confirm-receipt")
@require_permission("cases.act")
def confirm_receipt(claim_id: int):
    form = ConfirmReceiptForm()
    version = int_from_text(form.version.data or "")
    # The select's choices are checked by the workflow (one place), not by WTForms.
    form.received_by.validate_choice = False
    if not form.validate_on_submit() or version is None:
        flash(_("Thiếu phiên bản hồ sơ; vui lòng tải lại trang."), "error")
        return redirect(url_for("claims.my_workers"))
    try:
        claim = claims_service.confirm_receipt(
            acting_user(),
            claim_id,
            version,
            ip=request.remote_addr,
            received_on=form.received_on.data,
            received_by=form.received_by.data,
            recipient_name=form.recipient_name.data,
            recipient_relationship=form.recipient_relationship.data,
        )
    except ValidationFailed as exc:
        # The form again, open, with what was typed and each error beside its input (#15: the
        # refusal used to close the form and lose the recipient's name).
        errors: dict[str, list[str]] = {}
        for field, messages in exc.errors.items():
            name = RECEIPT_FIELDS.get(field, field)
            errors.setdefault(name, []).extend(localize(m) for m in messages)
        typed = {
            name: getattr(form, name).data or ""
            for name in ("received_on", "received_by", "recipient_name", "recipient_relationship")
        }
        return _my_workers_page({"claim_id": claim_id, "values": typed, "errors": errors}, 422)
    except Conflict as exc:
        details = [localize(m) for messages in exc.errors.values() for m in messages]
        # The refusal's message is often its one field error too: each line once.
        flash(" ".join(dict.fromkeys([localize(exc.message), *details])), "error")
    else:
        flash(
            _("Đã xác nhận việc nhận tiền bồi thường, trợ cấp (%(code)s).", code=claim.code),
            "info",
        )
    return redirect(url_for("claims.my_workers"))


@bp.get("/<int:claim_id>/decision.pdf")
@require_permission("cases.view")
def decision_pdf(claim_id: int):
    return pdf_response(issued_papers.download(acting_user(), claim_id, "decision"))
