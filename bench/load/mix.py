"""The load test's request mix and the bodies it sends, as plain data (no Locust, no Flask).

``MIX`` is what one simulated client does, in per-mille of its actions; ``surge(MIX, 10)`` is
the same mix with the declarations' share multiplied by ten and every other action scaled down
in proportion (a declaration drive: the directive's under-reporting campaign, or a disaster).
The locustfile (``bench/load/locustfile.py``) has one task per action, named as here, and the
runner writes this table into ``docs/performance-load.md``, so the mix is said in one place.

The bodies are the contract's (``/work/shared/contract.md``): a declaration as an enterprise
sends it, the team of ``open_investigation`` headed by the organisation the law requires at
the case's level (Law 84/2015 Art. 35: the employer's own team for a light or single serious
injury, the provincial inspectorate's for a death or two seriously injured), and the running
totals of ``record_costs``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from workflows.accident import HEAD_ORGANISATION_BY_LEVEL, ROLE_BY_LEVEL

PER_MILLE = 1000
DECLARE = "declare"


@dataclass(frozen=True)
class Action:
    """One kind of request of the mix: ``weight`` in per-mille, ``roles`` who send it (chosen
    at random per request, in these proportions), ``what`` it does, for the report."""

    name: str
    weight: int
    roles: tuple[tuple[str, int], ...]
    what: str
    writes: bool = False


MIX: tuple[Action, ...] = (
    Action(
        DECLARE, 20, (("enterprise", 1),),
        "`POST /api/v1/cases`: an accident with one victim (light 70 %, serious 22 %, "
        "death 8 %)", writes=True,
    ),
    Action(
        "open_investigation", 10, (("inspector", 1), ("enterprise", 1)),
        "`POST /api/v1/cases/{id}/actions/open_investigation` on a declared accident: the "
        "inspector (province level) or the case's enterprise (its own team)", writes=True,
    ),
    Action(
        "record_costs", 20, (("enterprise", 1),),
        "`POST /api/v1/cases/{id}/actions/record_costs` on one of the enterprise's open "
        "claims (days off, medical and wage costs to date)", writes=True,
    ),
    Action(
        "list_api", 200, (("enterprise", 5), ("inspector", 3), ("union", 1), ("commune", 1)),
        "`GET /api/v1/cases` with no filter, or `kind`, `kind`+`state`, `severity`, "
        "`commune`, a page 2–5",
    ),
    Action(
        "list_web", 100, (("enterprise", 1), ("inspector", 1)),
        "`GET /cases/` (the web list, signed in) with the same filters",
    ),
    Action(
        "search", 100, (("inspector", 7), ("enterprise", 3)),
        "`GET /api/v1/cases?q=…`: a surname with its middle name, a word of an enterprise's "
        "name, a case code, a word of a place",
    ),
    Action(
        "case_page", 300, (("inspector", 1), ("enterprise", 1)),
        "`GET /cases/<id>` (the web case page, signed in): any case for the inspector, one "
        "of its own for an enterprise",
    ),
    Action(
        "tasks", 200, (("inspector", 2), ("enterprise", 2), ("union", 1)),
        "`GET /api/v1/tasks` (the inbox)",
    ),
    Action(
        "statistics", 50, (("inspector", 1), ("enterprise", 1)),
        "`GET /api/v1/statistics/accidents` (the year to date: the city for the inspector, "
        "its own for an enterprise)",
    ),
)  # fmt: skip


def shares(mix: tuple[Action, ...]) -> dict[str, float]:
    """Each action's share of the requests (0–1)."""
    total = sum(a.weight for a in mix)
    return {a.name: a.weight / total for a in mix}


def surge(mix: tuple[Action, ...], factor: int) -> tuple[Action, ...]:
    """``mix`` with the declarations' weight × ``factor`` and the others scaled down so the
    weights still add up to the same total (largest remainders, so each stays in proportion
    to within one per-mille).

    :raises ValueError: when the declarations would take the whole mix or more.
    """
    total = sum(a.weight for a in mix)
    declare = next(a for a in mix if a.name == DECLARE)
    surged = declare.weight * factor
    if surged >= total:
        raise ValueError(f"declarations × {factor} would take {surged}/{total} of the mix")
    others = [a for a in mix if a.name != DECLARE]
    others_total = sum(a.weight for a in others)
    room = total - surged
    exact = {a.name: a.weight * room / others_total for a in others}
    floors = {name: int(value) for name, value in exact.items()}
    left = room - sum(floors.values())
    for name in sorted(exact, key=lambda n: exact[n] - floors[n], reverse=True)[:left]:
        floors[name] += 1
    return tuple(
        Action(a.name, surged if a.name == DECLARE else floors[a.name], a.roles, a.what, a.writes)
        for a in mix
    )


def pick_role(action: Action, rng: random.Random) -> str:
    roles, weights = zip(*action.roles, strict=True)
    return rng.choices(roles, weights)[0]


# -- bodies ----------------------------------------------------------------------------------

OUTCOMES = (("light", 70), ("serious", 22), ("death", 8))
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Lan", "Mai", "Nam", "Thảo")
# A member beside the head, and the head's name, per organisation (the rule of who heads the
# team at each level is the workflow's: Law 84/2015 Art. 35(1)-(2)).
HEAD_NAMES = {"inspectorate": "Trần Thanh Tra", "employer": "Nguyễn Giám Đốc"}
MEMBER = {"name": "Lê Công Đoàn", "organisation": "union", "role": "member"}
# Who opens the investigation at each level a client can sign in for.
OPENER = {level: ROLE_BY_LEVEL[level] for level in HEAD_ORGANISATION_BY_LEVEL}


def declaration(seq: int, now: datetime, rng: random.Random, commune_code: str) -> dict:
    """An enterprise's declaration of an accident in ``commune_code`` a few hours before
    ``now`` (aware), one victim with a unique 12-digit national ID derived from ``seq``
    (1 … 10⁸)."""
    outcomes, weights = zip(*OUTCOMES, strict=True)
    outcome = rng.choices(outcomes, weights)[0]
    gender = rng.choice(("male", "female"))
    middle = "Văn" if gender == "male" else "Thị"
    occurred = now - timedelta(hours=rng.randint(1, 48), minutes=rng.randint(0, 59))
    born = f"{rng.randint(1965, 2004)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
    return {
        "kind": "accident",
        "occurred_at": occurred.isoformat(timespec="seconds"),
        "commune_code": commune_code,
        "location": f"Phân xưởng sản xuất số {rng.randint(1, 9)}",
        "description": "Công nhân bị máy dập kẹp tay khi đang vận hành (thử tải).",
        "labour_relation": True,
        "victims": [
            {
                "full_name": f"{rng.choice(SURNAMES)} {middle} {rng.choice(GIVEN)}",
                "birth_date": born,
                "gender": gender,
                "national_id": f"{900_000_000_000 + seq:012d}",
                "occupation": "Thợ vận hành máy",
                "outcome": outcome,
                "monthly_wage_vnd": rng.randrange(6_000_000, 20_000_000, 100_000),
                "si_number": f"{9_000_000_000 + seq % 1_000_000_000:010d}",
                "si_years": rng.randint(1, 20),
            }
        ],
    }


def open_investigation(version: int, level: str) -> dict:
    """The body of ``open_investigation`` for a case at ``level`` (``province`` or
    ``enterprise``)."""
    organisation = HEAD_ORGANISATION_BY_LEVEL[level]
    head = {"name": HEAD_NAMES[organisation], "organisation": organisation, "role": "head"}
    return {"version": version, "team": [head, dict(MEMBER)]}


def record_costs(version: int, seq: int) -> dict:
    """The body of ``record_costs``: running totals that grow with ``seq``."""
    return {
        "version": version,
        "days_off": 5 + seq,
        "medical_costs_vnd": 1_000_000 + 50_000 * seq,
        "wage_costs_vnd": 2_000_000 + 100_000 * seq,
    }


LIST_FILTERS: tuple[dict[str, str], ...] = (
    {},
    {"kind": "accident"},
    {"kind": "accident", "state": "investigating"},
    {"kind": "claim", "state": "assessed"},
    {"kind": "accident", "severity": "fatal"},
    {"kind": "accident", "state": "closed"},
)


def list_query(rng: random.Random, communes: list[str]) -> dict[str, str]:
    """A list's query string: one of ``LIST_FILTERS``, a commune now and then, a later page
    one time in four."""
    query = dict(rng.choice(LIST_FILTERS))
    if communes and rng.random() < 0.15:
        query["commune"] = rng.choice(communes)
    if rng.random() < 0.25:
        query["page"] = str(rng.randint(2, 5))
    return query
