from datetime import timedelta

import pytest
from django.utils import timezone

from licensedesk.audit.models import AuditEvent
from licensedesk.audit.services import record

URL = "/api/v1/audit-events"


@pytest.fixture
def admins(world, api):
    """Token clients of both companies' admins, made before the events (a token is audited)."""
    return api(world.company_admin), api(world.outsider)


@pytest.fixture
def events(world, admins):
    AuditEvent.objects.all().delete()
    made = [
        record("login", actor=world.license_user),
        record(
            "user.update",
            actor=world.company_admin,
            target=world.license_user,
            changes={"role": ["license_user", "license_admin"]},
        ),
        record("login", actor=world.outsider),
    ]
    AuditEvent.objects.filter(pk=made[0].pk).update(created_at=timezone.now() - timedelta(days=3))
    return made


def test_it_lists_the_companys_events_newest_first(admins, world, events):
    body = admins[0].get(URL).json()
    assert [e["id"] for e in body["items"]] == [events[1].pk, events[0].pk]
    assert body["count"] == 2
    item = body["items"][0]
    assert item["action"] == "user.update"
    assert item["actor"] == "alice@northwind.example"
    assert item["target"] == str(world.license_user)
    assert item["changes"] == {"role": ["license_user", "license_admin"]}


def test_it_filters(admins, world, events):
    client = admins[0]
    assert client.get(URL + "?action=user.").json()["count"] == 1
    assert client.get(URL + f"?actor={world.license_user.pk}").json()["count"] == 1
    since = (timezone.now() - timedelta(days=1)).date().isoformat()
    assert [e["id"] for e in client.get(URL + f"?since={since}").json()["items"]] == [events[1].pk]


def test_it_never_shows_another_companys_events(admins, world, events):
    assert admins[0].get(URL + f"?actor={world.outsider.pk}").json()["count"] == 0
    body = admins[1].get(URL).json()
    assert [e["id"] for e in body["items"]] == [events[2].pk]


@pytest.mark.parametrize("role", ["license_admin", "license_user", "no_role", "staff"])
def test_it_refuses_anyone_but_a_company_admin(world, api, events, role):
    r = api(getattr(world, role)).get(URL)
    assert r.status_code == 403
    assert r["Content-Type"] == "application/problem+json"


def test_it_paginates(admins, world, events):
    for _ in range(5):
        record("login", actor=world.company_admin)
    body = admins[0].get(URL + "?limit=3&offset=3").json()
    assert body["count"] == 7
    assert len(body["items"]) == 3


def test_it_records_where_a_change_came_from(world, api):
    client = api(world.company_admin)
    client.patch_json(f"/api/v1/users/{world.license_user.pk}", {"job_title": "Lead"})
    event = AuditEvent.objects.get(action="user.update")
    assert event.ip_address == "127.0.0.1"
    assert event.actor == world.company_admin
    assert event.changes == {"job_title": ["", "Lead"]}
