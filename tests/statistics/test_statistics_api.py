"""The statistics API's edges: bad filters (422, every field at once, never 500), the XLSX and
CSV files carrying the JSON's figures, diseases and incidents, and the background export."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.api.case_api import Api
from tests.factories import make_user, victim_body
from tests.statistics.city import finish_export, people_named

YEAR = {"from": "2026-01-01", "to": "2026-12-31"}
PATHS = ("/statistics/accidents", "/statistics/accidents.xlsx", "/statistics/accidents.csv",
         "/statistics/diseases", "/statistics/incidents")  # fmt: skip
COUNTED = ("accidents", "fatal_accidents", "accidents_2plus_victims", "victims",
           "female_victims", "deaths", "serious", "days_off", "property_damage_vnd")  # fmt: skip


@pytest.fixture
def api(client):
    return Api(client)


@pytest.mark.parametrize(
    ("args", "fields"),
    [
        ({"from": "2026-07-01", "to": "2026-06-30"}, {"to"}),
        ({"from": "01/01/2015", "to": "01/01/2025"}, {"to"}),  # 10 years and a day
        ({"from": "2026-02-30"}, {"from"}),
        ({"from": "tomorrow", "to": "32/01/2026"}, {"from", "to"}),
        ({"labour_relation": "maybe"}, {"labour_relation"}),
        ({"commune": "00000"}, {"commune"}),
        ({"industry": "Z99"}, {"industry"}),
        ({"industry": "C99"}, {"industry"}),  # well formed, but nobody's
        ({"enterprise": "ABC; DROP TABLE"}, {"enterprise"}),
        (
            {"from": "x", "labour_relation": "2", "commune": "nope", "industry": "12"},
            {"from", "labour_relation", "commune", "industry"},
        ),
    ],
)
def test_bad_filters_are_422_with_every_field(api, app, args, fields):
    user = make_user("inspector")
    for path in PATHS:
        response = api.get(path, user, query_string=args)
        assert response.status_code == 422, (path, response.data[:200])
        assert set(response.get_json()["errors"]) == fields


def test_ten_years_exactly_is_allowed(api, app):
    user = make_user("inspector")
    response = api.get("/statistics/accidents", user,
                       query_string={"from": "01/01/2016", "to": "31/12/2025"})  # fmt: skip
    assert response.status_code == 200


def test_no_token_is_401(client, app):
    assert client.get("/api/v1/statistics/accidents").status_code == 401


def _totals_from_rows(rows) -> dict[str, tuple]:
    return {row[0]: tuple(row[2:5]) for row in rows}


def _json_totals(answer) -> dict[str, tuple]:
    blocks = (answer, answer["with_labour_relation"], answer["without_labour_relation"])
    expected = {}
    for name in COUNTED:
        expected[name] = tuple(b[name] for b in blocks)
    for name in ("medical", "wages", "compensation", "total"):
        expected[f"costs_vnd.{name}"] = tuple(b["costs_vnd"][name] for b in blocks)
    for name in ("workers", "k", "k_fatal"):
        expected[name] = tuple(b[name] for b in blocks)
    return expected


def test_xlsx_and_csv_carry_the_jsons_figures(api, city):
    answer = api.get("/statistics/accidents", city.insp, query_string=YEAR).get_json()
    expected = _json_totals(answer)
    assert expected["accidents"] == (5, 4, 1)  # the city's, as worked out in conftest

    response = api.get("/statistics/accidents.xlsx", city.insp, query_string=YEAR)
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    totals = book.worksheets[0]
    rows = [r for r in totals.iter_rows(min_row=4, values_only=True) if r[0]]
    assert _totals_from_rows(rows) == expected
    assert len(book.worksheets) == 1 + 8
    sheet = book["Ngành kinh tế"]
    # An uncoded key ("") reads back as an empty cell.
    industry = {r[1] or "": r[3:6] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert industry == {i["key"]: (i["accidents"], i["victims"], i["deaths"])
                        for i in answer["by"]["industry"]}  # fmt: skip

    response = api.get("/statistics/accidents.csv", city.insp, query_string=YEAR)
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and b"\n\n" not in raw
    tables = raw.decode("utf-8-sig").split("\r\n\r\n")
    assert len(tables) == 1 + 8
    rows = list(csv.reader(io.StringIO(tables[0])))[1:]
    parsed = {row[0]: tuple(_number(cell) for cell in row[2:5]) for row in rows}
    assert parsed == expected
    commune = list(csv.reader(io.StringIO(tables[2])))
    assert {r[1]: tuple(map(int, r[3:6])) for r in commune[1:]} == {
        i["key"]: (i["accidents"], i["victims"], i["deaths"]) for i in answer["by"]["commune"]
    }
    assert {r[0] for r in commune[1:]} == {"commune"}


def _number(cell: str):
    if cell == "":
        return None
    return float(cell) if "." in cell else int(cell)


def test_xlsx_names_no_victim(api, city):
    secrets = people_named(city)
    response = api.get("/statistics/accidents.xlsx", city.insp, query_string=YEAR)
    book = load_workbook(io.BytesIO(response.data))
    cells = [str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row]
    assert not [s for s in secrets if any(s in c for c in cells)]


def _declare(api, user, body):
    response = api.client.post("/api/v1/cases", json=body, headers=api.headers(user))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_diseases_new_cases_by_disease_and_industry(api, city):
    def disease(user, day, code, name, workers=1):
        return _declare(api, user, {
            "kind": "disease", "disease": name, "disease_code": code, "diagnosed_on": day,
            "exposure": "Bụi silic", "facility": "Bệnh viện Lao và Bệnh phổi",
            "victims": [victim_body("serious") for _ in range(workers)],
        })  # fmt: skip

    disease(city.ent1, "2026-02-01", "N01", "Bệnh bụi phổi silic", workers=2)
    disease(city.ent1, "2026-03-01", "N01", "Bệnh bụi phổi silic")
    disease(city.ent2, "2026-04-01", "N02", "Bệnh điếc do tiếng ồn")
    disease(city.ent2, "2025-12-31", "N02", "Bệnh điếc do tiếng ồn")  # last year
    rejected = disease(city.ent2, "2026-05-01", "N02", "Bệnh điếc do tiếng ồn")
    reject = api.client.post(
        f"/api/v1/cases/{rejected['id']}/actions/reject",
        json={"version": rejected["version"], "reason": "Không đủ điều kiện"},
        headers=api.headers(city.insp),
    )
    assert reject.status_code == 200, reject.get_json()

    answer = api.get("/statistics/diseases", city.insp, query_string=YEAR).get_json()
    assert (answer["cases"], answer["workers"], answer["deaths"]) == (3, 4, 0)
    assert {i["key"]: (i["label"], i["cases"], i["workers"]) for i in answer["by"]["disease"]} == {
        "N01": ("Bệnh bụi phổi silic", 2, 3), "N02": ("Bệnh điếc do tiếng ồn", 1, 1),
    }  # fmt: skip
    # E1 was reclassified to C10 before these were declared.
    assert {i["key"]: i["cases"] for i in answer["by"]["industry"]} == {"C10": 2, "F41": 1}
    mine = api.get("/statistics/diseases", city.ent2, query_string=YEAR).get_json()
    assert (mine["cases"], mine["workers"]) == (1, 1)
    assert api.get("/statistics/diseases", city.insurance).get_json()["cases"] == 0


def test_incidents_count_and_casualties(api, city):
    def incident(user, at, casualties):
        return _declare(api, user, {
            "kind": "incident", "occurred_at": at, "location": "Lò hơi số 1",
            "equipment": "Nồi hơi", "failure": "Nổ ống", "damage": "Hỏng lò",
            "casualties": casualties,
        })  # fmt: skip

    incident(city.ent1, "2026-04-01T10:00:00+07:00", 3)
    incident(city.ent2, "2026-05-01T10:00:00+07:00", 0)
    incident(city.ent2, "2025-12-31T23:59:00+07:00", 9)  # last year
    answer = api.get("/statistics/incidents", city.insp, query_string=YEAR).get_json()
    assert (answer["incidents"], answer["casualties"]) == (2, 3)
    assert {i["key"]: (i["incidents"], i["casualties"]) for i in answer["by"]["commune"]} == {
        city.x.code: (1, 3), city.y.code: (1, 0),
    }  # fmt: skip
    assert {i["key"]: i["incidents"] for i in answer["by"]["industry"]} == {"C10": 1, "F41": 1}
    assert (
        api.get("/statistics/incidents", city.comm_x, query_string=YEAR).get_json()["casualties"]
        == 3
    )


def test_a_large_xlsx_is_built_in_the_background_for_its_requester_only(api, city):
    # Two years for the whole city: too long to build in the request.
    args = {"from": "2025-01-01", "to": "2026-12-31"}
    response = api.get("/statistics/accidents.xlsx", city.insp, query_string=args)
    assert response.status_code == 202
    export = response.get_json()
    finish_export(export["id"])
    status = api.client.get(export["status_url"], headers=api.headers(city.insp)).get_json()
    assert (status["status"], status["progress"]) == ("done", 100)
    with api.client.get(export["file_url"], headers=api.headers(city.insp)) as download:
        assert download.status_code == 200
        book = load_workbook(io.BytesIO(download.data))
    rows = {r[0]: r[2] for r in book.worksheets[0].iter_rows(min_row=4, values_only=True)}
    assert rows["accidents"] == 6 and rows["deaths"] == 2  # 2026's five and b1

    other = make_user("inspector")
    for url in (export["status_url"], export["file_url"]):
        assert api.client.get(url, headers=api.headers(other)).status_code == 404
    assert (
        api.client.get(
            "/api/v1/statistics/exports/../../etc", headers=api.headers(city.insp)
        ).status_code
        == 404
    )


def test_async_flag_and_a_bad_flag(api, city):
    response = api.get("/statistics/accidents.xlsx", city.ent1,
                       query_string={**YEAR, "async": "1"})  # fmt: skip
    assert response.status_code == 202
    export = response.get_json()
    finish_export(export["id"])
    with api.client.get(export["file_url"], headers=api.headers(city.ent1)) as download:
        book = load_workbook(io.BytesIO(download.data))
    rows = {r[0]: r[2] for r in book.worksheets[0].iter_rows(min_row=4, values_only=True)}
    assert rows["accidents"] == 2  # E1's own
    bad = api.get("/statistics/accidents.xlsx", city.ent1, query_string={"async": "perhaps"})
    assert bad.status_code == 422 and "async" in bad.get_json()["errors"]


def test_an_export_of_a_user_since_deactivated_fails(city, app):
    from app.extensions import db
    from app.services import statistics_exports

    city.insp.active = False
    db.session.commit()
    with app.test_request_context():
        record = statistics_exports.request_export(city.insp, YEAR)
        finish_export(record["id"])
        record = statistics_exports.export_status(city.insp, record["id"])
    assert (record["status"], record["filename"]) == ("failed", None)
