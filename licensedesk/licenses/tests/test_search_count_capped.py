"""The API counts a search's matches only so far (`LicensePages.COUNT_CAP`, or the end of the
page asked for if that is further) and says when more match; lists without a search are
counted exactly. The cap is made small here; its rows and counts stay scoped."""

import pytest

from licensedesk.licenses.api import LicensePages
from licensedesk.licenses.tests import factories

CAP = 3
WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"]


@pytest.fixture(autouse=True)
def small_cap(monkeypatch):
    monkeypatch.setattr(LicensePages, "COUNT_CAP", CAP)


@pytest.fixture
def harbour(world):
    """Six licenses of ours that "harbour cams" matches, two granted to our License User,
    and four of the other company's."""
    ours = [
        factories.registered(
            world.org,
            description=f"Harbour cams {word}",
            grant_to=[world.license_user][: n % 3 == 0],
        )
        for n, word in enumerate(WORDS)
    ]
    for n in range(4):
        factories.registered(world.other_org, description=f"Harbour cams {n}")
    return ours


def listing(api, user, **params):
    response = api(user).get("/api/v1/licenses", params)
    assert response.status_code == 200
    return response.json()


def test_a_broad_search_says_more_match_than_it_counted(api, world, harbour):
    body = listing(api, world.license_admin, search="harbour cams", limit=2)
    assert (body["count"], body["count_capped"], len(body["items"])) == (CAP, True, 2)


def test_pages_past_the_cap_are_still_served_and_counted_to_their_end(api, world, harbour):
    body = listing(api, world.license_admin, search="harbour cams", limit=2, offset=2)
    assert (body["count"], body["count_capped"], len(body["items"])) == (4, True, 2)
    body = listing(api, world.license_admin, search="harbour cams", limit=2, offset=4)
    assert (body["count"], body["count_capped"], len(body["items"])) == (6, False, 2)
    seen = {
        item["slc"]
        for offset in (0, 2, 4)
        for item in listing(
            api, world.license_admin, search="harbour cams", limit=2, offset=offset
        )["items"]
    }
    assert seen == {lic.code for lic in harbour}


def test_a_search_within_the_cap_is_counted_exactly(api, world, harbour):
    body = listing(api, world.license_admin, search="harbour cams delta")
    assert (body["count"], body["count_capped"]) == (1, False)
    body = listing(api, world.license_admin, search="no such words")
    assert (body["count"], body["count_capped"], body["items"]) == (0, False, [])


def test_a_list_without_a_search_is_counted_exactly(api, world, harbour):
    body = listing(api, world.license_admin, limit=1)
    assert (body["count"], body["count_capped"]) == (len(harbour), False)


@pytest.mark.parametrize("who", ["license_user", "outsider_user", "no_role"])
def test_the_capped_count_counts_only_what_the_caller_may_see(api, world, harbour, who):
    user = getattr(world, who)
    response = api(user).get("/api/v1/licenses", {"search": "harbour cams"})
    if who == "no_role":
        assert response.status_code == 403
        return
    body = response.json()
    expected = 2 if who == "license_user" else 0
    assert (body["count"], body["count_capped"], len(body["items"])) == (expected, False, expected)


def test_the_other_company_s_matches_are_not_counted(api, world, harbour):
    body = listing(api, world.outsider, search="harbour cams", limit=2)
    assert (body["count"], body["count_capped"]) == (CAP, True)
    body = listing(api, world.outsider, search="harbour cams", limit=2, offset=2)
    assert (body["count"], body["count_capped"], len(body["items"])) == (4, False, 2)
