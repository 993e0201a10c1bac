"""Installations follow their license: another company and an ungranted License User get 404
on every page and endpoint, a granted License User gets 200, a user without a license role
403; nothing leaks through the lists, the counts or the delivery log."""

from datetime import timedelta

import pytest

from licensedesk.licenses.models import LicenseGrant
from licensedesk.monitoring import alerts
from licensedesk.monitoring.models import Health, Maintenance
from licensedesk.monitoring.tests.helpers import T0, ingest, installation, monitored, schema
from licensedesk.notifications import events
from licensedesk.notifications.tests.helpers import profile

STRANGERS = ["outsider", "outsider_user", "license_user"]
SECRET_HOST = "vms-secret.harbour.example"


@pytest.fixture
def target(world):
    """A monitored, Critical installation of our company on a license not granted to the
    License User."""
    inst, token = monitored(world.org, world.license_admin, hostname="vms-secret")
    health = Health.objects.get(installation=inst)
    ingest(health, schema(hostname=SECRET_HOST, host={"disk_pct": 99}), now=T0)
    return inst


def reads(inst):
    return [f"/installations/{inst.pk}/"]


def writes(inst):
    return [
        f"/installations/{inst.pk}/monitoring/enable/",
        f"/installations/{inst.pk}/monitoring/disable/",
        f"/installations/{inst.pk}/maintenance/",
        f"/installations/{inst.pk}/maintenance/end/",
        f"/installations/add/{inst.license.code}/",
    ]


def api_reads(inst):
    base = f"/api/v1/installations/{inst.pk}"
    return [base, f"{base}/history"]


def token_url(inst):
    return f"/api/v1/installations/{inst.pk}/monitoring-token"


def maintenance_url(inst):
    return f"/api/v1/installations/{inst.pk}/maintenance"


def snooze(client, inst):
    return client.put(maintenance_url(inst), {"snooze": "1d"}, content_type="application/json")


def unchanged(inst):
    health = Health.objects.get(installation=inst)
    assert health.enabled and health.token_digest
    assert inst.license.installations.count() == 1
    assert not Maintenance.objects.exists()


@pytest.mark.parametrize("who", STRANGERS)
def test_strangers_get_404_on_every_page(world, login, target, who):
    client = login(getattr(world, who))
    digest = Health.objects.get(installation=target).token_digest
    for url in reads(target):
        assert client.get(url).status_code == 404, url
    for url in writes(target):
        assert client.post(url, {"hostname": "sneaky", "snooze": "1d"}).status_code == 404, url
    unchanged(target)
    assert Health.objects.get(installation=target).token_digest == digest


@pytest.mark.parametrize("who", STRANGERS)
def test_strangers_get_404_on_every_endpoint(world, api, target, who):
    client = api(getattr(world, who))
    for url in api_reads(target):
        assert client.get(url).status_code == 404, url
    assert client.post(token_url(target)).status_code == 404
    assert client.delete(token_url(target)).status_code == 404
    assert snooze(client, target).status_code == 404
    assert client.delete(maintenance_url(target)).status_code == 404
    unchanged(target)


@pytest.mark.parametrize("who", STRANGERS)
def test_nothing_leaks_through_the_lists_and_counts(world, login, api, target, who):
    user = getattr(world, who)
    page = login(user).get("/installations/")
    assert page.status_code == 200
    assert SECRET_HOST not in page.content.decode() and "vms-secret" not in page.content.decode()
    assert page.context["counts"]["critical"] == 0
    assert page.context["page"].paginator.count == 0
    for query in ("", "?state=critical", "?search=vms-secret", f"?search={target.license.code}"):
        listed = api(user).get(f"/api/v1/installations{query}").json()
        assert listed["count"] == 0 and listed["items"] == [], query


def test_a_user_without_a_license_role_gets_403(world, login, api, target):
    web = login(world.no_role)
    assert web.get("/installations/").status_code == 403
    for url in reads(target):
        assert web.get(url).status_code == 403, url
    for url in writes(target):
        assert web.post(url, {"hostname": "sneaky", "snooze": "1d"}).status_code == 403, url
    client = api(world.no_role)
    for url in ["/api/v1/installations", *api_reads(target)]:
        assert client.get(url).status_code == 403, url
    assert client.post(token_url(target)).status_code == 403
    assert client.delete(token_url(target)).status_code == 403
    assert snooze(client, target).status_code == 403
    assert client.delete(maintenance_url(target)).status_code == 403
    unchanged(target)


def test_a_granted_license_user_sees_and_manages_it(world, login, api, target):
    LicenseGrant.objects.create(license=target.license, user=world.license_user)
    web = login(world.license_user)
    for url in reads(target):
        assert web.get(url).status_code == 200, url
    listed = web.get("/installations/")
    assert SECRET_HOST in listed.content.decode() and listed.context["counts"]["critical"] == 1
    client = api(world.license_user)
    for url in api_reads(target):
        assert client.get(url).status_code == 200, url
    assert client.get("/api/v1/installations").json()["count"] == 1
    assert client.post(token_url(target)).status_code == 201
    assert snooze(client, target).status_code == 200
    assert web.post(f"/installations/{target.pk}/maintenance/end/").status_code == 302
    assert web.post(f"/installations/{target.pk}/maintenance/", {"snooze": "1d"}).status_code == 302
    assert Maintenance.objects.get(installation=target).created_by == world.license_user
    assert web.post(f"/installations/{target.pk}/monitoring/disable/").status_code == 302


def test_anonymous_requests_are_sent_to_login_or_401(client, target):
    assert client.get("/installations/")["Location"].startswith("/accounts/login/")
    assert client.get(f"/installations/{target.pk}/").status_code == 302
    assert client.get(f"/api/v1/installations/{target.pk}").status_code == 401
    assert client.post(token_url(target)).status_code == 401


def test_the_delivery_log_keeps_alerts_inside_the_company(world, login, api, target, run_jobs):
    from licensedesk.notifications.sender import send_due

    profile(world.license_admin, "Ops", events=[events.INSTALLATION_CRITICAL])
    alerts.send_alerts(T0 + timedelta(minutes=5))
    run_jobs()
    send_due()
    ours = login(world.license_admin).get("/notifications/deliveries/")
    assert "Installation critical" in ours.content.decode()
    for who in STRANGERS:
        page = login(getattr(world, who)).get("/notifications/deliveries/")
        assert page.status_code == 200 and "Installation critical" not in page.content.decode()
        assert api(getattr(world, who)).get("/api/v1/deliveries").json()["count"] == 0


def test_the_other_company_sees_its_own_installations_only(world, login, target):
    theirs = installation(world.other_org, hostname="vms-contoso")
    page = login(world.outsider).get("/installations/").content.decode()
    assert "vms-contoso" in page and "vms-secret" not in page
    assert theirs.pk != target.pk


@pytest.mark.parametrize("who", STRANGERS)
def test_cards_counted_with_the_page_count_only_what_the_user_sees(world, login, target, who):
    # With an installation of their own, the page and its state cards come from one walk of
    # what the user sees: the target's Critical is not among them.
    user = getattr(world, who)
    own = installation(user.organization, grant_to=[user], hostname="vms-own")
    page = login(user).get("/installations/")
    assert [i.pk for i in page.context["page"]] == [own.pk]
    assert page.context["page"].paginator.count == 1
    assert page.context["counts"]["critical"] == 0
    assert SECRET_HOST not in page.content.decode()
