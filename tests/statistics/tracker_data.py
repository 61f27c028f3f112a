"""Building blocks of the tracker and dashboard tests: accidents declared on given days through
the real service, and annual reports as filed (rows as the report workflow leaves them)."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Case
from tests.factories import NOW, VN, make_accident

_codes = count(1)


def accident_on(user, when: datetime, outcomes=("serious",), **fields):
    """Declare an accident that occurred at ``when`` (Vietnam time), an hour later; the clock
    goes back to ``factories.NOW`` afterwards."""
    clock.freeze(when + timedelta(hours=1))
    try:
        return make_accident(user, outcomes, occurred_at=when.isoformat(), **fields)
    finally:
        clock.freeze(NOW)


def _key(enterprise, year: int, n: int) -> str:
    # The key the reports service gives an annual report (form:party:period); a second report
    # of the same enterprise and year (which the service never opens, but a test of what is
    # not counted may want) gets a suffix, so the unique key holds and the tracker's key
    # pattern does not pick it.
    key = f"enterprise_accidents:{enterprise.tax_code}:{year}"
    taken = db.session.scalar(select(Case.id).where(Case.report_key == key))
    return f"{key}:{n}" if taken else key


def filed_report(enterprise, year: int, state: str = "accepted", **figures) -> Case:
    """An enterprise's annual report for ``year`` in ``state`` with ``figures`` as submitted."""
    n = next(_codes)
    filed = {"workers": 100, "female_workers": 10, "wage_fund_vnd": 1_000_000_000, **figures}
    data = {"period": str(year), "form": "enterprise_accidents", "due_on": f"{year + 1}-01-09"}
    if state in ("submitted", "accepted"):
        data["figures"] = filed
        data["submitted"] = {"figures": filed, "totals": {}, "submitted_at": "", "by": "x"}
    report = Case(
        kind="report",
        code=f"HP-{year}-R9{n:05d}",
        state=state,
        version=1,
        enterprise_id=enterprise.id,
        commune_code=enterprise.commune_code,
        declared_at=datetime(year + 1, 1, 2, 9, 0, tzinfo=VN),
        report_key=_key(enterprise, year, n),
        # What the report workflow's indexed_columns keep in step with the data.
        report_workers=filed["workers"] if "submitted" in data else None,
        data=data,
    )
    db.session.add(report)
    db.session.commit()
    return report


def vn(year: int, month: int, day: int, hour: int = 8) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=VN)
