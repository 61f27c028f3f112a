"""Documents and printable papers of a case through the API.

``POST /cases/{id}/documents`` (multipart: ``file``, ``category``, ``note``) attaches a
dossier document; ``GET /cases/{id}/documents`` lists them with the dossier checklist;
``GET /cases/{id}/documents/{doc_id}`` downloads one as an attachment;
``GET /cases/{id}/papers`` lists the papers SafeCase issued for the case, each with its
versions (time, cause, hashes); ``GET /cases/{id}/papers/{name}.pdf`` answers the paper in
force as stored (the declaration, the minutes, a claim's decision: ``issued_papers``) or the
quick report (Form 06, drawn on each request), ``GET /cases/{id}/papers/{name}/{version}.pdf``
an earlier version, and ``POST /cases/{id}/papers/{name}/reissue`` issues a new version by
hand; ``GET /cases/{id}/papers/quick_report`` answers the quick report's content as JSON
(inspectors only; the same content the PDF draws).
A case the caller cannot see is answered 404 on every route.
"""

from __future__ import annotations

from flask import Response, g, jsonify, request, send_file
from werkzeug.exceptions import RequestEntityTooLarge

from app.api import bp
from app.api.openapi import ERROR, register_paths
from app.api.parsing import json_body
from app.api.schemas import iso
from app.errors import ValidationFailed
from app.permissions import require_permission
from app.services import documents as document_service
from app.services import issued_papers, quick_report
from app.services.cases import get_visible_case
from app.services.privacy import audience_of
from workflows.base import PAPER_NAMES


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
    """The dossier checklist; an item marked not applicable carries the mark (reason, who,
    when) and is neither present nor missing."""
    return {
        "items": [
            {
                "category": item.category,
                "label": item.label,
                "present": item.present,
                "count": item.count,
                "issued": item.issued,
                "not_applicable": (
                    {
                        "reason": item.not_applicable.get("reason"),
                        "marked_by": item.not_applicable.get("marked_by"),
                        "marked_at": item.not_applicable.get("marked_at"),
                    }
                    if item.not_applicable is not None
                    else None
                ),
            }
            for item in checklist.items
        ],
        "missing": checklist.missing,
        "not_applicable": checklist.not_applicable,
        "complete": checklist.complete,
    }


def attachment(path, *, mimetype: str, name: str) -> Response:
    """A file download that browsers never render inline (``nosniff`` and ``no-store`` come
    with every answer, app/headers.py)."""
    return send_file(path, mimetype=mimetype, as_attachment=True, download_name=name)


def pdf_response(paper, *, inline: bool = True) -> Response:
    """A PDF answer; a stored paper's (``issued_papers.Download``) carries its SHA-256 as
    its ETag, the hash its ``store_paper`` event records."""
    response = Response(paper.content, mimetype="application/pdf")
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{paper.filename}"'
    if getattr(paper, "sha256", None):
        response.set_etag(paper.sha256)
    return response


def paper_pdf(user, case_id: int, name: str, version: int | None = None):
    """The paper ``name`` of a case as ``user`` downloads it: the quick report drawn now, any
    other as stored (``issued_papers.download``)."""
    if name == quick_report.NAME and version is None:
        return quick_report.quick_report_pdf(get_visible_case(user, case_id), user)
    return issued_papers.download(user, case_id, name, version)


def paper_version_json(case_id: int, version) -> dict:
    """One issued version of a paper (``issued_papers.PaperVersion``)."""
    return {
        "paper": version.name,
        "version": version.version,
        "issued_at": iso(version.issued_at),
        "issued_by": version.issued_by,
        "issued_by_role": version.issued_by_role,
        "cause": version.cause,
        "reason": version.reason or None,
        "content_sha256": version.content_sha256,
        "sha256": version.sha256,
        "url": f"/api/v1/cases/{case_id}/papers/{version.name}/{version.version}.pdf",
    }


def papers_json(case_id: int, listings) -> dict:
    return {
        "items": [
            {
                "name": listing.name,
                "available": listing.available,
                "current_version": listing.current.version if listing.current else None,
                "may_reissue": listing.may_reissue,
                "versions": [paper_version_json(case_id, v) for v in listing.versions],
            }
            for listing in listings
        ]
    }


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


@bp.get("/cases/<int:case_id>/papers")
@require_permission("cases.view")
def list_papers(case_id: int):
    case = get_visible_case(g.api_user, case_id)
    return jsonify(papers_json(case.id, issued_papers.list_papers(g.api_user, case)))


@bp.get("/cases/<int:case_id>/papers/<name>.pdf")
@require_permission("cases.view")
def paper(case_id: int, name: str):
    return pdf_response(paper_pdf(g.api_user, case_id, name))


@bp.get("/cases/<int:case_id>/papers/<name>/<int:version>.pdf")
@require_permission("cases.view")
def paper_version(case_id: int, name: str, version: int):
    return pdf_response(paper_pdf(g.api_user, case_id, name, version))


@bp.post("/cases/<int:case_id>/papers/<name>/reissue")
@require_permission("cases.view")
def reissue_paper(case_id: int, name: str):
    body = json_body()
    paper = issued_papers.reissue_paper(
        g.api_user, case_id, name, body.get("reason"), ip=request.remote_addr
    )
    version = issued_papers.version_view(paper, audience_of(g.api_user))
    return jsonify(paper_version_json(case_id, version)), 201


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
PAPER_VERSION = {
    "type": "object",
    "properties": {
        "paper": {"enum": list(PAPER_NAMES)},
        "version": {"type": "integer", "minimum": 1},
        "issued_at": {"type": "string", "format": "date-time"},
        "issued_by": {"type": "string", "description": "a username, or system"},
        "issued_by_role": {"type": "string"},
        "cause": {
            "type": "string",
            "description": "the trigger that issued it, reissue (by hand) or first_request "
            "(a case older than stored papers)",
        },
        "reason": {"type": ["string", "null"]},
        "content_sha256": {"type": "string", "description": "as in its issue_paper event"},
        "sha256": {
            "type": ["string", "null"],
            "description": "the caller's copy's, as in its store_paper event; null until stored",
        },
        "url": {"type": "string"},
    },
}
_PAPER_NAME = {
    "name": "name",
    "in": "path",
    "required": True,
    "schema": {"enum": [*PAPER_NAMES, quick_report.NAME]},
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
        "/cases/{case_id}/papers": {
            "get": {
                "summary": "The papers SafeCase issued for the case, each with its versions "
                "newest first (frozen once issued; hashes as in the audit trail)",
                "parameters": [_CASE_ID],
                "responses": {
                    "200": {
                        "description": "{items: [{name, available, current_version, "
                        "may_reissue, versions: [version]}]}; a version's sha256 is the hash "
                        "of the caller's copy (national IDs masked and no medical detail for "
                        "roles without medical access) once stored, else null",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "items": {
                                            "type": "array",
                                            "items": {
                                                "type": "object",
                                                "properties": {
                                                    "name": {"enum": list(PAPER_NAMES)},
                                                    "available": {"type": "boolean"},
                                                    "current_version": {
                                                        "type": ["integer", "null"]
                                                    },
                                                    "may_reissue": {"type": "boolean"},
                                                    "versions": {
                                                        "type": "array",
                                                        "items": PAPER_VERSION,
                                                    },
                                                },
                                            },
                                        }
                                    },
                                }
                            }
                        },
                    },
                    "404": {"description": "missing or not visible", **_JSON_ERROR},
                },
            }
        },
        "/cases/{case_id}/papers/{name}.pdf": {
            "get": {
                "summary": "A printable paper: the declaration (Form 01 shape), the "
                "investigation minutes (once concluded) or a claim's decision as issued and "
                "stored, the last version (a case older than stored papers: built and stored "
                "on this first request); or quick_report (Form 06: fatal or 2+ seriously "
                "injured accidents, inspectors only), drawn now",
                "parameters": [_CASE_ID, _PAPER_NAME],
                "responses": {
                    "200": {
                        "description": "PDF; ETag: the SHA-256 of the stored file (event "
                        "store_paper)",
                        "content": {"application/pdf": {"schema": {"type": "string"}}},
                    },
                    "403": {"description": "quick_report, for a role other than inspector"},
                    "404": {
                        "description": "missing, not visible or no such paper (a quick "
                        "report of an accident that does not qualify, a decision before the "
                        "assessment)"
                    },
                    "409": {"description": "no minutes (yet, or since a reopening)", **_JSON_ERROR},
                },
            }
        },
        "/cases/{case_id}/papers/{name}/{version}.pdf": {
            "get": {
                "summary": "One issued version of a paper, as stored (older versions stay "
                "readable after a new one is issued)",
                "parameters": [
                    _CASE_ID,
                    _PAPER_NAME,
                    {
                        "name": "version",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 1},
                    },
                ],  # fmt: skip
                "responses": {
                    "200": {
                        "description": "PDF; ETag: the SHA-256 of the stored file",
                        "content": {"application/pdf": {"schema": {"type": "string"}}},
                    },
                    "404": {"description": "missing, not visible, no such version", **_JSON_ERROR},
                },
            }
        },
        "/cases/{case_id}/papers/{name}/reissue": {
            "post": {
                "summary": "Issue a new version of a paper by hand, as the case now stands "
                "(the roles the kind's workflow names: the declarer its declaration, the body "
                "heading the team its minutes, the employer its decision); the older versions "
                "stay readable",
                "parameters": [_CASE_ID, _PAPER_NAME],
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["reason"],
                                "properties": {"reason": {"type": "string", "maxLength": 500}},
                            }
                        }
                    }
                },
                "responses": {
                    "201": {
                        "description": "the new version",
                        "content": {"application/json": {"schema": PAPER_VERSION}},
                    },
                    "403": {"description": "a role that may not reissue it", **_JSON_ERROR},
                    "404": {"description": "missing, not visible, no such paper", **_JSON_ERROR},
                    "409": {
                        "description": "the case is closed or rejected, the paper does not "
                        "exist yet, or nothing in it changed since the last version",
                        **_JSON_ERROR,
                    },
                    "422": {"description": "reason missing or too long", **_JSON_ERROR},
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
