"""A paper once issued stays as issued (#15): Form 01 at the declaration, the minutes when the
team concludes (and again, with the meeting, when announced), a claim's decision once the amount
is known. Each is frozen when issued — its content hashed into the audit trail (``issue_paper``),
each audience's PDF stored once with its own hash (``store_paper``) — and downloaded byte for
byte whatever changes afterwards; a new version only when a step changes what it says, or by
hand with a reason; older versions stay readable. Through the API and the web."""

from __future__ import annotations

import dataclasses
import hashlib
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import CaseEvent, Enterprise, IssuedPaper, IssuedPaperFile
from app.services.audit import canonical_json, verify_chains
from app.services.issued_papers import content_sha256, paper_content
from app.services.rules_admin import add_rule_value
from tests.api.test_papers import VICTIMS, concluded, fatal_case, pdf_text, row
from tests.conftest import csrf_token_from
from tests.factories import accident_body


def events(case_id: int, trigger: str) -> list[CaseEvent]:
    db.session.expire_all()
    return db.session.scalars(
        select(CaseEvent)
        .where(CaseEvent.case_id == case_id, CaseEvent.trigger == trigger)
        .order_by(CaseEvent.seq)
    ).all()


def papers_of(case_id: int, name: str) -> list[IssuedPaper]:
    db.session.expire_all()
    return db.session.scalars(
        select(IssuedPaper)
        .where(IssuedPaper.case_id == case_id, IssuedPaper.name == name)
        .order_by(IssuedPaper.version)
    ).all()


def download(api, case_id: int, name: str, user, version: int | None = None):
    tail = f"{name}/{version}.pdf" if version else f"{name}.pdf"
    response = api.get(f"/cases/{case_id}/papers/{tail}", user)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.data.startswith(b"%PDF")
    return response


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------------------------
# Form 01 stays as declared
# --------------------------------------------------------------------------------------------


def test_form_01_is_issued_at_the_declaration_with_its_hash_in_the_audit_trail(api, w):
    case = fatal_case(api, w)
    (issued,) = events(case["id"], "issue_paper")
    (paper,) = papers_of(case["id"], "declaration")
    assert (paper.version, paper.cause, paper.issued_by) == (1, "declare", w.ent.username)
    assert issued.payload == {
        "paper": "declaration",
        "version": 1,
        "paper_id": paper.id,
        "cause": "declare",
        "content_sha256": paper.content_sha256,
    }
    # The hash is SHA-256 over the stored content's canonical JSON, worked out here anew.
    expected = hashlib.sha256(canonical_json(paper.content).encode("utf-8")).hexdigest()
    assert paper.content_sha256 == expected
    assert [e.trigger for e in events(case["id"], "declare")] == ["declare"]
    assert issued.seq == 2  # right after the declaration, in the same transaction


def test_form_01_downloads_byte_for_byte_whatever_changed_since(api, w, t):
    case = fatal_case(api, w)
    first = download(api, case["id"], "declaration", w.insp)
    (stored,) = events(case["id"], "store_paper")
    assert stored.payload["sha256"] == sha(first.data) == first.headers["ETag"].strip('"')
    assert stored.payload["audience"] == "full"
    # The case changes after the declaration: the team, a longer limit, a new company name.
    api.acted(case["id"], "open_investigation", w.insp, team=t.PROVINCE_TEAM)
    api.acted(case["id"], "extend_deadline", w.insp, days=10, reason="Chờ giám định pháp y")
    enterprise = db.session.get(Enterprise, w.enterprise.id)
    enterprise.name = "Công ty Cổ phần Cơ khí Đông Hải Mới"
    db.session.commit()
    # What the paper would say today differs (so the stored one is what is returned)…
    (paper,) = papers_of(case["id"], "declaration")
    assert content_sha256(paper_content("declaration", row(case["id"]))) != paper.content_sha256
    # …but the download is the stored file, and its hash is the one in the audit trail.
    again = download(api, case["id"], "declaration", w.insp)
    assert again.data == first.data
    assert sha(again.data) == events(case["id"], "store_paper")[0].payload["sha256"]
    assert len(events(case["id"], "store_paper")) == 1  # stored once
    text = pdf_text(again.data)
    assert "Công ty TNHH Cơ khí Đông Hải" in text and "Đông Hải Mới" not in text
    assert "30 ngày, đến 20/12/2026" in text  # the limit as declared, not the extended one
    assert verify_chains() == []


def test_each_audience_gets_its_own_stored_copy(api, w):
    case = fatal_case(api, w)
    full = download(api, case["id"], "declaration", w.ent)
    masked = download(api, case["id"], "declaration", w.union)
    assert full.data != masked.data
    stored = {e.payload["audience"]: e.payload["sha256"] for e in events(case["id"], "store_paper")}
    assert stored == {"full": sha(full.data), "masked": sha(masked.data)}
    masked_text = pdf_text(masked.data)
    for victim in VICTIMS:
        assert victim["national_id"] not in masked_text
        assert victim["injury_description"] not in masked_text
    assert VICTIMS[0]["national_id"] in pdf_text(full.data)
    # The stored masked file itself never held them (not only what is sent).
    (masked_row,) = db.session.scalars(
        select(IssuedPaperFile).where(IssuedPaperFile.audience == "masked")
    ).all()
    on_disk = (w.upload_dir / masked_row.stored_name).read_bytes()
    assert on_disk == masked.data
    # Another role of the same audience reads the same bytes; no second file is stored.
    assert download(api, case["id"], "declaration", w.insp).data == full.data
    assert len(events(case["id"], "store_paper")) == 2


def test_a_death_issues_a_new_form_01_and_the_first_stays_readable(api, w, t):
    case = api.declared(w.ent, accident_body(w.commune.code, outcomes=("serious",)))
    first = download(api, case["id"], "declaration", w.ent)
    victim = case["victims"][0]["id"]
    api.acted(case["id"], "record_death", w.ent, victim_id=victim, died_at=t.NOW.isoformat())
    versions = papers_of(case["id"], "declaration")
    assert [(p.version, p.cause) for p in versions] == [(1, "declare"), (2, "record_death")]
    latest = download(api, case["id"], "declaration", w.ent)
    assert "Tai nạn lao động chết người" in pdf_text(latest.data)
    assert "Công an cấp xã" in pdf_text(latest.data)  # a fatal accident is declared to police
    assert download(api, case["id"], "declaration", w.ent, version=1).data == first.data
    assert "Tai nạn lao động chết người" not in pdf_text(first.data)
    listing = api.get(f"/cases/{case['id']}/papers", w.ent).get_json()["items"]
    declaration = next(p for p in listing if p["name"] == "declaration")
    assert declaration["current_version"] == 2
    assert [v["version"] for v in declaration["versions"]] == [2, 1]
    assert declaration["versions"][1]["sha256"] == sha(first.data)
    assert declaration["versions"][0]["content_sha256"] == versions[1].content_sha256
    assert declaration["versions"][0]["cause"] == "record_death"


def test_a_step_that_changes_nothing_a_paper_says_issues_no_new_version(api, w, t):
    case = fatal_case(api, w)
    api.acted(case["id"], "open_investigation", w.insp, team=t.PROVINCE_TEAM)
    assert len(papers_of(case["id"], "declaration")) == 1
    assert len(events(case["id"], "issue_paper")) == 1


# --------------------------------------------------------------------------------------------
# The minutes and the decision
# --------------------------------------------------------------------------------------------


def test_minutes_are_issued_when_concluded_and_anew_when_announced(api, w, t):
    case = fatal_case(api, w)
    concluded(api, w, t, case)
    first = download(api, case["id"], "minutes", w.insp)
    assert "10. Công bố biên bản" not in pdf_text(first.data)
    api.acted(
        case["id"], "announce", w.insp, meeting_at=t.NOW.isoformat(), attendees=t.FATAL_ATTENDEES
    )
    versions = papers_of(case["id"], "minutes")
    assert [(p.version, p.cause) for p in versions] == [(1, "conclude"), (2, "announce")]
    announced = download(api, case["id"], "minutes", w.insp)
    assert "10. Công bố biên bản" in pdf_text(announced.data)
    assert download(api, case["id"], "minutes", w.insp, version=1).data == first.data


def test_the_minutes_head_names_the_issuing_body(api, w, t):
    case = fatal_case(api, w)
    concluded(api, w, t, case)
    text = pdf_text(download(api, case["id"], "minutes", w.insp).data)
    assert "SỞ NỘI VỤ THÀNH PHỐ HẢI PHÒNG" in text
    assert "ĐOÀN ĐIỀU TRA TAI NẠN LAO ĐỘNG" in text
    own = api.declared(w.ent, accident_body(w.commune.code))
    api.acted(own["id"], "open_investigation", w.ent, team=t.ENTERPRISE_TEAM)
    api.acted(own["id"], "conclude", w.ent, **t.MINUTES)
    text = pdf_text(download(api, own["id"], "minutes", w.ent).data)
    assert "CÔNG TY TNHH CƠ KHÍ ĐÔNG HẢI" in text
    assert "ĐOÀN ĐIỀU TRA TAI NẠN LAO ĐỘNG CẤP CƠ SỞ" in text


def test_the_decision_stays_as_issued_when_a_rule_changes(api, w, t):
    from tests.api.claim_flow import assessed_claim

    claim = assessed_claim(w.ent, 25)
    path = f"/claims/{claim.id}/decision.pdf"
    first = api.get(path, w.ent)
    assert first.status_code == 200
    assert "05 ngày" in pdf_text(first.data)
    # The payment limit is changed in the rules table from today on.
    add_rule_value(w.admin, "compensation_due_days", t.NOW.date(), "7", "Thử")
    (paper,) = papers_of(claim.id, "decision")
    assert content_sha256(paper_content("decision", row(claim.id))) != paper.content_sha256
    again = api.get(path, w.ent)
    assert again.data == first.data and "07 ngày" not in pdf_text(again.data)
    assert again.data == download(api, claim.id, "decision", w.ent).data


def test_a_payment_issues_the_decision_anew(api, w, t):
    from tests.api.claim_flow import assessed_claim

    claim = assessed_claim(w.ent, 25)
    minimum = row(claim.id).data["compensation"]["minimum_vnd"]
    api.acted(claim.id, "record_payment", w.ent, amount_vnd=minimum + 1_000_000,
              paid_at=t.NOW.isoformat())  # fmt: skip
    causes = [(p.version, p.cause) for p in papers_of(claim.id, "decision")]
    assert causes == [(1, "record_assessment"), (2, "record_payment")]
    text = pdf_text(download(api, claim.id, "decision", w.ent).data)
    paid = f"{minimum + 1_000_000:,}".replace(",", ".")
    assert f"{paid} đồng" in text and "đã chi trả" in text


def test_a_deceased_workers_claim_has_its_decision_from_its_opening(api, w, t):
    case = fatal_case(api, w)
    concluded(api, w, t, case)
    api.acted(
        case["id"], "announce", w.insp, meeting_at=t.NOW.isoformat(), attendees=t.FATAL_ATTENDEES
    )
    dead = next(c for c in row(case["id"]).children if c.data.get("death"))
    assert [(p.version, p.cause) for p in papers_of(dead.id, "decision")] == [(1, "create")]
    assert [e.trigger for e in events(dead.id, "issue_paper")] == ["issue_paper"]
    assert verify_chains() == []


# --------------------------------------------------------------------------------------------
# Reissuing by hand
# --------------------------------------------------------------------------------------------


def test_the_declarer_reissues_form_01_with_a_reason_and_nothing_else_may(api, w, t):
    case = fatal_case(api, w)
    path = f"/cases/{case['id']}/papers/declaration/reissue"
    before = len(events(case["id"], "issue_paper"))
    # Nothing changed: no new version, nothing written.
    response = api.post(path, w.ent, json={"reason": "Sửa tên doanh nghiệp"})
    assert response.status_code == 409, response.get_json()
    assert "không thay đổi" in response.get_json()["error"]
    enterprise = db.session.get(Enterprise, w.enterprise.id)
    enterprise.name = "Công ty TNHH Cơ khí Đông Hải (đổi tên)"
    db.session.commit()
    for user, status in ((w.insp, 403), (w.union, 403), (w.other_ent, 404)):
        assert api.post(path, user, json={"reason": "Thử"}).status_code == status
    for reason, message in ((None, "Nhập lý do"), ("   ", "Nhập lý do"), ("x" * 501, "500")):
        response = api.post(path, w.ent, json={"reason": reason})
        assert response.status_code == 422
        assert message in response.get_json()["errors"]["reason"][0]
    assert len(events(case["id"], "issue_paper")) == before
    assert len(papers_of(case["id"], "declaration")) == 1
    # NFD input is kept in NFC.
    response = api.post(path, w.ent, json={"reason": "Đo\u0302\u0309i te\u0302n"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["version"], body["cause"], body["reason"]) == (2, "reissue", "Đổi tên")
    issued = events(case["id"], "issue_paper")[-1]
    assert issued.payload["reason"] == "Đổi tên" and issued.actor == w.ent.username
    assert "(đổi tên)" in pdf_text(download(api, case["id"], "declaration", w.ent).data)


def test_a_closed_case_is_not_reissued(api, w, t):
    case = api.declared(w.comm, accident_body(w.commune.code, labour_relation=False))
    api.acted(case["id"], "record_event", w.comm, note="Ghi nhận")
    api.acted(case["id"], "close", w.comm)
    response = api.post(f"/cases/{case['id']}/papers/declaration/reissue", w.comm,
                        json={"reason": "Thử"})  # fmt: skip
    assert response.status_code == 409
    assert "kết thúc" in response.get_json()["error"]


# --------------------------------------------------------------------------------------------
# Older cases, and the web
# --------------------------------------------------------------------------------------------


def test_a_case_declared_before_papers_were_stored_gets_its_paper_on_first_request(
    api, w, monkeypatch
):
    from workflows import REGISTRY

    accident = REGISTRY["accident"]
    monkeypatch.setitem(REGISTRY, "accident", dataclasses.replace(accident, papers=()))
    case = fatal_case(api, w)  # declared as before stored papers: none, no event
    monkeypatch.setitem(REGISTRY, "accident", accident)
    assert papers_of(case["id"], "declaration") == [] and events(case["id"], "issue_paper") == []
    first = download(api, case["id"], "declaration", w.union)
    (paper,) = papers_of(case["id"], "declaration")
    assert (paper.cause, paper.issued_by, paper.issued_by_role) == (
        "first_request", "system", "system"
    )  # fmt: skip
    (issued,) = events(case["id"], "issue_paper")
    assert issued.payload["content_sha256"] == paper.content_sha256
    assert download(api, case["id"], "declaration", w.union).data == first.data
    assert verify_chains() == []


def test_the_case_page_lists_the_versions_and_offers_a_reissue(api, w, t, signed_in):
    case = api.declared(w.ent, accident_body(w.commune.code, outcomes=("serious",)))
    victim = case["victims"][0]["id"]
    api.acted(case["id"], "record_death", w.ent, victim_id=victim, died_at=t.NOW.isoformat())
    client = signed_in(w.ent.username)
    html = client.get(f"/cases/{case['id']}").get_data(as_text=True)
    versions = re.search(r'data-testid="versions-declaration">(.*?)</table>', html, re.S).group(1)
    assert f"/cases/{case['id']}/papers/declaration/1.pdf" in versions
    assert f"/cases/{case['id']}/papers/declaration/2.pdf" in versions
    for paper in papers_of(case["id"], "declaration"):
        assert paper.content_sha256 in versions
    assert "Ghi nhận nạn nhân tử vong" in versions  # the step that issued version 2
    assert 'data-testid="reissue-declaration"' in html
    # A reissue without a reason comes back with the message beside the field, nothing written.
    token = csrf_token_from(html)
    response = client.post(
        f"/cases/{case['id']}/papers/declaration/reissue", data={"csrf_token": token, "reason": ""}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="reissue-declaration-reason-error"' in page and "Nhập lý do" in page
    assert len(papers_of(case["id"], "declaration")) == 2
    # Nothing changed since version 2: the page says so.
    response = client.post(
        f"/cases/{case['id']}/papers/declaration/reissue",
        data={"csrf_token": token, "reason": "In lại"},
        follow_redirects=True,
    )
    assert "không thay đổi so với lần phát hành 2" in response.get_data(as_text=True)
    # The union reads the list but is offered no reissue.
    html = signed_in(w.union.username).get(f"/cases/{case['id']}").get_data(as_text=True)
    assert 'data-testid="versions-declaration"' in html
    assert 'data-testid="reissue-declaration"' not in html


@pytest.mark.parametrize("name", ["declaration", "minutes"])
def test_versions_of_other_tenants_are_not_found(api, w, t, name):
    case = fatal_case(api, w)
    concluded(api, w, t, case)
    for user in (w.other_ent, w.other_union):
        assert api.get(f"/cases/{case['id']}/papers/{name}/1.pdf", user).status_code == 404
        assert api.get(f"/cases/{case['id']}/papers", user).status_code == 404
    assert api.get(f"/cases/{case['id']}/papers/{name}/9.pdf", w.insp).status_code == 404
