"""Papers SafeCase issues, frozen once issued: Form 01, the investigation minutes, a claim's
decision (#15: "a paper once issued stays as issued").

**Issuing.** A kind's definition says when each of its papers is issued (``PaperSpec``): after
the triggers it names — its declaration at ``declare``, the minutes at ``conclude``… The
engine calls :func:`issue_after` in the same transaction as the step, which writes the paper's
content as it is then — one drawing script per audience (``app.services.papers``) — into an
``IssuedPaper`` row, and appends an ``issue_paper`` event to the case's hash-chained audit trail
with the content's SHA-256 (canonical JSON). A later step named in ``issued_on`` issues a new
version only if the content it would write differs from the last version's; a role the
definition names may also issue a new version by hand, with a reason (:func:`reissue_paper`).
Older versions stay listed and downloadable, each with its time and hashes.

**Storing.** The PDF of an audience's copy is drawn from the frozen content the first time
someone of that audience asks for it, stored under ``UPLOAD_DIR`` with a random name (like an
uploaded document), and a ``store_paper`` event records its SHA-256; every later download
returns those bytes unchanged, whatever happened to the case, its rules or SafeCase's layout
since. (Drawing a PDF takes about half a second; drawing both copies at every declaration would
slow every declaration for papers most cases never print.)

**Privacy.** The two audiences are ``privacy.FULL`` (the roles that read national IDs and
medical detail) and ``privacy.MASKED`` (everyone else); the masked copy's script is written at
issue with the national IDs masked and medical detail left out, so a stored masked PDF never
held them. A medical role's download of a paper carrying medical detail is a logged medical
read, as on the case page.

**Older cases.** A case issued before papers were stored has none: its paper is built from
its data on the first request, by the system, and stored then (cause ``first_request``).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.clock import now
from app.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import Case, IssuedPaper, IssuedPaperFile
from app.services import papers
from app.services.audit import append_event, canonical_json, stored_json
from app.services.case_snapshot import snapshot
from app.services.cases import get_visible_case
from app.services.documents import lock_case, stored_path
from app.services.papers_claims import decision_script, has_decision
from app.services.privacy import AUDIENCES, FULL, audience_of, has_medical_content, read_medical
from app.services.unit_of_work import unit_of_work
from workflows import get_workflow
from workflows.inputs import nfc

ISSUE_EVENT = "issue_paper"
STORE_EVENT = "store_paper"
# Causes of an issue that are not a trigger.
REISSUE = "reissue"
FIRST_REQUEST = "first_request"
SYSTEM = "system"
REASON_MAX = 500


@dataclass(frozen=True)
class PaperKind:
    """How SafeCase writes one paper: whether a case has it now (``available``; ``missing``
    raises why not), its script for an audience, its title and file name."""

    name: str
    label: str
    available: Callable[[Case], bool]
    missing: Callable[[Case], Exception]
    script: Callable[..., papers.PaperScript]
    title: Callable[[Case], str]
    filename: Callable[[Case], str]


def _no_minutes(case: Case) -> Exception:
    if case.kind not in papers.TEAM_NAMES:
        return NotFound(N_("Vụ việc này không có biên bản điều tra."))
    return Conflict(N_("Chưa có biên bản điều tra: đoàn điều tra chưa lập biên bản."))


KINDS: dict[str, PaperKind] = {
    "declaration": PaperKind(
        "declaration",
        "Tờ khai, báo cáo",
        papers.has_declaration,
        lambda case: NotFound(N_("Vụ việc này không có tờ khai.")),
        papers.declaration_script,
        lambda case: f"{papers.TITLES[case.kind]} {case.code}",
        lambda case: f"{case.code}-to-khai",
    ),
    "minutes": PaperKind(
        "minutes",
        "Biên bản điều tra",
        papers.has_minutes,
        _no_minutes,
        papers.minutes_script,
        lambda case: f"Biên bản điều tra {case.code}",
        lambda case: f"{case.code}-bien-ban-dieu-tra",
    ),
    "decision": PaperKind(
        "decision",
        "Quyết định bồi thường, trợ cấp",
        has_decision,
        lambda case: NotFound(
            N_("Hồ sơ chưa có kết luận giám định nên chưa có quyết định bồi thường.")
        ),
        decision_script,
        lambda case: f"Quyết định bồi thường, trợ cấp tai nạn lao động {case.code}",
        lambda case: f"quyet-dinh-boi-thuong-{case.code}",
    ),
}
NO_SUCH_PAPER = N_("Không có giấy tờ này.")


def paper_names(case: Case) -> tuple[str, ...]:
    """The papers ``case``'s kind issues, in its definition's order."""
    return tuple(spec.name for spec in get_workflow(case.kind).papers)


def _kind(case: Case, name: str) -> PaperKind:
    """:raises NotFound: a paper ``case``'s kind does not issue."""
    if name not in paper_names(case):
        if name in KINDS:
            raise KINDS[name].missing(case)
        raise NotFound(NO_SUCH_PAPER)
    return KINDS[name]


# --------------------------------------------------------------------------------------------
# Content and its hash
# --------------------------------------------------------------------------------------------


def paper_content(name: str, case: Case) -> dict[str, Any]:
    """The content of paper ``name`` of ``case`` as it stands: each audience's drawing steps
    and whether the case carries medical detail, as the JSON column gives it back."""
    kind = KINDS[name]
    return stored_json(
        {
            **{
                audience: kind.script(case, medical=audience == FULL).steps
                for audience in AUDIENCES
            },
            "carries_medical": has_medical_content(case),
        }
    )


def content_sha256(content: dict[str, Any]) -> str:
    """SHA-256 (hex) over the canonical JSON of a paper's content (sorted keys, compact)."""
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def latest(case_id: int, name: str) -> IssuedPaper | None:
    """The last version of paper ``name`` of case ``case_id``, or None."""
    return db.session.scalars(
        select(IssuedPaper)
        .where(IssuedPaper.case_id == case_id, IssuedPaper.name == name)
        .order_by(IssuedPaper.version.desc())
        .limit(1)
    ).first()


# --------------------------------------------------------------------------------------------
# Issuing (inside the caller's transaction)
# --------------------------------------------------------------------------------------------


def issue(
    chain,
    case: Case,
    name: str,
    *,
    actor: str,
    role: str,
    cause: str,
    at: datetime,
    reason: str = "",
    ip: str | None = None,
) -> IssuedPaper | None:
    """Issue paper ``name`` of ``case`` as it stands, unless the last version already says the
    same (then None). Adds the ``IssuedPaper`` row and appends ``issue_paper`` to the chain of
    ``chain`` (the locked case row: ``case`` itself or the engine's record of it), which the
    caller writes back. Must run inside the caller's unit of work, the case row locked."""
    kind = KINDS[name]
    content = paper_content(name, case)
    digest = content_sha256(content)
    last = latest(case.id, name)
    if last is not None and last.content_sha256 == digest:
        return None
    paper = IssuedPaper(
        case_id=case.id,
        name=name,
        version=last.version + 1 if last is not None else 1,
        issued_at=at,
        issued_by=actor,
        issued_by_role=role,
        cause=cause,
        reason=reason,
        title=kind.title(case),
        filename=kind.filename(case),
        content=content,
        content_sha256=digest,
    )
    db.session.add(paper)
    db.session.flush()
    payload = {
        "paper": name,
        "version": paper.version,
        "paper_id": paper.id,
        "cause": cause,
        "content_sha256": digest,
    }
    if reason:
        payload["reason"] = reason
    state = chain.state
    append_event(
        chain, actor=actor, role=role, trigger=ISSUE_EVENT, from_state=state, to_state=state,
        payload=payload, at=at, ip=ip,
    )  # fmt: skip
    return paper


def issue_after(chain, trigger: str, *, actor: str, role: str, at: datetime, ip=None) -> int:
    """Issue the papers ``chain``'s kind issues after ``trigger`` (``PaperSpec.issued_on``) that
    the case has now, each only if new or changed; returns how many were issued.

    Called by the engine once the step's rows are written, in its transaction, with ``chain``
    the locked case (a ``Case`` or the engine's record, whose chain head the caller saves).
    The step's rows were partly written as plain SQL, so the ORM is flushed and expired first:
    the case is read back as it now is."""
    names = get_workflow(chain.kind).papers_issued_on(trigger)
    if not names:
        return 0
    db.session.flush()
    db.session.expire_all()
    case = db.session.get(Case, chain.id)
    issued = 0
    for name in names:
        if KINDS[name].available(case) and issue(
            chain, case, name, actor=actor, role=role, cause=trigger, at=at, ip=ip
        ):
            issued += 1
    return issued


# --------------------------------------------------------------------------------------------
# Reissuing by hand
# --------------------------------------------------------------------------------------------


def reissue_paper(user, case_id: int, name: str, raw_reason: Any, *, ip=None) -> IssuedPaper:
    """Issue a new version of paper ``name`` of case ``case_id`` by hand, as it now stands,
    with ``raw_reason``; one transaction (the row and its ``issue_paper`` event).

    :raises NotFound: the case is missing or not visible, or its kind has no such paper.
    :raises PermissionDenied: the kind's ``PaperSpec.reissuers`` do not name the user's role
        for this case.
    :raises Conflict: the case is closed or rejected, the paper does not exist yet (minutes
        not written), or it would say nothing new (the last version has the same content).
    :raises ValidationFailed: ``reason`` missing, not text or longer than 500 characters.
    """
    case = get_visible_case(user, case_id)
    kind = _kind(case, name)
    definition = get_workflow(case.kind)
    if not definition.may_reissue(name, user.role, snapshot(case)):
        raise PermissionDenied(N_("Vai trò của bạn không được phát hành lại giấy tờ này."))
    if definition.state(case.state).terminal:
        raise Conflict(N_("Vụ việc đã kết thúc; không phát hành lại giấy tờ."))
    if not kind.available(case):
        raise kind.missing(case)
    reason = _reason(raw_reason)
    with unit_of_work():
        locked = lock_case(case_id)
        paper = issue(
            locked, locked, name, actor=user.username, role=user.role, cause=REISSUE,
            at=now(), reason=reason, ip=ip,
        )  # fmt: skip
        if paper is None:
            last = latest(case_id, name)
            raise Conflict(
                N_(
                    "Nội dung giấy tờ không thay đổi so với lần phát hành %(version)s; "
                    "không cần phát hành lại.",
                    version=last.version if last else 0,
                )
            )
    return paper


def _reason(raw: Any) -> str:
    """:raises ValidationFailed: not text, empty, or longer than ``REASON_MAX``."""
    if raw is not None and not isinstance(raw, str):
        raise ValidationFailed({"reason": [N_("Lý do phải là văn bản.")]})
    reason = nfc(raw or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [N_("Nhập lý do phát hành lại.")]})
    if len(reason) > REASON_MAX:
        raise ValidationFailed({"reason": [N_("Lý do tối đa %(n)s ký tự.", n=REASON_MAX)]})
    return reason


# --------------------------------------------------------------------------------------------
# Downloading
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Download:
    """A stored PDF: the file name to give it, its bytes and its SHA-256."""

    filename: str
    content: bytes
    sha256: str
    version: int


def download(user, case_id: int, name: str, version: int | None = None) -> Download:
    """The PDF of paper ``name`` of case ``case_id`` for ``user``'s audience: the last version
    (``version`` None) or the one asked for, as stored. The first request of a version by an
    audience draws and stores its PDF; the first request of a paper the case never had stored
    (a case older than stored papers) issues it first. A medical role's read of a paper that
    carries medical detail is logged.

    :raises NotFound: the case is missing or not visible, no such paper or version.
    :raises Conflict: no minutes yet (the last version is asked for and the case has none now:
        not concluded, or reopened and not concluded again; the older versions stay readable).
    """
    case = get_visible_case(user, case_id)
    kind = _kind(case, name)
    if version is None:
        if not kind.available(case):
            raise kind.missing(case)
        paper = latest(case.id, name) or _issue_on_first_request(case.id, name)
    else:
        paper = db.session.scalars(
            select(IssuedPaper).where(
                IssuedPaper.case_id == case.id,
                IssuedPaper.name == name,
                IssuedPaper.version == version,
            )
        ).first()
        if paper is None:
            raise NotFound(N_("Không có lần phát hành này của giấy tờ."))
    audience = audience_of(user)
    stored = _stored(paper, audience) or _store(case, paper, audience)
    content = stored_path(stored.stored_name).read_bytes()
    if audience == FULL:
        read_medical(user, case, f"paper:{name}", carried=bool(paper.content["carries_medical"]))
    return Download(f"{paper.filename}-lan-{paper.version}.pdf", content, stored.sha256,
                    paper.version)  # fmt: skip


def _issue_on_first_request(case_id: int, name: str) -> IssuedPaper:
    """Issue a paper of a case declared before papers were stored, from its data now, by the
    system; one transaction. Two first requests at once issue it once (the row lock)."""
    with unit_of_work():
        case = lock_case(case_id)
        paper = latest(case_id, name) or issue(
            case, case, name, actor=SYSTEM, role=SYSTEM, cause=FIRST_REQUEST, at=now()
        )
    return paper


def _stored(paper: IssuedPaper, audience: str) -> IssuedPaperFile | None:
    return db.session.scalars(
        select(IssuedPaperFile).where(
            IssuedPaperFile.paper_id == paper.id, IssuedPaperFile.audience == audience
        )
    ).first()


def _store(case: Case, paper: IssuedPaper, audience: str) -> IssuedPaperFile:
    """Draw ``audience``'s copy of ``paper`` from its frozen content, store it and record its
    SHA-256 in the case's trail (``store_paper``, by the system); one transaction. When a
    concurrent request stored it first, that copy is kept and this drawing is dropped."""
    stamp = papers.IssueStamp(paper.version, paper.issued_at, paper.content_sha256)
    drawn = papers.draw(
        paper.title,
        paper.content[audience],
        stamp,
        f"SafeCase {case.code} — {KINDS[paper.name].label}",
    ).content
    directory = Path(current_app.config["UPLOAD_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / secrets.token_hex(20)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(drawn)
    try:
        with unit_of_work():
            locked = lock_case(case.id)
            found = _stored(paper, audience)
            if found is not None:
                path.unlink(missing_ok=True)
                return found
            digest = hashlib.sha256(drawn).hexdigest()
            row = IssuedPaperFile(
                paper_id=paper.id, audience=audience, stored_name=path.name,
                size_bytes=len(drawn), sha256=digest,
            )  # fmt: skip
            db.session.add(row)
            db.session.flush()
            append_event(
                locked, actor=SYSTEM, role=SYSTEM, trigger=STORE_EVENT,
                from_state=locked.state, to_state=locked.state,
                payload={"paper": paper.name, "version": paper.version, "paper_id": paper.id,
                         "audience": audience, "sha256": digest, "size_bytes": len(drawn)},
                at=now(),
            )  # fmt: skip
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return row


# --------------------------------------------------------------------------------------------
# Listing
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaperVersion:
    """One issued version as a reader sees it; ``sha256`` is the hash of the reader's copy
    once stored (None until someone of the reader's audience first downloads it)."""

    name: str
    version: int
    issued_at: datetime
    issued_by: str
    issued_by_role: str
    cause: str
    reason: str
    content_sha256: str
    sha256: str | None


@dataclass(frozen=True)
class PaperListing:
    """A paper of a case: whether the case has it now (``available``), its versions newest
    first, and whether the reader may issue a new one by hand."""

    name: str
    available: bool
    versions: tuple[PaperVersion, ...]
    may_reissue: bool

    @property
    def current(self) -> PaperVersion | None:
        return self.versions[0] if self.versions and self.available else None


def version_view(row: IssuedPaper, audience: str) -> PaperVersion:
    """``row`` as a reader of ``audience`` sees it (the hash of that audience's copy)."""
    return PaperVersion(
        row.name, row.version, row.issued_at, row.issued_by, row.issued_by_role, row.cause,
        row.reason, row.content_sha256,
        next((f.sha256 for f in row.files if f.audience == audience), None),
    )  # fmt: skip


def list_papers(user, case: Case) -> list[PaperListing]:
    """The papers of ``case`` (which ``user`` sees) with their issued versions; one query for
    the rows and their files."""
    names = paper_names(case)
    if not names:
        return []
    audience = audience_of(user)
    rows = db.session.scalars(
        select(IssuedPaper)
        .where(IssuedPaper.case_id == case.id)
        .options(selectinload(IssuedPaper.files))
        .order_by(IssuedPaper.name, IssuedPaper.version.desc())
    ).all()
    definition = get_workflow(case.kind)
    view = snapshot(case)
    open_case = not definition.state(case.state).terminal
    listings = []
    for name in names:
        versions = tuple(version_view(row, audience) for row in rows if row.name == name)
        available = KINDS[name].available(case)
        may = open_case and available and definition.may_reissue(name, user.role, view)
        listings.append(PaperListing(name, available, versions, may))
    return listings
