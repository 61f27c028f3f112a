"""Two years of demo cases, played through the real services with the clock set back.

Every case is declared with ``declarations.declare`` and moved with
``workflow_engine.fire_transition`` while ``app.clock.freeze`` holds the moment each step
happened, so the audit chains, deadlines, tasks, claims and notices are the engine's own. The
history has accidents of every kind the statistics tell apart — at work and commuting, fatal,
serious and light, with one and with several victims, declared by an enterprise or (without a
labour relation) by a commune, rejected duplicates and accidents the minutes find are not work
accidents — plus occupational diseases and serious technical incidents, each carried as far as
its dates allow (claims paid, insured, closed); and each enterprise's periodic reports for the
last complete periods, most filed and some accepted.

Inputs that only some versions of the workflows declare (the minutes' cause and injuring-factor
codes, property damage, a victim's occupation code, a claim's ``record_costs``) are sent only
when the workflow declares them. Periodic reports are filed only when the statistics service
that freezes their totals is installed. Deterministic: a fixed seed, dates relative to now.
"""

from __future__ import annotations

import importlib.util
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from app.clock import VN_TZ, freeze, now
from app.extensions import db
from app.models import Case, Enterprise, User
from app.services.declarations import declare
from app.services.documents import dossier_checklist
from app.services.rulebook import load_rulebook
from app.services.unit_of_work import unit_of_work
from app.services.workflow_engine import NewCase, create_case, fire_transition
from workflows import get_workflow
from workflows.law.benefits import convalescence
from workflows.law.reporting import (
    ENTERPRISE_ACCIDENTS,
    Period,
    periods_ended_by,
    report_due_on,
)

SEED = 2026
# The enterprise whose latest report the inspector sends back in the demo, and why.
RETURNED_TO = "dn_cokhi"
RETURN_REASON = (
    "Số lao động nữ chưa khớp với danh sách lao động của doanh nghiệp; đề nghị kiểm tra và nộp lại."
)
HISTORY_DAYS = 730
# Why a closed demo case's dossier lacks its papers: the demo stores no scans.
DEMO_PAPER_REASON = "Bản giấy lưu tại cơ quan điều tra; dữ liệu mẫu không kèm bản quét."
ACCIDENTS = 230
DISEASES = 16
INCIDENTS = 6

# Codes sent when the minutes declare them, from the shipped lists (app/data/codes/), repeated
# for a believable mix.
CAUSES = ("NSD01", "NSD02", "NSD03", "NSD04", "NSD05", "NLD01", "NLD01", "NLD02", "KQ")
INJURING_FACTORS = ("YT01", "YT01", "YT02", "YT03", "YT04", "YT04", "YT05", "YT10")
COMMUTING_FACTOR = "YT08"
OCCUPATIONS = {
    "C": (("72", "Thợ cơ khí"), ("81", "Công nhân vận hành máy"), ("75", "Công nhân may")),
    "F": (("71", "Thợ xây"), ("93", "Lao động phổ thông xây dựng"), ("74", "Thợ điện")),
    "H": (("83", "Lái xe"), ("93", "Công nhân bốc xếp"), ("81", "Công nhân vận hành cẩu")),
    "A": (("62", "Ngư dân"), ("92", "Lao động thủy sản")),
}
CAUSE_TEXT = (
    "Không sử dụng phương tiện bảo vệ cá nhân",
    "Thiết bị không được kiểm định trước khi sử dụng",
    "Chưa được huấn luyện an toàn, vệ sinh lao động",
    "Vi phạm quy trình làm việc an toàn",
)
SCENES = {
    "C": ("Phân xưởng gia công số {n}", "Máy dập thủy lực kẹp tay công nhân.",
          "Công nhân bị cuốn tay vào băng tải."),
    "F": ("Công trình nhà ở tầng {n}", "Công nhân ngã từ giàn giáo khi trát tường.",
          "Vật liệu rơi từ tầng trên trúng người."),
    "H": ("Bãi container số {n}", "Xe nâng va chạm công nhân khi lùi.",
          "Container rơi khi cẩu hạ hàng."),
    "A": ("Tàu cá HP-{n}", "Ngư dân bị tời kéo lưới cuốn tay.", "Ngư dân rơi xuống biển."),
}  # fmt: skip
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô")
MIDDLE = {"male": ("Văn", "Đức", "Minh", "Quang"), "female": ("Thị", "Ngọc", "Thu")}
GIVEN = {
    "male": ("Hùng", "Dũng", "Nam", "Tuấn", "Long", "Sơn", "Bình", "Hải", "Cường"),
    "female": ("Hoa", "Lan", "Mai", "Hương", "Thảo", "Linh", "Trang", "Hạnh"),
}
DISEASES_LIST = (
    ("Bệnh bụi phổi silic nghề nghiệp", "Bụi silic tự do", "01"),
    ("Bệnh điếc nghề nghiệp do tiếng ồn", "Tiếng ồn trên 85 dBA", "08"),
    ("Bệnh nhiễm độc chì nghề nghiệp", "Chì và hợp chất chì", "11"),
)
DOSSIER = [
    "Sổ bảo hiểm xã hội",
    "Giấy ra viện",
    "Biên bản giám định y khoa",
    "Văn bản đề nghị (Mẫu 05A-HSB)",
    "Biên bản điều tra tai nạn lao động",
]
DEATH_DOSSIER = [DOSSIER[0], DOSSIER[3], DOSSIER[4]]


@dataclass(frozen=True)
class History:
    cases: int
    reports: int
    filed: int


def seed_demo_history() -> History:
    """Play the two years; leave the clock unfrozen. One unit of work per step."""
    with _unsynced_sqlite():
        try:
            return _Player(random.Random(SEED), now()).play()
        finally:
            freeze(None)


@contextmanager
def _unsynced_sqlite() -> Iterator[None]:
    """On SQLite, commit without waiting for the disk (``synchronous=NORMAL``: in WAL mode
    the file stays consistent, only the last commits could be lost in a power cut) while the
    few thousand steps of the history are played; the setting in force is restored after.
    Elsewhere, nothing changes."""
    if db.engine.dialect.name != "sqlite":
        yield
        return
    db.session.commit()  # the pooled connection is idle: the session takes it back below
    raw = db.engine.raw_connection()
    try:
        before = raw.execute("PRAGMA synchronous").fetchone()[0]
        raw.execute("PRAGMA synchronous=NORMAL")
    finally:
        raw.close()
    try:
        yield
    finally:
        db.session.commit()
        raw = db.engine.raw_connection()
        try:
            raw.execute(f"PRAGMA synchronous={int(before)}")
        finally:
            raw.close()


def _declared_fields(kind: str, trigger: str, state: str) -> set[str]:
    return {f.name for f in get_workflow(kind).fields_for(trigger, state)}


class _Player:
    def __init__(self, rnd: random.Random, today: datetime) -> None:
        self.rnd = rnd
        self.today = today
        self.users = {u.username: u for u in db.session.scalars(select(User))}
        self.enterprise_users = [u for u in self.users.values() if u.role == "enterprise"]
        self.commune_users = [u for u in self.users.values() if u.role == "commune"]
        self.inspector = self.users["thanhtra1"]
        self.union = self.users["congdoan"]
        self.insurance = self.users["bhxh1"]
        self.victim_inputs = {i.name for i in get_workflow("accident").declaration.victims}
        self.cases = 0
        self.ids = iter(range(10**6))

    # -- the clock and the engine ------------------------------------------------------------

    def at(self, moment: datetime) -> bool:
        """Freeze the clock at ``moment``; False (nothing to do) when it is not yet past."""
        if moment >= self.today:
            return False
        freeze(moment)
        return True

    def fire(self, case: Case, trigger: str, user: User, values: dict[str, Any]) -> None:
        """Fire ``trigger`` with the payload fields the workflow declares from ``values``."""
        names = _declared_fields(case.kind, trigger, case.state)
        payload = {k: v for k, v in values.items() if k in names and v is not None}
        fire_transition(case.id, trigger, user, {"version": case.version, **payload})
        db.session.refresh(case)

    def complete_dossier(self, case: Case, body: User) -> None:
        """The demo keeps no scanned papers: each mandatory paper the dossier still lacks is
        marked not applicable, as the body keeping it would before closing (closing waits for
        the dossier, workflows/dossier_rules.py)."""
        for category in dossier_checklist(case).missing:
            self.fire(case, "mark_not_applicable", body,
                      {"category": category, "reason": DEMO_PAPER_REASON})  # fmt: skip

    # -- the history ---------------------------------------------------------------------------

    def play(self) -> History:
        start = self.today - timedelta(days=HISTORY_DAYS)
        moments = sorted(
            start + timedelta(seconds=self.rnd.uniform(0, (HISTORY_DAYS - 2) * 86_400))
            for _ in range(ACCIDENTS + DISEASES + INCIDENTS)
        )
        kinds = ["accident"] * ACCIDENTS + ["disease"] * DISEASES + ["incident"] * INCIDENTS
        self.rnd.shuffle(kinds)
        for kind, moment in zip(kinds, moments, strict=True):
            getattr(self, kind)(moment)
            self.cases += 1
        reports, filed = self.reports()
        return History(self.cases, reports, filed)

    def person(self, occurred: datetime, section: str, outcome: str, labour_relation: bool):
        rnd = self.rnd
        gender = "female" if rnd.random() < 0.25 else "male"
        born = occurred.date() - timedelta(days=rnd.randint(19, 58) * 365 + rnd.randint(0, 300))
        code, occupation = rnd.choice(OCCUPATIONS.get(section, OCCUPATIONS["C"]))
        insured = labour_relation and rnd.random() < 0.85
        victim = {
            "full_name": " ".join(
                (rnd.choice(SURNAMES), rnd.choice(MIDDLE[gender]), rnd.choice(GIVEN[gender]))
            ),
            "birth_date": born.isoformat(),
            "gender": gender,
            "national_id": f"031{born.year % 100:02d}{next(self.ids):07d}",
            "occupation": occupation,
            "occupation_code": code,
            "outcome": outcome,
            "monthly_wage_vnd": rnd.randrange(6_000_000, 16_000_000, 100_000)
            if labour_relation
            else None,
            "si_number": f"31{rnd.randrange(10**8):08d}" if insured else None,
            "si_years": rnd.randint(1, 20) if insured else None,
            "injury_description": "Gãy xương" if outcome == "serious" else "",
        }
        return {k: v for k, v in victim.items() if k in self.victim_inputs and v is not None}

    def accident(self, declared: datetime) -> None:
        rnd = self.rnd
        commune_case = rnd.random() < 0.1
        if commune_case:
            declarer = rnd.choice(self.commune_users)
            commune, section, labour_relation = declarer.commune_code, "F", False
        else:
            declarer = rnd.choice(self.enterprise_users)
            enterprise = db.session.get(Enterprise, declarer.enterprise_id)
            commune, labour_relation = enterprise.commune_code, True
            section = enterprise.industry_code[0]
        commuting = labour_relation and rnd.random() < 0.12
        victims_n = rnd.choices((1, 2, 3), weights=(84, 12, 4))[0]
        outcomes = rnd.choices(("death", "serious", "light"), weights=(7, 28, 65), k=victims_n)
        occurred = declared - timedelta(hours=rnd.uniform(0.5, 30))
        scene, *stories = SCENES.get(section, SCENES["C"])
        if not self.at(declared):
            return
        case = declare(
            declarer,
            {
                "kind": "accident",
                "occurred_at": occurred.astimezone(VN_TZ).isoformat(),
                "commune_code": commune,
                "location": "Trên đường đi làm về"
                if commuting
                else scene.format(n=rnd.randint(1, 9)),
                "description": "Va chạm giao thông trên đường đi làm."
                if commuting
                else rnd.choice(stories),
                "labour_relation": labour_relation,
                "accident_type": "commuting" if commuting else "at_work",
                "third_party": commuting and rnd.random() < 0.6,
                "victims": [self.person(occurred, section, o, labour_relation) for o in outcomes],
            },
        )
        self.investigate(case, declared, declarer)

    def investigate(self, case: Case, declared: datetime, declarer: User) -> None:
        rnd = self.rnd
        if rnd.random() < 0.03:
            if self.at(declared + timedelta(hours=rnd.uniform(2, 48))):
                self.fire(case, "reject", self.inspector, {"reason": "Khai báo trùng lặp."})
            return
        if case.investigation_level == "commune_record":
            if self.at(declared + timedelta(days=rnd.uniform(1, 6))):
                self.fire(case, "record_event", declarer, {"note": "Đã ghi nhận sự việc."})
                if self.at(declared + timedelta(days=rnd.uniform(10, 30))):
                    self.fire(case, "close", declarer, {})
            return
        province = case.investigation_level == "province"
        body, organisation = (
            (self.inspector, "inspectorate") if province else (declarer, "employer")
        )
        team = [
            {"name": body.full_name, "organisation": organisation, "role": "head"},
            {"name": "Đỗ Minh Tuấn", "organisation": "union", "role": "member"},
        ]
        if any(d.name == "scene_arrival" for d in case.deadlines):
            # The inspectors reach the scene of a fatal accident, mostly within the 2 hours.
            arrived = declared + timedelta(minutes=rnd.uniform(20, 150))
            if not self.at(arrived):
                return
            who = f"{self.inspector.full_name}, thanh tra viên"
            self.fire(case, "record_scene_arrival", self.inspector,
                      {"arrived_at": arrived.isoformat(), "arrived_by": who})  # fmt: skip
        moment = declared + timedelta(hours=rnd.uniform(3, 40))
        if not self.at(moment):
            return
        self.fire(case, "open_investigation", body, {"team": team})
        due = next(d.due_at for d in case.deadlines if d.name == "investigation")
        limit = due - declared
        moment = declared + limit * rnd.uniform(0.5, 1.2)
        if not self.at(moment):
            return
        work = rnd.random() >= 0.05
        self.fire(
            case,
            "conclude",
            body,
            {
                "is_work_accident": work,
                "worker_at_fault": work and rnd.random() < 0.08,
                "causes": [rnd.choice(CAUSE_TEXT)],
                "cause_code": rnd.choice(CAUSES),
                "injuring_factor_code": COMMUTING_FACTOR
                if case.data.get("accident_type") == "commuting"
                else rnd.choice(INJURING_FACTORS),
                "property_damage_vnd": rnd.randrange(5, 300) * 1_000_000
                if rnd.random() < 0.2
                else None,
                "responsibilities": "Người sử dụng lao động chưa bảo đảm điều kiện an toàn.",
                "measures": ["Huấn luyện lại an toàn, vệ sinh lao động cho toàn bộ công nhân"],
            },
        )
        moment += timedelta(days=rnd.uniform(1, 6))
        if not self.at(moment):
            return
        attendees = [
            {"name": body.full_name, "organisation": organisation},
            {"name": "Đại diện người sử dụng lao động", "organisation": "employer"},
        ]
        if case.severity == "fatal":
            attendees += [
                {"name": "Đại úy Vũ Văn Long", "organisation": "police"},
                {"name": "Kiểm sát viên Hoàng Thị Lan", "organisation": "procuracy"},
            ]
        self.fire(case, "announce", body, {"meeting_at": moment, "attendees": attendees})
        closed = [self.claim(claim, moment) for claim in list(case.children)]
        if all(closed) and rnd.random() < 0.9:
            finished = max([moment, *(c for c in closed if c)]) + timedelta(days=rnd.uniform(1, 9))
            if self.at(finished):
                self.complete_dossier(case, body)
                self.fire(case, "close", body, {})

    def claim(self, claim: Case, opened: datetime) -> datetime | None:
        """Move one claim as far as its dates allow; the moment it closed, else None."""
        rnd = self.rnd
        owner = next((u for u in self.enterprise_users if u.enterprise_id == claim.enterprise_id),
                     None)  # fmt: skip
        if owner is None:  # a worker without a labour relation: no employer to pay
            return None
        moment = opened
        if claim.state == "treatment":
            moment += timedelta(days=rnd.uniform(10, 90))
            if not self.at(moment):
                return None
            self.fire(claim, "refer_for_assessment", owner, {"referred_at": moment})
            treatment_end = moment.astimezone(VN_TZ).date()
            moment += timedelta(days=rnd.uniform(15, 45))
            if not self.at(moment):
                return None
            self.fire(
                claim,
                "record_assessment",
                owner,
                {
                    "capacity_loss_pct": rnd.choice((3, 8, 12, 21, 31, 45)),
                    "assessed_at": moment,
                    "treatment_ended_on": treatment_end,
                },
            )
            self.record_costs(claim, owner)
        if claim.state == "assessed":
            moment = self.benefits(claim, owner, moment)
            if moment is None:
                return None
        moment += timedelta(days=rnd.uniform(2, 15))
        if not self.at(moment):
            return None
        self.fire(claim, "close", self.union, {})
        return moment

    def record_costs(self, claim: Case, owner: User) -> None:
        """Days off and the employer's costs, when the claim workflow records them."""
        if "record_costs" not in get_workflow("claim").triggers():
            return
        if not get_workflow("claim").transitions_for("record_costs", claim.state):
            return
        days = self.rnd.randint(5, 120)
        self.fire(
            claim,
            "record_costs",
            owner,
            {
                "days_off": days,
                "medical_costs_vnd": self.rnd.randrange(2, 80) * 1_000_000,
                "wage_costs_vnd": days * 350_000,
            },
        )

    def benefits(self, claim: Case, owner: User, moment: datetime) -> datetime | None:
        """Pay, confirm, file and decide as the claim needs; the moment both tracks are done."""
        rnd = self.rnd
        comp = claim.data.get("compensation") or {}
        if comp.get("owed", True):
            moment += timedelta(days=rnd.uniform(1, 5))
            if not self.at(moment):
                return None
            amount = max(comp.get("minimum_vnd") or 0, 5_000_000)
            self.fire(claim, "record_payment", owner, {"amount_vnd": amount, "paid_at": moment})
            moment += timedelta(days=rnd.uniform(1, 7))
            if not self.at(moment):
                return None
            self.fire(claim, "confirm_receipt", self.union, {"confirmed_at": moment})
        insurance = claim.data.get("insurance") or {}
        if insurance.get("applicable"):
            self.convalescence(claim, owner, moment)
            moment += timedelta(days=rnd.uniform(3, 25))
            if not self.at(moment):
                return None
            dossier = DEATH_DOSSIER if claim.data.get("death") else DOSSIER
            self.fire(claim, "file_insurance", owner, {"filed_at": moment, "dossier": dossier})
            moment += timedelta(days=rnd.uniform(2, 9))
            if not self.at(moment):
                return None
            self.fire(
                claim,
                "decide_insurance",
                self.insurance,
                {
                    "approved": True,
                    "kind": insurance.get("expected_kind") or "one_time",
                    "amount_vnd": insurance.get("expected_vnd") or 10_000_000,
                },
            )
        return moment

    def convalescence(self, claim: Case, owner: User, moment: datetime) -> None:
        """Every other claim of a living worker with 15 % or more asks for the band's full
        convalescence (Art. 54), decided with the benefit. Chosen by the claim's id, not the
        random stream, so the rest of the history stays as it was."""
        pct = claim.data.get("capacity_loss_pct") or 0
        if claim.data.get("death") or pct < 15 or claim.id % 2:
            return
        on = moment.astimezone(VN_TZ).date()
        days = convalescence(pct, load_rulebook().base_salary(on)).max_days
        self.fire(
            claim,
            "request_item",
            owner,
            {"benefit_item": "convalescence", "requested_on": on, "convalescence_days": days},
        )

    def disease(self, declared: datetime) -> None:
        rnd = self.rnd
        declarer = rnd.choice(self.enterprise_users)
        name, exposure, code = rnd.choice(DISEASES_LIST)
        diagnosed = (declared - timedelta(days=rnd.randint(3, 30))).astimezone(VN_TZ).date()
        if not self.at(declared):
            return
        worker = self.person(
            datetime.combine(diagnosed, datetime.min.time(), VN_TZ), "C", "serious", True
        )
        case = declare(
            declarer,
            {
                "kind": "disease",
                "disease": name,
                "disease_code": code,
                "diagnosed_on": diagnosed.isoformat(),
                "exposure": exposure,
                "facility": "Trung tâm Kiểm soát bệnh tật Hải Phòng",
                "workers": [worker],
            },
        )
        moment = declared + timedelta(days=rnd.uniform(3, 20))
        if not self.at(moment):
            return
        if rnd.random() < 0.15:
            self.fire(case, "reject", self.inspector, {"reason": "Không thuộc danh mục."})
            return
        self.fire(case, "confirm", self.inspector, {"note": "Đúng danh mục bệnh nghề nghiệp."})
        closed = [self.claim(claim, moment) for claim in list(case.children)]
        if all(closed) and self.at(max(c for c in closed if c) + timedelta(days=3)):
            self.fire(case, "close", self.inspector, {})

    def incident(self, declared: datetime) -> None:
        rnd = self.rnd
        declarer = rnd.choice(self.enterprise_users)
        enterprise = db.session.get(Enterprise, declarer.enterprise_id)
        if not self.at(declared):
            return
        case = declare(
            declarer,
            {
                "kind": "incident",
                "occurred_at": (declared - timedelta(hours=2)).astimezone(VN_TZ).isoformat(),
                "commune_code": enterprise.commune_code,
                "location": "Khu vực thiết bị nâng",
                "description": "Cần trục bị gãy cần khi nâng hàng, không có người bị nạn.",
                "equipment": "Cần trục bánh xích 50 tấn",
                "failure": "Gãy cần trục",
                "damage": "Hư hỏng cần trục và hàng hóa",
                "casualties": 0,
            },
        )
        team = [{"name": "Nguyễn Văn Thanh", "organisation": "inspectorate", "role": "head"}]
        steps = (
            ("open_investigation", 1, {"team": team}),
            ("conclude", 20, {"causes": ["Thiết bị quá hạn kiểm định"],
                              "responsibilities": "Bộ phận cơ điện.",
                              "measures": ["Kiểm định lại thiết bị nâng"]}),
            ("announce", 5, {"attendees": [{"name": "Nguyễn Văn Thanh",
                                            "organisation": "inspectorate"}]}),
            ("close", 10, {}),
        )  # fmt: skip
        moment = declared
        for trigger, days, values in steps:
            moment += timedelta(days=rnd.uniform(days / 2, days))
            if not self.at(moment):
                return
            if trigger == "close":
                self.complete_dossier(case, self.inspector)
            self.fire(case, trigger, self.inspector, {**values, "meeting_at": moment})

    # -- periodic reports ----------------------------------------------------------------------

    def reports(self) -> tuple[int, int]:
        """Each enterprise's reports for the last complete periods, opened the day after the
        period ends: most filed (with figures through ``submit``), some of those accepted, a
        few left unfiled. Commune reports, when the opener makes them, stay unfiled."""
        today = self.today.astimezone(VN_TZ).date()
        can_file = importlib.util.find_spec("app.services.statistics") is not None
        opened = filed = 0
        periods = periods_ended_by(today)
        for period in periods:
            opens_at = datetime.combine(period.last + timedelta(days=1), time(7), VN_TZ)
            if not self.at(opens_at):
                continue
            for report in self.open_period(period):
                opened += 1
                user = next(
                    (u for u in self.enterprise_users if u.enterprise_id == report.enterprise_id),
                    None,
                )
                if user is None or not can_file or self.rnd.random() < 0.15:
                    continue
                moment = opens_at + timedelta(days=self.rnd.uniform(2, 20))
                if not self.at(moment):
                    continue
                figures = self.figures(report.enterprise, period.year, half=period.half)
                self.fire(report, "submit", user, {"figures": figures})
                filed += 1
                if period == periods[-1] and user.username == RETURNED_TO:
                    # A newcomer signed in as this enterprise finds a report to correct.
                    if self.at(moment + timedelta(days=3)):
                        self.fire(report, "send_back", self.inspector, {"reason": RETURN_REASON})
                    continue
                if self.rnd.random() < 0.6 and self.at(moment + timedelta(days=4)):
                    self.fire(report, "accept", self.inspector, {})
        return opened, filed

    def open_period(self, period: Period) -> list[Case]:
        """The period's reports, opened by ``app.services.reports.open_period`` when the app
        has it (every report owed), else one per enterprise here, the same way."""
        if importlib.util.find_spec("app.services.reports") is not None:
            from app.services.reports import open_period

            open_period(period)
        else:
            for enterprise in db.session.scalars(select(Enterprise).order_by(Enterprise.id)):
                self.open_report(enterprise, period)
        return list(
            db.session.scalars(
                select(Case)
                .where(Case.kind == "report", Case.report_key.like(f"%:{period.text}"))
                .order_by(Case.id)
            )
        )

    def open_report(self, enterprise: Enterprise, period: Period) -> Case:
        """Open one enterprise's report for ``period``, keyed as the reports service keys it."""
        from flask import current_app

        from app.services.rulebook import load_rulebook

        due_on = report_due_on(ENTERPRISE_ACCIDENTS, period, load_rulebook())
        new = NewCase(
            kind="report",
            enterprise_id=enterprise.id,
            commune_code=enterprise.commune_code,
            declared_by_id=None,
            data={
                "period": period.text,
                "form": ENTERPRISE_ACCIDENTS,
                "due_on": due_on.isoformat(),
                "enterprise_name": enterprise.name,
                "tax_code": enterprise.tax_code,
            },
            report_key=f"{ENTERPRISE_ACCIDENTS}:{enterprise.tax_code}:{period.text}",
        )
        with unit_of_work():
            return create_case(
                new, self.inspector, province=current_app.config["SAFECASE_PROVINCE"]
            )

    def figures(self, enterprise: Enterprise, year: int, *, half: bool) -> dict[str, Any]:
        """The reporter's own figures, the workforce and the OSH ones growing year on year."""
        grown = 1 + 0.04 * (year - (self.today.year - 2))
        workers = int(enterprise.workers * grown)
        figures: dict[str, Any] = {
            "workers": workers,
            "female_workers": min(workers, int(enterprise.female_workers * grown)),
            "wage_fund_vnd": workers * 9_000_000 * (6 if half else 12),
        }
        if not half:
            exposed = int(workers * 0.3)
            samples = 40
            figures.update(
                exposed_workers=exposed,
                od_examined_workers=int(exposed * min(0.95, 0.55 + 0.1 * (grown - 1) * 25)),
                environment_monitored=True,
                monitoring_date=date(year, 9, 15).isoformat(),
                monitoring_organisation="Trung tâm Quan trắc môi trường Hải Phòng",
                monitoring_samples=samples,
                samples_over_limit=self.rnd.randint(0, 5),
            )
        return figures
