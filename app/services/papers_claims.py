"""The employer's compensation/allowance decision of a claim, as a printable PDF.

The employer keeps its decision in the compensation dossier (Circular 28/2021/TT-BLĐTBXH
Art. 6(1)(c)) on the form of the circular's Appendix II, "QUYẾT ĐỊNH về việc bồi thường/trợ cấp
tai nạn lao động". This paper follows that shape: the issuer and number line, the national motto,
the legal grounds (the OSH law, the circular, the investigation minutes, the assessment record),
Article 1 naming the worker and the amount in figures and in words, Article 2 on execution, and
the signature block. Blanks the employer fills in by hand (number, signatory) stay as dots.

``decision_script`` writes it as a ``PaperScript`` for one audience; the decision is issued
(frozen, stored, versioned) by ``app/services/issued_papers.py`` once the claim's amount is known
and anew when a step changes what it states (the claim's ``PaperSpec``). Who may download it is
who may see the claim; ``app.services.privacy`` decides the rest: a union officer gets the
masked copy — the national ID masked and the claim's data as that service shows it to him, no
capacity-loss percentage, nor the number of months of wages, the benefit's kind, the articles
quoting the band or the start month, from which it could be worked back (workflows.md "Parties
and roles") — and every medical read by the other roles is logged like on the case page.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from app.clock import now, to_local
from app.models import Case, Victim
from app.services.claim_benefits import monthly_due
from app.services.papers import PaperScript
from app.services.privacy import claim_victim, data_shown, national_id_shown
from app.services.rulebook import load_rulebook
from workflows.base import parse_iso
from workflows.claim import CLAIM_ITEM_LABELS

# States in which the claim has a computed amount (a decision can be issued).
DECIDABLE_STATES = ("assessed", "closed")

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_GROUPS = ("", "nghìn", "triệu")


# -- numbers in Vietnamese words -----------------------------------------------------------------


def _three(n: int, full: bool) -> list[str]:
    """Words for 0 < n < 1000; ``full`` reads leading zeros ("không trăm linh năm")."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units == 1 and tens >= 2:
        words.append("mốt")
    elif units == 5 and tens >= 1:
        words.append("lăm")
    elif units:
        words.append(_DIGITS[units])
    return words


def _below_billion(n: int, full: bool) -> list[str]:
    groups = []
    while n:
        groups.append(n % 1000)
        n //= 1000
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if value == 0:
            continue
        # Inside a number every group after the first is read in full (một triệu không trăm…).
        words += _three(value, full or index < len(groups) - 1)
        if _GROUPS[index]:
            words.append(_GROUPS[index])
    return words


def number_in_words(n: int) -> str:
    """``75_000_000`` → "bảy mươi lăm triệu" (Vietnamese reading, "tỷ" for 10^9)."""
    if n < 0:
        return "âm " + number_in_words(-n)
    if n == 0:
        return "không"
    billions, rest = divmod(n, 1_000_000_000)
    words: list[str] = []
    if billions:
        words += number_in_words(billions).split() + ["tỷ"]
    if rest:
        words += _below_billion(rest, full=bool(billions))
    return " ".join(words)


def vnd_in_words(amount: int) -> str:
    """``75_000_000`` → "Bảy mươi lăm triệu đồng"."""
    text = number_in_words(amount) + " đồng"
    return text[0].upper() + text[1:]


def _money(amount: int | None) -> str:
    return "—" if amount is None else f"{amount:,}".replace(",", ".") + " đồng"


def _day(value: Any) -> str:
    if isinstance(value, str):
        value = parse_iso(value)
    if isinstance(value, datetime):
        value = to_local(value)
    return value.strftime("%d/%m/%Y") if isinstance(value, date) else "…"


# -- the decision --------------------------------------------------------------------------------


def _amount(comp: dict[str, Any]) -> tuple[int | None, str]:
    """What the decision grants: the amount paid when recorded, else the computed minimum."""
    paid = comp.get("paid_vnd") or 0
    if paid:
        return paid, "đã chi trả"
    return comp.get("minimum_vnd"), "mức tối thiểu theo quy định"


def insurance_lines(data: dict[str, Any], due: dict[str, Any] | None, *, medical: bool):
    """The decision's lines on the insurance benefit, ``[(label, value)]``, each amount with its
    article: the expected benefit (Art. 48, 49 or 53, at the base salary of its start month),
    the start month and why (Art. 50), the monthly amount due this month (``due``, from
    ``claim_benefits.monthly_due``) and the earlier assessments' benefits (Art. 47). The
    articles and months tell the benefit's kind, so a reader without medical access
    (``medical`` False; ``data`` is then already ``privacy.data_view``'s) gets the amounts
    only."""
    ins = data.get("insurance") or {}
    lines: list[tuple[str, str]] = []
    if ins.get("expected_vnd") is not None:
        amount = _money(ins["expected_vnd"])
        if medical and ins.get("basis"):
            amount += f" ({ins['basis']})"
        lines.append(("Trợ cấp bảo hiểm tai nạn lao động dự kiến", amount))
    if not medical:
        if ins.get("items_vnd"):
            lines.append(("Các khoản trợ cấp khác đã đề nghị", _money(ins["items_vnd"])))
        return lines
    for item in ins.get("benefit_items") or ():
        if item.get("approved") is False:
            continue
        label = CLAIM_ITEM_LABELS.get(item.get("item"), (item.get("item") or "",))[0]
        if item.get("convalescence_days"):
            label += f", {item['convalescence_days']} ngày"
        lines.append((label, f"{_money(item['amount_vnd'])} ({item.get('basis') or '—'})"))
    if ins.get("start_month"):
        month = f"{ins['start_month'][5:]}/{ins['start_month'][:4]}"
        lines.append(("Tháng bắt đầu hưởng", f"{month} ({ins.get('start_month_basis') or '—'})"))
    if due is not None and due.get("amount_vnd") is not None:
        month = f"{due['month'][5:]}/{due['month'][:4]}"
        lines.append(
            (f"Trợ cấp hằng tháng tháng {month}", f"{_money(due['amount_vnd'])} ({due['basis']})")
        )
    for earlier in data.get("assessments") or ():
        if earlier.get("expected_vnd") is None:
            continue
        start = earlier.get("start_month") or ""
        lines.append(
            (
                f"Theo kết luận giám định ngày {_day(earlier.get('assessed_at'))}",
                f"{_money(earlier['expected_vnd'])}, hưởng từ tháng {start[5:]}/{start[:4]} "
                "(đã được thay thế khi giám định lại, Luật ATVSLĐ Điều 47)",
            )
        )
    return lines


def has_decision(claim: Case) -> bool:
    """Whether ``claim`` has a decision to issue: a claim with a computed amount (assessed,
    or closed after that; a deceased worker's claim from its opening)."""
    data = claim.data or {}
    return claim.kind == "claim" and claim.state in DECIDABLE_STATES and "compensation" in data


def decision_script(claim: Case, *, medical: bool) -> PaperScript:
    """The decision of ``claim`` for one audience (``medical``: the roles reading the capacity
    loss, the benefit's articles and national IDs in full). The caller checks ``has_decision``.
    """
    data = claim.data or {}
    word = "trợ cấp" if data.get("worker_at_fault") else "bồi thường"
    script = PaperScript()
    enterprise = claim.enterprise
    script.official_header(
        [enterprise.name if enterprise else "NGƯỜI SỬ DỤNG LAO ĐỘNG"],
        "Số: …… /QĐ-……",
        claim.commune.name if claim.commune else "",
    )
    _grounds(script, claim, word)
    _article_one(script, claim, claim_victim(claim), word, medical=medical)
    due = _day((data.get("compensation") or {}).get("due_at"))
    # The limit is the rules table's, in force on the day the paper is issued.
    days = int(load_rulebook().get("compensation_due_days", to_local(now()).date()))
    script.paragraph(
        f"Thời hạn chi trả: chậm nhất ngày {due} (Luật ATVSLĐ Điều 38 khoản 7: trong {days:02d} "
        "ngày kể "
        "từ ngày có kết luận giám định, hoặc từ ngày công bố biên bản điều tra với vụ tai nạn "
        "chết người)."
    )
    addressee = (
        "thân nhân của người lao động có tên tại Điều 1"
        if data.get("death")
        else "Ông/Bà có tên tại Điều 1"
    )
    script.closing(
        f"Điều 2. Bộ phận nhân sự, kế toán và {addressee} chịu trách nhiệm thi hành "
        "Quyết định này. Quyết định có hiệu lực kể từ ngày ký.",
        "Nơi nhận:\n- Như Điều 2;\n- Công đoàn cơ sở;\n- Lưu hồ sơ.",
        "NGƯỜI SỬ DỤNG LAO ĐỘNG",
        "(Ký, ghi rõ họ tên, đóng dấu)",
        f"Mẫu theo Phụ lục II Thông tư 28/2021/TT-BLĐTBXH. Lập từ SafeCase, hồ sơ {claim.code}.",
        SIGNATURE_BLOCK_MM,
    )
    return script


def _grounds(script: PaperScript, claim: Case, word: str) -> None:
    parent = claim.parent
    parent_data = (parent.data or {}) if parent is not None else {}
    minutes = parent_data.get("minutes") or {}
    announcement = parent_data.get("announcement") or {}
    data = claim.data or {}
    script.heading(f"QUYẾT ĐỊNH\nVề việc {word} tai nạn lao động")
    script.heading("NGƯỜI SỬ DỤNG LAO ĐỘNG", size=11)
    grounds = [
        "Căn cứ Luật An toàn, vệ sinh lao động ngày 25 tháng 6 năm 2015;",
        "Căn cứ Thông tư số 28/2021/TT-BLĐTBXH ngày 28 tháng 12 năm 2021 của Bộ trưởng Bộ Lao "
        "động - Thương binh và Xã hội quy định chi tiết và hướng dẫn thi hành một số điều của "
        "Luật An toàn, vệ sinh lao động về chế độ đối với người lao động bị tai nạn lao động, "
        "bệnh nghề nghiệp;",
        f"Căn cứ Biên bản điều tra tai nạn lao động vụ việc {parent.code if parent else '…'} "
        f"lập ngày {_day(minutes.get('concluded_at'))}, công bố ngày "
        f"{_day(announcement.get('announced_at'))};",
    ]
    if data.get("death"):
        grounds.append("Căn cứ giấy tờ xác nhận người lao động đã chết do tai nạn lao động;")
    else:
        grounds.append(
            "Căn cứ Biên bản giám định y khoa của Hội đồng giám định y khoa kết luận ngày "
            f"{_day(data.get('assessed_at'))};"
        )
    for line in grounds:
        script.paragraph(line)
    script.ln(1)
    script.heading("QUYẾT ĐỊNH:", size=11)


def _article_one(
    script: PaperScript, claim: Case, victim: Victim | None, word: str, *, medical: bool
) -> None:
    data = data_shown(claim, medical=medical)
    comp = data.get("compensation") or {}
    amount, which = _amount(comp)
    if data.get("death"):  # the money goes to the family: the decision addresses them
        script.paragraph(
            f"Điều 1. {word.capitalize()} tai nạn lao động cho thân nhân của người lao động có "
            "tên dưới đây:"
        )
    else:
        script.paragraph(f"Điều 1. {word.capitalize()} tai nạn lao động cho Ông/Bà:")
    if victim is not None:
        script.field("Họ và tên", victim.full_name)
        script.field("Ngày sinh", _day(victim.birth_date))
        script.field(
            "Số định danh cá nhân/CCCD", national_id_shown(victim.national_id, medical=medical)
        )
        script.field("Nghề nghiệp", victim.occupation)
    script.field("Nơi làm việc", claim.enterprise.name if claim.enterprise else "—")
    script.field(
        "Bị tai nạn lao động ngày",
        f"{_day(claim.occurred_at)} tại {claim.parent.location if claim.parent else '…'}",
    )
    if data.get("death"):
        script.field("Tình trạng", "Đã chết do tai nạn lao động")
    else:
        pct = data.get("capacity_loss_pct")
        script.field(
            "Mức suy giảm khả năng lao động",
            f"{pct}%" if medical and pct is not None else "(theo Biên bản giám định y khoa)",
        )
    script.field("Tiền lương làm căn cứ tính", _money(data.get("monthly_wage_vnd")))
    # The months and the article quoting the band are not in a non-medical reader's view.
    if "months" in comp:
        months = comp["months"]
        script.field(
            "Số tháng lương", f"{months:g}".replace(".", ",") if months is not None else "—"
        )
    script.field(f"Số tiền {word} ({which})", _money(amount))
    if amount is not None:
        script.field("Bằng chữ", vnd_in_words(amount))
    script.field("Căn cứ áp dụng", comp.get("basis") or "Luật ATVSLĐ 84/2015 Điều 38, 39")
    if comp.get("equivalent_si_vnd") is not None:
        script.paragraph(
            "Người lao động không được tham gia bảo hiểm tai nạn lao động: người sử dụng lao động "
            "chi trả thêm khoản tiền ngang với mức hưởng chế độ bảo hiểm tai nạn lao động "
            f"(Luật ATVSLĐ Điều 39 khoản 4): {_money(comp['equivalent_si_vnd'])}."
        )
    due = monthly_due(claim, medical=medical) if medical else None
    for label, value in insurance_lines(data, due, medical=medical):
        script.field(label, value)
    if data.get("death"):
        script.paragraph("Khoản tiền trên được chi trả cho thân nhân của người lao động.")


# The height of Article 2 (three lines at most), "Nơi nhận" and the signature block with room to
# sign: what must fit on the page the decision ends on.
SIGNATURE_BLOCK_MM = 62
