"""Accident statistics: the counts the statutory reports and the city's summaries ask for.

One definition of what counts (law.md §9; contract.md "Statistics and reports"): an accident
case counts from its occurrence day in Vietnam time, unless it was rejected, is a quick notice
not completed yet (``workflows.law.reporting.UNCOUNTED_STATES``) or its minutes concluded it is
not a work accident; a victim who died later counts as a death (the victim's
``outcome`` is updated by ``record_death``). Everything is computed in SQL over the coded
columns (``Case.industry_code``, ``cause_code``…, ``Victim.occupation_code``, ``age_at_accident``)
in two statements whatever the period: one per accident rolled up by the accident's own
dimensions, one per victim by the victim's (occupation, gender, age band).

Shapes (``Figures``): ``accidents, fatal_accidents, accidents_2plus_victims, victims,
female_victims, deaths, serious, days_off`` (days), ``costs_vnd`` ``{medical, wages,
compensation, total}`` and ``property_damage_vnd`` (whole VND).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    String,
    case,
    cast,
    false,
    func,
    literal,
    null,
    or_,
    select,
    text,
    union_all,
)

from app.extensions import db
from app.models import Case, Commune, Enterprise, Victim
from app.services import codes
from app.services.privacy import sees_medical
from app.services.visibility import case_filter, enterprise_filter
from workflows.declaration import GENDER_LABELS
from workflows.law.calendar import local_day_bounds
from workflows.law.reporting import (
    AGE_BANDS,
    COMMUNE_ACCIDENTS,
    UNCOUNTED_STATES,
    UNKNOWN,
    Period,
    parse_period,
    per_thousand,
)

# The counts every block and report carries, in the order the forms list them.
COUNTS = (
    "accidents",
    "fatal_accidents",
    "accidents_2plus_victims",
    "victims",
    "female_victims",
    "deaths",
    "serious",
    "days_off",
)
COSTS = ("medical", "wages", "compensation")
# Breakdowns by the accident's own coded facts, and by the victim's.
CASE_DIMENSIONS = {
    "industry": Case.industry_code,
    "commune": Case.commune_code,
    "enterprise_type": Case.ownership,
    "cause": Case.cause_code,
    "injuring_factor": Case.injuring_factor_code,
}
VICTIM_DIMENSIONS = ("occupation", "gender", "age_band")
BREAKDOWNS = ("industry", "commune", "enterprise_type", "occupation", "cause",
              "injuring_factor", "gender", "age_band")  # fmt: skip
# Which code list labels each breakdown's keys (the rest are labelled below).
CODE_LISTS = {
    "industry": "industry",
    "enterprise_type": "ownership",
    "occupation": "occupation",
    "cause": "cause",
    "injuring_factor": "injuring_factor",
}
AGE_BAND_LABELS = {
    "under_18": ("Dưới 18 tuổi", "Under 18"),
    "18_29": ("Từ 18 đến 29 tuổi", "18 to 29"),
    "30_39": ("Từ 30 đến 39 tuổi", "30 to 39"),
    "40_49": ("Từ 40 đến 49 tuổi", "40 to 49"),
    "50_59": ("Từ 50 đến 59 tuổi", "50 to 59"),
    "60_plus": ("Từ 60 tuổi", "60 and over"),
    UNKNOWN: ("Không rõ", "Unknown"),
}
NOT_CODED = ("Chưa mã hoá", "Not coded")
# What the pages and the exports call each count and breakdown, (Vietnamese, English).
COUNT_LABELS = {
    "accidents": ("Số vụ tai nạn", "Accidents"),
    "fatal_accidents": ("Số vụ có người chết", "Fatal accidents"),
    "accidents_2plus_victims": ("Số vụ có từ 2 người bị nạn trở lên", "Accidents with 2+ victims"),
    "victims": ("Số người bị nạn", "Victims"),
    "female_victims": ("Số lao động nữ bị nạn", "Female victims"),
    "deaths": ("Số người chết", "Deaths"),
    "serious": ("Số người bị thương nặng", "Seriously injured"),
    "days_off": ("Tổng số ngày nghỉ vì tai nạn", "Days off work"),
}
COST_LABELS = {
    "medical": ("Chi phí y tế (đồng)", "Medical costs (VND)"),
    "wages": ("Trả lương trong thời gian điều trị (đồng)", "Wages during treatment (VND)"),
    "compensation": ("Bồi thường, trợ cấp (đồng)", "Compensation paid (VND)"),
    "total": ("Tổng chi phí (đồng)", "Total costs (VND)"),
}
PROPERTY_DAMAGE_LABEL = ("Thiệt hại tài sản (đồng)", "Property damage (VND)")
RATE_LABELS = {
    "workers": ("Số lao động", "Workers"),
    "k": ("Tần suất tai nạn K (‰)", "Frequency rate K (per 1,000)"),
    "k_fatal": ("Tần suất tai nạn chết người K chết (‰)", "Fatal frequency rate (per 1,000)"),
}
BREAKDOWN_LABELS = {
    "industry": ("Ngành kinh tế", "Industry"),
    "commune": ("Xã, phường", "Commune"),
    "enterprise_type": ("Loại hình doanh nghiệp", "Type of ownership"),
    "occupation": ("Nghề nghiệp", "Occupation"),
    "cause": ("Nguyên nhân", "Cause"),
    "injuring_factor": ("Yếu tố gây chấn thương", "Injuring factor"),
    "gender": ("Giới tính", "Gender"),
    "age_band": ("Nhóm tuổi", "Age band"),
}


@dataclass(frozen=True)
class Query:
    """What to count: accidents that occurred from ``first`` to ``last`` (Vietnam-local days,
    both inclusive), optionally of one enterprise, commune, industry (a VSIC section letter
    such as ``C`` or a division such as ``C25``) or labour relation."""

    first: date
    last: date
    enterprise_id: int | None = None
    commune_code: str | None = None
    industry: str | None = None
    labour_relation: bool | None = None

    @property
    def start(self) -> datetime:
        """The first instant counted (aware): local midnight opening ``first``."""
        return local_day_bounds(self.first, self.last)[0]

    @property
    def end(self) -> datetime:
        """The first instant not counted: local midnight after ``last``."""
        return local_day_bounds(self.first, self.last)[1]


@dataclass
class _Block:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    costs: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COSTS, 0))
    property_damage_vnd: int = 0

    def add(self, row: Mapping[str, Any]) -> None:
        for name in COUNTS:
            self.counts[name] += int(row[name] or 0)
        for name in COSTS:
            self.costs[name] += int(row[f"cost_{name}"] or 0)
        self.property_damage_vnd += int(row["property_damage_vnd"] or 0)

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.counts,
            "costs_vnd": {**self.costs, "total": sum(self.costs.values())},
            "property_damage_vnd": self.property_damage_vnd,
        }


# -- which accidents count ---------------------------------------------------------------------


def counted_accidents(query: Query) -> list[ColumnElement[bool]]:
    """The WHERE terms selecting the accidents ``query`` counts (no role scope): occurred in
    the period (Vietnam time), not rejected nor a quick notice awaiting its declaration
    (``UNCOUNTED_STATES``), not concluded a non-work accident, and the filters."""
    terms: list[ColumnElement[bool]] = [
        Case.kind == "accident",
        Case.occurred_at >= query.start,
        Case.occurred_at < query.end,
        Case.state.not_in(UNCOUNTED_STATES),
        Case.not_work_accident.is_(False),
    ]
    if query.enterprise_id is not None:
        terms.append(Case.enterprise_id == query.enterprise_id)
    if query.commune_code is not None:
        terms.append(Case.commune_code == query.commune_code)
    if query.industry:
        terms.append(_industry_term(Case.industry_code, query.industry))
    if query.labour_relation is not None:
        terms.append(_labour_relation_term(query.labour_relation))
    return terms


def _industry_term(column, industry: str) -> ColumnElement[bool]:
    # A section (one letter) holds every division starting with it.
    return column.like(f"{industry}%") if len(industry) == 1 else column == industry


def _labour_relation_term(value: bool) -> ColumnElement[bool]:
    # A case declared before the field existed has NULL: it was an employer's, so "with".
    if value:
        return or_(Case.labour_relation.is_(True), Case.labour_relation.is_(None))
    return Case.labour_relation.is_(False)


def _with_relation(value: Any) -> bool:
    return value is not False


# -- the one statement -------------------------------------------------------------------------
#
# One join of the counted accidents with their victims, grouped per accident and per the
# victim's occupation, gender and age band (``per_case_victims``: about one row per victim);
# from it, per accident (``per_case``); from those two, every rollup, glued by UNION ALL so the
# database joins the rows once. A victim dimension counts the accidents with a victim in each
# value as the distinct accidents of its rows.

SUMS = ("victims", "deaths", "female_victims", "serious", "days_off", "cost_medical",
        "cost_wages", "cost_compensation")  # fmt: skip
ROLLUP_COLUMNS = ("accidents", "fatal_accidents", "accidents_2plus_victims", *SUMS,
                  "property_damage_vnd")  # fmt: skip


def _one(condition) -> Any:
    return func.sum(case((condition, 1), else_=0))


def _age_band_case():
    age = Victim.age_at_accident
    bands = [
        ((age >= low) & (age <= high) if high is not None else age >= low, key)
        for key, low, high in AGE_BANDS
    ]
    return case(*bands, else_=literal(UNKNOWN))


def _victim_terms() -> dict[str, Any]:
    return {
        "victims": func.count(Victim.id),
        "deaths": _one(Victim.outcome == "death"),
        "female_victims": _one(Victim.gender == "female"),
        "serious": _one(Victim.outcome == "serious"),
        "days_off": func.coalesce(func.sum(Victim.days_off), 0),
        "cost_medical": func.coalesce(func.sum(Victim.medical_costs_vnd), 0),
        "cost_wages": func.coalesce(func.sum(Victim.wage_costs_vnd), 0),
        "cost_compensation": func.coalesce(func.sum(Victim.compensation_paid_vnd), 0),
    }


# PostgreSQL settings for this one read (``SET LOCAL``: until the transaction ends). Its JIT
# compiler spends seconds compiling the rollup's sixty-odd aggregates for a query that runs in
# about one second without it, and sorting a city-year's accidents needs more than the default
# 4 MB of memory not to spill to disk.
ANALYTIC_SETTINGS = {"jit": "off", "work_mem": "64MB"}


def local_month(column) -> Any:
    """SQL for the "YYYY-MM" of an aware UTC timestamp column in Vietnam time (UTC+7 all year;
    law.md §13)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Ho_Chi_Minh", column), "YYYY-MM")
    return func.strftime("%Y-%m", column, "+7 hours")


def analytic_session() -> None:
    """Apply :data:`ANALYTIC_SETTINGS` to the current transaction (PostgreSQL only)."""
    if db.session.get_bind().dialect.name == "postgresql":
        for name, value in ANALYTIC_SETTINGS.items():
            db.session.execute(text(f"SET LOCAL {name} = '{value}'"))


def _rollups(where: Iterable[ColumnElement[bool]]) -> list[Mapping[str, Any]]:
    """Rows ``{"dimension", "key", "labour_relation", "accident_type", *ROLLUP_COLUMNS}``:
    ``dimension`` "total" grouped by labour relation and accident type, then one row per value
    of each accident dimension and of each victim dimension."""
    dims = {"labour_relation": Case.labour_relation, "accident_type": Case.accident_type,
            **CASE_DIMENSIONS}  # fmt: skip
    victim_keys = {"occupation": Victim.occupation_code, "gender": Victim.gender,
                   "age_band": _age_band_case()}  # fmt: skip
    victim_terms = _victim_terms()
    pcv = (
        select(
            Case.id.label("case_id"),
            *(column.label(name) for name, column in dims.items()),
            func.coalesce(Case.property_damage_vnd, 0).label("property_damage_vnd"),
            *(key.label(name) for name, key in victim_keys.items()),
            *(term.label(name) for name, term in victim_terms.items()),
        )
        .select_from(Case)
        .outerjoin(Victim, Victim.case_id == Case.id)
        .where(*where)
        .group_by(Case.id, *dims.values(), Case.property_damage_vnd, *victim_keys.values())
        .cte("per_case_victims")
    )
    v = pcv.c
    pc = (
        select(
            v.case_id,
            *(v[name] for name in dims),
            func.max(v.property_damage_vnd).label("property_damage_vnd"),
            *(func.sum(v[name]).label(name) for name in victim_terms),
        )
        .group_by(v.case_id, *(v[name] for name in dims))
        .cte("per_case")
    )
    c = pc.c
    accident_sums = {
        "accidents": func.count(),
        "fatal_accidents": _one(c.deaths > 0),
        "accidents_2plus_victims": _one(c.victims >= 2),
        **{name: func.sum(c[name]) for name in SUMS},
        "property_damage_vnd": func.sum(c.property_damage_vnd),
    }
    zero, none = literal(0), null()

    def part(dimension, key, relation, kind, sums, source, group_by):
        return (
            select(
                literal(dimension).label("dimension"),
                cast(key, String).label("key"),
                cast(relation, Boolean).label("labour_relation"),
                cast(kind, String).label("accident_type"),
                *(sums.get(name, zero).label(name) for name in ROLLUP_COLUMNS),
            )
            .select_from(source)
            .group_by(*group_by)
        )

    parts = [
        part("total", none, c.labour_relation, c.accident_type, accident_sums, pc,
             (c.labour_relation, c.accident_type)),
        *(
            part(name, c[name], none, none, accident_sums, pc, (c[name],))
            for name in CASE_DIMENSIONS
        ),
        *(
            part(name, v[name], none, none,
                 {"accidents": func.count(func.distinct(v.case_id)),
                  "victims": func.sum(v.victims), "deaths": func.sum(v.deaths)},
                 pcv, (v[name],))
            for name in victim_keys
        ),
    ]  # fmt: skip
    analytic_session()
    return list(db.session.execute(union_all(*parts)).mappings())


# -- the answer --------------------------------------------------------------------------------


def accident_figures(user, query: Query, *, lang: str = "vi") -> dict[str, Any]:
    """``GET /statistics/accidents``: the figures for the accidents ``user`` may see.

    Shape: ``{"from", "to", **Figures, "workers", "k", "k_fatal", "with_labour_relation":
    Figures, "without_labour_relation": Figures, "by": {dimension: [{"key", "label",
    "accidents", "victims", "deaths"}]}}``. No victim is named: only counts leave here.
    """
    return figures_for(
        query, scope=case_filter(user), enterprise_scope=enterprise_filter(user), lang=lang
    )


def figures_for(
    query: Query,
    *,
    scope: ColumnElement[bool] | None = None,
    enterprise_scope: ColumnElement[bool] | None = None,
    lang: str = "vi",
) -> dict[str, Any]:
    """The figures of :func:`accident_figures` within ``scope`` (a WHERE clause on cases) and
    ``enterprise_scope`` (on enterprises, for the workforce); None: the whole city, for
    reports and jobs."""
    where = counted_accidents(query) + ([scope] if scope is not None else [])
    blocks = _blocks(_rollups(where))
    total, with_rel, without = blocks["total"], blocks["with"], blocks["without"]
    by = blocks["by"]
    workers = workforce(query, enterprise_scope=enterprise_scope)
    answer = total.as_dict()
    return {
        "from": query.first.isoformat(),
        "to": query.last.isoformat(),
        **answer,
        "workers": workers,
        # contract.md: K and K_fatal over every victim counted. The block with a labour
        # relation carries the workforce's own K (its victims over its headcount), which the
        # directive tracker's fatal rate is; the block without one has no headcount.
        **{name: value for name, value in _rates(total, workers).items() if name != "workers"},
        "with_labour_relation": {**with_rel.as_dict(), **_rates(with_rel, workers)},
        "without_labour_relation": {**without.as_dict(), **_rates(without, 0)},
        "by": {name: _items(name, values, lang) for name, values in by.items()},
    }


def _blocks(rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The rollup rows as blocks: ``total``, ``with`` / ``without`` a labour relation,
    ``commuting``, and ``by`` dimension → key → ``{accidents, victims, deaths}``."""
    total, with_rel, without, commuting = _Block(), _Block(), _Block(), _Block()
    by: dict[str, dict[Any, dict[str, int]]] = {
        name: defaultdict(lambda: {"accidents": 0, "victims": 0, "deaths": 0})
        for name in BREAKDOWNS
    }
    for row in rows:
        if row["dimension"] != "total":
            item = by[row["dimension"]][row["key"]]
            for count in ("accidents", "victims", "deaths"):
                item[count] += int(row[count] or 0)
            continue
        total.add(row)
        (with_rel if _with_relation(row["labour_relation"]) else without).add(row)
        if row["accident_type"] == "commuting":
            commuting.add(row)
    return {"total": total, "with": with_rel, "without": without, "commuting": commuting,
            "by": by}  # fmt: skip


def _rates(block: _Block, workers: int) -> dict[str, Any]:
    return {
        "workers": workers,
        "k": per_thousand(block.counts["victims"], workers),
        "k_fatal": per_thousand(block.counts["deaths"], workers),
    }


def _items(name: str, values: Mapping[Any, Mapping[str, int]], lang: str) -> list[dict]:
    labels = _labels(name, [key for key in values if key is not None], lang)
    items = [
        {
            "key": key if key is not None else "",
            "label": labels.get(key) or NOT_CODED[lang == "en"],
            **counts,
        }
        for key, counts in values.items()
        if counts["accidents"] or counts["victims"]
    ]
    if name == "age_band":  # bands read youngest first, "unknown" last
        order = {key: index for index, key in enumerate(AGE_BAND_LABELS)}
        return sorted(items, key=lambda item: order.get(item["key"], len(order)))
    # Most accidents first; ties by key so the order is stable.
    return sorted(items, key=lambda item: (-item["accidents"], -item["victims"], item["key"]))


def _labels(name: str, keys: list[Any], lang: str) -> dict[Any, str]:
    english = lang == "en"
    if name == "gender":
        return {k: GENDER_LABELS[k][english] for k in keys if k in GENDER_LABELS}
    if name == "age_band":
        return {k: AGE_BAND_LABELS[k][english] for k in keys if k in AGE_BAND_LABELS}
    if name == "commune":
        rows = db.session.execute(select(Commune.code, Commune.name).where(Commune.code.in_(keys)))
        return dict(rows.all())
    # The code lists' own labels (inactive codes too: old cases keep theirs).
    known = codes.entries(CODE_LISTS[name])
    return {k: known[k].label(lang) for k in keys if k in known}


def deaths(query: Query, *, scope: ColumnElement[bool] | None = None) -> int:
    """The deaths among the accidents ``query`` counts (one statement, no breakdowns): the
    numerator of K_fatal for the tracker, which needs nothing else of :func:`figures_for`."""
    statement = (
        select(func.count(Victim.id))
        .select_from(Victim)
        .join(Case, Case.id == Victim.case_id)
        .where(*counted_accidents(query), Victim.outcome == "death")
    )
    if scope is not None:
        statement = statement.where(scope)
    analytic_session()
    return int(db.session.scalar(statement) or 0)


# -- the denominator ---------------------------------------------------------------------------


def workforce(query: Query, *, enterprise_scope: ColumnElement[bool] | None = None) -> int:
    """The workers of the enterprises in scope (contract.md: each enterprise's latest filed
    report's ``figures.workers`` for a period ending by ``query.last``, else its registered
    ``workers``). The filters select enterprises as they select cases (enterprise, commune,
    industry) within ``enterprise_scope`` (``visibility.enterprise_filter``; None: all). Workers
    without a labour relation have no known workforce: a ``labour_relation=false`` query has 0."""
    if query.labour_relation is False:
        return 0
    enterprises = select(Enterprise.id, Enterprise.workers)
    if query.enterprise_id is not None:
        enterprises = enterprises.where(Enterprise.id == query.enterprise_id)
    if query.commune_code is not None:
        enterprises = enterprises.where(Enterprise.commune_code == query.commune_code)
    if query.industry:
        enterprises = enterprises.where(_industry_term(Enterprise.industry_code, query.industry))
    if enterprise_scope is not None:
        enterprises = enterprises.where(enterprise_scope)
    registered = dict(db.session.execute(enterprises).all())
    if not registered:
        return 0
    reported = reported_workers(registered.keys(), by=query.last)
    return sum(reported.get(eid, workers or 0) for eid, workers in registered.items())


# How far back a workforce is looked for: a report older than this says little of today's.
WORKFORCE_LOOKBACK_YEARS = 2


def reported_workers(enterprise_ids: Iterable[int], *, by: date) -> dict[int, int]:
    """Enterprise id → ``figures.workers`` of its latest filed report for a period that ended
    on or before ``by`` (and at most :data:`WORKFORCE_LOOKBACK_YEARS` before it), read from the
    reports' key and ``Case.report_workers`` columns."""
    ids = list(enterprise_ids)
    if not ids:
        return {}
    periods = {
        p.text: p.last
        for year in range(by.year - WORKFORCE_LOOKBACK_YEARS, by.year + 1)
        for p in (Period(year, True), Period(year, False))
        if p.last <= by
    }
    # The period is the last part of a report's key (``reports.report_key``: form:party:period).
    statement = select(Case.enterprise_id, Case.report_key, Case.report_workers).where(
        Case.kind == "report",
        Case.state.in_(("submitted", "accepted")),
        Case.enterprise_id.is_not(None),
        or_(*(Case.report_key.like(f"%:{text}") for text in periods)),
    )
    if len(ids) < 1000:  # a few enterprises: let the database pick them
        statement = statement.where(Case.enterprise_id.in_(ids))
    wanted = set(ids)
    best: dict[int, tuple[date, int]] = {}
    for enterprise_id, key, count in db.session.execute(statement):
        last = periods.get((key or "").rsplit(":", 1)[-1])
        if enterprise_id not in wanted or count is None or last is None:
            continue
        if enterprise_id not in best or last > best[enterprise_id][0]:
            best[enterprise_id] = (last, int(count))
    return {eid: count for eid, (_, count) in best.items()}


# -- a periodic report's totals ------------------------------------------------------------------


def report_query(case) -> Query:
    """What report ``case`` counts: its party's accidents in its period — an enterprise's own
    (with a labour relation), or a commune's workers without one (Appendix XVI).

    :raises ValueError: the report's period is not a period.
    """
    data = case.data or {}
    period = parse_period(data.get("period"))
    if period is None:
        raise ValueError(f"report {case.code}: bad period {data.get('period')!r}")
    if data.get("form") == COMMUNE_ACCIDENTS:
        return Query(period.first, period.last, commune_code=case.commune_code,
                     labour_relation=False)  # fmt: skip
    return Query(period.first, period.last, enterprise_id=case.enterprise_id)


def report_totals(case) -> dict[str, Any]:
    """The totals report ``case`` carries, from the cases as they are now: the counts and costs
    (``Figures``), the commuting accidents entitled to an allowance apart (Appendix XII's
    second block, ``commuting``), and the accidents by occupation, cause and injuring factor.
    JSON-ready; ``submit`` freezes it in ``data["submitted"]["totals"]``."""
    query = report_query(case)
    blocks = _blocks(_rollups(counted_accidents(query)))
    figures = {**blocks["total"].as_dict(), "by": {
        name: _items(name, blocks["by"][name], "vi")
        for name in ("occupation", "cause", "injuring_factor")
    }}  # fmt: skip
    commuting = blocks["commuting"]
    return {
        **{name: figures[name] for name in (*COUNTS, "costs_vnd", "property_damage_vnd")},
        "commuting": commuting.as_dict(),
        "by": {name: figures["by"][name] for name in ("occupation", "cause", "injuring_factor")},
    }


def differences(frozen: Mapping[str, Any] | None, live: Mapping[str, Any]) -> list[str]:
    """The top-level totals in which a submitted report differs from the cases now (their
    names, in the forms' order); empty when it still agrees or was never submitted."""
    if not frozen:
        return []
    names = [*COUNTS, "property_damage_vnd"]
    changed = [name for name in names if frozen.get(name) != live.get(name)]
    if (frozen.get("costs_vnd") or {}) != (live.get("costs_vnd") or {}):
        changed.append("costs_vnd")
    return changed


# -- occupational diseases and serious incidents ------------------------------------------------


def _counted_events(kind: str, query: Query) -> list[ColumnElement[bool]]:
    """The WHERE terms for diseases or incidents ``query`` counts: of ``kind``, dated in the
    period (Vietnam time: a disease from its diagnosis day, an incident from its occurrence),
    not rejected, and the filters (a labour-relation filter does not apply: both kinds are
    declared by employers)."""
    terms: list[ColumnElement[bool]] = [
        Case.kind == kind,
        Case.occurred_at >= query.start,
        Case.occurred_at < query.end,
        Case.state.not_in(UNCOUNTED_STATES),
    ]
    if query.enterprise_id is not None:
        terms.append(Case.enterprise_id == query.enterprise_id)
    if query.commune_code is not None:
        terms.append(Case.commune_code == query.commune_code)
    if query.industry:
        terms.append(_industry_term(Case.industry_code, query.industry))
    if query.labour_relation is False:
        # Only employers declare these: workers without a labour relation have none.
        terms.append(false())
    return terms


def _grouped(where, dims: Mapping[str, Any], sums: Mapping[str, Any]) -> dict[str, list]:
    """For each dimension, ``[(key, {sum: value})]`` — one GROUP BY per dimension, run as one
    UNION ALL statement."""
    parts = [
        select(
            literal(name).label("dimension"),
            cast(key, String).label("key"),
            *(term.label(sum_name) for sum_name, term in sums.items()),
        )
        .select_from(Case)
        .where(*where)
        .group_by(key)
        for name, key in dims.items()
    ]
    found: dict[str, list] = {name: [] for name in dims}
    for row in db.session.execute(union_all(*parts)).mappings():
        found[row["dimension"]].append((row["key"], {name: int(row[name] or 0) for name in sums}))
    return found


def _event_items(name: str, rows: list, lang: str, first: str) -> list[dict[str, Any]]:
    labels = _labels(name, [key for key, _ in rows if key], lang)
    items = [
        {"key": key or "", "label": labels.get(key) or NOT_CODED[lang == "en"], **counts}
        for key, counts in rows
    ]
    return sorted(items, key=lambda item: (-item[first], item["key"]))


def disease_figures(user, query: Query, *, lang: str = "vi") -> dict[str, Any]:
    """``GET /statistics/diseases``: the new occupational-disease cases ``user`` may see,
    diagnosed (Vietnam time) from ``query.first`` to ``query.last``, rejected ones left out.

    Shape: ``{"from", "to", "cases", "workers", "deaths", "by": {"disease": [{"key" (the
    Ministry of Health code, or "" when the employer gave none), "label" (the disease as
    declared), "cases", "workers"}], "industry": [{"key", "label", "cases", "workers"}],
    "commune": […]}}``. ``workers`` counts the workers concerned (each case's victims).
    ``by.disease`` is empty for a role without medical access (``privacy.sees_medical``).
    """
    where = _counted_events("disease", query) + [case_filter(user)]
    workers = (
        select(func.count(Victim.id))
        .where(Victim.case_id == Case.id)
        .correlate(Case)
        .scalar_subquery()
    )
    deaths = (
        select(func.count(Victim.id))
        .where(Victim.case_id == Case.id, Victim.outcome == "death")
        .correlate(Case)
        .scalar_subquery()
    )
    totals = db.session.execute(
        select(
            func.count(Case.id),
            func.coalesce(func.sum(workers), 0),
            func.coalesce(func.sum(deaths), 0),
        ).where(*where)  # fmt: skip
    ).one()
    sums = {"cases": func.count(Case.id), "workers": func.coalesce(func.sum(workers), 0)}
    grouped = _grouped(where, {"industry": Case.industry_code, "commune": Case.commune_code}, sums)
    return {
        "from": query.first.isoformat(),
        "to": query.last.isoformat(),
        "cases": int(totals[0]),
        "workers": int(totals[1]),
        "deaths": int(totals[2]),
        "by": {
            # The disease is a diagnosis: a role without medical access could narrow the
            # period down to one worker's case, so it gets no breakdown by disease.
            "disease": _by_disease(where, sums) if sees_medical(user) else [],
            **{name: _event_items(name, rows, lang, "cases") for name, rows in grouped.items()},
        },
    }


def _by_disease(where, sums) -> list[dict[str, Any]]:
    """Cases by disease: by its code when the employer gave one (labelled with the name first
    declared under it), else by the name as declared."""
    code = Case.data["disease_code"].as_string()
    name = Case.data["disease"].as_string()
    rows = db.session.execute(
        select(code.label("code"), name.label("name"), *(t.label(n) for n, t in sums.items()))
        .where(*where)
        .group_by(code, name)
        .order_by(code, name)
    ).mappings()
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["code"] or "", "" if row["code"] else (row["name"] or ""))
        item = merged.setdefault(
            key, {"key": key[0], "label": row["name"] or "", "cases": 0, "workers": 0}
        )
        item["cases"] += int(row["cases"] or 0)
        item["workers"] += int(row["workers"] or 0)
    return sorted(merged.values(), key=lambda i: (-i["cases"], i["key"], i["label"]))


def incident_figures(user, query: Query, *, lang: str = "vi") -> dict[str, Any]:
    """``GET /statistics/incidents``: the serious technical incidents ``user`` may see that
    occurred (Vietnam time) in the period, rejected ones left out.

    Shape: ``{"from", "to", "incidents", "casualties", "by": {"industry": [{"key", "label",
    "incidents", "casualties"}], "commune": […]}}``; ``casualties`` is the number of people
    hurt the employer declared with each incident (its ``data["casualties"]``).
    """
    where = _counted_events("incident", query) + [case_filter(user)]
    casualties = func.coalesce(func.sum(Case.data["casualties"].as_integer()), 0)
    totals = db.session.execute(select(func.count(Case.id), casualties).where(*where)).one()
    sums = {"incidents": func.count(Case.id), "casualties": casualties}
    grouped = _grouped(where, {"industry": Case.industry_code, "commune": Case.commune_code}, sums)
    return {
        "from": query.first.isoformat(),
        "to": query.last.isoformat(),
        "incidents": int(totals[0]),
        "casualties": int(totals[1]),
        "by": {name: _event_items(name, rows, lang, "incidents") for name, rows in grouped.items()},
    }
