"""Every Care and notification page and endpoint against every kind of caller: another
company's ids are 404, a License User is refused profiles (403), a user without a license
role is refused everything (403), and lists never show another company's rows."""

import pytest

from licensedesk.groups.tests.factories import group
from licensedesk.licenses.tests.factories import registered
from licensedesk.notifications.models import Delivery
from licensedesk.notifications.tests.helpers import delivery, profile, reminder


@pytest.fixture
def ours(world):
    lic = registered(world.org, grant_to=[world.license_user])
    prof = profile(world.license_admin)
    rem = reminder(world.license_user)
    return {
        "profile": prof.pk,
        "reminder": rem.pk,
        "delivery": delivery(prof, lic, state=Delivery.State.FAILED).pk,
        "group": group(world.org).pk,
    }


PAGES = [
    ("get", "/care/"),
    ("get", "/care/reminders/"),
    ("get", "/care/reminders/new/"),
    ("post", "/care/calendar/new/"),
    ("post", "/care/calendar/revoke/"),
    ("get", "/notifications/deliveries/"),
]
API = [
    ("get", "/api/v1/care-reminders"),
    ("post", "/api/v1/care-reminders"),
    ("get", "/api/v1/deliveries"),
]
PROFILE_PAGES = [
    ("get", "/notifications/profiles/"),
    ("get", "/notifications/profiles/new/"),
    ("post", "/notifications/profiles/new/"),
]
PROFILE_API = [("get", "/api/v1/notification-profiles"), ("post", "/api/v1/notification-profiles")]

OBJECT_PAGES = [
    ("get", "/care/reminders/{reminder}/"),
    ("post", "/care/reminders/{reminder}/"),
    ("post", "/care/reminders/{reminder}/delete/"),
    ("get", "/notifications/profiles/{profile}/"),
    ("post", "/notifications/profiles/{profile}/"),
    ("post", "/notifications/profiles/{profile}/delete/"),
    ("post", "/notifications/profiles/{profile}/mute/"),
    ("post", "/notifications/deliveries/{delivery}/retry/"),
]
OBJECT_API = [
    ("get", "/api/v1/care-reminders/{reminder}"),
    ("patch", "/api/v1/care-reminders/{reminder}"),
    ("delete", "/api/v1/care-reminders/{reminder}"),
    ("get", "/api/v1/notification-profiles/{profile}"),
    ("patch", "/api/v1/notification-profiles/{profile}"),
    ("delete", "/api/v1/notification-profiles/{profile}"),
    ("post", "/api/v1/deliveries/{delivery}/retry"),
]


PROFILE_BODY = {"name": "Mine", "events": ["care_ending"], "extra_emails": ["a@b.example"]}


def call(client, method, path):
    if method in ("post", "patch") and path.startswith("/api/"):
        body = PROFILE_BODY if path.startswith("/api/v1/notification-profiles") else {}
        return getattr(client, method)(path, body, content_type="application/json")
    return getattr(client, method)(path)


@pytest.mark.parametrize(("method", "path"), PAGES + PROFILE_PAGES + OBJECT_PAGES)
def test_a_user_without_a_license_role_is_refused_every_page(world, login, ours, method, path):
    response = call(login(world.no_role), method, path.format(**ours))
    assert response.status_code == 403


@pytest.mark.parametrize(("method", "path"), API + PROFILE_API + OBJECT_API)
def test_a_user_without_a_license_role_is_refused_every_endpoint(world, api, ours, method, path):
    response = call(api(world.no_role), method, path.format(**ours))
    assert response.status_code == 403


@pytest.mark.parametrize(("method", "path"), PROFILE_PAGES + OBJECT_PAGES[3:7])
def test_a_license_user_is_refused_profile_pages(world, login, ours, method, path):
    assert call(login(world.license_user), method, path.format(**ours)).status_code == 403


@pytest.mark.parametrize(("method", "path"), PROFILE_API + OBJECT_API[3:6])
def test_a_license_user_is_refused_profile_endpoints(world, api, ours, method, path):
    assert call(api(world.license_user), method, path.format(**ours)).status_code == 403


@pytest.mark.parametrize(("method", "path"), OBJECT_PAGES)
def test_another_companys_objects_are_404_in_the_ui(world, login, ours, method, path):
    assert call(login(world.outsider), method, path.format(**ours)).status_code == 404


@pytest.mark.parametrize(("method", "path"), OBJECT_API)
def test_another_companys_objects_are_404_in_the_api(world, api, ours, method, path):
    assert call(api(world.outsider), method, path.format(**ours)).status_code == 404


@pytest.mark.parametrize(
    ("method", "path"), [OBJECT_PAGES[0], OBJECT_PAGES[2], OBJECT_API[0], OBJECT_API[2]]
)
def test_someone_elses_reminder_is_404_even_in_my_company(world, login, api, ours, method, path):
    client = api(world.license_admin) if path.startswith("/api/") else login(world.license_admin)
    assert call(client, method, path.format(**ours)).status_code == 404


def test_lists_never_show_another_companys_rows(world, api, login, ours):
    client = api(world.outsider)
    for url in ("/api/v1/care-reminders", "/api/v1/notification-profiles", "/api/v1/deliveries"):
        assert client.get(url).json()["items"] == []
    ui = login(world.outsider)
    assert "desk@northwind.example" not in ui.get("/notifications/deliveries/").content.decode()
    assert "Care desk" not in ui.get("/notifications/profiles/").content.decode()


@pytest.mark.parametrize(
    "path",
    ["/care/", "/care/reminders/", "/notifications/profiles/", "/notifications/deliveries/"],
)
def test_anonymous_visitors_are_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_anonymous_api_calls_are_401(client, db):
    for url in ("/api/v1/care-reminders", "/api/v1/notification-profiles", "/api/v1/deliveries"):
        assert client.get(url).status_code == 401
