"""The iCalendar feed of Care end dates: a secret URL shown once, valid RFC 5545 lines with
CRLF, only the licenses its owner may see; a revoked or replaced link is 404."""

import re
from datetime import date

import pytest
from django.test import Client

from licensedesk.care import calendar
from licensedesk.care.models import CalendarFeed
from licensedesk.licenses.tests.factories import customer, registered


@pytest.fixture
def licenses(world):
    cust = customer(world.org, "Hôtel du Port, Nice; Zone A")
    return {
        "granted": registered(
            world.org,
            cust=cust,
            care_ends_on=date(2026, 6, 30),
            grant_to=[world.license_user],
            description="Cameras " * 20,
        ),  # fmt: skip
        "hidden": registered(world.org, care_ends_on=date(2026, 7, 31)),
        "theirs": registered(world.other_org, care_ends_on=date(2026, 8, 31)),
        "no_care": registered(world.org, grant_to=[world.license_user]),
    }


def make_link(client) -> str:
    """Make a calendar link in the UI; the URL path shown (once) on the page."""
    response = client.post("/care/calendar/new/", follow=True)
    match = re.search(
        r'id="feed-url" class="token">http://testserver(/care/calendar/[^<]+)<',
        response.content.decode(),
    )
    assert match, "the new link is shown"
    return match.group(1)


def fetch(path) -> str:
    response = Client().get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return b"".join(response.streaming_content).decode()


def test_the_feed_is_valid_icalendar_with_crlf_lines(world, login, licenses):
    body = fetch(make_link(login(world.license_user)))
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert body.endswith("END:VCALENDAR\r\n")
    lines = body.split("\r\n")[:-1]
    assert "\n" not in "".join(lines)  # no bare LF anywhere
    assert all(len(line.encode()) <= 75 for line in lines)  # folded
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 1
    assert "DTSTART;VALUE=DATE:20260630" in lines
    unfolded = body.replace("\r\n ", "")
    assert "Hôtel du Port\\, Nice\\; Zone A" in unfolded  # escaped text
    assert f"UID:care-plus-{licenses['granted'].code}-20260630@licensedesk" in unfolded
    assert "SUMMARY:Care Plus ends:" in unfolded


def test_each_tier_is_an_event_of_its_own(world, login, licenses):
    lic = registered(
        world.org,
        care_ends_on=date(2026, 9, 30),
        care_premium_ends_on=date(2027, 1, 31),
        grant_to=[world.license_user],
    )
    ungranted = registered(world.org, care_premium_ends_on=date(2027, 2, 28))
    theirs = registered(world.other_org, care_premium_ends_on=date(2027, 2, 28))
    body = fetch(make_link(login(world.license_user))).replace("\r\n ", "")
    assert ungranted.code not in body and theirs.code not in body
    assert f"UID:care-plus-{lic.code}-20260930@licensedesk" in body
    assert f"UID:care-premium-{lic.code}-20270131@licensedesk" in body
    assert f"SUMMARY:Care Premium ends: {lic.code} (Unspecified)" in body
    assert body.count("BEGIN:VEVENT") == 3  # the granted license's Plus, and these two


def test_the_feed_lists_only_licenses_its_owner_may_see(world, login, licenses):
    body = fetch(make_link(login(world.license_user))).replace("\r\n ", "")
    assert licenses["granted"].code in body
    for hidden in ("hidden", "theirs", "no_care"):
        assert licenses[hidden].code not in body
    admin = fetch(make_link(login(world.license_admin))).replace("\r\n ", "")
    assert licenses["hidden"].code in admin and licenses["theirs"].code not in admin


def test_the_link_is_shown_once(world, login, licenses):
    client = login(world.license_user)
    make_link(client)
    page = client.get("/care/").content.decode()
    assert 'id="feed-url"' not in page
    assert "Make a new link" in page
    secret_digests = list(CalendarFeed.objects.values_list("digest", flat=True))
    assert len(secret_digests) == 1 and len(secret_digests[0]) == 64  # only a hash is kept


def test_a_new_link_replaces_the_old_one(world, login, licenses):
    client = login(world.license_user)
    old = make_link(client)
    new = make_link(client)
    assert old != new
    assert Client().get(old).status_code == 404
    fetch(new)


def test_a_revoked_link_is_404(world, login, licenses):
    client = login(world.license_user)
    path = make_link(client)
    client.post("/care/calendar/revoke/")
    assert Client().get(path).status_code == 404


def test_a_made_up_link_is_404(db):
    assert Client().get("/care/calendar/guessed-secret.ics").status_code == 404


def test_a_deactivated_or_demoted_user_s_link_is_404(world, login, licenses):
    path = make_link(login(world.license_user))
    world.license_user.role = "none"
    world.license_user.save()
    assert Client().get(path).status_code == 404
    world.license_user.role = "license_user"
    world.license_user.is_active = False
    world.license_user.save()
    assert Client().get(path).status_code == 404


def test_a_deactivated_company_s_links_are_404(world, login, licenses):
    path = make_link(login(world.license_user))
    assert Client().get(path).status_code == 200
    world.org.is_active = False
    world.org.save()
    assert Client().get(path).status_code == 404


def test_making_a_link_by_get_changes_nothing(world, login):
    assert login(world.license_user).get("/care/calendar/new/").status_code == 405
    assert not CalendarFeed.objects.exists()


def test_multi_line_and_long_text_stays_valid_icalendar(world, login):
    # Typed in a browser: CR LF line ends, once a lone CR, long non-ASCII text.
    registered(
        world.org,
        care_ends_on=date(2026, 9, 30),
        description="Rack 4\r\nNVR 2\rDôme " + "é" * 80,
    )
    body = fetch(make_link(login(world.license_admin)))
    assert "\r" not in body.replace("\r\n", "")  # no bare CR (nor bare LF) anywhere
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    unfolded = body.replace("\r\n ", "")
    assert "Rack 4\\nNVR 2\\nDôme " + "é" * 80 in unfolded


def test_a_feed_larger_than_one_chunk_lists_every_license_once(world, login, monkeypatch):
    monkeypatch.setattr(calendar, "CHUNK", 2)
    made = [registered(world.org, care_ends_on=date(2026, 10, n)) for n in range(1, 6)]
    body = fetch(make_link(login(world.license_admin))).replace("\r\n ", "")
    for lic in made:
        assert body.count(f"UID:care-plus-{lic.code}-") == 1
    assert body.count("BEGIN:VEVENT") == len(made)
