"""Printable papers of a case in the browser (PDF): the declaration, the investigation
minutes and (inspectors only, qualifying accidents) the quick report of Form 06, and the
``case_papers(case)`` helper the ``cases/_papers.html`` partial reads."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user, login_required

from app.api.documents import pdf_response
from app.cases import bp
from app.errors import NotFound
from app.i18n import N_
from app.permissions import require_permission
from app.services import papers as paper_service
from app.services import quick_report
from app.services.cases import get_visible_case


@bp.get("/<int:case_id>/papers/<name>.pdf")
@login_required
@require_permission("cases.view")
def paper(case_id: int, name: str):
    user = current_user._get_current_object()
    case = get_visible_case(user, case_id)
    if name not in paper_service.PAPERS:
        raise NotFound(N_("Không có giấy tờ này."))
    return pdf_response(paper_service.render(name, case, user))


@bp.app_template_global()
def case_papers(case) -> list[dict]:
    """The papers ``case`` has: name, link, and whether it can be printed yet."""
    papers = []
    if case.kind in paper_service.TITLES:
        papers.append(
            {
                "name": "declaration",
                "url": url_for("cases.paper", case_id=case.id, name="declaration"),
                "ready": True,
            }
        )
    if case.kind in ("accident", "incident"):
        papers.append(
            {
                "name": "minutes",
                "url": url_for("cases.paper", case_id=case.id, name="minutes"),
                "ready": bool((case.data or {}).get("minutes")),
            }
        )
    user = current_user._get_current_object() if current_user.is_authenticated else None
    if quick_report.offered(case, user):
        papers.append(
            {
                "name": "quick_report",
                "url": url_for("cases.paper", case_id=case.id, name="quick_report"),
                "ready": True,
            }
        )
    return papers
