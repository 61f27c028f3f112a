"""``python -m bench.seed --cases N``: a believable Hải Phòng at scale, for every benchmark.

Writes into the database ``DATABASE_URL`` names (PostgreSQL; SQLite only up to
``SQLITE_LIMIT`` cases): the schema through the migrations when it is missing, the communes of
``app/data/communes_hai_phong.csv`` when there are none, ``--enterprises`` enterprises (default
N/200, at least 50) with a VSIC industry, a type of ownership and a workforce, one user per
enterprise and per commune plus an inspector, a union officer and a social-insurance officer
(password ``BENCH_PASSWORD``), and N declared cases over the three years before now:

- accident : disease : incident = 80 : 8 : 2 — of the accidents about 8 % of workers without a
  labour relation (no enterprise, declared by the commune); 1-3 victims each with gender, birth
  date, outcome (death 6 %, serious 22 %, light the rest), occupation code, wage and, as the
  claim goes, days off and the employer's costs;
- each case moved along its lifecycle by sampled durations (a team within days, the minutes
  near the legal limit — some late —, the announcement within days, the claims over months), so
  states spread from ``declared`` to ``closed``; 2 % rejected, 4 % of concluded accidents not
  work accidents; ``data`` carries what each step records (team, minutes with ``cause_code`` and
  ``injuring_factor_code``, announcement...) and the statistics columns are derived from it by
  the workflow's own ``indexed_columns``; industry and ownership copied from the enterprise;
- one claim per victim of each announced work accident and confirmed disease, as the engine
  opens them (these come on top of N), with the assessment computed by ``workflows.claim``;
- an open ``case_deadline`` row for each running legal limit (some already overdue);
- case codes ``HP-YYYY-A000123`` in declaration order, and ``case_counter`` set past them so
  the app keeps declaring after them;
- each case's ``search_text`` (from revision 0010) as the engine writes it
  (``app.services.search.case_search_text``: code, accident's code, enterprise, place,
  description, victims' names);
- ``--annual-reports``: each enterprise's half-year and annual report (kind ``report``, key
  ``enterprise_accidents:<tax code>:<period>`` as ``app.services.reports`` opens them) for
  every complete period, figures growing a little year on year, most accepted, some open.

Audit trail: each generated case carries one event, its first (``declare``, or ``create`` for a
claim), with a valid hash chain (``flask audit verify`` passes); the later moves its state
implies are not replayed as events. The open tasks each case's state waits on are added last by
``bench/seed_tasks.py`` (the workflows' own ``open_tasks``; ``--tasks-only`` adds them to a
database seeded before). No outbox rows or notifications are generated.

Rows go in with PostgreSQL ``COPY`` (psycopg 3) in batches of ``--batch`` cases, in one
transaction; into an empty database of 100,000 cases or more the secondary indexes and foreign
keys are dropped first and rebuilt after, then ``ANALYZE``. On SQLite (tests, small sets) the
same rows go through ``executemany``. Same ``--seed``, same clock: same data.
"""

from __future__ import annotations

import argparse
import bisect
import functools
import itertools
import json
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from time import perf_counter
from typing import Any

from app.services.parties import OWNERSHIP_TYPES
from app.services.search import case_search_text
from workflows.law.calendar import VN_TZ
from workflows.law.reporting import age_on

SQLITE_LIMIT = 20_000
BENCH_PASSWORD = "safecase-bench"
# The inspector, union and social-insurance officers every generated city has.
STAFF = ("bench_thanhtra", "bench_congdoan", "bench_bhxh")
# Below this many cases, dropping and rebuilding the indexes costs more than it saves.
REBUILD_INDEXES_FROM = 100_000
YEARS = 3
DAY = 86_400.0

# -- the city's vocabulary (fixed sets; UNVERIFIED against the official code lists, which
#    app/data/codes/ holds once loaded — these are the codes the generator writes) ----------------

# VSIC 2018 division: (weight among enterprises, female share, accidents per worker relative).
INDUSTRIES: dict[str, tuple[float, float, float]] = {
    "A01": (3, 0.45, 1.0),  # crop and animal production
    "A03": (2, 0.20, 1.4),  # fishing and aquaculture
    "B08": (1, 0.10, 2.5),  # other mining and quarrying
    "C10": (5, 0.60, 0.9),  # food products
    "C14": (7, 0.82, 0.5),  # wearing apparel
    "C15": (3, 0.75, 0.6),  # leather and footwear
    "C16": (2, 0.25, 1.6),  # wood products
    "C22": (4, 0.40, 1.2),  # rubber and plastics
    "C23": (3, 0.20, 1.8),  # other non-metallic minerals (cement, bricks)
    "C24": (2, 0.10, 2.2),  # basic metals
    "C25": (6, 0.20, 1.9),  # fabricated metal products
    "C26": (3, 0.65, 0.4),  # electronics
    "C27": (2, 0.40, 0.8),  # electrical equipment
    "C30": (2, 0.08, 2.4),  # ships and other transport equipment
    "C33": (2, 0.10, 1.6),  # repair and installation of machinery
    "D35": (1, 0.15, 1.5),  # electricity
    "E38": (1, 0.30, 1.5),  # waste collection and treatment
    "F41": (8, 0.10, 2.8),  # construction of buildings
    "F42": (3, 0.08, 2.5),  # civil engineering
    "F43": (4, 0.08, 2.6),  # specialised construction
    "G46": (8, 0.45, 0.4),  # wholesale trade
    "H49": (5, 0.12, 1.7),  # land transport
    "H50": (2, 0.10, 1.5),  # water transport
    "H52": (4, 0.20, 1.6),  # warehousing, port services
    "I55": (2, 0.60, 0.3),  # accommodation
    "I56": (3, 0.65, 0.4),  # food and beverage service
    "N81": (2, 0.55, 0.7),  # services to buildings
}
# Type of ownership (code list ``ownership``) and its share of enterprises.
OWNERSHIP = dict(zip(OWNERSHIP_TYPES, (4, 70, 16, 4, 6), strict=True))
# Vietnamese occupation list, 2-digit groups (Decision 34/2020/QĐ-TTg; UNVERIFIED labels).
OCCUPATIONS = {
    "31": "Kỹ thuật viên khoa học và kỹ thuật",
    "52": "Nhân viên bán hàng",
    "61": "Lao động có kỹ năng trong nông nghiệp",
    "62": "Lao động có kỹ năng trong lâm nghiệp, thủy sản",
    "71": "Thợ xây dựng",
    "72": "Thợ luyện kim, cơ khí",
    "74": "Thợ điện, điện tử",
    "75": "Thợ chế biến thực phẩm, gỗ, may",
    "81": "Thợ vận hành máy móc, thiết bị cố định",
    "83": "Lái xe, vận hành thiết bị di động",
    "91": "Người quét dọn, giúp việc",
    "92": "Lao động giản đơn nông, lâm, thủy sản",
    "93": "Lao động giản đơn trong khai khoáng, xây dựng, công nghiệp, vận tải",
}
OCCUPATIONS_BY_SECTION = {
    "A": ("61", "62", "92"),
    "B": ("81", "83", "93"),
    "C": ("72", "74", "75", "81", "93"),
    "D": ("74", "31"),
    "E": ("83", "93", "91"),
    "F": ("71", "71", "93", "74", "83"),
    "G": ("52", "83", "93"),
    "H": ("83", "83", "93"),
    "I": ("52", "91", "75"),
    "N": ("91", "93"),
}
# The main cause in the minutes and its share (codes of app/data/codes/cause.csv).
CAUSES = {
    "NSD02": ("Thiết bị không đảm bảo an toàn", 8),
    "NSD04": ("Không có hoặc không đủ phương tiện bảo vệ cá nhân", 10),
    "NSD05": ("Tổ chức lao động và điều kiện lao động không hợp lý", 14),
    "NSD03": ("Không huấn luyện an toàn, vệ sinh lao động", 11),
    "NSD01": ("Không có quy trình, biện pháp làm việc an toàn", 10),
    "NLD01": ("Người lao động vi phạm quy trình, quy chuẩn an toàn", 22),
    "NLD02": ("Người lao động không sử dụng phương tiện bảo vệ cá nhân", 9),
    "KHAC": ("Người khác gây ra (giao thông...)", 9),
    "KQ": ("Khách quan khó tránh", 7),
}
# The injuring factor and its share (codes of app/data/codes/injuring_factor.csv).
INJURING_FACTORS = {
    "YT03": ("Điện giật", 9),
    "YT01": ("Ngã từ trên cao", 22),
    "YT02": ("Vật rơi, đổ, sập", 16),
    "YT04": ("Máy, thiết bị cuốn, kẹp, cắt", 20),
    "YT08": ("Tai nạn giao thông", 14),
    "YT10": ("Vật văng, bắn", 6),
    "YT05": ("Bỏng", 5),
    "YT07": ("Hóa chất, nhiễm độc", 2),
    "YT09": ("Đuối nước", 2),
    "YT99": ("Yếu tố khác", 4),
}
COMMUTING_FACTOR = "YT08"
DISEASES = (
    ("01", "Bệnh bụi phổi silic nghề nghiệp", "Bụi silic tự do"),
    ("08", "Bệnh điếc nghề nghiệp do tiếng ồn", "Tiếng ồn trên 85 dBA"),
    ("11", "Bệnh nhiễm độc chì nghề nghiệp", "Chì và hợp chất chì"),
    ("04", "Bệnh bụi phổi bông nghề nghiệp", "Bụi bông"),
    ("26", "Bệnh da nghề nghiệp do tiếp xúc môi trường ẩm ướt và lạnh kéo dài", "Ẩm ướt, lạnh"),
    ("18", "Bệnh rung toàn thân nghề nghiệp", "Rung toàn thân"),
)
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô", "Phan")
MIDDLE = {"male": ("Văn", "Đức", "Minh", "Quang", "Hữu"), "female": ("Thị", "Ngọc", "Thu")}
GIVEN = {
    "male": ("Hùng", "Dũng", "Nam", "Tuấn", "Long", "Sơn", "Bình", "Hải", "Cường", "Thắng"),
    "female": ("Hoa", "Lan", "Mai", "Hương", "Thảo", "Linh", "Trang", "Hạnh", "Nga", "Yến"),
}
LOCATIONS = ("Phân xưởng sản xuất số {n}", "Công trường, hạng mục {n}", "Kho bãi khu {n}",
             "Dây chuyền số {n}", "Tuyến đường vận chuyển số {n}", "Cầu cảng số {n}")  # fmt: skip
COMPANY_WORDS = ("Hưng Thịnh", "Phú Cường", "An Phát", "Thành Công", "Việt Hải", "Hồng Phát",
                 "Đại Dương", "Minh Long", "Bạch Đằng", "Tân Cảng", "Đông Á", "Hải Âu")  # fmt: skip
COMPANY_FORM = {"state": "Công ty TNHH MTV", "non_state": "Công ty CP", "foreign": "Công ty TNHH",
                "cooperative": "Hợp tác xã", "household": "Hộ kinh doanh"}  # fmt: skip
TEAM_MEMBERS = (
    {"name": "Thanh tra viên", "organisation": "inspectorate", "role": "head"},
    {"name": "Cán bộ công đoàn", "organisation": "union", "role": "member"},
)
ENTERPRISE_TEAM = (
    {"name": "Giám đốc", "organisation": "employer", "role": "head"},
    {"name": "Chủ tịch công đoàn cơ sở", "organisation": "union", "role": "member"},
)
INSURANCE_DOSSIER = [
    "Sổ bảo hiểm xã hội",
    "Giấy ra viện",
    "Biên bản giám định y khoa",
    "Văn bản đề nghị (Mẫu 05A-HSB)",
    "Biên bản điều tra tai nạn lao động",
]


def _weighted(table: dict[str, Any], weight: Callable[[Any], float]) -> tuple[list, list]:
    keys = list(table)
    return keys, list(itertools.accumulate(weight(table[k]) for k in keys))


# -- rows --------------------------------------------------------------------------------------


def _ts(seconds: float) -> datetime:
    return datetime.fromtimestamp(round(seconds), UTC)


def _iso(seconds: float | None) -> str | None:
    return None if seconds is None else _ts(seconds).isoformat()


@dataclass
class Batch:
    """Rows for each table, in the column order of ``COLUMNS``."""

    rows: dict[str, list[tuple]] = field(default_factory=lambda: defaultdict(list))

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.rows[table].append(tuple(row.get(c) for c in table_columns(table)))


COLUMNS: dict[str, tuple[str, ...]] = {
    "enterprise": ("id", "tax_code", "name", "commune_code", "industry_code", "ownership",
                   "workers", "female_workers", "created_at", "updated_at"),
    "user": ("id", "username", "password_hash", "role", "enterprise_id", "commune_code",
             "email", "full_name", "active", "session_version", "locale", "mute_email",
             "created_at", "updated_at"),
    "case": ("id", "kind", "code", "state", "version", "parent_id", "linked_incident_id",
             "enterprise_id", "commune_code", "severity", "investigation_level",
             "labour_relation", "occurred_at", "declared_at", "declared_by_id", "location",
             "description", "victim_id", "insurance_filed", "industry_code", "ownership",
             "accident_type", "cause_code", "injuring_factor_code", "not_work_accident",
             "property_damage_vnd", "report_key", "data", "last_event_seq", "last_event_hash",
             "created_at", "updated_at"),
    "victim": ("id", "case_id", "full_name", "birth_date", "gender", "national_id",
               "occupation", "occupation_code", "outcome", "died_at", "monthly_wage_vnd",
               "insured_wage_vnd", "si_number", "si_years", "days_off", "medical_costs_vnd",
               "wage_costs_vnd", "compensation_paid_vnd", "injury_description", "created_at",
               "updated_at"),
    "case_event": ("id", "case_id", "seq", "at", "actor", "role", "trigger", "from_state",
                   "to_state", "payload", "ip", "prev_hash", "hash"),
    "case_deadline": ("id", "case_id", "name", "due_at", "started_at", "days", "unit",
                      "paused_at", "extended", "met_at"),
}  # fmt: skip
# Columns written when the schema has them (added by later versions of the models).
OPTIONAL_COLUMNS = {"victim": ("age_at_accident",), "case": ("search_text",)}


@functools.cache
def table_columns(table: str) -> tuple[str, ...]:
    """``COLUMNS[table]`` and those of ``OPTIONAL_COLUMNS[table]`` the models declare."""
    from app.extensions import db

    declared = db.metadata.tables[table].columns
    return COLUMNS[table] + tuple(c for c in OPTIONAL_COLUMNS.get(table, ()) if c in declared)


JSON_COLUMNS = {"case": ("data",), "case_event": ("payload",)}
# Tables in the order they are written (parents before children).
TABLE_ORDER = ("enterprise", "user", "case", "victim", "claim", "case_event", "case_deadline")
TABLES = tuple(t for t in TABLE_ORDER if t != "claim")


@dataclass
class Options:
    cases: int
    seed: int = 11
    enterprises: int | None = None
    append: bool = False
    annual_reports: bool = False
    batch: int = 50_000


class Refused(Exception):
    """The database is not one the generator may write into (one line for the user)."""


# -- the generator -----------------------------------------------------------------------------


class City:
    """Everything generated, one batch at a time; ids and codes continue what is stored."""

    def __init__(self, options: Options, *, now: datetime, province: str, rules, start_ids):
        from app.services.audit import canonical_content, chain_hash
        from app.services.passwords import hash_password
        from workflows import REGISTRY

        self.o = options
        self.rnd = random.Random(options.seed)
        self.now = now.timestamp()
        self.province = province
        self.rules = rules
        self.ids = dict(start_ids)  # table -> last id used
        self.seq: Counter[str] = Counter()  # "HP-2026-A" -> last sequence used
        self.canonical, self.chain_hash = canonical_content, chain_hash
        self.password_hash = hash_password(BENCH_PASSWORD)
        self.columns = {k: d.indexed_columns for k, d in REGISTRY.items() if d.indexed_columns}
        self.counts: Counter[str] = Counter()
        self.days_cache: dict[tuple, int] = {}
        # (enterprise id, year, half) -> accident totals, for the reports' frozen totals.
        self.totals: dict[tuple[int, int, bool], Counter] = defaultdict(Counter)
        self.enterprises: list[dict] = []
        self.enterprise_names: dict[int, str] = {}
        self.communes: list[str] = []
        self.existing_users: set[str] = set()
        self.tax_base = 200_000_000
        self.commune_users: dict[str, tuple[int, str]] = {}
        self.staff: dict[str, tuple[int, str]] = {}

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def next_code(self, letter: str, at: float) -> str:
        year = _ts(at + 7 * 3600).year  # Vietnam time
        key = f"{self.province}-{year}-{letter}"
        self.seq[key] += 1
        return f"{key}{self.seq[key]:06d}"

    # -- parties ------------------------------------------------------------------------------

    def parties(self) -> Batch:
        """The enterprises, their users, and the commune and staff users not there yet."""
        rnd, batch = self.rnd, Batch()
        count = self.o.enterprises or max(50, self.o.cases // 200)
        existing_users, tax_base = self.existing_users, self.tax_base
        industries, ind_cum = _weighted(INDUSTRIES, lambda v: v[0])
        owners, own_cum = _weighted(OWNERSHIP, lambda v: v)
        created = _ts(self.now - YEARS * 365 * DAY - 30 * DAY)
        for n in range(count):
            industry = rnd.choices(industries, cum_weights=ind_cum)[0]
            ownership = rnd.choices(owners, cum_weights=own_cum)[0]
            workers = max(10, min(int(rnd.lognormvariate(4.3, 1.1)), 25_000))
            female = int(workers * min(0.95, max(0.0, rnd.gauss(INDUSTRIES[industry][1], 0.08))))
            eid = self.next_id("enterprise")
            commune = rnd.choice(self.communes)
            tax = f"{tax_base + n:010d}"
            row = {
                "id": eid,
                "tax_code": tax,
                "name": f"{COMPANY_FORM[ownership]} {rnd.choice(COMPANY_WORDS)} {tax[-4:]}",
                "commune_code": commune,
                "industry_code": industry,
                "ownership": ownership,
                "workers": workers,
                "female_workers": female,
                "created_at": created,
                "updated_at": created,
            }
            batch.add("enterprise", row)
            uid = self._user(batch, f"dn_{tax}", "enterprise", created, enterprise_id=eid)
            self.enterprises.append({**row, "user": (uid, f"dn_{tax}")})
            self.enterprise_names[eid] = row["name"]
        for code in self.communes:
            name = f"xa_{code}"
            if name not in existing_users:
                self.commune_users[code] = (
                    self._user(batch, name, "commune", created, commune_code=code),
                    name,
                )
        for name, role in zip(STAFF, ("inspector", "union", "insurance"), strict=True):
            if name not in existing_users:
                self.staff[role] = (self._user(batch, name, role, created), name)
        self.counts["enterprise"] = count
        weights = [e["workers"] * INDUSTRIES[e["industry_code"]][2] for e in self.enterprises]
        self.enterprise_cum = list(itertools.accumulate(weights))
        return batch

    def _user(self, batch: Batch, username: str, role: str, at: datetime, **scope) -> int:
        uid = self.next_id("user")
        batch.add(
            "user",
            {
                "id": uid,
                "username": username,
                "password_hash": self.password_hash,
                "role": role,
                "email": None,
                "full_name": username,
                "active": True,
                "session_version": 1,
                "locale": "vi",
                "mute_email": False,
                "created_at": at,
                "updated_at": at,
                **scope,
            },
        )
        self.counts["user"] += 1
        return uid

    # -- the cases ----------------------------------------------------------------------------

    def declared_times(self) -> list[float]:
        start = self.now - YEARS * 365 * DAY
        return sorted(self.rnd.uniform(start, self.now - 3600) for _ in range(self.o.cases))

    def cases(self, times: list[float]) -> Iterable[Batch]:
        """Yield one batch of rows per ``--batch`` declared cases."""
        rnd = self.rnd
        kinds = ("accident", "disease", "incident")
        kind_cum = (80, 88, 90)
        for begin in range(0, len(times), self.o.batch):
            batch = Batch()
            for declared in times[begin : begin + self.o.batch]:
                kind = kinds[bisect.bisect_right(kind_cum, rnd.random() * 90)]
                getattr(self, kind)(batch, declared)
            yield batch

    def _enterprise(self) -> dict:
        return self.rnd.choices(self.enterprises, cum_weights=self.enterprise_cum)[0]

    def _event(self, batch: Batch, case: dict, actor: tuple, trigger: str, payload: dict) -> None:
        """The case's first event, hash-chained from 64 zeros as ``app.services.audit`` does."""
        at = case["declared_at"]
        # ``payload`` holds only JSON values (str, int, bool, lists, dicts), so it hashes as
        # it will be stored, without the round trip ``append_event`` needs for arbitrary input.
        role = actor[2]
        content = self.canonical(
            actor=actor[1],
            role=role,
            trigger=trigger,
            from_state=None,
            to_state=case["_initial"],
            payload=payload,
            at=at,
        )
        digest = self.chain_hash("0" * 64, content)
        batch.add(
            "case_event",
            {
                "id": self.next_id("case_event"),
                "case_id": case["id"],
                "seq": 1,
                "at": at,
                "actor": actor[1],
                "role": role,
                "trigger": trigger,
                "from_state": None,
                "to_state": case["_initial"],
                "payload": payload,
                "ip": None,
                "prev_hash": "0" * 64,
                "hash": digest,
            },
        )
        case["last_event_seq"], case["last_event_hash"] = 1, digest

    def _case(self, kind: str, letter: str, declared: float, occurred: float | None, **cols):
        at = _ts(declared)
        case = {
            "id": self.next_id("case"),
            "kind": kind,
            "code": self.next_code(letter, declared),
            "version": 1,
            "declared_at": at,
            "occurred_at": _ts(occurred) if occurred is not None else None,
            "location": "",
            "description": "",
            "insurance_filed": False,
            "not_work_accident": False,
            "created_at": at,
            "updated_at": at,
            **cols,
        }
        self.counts[kind] += 1
        return case

    def _write_case(self, batch: Batch, case: dict) -> None:
        if case["kind"] in self.columns:
            for column, derive in self.columns[case["kind"]].items():
                case[column] = derive(case["data"])
        # As the engine writes it (``app.services.search``): a claim's ``_names`` are its own
        # victim's and ``_parent_code`` its accident's code.
        case["search_text"] = case_search_text(
            case["code"],
            parent_code=case.get("_parent_code"),
            enterprise_name=self.enterprise_names.get(case.get("enterprise_id")),
            location=case["location"],
            description=case["description"],
            victim_names=case.get("_names", ()),
        )
        batch.add("case", case)

    def _deadline(self, batch, case_id, name, started, due, days, *, paused=None, unit="calendar"):
        batch.add(
            "case_deadline",
            {
                "id": self.next_id("case_deadline"),
                "case_id": case_id,
                "name": name,
                "due_at": _ts(due),
                "started_at": _ts(started),
                "days": days,
                "unit": unit,
                "paused_at": _ts(paused) if paused else None,
                "extended": False,
                "met_at": None,
            },
        )
        self.counts["open deadlines"] += 1
        if due < self.now:
            self.counts["overdue deadlines"] += 1

    def _person(self, occurred: float, section: str, *, labour_relation: bool, outcome: str):
        rnd = self.rnd
        gender = "female" if rnd.random() < 0.22 else "male"
        age = rnd.randint(18, 60)
        occurred_day = _ts(occurred).date()
        born = occurred_day - timedelta(days=age * 365 + rnd.randint(0, 360))
        wage = rnd.randrange(5_000_000, 20_000_000, 100_000) if labour_relation else None
        insured = labour_relation and rnd.random() < 0.85
        code = rnd.choice(OCCUPATIONS_BY_SECTION.get(section, ("93",)))
        return {
            "full_name": " ".join(
                (rnd.choice(SURNAMES), rnd.choice(MIDDLE[gender]), rnd.choice(GIVEN[gender]))
            ),
            "birth_date": born,
            "age_at_accident": age_on(born, _ts(occurred + 7 * 3600).date()),
            "gender": gender,
            "national_id": f"031{(2 if born.year < 2000 else 3) + (gender == 'female')}"
            f"{born.year % 100:02d}{rnd.randrange(10**6):06d}",
            "occupation": OCCUPATIONS[code],
            "occupation_code": code,
            "outcome": outcome,
            "died_at": _ts(occurred) if outcome == "death" else None,
            "monthly_wage_vnd": wage,
            "insured_wage_vnd": wage,
            "si_number": f"31{rnd.randrange(10**8):08d}" if insured else None,
            "si_years": rnd.randint(1, 25) if insured else None,
            "injury_description": "",
        }

    def _outcome(self, labour_relation: bool) -> str:
        draw = self.rnd.random()
        death = 0.06 if labour_relation else 0.15
        if draw < death:
            return "death"
        return "serious" if draw < death + 0.22 else "light"

    def _investigation_days(self, outcomes: list[str], on: date) -> int:
        from workflows.law import classification

        key = (tuple(sorted(outcomes)), on.year)
        if key not in self.days_cache:
            self.days_cache[key] = classification.investigation_days(
                outcomes, False, self.rules, on
            )
        return self.days_cache[key]

    def accident(self, batch: Batch, declared: float) -> None:
        from workflows.law import classification

        rnd = self.rnd
        labour_relation = rnd.random() >= 0.08
        lag = rnd.choices((0.1, 0.5, 2.0, 15.0), weights=(45, 30, 17, 8))[0]
        occurred = declared - rnd.uniform(0.02, 1.0) * lag * DAY
        if labour_relation:
            enterprise = self._enterprise()
            commune, section = enterprise["commune_code"], enterprise["industry_code"][0]
            declarer = (*enterprise["user"], "enterprise")
        else:
            enterprise = None
            commune = rnd.choice(self.communes)
            section = rnd.choice("AFGHI")
            uid, name = self.commune_users.get(commune, (None, f"xa_{commune}"))
            declarer = (uid, name, "commune")
        victims_n = rnd.choices((1, 2, 3), weights=(86, 11, 3))[0]
        outcomes = [self._outcome(labour_relation) for _ in range(victims_n)]
        level = classification.investigation_level(outcomes, labour_relation)
        commuting = labour_relation and rnd.random() < 0.12
        data: dict[str, Any] = {
            "declared_by_role": declarer[2],
            "accident_type": "commuting" if commuting else "at_work",
            "third_party": commuting and rnd.random() < 0.7,
            "needs_technical_exam": False,
        }
        if rnd.random() < 0.15:
            data["property_damage_vnd"] = rnd.randrange(1, 500) * 1_000_000
        case = self._case(
            "accident", "A", declared, occurred,
            enterprise_id=enterprise["id"] if enterprise else None,
            commune_code=commune,
            severity=classification.severity(outcomes),
            investigation_level=level,
            labour_relation=labour_relation,
            declared_by_id=declarer[0],
            location=rnd.choice(LOCATIONS).format(n=rnd.randint(1, 9)),
            description="Tai nạn lao động (dữ liệu sinh tự động cho đo hiệu năng).",
            industry_code=enterprise["industry_code"] if enterprise else None,
            ownership=enterprise["ownership"] if enterprise else None,
            _initial="declared",
            data=data,
        )  # fmt: skip
        victims = [
            {"id": self.next_id("victim"), "case_id": case["id"],
             **self._person(occurred, section, labour_relation=labour_relation, outcome=o)}
            for o in outcomes
        ]  # fmt: skip
        self._event(batch, case, declarer, "declare", {
            "occurred_at": _iso(occurred), "commune_code": commune, "location": case["location"],
            "labour_relation": labour_relation, "accident_type": data["accident_type"],
            "third_party": data["third_party"],
            "victims": [{"full_name": v["full_name"], "outcome": v["outcome"]} for v in victims],
        })  # fmt: skip
        claims = self._accident_life(case, victims, declared, outcomes, declarer, batch)
        case["_names"] = [v["full_name"] for v in victims]
        self._write_case(batch, case)
        for victim in victims:
            batch.add("victim", {**victim, "created_at": case["declared_at"],
                                 "updated_at": case["declared_at"]})  # fmt: skip
        self.counts["victim"] += len(victims)
        for claim in claims:
            self._write_case(batch, claim)
        if enterprise is not None and case["state"] != "rejected" and not case["not_work_accident"]:
            local = _ts(occurred + 7 * 3600)
            for half in (True, False):
                if half and local.month > 6:
                    continue
                totals = self.totals[(enterprise["id"], local.year, half)]
                totals["accidents"] += 1
                totals["fatal_accidents"] += "death" in outcomes
                totals["accidents_2plus_victims"] += len(outcomes) >= 2
                totals["victims"] += len(outcomes)
                totals["female_victims"] += sum(v["gender"] == "female" for v in victims)
                totals["deaths"] += outcomes.count("death")
                totals["serious"] += outcomes.count("serious")

    def _accident_life(self, case, victims, declared, outcomes, declarer, batch) -> list[dict]:
        """Sample the accident's moves up to now; fill its state and data; return its claims."""
        rnd, now, data = self.rnd, self.now, case["data"]
        level = case["investigation_level"]
        inspector = (*self.staff.get("inspector", (None, "bench_thanhtra")), "inspector")
        state = "declared"
        if rnd.random() < 0.02 and declared + 3 * DAY < now:
            at = declared + rnd.uniform(0.2, 3) * DAY
            data["rejection"] = {"reason": "Khai báo trùng", "duplicate_of": None,
                                 "rejected_at": _iso(at)}  # fmt: skip
            case["state"], case["version"] = "rejected", 2
            return []
        start_day = _ts(declared + 7 * 3600).date()
        if level == "commune_record":
            recorded = declared + rnd.uniform(0.5, 10) * DAY
            if recorded < now:
                state = "recorded"
                data["record"] = {"note": "Đã ghi nhận sự việc.", "recorded_at": _iso(recorded),
                                  "recorded_by": declarer[1]}  # fmt: skip
                if recorded + 30 * DAY < now and rnd.random() < 0.85:
                    state = "closed"
                    data["closed_at"] = _iso(recorded + rnd.uniform(3, 30) * DAY)
            case["state"] = state
            return []
        days = self._investigation_days(outcomes, start_day)
        due = declared + days * DAY
        team_at = declared + rnd.uniform(0.05, 2.0) * DAY
        concluded = declared + days * DAY * rnd.uniform(0.4, 1.35)
        announced = concluded + rnd.uniform(1, 8) * DAY
        team = TEAM_MEMBERS if level == "province" else ENTERPRISE_TEAM
        if team_at >= now:
            case["state"] = "declared"
            self._deadline(batch, case["id"], "investigation", declared, due, days)
            return []
        data.update(team=list(team), investigation_opened_at=_iso(team_at))
        if concluded >= now:
            if rnd.random() < 0.03:
                case["state"] = "suspended"
                paused = min(now - DAY, team_at + DAY)
                data["police_referral"] = {"reason": "Có dấu hiệu tội phạm",
                                           "referred_at": _iso(paused)}  # fmt: skip
                self._deadline(batch, case["id"], "investigation", declared, due, days,
                               paused=paused)  # fmt: skip
            else:
                case["state"] = "investigating"
                self._deadline(batch, case["id"], "investigation", declared, due, days)
            case["version"] = 2
            return []
        work = rnd.random() >= 0.04
        worker_at_fault = work and rnd.random() < 0.08
        cause = rnd.choices(list(CAUSES), weights=[v[1] for v in CAUSES.values()])[0]
        factor = rnd.choices(list(INJURING_FACTORS),
                             weights=[v[1] for v in INJURING_FACTORS.values()])[0]  # fmt: skip
        if data["accident_type"] == "commuting":
            factor = COMMUTING_FACTOR
        head = team[0]["organisation"]
        data["minutes"] = {
            "is_work_accident": work,
            "worker_at_fault": worker_at_fault,
            "causes": [CAUSES[cause][0]],
            "cause_code": cause,
            "injuring_factor_code": factor,
            "responsibilities": "Người sử dụng lao động chưa bảo đảm điều kiện làm việc an toàn.",
            "measures": ["Huấn luyện lại an toàn, vệ sinh lao động"],
            "dissent": [],
            "concluded_at": _iso(concluded),
            "concluded_by": inspector[1] if head == "inspectorate" else declarer[1],
        }
        if announced >= now:
            case["state"], case["version"] = "concluded", 3
            self._deadline(batch, case["id"], "investigation", declared, due, days)
            return []
        attendees = [
            {"name": "Thanh tra viên", "organisation": "inspectorate"},
            {"name": "Đại diện người sử dụng lao động", "organisation": "employer"},
        ]
        if case["severity"] == "fatal":
            attendees += [{"name": "Điều tra viên", "organisation": "police"},
                          {"name": "Kiểm sát viên", "organisation": "procuracy"}]  # fmt: skip
        data["announcement"] = {"announced_at": _iso(announced), "attendees": attendees,
                                "recorded_at": _iso(announced)}  # fmt: skip
        case["state"], case["version"] = "announced", 4
        claims: list[dict] = []
        if work:
            announcer = inspector if head == "inspectorate" else declarer
            claims = self._claims(
                case, victims, announced, worker_at_fault, announcer, batch, source="accident"
            )
            data["claimed_victim_ids"] = [v["id"] for v in victims]
        closes = [c["_closed_at"] for c in claims]
        if all(closes) and rnd.random() < 0.9:
            closed = max([announced, *closes]) + rnd.uniform(1, 20) * DAY
            if closed < now:
                case["state"], case["version"] = "closed", 5
                data["closed_at"] = _iso(closed)
        return claims

    def _claims(self, parent, victims, announced, worker_at_fault, announcer, batch, *, source):
        """One claim per victim, as ``workflows.claim.victim_claims`` opens them, moved along
        by sampled dates (treatment, assessment, payment, insurance) up to now."""
        from workflows.claim import assessment_data, victim_claim_data

        rnd, now = self.rnd, self.now
        claims = []
        for victim in victims:
            base = victim_claim_data(
                {**victim, "died_at": _iso(victim["died_at"].timestamp())
                 if victim["died_at"] else None},
                occurred_at=parent["occurred_at"], worker_at_fault=worker_at_fault,
                source=source, parent_data=parent["data"],
            )  # fmt: skip
            death = base["death"]
            occurred = parent["occurred_at"].timestamp()
            days_off = (
                0
                if death
                else (rnd.randint(3, 30) if victim["outcome"] == "light" else rnd.randint(30, 180))
            )
            treatment_end = occurred + days_off * DAY
            if death:
                assessed, pct, state = announced, None, "assessed"
            else:
                referred = max(treatment_end, announced) + rnd.uniform(1, 15) * DAY
                assessed = referred + rnd.uniform(10, 60) * DAY
                pct = (rnd.randint(1, 15) if victim["outcome"] == "light"
                       else rnd.randint(5, 65))  # fmt: skip
                state = "treatment"
                if referred < now:
                    state = "awaiting_assessment"
                    base["referred_at"] = _iso(referred)
                if assessed < now:
                    state = "assessed" if pct >= 5 else "not_eligible"
            closed_at = None
            if state in ("assessed", "not_eligible") or death:
                extra, _ = assessment_data(
                    base, capacity_loss_pct=pct, death=death, assessed_at=_ts(assessed),
                    rules=self.rules, treatment_ended_on=None if death else _ts(
                        treatment_end + 7 * 3600).date(),
                )  # fmt: skip
                if state == "not_eligible":
                    extra = {
                        k: extra[k]
                        for k in (
                            "capacity_loss_pct",
                            "assessed_at",
                            "treatment_ended_on",
                            "outpatient",
                        )
                    }
                    closed_at = assessed + rnd.uniform(5, 30) * DAY
                else:
                    closed_at = self._claim_tracks(extra, assessed, victim)
                base.update(extra)
                if closed_at is not None and closed_at < now and rnd.random() < 0.95:
                    state = "closed"
                else:
                    closed_at = None
            if state != "treatment" or death:
                victim["days_off"] = days_off
                victim["medical_costs_vnd"] = (
                    rnd.randrange(1, 150) * 1_000_000 // (5 if victim["outcome"] == "light" else 1)
                )
                wage = victim["monthly_wage_vnd"] or 0
                victim["wage_costs_vnd"] = wage * days_off // 26
            claim = self._case(
                "claim", "C", announced, None,
                state=state, parent_id=parent["id"], enterprise_id=parent["enterprise_id"],
                commune_code=parent["commune_code"], labour_relation=parent["labour_relation"],
                occurred_at=parent["occurred_at"], victim_id=victim["id"],
                insurance_filed=bool((base.get("insurance") or {}).get("filed_at")),
                industry_code=parent["industry_code"], ownership=parent["ownership"],
                declared_by_id=None, _initial="assessed" if death else "treatment",
                data=base, _closed_at=closed_at if state == "closed" else None,
                _parent_code=parent["code"], _names=[victim["full_name"]],
            )  # fmt: skip
            self._event(batch, claim, announcer, "create",
                        {"parent": parent["code"], "victim_id": victim["id"]})  # fmt: skip
            self._claim_deadlines(batch, claim, assessed)
            claims.append(claim)
        return claims

    def _claim_tracks(self, extra: dict, assessed: float, victim: dict) -> float | None:
        """Payment, receipt, insurance filing and decision dates up to now; when both tracks
        are done, the moment the claim may close (else None)."""
        rnd, now = self.rnd, self.now
        comp, ins = extra["compensation"], extra["insurance"]
        done = [assessed]
        if comp["owed"]:
            paid = assessed + rnd.uniform(1, 8) * DAY
            confirmed = paid + rnd.uniform(1, 10) * DAY
            if paid < now:
                amount = max(comp.get("minimum_vnd") or 0, 1_000_000)
                comp.update(paid_vnd=amount, paid_at=_iso(paid))
                victim["compensation_paid_vnd"] = amount
                if confirmed < now:
                    comp["confirmed_at"] = _iso(confirmed)
            done.append(confirmed)
        if ins["applicable"]:
            filed = assessed + rnd.uniform(5, 40) * DAY
            decided = filed + rnd.uniform(3, 12) * DAY
            if filed < now:
                ins.update(filed_at=_iso(filed), dossier=INSURANCE_DOSSIER)
                if decided < now:
                    ins.update(
                        decided_at=_iso(decided),
                        approved=True,
                        kind=ins["expected_kind"],
                        decided_vnd=ins["expected_vnd"],
                    )
            done.append(decided)
        closable = max(done) + rnd.uniform(1, 20) * DAY
        return closable if max(done) < now else None

    def _claim_deadlines(self, batch: Batch, claim: dict, assessed: float) -> None:
        if claim["state"] != "assessed":
            return
        comp, ins = claim["data"]["compensation"], claim["data"]["insurance"]
        if comp["owed"] and comp["paid_at"] is None:
            self._deadline(batch, claim["id"], "compensation", assessed,
                           assessed + 5 * DAY, 5)  # fmt: skip
        if ins["applicable"] and ins["filed_at"] is None:
            self._deadline(batch, claim["id"], "insurance_filing", assessed,
                           assessed + 30 * DAY, 30)  # fmt: skip
        elif ins["applicable"] and ins["decided_at"] is None:
            filed = datetime.fromisoformat(ins["filed_at"]).timestamp()
            self._deadline(batch, claim["id"], "insurance_decision", filed,
                           filed + 10 * DAY, 10)  # fmt: skip

    def disease(self, batch: Batch, declared: float) -> None:
        rnd, now = self.rnd, self.now
        enterprise = self._enterprise()
        code, name, exposure = rnd.choice(DISEASES)
        diagnosed = declared - rnd.uniform(2, 40) * DAY
        occurred = datetime.combine(_ts(diagnosed + 7 * 3600).date(), time(),
                                    tzinfo=VN_TZ).timestamp()  # fmt: skip
        data = {"declared_by_role": "enterprise", "disease": name,
                "diagnosed_on": _ts(diagnosed + 7 * 3600).date().isoformat(),
                "exposure": exposure, "facility": "Trung tâm Kiểm soát bệnh tật Hải Phòng",
                "disease_code": code}  # fmt: skip
        case = self._case(
            "disease", "D", declared, occurred, enterprise_id=enterprise["id"],
            commune_code=enterprise["commune_code"], labour_relation=True,
            declared_by_id=enterprise["user"][0], industry_code=enterprise["industry_code"],
            ownership=enterprise["ownership"], _initial="declared", data=data, state="declared",
        )  # fmt: skip
        victim = {"id": self.next_id("victim"), "case_id": case["id"],
                  **self._person(occurred, enterprise["industry_code"][0], labour_relation=True,
                                 outcome="serious")}  # fmt: skip
        self._event(
            batch,
            case,
            (*enterprise["user"], "enterprise"),
            "declare",
            {
                **{
                    k: data[k]
                    for k in ("disease", "diagnosed_on", "exposure", "facility", "disease_code")
                },
                "commune_code": case["commune_code"],
                "victims": [{"full_name": victim["full_name"], "outcome": "serious"}],
            },
        )
        decided = declared + rnd.uniform(3, 30) * DAY
        claims: list[dict] = []
        if decided < now:
            if rnd.random() < 0.1:
                case["state"] = "rejected"
                data["rejection"] = {"reason": "Không đủ điều kiện", "rejected_at": _iso(decided)}
            else:
                case["state"] = "confirmed"
                data["confirmation"] = {"note": "Đúng danh mục.", "confirmed_at": _iso(decided)}
                inspector = (*self.staff.get("inspector", (None, "bench_thanhtra")), "inspector")
                claims = self._claims(
                    case, [victim], decided, False, inspector, batch, source="disease"
                )
                data["claimed_victim_ids"] = [victim["id"]]
                if all(c["_closed_at"] for c in claims):
                    closed = max(c["_closed_at"] for c in claims) + rnd.uniform(1, 20) * DAY
                    if closed < now:
                        case["state"] = "closed"
        case["_names"] = [victim["full_name"]]
        self._write_case(batch, case)
        batch.add("victim", {**victim, "created_at": case["declared_at"],
                             "updated_at": case["declared_at"]})  # fmt: skip
        self.counts["victim"] += 1
        for claim in claims:
            self._write_case(batch, claim)

    def incident(self, batch: Batch, declared: float) -> None:
        rnd, now = self.rnd, self.now
        enterprise = self._enterprise()
        occurred = declared - rnd.uniform(0.05, 1.0) * DAY
        data = {
            "declared_by_role": "enterprise",
            "equipment": "Cần trục tháp",
            "failure": "Gãy cần, sập kết cấu",
            "damage": "Hư hỏng thiết bị",
            "casualties": 0,
        }
        case = self._case(
            "incident", "I", declared, occurred, enterprise_id=enterprise["id"],
            commune_code=enterprise["commune_code"], labour_relation=None,
            declared_by_id=enterprise["user"][0], location="Công trường",
            description="Sự cố kỹ thuật gây mất an toàn lao động nghiêm trọng.",
            industry_code=enterprise["industry_code"], ownership=enterprise["ownership"],
            _initial="declared", data=data,
        )  # fmt: skip
        self._event(batch, case, (*enterprise["user"], "enterprise"), "declare",
                    {"occurred_at": _iso(occurred), "commune_code": case["commune_code"],
                     "location": case["location"], **data})  # fmt: skip
        steps = [declared + d * DAY for d in (rnd.uniform(0.2, 3), rnd.uniform(10, 40))]
        steps += [steps[-1] + rnd.uniform(2, 10) * DAY, steps[-1] + rnd.uniform(20, 60) * DAY]
        states = ("investigating", "concluded", "announced", "closed")
        case["state"] = "declared"
        for at, state in zip(steps, states, strict=True):
            if at >= now:
                break
            case["state"] = state
            if state == "investigating":
                data.update(team=list(TEAM_MEMBERS), investigation_opened_at=_iso(at))
            elif state == "concluded":
                data["minutes"] = {
                    "causes": [CAUSES["NSD02"][0]],
                    "responsibilities": "",
                    "measures": ["Kiểm định thiết bị"],
                    "dissent": [],
                    "concluded_at": _iso(at),
                    "concluded_by": "bench_thanhtra",
                }
            elif state == "announced":
                data["announcement"] = {
                    "announced_at": _iso(at),
                    "recorded_at": _iso(at),
                    "attendees": [{"name": "Thanh tra viên", "organisation": "inspectorate"}],
                }
        self._write_case(batch, case)

    # -- periodic reports ---------------------------------------------------------------------

    def reports(self) -> Batch:
        """Each enterprise's report for every complete period of the generated years."""
        from workflows.law.reporting import ENTERPRISE_ACCIDENTS, Period, report_due_on

        rnd, batch = self.rnd, Batch()
        today = _ts(self.now + 7 * 3600).date()
        first_year = _ts(self.now - YEARS * 365 * DAY).year
        periods = [Period(y, h) for y in range(first_year, today.year + 1) for h in (True, False)]
        periods = [p for p in periods if p.last < today]
        inspector = (*self.staff.get("inspector", (None, "bench_thanhtra")), "inspector")
        for enterprise in self.enterprises:
            growth = rnd.uniform(0.0, 0.06)
            exposed_share = 0.35 if enterprise["industry_code"][0] in "ABCF" else 0.06
            for period in periods:
                opened = datetime.combine(period.last + timedelta(days=1), time(7),
                                          tzinfo=VN_TZ)  # fmt: skip
                due_on = report_due_on(ENTERPRISE_ACCIDENTS, period, self.rules)
                # As app.services.reports opens them: form, the enterprise's tax code, period.
                key = f"{ENTERPRISE_ACCIDENTS}:{enterprise['tax_code']}:{period.text}"
                years = period.year - first_year
                data = {"period": period.text, "form": ENTERPRISE_ACCIDENTS,
                        "due_on": due_on.isoformat(), "enterprise_name": enterprise["name"],
                        "tax_code": enterprise["tax_code"]}  # fmt: skip
                case = self._case(
                    "report", "R", opened.timestamp(), None, enterprise_id=enterprise["id"],
                    commune_code=enterprise["commune_code"], declared_by_id=inspector[0],
                    industry_code=enterprise["industry_code"], ownership=enterprise["ownership"],
                    report_key=key, _initial="open", data=data, state="open",
                )  # fmt: skip
                self._event(
                    batch,
                    case,
                    inspector,
                    "declare",
                    {"period": period.text, "form": ENTERPRISE_ACCIDENTS},
                )
                due_at = datetime.combine(due_on, time(23, 59, 59), tzinfo=VN_TZ).timestamp()
                late = (self.now - due_at) / DAY
                draw = rnd.random()
                if late > 30:
                    state = (
                        "accepted"
                        if draw < 0.82
                        else "submitted"
                        if draw < 0.88
                        else ("returned" if draw < 0.91 else "open")
                    )
                else:
                    state = "open" if draw < 0.45 else "submitted" if draw < 0.85 else "accepted"
                if state == "open":
                    self._deadline(batch, case["id"], "report_due", opened.timestamp(), due_at,
                                   max((due_on - opened.date()).days, 0))  # fmt: skip
                if state != "open":
                    self._submit(
                        case,
                        enterprise,
                        period,
                        years,
                        growth,
                        exposed_share,
                        min(due_at, self.now) - rnd.uniform(1, 20) * DAY,
                        state,
                    )
                case["state"] = state
                self._write_case(batch, case)
        return batch

    def _submit(self, case, enterprise, period, years, growth, exposed_share, at, state):
        rnd = self.rnd
        at = max(at, case["declared_at"].timestamp() + 3600)
        workers = int(enterprise["workers"] * (1 + growth) ** years)
        female = min(workers, int(enterprise["female_workers"] * (1 + growth) ** years))
        figures: dict[str, Any] = {
            "workers": workers,
            "female_workers": female,
            "wage_fund_vnd": workers * rnd.randrange(7, 11) * 1_000_000 * (6 if period.half
                                                                          else 12),
        }  # fmt: skip
        if not period.half:
            exposed = int(workers * exposed_share)
            samples = rnd.randint(10, 60)
            figures.update(
                exposed_workers=exposed,
                od_examined_workers=int(exposed * min(0.95, 0.5 + 0.06 * years)),
                environment_monitored=rnd.random() < min(0.95, 0.6 + 0.08 * years),
                monitoring_samples=samples,
                samples_over_limit=rnd.randint(0, samples // 6),
            )
        key = (enterprise["id"], period.year, period.half)
        totals = dict(self.totals.get(key, {}))
        submitted = {"figures": figures, "totals": totals, "submitted_at": _iso(at),
                     "submitted_by": enterprise["user"][1]}  # fmt: skip
        case["data"].update(
            figures=figures, submitted=submitted, returned=None,
            submissions=[{"submitted_at": _iso(at), "by": enterprise["user"][1]}],
        )  # fmt: skip
        case["version"] = 2
        if state == "accepted":
            case["data"].update(accepted_at=_iso(at + 5 * DAY), accepted_by="bench_thanhtra")
            case["version"] = 3
        elif state == "returned":
            case["data"]["returned"] = {"reason": "Số liệu lao động chưa khớp",
                                        "returned_at": _iso(at + 3 * DAY),
                                        "by": "bench_thanhtra"}  # fmt: skip
            case["version"] = 3


# -- writing -----------------------------------------------------------------------------------


class Writer:
    """Writes a batch's rows: PostgreSQL COPY, or SQLAlchemy ``executemany`` on SQLite."""

    def __init__(self, connection):
        self.connection = connection  # a SQLAlchemy Connection, in the caller's transaction
        self.postgres = connection.dialect.name == "postgresql"

    def write(self, batch: Batch) -> None:
        # A claim names its victim (case.victim_id) and a victim its case: the cases without
        # a victim first, then the victims, then the claims.
        cases = batch.rows.pop("case", [])
        at = COLUMNS["case"].index("victim_id")
        batch.rows["case"] = [r for r in cases if r[at] is None]
        batch.rows["claim"] = [r for r in cases if r[at] is not None]
        for table in TABLE_ORDER:
            rows = batch.rows.get(table)
            if rows:
                name = "case" if table == "claim" else table
                (self._copy if self.postgres else self._insert)(name, rows)

    def _copy(self, table: str, rows: list[tuple]) -> None:
        columns = table_columns(table)
        json_at = [columns.index(c) for c in JSON_COLUMNS.get(table, ())]
        raw = self.connection.connection.driver_connection
        names = ", ".join(f'"{c}"' for c in columns)
        dumps = json.dumps
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                if json_at:
                    row = list(row)
                    for i in json_at:
                        row[i] = dumps(row[i], ensure_ascii=False)
                copy.write_row(row)

    def _insert(self, table: str, rows: list[tuple]) -> None:
        from app.extensions import db

        columns = table_columns(table)
        self.connection.execute(
            db.metadata.tables[table].insert(), [dict(zip(columns, r, strict=True)) for r in rows]
        )


def _postgres_ddl(connection, tables: Iterable[str]) -> tuple[list[str], list[str]]:
    """The statements that drop, and re-create, the secondary indexes, unique constraints and
    foreign keys of ``tables`` (read from the catalogue, so they match the migrations)."""
    from sqlalchemy import text

    names = list(tables)
    drops, creates = [], []
    constraints = connection.execute(
        text(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype IN ('f', 'u') "
            "AND conrelid::regclass::text = ANY(:names) ORDER BY contype DESC"
        ),
        {"names": [f'"{n}"' for n in names] + names},
    ).all()
    for table, name, definition in constraints:
        drops.append(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        creates.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    indexes = connection.execute(
        text(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid "
            "WHERE i.indrelid::regclass::text = ANY(:names) AND NOT i.indisprimary "
            "AND c.oid IS NULL"
        ),
        {"names": [f'"{n}"' for n in names] + names},
    ).all()
    for name, definition in indexes:
        drops.append(f"DROP INDEX {name}")
        creates.append(definition)
    # Unique constraints (and their indexes) before the foreign keys that may rely on them.
    creates.sort(key=lambda s: "FOREIGN KEY" in s)
    return drops, creates


# -- the command -------------------------------------------------------------------------------


def _start_ids(connection) -> dict[str, int]:
    from sqlalchemy import text

    return {
        t: connection.execute(text(f'SELECT COALESCE(MAX(id), 0) FROM "{t}"')).scalar_one()
        for t in TABLES
    }


def generate(options: Options, *, say: Callable[[str], None] = print) -> dict[str, int]:
    """Generate the city into the current app's database; return the row counts written.

    Must run inside an app context. Creates the schema (migrations) if missing; writes
    everything in one transaction.

    :raises Refused: SQLite with more than ``SQLITE_LIMIT`` cases, or a database that already
        holds cases without ``options.append``.
    """
    from sqlalchemy import text

    from app.extensions import db

    started = perf_counter()
    dialect = db.engine.dialect.name
    _check(options, dialect, say)
    connection = db.session.connection()
    city = _city(options, connection)
    writer = Writer(connection)
    rebuild = (
        dialect == "postgresql" and not options.append and options.cases >= REBUILD_INDEXES_FROM
    )
    creates: list[str] = []
    if rebuild:
        drops, creates = _postgres_ddl(connection, TABLES)
        for statement in drops:
            connection.execute(text(statement))
        say(f"Dropped {len(drops)} indexes and constraints; rebuilt after the load.")
    writer.write(city.parties())
    done = 0
    # One batch is written (the server parses and stores it) while the next is generated.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = None
        for batch in city.cases(city.declared_times()):
            if pending is not None:
                pending.result()
            pending = pool.submit(writer.write, batch)
            done += min(options.batch, options.cases - done)
            say(f"  {done:>10,} / {options.cases:,} cases  ({perf_counter() - started:,.1f} s)")
        if pending is not None:
            pending.result()
    if options.annual_reports:
        writer.write(city.reports())
        say(f"  {city.counts['report']:,} periodic reports  ({perf_counter() - started:,.1f} s)")
    _set_counters(connection, city.seq, dialect)
    if rebuild:
        say(f"Rebuilding indexes and constraints…  ({perf_counter() - started:,.1f} s)")
        for statement in creates:
            connection.execute(text(statement))
    if dialect == "postgresql":
        for table in TABLES:
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f'(SELECT COALESCE(MAX(id), 1) FROM "{table}"))'
                )
            )
    db.session.commit()
    if dialect == "postgresql":
        say(f"ANALYZE…  ({perf_counter() - started:,.1f} s)")
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as auto:
            auto.execute(text("ANALYZE"))
    city.counts["elapsed_s"] = round(perf_counter() - started)
    return dict(city.counts)


def _check(options: Options, dialect: str, say: Callable[[str], None]) -> None:
    """Refuse what the generator may not do; create the schema and the communes if missing."""
    from flask_migrate import upgrade
    from sqlalchemy import func, inspect, select

    from app.extensions import db
    from app.models import Case, Commune
    from app.services.parties import DEMO_COMMUNES, import_communes_file

    if dialect == "sqlite" and options.cases > SQLITE_LIMIT:
        raise Refused(
            f"SQLite holds at most {SQLITE_LIMIT:,} generated cases; set DATABASE_URL to a "
            "PostgreSQL database for more."
        )
    if options.cases < 1 or options.batch < 1:
        raise Refused("--cases and --batch must be at least 1.")
    db.session.rollback()  # nothing of the caller's is pending; no lock held while inspecting
    if "case" not in inspect(db.engine).get_table_names():
        say("Creating the schema (flask db upgrade)…")
        upgrade()
    if db.session.scalar(select(func.count()).select_from(Case)) and not options.append:
        db.session.rollback()
        raise Refused("The database already holds cases; use --append to add to them.")
    if not db.session.scalar(select(func.count()).select_from(Commune)):
        import_communes_file(DEMO_COMMUNES)


def _city(options: Options, connection) -> City:
    """A generator continuing what is stored: ids, code counters, communes and their users."""
    from flask import current_app
    from sqlalchemy import func, select

    from app.clock import now
    from app.extensions import db
    from app.models import CaseCounter, Commune, Enterprise, User
    from app.services.rulebook import load_rulebook

    city = City(
        options,
        now=now(),
        province=current_app.config["SAFECASE_PROVINCE"],
        rules=load_rulebook(),
        start_ids=_start_ids(connection),
    )
    city.seq.update(dict(db.session.execute(select(CaseCounter.key, CaseCounter.value)).all()))
    city.communes = list(db.session.scalars(select(Commune.code).order_by(Commune.code)))
    city.existing_users = set(db.session.scalars(select(User.username)))
    city.tax_base = 200_000_000 + db.session.scalar(select(func.count(Enterprise.id)))
    # Communes already having a user keep it; the commune accidents are declared by it.
    for user_id, username, code in db.session.execute(
        select(User.id, User.username, User.commune_code).where(User.role == "commune")
    ):
        city.commune_users.setdefault(code, (user_id, username))
    for user_id, username, role in db.session.execute(
        select(User.id, User.username, User.role).where(User.username.in_(STAFF))
    ):
        city.staff[role] = (user_id, username)
    return city


def _set_counters(connection, seq: Counter, dialect: str) -> None:
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    from app.models import CaseCounter

    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    for key, value in seq.items():
        statement = insert(CaseCounter).values(key=key, value=value)
        connection.execute(
            statement.on_conflict_do_update(index_elements=["key"], set_={"value": value})
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.seed", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    parser.add_argument("--cases", type=int, help="declared cases to generate")
    parser.add_argument(
        "--tasks-only",
        action="store_true",
        help="only add the open tasks of an already seeded database (bench/seed_tasks.py)",
    )
    parser.add_argument("--seed", type=int, default=11, help="random seed (default 11)")
    parser.add_argument(
        "--enterprises", type=int, default=None, help="enterprises (default N/200, at least 50)"
    )
    parser.add_argument("--append", action="store_true", help="add to a database holding cases")
    parser.add_argument(
        "--annual-reports", action="store_true", help="each enterprise's periodic reports too"
    )
    parser.add_argument("--batch", type=int, default=50_000, help="cases per COPY batch")
    args = parser.parse_args(argv)
    if args.cases is None and not args.tasks_only:
        parser.error("--cases is required (or --tasks-only)")
    from app import create_app
    from bench.seed_tasks import add_open_tasks

    if args.tasks_only:
        with create_app().app_context():
            print(f"Done: {add_open_tasks():,} open tasks added.")
        return 0
    options = Options(
        cases=args.cases,
        seed=args.seed,
        enterprises=args.enterprises,
        append=args.append,
        annual_reports=args.annual_reports,
        batch=args.batch,
    )
    app = create_app()
    with app.app_context():
        try:
            counts = generate(options)
        except Refused as refusal:
            print(f"python -m bench.seed: {refusal}", file=sys.stderr)
            return 2
        counts["open tasks"] = add_open_tasks()
    elapsed = counts.pop("elapsed_s")
    summary = ", ".join(f"{v:,} {k}" for k, v in sorted(counts.items()))
    print(f"Done in {elapsed // 60} min {elapsed % 60} s: {summary}.")
    print(f"Users (password {BENCH_PASSWORD}): dn_<tax code>, xa_<commune>, bench_thanhtra.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
