"""Device licenses on the pages: the installation shows its counts and when cameras stop
recording, with the way to activate them; the Installations list filters devices in grace,
grace expired and no changes left; the API shows and filters the same. Another company and an
ungranted License User see none of it."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from licensedesk.monitoring.models import Health
from licensedesk.monitoring.tests.helpers import monitored

IN_GRACE = {"devices_in_grace": 3, "grace_days": 3}


def counted(inst, *, in_grace=0, grace_days=None, expired=0, used=2, allowed=10):
    """Give `inst` device license counts as a report would have."""
    ends = timezone.now() + timedelta(days=grace_days) if in_grace else None
    Health.objects.filter(installation=inst).update(
        devices_activated=90,
        devices_in_grace=in_grace,
        devices_grace_expired=expired,
        devices_not_licensed=7,
        grace_ends_at=ends,
        changes_used=used,
        changes_allowed=allowed,
    )
    return inst


@pytest.fixture
def sites(world):
    """Our installations: in grace (3 days), in grace (20 days), grace expired, no changes
    left, fine, not counted; the License User is granted only the first. And another
    company's installation in grace."""

    def site(name, org=world.org, admin=world.license_admin, **counts):
        inst, _ = monitored(org, admin, hostname=name, grant_to=counts.pop("grant_to", ()))
        return counted(inst, **counts) if counts else inst

    return {
        "soon": site("vms-soon", in_grace=3, grace_days=3, grant_to=[world.license_user]),
        "later": site("vms-later", in_grace=2, grace_days=20),
        "expired": site("vms-expired", expired=4),
        "no_changes": site("vms-nochanges", used=10),
        "fine": site("vms-fine", used=2),
        "silent": site("vms-silent"),
        "theirs": site(
            "vms-theirs", org=world.other_org, admin=world.outsider, in_grace=5, grace_days=2
        ),
    }


def hosts(response) -> list[str]:
    return sorted(i.hostname for i in response.context["page"])


def test_the_installation_page_says_when_cameras_stop_recording(world, login, sites):
    page = login(world.license_admin).get(f"/installations/{sites['soon'].pk}/")
    text = page.content.decode()
    assert "3 devices run in grace: cameras stop recording in 3 days" in text
    assert "Changes without activation</dt><dd>2 of 10 used" in text
    # the way out: the offline upload, straight to the license's activation, and the online one
    code = sites["soon"].license.code
    assert f'action="/licenses/{code}/activate/"' in text
    assert 'name="lrq"' in text and "export a license request (.lrq)" in text
    assert "licensedesk-client activate --server" in text


def test_expired_and_used_up_are_said_too(world, login, sites):
    client = login(world.license_admin)
    text = client.get(f"/installations/{sites['expired'].pk}/").content.decode()
    assert "4 devices stopped recording:" in text
    text = client.get(f"/installations/{sites['no_changes'].pk}/").content.decode()
    assert "All 10 changes without activation are used" in text


def test_without_counts_the_page_has_no_device_licenses(world, login, sites):
    text = login(world.license_admin).get(f"/installations/{sites['silent'].pk}/").content
    assert b"Device licenses" not in text
    text = login(world.license_admin).get(f"/installations/{sites['fine'].pk}/").content
    assert b"Device licenses" in text and b"Activate them" not in text


@pytest.mark.parametrize(
    "value, expected",
    [
        ("in_grace", ["vms-later", "vms-soon"]),
        ("grace_ending", ["vms-soon"]),
        ("grace_expired", ["vms-expired"]),
        ("no_changes_left", ["vms-nochanges"]),
    ],
)
def test_the_installations_list_filters_device_licenses(world, login, sites, value, expected):
    response = login(world.license_admin).get("/installations/", {"devices": value})
    assert hosts(response) == expected
    assert response.context["page"].paginator.count == len(expected)


def test_the_list_marks_rows_that_need_activation(world, login, sites):
    text = login(world.license_admin).get("/installations/").content.decode()
    assert "3 in grace, stop in 3 days" in text
    assert "4 grace expired" in text and "No changes left" in text


def test_an_unknown_filter_value_filters_nothing_out(world, login, sites):
    response = login(world.license_admin).get("/installations/", {"devices": "bogus"})
    assert len(hosts(response)) == 6


def test_the_license_user_sees_only_her_granted_installation(world, login, sites):
    client = login(world.license_user)
    assert hosts(client.get("/installations/", {"devices": "in_grace"})) == ["vms-soon"]
    assert client.get(f"/installations/{sites['later'].pk}/").status_code == 404
    assert hosts(client.get("/installations/", {"devices": "grace_expired"})) == []


def test_another_company_sees_none_of_it(world, login, sites):
    client = login(world.outsider)
    assert hosts(client.get("/installations/", {"devices": "in_grace"})) == ["vms-theirs"]
    assert client.get(f"/installations/{sites['soon'].pk}/").status_code == 404


def test_the_filtered_list_asks_as_many_queries_for_1_or_many(world, login, sites):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(world.license_admin)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            client.get("/installations/", {"devices": "in_grace"})
        return len(ctx.captured_queries)

    queries()  # the session and the process's caches warm up
    few = queries()
    for n in range(5):
        inst, _ = monitored(world.org, world.license_admin, hostname=f"vms-more-{n}")
        counted(inst, in_grace=1, grace_days=5)
    assert queries() == few


def test_the_api_shows_and_filters_device_licenses(world, api, sites):
    client = api(world.license_admin)
    found = client.get("/api/v1/installations", {"devices": "grace_ending"}).json()
    assert [i["hostname"] for i in found["items"]] == ["vms-soon"]
    one = client.get(f"/api/v1/installations/{sites['soon'].pk}").json()
    assert one["device_licenses"]["in_grace"] == 3
    assert one["device_licenses"]["changes_without_activation"] == {"used": 2, "allowed": 10}
    silent = client.get(f"/api/v1/installations/{sites['silent'].pk}").json()
    assert silent["device_licenses"] is None


def test_the_api_lists_nothing_of_others(world, api, sites):
    theirs = api(world.outsider).get("/api/v1/installations", {"devices": "in_grace"}).json()
    assert [i["hostname"] for i in theirs["items"]] == ["vms-theirs"]
    lina = api(world.license_user).get("/api/v1/installations", {"devices": "in_grace"}).json()
    assert [i["hostname"] for i in lina["items"]] == ["vms-soon"]
    later = api(world.license_user).get(f"/api/v1/installations/{sites['later'].pk}")
    assert later.status_code == 404


def exported_hosts(response) -> list[str]:
    assert response.status_code == 200
    return sorted(row["hostname"] for row in json.loads(b"".join(response.streaming_content)))


def test_the_exports_filter_device_licenses_like_the_list(world, login, api, sites):
    params = {"devices": "in_grace", "format": "json"}
    page = login(world.license_admin).get("/installations/export", params)
    assert exported_hosts(page) == ["vms-later", "vms-soon"]
    ending = {"devices": "grace_ending", "format": "json"}
    by_api = api(world.license_admin).get("/api/v1/installations/export", ending)
    assert exported_hosts(by_api) == ["vms-soon"]
    lina = api(world.license_user).get("/api/v1/installations/export", params)
    assert exported_hosts(lina) == ["vms-soon"]
