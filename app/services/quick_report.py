"""The provincial quick report (báo cáo nhanh) of one serious accident, as JSON and as PDF.

The provincial labour authority (Sở Nội vụ since 1 July 2025) reports each fatal accident and
each accident seriously injuring two or more workers to the ministry at once (Law 84/2015
Art. 36(3)(a); Decree 39/2016 Art. 24(4)(a) and Appendix XIII, now Decree 129/2025 Appendix
II, Form No. 06; law.md §9, §15). Which accidents qualify is
``workflows.law.classification.needs_quick_report``, read on the victims' outcomes as they
stand (a death recorded later makes an accident qualify); a rejected declaration needs none.

Only the inspectorate files it, so only inspectors get it: another role that sees the case is
answered 403 (:class:`PermissionDenied`), a caller that does not see the case 404 (the
caller's ``get_visible_case`` answers that first), and a case that does not qualify 404.

``quick_report_content`` builds the paper's content once; the JSON is that content and the
PDF (``quick_report_pdf``) draws it, so both carry the same counts. The content names the
victims (name, gender, year of birth, occupation, outcome) but never a national ID nor any
medical detail (no injury description): it is passed through ``privacy.strip_medical`` so a
medical key can never slip in, and no medical read is logged because none is shown. The
exact layout of Form 06 is UNVERIFIED (docs/statistics.md "Quick report (Form 06)").
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from app.clock import now, to_local
from app.errors import NotFound, PermissionDenied
from app.extensions import db
from app.formatting import format_datetime
from app.i18n import N_
from app.models import Case
from app.services import codes
from app.services.papers import Paper, PaperPDF, authority, province_name
from app.services.privacy import strip_medical
from workflows.declaration import GENDER_LABELS
from workflows.law.classification import OUTCOME_ON_PAPERS, needs_quick_report

NAME = "quick_report"
FORM = (
    "Mẫu số 06 Phụ lục II Nghị định 129/2025/NĐ-CP; trước đây Phụ lục XIII Nghị định 39/2016/NĐ-CP"
)
TITLE = "BÁO CÁO NHANH TAI NẠN LAO ĐỘNG"
# The ministry's unit receiving quick reports since the ministries merged on 1 March 2025 and
# Decree 129/2025 took effect on 1 July 2025 (UNVERIFIED: law.md §9 gives "MOLISA, now MOHA").
RECIPIENT = "Bộ Nội vụ (Cục An toàn lao động)"
WITHOUT_LABOUR_RELATION = "Người lao động không có quan hệ lao động"
# Who may read the quick report: the inspectorate files it (the administrator sees no case
# content at all, app/permissions.py).
READERS = frozenset({"inspector"})
# The home dashboard lists qualifying accidents declared within this many days.
RECENT_DAYS = 30


def qualifies(case: Case) -> bool:
    """Whether ``case`` is an accident the province must quick-report (module docstring)."""
    if case.kind != "accident" or case.state == "rejected" or not case.victims:
        return False
    return needs_quick_report(v.outcome for v in case.victims)


def may_read(user) -> bool:
    return getattr(user, "role", None) in READERS


def offered(case: Case, user) -> bool:
    """Whether the case page offers ``user`` the quick report of ``case``."""
    return may_read(user) and qualifies(case)


def check(case: Case, user) -> None:
    """:raises NotFound: ``case`` does not qualify. :raises PermissionDenied: not an
    inspector. (The caller has already checked that ``user`` sees ``case``.)"""
    if not qualifies(case):
        raise NotFound(N_("Vụ việc này không thuộc diện báo cáo nhanh."))
    if not may_read(user):
        raise PermissionDenied(N_("Chỉ thanh tra lập báo cáo nhanh tai nạn lao động."))


def _enterprise(case: Case) -> dict[str, Any] | None:
    enterprise = case.enterprise
    if enterprise is None:
        return None
    # The industry and ownership in force at declaration (copied onto the case), so a later
    # reclassification does not rewrite the report; the enterprise's own for older cases.
    industry = case.industry_code or enterprise.industry_code
    ownership = case.ownership or enterprise.ownership
    return {
        "name": enterprise.name,
        "tax_code": enterprise.tax_code,
        "industry_code": industry,
        "industry_label": codes.label("industry", industry, "vi"),
        "ownership": ownership,
        "ownership_label": codes.label("ownership", ownership, "vi"),
        "commune_code": enterprise.commune_code,
        "commune_name": enterprise.commune.name if enterprise.commune else "",
    }


def _victims(case: Case) -> list[dict[str, Any]]:
    return [
        {
            "full_name": victim.full_name,
            "gender": victim.gender or None,
            "birth_year": victim.birth_date.year if victim.birth_date else None,
            "occupation": victim.occupation or codes.label("occupation", victim.occupation_code),
            "occupation_code": victim.occupation_code,
            "outcome": victim.outcome,
        }
        for victim in case.victims
    ]


def quick_report_content(case: Case, user) -> dict[str, Any]:
    """The quick report of ``case`` for ``user`` (who must see the case):

    ``{"form", "title", "authority", "province", "number", "date" (ISO, Vietnam day of
    printing), "recipient", "case_id", "case_code", "severity", "labour_relation",
    "enterprise": {"name", "tax_code", "industry_code", "industry_label", "ownership",
    "ownership_label", "commune_code", "commune_name"} | null, "reporter" (the commune's
    committee when there is no enterprise), "occurred_at" (ISO, UTC), "occurred_at_local"
    ("dd/mm/yyyy HH:MM", Vietnam time), "location", "commune_code", "commune_name",
    "counts": {"victims", "deaths", "serious"}, "victims": [{"full_name", "gender",
    "birth_year", "occupation", "occupation_code", "outcome"}], "account", "cause":
    {"causes", "cause_code", "cause_label"} | null (null before the minutes), "measures"}``.

    :raises NotFound: the case does not qualify. :raises PermissionDenied: not an inspector.
    """
    check(case, user)
    minutes = (case.data or {}).get("minutes") or {}
    victims = _victims(case)
    outcomes = [v["outcome"] for v in victims]
    enterprise = _enterprise(case)
    commune_name = case.commune.name if case.commune else case.commune_code
    cause = None
    if minutes:
        cause_code = minutes.get("cause_code") or case.cause_code
        cause = {
            "causes": [str(c) for c in minutes.get("causes") or ()],
            "cause_code": cause_code,
            "cause_label": codes.label("cause", cause_code, "vi"),
        }
    content = {
        "form": "06",
        "title": TITLE,
        "authority": authority(),
        "province": current_app.config["SAFECASE_PROVINCE"],
        "number": f"{case.code}/BCN",
        "date": to_local(now()).date().isoformat(),
        "recipient": RECIPIENT,
        "case_id": case.id,
        "case_code": case.code,
        "severity": case.severity,
        "labour_relation": enterprise is not None,
        "enterprise": enterprise,
        "reporter": None if enterprise else f"Ủy ban nhân dân {commune_name}",
        "occurred_at": case.occurred_at.isoformat() if case.occurred_at else None,
        "occurred_at_local": format_datetime(case.occurred_at),
        "location": case.location,
        "commune_code": case.commune_code,
        "commune_name": commune_name,
        "counts": {
            "victims": len(outcomes),
            "deaths": outcomes.count("death"),
            "serious": outcomes.count("serious"),
        },
        "victims": victims,
        "account": case.description,
        "cause": cause,
        "measures": [str(m) for m in minutes.get("measures") or ()],
    }
    # This paper carries no medical detail for any reader: drop a medical key were one ever
    # added above (injury descriptions are never read here).
    return strip_medical(content)


# --------------------------------------------------------------------------------------------
# The PDF
# --------------------------------------------------------------------------------------------


def quick_report_pdf(case: Case, user) -> Paper:
    """The quick report drawn from ``quick_report_content`` (same errors)."""
    content = quick_report_content(case, user)
    pdf = PaperPDF(title=f"{TITLE} {case.code}")
    pdf.add_page()
    pdf.set_font("dejavu", "B", 10)
    pdf.multi_cell(0, 5, f"UBND {province_name()}".upper(), new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 5, content["authority"].upper(), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("dejavu", "", 10)
    pdf.cell(0, 5, f"Số: {content['number']}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.national_header()
    day = to_local(now())
    pdf.right(f"{province_name()[0].upper()}{province_name()[1:]}, ngày {day:%d} tháng "
              f"{day:%m} năm {day:%Y}")  # fmt: skip
    pdf.ln(2)
    pdf.heading(TITLE, size=14)
    pdf.set_font("dejavu", "", 9)
    pdf.multi_cell(0, 5, f"({FORM})", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("dejavu", "", 11)
    pdf.ln(2)
    pdf.field("Kính gửi", content["recipient"])
    pdf.field("Mã vụ việc", content["case_code"])
    _where(pdf, content)
    _counts_and_victims(pdf, content)
    _account(pdf, content)
    pdf.signatures(("NGƯỜI LẬP BÁO CÁO", ""), ("GIÁM ĐỐC SỞ NỘI VỤ", ""))
    return Paper(f"{case.code}-bao-cao-nhanh.pdf", pdf.render(), pdf.lines)


def _where(pdf: PaperPDF, content: dict[str, Any]) -> None:
    pdf.section("1. Cơ sở xảy ra tai nạn")
    enterprise = content["enterprise"]
    if enterprise is not None:
        pdf.field("Tên doanh nghiệp, cơ sở", enterprise["name"])
        pdf.field("Mã số thuế", enterprise["tax_code"])
        industry = enterprise["industry_code"] or ""
        if industry and enterprise["industry_label"] != industry:
            industry = f"{industry} — {enterprise['industry_label']}"
        pdf.field("Ngành kinh tế", industry)
        pdf.field("Loại hình", enterprise["ownership_label"])
        pdf.field(
            "Địa chỉ (xã/phường)", f"{enterprise['commune_name']} ({enterprise['commune_code']})"
        )
    else:
        pdf.field("Quan hệ lao động", WITHOUT_LABOUR_RELATION)
        pdf.field("Đơn vị khai báo", content["reporter"])
    pdf.section("2. Thời gian, địa điểm xảy ra tai nạn")
    pdf.field("Thời gian", content["occurred_at_local"])
    pdf.field("Nơi xảy ra", f"{content['location']} — {content['commune_name']}")


def _counts_and_victims(pdf: PaperPDF, content: dict[str, Any]) -> None:
    counts = content["counts"]
    pdf.section("3. Thiệt hại về người")
    pdf.field("Số người bị nạn", str(counts["victims"]))
    pdf.field("Số người chết", str(counts["deaths"]))
    pdf.field("Số người bị thương nặng", str(counts["serious"]))
    pdf.grid(
        ["STT", "Họ và tên", "Giới tính", "Năm sinh", "Nghề nghiệp", "Hậu quả"],
        [
            [
                str(index),
                v["full_name"],
                GENDER_LABELS.get(v["gender"], (v["gender"] or "",))[0],
                str(v["birth_year"] or ""),
                v["occupation"] or "",
                OUTCOME_ON_PAPERS.get(v["outcome"], v["outcome"]),
            ]
            for index, v in enumerate(content["victims"], start=1)
        ],
        [10, 45, 18, 18, 45, 34],
    )


def _account(pdf: PaperPDF, content: dict[str, Any]) -> None:
    pdf.section("4. Tóm tắt diễn biến vụ tai nạn")
    pdf.paragraph(content["account"])
    pdf.section("5. Nguyên nhân ban đầu")
    cause = content["cause"]
    if cause is None:
        pdf.paragraph("Đang điều tra (đoàn điều tra chưa lập biên bản).")
    else:
        if cause["cause_code"]:
            pdf.field("Mã nguyên nhân", f"{cause['cause_code']} — {cause['cause_label']}")
        pdf.bullets(cause["causes"])
    pdf.section("6. Biện pháp đã thực hiện")
    pdf.bullets(content["measures"], empty="Chưa có thông tin (đoàn điều tra chưa lập biên bản).")


# --------------------------------------------------------------------------------------------
# The dashboard list
# --------------------------------------------------------------------------------------------


def recent_due(scope, *, days: int = RECENT_DAYS, limit: int = 10) -> list[dict[str, Any]]:
    """Accidents within ``scope`` declared in the last ``days`` days that need a quick report,
    newest first: ``[{"case_id", "code", "occurred_at", "declared_at", "severity",
    "deaths", "serious", "place"}]`` — counts only, no victim named."""
    since = now() - timedelta(days=days)
    rows = db.session.scalars(
        select(Case)
        .where(
            Case.kind == "accident",
            Case.state != "rejected",
            Case.declared_at >= since,
            Case.severity.in_(("fatal", "serious")),  # light ones never qualify
            scope,
        )
        .order_by(Case.declared_at.desc(), Case.id.desc())
    ).unique()
    items = []
    for case in rows:
        if not qualifies(case):
            continue
        outcomes = [v.outcome for v in case.victims]
        items.append(
            {
                "case_id": case.id,
                "code": case.code,
                "occurred_at": case.occurred_at,
                "declared_at": case.declared_at,
                "severity": case.severity,
                "deaths": outcomes.count("death"),
                "serious": outcomes.count("serious"),
                "place": case.enterprise.name if case.enterprise else case.commune.name,
            }
        )
        if len(items) >= limit:
            break
    return items
