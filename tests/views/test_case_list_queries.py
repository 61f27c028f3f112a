"""Case lists load what each row shows per page, not per case (no N+1)."""

from contextlib import contextmanager

from sqlalchemy import event

from app.extensions import db
from tests.factories import make_accident, make_user


@contextmanager
def counted():
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def queries_for_list(client, token: str) -> int:
    with counted() as statements:
        response = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    return len(statements)


def test_api_case_list_queries_do_not_grow_with_the_number_of_cases(app, client, api_token):
    enterprise_user = make_user("enterprise", username="e1")
    token = api_token("e1")
    make_accident(enterprise_user, ("serious", "light"))
    make_accident(enterprise_user, ("light",))
    few = queries_for_list(client, token)
    for _ in range(6):
        make_accident(enterprise_user, ("serious", "light"))
    assert queries_for_list(client, token) == few


def test_web_case_list_queries_do_not_grow_with_the_number_of_cases(app, client, login):
    enterprise_user = make_user("enterprise", username="e1")
    login("e1")
    make_accident(enterprise_user, ("serious",))
    with counted() as statements:
        assert client.get("/cases/").status_code == 200
    few = len(statements)
    for _ in range(6):
        make_accident(enterprise_user, ("serious", "light"))
    with counted() as statements:
        assert client.get("/cases/").status_code == 200
    assert len(statements) == few


def test_the_web_list_reads_a_page_in_one_statement_with_each_rows_nearest_deadline(app):
    """The page with its count; each row's deadline is its running one due first, found
    here independently from the case's own deadline rows."""
    from app.models import Case
    from app.services.cases import CaseFilters, list_case_rows

    enterprise_user = make_user("enterprise", username="e1")
    declared = [make_accident(enterprise_user, ("serious",)) for _ in range(3)]
    # One case has a deadline met: the nearest is then the next running one, not the met one.
    first = declared[0]
    met = min(first.deadlines, key=lambda row: row.due_at)
    met.met_at = met.due_at
    db.session.commit()
    db.session.refresh(enterprise_user)  # the transaction and the user read before counting
    with counted() as statements:
        page = list_case_rows(enterprise_user, CaseFilters(), per_page=10)
    assert len(statements) == 1
    assert page.total == 3 and not page.total_capped
    assert [row.id for row in page.items] == sorted((c.id for c in declared), reverse=True)
    for row in page.items:
        case = db.session.get(Case, row.id)
        running = [d for d in case.deadlines if d.met_at is None and d.paused_at is None]
        expected = min(running, key=lambda d: (d.due_at, d.id)) if running else None
        assert (row.nearest_deadline.name if row.nearest_deadline else None) == (
            expected.name if expected else None
        )
        assert row.enterprise_name == enterprise_user.enterprise.name
        assert row.commune_name == case.commune.name
        if expected:
            assert row.nearest_deadline.due_at == expected.due_at
    row_of_first = next(row for row in page.items if row.id == first.id)
    assert row_of_first.nearest_deadline is None or row_of_first.nearest_deadline.name != met.name


def test_a_web_list_page_past_the_end_still_counts_the_cases(app):
    """No row comes back to carry the count: it is asked on its own."""
    from app.services.cases import CaseFilters, list_case_rows

    enterprise_user = make_user("enterprise", username="e1")
    for _ in range(3):
        make_accident(enterprise_user, ("light",))
    first = list_case_rows(enterprise_user, CaseFilters(), per_page=3)
    assert first.total == 3 and first.next_cursor is None
    beyond = list_case_rows(enterprise_user, CaseFilters(), page=5, per_page=3)
    assert beyond.items == [] and beyond.total == 3
    nobody = make_user("enterprise", username="e2")
    empty = list_case_rows(nobody, CaseFilters(), per_page=3)
    assert empty.items == [] and empty.total == 0


def test_web_list_pages_by_number_and_by_cursor_list_the_same_rows(app):
    from app.services.cases import CaseFilters, list_case_rows

    enterprise_user = make_user("enterprise", username="e1")
    for _ in range(7):
        make_accident(enterprise_user, ("light",))
    by_cursor, cursor = [], None
    while True:
        page = list_case_rows(enterprise_user, CaseFilters(), per_page=3, cursor=cursor)
        by_cursor.append([row.id for row in page.items])
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    by_number = [
        [row.id for row in list_case_rows(enterprise_user, CaseFilters(), n, per_page=3).items]
        for n in (1, 2, 3)
    ]
    assert by_number == by_cursor and [len(ids) for ids in by_number] == [3, 3, 1]
    third = list_case_rows(enterprise_user, CaseFilters(), 3, per_page=3)
    assert third.total == 7 and third.items[0].commune_name


def test_the_api_list_shows_each_case_as_its_detail_does_in_five_statements(app, declaration_day):
    """The API's list reads plain rows (``ListedCase``), not ORM cases: each listed case's
    JSON must equal the contract's case object built from the ORM case (``case_json`` with
    no medical detail), for accidents with claims and claims with their accident and worker,
    as a role with medical access and one without — in five statements for the page."""
    from app.api.schemas import case_json
    from app.models import Case
    from app.services.cases import CaseFilters, list_cases
    from tests.api.claim_flow import announce_accident, claims_of

    enterprise_user = make_user("enterprise", username="e1")
    accident = announce_accident(enterprise_user, ("serious", "light"))
    make_accident(enterprise_user, ("light",))
    assert len(claims_of(accident)) == 2
    inspector = make_user("inspector", username="t1")
    union = make_user("union", username="u1")
    for user in (inspector, union, enterprise_user):
        db.session.refresh(user)
        with counted() as statements:
            page = list_cases(user, CaseFilters(), per_page=10)
        assert len(statements) == 5, user.role
        assert {c.kind for c in page.items} >= {"accident", "claim"}
        for listed in page.items:
            case = db.session.get(Case, listed.id)
            assert case_json(listed, user, include_medical=False) == case_json(
                case, user, include_medical=False
            ), (user.role, case.kind)
        db.session.rollback()
