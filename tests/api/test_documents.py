"""Case documents (the investigation dossier, law.md §3.3): upload checked by content, size
and role; storage under a random server name; the checklist; downloads as attachments; medical
papers only for roles with medical access (each read logged). Through the API and the web."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.extensions import db
from app.models import CaseEvent, Document, MedicalAccessLog
from app.services.documents import MAX_BYTES
from tests.conftest import csrf_token_from
from tests.factories import accident_body, make_enterprise, make_user

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32


def docx(*, extra: dict[str, bytes] | None = None, document: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        if document:
            archive.writestr("word/document.xml", "<w:document/>")
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def stored_files(w) -> list[Path]:
    return sorted(p for p in w.upload_dir.glob("*") if p.is_file()) if w.upload_dir.exists() else []


def multipart(fields: dict) -> dict:
    """Client kwargs for a multipart body encoded in memory (the test client's own encoder
    spools big bodies to a temporary file it never closes)."""
    values = {
        key: FileStorage(io.BytesIO(value[0]), filename=value[1])
        if isinstance(value, tuple)
        else value
        for key, value in fields.items()
    }
    boundary, body = encode_multipart(values)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def upload(api, user, case_id, content=PDF, name="bien-ban.pdf", category="scene_record", **form):
    data = {"category": category, **form}
    if content is not None:
        data["file"] = (content, name)
    return api.client.post(
        f"/api/v1/cases/{case_id}/documents", headers=api.headers(user), **multipart(data)
    )


def uploaded(api, user, case_id, **kwargs) -> dict:
    response = upload(api, user, case_id, **kwargs)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def investigating(api, w, t, outcomes=("serious",), exam=False) -> dict:
    case = api.declared(w.ent, accident_body(w.commune.code, outcomes))
    team, by = (
        (t.PROVINCE_TEAM, w.insp)
        if case["investigation_level"] == "province"
        else (t.ENTERPRISE_TEAM, w.ent)
    )
    return api.acted(case["id"], "open_investigation", by, team=team, needs_technical_exam=exam)


def assert_refused(api, w, case_id, response, status, field=None):
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert "error" in body
    if field:
        assert field in body["errors"], body
    assert stored_files(w) == []
    assert db.session.scalar(select(db.func.count()).select_from(Document)) == 0


# --------------------------------------------------------------------------------------------
# Upload: what is stored
# --------------------------------------------------------------------------------------------


def test_upload_stores_the_file_under_a_random_name_with_its_hash(api, w, t):
    case = investigating(api, w, t)
    before = api.observe(case["id"])
    body = uploaded(api, w.ent, case["id"], note="Bản chụp có chữ ký")
    assert body["category"] == "scene_record"
    assert body["original_name"] == "bien-ban.pdf"
    assert body["content_type"] == "application/pdf"
    assert body["size_bytes"] == len(PDF)
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["note"] == "Bản chụp có chữ ký"
    (path,) = stored_files(w)
    assert path.read_bytes() == PDF
    assert "bien-ban" not in path.name and len(path.name) == 40
    row = db.session.get(Document, body["id"])
    assert row.stored_name == path.name
    assert row.uploaded_by_id == w.ent.id
    # The upload is in the hash-chained audit trail; the case's state and version stay.
    after = api.observe(case["id"])
    assert (after.state, after.version, after.events) == (
        before.state,
        before.version,
        before.events + 1,
    )
    event = db.session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case["id"]).order_by(CaseEvent.seq.desc())
    ).first()
    assert event.trigger == "attach_document"
    assert event.payload["sha256"] == body["sha256"]
    assert event.payload["name"] == "bien-ban.pdf"


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (PDF, "so-do.PDF", "application/pdf"),
        (JPEG, "anh.jpg", "image/jpeg"),
        (JPEG, "anh.jpeg", "image/jpeg"),
        (PNG, "anh.png", "image/png"),
        (
            docx(),
            "loi-khai.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_allowed_types_by_content(api, w, t, content, name, content_type):
    case = investigating(api, w, t)
    body = uploaded(api, w.insp, case["id"], content=content, name=name, category="photos")
    assert body["content_type"] == content_type


def test_the_clients_path_never_reaches_the_disk(api, w, t):
    case = investigating(api, w, t)
    body = uploaded(api, w.ent, case["id"], name="../../../etc/cron.d/x.pdf")
    assert body["original_name"] == "x.pdf"
    (path,) = stored_files(w)
    assert path.parent == w.upload_dir


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"hello, not a pdf", "gia.pdf"),
        (b"<html><script>alert(1)</script></html>", "anh.png"),
        (b"MZ\x90\x00" + b"\x00" * 60, "setup.pdf"),
        (PNG, "anh.pdf"),  # real PNG, wrong extension
        (PDF, "bien-ban.docx"),
        (PDF, "bien-ban"),
        (docx(document=False), "rong.docx"),  # a ZIP that is not a Word document
        (docx(extra={"word/vbaProject.bin": b"x"}), "macro.docx"),
        (b"PK\x03\x04 broken zip", "hong.docx"),
        (b"", "rong.pdf"),
    ],
)
def test_wrong_or_spoofed_types_are_refused_and_nothing_is_written(api, w, t, content, name):
    case = investigating(api, w, t)
    before = api.observe(case["id"])
    response = upload(api, w.ent, case["id"], content=content, name=name)
    assert_refused(api, w, case["id"], response, 422, "file")
    assert api.observe(case["id"]) == before


def test_over_twenty_megabytes_is_refused_with_a_clear_message(api, w, t):
    case = investigating(api, w, t)
    response = upload(api, w.ent, case["id"], content=PDF + b"0" * (MAX_BYTES + 1 - len(PDF)))
    assert_refused(api, w, case["id"], response, 422, "file")
    assert "20 MB" in response.get_json()["errors"]["file"][0]


def test_exactly_twenty_megabytes_is_accepted(api, w, t):
    case = investigating(api, w, t)
    body = uploaded(api, w.ent, case["id"], content=PDF + b"0" * (MAX_BYTES - len(PDF)))
    assert body["size_bytes"] == MAX_BYTES


def test_a_body_over_the_request_limit_is_a_field_error(api, w, t):
    case = investigating(api, w, t)
    response = upload(api, w.ent, case["id"], content=PDF + b"0" * (22 * 1024 * 1024))
    assert_refused(api, w, case["id"], response, 422, "file")


def test_bad_category_note_or_missing_file(api, w, t):
    case = investigating(api, w, t)
    assert_refused(
        api, w, case["id"], upload(api, w.ent, case["id"], category="selfie"), 422, "category"
    )
    assert_refused(api, w, case["id"], upload(api, w.ent, case["id"], category=""), 422, "category")
    assert_refused(api, w, case["id"], upload(api, w.ent, case["id"], content=None), 422, "file")
    response = upload(api, w.ent, case["id"], note="x" * 501)
    assert_refused(api, w, case["id"], response, 422, "note")


# --------------------------------------------------------------------------------------------
# Upload: who may
# --------------------------------------------------------------------------------------------


def test_read_only_roles_and_other_tenants_may_not_upload(api, w, t):
    case = investigating(api, w, t)
    cid = case["id"]
    before = api.observe(cid)
    assert_refused(api, w, cid, upload(api, w.union, cid), 403)
    assert_refused(api, w, cid, upload(api, w.insurance, cid), 404)
    assert_refused(api, w, cid, upload(api, w.other_ent, cid), 404)
    assert_refused(api, w, cid, upload(api, w.admin, cid), 403)
    assert_refused(api, w, cid, upload(api, w.ent, 999999), 404)
    assert api.observe(cid) == before


def test_commune_uploads_to_its_own_cases(api, w, t):
    case = api.declared(w.comm, accident_body(w.commune.code, labour_relation=False))
    uploaded(api, w.comm, case["id"], category="other")
    outsider = make_user("commune")
    assert upload(api, outsider, case["id"]).status_code == 404


def test_a_commune_adds_nothing_to_an_enterprises_investigation(api, w, t):
    """The issue's example: the commune sees the enterprise's accident (its area) but has no
    part in its dossier — not even "minutes"; nothing is stored, and it is offered nothing."""
    case = investigating(api, w, t)
    cid = case["id"]
    for category in ("minutes", "scene_record", "photos", "medical", "other"):
        assert_refused(api, w, cid, upload(api, w.comm, cid, category=category), 403)
    listing = api.get(f"/cases/{cid}/documents", w.comm).get_json()
    assert (listing["can_upload"], listing["upload_categories"]) == (False, [])
    assert api.get(f"/cases/{cid}/documents", w.ent).get_json()["upload_categories"] == [
        "scene_record", "scene_sketch", "photos", "statements", "examination", "minutes",
        "medical", "other",
    ]  # fmt: skip


def test_web_a_commune_adds_nothing_to_an_enterprises_case(api, w, t, client, login):
    case = investigating(api, w, t)
    login(w.comm.username)
    html = client.get(f"/cases/{case['id']}").get_data(as_text=True)
    assert 'data-testid="upload-form"' not in html
    token = csrf_token_from(html)
    response = _web_upload(client, case["id"], token, category="minutes")
    assert response.status_code == 403
    assert stored_files(w) == []
    assert db.session.scalar(select(db.func.count()).select_from(Document)) == 0


def test_the_team_papers_of_a_province_investigation_are_the_inspectorates(api, w, t):
    """The employer declared a fatal accident the inspectorate investigates: it brings its
    photos and the medical papers, not the team's minutes or scene record."""
    case = investigating(api, w, t, ("death",))
    cid = case["id"]
    for category in ("minutes", "scene_record", "statements"):
        assert_refused(api, w, cid, upload(api, w.ent, cid, category=category), 403)
    assert api.get(f"/cases/{cid}/documents", w.ent).get_json()["upload_categories"] == [
        "photos", "medical", "other"
    ]  # fmt: skip
    uploaded(api, w.ent, cid, category="photos")
    uploaded(api, w.insp, cid, category="minutes")


def test_before_a_team_only_the_inspector_adds_team_papers(api, w, t):
    case = api.declared(w.ent, accident_body(w.commune.code))
    assert_refused(api, w, case["id"], upload(api, w.ent, case["id"], category="minutes"), 403)
    uploaded(api, w.ent, case["id"], category="photos")
    uploaded(api, w.insp, case["id"], category="scene_record")


def test_a_commune_brings_the_papers_of_its_own_case_but_no_team_papers(api, w, t):
    case = api.declared(w.comm, accident_body(w.commune.code, labour_relation=False))
    for category in ("photos", "medical", "other"):
        uploaded(api, w.comm, case["id"], category=category)
    response = upload(api, w.comm, case["id"], category="minutes")
    assert response.status_code == 403
    assert t.document_count() == 3


def test_a_claim_takes_medical_and_other_papers_only(api, w, t):
    from tests.api.claim_flow import announce_accident

    accident = announce_accident(w.ent)
    claim = accident.children[0].id
    uploaded(api, w.ent, claim, category="medical")
    before = t.document_count()
    for user, category, status in ((w.ent, "photos", 403), (w.ent, "minutes", 403),
                                   (w.union, "other", 403)):  # fmt: skip
        assert upload(api, user, claim, category=category).status_code == status
    assert t.document_count() == before


def test_a_list_naming_a_medical_paper_is_a_logged_read(api, w, t, client, login):
    """Its name and note are medical detail: listing them to a medical role (API or the case
    page) is logged; the union's list hides them and logs nothing."""
    case = investigating(api, w, t)
    cid = case["id"]
    uploaded(api, w.ent, cid, category="photos")
    reads = t.medical_reads(w.insp)
    api.get(f"/cases/{cid}/documents", w.insp)
    assert t.medical_reads(w.insp) == reads  # no medical paper yet: nothing to log
    uploaded(api, w.ent, cid, category="medical", name="giay-ra-vien.pdf", note="Gãy xương")
    for user in (w.insp, w.comm):
        reads = t.medical_reads(user)
        items = api.get(f"/cases/{cid}/documents", user).get_json()["items"]
        assert "giay-ra-vien.pdf" in {i["original_name"] for i in items}
        assert t.medical_reads(user) == reads + 1, user.role
    api.get(f"/cases/{cid}/documents", w.union)
    assert t.medical_reads(w.union) == 0
    fields = db.session.scalars(
        select(MedicalAccessLog.fields).where(MedicalAccessLog.user_id == w.comm.id)
    ).all()
    assert fields[-1].startswith("documents:")
    login(w.comm.username)
    reads = t.medical_reads(w.comm)
    assert "giay-ra-vien.pdf" in client.get(f"/cases/{cid}").get_data(as_text=True)
    logged = db.session.scalars(
        select(MedicalAccessLog.fields).where(MedicalAccessLog.user_id == w.comm.id)
    ).all()
    assert t.medical_reads(w.comm) > reads and any(f.startswith("documents:") for f in logged)


def test_a_closed_or_rejected_case_takes_no_more_documents(api, w, t):
    case = api.declared(w.ent, accident_body(w.commune.code, ("death",)))
    api.acted(case["id"], "reject", w.insp, reason="Trùng")
    response = upload(api, w.insp, case["id"])
    assert_refused(api, w, case["id"], response, 409)


# --------------------------------------------------------------------------------------------
# The dossier checklist
# --------------------------------------------------------------------------------------------


def test_checklist_shows_what_is_missing(api, w, t):
    case = investigating(api, w, t)
    listing = api.get(f"/cases/{case['id']}/documents", w.ent).get_json()
    assert listing["items"] == []
    assert listing["can_upload"] is True
    assert listing["checklist"]["missing"] == [
        "scene_record",
        "scene_sketch",
        "photos",
        "statements",
        "minutes",
        "medical",
    ]
    assert listing["checklist"]["complete"] is False
    uploaded(api, w.ent, case["id"], category="photos", content=JPEG, name="1.jpg")
    uploaded(api, w.ent, case["id"], category="photos", content=PNG, name="2.png")
    listing = api.get(f"/cases/{case['id']}/documents", w.ent).get_json()
    photos = next(i for i in listing["checklist"]["items"] if i["category"] == "photos")
    assert (photos["present"], photos["count"]) == (True, 2)
    assert "photos" not in listing["checklist"]["missing"]
    for category in ("scene_record", "scene_sketch", "statements", "minutes", "medical"):
        uploaded(api, w.ent, case["id"], category=category)
    assert api.get(f"/cases/{case['id']}/documents", w.ent).get_json()["checklist"]["complete"]


def test_checklist_asks_for_the_examination_record_when_one_is_needed(api, w, t):
    case = investigating(api, w, t, ("death",), exam=True)
    missing = api.get(f"/cases/{case['id']}/documents", w.insp).get_json()["checklist"]["missing"]
    assert "examination" in missing


def test_no_checklist_before_the_investigation(api, w, t):
    case = api.declared(w.ent, accident_body(w.commune.code))
    listing = api.get(f"/cases/{case['id']}/documents", w.ent).get_json()
    assert listing["checklist"] == {
        "items": [], "missing": [], "not_applicable": [], "complete": True
    }  # fmt: skip


def test_union_lists_documents_but_may_not_upload(api, w, t):
    case = investigating(api, w, t)
    uploaded(api, w.ent, case["id"], category="photos", content=PNG, name="anh.png")
    listing = api.get(f"/cases/{case['id']}/documents", w.union).get_json()
    assert listing["can_upload"] is False
    assert [d["original_name"] for d in listing["items"]] == ["anh.png"]


# --------------------------------------------------------------------------------------------
# Downloads
# --------------------------------------------------------------------------------------------


def test_download_is_an_attachment_that_is_never_sniffed(api, w, t):
    case = investigating(api, w, t)
    doc = uploaded(api, w.ent, case["id"], name="Biên bản hiện trường.pdf")
    response = api.get(f"/cases/{case['id']}/documents/{doc['id']}", w.insp)
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''Bi%C3%AAn" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    response.close()


def test_download_outside_the_scope_is_not_found(api, w, t):
    case = investigating(api, w, t)
    doc = uploaded(api, w.ent, case["id"])
    for user in (w.other_ent, w.insurance, make_user("union", enterprise=make_enterprise())):
        response = api.get(f"/cases/{case['id']}/documents/{doc['id']}", user)
        assert response.status_code == 404
        assert response.data != PDF
        assert "bien-ban" not in response.get_data(as_text=True)
    other = api.declared(w.ent, accident_body(w.commune.code))
    # A document is only reachable under its own case.
    assert api.get(f"/cases/{other['id']}/documents/{doc['id']}", w.ent).status_code == 404
    assert api.get(f"/cases/{case['id']}/documents/999999", w.ent).status_code == 404


def test_medical_papers_only_for_medical_roles_and_every_read_is_logged(api, w, t):
    case = investigating(api, w, t)
    doc = uploaded(api, w.ent, case["id"], category="medical", name="giay-ra-vien-ung-thu.pdf",
                   note="Chẩn đoán: gãy xương")  # fmt: skip
    event = db.session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case["id"]).order_by(CaseEvent.seq.desc())
    ).first()
    assert "name" not in event.payload  # a medical paper's name can be medical detail
    url = f"/cases/{case['id']}/documents/{doc['id']}"
    response = api.get(url, w.union)
    assert response.status_code == 403
    assert response.data != PDF
    listing = api.get(f"/cases/{case['id']}/documents", w.union).get_json()
    (item,) = listing["items"]
    assert (item["original_name"], item["note"], item["downloadable"]) == (None, None, False)
    for user in (w.ent, w.insp):
        reads = t.medical_reads(user)
        response = api.get(url, user)
        assert response.status_code == 200
        assert response.data == PDF
        response.close()
        assert t.medical_reads(user) == reads + 1
    assert t.medical_reads(w.union) == 0


# --------------------------------------------------------------------------------------------
# The web: the partial on the case page, CSRF upload, download
# --------------------------------------------------------------------------------------------


def _web_upload(client, case_id, token, content=PDF, name="so-do.pdf", category="scene_sketch"):
    return client.post(
        f"/cases/{case_id}/documents",
        **multipart({"csrf_token": token, "category": category, "file": (content, name)}),
    )


def test_web_upload_with_csrf_then_download(api, w, t, client, login):
    case = investigating(api, w, t)
    login(w.ent.username)
    page = client.get("/")
    token = csrf_token_from(page.get_data(as_text=True))
    response = _web_upload(client, case["id"], token)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{case['id']}#documents")
    (doc,) = db.session.scalars(select(Document)).all()
    response = client.get(f"/cases/{case['id']}/documents/{doc.id}")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()


def test_web_upload_refusals_show_next_to_the_input_and_write_nothing(api, w, t, client, login):
    case = investigating(api, w, t)
    login(w.ent.username)
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    response = _web_upload(client, case["id"], token, content=b"not a pdf")
    assert response.status_code == 422
    assert stored_files(w) == []
    page = response.get_data(as_text=True)
    error = re.search(r'<p class="field-error" id="document-file-error">([^<]*)</p>', page)
    assert error and "không đúng định dạng" in error.group(1)
    assert 'aria-describedby="document-file-hint document-file-error" aria-invalid="true"' in page
    assert '<option value="scene_sketch" selected>' in page  # the category chosen is kept
    # Without the CSRF token nothing is even looked at.
    response = _web_upload(client, case["id"], "forged")
    assert response.status_code == 400
    assert stored_files(w) == []
    assert db.session.scalar(select(db.func.count()).select_from(Document)) == 0


def test_web_union_may_not_upload(api, w, t, client, login):
    case = investigating(api, w, t)
    login(w.union.username)
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    assert _web_upload(client, case["id"], token).status_code == 403
    assert stored_files(w) == []


def test_documents_partial_on_the_case_page(api, w, t, client, login):
    assert "cases.detail" in w.app.view_functions, "the case page (cases.detail) is missing"
    case = investigating(api, w, t)
    uploaded(api, w.ent, case["id"], category="photos", content=PNG, name="hien-truong.png")
    uploaded(api, w.ent, case["id"], category="medical", name="giay-ra-vien.pdf")
    login(w.ent.username)
    html = client.get(f"/cases/{case['id']}").get_data(as_text=True)
    assert 'id="documents"' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'name="csrf_token"' in html
    assert "hien-truong.png" in html and "giay-ra-vien.pdf" in html
    assert "còn thiếu" in html
    assert 'data-testid="dossier-missing"' in html
    client.post("/logout", data={"csrf_token": csrf_token_from(html)})
    login(w.union.username)
    html = client.get(f"/cases/{case['id']}").get_data(as_text=True)
    assert "hien-truong.png" in html
    assert "giay-ra-vien.pdf" not in html
    assert 'enctype="multipart/form-data"' not in html


def test_web_body_over_the_request_limit_flashes_and_writes_nothing(api, w, t, client, login):
    case = investigating(api, w, t)
    login(w.ent.username)
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    response = _web_upload(client, case["id"], token, content=PDF + b"0" * (22 * 1024 * 1024))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{case['id']}#documents")
    assert stored_files(w) == []
    assert "20 MB" in client.get("/").get_data(as_text=True)


def test_upload_form_preselects_the_first_missing_item(api, w, t, client, login):
    assert "cases.detail" in w.app.view_functions, "the case page (cases.detail) is missing"
    case = investigating(api, w, t)
    uploaded(api, w.ent, case["id"], category="scene_record")
    login(w.ent.username)
    html = client.get(f"/cases/{case['id']}").get_data(as_text=True)
    assert '<option value="scene_sketch" selected>' in html
