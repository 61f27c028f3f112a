"""Long XLSX exports of the accident figures, built in the background.

An export is a pair of files in ``EXPORT_DIR`` (``instance/exports`` by default, never
committed): ``<id>.json``, its record — ``{"id", "user_id", "args", "lang", "status"
("queued" | "running" | "done" | "failed"), "progress" (0-100), "filename", "created_at"}`` —
and ``<id>.xlsx`` once done. No table: an export is a file for one person, not a fact of the
city. The job (``app.jobs.exports.build_statistics_export``) runs in-process right away when
embedded and on an RQ worker with Redis; it rereads the requester and the filter, so it counts
exactly what the requester may see at the moment it runs. Only the requester may read the
record or download the file; anyone else gets 404, as for a missing export.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import current_app

from app import clock
from app.errors import Conflict, NotFound
from app.extensions import db
from app.i18n import N_
from app.models import User
from app.services import statistics, statistics_export
from app.services.statistics_query import FIELDS, parse_query

# A period longer than this for the whole city (no enterprise or commune filter) is exported
# in the background: about one year of a city's accidents is what a request builds at once.
LARGE_SPAN = timedelta(days=366)
_ID = re.compile(r"^[0-9a-f]{32}$")
NOT_FOUND = N_("Không tìm thấy bản xuất dữ liệu.")
NOT_READY = N_("Bản xuất dữ liệu chưa xong.")


def is_large(query: statistics.Query) -> bool:
    """Whether ``query``'s XLSX goes to the background without being asked to."""
    whole_city = query.enterprise_id is None and query.commune_code is None
    return whole_city and (query.last - query.first) > LARGE_SPAN


def _dir() -> Path:
    path = Path(current_app.config["EXPORT_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def _record_path(export_id: str) -> Path:
    return _dir() / f"{export_id}.json"


def _file_path(export_id: str) -> Path:
    return _dir() / f"{export_id}.xlsx"


def _write(record: Mapping[str, Any]) -> None:
    # Written whole then renamed, so a poll never reads half a record.
    path = _record_path(record["id"])
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def _read(export_id: str) -> dict[str, Any] | None:
    if not _ID.match(export_id or ""):
        return None
    try:
        return json.loads(_record_path(export_id).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def request_export(user, args: Mapping[str, str], lang: str = "vi") -> dict[str, Any]:
    """Record an XLSX export of the figures ``args`` select for ``user`` and start it (in
    the background with Redis, at once when embedded). Returns the record.

    :raises ValidationFailed: the filter is invalid (nothing is recorded).
    """
    parse_query(args, user)  # refuse a bad filter now, not in the job
    record = {
        "id": secrets.token_hex(16),
        "user_id": user.id,
        "args": {name: args[name] for name in FIELDS if args.get(name)},
        "lang": "en" if lang == "en" else "vi",
        "status": "queued",
        "progress": 0,
        "filename": None,
        "created_at": clock.now().isoformat(),
    }
    _write(record)
    from app.jobs.exports import queue_export

    queue_export(record["id"])
    return _read(record["id"]) or record


def export_status(user, export_id: str) -> dict[str, Any]:
    """The record of ``user``'s export ``export_id``.

    :raises NotFound: no such export, or another user's.
    """
    record = _read(export_id)
    if record is None or record["user_id"] != user.id:
        raise NotFound(NOT_FOUND)
    return record


def export_file(user, export_id: str) -> tuple[Path, str]:
    """The finished file of ``user``'s export and the name to download it as.

    :raises NotFound: no such export, or another user's.
    :raises Conflict: not finished yet (or failed).
    """
    record = export_status(user, export_id)
    path = _file_path(export_id)
    if record["status"] != "done" or not path.exists():
        raise Conflict(NOT_READY)
    return path, record["filename"]


def mark_failed(export_id: str) -> None:
    """Mark export ``export_id`` failed (its job could not be queued)."""
    record = _read(export_id)
    if record is not None and record["status"] != "done":
        _write({**record, "status": "failed"})


def build_export(export_id: str) -> None:
    """Build export ``export_id``'s file, updating its progress after each sheet.

    Idempotent: a finished export is left alone, a record that vanished is ignored. A
    requester no longer active, or a filter no longer valid, fails the export.
    """
    record = _read(export_id)
    if record is None or record["status"] == "done":
        return
    user = db.session.get(User, record["user_id"])
    if user is None or not user.is_active:
        _write({**record, "status": "failed"})
        return
    record = {**record, "status": "running", "progress": 0}
    _write(record)
    try:
        query = parse_query(record["args"], user)
        figures = statistics.accident_figures(user, query, lang=record["lang"])

        def progress(done: int, total: int) -> None:
            # 100 only once the file is in place.
            _write({**record, "progress": min(99, done * 100 // total)})

        content = statistics_export.accidents_xlsx(figures, record["lang"], progress)
        tmp = _file_path(export_id).with_suffix(".xlsx.tmp")
        tmp.write_bytes(content)
        os.replace(tmp, _file_path(export_id))
    except Exception:
        _write({**record, "status": "failed"})
        raise
    _write(
        {**record, "status": "done", "progress": 100,
         "filename": statistics_export.filename(figures, "xlsx")}
    )  # fmt: skip
