"""Printable papers of a case in the browser (PDF): the papers SafeCase issued (the declaration,
the investigation minutes, a claim's decision — as issued and stored, every version), the
quick report of Form 06 (inspectors only, qualifying accidents), the reissue form, and the
``case_papers(case)`` helper the ``cases/_papers.html`` partial reads.

A refused reissue (no reason, too long) renders the case page again with 422 and the message
next to the reason; a refusal of the case's state (nothing changed, case closed) is a message
on the case page; nothing is written either way."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.api.documents import paper_pdf, pdf_response
from app.cases import bp
from app.cases.presenter import SYSTEM_ROLE, paper_cause_label
from app.cases.presenter import case_page as case_page_context
from app.errors import Conflict, ValidationFailed
from app.i18n import localize, localize_errors, pick
from app.permissions import require_permission
from app.services import cases as case_service
from app.services import issued_papers, quick_report
from app.services.users import people_named
from workflows import get_workflow


def _user():
    return current_user._get_current_object()


@bp.get("/<int:case_id>/papers/<name>.pdf")
@login_required
@require_permission("cases.view")
def paper(case_id: int, name: str):
    return pdf_response(paper_pdf(_user(), case_id, name))


@bp.get("/<int:case_id>/papers/<name>/<int:version>.pdf")
@login_required
@require_permission("cases.view")
def paper_version(case_id: int, name: str, version: int):
    return pdf_response(paper_pdf(_user(), case_id, name, version))


@bp.post("/<int:case_id>/papers/<name>/reissue")
@login_required
@require_permission("cases.act")
def reissue_paper(case_id: int, name: str):
    user = _user()
    try:
        paper = issued_papers.reissue_paper(
            user, case_id, name, request.form.get("reason"), ip=request.remote_addr
        )
    except ValidationFailed as exc:
        case = case_service.get_visible_case(user, case_id)
        reissue = {
            "name": name,
            "reason": request.form.get("reason") or "",
            "errors": localize_errors(exc.errors),
        }
        page = case_page_context(case, user)
        page_url = url_for("cases.detail", case_id=case_id)
        return render_template("cases/detail.html", **page, reissue=reissue, page_url=page_url), 422
    except Conflict as exc:
        flash(localize(exc.message), "error")
    else:
        flash(_("Đã phát hành lại giấy tờ (lần %(n)s).", n=paper.version), "info")
    return redirect(url_for("cases.detail", case_id=case_id) + "#papers")


@bp.app_template_global()
def case_papers(case) -> list[dict]:
    """The papers ``case`` has for the current user: name, the link to the paper in force
    (None when the case has none now), its issued versions newest first, and whether the
    user may reissue it; then the quick report when offered."""
    user = _user() if current_user.is_authenticated else None
    if user is None:
        return []
    definition = get_workflow(case.kind)
    listings = issued_papers.list_papers(user, case)
    people = people_named(v.issued_by for listing in listings for v in listing.versions)
    items = []
    for listing in listings:
        items.append(
            {
                "name": listing.name,
                "url": url_for("cases.paper", case_id=case.id, name=listing.name),
                "ready": listing.available,
                "may_reissue": listing.may_reissue,
                "versions": [
                    {
                        "version": v.version,
                        "url": url_for(
                            "cases.paper_version",
                            case_id=case.id,
                            name=v.name,
                            version=v.version,
                        ),  # fmt: skip
                        "issued_at": v.issued_at,
                        "issued_by": people.get(v.issued_by)
                        or (pick(SYSTEM_ROLE) if v.issued_by == "system" else v.issued_by),
                        "cause": paper_cause_label(definition, v.cause),
                        "reason": v.reason,
                        "content_sha256": v.content_sha256,
                        "sha256": v.sha256,
                        "current": listing.current is not None and v is listing.current,
                    }
                    for v in listing.versions
                ],
            }
        )
    if quick_report.offered(case, user):
        items.append(
            {
                "name": "quick_report",
                "url": url_for("cases.paper", case_id=case.id, name="quick_report"),
                "ready": True,
                "may_reissue": False,
                "versions": [],
            }
        )
    return items
