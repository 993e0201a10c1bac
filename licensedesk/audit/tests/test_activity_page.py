from datetime import timedelta

import pytest
from django.utils import timezone

from licensedesk.audit.models import AuditEvent
from licensedesk.audit.services import record

URL = "/activity/"


@pytest.fixture
def events(world):
    """Three events of ours on three days, and one of the other company."""
    now = timezone.now()
    made = {
        "old": record("login", actor=world.license_user),
        "mid": record("user.update", actor=world.company_admin, target=world.license_user),
        "new": record("token.create", actor=world.license_admin),
        "theirs": record("login", actor=world.outsider),
    }
    for name, days in (("old", 10), ("mid", 5), ("new", 0), ("theirs", 5)):
        AuditEvent.objects.filter(pk=made[name].pk).update(created_at=now - timedelta(days=days))
    return made


def shown(response):
    return [e.pk for e in response.context["page"]]


def test_it_shows_the_companys_events_newest_first(login, world, events):
    r = login(world.company_admin).get(URL)
    assert r.status_code == 200
    assert shown(r) == [events["new"].pk, events["mid"].pk, events["old"].pk]


def test_it_never_shows_another_companys_events(login, world, events):
    r = login(world.company_admin).get(URL + f"?actor={world.outsider.pk}")
    assert shown(r) == []
    assert b"charlie@contoso.example" not in r.content
    r = login(world.outsider).get(URL)
    assert shown(r) == [events["theirs"].pk]


def test_it_filters_by_actor(login, world, events):
    r = login(world.company_admin).get(URL + f"?actor={world.license_user.pk}")
    assert shown(r) == [events["old"].pk]
    r = login(world.company_admin).get(URL + "?actor=lars@")
    assert shown(r) == [events["new"].pk]


def test_it_filters_by_action(login, world, events):
    r = login(world.company_admin).get(URL + "?action=user.")
    assert shown(r) == [events["mid"].pk]


def test_it_filters_by_date(login, world, events):
    today = timezone.now().date()
    since = (today - timedelta(days=6)).isoformat()
    until = (today - timedelta(days=1)).isoformat()
    r = login(world.company_admin).get(URL + f"?since={since}&until={until}")
    assert shown(r) == [events["mid"].pk]


def test_it_ignores_a_malformed_date(login, world, events):
    r = login(world.company_admin).get(URL + "?since=yesterday&until=2026-13-45")
    assert r.status_code == 200
    assert len(shown(r)) == 3


@pytest.mark.parametrize("role", ["license_admin", "license_user", "no_role", "staff"])
def test_it_refuses_anyone_but_a_company_admin(login, world, events, role):
    r = login(getattr(world, role)).get(URL)
    assert r.status_code == 403
    assert b"token.create" not in r.content


def test_a_refusal_is_itself_audited(login, world):
    login(world.license_user).get(URL)
    event = AuditEvent.objects.get(action="access.denied")
    assert event.actor == world.license_user
    assert event.organization == world.org
    assert event.changes == {"right": "company_admin", "path": "/activity/"}
