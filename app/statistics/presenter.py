"""How the statistics page lays out the figures: the totals table (the same rows as the
files, ``statistics_export.totals_rows``) and one table per breakdown."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import Commune
from app.services.statistics import BREAKDOWN_LABELS, BREAKDOWNS, CODE_LISTS
from app.services.statistics_export import breakdown_rows, totals_rows


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    values: tuple  # total, with a labour relation, without one (None: not defined)
    unit: str  # "count", "vnd" or "rate"


@dataclass(frozen=True)
class Breakdown:
    name: str
    label: str
    rows: list[tuple]  # (key, label, accidents, victims, deaths)
    # The code list its keys come from (None: communes, genders, age bands): a name the list
    # has only in Vietnamese is marked so on an English page (``code_name``).
    code_list: str | None = None


def _unit(key: str) -> str:
    if key.startswith("costs_vnd") or key == "property_damage_vnd":
        return "vnd"
    return "rate" if key in ("k", "k_fatal") else "count"


def page_tables(figures: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """``{"totals": [Row], "breakdowns": [Breakdown]}`` for the page."""
    english = lang == "en"
    return {
        "totals": [
            Row(key, label, tuple(values), _unit(key))
            for key, label, *values in totals_rows(figures, lang)
        ],
        "breakdowns": [
            Breakdown(
                name,
                BREAKDOWN_LABELS[name][english],
                breakdown_rows(figures, name),
                CODE_LISTS.get(name),
            )
            for name in BREAKDOWNS
        ],
    }


def commune_options() -> list[tuple[str, str]]:
    """(code, name) of every commune, by name, for the filter."""
    return db.session.execute(select(Commune.code, Commune.name).order_by(Commune.name)).all()
