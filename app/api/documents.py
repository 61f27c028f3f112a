"""Documents and printable papers of a case through the API.

``POST /cases/{id}/documents`` (multipart: ``file``, ``category``, ``note``) attaches a
dossier document; ``GET /cases/{id}/documents`` lists them with the dossier checklist;
``GET /cases/{id}/documents/{doc_id}`` downloads one as an attachment;
``GET /cases/{id}/papers/{name}.pdf`` renders the declaration, the investigation minutes or
the quick report (Form 06); ``GET /cases/{id}/papers/quick_report`` answers the quick
report's content as JSON (inspectors only; the same content the PDF draws).
A case the caller cannot see is answered 404 on every route.
"""

from __future__ import annotations

from flask import Response, g, jsonify, request, send_file
from werkzeug.exceptions import RequestEntityTooLarge

from app.api import bp
from app.api.openapi import ERROR, register_paths
from app.api.schemas import iso
from app.errors import NotFound, ValidationFailed
from app.permissions import require_permission
from app.services import documents as document_service
from app.services import papers as paper_service
from app.services import quick_report
from app.services.cases import get_visible_case


def document_json(document, user) -> dict:
    """A document's metadata; a medical paper's name and note only for medical roles."""
    readable = document_service.may_download(user, document)
    return {
        "id": document.id,
        "case_id": document.case_id,
        "category": document.category,
        "category_label": document_service.CATEGORIES.get(document.category, document.category),
        "original_name": document.original_name if readable else None,
        "content_type": document.content_type,
        "size_bytes": document.size_bytes,
        "sha256": document.sha256,
        "note": document.note if readable else None,
        "uploaded_at": iso(document.created_at),
        "downloadable": readable,
    }


def checklist_json(checklist) -> dict:
    return {
        "items": [
            {
                "category": item.category,
                "label": item.label,
                "present": item.present,
                "count": item.count,
            }
            for item in checklist.items
        ],
        "missing": checklist.missing,
        "complete": checklist.complete,
    }


def attachment(path, *, mimetype: str, name: str) -> Response:
    """A file download that browsers never render inline (``nosniff`` and ``no-store`` come
    with every answer, app/headers.py)."""
    return send_file(path, mimetype=mimetype, as_attachment=True, download_name=name)


def pdf_response(paper, *, inline: bool = True) -> Response:
    response = Response(paper.content, mimetype="application/pdf")
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{paper.filename}"'
    return response


def uploaded_file():
    """The multipart ``file`` part; an over-large request becomes a field error."""
    try:
        return request.files.get("file"), request.form
    except RequestEntityTooLarge:
        raise ValidationFailed(
            {"file": [document_service.TOO_BIG]}, document_service.TOO_BIG
        ) from None


@bp.post("/cases/<int:case_id>/documents")
@require_permission("cases.view")
def upload_document(case_id: int):
    file_storage, form = uploaded_file()
    document = document_service.upload_document(
        g.api_user,
        case_id,
        file_storage,
        form.get("category"),
        form.get("note"),
        ip=request.remote_addr,
    )
    return jsonify(document_json(document, g.api_user)), 201


@bp.get("/cases/<int:case_id>/documents")
@require_permission("cases.view")
def list_documents(case_id: int):
    case, rows = document_service.list_documents(g.api_user, case_id)
    return jsonify(
        items=[document_json(d, g.api_user) for d in rows],
        checklist=checklist_json(document_service.dossier_checklist(case)),
        can_upload=document_service.may_upload(g.api_user, case),
        upload_categories=(
            list(document_service.upload_categories(g.api_user, case))
            if document_service.may_upload(g.api_user, case)
            else []
        ),
    )


@bp.get("/cases/<int:case_id>/documents/<int:document_id>")
@require_permission("cases.view")
def download_document(case_id: int, document_id: int):
    document, path = document_service.document_for_download(g.api_user, case_id, document_id)
    return attachment(path, mimetype=document.content_type, name=document.original_name)


@bp.get("/cases/<int:case_id>/papers/<name>.pdf")
@require_permission("cases.view")
def paper(case_id: int, name: str):
    case = get_visible_case(g.api_user, case_id)
    if name not in paper_service.PAPERS:
        raise NotFound("Không có giấy tờ này.")
    return pdf_response(paper_service.render(name, case, g.api_user))


@bp.get("/cases/<int:case_id>/papers/quick_report")
@require_permission("cases.view")
def quick_report_json(case_id: int):
    case = get_visible_case(g.api_user, case_id)
    return jsonify(quick_report.quick_report_content(case, g.api_user))


_CASE_ID = {"name": "case_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_JSON_ERROR = {"content": {"application/json": {"schema": ERROR}}}
_TEXT = {"type": "string"}
_OPT_TEXT = {"type": ["string", "null"]}
QUICK_REPORT = {
    "type": "object",
    "properties": {
        "form": {"const": "06"},
        "title": _TEXT,
        "authority": _TEXT,
        "province": _TEXT,
        "number": _TEXT,
        "date": {"type": "string", "format": "date"},
        "recipient": _TEXT,
        "case_id": {"type": "integer"},
        "case_code": _TEXT,
        "severity": {"enum": ["fatal", "serious"]},
        "labour_relation": {"type": "boolean"},
        "enterprise": {
            "type": ["object", "null"],
            "properties": {
                key: _OPT_TEXT
                for key in (
                    "name",
                    "tax_code",
                    "industry_code",
                    "industry_label",
                    "ownership",
                    "ownership_label",
                    "commune_code",
                    "commune_name",
                )  # fmt: skip
            },
        },
        "reporter": _OPT_TEXT,
        "occurred_at": {"type": ["string", "null"], "format": "date-time"},
        "occurred_at_local": {"type": "string", "description": "dd/mm/yyyy HH:MM, Vietnam"},
        "location": _TEXT,
        "commune_code": _TEXT,
        "commune_name": _TEXT,
        "counts": {
            "type": "object",
            "properties": {k: {"type": "integer"} for k in ("victims", "deaths", "serious")},
        },
        "victims": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "full_name": _TEXT,
                    "gender": _OPT_TEXT,
                    "birth_year": {"type": ["integer", "null"]},
                    "occupation": _TEXT,
                    "occupation_code": _OPT_TEXT,
                    "outcome": {"enum": ["death", "serious", "light"]},
                },
            },
        },
        "account": _TEXT,
        "cause": {
            "type": ["object", "null"],
            "properties": {
                "causes": {"type": "array", "items": _TEXT},
                "cause_code": _OPT_TEXT,
                "cause_label": _TEXT,
            },
        },
        "measures": {"type": "array", "items": _TEXT},
    },
}
DOCUMENT = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "case_id": {"type": "integer"},
        "category": {"enum": list(document_service.CATEGORIES)},
        "category_label": {"type": "string"},
        "original_name": {"type": ["string", "null"]},
        "content_type": {"type": "string"},
        "size_bytes": {"type": "integer"},
        "sha256": {"type": "string"},
        "note": {"type": ["string", "null"]},
        "uploaded_at": {"type": "string", "format": "date-time"},
        "downloadable": {"type": "boolean"},
    },
}

register_paths(
    {
        "/cases/{case_id}/documents": {
            "get": {
                "summary": "The case's documents and its dossier checklist (law §3.3)",
                "parameters": [_CASE_ID],
                "responses": {
                    "200": {
                        "description": "{items: [document], checklist: {items, missing, "
                        "complete}, can_upload, upload_categories}; a medical paper's name "
                        "and note are null for roles without medical access (a list naming "
                        "one to a medical role is a logged medical read)",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "items": {"type": "array", "items": DOCUMENT},
                                        "checklist": {"type": "object"},
                                        "can_upload": {"type": "boolean"},
                                        "upload_categories": {
                                            "type": "array",
                                            "items": {"enum": list(document_service.CATEGORIES)},
                                        },
                                    },
                                }
                            }
                        },
                    },
                    "404": {"description": "missing or not visible", **_JSON_ERROR},
                },
            },
            "post": {
                "summary": "Attach a document (a category the kind's dossier lets the caller's "
                "role add in the case's state: see upload_categories): PDF, JPEG, PNG or "
                "DOCX by content, at most 20 MB",
                "parameters": [_CASE_ID],
                "requestBody": {
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file", "category"],
                                "properties": {
                                    "file": {"type": "string", "format": "binary"},
                                    "category": {"enum": list(document_service.CATEGORIES)},
                                    "note": {"type": "string", "maxLength": 500},
                                },
                            }
                        }
                    }
                },
                "responses": {
                    "201": {
                        "description": "the document",
                        "content": {"application/json": {"schema": DOCUMENT}},
                    },
                    "403": {
                        "description": "no part in this case's papers (union, insurance, a "
                        "commune on an enterprise's case) or not this category now",
                        **_JSON_ERROR,
                    },
                    "404": {"description": "missing or not visible", **_JSON_ERROR},
                    "409": {"description": "the case is closed or rejected", **_JSON_ERROR},
                    "422": {
                        "description": "bad category, no file, wrong type, extension not "
                        "matching the content, or larger than 20 MB",
                        **_JSON_ERROR,
                    },
                },
            },
        },
        "/cases/{case_id}/documents/{document_id}": {
            "get": {
                "summary": "Download a document as an attachment; medical papers only for "
                "roles with medical access (each read logged)",
                "parameters": [
                    _CASE_ID,
                    {
                        "name": "document_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    },
                ],
                "responses": {
                    "200": {"description": "the file (Content-Disposition: attachment)"},
                    "403": {"description": "a medical paper, role without medical access"},
                    "404": {"description": "missing or not visible", **_JSON_ERROR},
                },
            }
        },
        "/cases/{case_id}/papers/{name}.pdf": {
            "get": {
                "summary": "A printable paper: declaration (Form 01 shape), minutes "
                "(investigation minutes, once concluded) or quick_report (Form 06: fatal or "
                "2+ seriously injured accidents, inspectors only)",
                "parameters": [
                    _CASE_ID,
                    {
                        "name": "name",
                        "in": "path",
                        "required": True,
                        "schema": {"enum": list(paper_service.PAPERS)},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "PDF",
                        "content": {"application/pdf": {"schema": {"type": "string"}}},
                    },
                    "403": {"description": "quick_report, for a role other than inspector"},
                    "404": {
                        "description": "missing, not visible or no such paper (a quick "
                        "report of an accident that does not qualify)"
                    },
                    "409": {"description": "no minutes yet", **_JSON_ERROR},
                },
            }
        },
        "/cases/{case_id}/papers/quick_report": {
            "get": {
                "summary": "The quick report of a fatal or 2+ seriously injured accident "
                "(Decree 129/2025 Appendix II Form 06) as JSON: the content the PDF draws; "
                "no national ID, no medical detail",
                "parameters": [_CASE_ID],
                "responses": {
                    "200": {
                        "description": "the report's content",
                        "content": {"application/json": {"schema": QUICK_REPORT}},
                    },
                    "403": {"description": "a role other than inspector", **_JSON_ERROR},
                    "404": {
                        "description": "missing, not visible, or not qualifying",
                        **_JSON_ERROR,
                    },
                },
            }
        },
    }
)
