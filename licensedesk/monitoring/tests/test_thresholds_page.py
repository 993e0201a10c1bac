"""Only License Admins set their company's thresholds; nonsense values are refused with a
message and nothing is saved."""

import pytest

from licensedesk.audit.models import AuditEvent
from licensedesk.monitoring.models import Thresholds

URL = "/installations/thresholds/"
GOOD = {
    "report_interval": 120,
    "offline_after": 4,
    "hold_seconds": 300,
    "storage_attention_pct": 80,
    "storage_critical_pct": 90,
    "devices_offline_attention_pct": 10,
    "devices_offline_critical_pct": 30,
    "cpu_attention_pct": 85,
    "memory_attention_pct": 85,
    "disk_critical_pct": 95,
}


@pytest.mark.parametrize("who", ["license_admin", "company_admin"])
def test_a_license_admin_saves_the_thresholds(world, login, who):
    client = login(getattr(world, who))
    assert client.get(URL).status_code == 200
    response = client.post(URL, GOOD)
    assert response.status_code == 302 and response["Location"] == URL
    saved = Thresholds.objects.get(organization=world.org)
    assert (saved.report_interval, saved.offline_after, saved.hold_seconds) == (120, 4, 300)
    assert AuditEvent.objects.filter(action="monitoring.thresholds").count() == 1


def test_saving_twice_updates_the_one_row(world, login):
    client = login(world.license_admin)
    client.post(URL, GOOD)
    client.post(URL, GOOD | {"hold_seconds": 60})
    assert Thresholds.objects.get(organization=world.org).hold_seconds == 60


def test_a_license_user_gets_403(world, login):
    client = login(world.license_user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, GOOD).status_code == 403
    assert not Thresholds.objects.exists()
    assert AuditEvent.objects.filter(action="access.denied").exists()


def test_a_user_without_a_license_role_gets_403(world, login):
    assert login(world.no_role).post(URL, GOOD).status_code == 403
    assert not Thresholds.objects.exists()


def test_the_list_links_to_thresholds_for_admins_only(world, login):
    assert URL in login(world.license_admin).get("/installations/").content.decode()
    assert URL not in login(world.license_user).get("/installations/").content.decode()


def test_each_company_has_its_own_thresholds(world, login):
    login(world.license_admin).post(URL, GOOD)
    login(world.outsider).post(URL, GOOD | {"hold_seconds": 900})
    assert Thresholds.objects.get(organization=world.org).hold_seconds == 300
    assert Thresholds.objects.get(organization=world.other_org).hold_seconds == 900


def test_the_company_cannot_be_chosen_in_the_form(world, login):
    login(world.license_admin).post(URL, GOOD | {"organization": world.other_org.pk})
    assert Thresholds.objects.get().organization == world.org


BAD = {
    "attention above critical storage": {"storage_attention_pct": 96},
    "attention above critical devices": {"devices_offline_attention_pct": 40},
    "a percentage over 100": {"disk_critical_pct": 101},
    "a negative number": {"cpu_attention_pct": -1},
    "not a number": {"hold_seconds": "soon"},
    "empty": {"report_interval": ""},
    "an interval of 5 s": {"report_interval": 5},
    "an interval over an hour": {"report_interval": 3601},
    "offline after no interval at all": {"offline_after": 0},
    "a hold time over a day": {"hold_seconds": 86401},
}


@pytest.mark.parametrize("changes", BAD.values(), ids=BAD.keys())
def test_nonsense_is_refused_and_nothing_saved(world, login, changes):
    response = login(world.license_admin).post(URL, GOOD | changes)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Thresholds.objects.exists()
