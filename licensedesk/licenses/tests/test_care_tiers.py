"""Care Plus and Care Premium side by side: on the license page, in the Licenses list (filter
and sort by either tier), in the API; each tier on its own, and nothing of another company's
or an ungranted license shows."""

import json
from datetime import date, timedelta

import pytest

from licensedesk.care import status as care_status
from licensedesk.care.models import CarePeriod
from licensedesk.care.services import add_period
from licensedesk.licenses.tests import factories

TODAY = date(2026, 3, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(care_status, "today", lambda: TODAY)


def days(n):
    return TODAY + timedelta(days=n)


@pytest.fixture
def licenses(world):
    granted = [world.license_user]
    return {
        # Plus ends soon, Premium runs on: renewed apart.
        "both": factories.registered(
            world.org, care_ends_on=days(20), care_premium_ends_on=days(300), grant_to=granted
        ),
        "plus": factories.registered(world.org, care_ends_on=days(200), grant_to=granted),
        "premium": factories.registered(
            world.org, care_level="Premium", care_ends_on=days(-10), grant_to=granted
        ),
        "ungranted": factories.registered(world.org, care_level="Premium", care_ends_on=days(40)),
        "none": factories.registered(world.org, grant_to=granted),
        "theirs": factories.registered(
            world.other_org, care_ends_on=days(20), care_premium_ends_on=days(20)
        ),
    }


def page_codes(client, query):
    r = client.get("/licenses/" + query)
    assert r.status_code == 200
    return [lic.code for lic in r.context["page"].object_list]


def api_codes(client, query):
    r = client.get("/api/v1/licenses" + query)
    assert r.status_code == 200
    return [item["slc"] for item in r.json()["items"]]


def names(licenses, *keys):
    return [licenses[k].code for k in keys]


@pytest.mark.parametrize(
    ("query", "admin", "user"),
    [
        ("?care_status=ending", ["both", "ungranted"], ["both"]),
        ("?care_status=ending&care_tier=plus", ["both"], ["both"]),
        ("?care_status=ending&care_tier=premium", ["ungranted"], []),
        ("?care_status=active", ["both", "plus"], ["both", "plus"]),
        ("?care_status=active&care_tier=premium", ["both"], ["both"]),
        ("?care_status=expired", ["premium"], ["premium"]),
        ("?care_status=expired&care_tier=plus", [], []),
        ("?care_status=none", ["none"], ["none"]),  # neither tier
        ("?care_status=none&care_tier=plus", ["premium", "ungranted", "none"], ["premium", "none"]),
        ("?care_tier=premium", ["both", "plus", "premium", "ungranted", "none"], None),
    ],
)
def test_the_list_filters_by_either_tier_or_one(login, api, world, licenses, query, admin, user):
    ordered = query + "&ordering=slc"
    for who, expected in ((world.license_admin, admin), (world.license_user, user)):
        if expected is None:
            continue
        want = sorted(names(licenses, *expected))
        assert page_codes(login(who), ordered) == want, who
        assert api_codes(api(who), ordered) == want, who


def test_an_outsider_sees_only_their_own_tiers(login, api, world, licenses):
    theirs = [licenses["theirs"].code]
    for query in ("?care_status=ending", "?care_status=ending&care_tier=premium"):
        assert page_codes(login(world.outsider), query) == theirs
        assert api_codes(api(world.outsider), query) == theirs
    assert page_codes(login(world.outsider), "?care_status=expired") == []


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("care_plus_end", ["both", "plus"]),  # then those without Plus
        ("-care_plus_end", ["plus", "both"]),
        ("care_premium_end", ["premium", "ungranted", "both"]),
        ("-care_premium_end", ["both", "ungranted", "premium"]),
    ],
)
def test_the_list_sorts_by_either_tier(login, api, world, licenses, ordering, expected):
    client, token = login(world.license_admin), api(world.license_admin)
    want = names(licenses, *expected)
    query = f"?ordering={ordering}"
    for found in (page_codes(client, query), api_codes(token, query)):
        with_tier = [code for code in found if code in want]
        assert with_tier == want
        assert len(found) == 5
    # Licenses without that tier come last ascending, first descending.
    mine = {lic.code for key, lic in licenses.items() if key != "theirs"}
    without = mine - set(want)
    found = page_codes(client, f"?ordering={ordering}")
    edge = found[: len(without)] if ordering.startswith("-") else found[-len(without) :]
    assert set(edge) == without


def test_the_list_shows_both_tiers_side_by_side(login, world, licenses):
    html = login(world.license_user).get("/licenses/?ordering=slc").content.decode()
    assert ">Care Plus</a></th>" in html and ">Care Premium</a></th>" in html
    assert (
        f'<td class="nowrap" data-label="Care Plus">{days(20).isoformat()} '
        '<span class="badge warn">Ends within 90 days</span></td>'
        f'<td class="nowrap" data-label="Care Premium">{days(300).isoformat()} '
        '<span class="badge ok">Active</span></td>'
    ) in html
    assert licenses["ungranted"].code not in html and licenses["theirs"].code not in html


def test_the_license_page_shows_each_tier_and_the_history(login, world):
    lic = factories.registered(world.org, grant_to=[world.license_user])
    # A Basic period of the old days stays in the history.
    CarePeriod.objects.create(license=lic, level="Basic", starts_on=days(-700), ends_on=days(-335))
    add_period(lic, "Plus", days(60))
    add_period(lic, "premium", days(400))
    html = login(world.license_user).get(f"/licenses/{lic.code}/").content.decode()
    assert (
        f"<dt>Care Plus</dt><dd>until {days(60).isoformat()} "
        '<span class="badge warn">Ends within 90 days</span></dd>'
    ) in html
    assert (
        f"<dt>Care Premium</dt><dd>until {days(400).isoformat()} "
        '<span class="badge ok">Active</span></dd>'
    ) in html
    assert "<dt>Care Basic</dt><dd>Included, does not end</dd>" in html
    for level in ("Basic", "Plus", "Premium"):
        assert f"<td>Care {level}</td>" in html


def test_the_api_shows_one_entry_per_tier(api, world, licenses):
    body = api(world.license_user).get(f"/api/v1/licenses/{licenses['both'].code}").json()
    assert body["care"] == {
        "plus": {"level": "Plus", "ends_on": str(days(20)), "status": "ending", "starts_on": None},
        "premium": {
            "level": "Premium",
            "ends_on": str(days(300)),
            "status": "active",
            "starts_on": None,
        },
    }
    body = api(world.license_user).get(f"/api/v1/licenses/{licenses['none'].code}").json()
    assert body["care"] == {"plus": None, "premium": None}


@pytest.mark.parametrize("who", ["outsider", "outsider_user", "license_user"])
def test_nobody_else_reads_a_license_s_tiers(login, api, world, licenses, who):
    user = getattr(world, who)
    code = licenses["ungranted" if who == "license_user" else "both"].code
    assert login(user).get(f"/licenses/{code}/").status_code == 404
    assert api(user).get(f"/api/v1/licenses/{code}").status_code == 404
    csv = login(user).get("/licenses/export.csv?care_tier=premium").streaming_content
    assert code not in b"".join(csv).decode()


def test_the_json_export_has_each_tier_and_takes_care_tier(api, world, licenses):
    def rows(user, query):
        r = api(user).get("/api/v1/licenses/export?format=json" + query)
        assert r.status_code == 200
        return json.loads(b"".join(r.streaming_content) if r.streaming else r.content)

    found = rows(world.license_user, "&care_status=ending&care_tier=plus")
    assert [row["slc"] for row in found] == [licenses["both"].code]
    assert {k: v for k, v in found[0].items() if k.startswith("care_")} == {
        "care_plus_ends_on": str(days(20)),
        "care_plus_status": "Ends within 90 days",
        "care_premium_ends_on": str(days(300)),
        "care_premium_status": "Active",
    }
    # The ungranted license and the other company's never show.
    assert rows(world.license_user, "&care_tier=premium&care_status=ending") == []
    theirs = rows(world.outsider, "&care_tier=premium&care_status=ending")
    assert [row["slc"] for row in theirs] == [licenses["theirs"].code]
