"""While the database cannot be reached, licensedesk says so: the API answers 503 problem
details with Retry-After, pages a plain "temporarily unavailable" page, never a 500; /readyz
tells load balancers, /healthz stays a cheap liveness probe."""

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client


@pytest.fixture
def database_down(db):
    """down(): every statement from then on fails as PostgreSQL's are refused while it
    restarts (undone before the test database is cleaned up)."""

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused: is the server running?")

    with pytest.MonkeyPatch.context() as patch:

        def down():
            patch.setattr(CursorWrapper, "execute", refuse)
            patch.setattr(CursorWrapper, "executemany", refuse)

        yield down


def test_the_api_answers_503_problem_details_with_retry_after(world, api, database_down):
    client = api(world.license_admin)
    database_down()
    client.raise_request_exception = False
    r = client.get("/api/v1/licenses")
    assert r.status_code == 503
    assert r["Content-Type"] == "application/problem+json"
    assert r.json()["code"] == "temporarily_unavailable"
    assert int(r["Retry-After"]) > 0


def test_pages_answer_a_temporarily_unavailable_page(world, login, database_down):
    client = login(world.license_admin)
    database_down()
    client.raise_request_exception = False
    r = client.get("/licenses/")
    assert r.status_code == 503
    assert "temporarily unavailable" in r.content.decode()
    assert int(r["Retry-After"]) > 0


def test_readyz_says_whether_the_database_answers(db, database_down):
    ready = Client().get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"ready": True, "database": "ok"}
    database_down()
    down = Client().get("/readyz")
    assert down.status_code == 503
    assert down.json() == {"ready": False, "database": "unreachable"}


def test_healthz_answers_without_the_database(db, database_down):
    database_down()
    r = Client().get("/healthz")
    assert (r.status_code, r.content) == (200, b"ok")


def test_other_errors_are_still_a_500(world, api):
    client = api(world.license_admin)
    client.raise_request_exception = False
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CursorWrapper, "execute", lambda *a, **k: 1 / 0)
        r = client.get("/api/v1/licenses")
    assert r.status_code == 500
