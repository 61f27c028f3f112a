"""The case history ("Diễn biến xử lý") reads like paperwork: each value rendered by its
field's declared kind (amounts in VND with dots, counts, choices and dates in dd/mm/yyyy),
people named with their organisation, never raw ISO times, bare integers or English enum
values; long labels wrap inside the card."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest

from app.cases.presenter import typed_value
from app.formatting import format_number
from tests.api.claim_flow import assessed_claim, stamp
from tests.conftest import csrf_token_from
from tests.factories import act, make_user
from workflows.base import Field

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def claim(app):
    ent = make_user("enterprise", username="dn1", full_name="Trần Thị Hoa")
    make_user("inspector", username="tt1")
    insurer = make_user("insurance", username="bh1", full_name="Lê Văn Bảo")
    claim = assessed_claim(ent, 35)
    act(claim, ent, "record_costs", days_off=1234, medical_costs_vnd=108_675_000)
    dossier = ["si_book", "discharge_paper", "assessment_record", "request_form",
               "investigation_minutes"]  # fmt: skip
    act(claim, ent, "file_insurance", filed_at=stamp(), dossier=dossier)
    act(claim, insurer, "decide_insurance", approved=True, kind="monthly", amount_vnd=1_122_050)
    return claim


def history(client, claim) -> list[str]:
    """The timeline's entries as text (tags dropped, whitespace collapsed)."""
    page = client.get(f"/cases/{claim.id}").get_data(as_text=True)
    ol = re.search(
        r'<ol class="timeline" data-testid="timeline">(.*?)</ol>\s*</section>', page, re.S
    )
    entries = re.split(r"<li data-trigger=", ol.group(1))[1:]
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", e)).split()) for e in entries]


def test_a_claims_history_shows_formatted_amounts_counts_choices_and_people(claim, signed_in):
    items = history(signed_in("dn1"), claim)
    text = "\n".join(items)
    assert "108.675.000 đ" in text and "108675000" not in text
    assert "1.234" in text  # days off, a count
    assert "1.122.050 đ" in text
    # The benefit's kind by its label, not the value "monthly".
    assert "Trợ cấp hằng tháng" in text and not re.search(r"\bmonthly\b", text)
    # People by name and organisation, not by username.
    assert "Trần Thị Hoa — " in text and "Lê Văn Bảo" in text
    assert not re.search(r"\bdn1\b|\bbh1\b", text)
    # Dates and times as dd/mm/yyyy [HH:MM], never ISO.
    assert not re.search(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text), text
    assert re.search(r"[0-9]{2}/[0-9]{2}/[0-9]{4}", text)


def test_the_same_history_in_english_keeps_the_numbers_readable(claim, signed_in):
    client = signed_in("dn1")
    home = client.get("/").get_data(as_text=True)
    client.post("/lang/en", data={"csrf_token": csrf_token_from(home), "next": "/"})
    text = "\n".join(history(client, claim))
    assert "108.675.000 đ" in text  # money keeps the VND style
    assert "Monthly allowance" in text or "monthly allowance" in text.lower()


def test_values_are_read_by_their_fields_kind():
    assert typed_value(Field("x", "money"), 108_675_000) == ("text", "108.675.000 đ")
    assert typed_value(Field("x", "percent"), 25.5) == ("text", "25,5 %")
    assert typed_value(Field("x", "count"), 1234) == ("text", "1.234")
    assert typed_value(Field("x", "text", choices=("death",)), "death")[1] != "death"
    parts = (Field("cost_vnd", "money", label_vi="Chi phí"), Field("on", "date", label_vi="Ngày"))
    record = Field("r", "record", label_vi="Bản ghi", parts=parts)
    kind, items = typed_value(record, {"cost_vnd": 5_000_000, "on": "2026-11-20"})
    assert kind == "list" and items == ["Chi phí: 5.000.000 đ", "Ngày: 20/11/2026"]
    # An untyped ISO instant is shown in Vietnam time.
    kind, value = typed_value(None, "2026-11-20T03:00:00Z")
    assert kind == "datetime" and value == datetime(2026, 11, 20, 3, tzinfo=UTC)


def test_numbers_follow_the_language(app):
    with app.test_request_context():
        assert format_number(1234567) == "1.234.567"
        assert format_number(2.5) == "2,5"
        assert format_number(1.25, 1) == "1,2"
        assert format_number(None) == "—"


def test_the_diagram_names_states_and_arrows_in_the_readers_language(claim, signed_in):
    client = signed_in("dn1")
    drawn = html.unescape(client.get("/cases/diagram/accident").get_data(as_text=True))
    assert "declared --> investigating : Thành lập đoàn điều tra" in drawn
    assert ": open_investigation" not in drawn
    home = client.get("/").get_data(as_text=True)
    client.post("/lang/en", data={"csrf_token": csrf_token_from(home), "next": "/"})
    drawn = html.unescape(client.get("/cases/diagram/accident").get_data(as_text=True))
    assert 'state "Declared" as declared' in drawn
    assert ": open_investigation" not in drawn and "Thành lập" not in drawn


def test_a_decided_monthly_allowance_reads_per_month_to_those_who_may_know_its_kind(
    claim, signed_in
):
    make_user("union", username="cd1", enterprise=claim.enterprise)
    employer = signed_in("dn1").get("/claims/?status=all").get_data(as_text=True)
    assert "Đã quyết định: 1.122.050 đ/tháng" in employer
    union = signed_in("cd1").get("/claims/?status=all").get_data(as_text=True)
    assert "Đã quyết định: 1.122.050 đ" in union and "1.122.050 đ/tháng" not in union


def test_a_declarations_own_fields_and_the_commune_are_named_in_the_history(app, signed_in):
    from app.services.declarations import declare

    ent = make_user("enterprise", username="dn9")
    body = {"kind": "incident", "occurred_at": "2026-11-20T07:15:00+07:00",
            "commune_code": ent.enterprise.commune_code, "location": "Khu lò hơi số 1",
            "equipment": "Nồi hơi", "failure": "Van an toàn kẹt", "damage": "Hư hỏng nhà lò",
            "casualties": 2}  # fmt: skip
    case = declare(ent, body)
    entry, issued = history(signed_in("dn9"), case)  # the declaration, its report issued
    assert "Phát hành giấy tờ" in issued and "Tờ khai, báo cáo khai báo" in issued
    assert "Máy, thiết bị Nồi hơi" in entry and "Số người bị nạn 2" in entry
    assert "equipment" not in entry and "casualties" not in entry
    assert f"Xã/phường {ent.enterprise.commune.name} ({ent.enterprise.commune_code})" in entry


def test_a_disease_victim_is_said_to_have_the_disease_not_to_be_injured(app, signed_in):
    from app.services.declarations import declare
    from tests.factories import victim_body

    ent = make_user("enterprise", username="dn8")
    body = {"kind": "disease", "disease": "Bệnh bụi phổi silic nghề nghiệp",
            "diagnosed_on": "2026-10-01", "exposure": "Bụi silic",
            "facility": "Bệnh viện Phổi Hải Phòng", "commune_code": ent.enterprise.commune_code,
            "victims": [victim_body("serious")]}  # fmt: skip
    case = declare(ent, body)
    page = signed_in("dn8").get(f"/cases/{case.id}").get_data(as_text=True)
    victims = page[page.index('aria-labelledby="victims-h"') :].split("</section>", 1)[0]
    assert "Mắc bệnh nghề nghiệp" in victims and "Bị thương nặng" not in victims


def test_a_disease_victim_has_the_disease_in_the_history_too(app, signed_in):
    """The declaration's history line names a disease's living worker by the disease word, a
    dead one as died, never by an accident's outcome ("Bị thương nặng")."""
    from app.services.declarations import declare
    from tests.factories import victim_body

    ent = make_user("enterprise", username="dn7")
    body = {"kind": "disease", "disease": "Bệnh bụi phổi silic nghề nghiệp",
            "diagnosed_on": "2026-10-01", "exposure": "Bụi silic",
            "facility": "Bệnh viện Phổi Hải Phòng", "commune_code": ent.enterprise.commune_code,
            "victims": [victim_body("serious", full_name="Phạm Văn Bụi"),
                        victim_body("death", full_name="Lê Văn Phổi")]}  # fmt: skip
    case = declare(ent, body)
    # The declaration's line (the paper Form 01 issued after it has a line of its own).
    (entry,) = [line for line in history(signed_in("dn7"), case) if "Phạm Văn Bụi" in line]
    assert "Phạm Văn Bụi — Mắc bệnh nghề nghiệp" in entry
    assert "Lê Văn Phổi — Tử vong" in entry
    assert "Bị thương" not in entry


def test_a_dossier_item_marked_not_applicable_is_named_in_the_history(app, signed_in):
    """The history names the paper marked "không áp dụng", never its code (scene_record)."""
    from tests.api.claim_flow import announce_accident
    from tests.factories import waive_dossier
    from workflows.dossier import CATEGORIES

    ent = make_user("enterprise", username="dn6")
    accident = waive_dossier(announce_accident(ent, ("light",)), ent)
    text = "\n".join(history(signed_in("dn6"), accident))
    marked = [code for code in CATEGORIES if CATEGORIES[code] in text]
    assert marked, text
    assert not any(re.search(rf"\b{code}\b", text) for code in CATEGORIES)
