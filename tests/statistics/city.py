"""One small city with a known history, built through the real declaration service and the
engine, and its figures worked out by hand here (never by the statistics code).

Enterprise E1 (commune X, VSIC C25, 400 workers) and E2 (commune Y, F41, 600 workers); the
clock stands at ``factories.NOW`` (20/11/2026). Accidents, Vietnam time:

| case | who | occurred | victims | counted in 2026? |
|---|---|---|---|---|
| ``a1`` | E1 (C25) | 10/03/2026 | serious ♀, light ♂ (below) | yes |
| ``b1`` | E2 | 31/12/2025 23:59 | death | no: 2025 |
| ``b2`` | E2 | 01/01/2026 00:00 (still 2025 in UTC) | serious ♂; property 20 000 000 | yes |
| ``dup`` | E1 | 10/03/2026 | light | no: rejected as a duplicate of a1 |
| ``nwa`` | E1 | 10/03/2026 | death | no: concluded not a work accident |
| ``a5`` | E2 | 20/06/2026 | serious → died 15/07/2026, light ♂ (medical 3 000 000) | yes |
| ``a6`` | commune X (no labour relation) | 05/08/2026 | serious ♀ (5 days off) | yes |
| ``a7`` | E1 after its reclassification to C10 | 01/09/2026 | light ♂ | yes |

a1's serious victim: occupation 7212, 30 days off, medical 5 000 000, wages 2 000 000,
compensation 10 000 000 VND; its light one: 10 days off, medical 1 000 000; the case: property
damage 50 000 000, cause NN01.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from app.extensions import db
from app.models import Case, Enterprise
from tests.factories import (
    VN,
    act,
    head,
    make_accident,
    make_commune,
    make_enterprise,
    make_user,
    victim_body,
)
from tests.samples import MINUTES


def _at(*parts) -> str:
    return datetime(*parts, tzinfo=VN).isoformat()


def _set(obj, **columns) -> None:
    # Costs, days off and coded facts no transition records yet: written directly.
    for name, value in columns.items():
        setattr(obj, name, value)
    db.session.commit()


def build_city() -> SimpleNamespace:
    """Build the city of the table above (the clock must stand at ``factories.NOW``)."""
    x, y = make_commune(), make_commune()
    e1 = make_enterprise(x, workers=400, industry_code="C25")
    e2 = make_enterprise(y, workers=600, industry_code="F41")
    ent1 = make_user("enterprise", enterprise=e1)
    ent2 = make_user("enterprise", enterprise=e2)
    comm_x = make_user("commune", commune=x)
    insp = make_user("inspector")

    a1 = make_accident(
        ent1,
        occurred_at=_at(2026, 3, 10, 8, 30),
        victims=[victim_body("serious", gender="female"), victim_body("light")],
    )
    serious, light = sorted(a1.victims, key=lambda v: v.id)
    _set(serious, days_off=30, medical_costs_vnd=5_000_000, wage_costs_vnd=2_000_000,
         compensation_paid_vnd=10_000_000, occupation_code="7212")  # fmt: skip
    _set(light, days_off=10, medical_costs_vnd=1_000_000)
    _set(a1, property_damage_vnd=50_000_000, cause_code="NN01")

    b1 = make_accident(ent2, ("death",), occurred_at=_at(2025, 12, 31, 23, 59))
    b2 = make_accident(ent2, ("serious",), occurred_at=_at(2026, 1, 1, 0, 0))
    _set(b2, property_damage_vnd=20_000_000)

    dup = make_accident(ent1, ("light",), occurred_at=_at(2026, 3, 10, 8, 30))
    act(dup, insp, "reject", reason="Khai báo trùng", duplicate_of=a1.code)

    nwa = make_accident(ent1, ("death",), occurred_at=_at(2026, 3, 10, 9, 0))
    nwa = act(nwa, insp, "open_investigation", team=head())
    act(nwa, insp, "conclude", **{**MINUTES, "is_work_accident": False})

    a5 = make_accident(ent2, ("serious", "light"), occurred_at=_at(2026, 6, 20, 14, 0))
    dying, other = sorted(a5.victims, key=lambda v: v.id)
    _set(other, medical_costs_vnd=3_000_000)
    act(a5, insp, "record_death", victim_id=dying.id, died_at=_at(2026, 7, 15, 6, 0))

    a6 = make_accident(
        comm_x, occurred_at=_at(2026, 8, 5, 7, 0),
        victims=[victim_body("serious", gender="female")],
    )  # fmt: skip
    _set(a6.victims[0], days_off=5)

    _set(db.session.get(Enterprise, e1.id), industry_code="C10")  # reclassified
    a7 = make_accident(ent1, ("light",), occurred_at=_at(2026, 9, 1, 10, 0))

    built = dict(a1=a1, b1=b1, b2=b2, dup=dup, nwa=nwa, a5=a5, a6=a6, a7=a7)
    cases = {name: db.session.get(Case, case.id) for name, case in built.items()}
    return SimpleNamespace(
        x=x, y=y, e1=e1, e2=e2, ent1=ent1, ent2=ent2, comm_x=comm_x, insp=insp,
        comm_y=make_user("commune", commune=y),
        union2=make_user("union", enterprise=e2),
        city_union=make_user("union"),
        insurance=make_user("insurance"),
        admin=make_user("admin"),
        **cases,
    )  # fmt: skip


def finish_export(export_id: str) -> None:
    """Embedded, an export's job ran in the request already; with Redis (REDIS_URL), run the
    job RQ holds for it here, as a worker would, and take it off the queue."""
    from rq.job import Job

    from app.jobs import jobs_inline, redis_connection

    if jobs_inline():
        return
    job = Job.fetch(f"export-{export_id}", connection=redis_connection())
    job.perform()
    job.delete()


def people_named(city) -> list[str]:
    """Every victim's name and national ID in the city (none may reach a statistic)."""
    found = []
    for case in db.session.query(Case).filter(Case.kind == "accident"):
        for victim in case.victims:
            found += [victim.full_name, victim.national_id]
    assert len(found) >= 20
    return found
