"""Enterprises and communes: adding them with validation, importing the commune list.

Each change is recorded in the security audit (``app/services/security_audit.py``) in its own
transaction; ``actor`` is the administrator, None for the command line."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import Commune, Enterprise
from app.services import codes
from app.services.csv_files import cell_error, read_csv
from app.services.security_audit import record
from app.services.unit_of_work import unit_of_work
from workflows.inputs import COUNT_MAX, NAME_MAX, is_digits, out_of_range, too_long

TAX_CODE_RE = re.compile(r"^([0-9]{10}|[0-9]{13})$")
INDUSTRY_RE = re.compile(r"^[A-U][0-9]{0,5}$")
# Types of ownership (loại hình doanh nghiệp, code list ``ownership``): state-owned, non-state
# domestic, foreign-invested, cooperative, household business.
OWNERSHIP_TYPES = ("state", "non_state", "foreign", "cooperative", "household")
# An enterprise's registered name may be long ("Công ty trách nhiệm hữu hạn một thành viên …").
ENTERPRISE_NAME_MAX = 300
DEMO_COMMUNES = Path(__file__).resolve().parent.parent / "data" / "communes_hai_phong.csv"


def normalise_tax_code(raw: str) -> str:
    """Accept 0201234567 and the branch form 0201234567-001; store digits only."""
    return (raw or "").strip().replace("-", "").replace(" ", "")


def add_enterprise(
    *,
    tax_code: str,
    name: str,
    commune_code: str,
    workers: int,
    female_workers: int = 0,
    industry_code: str | None = None,
    ownership: str | None = None,
    actor=None,
) -> Enterprise:
    """Create an enterprise.

    :raises ValidationFailed: malformed or duplicate tax code, a missing or too long name
        (``ENTERPRISE_NAME_MAX``), unknown commune, counts outside 0–``COUNT_MAX`` or more
        women than workers.
    """
    errors: dict[str, list[str]] = {}
    tax_code = normalise_tax_code(tax_code)
    if not TAX_CODE_RE.match(tax_code):
        errors["tax_code"] = ["Mã số thuế phải gồm 10 hoặc 13 chữ số."]
    elif db.session.scalar(select(Enterprise.id).where(Enterprise.tax_code == tax_code)):
        errors["tax_code"] = [f"Mã số thuế {tax_code} đã có trong hệ thống."]
    if not (name or "").strip():
        errors["name"] = ["Tên doanh nghiệp là bắt buộc."]
    elif len(name.strip()) > ENTERPRISE_NAME_MAX:
        errors["name"] = [too_long(ENTERPRISE_NAME_MAX)]
    if db.session.get(Commune, commune_code or "") is None:
        errors["commune"] = [f"Không có xã/phường mã {commune_code!r}."]
    if workers is None or not 0 <= workers <= COUNT_MAX:
        errors["workers"] = [out_of_range(0, COUNT_MAX)]
    elif female_workers is None or female_workers < 0 or workers < female_workers:
        errors["female_workers"] = ["Số lao động nữ phải từ 0 đến tổng số lao động."]
    if industry_code and not INDUSTRY_RE.match(industry_code.strip().upper()):
        errors["industry"] = ["Mã ngành VSIC không hợp lệ (ví dụ C25)."]
    if ownership is not None and ownership not in OWNERSHIP_TYPES:
        errors["ownership"] = [f"Loại hình phải là một trong: {', '.join(OWNERSHIP_TYPES)}."]
    if errors:
        raise ValidationFailed(errors)
    with unit_of_work():
        enterprise = Enterprise(
            tax_code=tax_code,
            name=name.strip(),
            commune_code=commune_code,
            workers=workers,
            female_workers=female_workers,
            industry_code=industry_code.strip().upper() if industry_code else None,
            ownership=ownership,
        )
        db.session.add(enterprise)
        record(
            "enterprise.created",
            actor=actor,
            target_type="enterprise",
            target=tax_code,
            after={
                "name": enterprise.name,
                "commune": commune_code,
                "workers": workers,
                "female_workers": female_workers,
                "industry_code": enterprise.industry_code,
                "ownership": ownership,
            },
        )
    return enterprise


def list_enterprises() -> list[Enterprise]:
    """Every enterprise, by name (the administrator's list)."""
    return list(db.session.scalars(select(Enterprise).order_by(Enterprise.name, Enterprise.id)))


def get_enterprise(enterprise_id: int) -> Enterprise:
    """:raises NotFound: no such enterprise."""
    enterprise = db.session.get(Enterprise, enterprise_id)
    if enterprise is None:
        raise NotFound(N_("Không tìm thấy doanh nghiệp."))
    return enterprise


def classify_enterprise(
    enterprise_id: int, *, industry_code: str | None, ownership: str | None, actor=None
) -> Enterprise:
    """Set an enterprise's industry (a VSIC code of the ``industry`` list, section or division)
    and type of ownership (a code of the ``ownership`` list); None or "" clears one. Cases
    already declared keep the classification copied onto them at declaration.

    :raises NotFound: no such enterprise.
    :raises ValidationFailed: a code that is not an active code of its list (under
        ``industry_code`` / ``ownership``); nothing is changed.
    """
    industry_code = codes.nfc(industry_code or "").upper() or None
    ownership = codes.nfc(ownership or "") or None
    errors: dict[str, list[str]] = {}
    for field, list_name, value in (
        ("industry_code", "industry", industry_code),
        ("ownership", "ownership", ownership),
    ):
        if value is not None and not codes.exists(list_name, value):
            errors[field] = [codes.unknown_code_message(list_name, value)]
    with unit_of_work():
        enterprise = get_enterprise(enterprise_id)
        if errors:
            raise ValidationFailed(errors)
        before = {"industry_code": enterprise.industry_code, "ownership": enterprise.ownership}
        after = {"industry_code": industry_code, "ownership": ownership}
        enterprise.industry_code = industry_code
        enterprise.ownership = ownership
        if after != before:
            record(
                "enterprise.classified",
                actor=actor,
                target_type="enterprise",
                target=enterprise.tax_code,
                before=before,
                after=after,
            )
    return enterprise


# The commune list's columns (a code: the administrative unit code, ASCII digits).
COMMUNE_COLUMNS = ("code", "name")
COMMUNE_CODE_MAX = 10


def import_communes(data: bytes | str, province: str = "HP", *, actor=None) -> int:
    """Insert or rename communes from a CSV file's content with columns ``code`` and ``name``
    (as ``csv_files.read_csv`` reads it: Excel's byte-order mark, any line ending, NFC text);
    returns how many changed. A name is compared with the stored one in NFC, so the same list
    saved decomposed (NFD) changes nothing. An import that changes something is recorded in the
    security audit (``actor``: the administrator, None for the command line).

    :raises ValidationFailed: under ``file``: an unreadable file, or every bad row, each named
        by its line and column (nothing is written).
    """
    rows = read_csv(data, COMMUNE_COLUMNS, COMMUNE_COLUMNS)
    problems: list[str] = []
    seen: set[str] = set()
    for row in rows:
        code, name = row["code"], row["name"]
        if not is_digits(code) or len(code) > COMMUNE_CODE_MAX:
            problems.append(cell_error(row, "code", N_("mã xã/phường gồm 1–10 chữ số.")))
        elif code in seen:
            problems.append(cell_error(row, "code", N_("mã %(code)s lặp lại.", code=code)))
        seen.add(code)
        if not name:
            problems.append(cell_error(row, "name", N_("thiếu tên xã/phường.")))
        elif len(name) > NAME_MAX:
            problems.append(cell_error(row, "name", too_long(NAME_MAX)))
    if problems:
        raise ValidationFailed({"file": problems})
    changed = 0
    with unit_of_work():
        for row in rows:
            code, name = row["code"], row["name"]
            commune = db.session.get(Commune, code)
            if commune is None:
                db.session.add(Commune(code=code, name=name, province=province))
                changed += 1
            elif commune.name != name:
                commune.name = name
                changed += 1
        if changed:
            record(
                "commune.imported",
                actor=actor,
                target_type="communes",
                target=province,
                rows=len(rows),
                changed=changed,
            )
    return changed


def import_communes_file(path: Path, province: str = "HP", *, actor=None) -> int:
    """:func:`import_communes` of the file at ``path``."""
    return import_communes(path.read_bytes(), province, actor=actor)
