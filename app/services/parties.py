"""Enterprises and communes: adding them with validation, importing the commune list.

Each change is recorded in the security audit (``app/services/security_audit.py``) in its own
transaction; ``actor`` is the administrator, None for the command line."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import select

from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import Commune, Enterprise
from app.services import codes
from app.services.security_audit import record
from app.services.unit_of_work import unit_of_work

TAX_CODE_RE = re.compile(r"^(\d{10}|\d{13})$")
INDUSTRY_RE = re.compile(r"^[A-U]\d{0,5}$")
# Types of ownership (loại hình doanh nghiệp, code list ``ownership``): state-owned, non-state
# domestic, foreign-invested, cooperative, household business.
OWNERSHIP_TYPES = ("state", "non_state", "foreign", "cooperative", "household")
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

    :raises ValidationFailed: malformed or duplicate tax code, unknown commune, bad counts.
    """
    errors: dict[str, list[str]] = {}
    tax_code = normalise_tax_code(tax_code)
    if not TAX_CODE_RE.match(tax_code):
        errors["tax_code"] = ["Mã số thuế phải gồm 10 hoặc 13 chữ số."]
    elif db.session.scalar(select(Enterprise.id).where(Enterprise.tax_code == tax_code)):
        errors["tax_code"] = [f"Mã số thuế {tax_code} đã có trong hệ thống."]
    if not (name or "").strip():
        errors["name"] = ["Tên doanh nghiệp là bắt buộc."]
    if db.session.get(Commune, commune_code or "") is None:
        errors["commune"] = [f"Không có xã/phường mã {commune_code!r}."]
    if workers is None or workers < 0:
        errors["workers"] = ["Số lao động phải là số không âm."]
    if female_workers is None or female_workers < 0 or (workers or 0) < female_workers:
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


def import_communes(rows: Iterable[dict[str, str]], province: str = "HP", *, actor=None) -> int:
    """Insert or rename communes from rows with ``code`` and ``name``; returns how many changed.

    :raises ValidationFailed: a row without a numeric code or a name (nothing is written).
    """
    cleaned: list[tuple[str, str]] = []
    for number, row in enumerate(rows, start=2):
        code = (row.get("code") or "").strip()
        name = (row.get("name") or "").strip()
        if not code.isdigit() or not name:
            raise ValidationFailed({"file": [f"Dòng {number}: cần mã số và tên xã/phường."]})
        cleaned.append((code, name))
    changed = 0
    with unit_of_work():
        for code, name in cleaned:
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
                rows=len(cleaned),
                changed=changed,
            )
    return changed


def import_communes_file(path: Path, province: str = "HP", *, actor=None) -> int:
    with open(path, newline="", encoding="utf-8") as handle:
        return import_communes(csv.DictReader(handle), province, actor=actor)
