"""The daily opening of statutory periodic reports (``app.services.reports.open_period``).

Every day the scheduler opens the reports of each period ended by today (Vietnam time) —
the half-year just past, last year and its first half — for every party that owes one.
Opening is idempotent (one report per form, party and period: ``Case.report_key``), so the
daily run, a late catch-up run and an inspector's ``POST /reports/open`` never duplicate a
report; a party that became active since (a new account, a first accident) gets its report on
the next run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from app.services.reports import SYSTEM, open_period, today
from workflows.law.reporting import periods_ended_by

log = logging.getLogger(__name__)


@dataclass
class OpenResult:
    opened: int = 0

    def summary(self) -> str:
        return f"opened {self.opened} report(s)"


def open_reports() -> OpenResult:
    """Open the reports owed for every period ended by today, as the system actor."""
    result = OpenResult()
    for period in periods_ended_by(today()):
        result.opened += open_period(period, actor=SYSTEM)
    return result
