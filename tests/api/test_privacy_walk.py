"""Must hold (issue #12): what a role without medical access sees tells no medical figure.

One enterprise's province-level accident has three injured workers whose claims were assessed
at 35 % (11.5 months of wages, a monthly allowance; then re-assessed at 40 %), 23 % (6.7
months, a one-time allowance the insurer decided) and 3 % (below the 5 % threshold); the
enterprise also declared a worker's occupational disease, and the commune an accident of a
worker without a labour relation. Every route of the app — found in the Flask url_map, so a
new route is walked without anyone listing it — is then asked by every role with every case,
claim, document, paper, notification and export id: web pages, JSON, PDFs (their text),
spreadsheets; then every action on every case is tried, to read the refusals; and every
notification and email the world sent is read.

Nothing the trade union (grassroots and city), the admin, or social insurance before the
35 % claim was filed with it is shown may hold a full national ID or a digit of one, an
injury description, the disease or what names it, a capacity-loss percentage, a number of
months of wages, a benefit's kind, the 5 % band, a medical paper's name or note, or any text
the medical roles read at a path the workflow definitions declare medical. Social insurance
decides the claims filed with it, so it reads the 23 % claim whole (app/services/privacy.py).
No role gets a 500 anywhere.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from sqlalchemy import select

from app.extensions import db, limiter
from app.help.content import HELP
from app.models import Case, Notification, OutboxMessage, User
from app.services.privacy import medical_paths
from tests.api.case_api import Api
from tests.conftest import csrf_token_from, post_login
from tests.factories import accident_body, make_commune, make_enterprise, make_user, victim_body
from workflows import REGISTRY

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
FULL_DOSSIER = ["si_book", "discharge_paper", "assessment_record", "request_form",
                "investigation_minutes"]  # fmt: skip

# The workers and what is medical about them: (national ID, injury), all distinct.
WORKERS = {
    "w35": ("031090004567", "Dập nát bàn tay trái, cắt cụt hai ngón"),
    "w23": ("031088007321", "Gãy kín xương đùi phải"),
    "wlow": ("031092006543", "Xây xát nhẹ vùng trán"),
    "disease": ("031085002468", "Ho kéo dài, khó thở khi gắng sức"),
    "commune": ("031079001357", "Bỏng độ hai cẳng chân trái"),
}
DISEASE = {
    "disease": "Bệnh bụi phổi silic nghề nghiệp",
    "disease_code": "N01-SILIC",
    "exposure": "Bụi silic tại xưởng nghiền đá suốt mười hai năm",
    "facility": "Bệnh viện Phổi Hải Phòng",
}
MEDICAL_PAPER = ("giay-ra-vien-cat-cut-ngon.pdf", "Ra viện sau mổ cắt cụt ngón tay")
DECISION_REASON = "Đủ điều kiện theo biên bản giám định của Hội đồng"

# What follows the percentage or the diagnosis, as it would be written anywhere.
BAND = re.compile(r"(?i)dưới\s*5\s*%|below\s*5\s*%")
KIND_WORDS = {
    "monthly": re.compile(r'(?i)hằng tháng|"monthly"|\bmonthly allowance'),
    "one_time": re.compile(r'(?i)một lần|"one_time"|\bone-time'),
}
ID_DIGITS = re.compile(r"\d\*|\*\d")  # a digit beside a masking star
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# POST routes that take no case: what they answer carries no case content (walked as GETs
# where they have one). A new POST route must be added here, or take a case id to be walked.
NO_CASE_POSTS = {
    "admin.add_code", "admin.save_code", "admin.toggle_code", "admin.upload_codes",
    "admin.save_enterprise", "admin.add_holiday", "admin.withdraw_holiday",
    "admin.retry_job", "admin.retry_emails", "admin.add_rule", "admin.withdraw_rule",
    "admin.create_user", "admin.update_user", "admin.deactivate_user",
    "admin.reset_password", "admin.reactivate_user",  # people, codes and rules: no case
    "api.calculate_compensation", "api.calculate_insurance",  # the caller's own figures
    "api.create_case", "cases.declare",  # a declaration: the caller's own case (or 403)
    "api.create_notice", "cases.notice",  # a quick notice: the same
    "api.create_token", "auth.login", "auth.logout", "auth.change_password",
    "auth.set_language", "calculations.page",  # the session and the calculators
    "api.read_notification", "api.read_all_notifications", "notifications.read",
    "notifications.read_all", "notifications.preferences",  # marks; no text in the answer
    "api.open_reports", "reports.open_period",  # opens periodic reports: counts only
}  # fmt: skip
# GET routes that read no case: what they answer is the same for everyone (the law, the API's
# description). They are walked (no 500) but their text is not searched: it names benefit
# kinds and percentages as the law does, of nobody.
GENERIC_PAGES = {
    "api.openapi",  # the API's description: field names and examples
    "calculations.page",  # the calculators: the law's labels, the caller's own figures
    "admin.index",  # the rules table: the law's figures and their articles
}
# Path parameters that name a case (its POST routes are walked with every case of the world).
CASE_PARAMS = {"case_id", "claim_id", "report_id"}


@pytest.fixture
def app_config(app_config):
    """Email on (to an address nobody listens at: the SMTP conversation is captured below)."""
    return {**app_config, "MAIL_SERVER": "smtp.invalid", "MAIL_PORT": 25}


@pytest.fixture
def mails(monkeypatch):
    """Every email the app sends, captured where it would reach the SMTP server (every
    sender, per notice or per notification, talks through ``smtp_connection``)."""
    from contextlib import contextmanager

    sent = []

    class Conversation:
        def send_message(self, message):
            sent.append(message)

    @contextmanager
    def connection():
        yield Conversation()

    monkeypatch.setattr("app.jobs.notifications.smtp_connection", connection)
    return sent


# --------------------------------------------------------------------------------------------
# The world
# --------------------------------------------------------------------------------------------


def _victim(key: str, outcome: str = "serious", **fields) -> dict:
    national_id, injury = WORKERS[key]
    return victim_body(outcome, national_id=national_id, injury_description=injury, **fields)


def _upload(api, user, case_id: int, category: str, name: str, note: str = "") -> int:
    response = api.client.post(
        f"/api/v1/cases/{case_id}/documents",
        headers=api.headers(user),
        data={"category": category, "note": note, "file": (io.BytesIO(PDF), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _assess(api, t, claim: int, ent, pct: int) -> dict:
    api.acted(claim, "refer_for_assessment", ent, referred_at=t.NOW.isoformat())
    return api.acted(
        claim, "record_assessment", ent, capacity_loss_pct=pct, assessed_at=t.NOW.isoformat()
    )


@pytest.fixture
def world(app, api, t, mails):
    commune = make_commune(name="Phường Máy Tơ")
    enterprise = make_enterprise(commune, name="Công ty TNHH Cơ khí Máy Tơ")
    w = SimpleNamespace(
        ent=make_user("enterprise", enterprise=enterprise),
        insp=make_user("inspector"),
        comm=make_user("commune", commune=commune),
        union=make_user("union", enterprise=enterprise),
        city_union=make_user("union"),
        insurance=make_user("insurance"),
        admin=make_user("admin"),
    )
    victims = [_victim("w35"), _victim("w23"), _victim("wlow")]
    accident = api.declared(w.ent, accident_body(commune.code, victims=victims))["id"]
    api.acted(accident, "open_investigation", w.insp, team=t.PROVINCE_TEAM)
    api.acted(accident, "conclude", w.insp, **t.MINUTES)
    announced = api.acted(
        accident, "announce", w.insp, meeting_at=t.NOW.isoformat(), attendees=t.ATTENDEES
    )
    by_id = {v["national_id"]: v["id"] for v in announced["victims"]}
    claims = {}
    for child in announced["children"]:
        body = api.get(f"/cases/{child}", w.insp).get_json()
        key = next(k for k, (nid, _) in WORKERS.items() if by_id.get(nid) == body["victim_id"])
        claims[key] = child

    c35 = _assess(api, t, claims["w35"], w.ent, 35)
    assert c35["data"]["compensation"]["months"] == 11.5  # 1.5 + (35 − 10) × 0.4
    assert c35["insurance"]["expected_kind"] == "monthly"
    api.acted(claims["w35"], "record_payment", w.ent, amount_vnd=c35["compensation"][
        "minimum_vnd"], paid_at=t.NOW.isoformat())  # fmt: skip
    api.acted(claims["w35"], "confirm_receipt", w.union, confirmed_at=t.NOW.isoformat())
    api.acted(claims["w35"], "reassess", w.ent, capacity_loss_pct=40,
              assessed_at=t.NOW.isoformat(), reason="combined")  # fmt: skip

    # A further benefit asked for (Art. 54): its days tell the band (7 days: 31-50 %).
    api.acted(claims["w35"], "request_item", w.ent, benefit_item="convalescence",
              requested_on=t.NOW.date().isoformat(), convalescence_days=7)  # fmt: skip

    c23 = _assess(api, t, claims["w23"], w.ent, 23)
    assert c23["data"]["compensation"]["months"] == 6.7  # 1.5 + (23 − 10) × 0.4
    api.acted(claims["w23"], "file_insurance", w.ent, filed_at=t.NOW.isoformat(),
              dossier=FULL_DOSSIER)  # fmt: skip
    api.acted(claims["w23"], "decide_insurance", w.insurance, approved=True, kind="one_time",
              amount_vnd=c23["insurance"]["expected_vnd"] or 1, reason=DECISION_REASON)  # fmt: skip

    low = _assess(api, t, claims["wlow"], w.ent, 3)
    assert low["state"] == "not_eligible"

    disease = api.declared(w.ent, {
        "kind": "disease", **DISEASE, "diagnosed_on": "2026-10-01",
        "victims": [_victim("disease")],
    })["id"]  # fmt: skip
    disease_claim = api.acted(disease, "confirm", w.insp, note="Đúng danh mục")["children"][0]
    commune_case = api.declared(
        w.comm, accident_body(commune.code, labour_relation=False, victims=[_victim("commune")])
    )["id"]

    paper, note = MEDICAL_PAPER
    documents = {
        claims["w35"]: [_upload(api, w.ent, claims["w35"], "medical", paper, note)],
        accident: [_upload(api, w.insp, accident, "photos", "hien-truong.pdf")],
        disease: [_upload(api, w.ent, disease, "medical", paper, note)],
    }
    assert api.post("/reports/open", w.insp, json={"period": "2026-H1"}).status_code == 200
    _deliver_everything()

    w.cases = {
        "accident": accident, "claim 35": claims["w35"], "claim 23": claims["w23"],
        "claim 3": claims["wlow"], "disease": disease, "disease claim": disease_claim,
        "commune case": commune_case,
    }  # fmt: skip
    w.cases.update(_reports())
    w.documents = documents
    w.mails = mails
    w.texts = _medical_texts(api, w)
    return w


def _reports() -> dict[str, int]:
    rows = db.session.scalars(select(Case.id).where(Case.kind == "report")).all()
    assert rows, "the world needs a periodic report to walk the report routes"
    return {f"report {i}": row for i, row in enumerate(rows)}


def _deliver_everything() -> None:
    """Dispatch every notice and send every wanted email now (inline jobs already did; with
    Redis no worker runs here), both idempotent."""
    from app.jobs.notifications import dispatch_outbox, send_email

    for outbox_id in db.session.scalars(select(OutboxMessage.id)).all():
        dispatch_outbox(outbox_id)
    wanted = select(Notification.id).where(Notification.email_wanted.is_(True))
    for note_id in db.session.scalars(wanted).all():
        send_email(note_id)


def _leaves(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item, path)
    else:
        yield path, value


def _medical_texts(api, w) -> dict[int, set[str]]:
    """Case id → the texts an inspector reads at the case's declared medical paths (articles
    quoting a band, a start month's reason…): none may reach a non-medical reader."""
    found: dict[int, set[str]] = {}
    for case_id in w.cases.values():
        body = api.get(f"/cases/{case_id}", w.insp).get_json()
        for path in medical_paths(body["kind"]):
            value = body["data"]
            for part in path.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            for _, leaf in _leaves(value):
                # Texts, not dates: an assessment's day says nothing of its figure.
                if isinstance(leaf, str) and len(leaf) >= 12 and not ISO_DATE.match(leaf):
                    found.setdefault(case_id, set()).add(leaf)
    assert found.get(w.cases["claim 35"]), "the walk must know the medical texts it looks for"
    return found


# --------------------------------------------------------------------------------------------
# What may not be seen
# --------------------------------------------------------------------------------------------


@dataclass
class Secrets:
    """What one reader may not see: literal texts and patterns, each with a name."""

    texts: dict[str, str] = field(default_factory=dict)
    patterns: dict[str, re.Pattern] = field(default_factory=dict)

    def found(self, text: str) -> list[str]:
        hits = [name for name, secret in self.texts.items() if secret in text]
        hits += [name for name, pattern in self.patterns.items() if pattern.search(text)]
        return hits


def _percent(value: int) -> re.Pattern:
    return re.compile(rf"(?<![\d.,]){value}\s?%")


def _months(value: str) -> re.Pattern:
    whole, tenth = value.split(".")
    return re.compile(rf"(?<![\d.,]){whole}[.,]{tenth}(?!\d)")


def secrets_for(w, *, spare_claim_23: bool) -> Secrets:
    """Everything medical in the world; ``spare_claim_23`` leaves out what belongs to the
    claim filed with social insurance (its reader decides it, and so reads it whole — its
    keys, its kind, the process's state labels — whatever holds for every claim alike)."""
    s = Secrets()
    for key, (national_id, injury) in WORKERS.items():
        if spare_claim_23 and key == "w23":
            continue
        s.texts[f"national ID of {key}"] = national_id
        s.texts[f"injury of {key}"] = injury
    for name, value in DISEASE.items():
        s.texts[f"disease {name}"] = value
    s.texts["medical paper name"], s.texts["medical paper note"] = MEDICAL_PAPER
    s.patterns["35 %"], s.patterns["40 %"] = _percent(35), _percent(40)
    s.patterns["11.5 months"] = _months("11.5")
    s.patterns["monthly kind"] = KIND_WORDS["monthly"]
    s.patterns["the item asked for"] = re.compile(
        r'"convalescence"|Nghỉ dưỡng sức, phục hồi|\b7 ngày|"convalescence_days"'
    )
    if not spare_claim_23:
        s.patterns["a digit of a masked ID"] = ID_DIGITS
        s.patterns["the 5 % band"] = BAND
        s.patterns["capacity_loss_pct key"] = re.compile(r'"capacity_loss_pct"')
        s.patterns["a benefit kind"] = re.compile(r'"(expected_kind|kind)":\s*"(one_time|monthly)"')
        s.patterns["a start month"] = re.compile(r'"start_month"')
        s.patterns["23 %"] = _percent(23)
        s.patterns["6.7 months"] = _months("6.7")
        s.patterns["one-time kind"] = KIND_WORDS["one_time"]
        s.texts["insurer's reason"] = DECISION_REASON
    spared = w.texts.get(w.cases["claim 23"], set()) if spare_claim_23 else set()
    for case_id, texts in w.texts.items():
        for text in texts - spared:  # an article's text the same for both claims is spared
            s.texts[f"medical text of case {case_id}: {text[:40]}"] = text
    return s


# --------------------------------------------------------------------------------------------
# Reading what a response shows
# --------------------------------------------------------------------------------------------


def shown(response) -> str:
    """The text a response shows its reader: a PDF's text, a spreadsheet's strings, the rest
    as text; plus the flashed message after a redirect (followed by the caller)."""
    data = response.get_data()
    kind = response.mimetype or ""
    if kind == "application/pdf" or data.startswith(b"%PDF"):
        try:
            pages = PdfReader(io.BytesIO(data)).pages
        except PdfReadError:  # an uploaded file served back: its bytes as they are
            return data.decode("utf-8", "replace")
        return "\n".join(page.extract_text() or "" for page in pages)
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(
                archive.read(n).decode("utf-8", "replace")
                for n in archive.namelist()
                if n.endswith(".xml")
            )
    return data.decode("utf-8", "replace")


@dataclass
class Reader:
    label: str
    user: User
    web: object
    api: Api
    csrf: str


def _readers(app, api, w) -> list[Reader]:
    readers = []
    for label in ("ent", "insp", "comm", "union", "city_union", "insurance", "admin"):
        user = getattr(w, label)
        client = app.test_client()
        limiter.reset()  # seven sign-ins from one address in a row: not what is tested here
        assert post_login(client, user.username).status_code == 302
        token = csrf_token_from(client.get("/notifications/").get_data(as_text=True))
        readers.append(Reader(label, user, client, api, token))
    return readers


def _values(app, w, reader: Reader) -> dict[str, list]:
    """What each path parameter of the url_map takes in this world."""
    from app.services import statistics_exports
    from workflows.base import PAPER_NAMES

    with app.test_request_context():
        export = statistics_exports.request_export(reader.user, {}, "vi")
    db.session.commit()
    notes = db.session.scalars(select(Notification.id)).all()
    first_user = db.session.scalars(select(User.id)).first()
    return {
        "case_id": list(w.cases.values()),
        "claim_id": [w.cases[k] for k in ("claim 35", "claim 23", "claim 3", "disease claim")],
        "report_id": [v for k, v in w.cases.items() if k.startswith("report")][:1],
        "name": [*PAPER_NAMES, "quick_report"],
        # An issued paper's versions (cases.paper_version): the first, and one none has.
        "version": [1, 2],
        "notification_id": notes[:3],
        "export_id": [export["id"]],
        "user_id": [first_user],
        "enterprise_id": [w.ent.enterprise_id],
        "list_name": ["cause"],
        "code": ["vi"],
        "extension": ["xlsx", "csv"],
        "filename": ["safecase.css"],
        # The workflow diagram's frame (cases.diagram): every kind's states, as drawn.
        "kind": list(REGISTRY),
        # The help pages (help.page): every role's.
        "role": list(HELP),
    }


def _paths(app, rule, values: dict[str, list], w) -> list[tuple[str, dict]]:
    """Every path of ``rule`` in this world: each combination of its parameters' values (a
    document only with its own case)."""
    combos: list[dict] = [{}]
    for name in sorted(rule.arguments):
        if name == "document_id":
            continue
        assert name in values, f"teach the privacy walk what {rule.rule}'s <{name}> takes"
        combos = [{**c, name: v} for c in combos for v in values[name]]
    if "document_id" in rule.arguments:
        combos = [
            {**c, "document_id": d} for c in combos for d in w.documents.get(c["case_id"], ())
        ]
    adapter = app.url_map.bind("localhost")
    return [(adapter.build(rule.endpoint, c), c) for c in combos]


def _get(reader: Reader, path: str, query: dict):
    if path.startswith("/api/"):
        return reader.api.client.get(
            path, headers=reader.api.headers(reader.user), query_string=query
        )
    return reader.web.get(path, query_string=query, follow_redirects=True)


# Query strings a route needs to answer more than 422 (the clock stands in November 2026).
QUERIES = {"api.benefit": {"month": "2026-11"}}


def _walk_gets(app, readers, w, check) -> int:
    walked = 0
    for reader in readers:
        values = _values(app, w, reader)
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static":
                continue
            for path, _ in _paths(app, rule, values, w):
                response = _get(reader, path, QUERIES.get(rule.endpoint, {}))
                check(reader, f"GET {path}", response, rule.endpoint)
                response.close()
                walked += 1
    return walked


def _walk_posts(app, readers, w, check) -> int:
    """Every action on every case, tried with the current version and no other input, through
    the API and the web; every other POST route that names a case likewise. Run last: some
    succeed (the union may close the 3 % claim), and their answers are read too."""
    walked = 0
    triggers = sorted({t for d in REGISTRY.values() for t in d.triggers()})
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        if not CASE_PARAMS & set(rule.arguments):
            assert rule.endpoint in NO_CASE_POSTS, f"teach the privacy walk {rule.endpoint}"
    for reader in readers:
        values = {**_values(app, w, reader), "trigger": triggers}
        for rule in app.url_map.iter_rules():
            if "POST" not in rule.methods or not CASE_PARAMS & set(rule.arguments):
                continue
            for path, params in _paths(app, rule, values, w):
                case = db.session.get(Case, params.get("case_id") or params.get("claim_id")
                                      or params.get("report_id"))  # fmt: skip
                version = case.version if case is not None else 1
                if path.startswith("/api/"):
                    response = reader.api.post(path.removeprefix("/api/v1"), reader.user,
                                               json={"version": version})  # fmt: skip
                else:
                    response = reader.web.post(
                        path,
                        data={"csrf_token": reader.csrf, "version": str(version)},
                        follow_redirects=True,
                    )
                check(reader, f"POST {path}", response, rule.endpoint)
                response.close()
                walked += 1
    return walked


# --------------------------------------------------------------------------------------------
# The walk
# --------------------------------------------------------------------------------------------


def test_no_role_without_medical_access_can_work_back_a_medical_figure(app, api, world):
    w = world
    readers = _readers(app, api, w)
    guarded = {
        "union": secrets_for(w, spare_claim_23=False),
        "city_union": secrets_for(w, spare_claim_23=False),
        "admin": secrets_for(w, spare_claim_23=False),
        "insurance": secrets_for(w, spare_claim_23=True),
    }
    problems: list[str] = []
    served: dict[str, int] = {}

    def check(reader: Reader, what: str, response, endpoint: str) -> None:
        if response.status_code >= 500:
            problems.append(f"{reader.label} {what}: {response.status_code}")
            return
        if response.status_code == 200:
            served[reader.label] = served.get(reader.label, 0) + 1
        secrets = guarded.get(reader.label)
        if secrets is not None and endpoint not in GENERIC_PAGES:
            for hit in secrets.found(shown(response)):
                problems.append(f"{reader.label} {what}: {hit}")

    walked = _walk_gets(app, readers, w, check)
    walked += _walk_posts(app, readers, w, check)

    # What the notifications and emails told each of them.
    db.session.expire_all()
    for label, secrets in guarded.items():
        user = getattr(w, label)
        for note in db.session.scalars(select(Notification).where(Notification.user_id == user.id)):
            for hit in secrets.found(f"{note.subject}\n{note.body}"):
                problems.append(f"{label} notification {note.event}: {hit}")
        for message in w.mails:
            if message["To"] == user.email:
                for hit in secrets.found(f"{message['Subject']}\n{message.get_content()}"):
                    problems.append(f"{label} email {message['Subject']}: {hit}")

    assert problems == [], "\n".join(sorted(set(problems)))
    # The walk saw something: every reader was served pages, the union the claims' own.
    assert walked > 500 and all(served.get(r.label, 0) > 10 for r in readers), served
    union_mails = [m for m in w.mails if m["To"] == w.union.email]
    assert any(m["X-SafeCase-Event"] == "claim.not_eligible" for m in union_mails)


def test_the_walk_finds_what_the_medical_roles_read(app, api, world):
    """The needles are real: the inspector is shown each of them somewhere (so the walk above
    cannot pass because it looks for the wrong text), and the enterprise gets the band in
    its notice of the 3 % claim."""
    w = world
    insp = next(r for r in _readers(app, api, w) if r.label == "insp")
    seen = ""
    for key in ("claim 35", "claim 23", "claim 3", "disease"):
        case_id = w.cases[key]
        seen += shown(_get(insp, f"/cases/{case_id}", {}))
        seen += shown(_get(insp, f"/api/v1/cases/{case_id}", {}))
        seen += shown(_get(insp, f"/api/v1/cases/{case_id}/events", {}))
        seen += shown(_get(insp, f"/api/v1/cases/{case_id}/documents", {}))
    for key in ("claim 35", "claim 23"):
        seen += shown(_get(insp, f"/claims/{w.cases[key]}/decision.pdf", {}))
    secrets = secrets_for(w, spare_claim_23=False)
    missing = [name for name in [*secrets.texts, *secrets.patterns] if name not in
               secrets.found(seen)]  # fmt: skip
    # The inspector sees the IDs in full and the states by their own labels.
    assert missing == ["national ID of commune", "injury of commune",
                       "a digit of a masked ID"], missing  # fmt: skip
    ent_notes = db.session.scalars(
        select(Notification).where(
            Notification.user_id == w.ent.id, Notification.event == "claim.not_eligible"
        )
    ).all()
    assert ent_notes and BAND.search(ent_notes[0].subject)
