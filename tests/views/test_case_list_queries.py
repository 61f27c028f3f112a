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
