"""A case's documents: the investigation dossier (law.md §3.3) and other evidence.

Files are checked by their *content* (magic bytes; a DOCX must be a ZIP holding
``[Content_Types].xml`` and ``word/document.xml``), must agree with their extension, may
not exceed 20 MB (counted while streaming to disk) and are stored under ``UPLOAD_DIR`` with
a random server-made name — the client's file name is kept only as a label. The SHA-256 of
every file goes into the ``Document`` row and into the case's hash-chained audit trail
(trigger ``attach_document``), so a swapped file can be detected. Who may add which paper,
in which state, the kind's definition declares (``Dossier.uploaders``): the investigating body
its team's papers, the declarer (enterprise, or a commune for its own worker without a labour
relation) the photos and medical papers it holds, the inspector anything while the case is
open; a party with no part — a commune on an enterprise's accident, the trade union, social
insurance — adds nothing (403), through the web as through the API. Medical papers (category
``medical``) are medical fields: only roles with medical access download them or read their
name and note, and each such read — a download, or a list that names them — is logged. The
categories are ``workflows.dossier.CATEGORIES``; which of them a case needs, and when, its
kind's definition declares (``WorkflowDefinition.dossier``), so this module names no kind. The
checklist reads each required item's status from the same declaration (``Dossier.status``:
attached, issued by SafeCase, marked not applicable, missing), the rule an investigation's
closing guard applies (``workflows/dossier_rules.py``, docs/papers.md).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from flask import current_app
from sqlalchemy import select

from app.clock import now
from app.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import Case, Document
from app.services.audit import append_event
from app.services.case_snapshot import snapshot
from app.services.cases import get_visible_case
from app.services.privacy import log_medical_read, sees_medical
from app.services.unit_of_work import unit_of_work
from app.services.visibility import can_see
from workflows import get_workflow
from workflows.dossier import (
    ATTACHED,
    CATEGORIES,
    ISSUED,
    ISSUED_BY_SAFECASE,
    MEDICAL_CATEGORY,
    NOT_APPLICABLE_STATUS,
)

MAX_BYTES = 20 * 1024 * 1024
CHUNK = 64 * 1024
NO_PART = N_("Vai trò của bạn không được bổ sung tài liệu cho vụ việc này.")
NOT_THIS_PAPER = N_(
    "Vai trò của bạn không được bổ sung loại tài liệu này cho vụ việc ở bước hiện tại."
)


# Detected type → (content type, extensions that may carry it).
TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "pdf": ("application/pdf", (".pdf",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
    "png": ("image/png", (".png",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
    ),
}
ALLOWED_HINT = N_("Chỉ nhận tệp PDF, JPEG, PNG hoặc DOCX.")
TOO_BIG = N_("Tệp vượt quá dung lượng tối đa 20 MB.")

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


# --------------------------------------------------------------------------------------------
# Who may do what
# --------------------------------------------------------------------------------------------


def upload_categories(user, case: Case) -> tuple[str, ...]:
    """The categories ``user`` may add to ``case`` in its current state, in ``CATEGORIES``'
    order: those whose ``Uploader`` in the kind's dossier names the user's role, directly or
    through a resolver (the body investigating this case, its declarer). Empty when the user
    does not see the case. The state's being final is ``may_upload``'s check."""
    if not can_see(user, case):
        return ()
    definition = get_workflow(case.kind)
    role = getattr(user, "role", None)
    found = []
    view = None
    for category in CATEGORIES:
        names = definition.dossier.uploader_roles(category, case.state)
        if role in names:
            found.append(category)
            continue
        resolvers = [name for name in names if name in definition.resolvers]
        if resolvers:
            view = view or snapshot(case)
            if any(definition.resolve_role(name, view) == role for name in resolvers):
                found.append(category)
    return tuple(found)


def may_upload(user, case: Case) -> bool:
    """Whether ``user`` may attach some document to ``case`` now (scope, part and state)."""
    return not _is_final(case) and bool(upload_categories(user, case))


def _is_final(case: Case) -> bool:
    """Whether ``case``'s record is final (closed or rejected: a terminal state of its kind),
    so nothing more is attached."""
    return get_workflow(case.kind).state(case.state).terminal


def may_download(user, document: Document) -> bool:
    """Medical papers only for roles with medical access; anything else for who sees the case."""
    return document.category != MEDICAL_CATEGORY or sees_medical(user)


# --------------------------------------------------------------------------------------------
# The dossier checklist
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    category: str
    label: str
    present: bool
    count: int
    # SafeCase made this paper itself (``workflows.dossier.ISSUED_BY_SAFECASE``): present
    # without an upload.
    issued: bool = False
    # Marked not applicable while missing (``workflows.dossier_rules``): {"reason",
    # "marked_by", "marked_by_role", "marked_at"}; None otherwise.
    not_applicable: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Checklist:
    items: tuple[ChecklistItem, ...]

    @property
    def missing(self) -> list[str]:
        """The items neither present nor marked not applicable (what closing waits for)."""
        return [i.category for i in self.items if not i.present and i.not_applicable is None]

    @property
    def not_applicable(self) -> list[str]:
        return [item.category for item in self.items if item.not_applicable is not None]

    @property
    def complete(self) -> bool:
        return not self.missing


def dossier_checklist(case: Case) -> Checklist:
    """Which required dossier items of ``case`` are present (attached, or issued by SafeCase),
    marked not applicable, or missing — as the kind's ``Dossier.status`` says, the rule the
    closing guard applies."""
    counts: dict[str, int] = {}
    query = select(Document.category).where(Document.case_id == case.id)
    for category in db.session.scalars(query):
        counts[category] = counts.get(category, 0) + 1
    data = case.data or {}
    dossier = get_workflow(case.kind).dossier
    marks = dossier.not_applicable(data)
    items = []
    for name, status in dossier.status(case.state, data, counts):
        present = status in (ATTACHED, ISSUED)
        mark = marks[name] if status == NOT_APPLICABLE_STATUS else None
        issued = bool(data.get(ISSUED_BY_SAFECASE.get(name, "")))
        items.append(
            ChecklistItem(name, CATEGORIES[name], present, counts.get(name, 0), issued, mark)
        )
    return Checklist(tuple(items))


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def list_documents(user, case_id: int) -> tuple[Case, list[Document]]:
    """The case (visible to ``user``) and its documents, oldest first. A medical paper's name
    and note are medical detail (``may_download`` says who reads them): when the list shows
    any to ``user``, the read is logged.

    :raises NotFound: missing or not visible.
    """
    case = get_visible_case(user, case_id)
    rows = db.session.scalars(
        select(Document).where(Document.case_id == case.id).order_by(Document.id)
    ).all()
    medical = [row.id for row in rows if row.category == MEDICAL_CATEGORY]
    if medical and sees_medical(user):
        log_medical_read(user, case, "documents:" + ",".join(map(str, medical)))
    return case, list(rows)


def document_for_download(user, case_id: int, document_id: int) -> tuple[Document, Path]:
    """A document of a visible case and its file; a medical paper's read is logged.

    :raises NotFound: the case is not visible, the document is not the case's, or the file is
        gone.
    :raises PermissionDenied: a medical paper and the role has no medical access.
    """
    case = get_visible_case(user, case_id)
    document = db.session.get(Document, document_id)
    if document is None or document.case_id != case.id:
        raise NotFound(N_("Không tìm thấy tài liệu."))
    if not may_download(user, document):
        raise PermissionDenied(N_("Giấy tờ y tế chỉ dành cho người có quyền xem thông tin y tế."))
    path = stored_path(document.stored_name)
    if not path.is_file():
        raise NotFound(N_("Không tìm thấy tệp của tài liệu."))
    if document.category == MEDICAL_CATEGORY:
        log_medical_read(user, case, f"document:{document.id}")
    return document, path


def stored_path(stored_name: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{40}", stored_name or ""):
        raise NotFound(N_("Không tìm thấy tệp của tài liệu."))
    return Path(current_app.config["UPLOAD_DIR"]) / stored_name


# --------------------------------------------------------------------------------------------
# Uploading
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Stored:
    path: Path
    size: int
    sha256: str


def clean_original_name(name: str | None) -> str:
    """The client's file name as a label only: no directories, no control characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = _CONTROL.sub("", base).strip().lstrip(".")
    return base[-255:] if base else ""


def _stream_to_disk(stream: IO[bytes], directory: Path) -> _Stored:
    """Copy ``stream`` to a new random file, counting and hashing; refuse past MAX_BYTES."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / secrets.token_hex(20)
    digest = hashlib.sha256()
    size = 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise ValidationFailed({"file": [TOO_BIG]}, TOO_BIG)
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return _Stored(path, size, digest.hexdigest())


def _is_docx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    # A macro-enabled document (vbaProject) is not a plain DOCX, whatever its name says.
    return (
        "[Content_Types].xml" in names
        and "word/document.xml" in names
        and not any(n.lower().endswith("vbaproject.bin") for n in names)
    )


def detect_type(path: Path) -> str | None:
    """``pdf``, ``jpeg``, ``png`` or ``docx`` from the file's content, else None."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04") and _is_docx(path):
        return "docx"
    return None


def _check_fields(category: str | None, note: str | None, filename: str) -> dict:
    errors: dict[str, list[str]] = {}
    if category not in CATEGORIES:
        errors["category"] = [N_("Loại tài liệu không hợp lệ; chọn một mục trong danh sách hồ sơ.")]
    if note is not None and not isinstance(note, str):
        errors["note"] = [N_("Ghi chú phải là văn bản.")]
    elif note and len(note) > 500:
        errors["note"] = [N_("Ghi chú tối đa %(n)s ký tự.", n=500)]
    if not filename:
        errors["file"] = [N_("Chọn tệp cần tải lên.")]
    return errors


def _check_content(stored: _Stored, filename: str) -> str:
    """The detected type; :raises ValidationFailed: empty, unknown or mismatched type."""
    if stored.size == 0:
        raise ValidationFailed({"file": [N_("Tệp rỗng.")]})
    kind = detect_type(stored.path)
    if kind is None:
        raise ValidationFailed(
            {"file": [N_("Nội dung tệp không đúng định dạng. %(hint)s", hint=ALLOWED_HINT)]}
        )
    extension = os.path.splitext(filename)[1].lower()
    if extension not in TYPES[kind][1]:
        expected = ", ".join(TYPES[kind][1])
        mismatch = N_("Phần mở rộng của tệp không khớp với nội dung (%(types)s).", types=expected)
        raise ValidationFailed({"file": [mismatch]})
    return kind


def lock_case(case_id: int) -> Case:
    """The case row, locked for this transaction (re-read): the audit chain is appended under
    the case row lock, as the engine does (documents here, issued papers too)."""
    return db.session.execute(
        select(Case)
        .where(Case.id == case_id)
        .with_for_update(of=Case)
        .execution_options(populate_existing=True)
    ).scalar_one()


def upload_document(
    user, case_id: int, file_storage, category: str | None, note: str | None = None, *, ip=None
) -> Document:
    """Store an uploaded file as a document of case ``case_id``; one transaction.

    Adds a ``Document`` row and an ``attach_document`` event to the case's audit trail (with
    the file's SHA-256); the case's state and version do not change. On any refusal nothing
    is written: no row, no event, no file left on disk.

    :raises NotFound: the case is missing or not visible to ``user``.
    :raises PermissionDenied: the user has no part in adding papers to this case (the kind's
        ``Dossier.uploaders`` name no category for its role: union, insurance, a commune on
        an enterprise's case), or not this ``category`` in the case's state.
    :raises Conflict: the case is closed or rejected.
    :raises ValidationFailed: bad category or note, no file, empty, not PDF/JPEG/PNG/DOCX by
        content, extension not matching the content, or larger than 20 MB.
    """
    case = get_visible_case(user, case_id)
    allowed = upload_categories(user, case)
    if not allowed:
        raise PermissionDenied(NO_PART)
    if _is_final(case):
        raise Conflict(N_("Vụ việc đã kết thúc; không bổ sung tài liệu."))
    filename = clean_original_name(getattr(file_storage, "filename", None))
    errors = _check_fields(category, note, filename)
    if errors:
        raise ValidationFailed(errors)
    if category not in allowed:
        raise PermissionDenied(NOT_THIS_PAPER)
    stored = _stream_to_disk(file_storage.stream, Path(current_app.config["UPLOAD_DIR"]))
    try:
        kind = _check_content(stored, filename)
        return _record(user, case_id, stored, kind, category, filename, (note or "").strip(), ip)
    except BaseException:
        stored.path.unlink(missing_ok=True)
        raise


def _record(user, case_id, stored: _Stored, kind, category, filename, note, ip) -> Document:
    with unit_of_work():
        case = lock_case(case_id)
        if _is_final(case):
            raise Conflict(N_("Vụ việc đã kết thúc; không bổ sung tài liệu."))
        # The state may have moved on while the file streamed in.
        if category not in upload_categories(user, case):
            raise PermissionDenied(NOT_THIS_PAPER)
        at = now()
        document = Document(
            case_id=case.id,
            category=category,
            original_name=filename,
            stored_name=stored.path.name,
            content_type=TYPES[kind][0],
            size_bytes=stored.size,
            sha256=stored.sha256,
            uploaded_by_id=user.id,
            note=note,
        )
        db.session.add(document)
        db.session.flush()
        payload = {
            "document_id": document.id,
            "category": category,
            "content_type": document.content_type,
            "size_bytes": stored.size,
            "sha256": stored.sha256,
        }
        if category != MEDICAL_CATEGORY:
            # A medical paper's name may itself be medical detail; the hash identifies it.
            payload["name"] = filename
        append_event(
            case,
            actor=user.username,
            role=user.role,
            trigger="attach_document",
            from_state=case.state,
            to_state=case.state,
            payload=payload,
            at=at,
            ip=ip,
        )
    return document


def category_choices() -> list[tuple[str, str]]:
    return list(CATEGORIES.items())
