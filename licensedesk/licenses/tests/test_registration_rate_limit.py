import pytest

from conftest import make_user
from licensedesk.accounts.models import Role
from licensedesk.core import ratelimit
from licensedesk.licenses import services
from licensedesk.licenses.tests import factories

URL = "/api/v1/licenses"
NEVER_ISSUED = "M01-C01-251-01-7K3QF9"


@pytest.fixture(autouse=True)
def small_limits(monkeypatch):
    monkeypatch.setattr(services, "FAILURES_PER_USER", ratelimit.Limit(3, 900))
    monkeypatch.setattr(services, "FAILURES_PER_COMPANY", ratelimit.Limit(5, 900))


def fail(client, times, code=NEVER_ISSUED):
    for _ in range(times):
        assert client.post_json(URL, {"slc": code}).status_code == 400


def test_failed_attempts_are_limited_per_user(api, world):
    client = api(world.license_admin)
    fail(client, 3)
    r = client.post_json(URL, {"slc": NEVER_ISSUED})
    assert r.status_code == 429
    assert r.json()["code"] == "rate_limited"
    assert 1 <= int(r["Retry-After"]) <= 900


def test_a_limited_user_cannot_register_even_a_good_code(api, world):
    lic = factories.issue()
    client = api(world.license_admin)
    fail(client, 3)
    assert client.post_json(URL, {"slc": lic.code}).status_code == 429
    assert factories.snapshot(lic)["organization"] is None


def test_malformed_codes_count_as_failures(api, world):
    client = api(world.license_admin)
    fail(client, 3, code="guess")
    assert client.post_json(URL, {"slc": NEVER_ISSUED}).status_code == 429


def test_failed_attempts_are_limited_per_company(api, world):
    fail(api(world.license_admin), 3)
    fail(api(world.company_admin), 2)
    colleague = make_user(world.org, "lea@northwind.example", Role.LICENSE_ADMIN)
    assert api(colleague).post_json(URL, {"slc": NEVER_ISSUED}).status_code == 429


def test_another_company_is_not_limited_by_ours(api, world):
    fail(api(world.license_admin), 3)
    fail(api(world.company_admin), 2)
    assert api(world.outsider).post_json(URL, {"slc": NEVER_ISSUED}).status_code == 400


def test_successful_registrations_are_not_counted(api, world):
    client = api(world.license_admin)
    for lic in factories.issue(count=4):
        assert client.post_json(URL, {"slc": lic.code}).status_code == 201
    fail(client, 3)


def test_the_page_answers_429_with_retry_after(login, world):
    client = login(world.license_admin)
    for _ in range(3):
        assert client.post("/licenses/register/", {"slc": NEVER_ISSUED}).status_code == 200
    r = client.post("/licenses/register/", {"slc": NEVER_ISSUED})
    assert r.status_code == 429
    assert int(r["Retry-After"]) >= 1
