"""One rule for every text sent to licensedesk: NUL and control characters are refused
(PostgreSQL cannot store NUL, SQLite would keep it silently: both databases must behave the
same), line ends become LF. The API answers 422 naming the place, pages a 400; nothing is
written."""

import pytest
from django.test import Client

from licensedesk.api.tests.test_problem_details import assert_problem
from licensedesk.customers.models import Customer
from licensedesk.licenses.tests import factories


@pytest.mark.parametrize("value", ["a\x00b", "bell\x07", "esc\x1b[31m", "del\x7f"])
def test_a_json_body_with_nul_or_control_characters_is_422_and_stores_nothing(world, api, value):
    r = api(world.license_admin).post_json("/api/v1/customers", {"name": value})
    body = assert_problem(r, 422)
    assert body["errors"][0]["loc"] == ["body", "name"]
    assert body["errors"][0]["type"] == "invalid_text"
    assert not Customer.objects.filter(organization=world.org).exists()


def test_a_nul_deep_inside_a_body_is_found(world, api):
    r = api(world.license_admin).post_json(
        "/api/v1/notification-profiles",
        {"name": "Hook", "events": ["care_ending"], "webhook_url": "https://93.184.216.34/\x00"},
    )
    body = assert_problem(r, 422)
    assert body["errors"][0]["loc"] == ["body", "webhook_url"]


def test_line_ends_in_a_body_become_lf(world, api):
    lic = factories.registered(world.org)
    r = api(world.license_admin).patch_json(
        f"/api/v1/licenses/{lic.code}", {"description": "first\r\nsecond\rthird\tend"}
    )
    assert r.status_code == 200, r.content
    lic.refresh_from_db()
    assert lic.description == "first\nsecond\nthird\tend"


@pytest.mark.parametrize(
    "path,where",
    [
        ("/api/v1/licenses?search=harbor%00", ["query", "search"]),
        ("/api/v1/licenses?search=two%0Alines", ["query", "search"]),
        ("/api/v1/licenses/M01%00", ["path"]),
        ("/api/v1/customers?%00=1", ["query", "\x00"]),
    ],
)
def test_nul_in_the_address_is_422_on_the_api(world, api, path, where):
    body = assert_problem(api(world.license_admin).get(path), 422)
    assert body["errors"][0]["loc"] == where


@pytest.mark.parametrize("path", ["/licenses/?search=%00", "/customers/%00/", "/licenses/?q=a%1Bb"])
def test_nul_in_the_address_of_a_page_is_a_plain_400(world, login, path):
    r = login(world.license_admin).get(path)
    assert r.status_code == 400
    assert "cannot be answered" in r.content.decode()


def test_ordinary_text_in_any_script_passes(world, api):
    r = api(world.license_admin).post_json("/api/v1/customers", {"name": "Ørsted Århus 株式会社"})
    assert r.status_code == 201
    assert Customer.objects.get(organization=world.org).name == "Ørsted Århus 株式会社"


def test_the_anonymous_get_a_400_too(db):
    assert Client().get("/accounts/login/?next=%00").status_code == 400
