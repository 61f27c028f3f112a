"""Case documents in the browser: upload (CSRF form on the case page), download, and the
``case_documents_panel(case)`` helper the ``cases/_documents.html`` partial reads.

A refused file (wrong type, empty, no category…) renders the case page again with 422 and the
message next to the upload form's input, as the other forms do; nothing is written."""

from __future__ import annotations

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from app.api.documents import attachment
from app.cases import bp
from app.cases.presenter import case_page as case_page_context
from app.errors import Conflict, ValidationFailed
from app.i18n import localize, localize_errors
from app.inputs import too_large
from app.permissions import require_permission
from app.services import cases as case_service
from app.services import documents as document_service
from app.services.users import people_named
from app.services.workflow_engine import available_actions
from workflows.base import parse_iso
from workflows.dossier_rules import MARK, REASON_MAX, UNMARK


def case_page(case_id: int) -> str:
    """The case page (``GET /cases/<id>``), at its documents section."""
    return f"{request.script_root}/cases/{case_id}#documents"


@bp.post("/<int:case_id>/documents")
@login_required
@require_permission("cases.view")
def upload_document(case_id: int):
    user = current_user._get_current_object()
    try:
        document_service.upload_document(
            user,
            case_id,
            request.files.get("file"),
            request.form.get("category"),
            request.form.get("note"),
            ip=request.remote_addr,
        )
    except ValidationFailed as exc:
        return _failed_upload(user, case_id, exc.errors)
    except Conflict as exc:
        flash(localize(exc.message), "error")
    else:
        flash(_("Đã tải tài liệu lên hồ sơ vụ việc."), "info")
    return redirect(case_page(case_id))


def _failed_upload(user, case_id: int, errors: dict[str, list[str]]):
    """The case page again with the refusal next to the upload inputs (what was chosen kept)."""
    case = case_service.get_visible_case(user, case_id)
    upload = {
        "category": request.form.get("category"),
        "note": request.form.get("note") or "",
        "errors": localize_errors(errors),
    }
    context = case_page_context(case, user)
    return render_template("cases/detail.html", **context, upload=upload), 422


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error):
    """A body over MAX_CONTENT_LENGTH is refused before the view runs (CSRF reads the form).
    Another form of this blueprint with a field over MAX_FORM_MEMORY_SIZE is no upload: the
    app's own answer (``app.inputs.too_large``)."""
    if request.endpoint != "cases.upload_document":
        return too_large(error)
    flash(localize(document_service.TOO_BIG), "error")
    case_id = (request.view_args or {}).get("case_id")
    return redirect(case_page(case_id) if case_id else request.script_root + "/")


@bp.get("/<int:case_id>/documents/<int:document_id>")
@login_required
@require_permission("cases.view")
def download_document(case_id: int, document_id: int):
    document, path = document_service.document_for_download(
        current_user._get_current_object(), case_id, document_id
    )
    return attachment(path, mimetype=document.content_type, name=document.original_name)


@bp.app_template_global()
def case_documents_panel(case) -> dict:
    """What the documents partial shows ``current_user`` for ``case``: the dossier checklist
    (each item marked not applicable with its reason, who and when), the documents (a medical
    paper's name hidden from roles without medical access), whether the user may upload, the
    categories they may choose from, and whether they may mark a missing item not applicable
    or take a mark back."""
    user = current_user._get_current_object()
    _case, rows = document_service.list_documents(user, case.id)  # ``_`` is gettext here
    checklist = document_service.dossier_checklist(case)
    # Only the papers this user may add to this case now (the kind's Dossier.uploaders).
    categories = list(document_service.upload_categories(user, case))
    missing = [name for name in checklist.missing if name in categories]
    actions = available_actions(case, user) if checklist.items else []
    marks = [item.not_applicable for item in checklist.items if item.not_applicable]
    people = people_named(mark.get("marked_by") for mark in marks)
    return {
        "checklist": checklist,
        "default_category": (missing or categories or ["other"])[0],
        "documents": [
            {"row": row, "readable": document_service.may_download(user, row)} for row in rows
        ],
        "can_upload": document_service.may_upload(user, case),
        "categories": categories,
        "max_mb": document_service.MAX_BYTES // (1024 * 1024),
        # A missing item may be marked not applicable (and a mark taken back) by the body
        # keeping the dossier: a small form beside the item (workflows.dossier_rules).
        "may_mark": MARK in actions,
        "may_unmark": UNMARK in actions,
        "version": case.version,
        "marks": {
            item.category: {
                "reason": item.not_applicable.get("reason", ""),
                "by": people.get(item.not_applicable.get("marked_by"))
                or item.not_applicable.get("marked_by"),
                "at": parse_iso(item.not_applicable.get("marked_at")),
            }
            for item in checklist.items
            if item.not_applicable
        },
        "reason_max": REASON_MAX,
    }
