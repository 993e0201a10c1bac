"""Searching licenses by several words: each word must match somewhere in what the list shows
of a license (SLC, product and version, customer, description, groups), in the Licenses
list, the API's `search` (the group form's license picker) and the export alike."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from licensedesk.groups.tests.factories import group
from licensedesk.licenses import search
from licensedesk.licenses.models import LicenseGrant
from licensedesk.licenses.tests import factories


def with_version(lic, version):
    lic.version = version
    lic.save()
    search.refresh_ids([lic.pk])
    return lic


@pytest.fixture
def olaf(world):
    """A license of Olaf's radiology practice, and its neighbours: Expert 2024 R1 licenses,
    which no word of "Corporate 2025 R2" can match by chance in their random SLCs."""
    r2 = factories.version(factories.product("C01", "Corporate"), "252", "2025 R2")
    expert = factories.product("E01", "Expert")
    r2024 = factories.version(expert, "241", "2024 R1")
    practice = factories.customer(world.org, "Olaf Sørensen Praxis")
    lic = factories.registered(world.org, cust=practice, description="Radiology, 2nd floor")
    others = {
        "same customer": factories.registered(
            world.org, cust=practice, description="Reception", prod=expert
        ),
        "one of the words": factories.registered(
            world.org, description="Olaf's old archive", prod=expert
        ),
        "Müller": factories.registered(
            world.org, cust=factories.customer(world.org, "Müller Straße GmbH"), prod=expert
        ),
    }
    for neighbour in others.values():
        with_version(neighbour, r2024)
    group(world.org, "Region Nord", licenses=[lic, others["Müller"]])
    return {"olaf": with_version(lic, r2), **others}


def found(client, search) -> set[str]:
    response = client.get("/licenses/", {"search": search, "size": 100})
    assert response.status_code == 200
    return {lic.code for lic in response.context["page"]}


def found_by_api(client, search) -> set[str]:
    body = client.get("/api/v1/licenses", {"search": search, "limit": 100}).json()
    assert body["count"] == len(body["items"])
    return {item["slc"] for item in body["items"]}


@pytest.mark.parametrize(
    "search",
    [
        "Corporate 2025 R2",  # the product exactly as the list shows it
        "Olaf radiology",  # customer and description
        "corporate OLAF region nord",  # product, customer and group, any case
        "radiology nord 2nd",  # description and group, out of order
        "2025 r2 sørensen",
        "sorensen radiology",  # without the letter the name is written with
    ],
)
def test_every_word_matches_somewhere_across_the_fields(login, api, world, olaf, search):
    code = olaf["olaf"].code
    assert found(login(world.license_admin), search) == {code}
    assert found_by_api(api(world.license_admin), search) == {code}


def test_the_slc_matches_in_part_and_with_other_words(login, world, olaf):
    code = olaf["olaf"].code
    client = login(world.license_admin)
    assert found(client, f"{code[-6:].lower()} radiology") == {code}
    assert found(client, code) == {code}


def test_a_word_that_matches_nowhere_leaves_nothing(login, world, olaf):
    client = login(world.license_admin)
    assert found(client, "Olaf radiology") == {olaf["olaf"].code}
    assert found(client, "Olaf radiology mammography") == set()
    assert found(client, "Corporate 2024 R2") == set()


def test_accents_and_case_are_forgiven_both_ways(login, world, olaf):
    client = login(world.license_admin)
    müller = {olaf["Müller"].code}
    assert found(client, "muller strasse") == müller
    assert found(client, "MÜLLER") == müller
    assert found(client, "Müller straße gmbh") == müller


def test_a_word_that_spans_two_fields_does_not_match(login, world, olaf):
    # "praxis radiology" are two words in two fields; "praxisradiology" is one word in none
    client = login(world.license_admin)
    assert found(client, "praxis radiology") == {olaf["olaf"].code}
    assert found(client, "praxisradiology") == set()


def test_the_export_lists_what_the_search_finds(login, world, olaf):
    response = login(world.license_admin).get("/licenses/export.csv", {"search": "olaf radiology"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == [olaf["olaf"].code]


def test_another_companys_licenses_never_match(login, api, world, olaf):
    theirs = factories.customer(world.other_org, "Olaf Sørensen Praxis")
    factories.registered(
        world.other_org,
        cust=theirs,
        description="Radiology",
        grant_to=[world.outsider_user],
    )
    ours = {olaf["olaf"].code}
    assert found(login(world.license_admin), "olaf radiology") == ours
    assert found_by_api(api(world.license_admin), "olaf radiology") == ours
    outsider = login(world.outsider)
    assert len(found(outsider, "olaf radiology")) == 1
    assert found(outsider, "olaf radiology") != ours
    for user in (world.outsider, world.outsider_user):
        assert found(login(user), "region nord") == set()
        assert found_by_api(api(user), "sørensen region") == set()


def test_a_license_user_finds_only_granted_licenses_and_counts_only_them(login, api, world, olaf):
    LicenseGrant.objects.create(license=olaf["same customer"], user=world.license_user)
    client = login(world.license_user)
    assert found(client, "olaf") == {olaf["same customer"].code}
    assert found(client, "olaf radiology") == set()
    body = api(world.license_user).get("/api/v1/licenses", {"search": "olaf"}).json()
    assert body["count"] == 1
    page = client.get("/licenses/", {"search": "sørensen"}).context["page"]
    assert page.paginator.count == 1


def test_someone_without_a_license_role_finds_nothing(login, api, world, olaf):
    assert login(world.no_role).get("/licenses/", {"search": "olaf"}).status_code == 403
    assert api(world.no_role).get("/api/v1/licenses", {"search": "olaf"}).status_code == 403


def test_the_search_filters_combine_with_the_other_filters(login, world, olaf):
    client = login(world.license_admin)
    practice = olaf["olaf"].customer_id
    response = client.get("/licenses/", {"search": "olaf", "customer": practice, "size": 100})
    assert {lic.code for lic in response.context["page"]} == {
        olaf["olaf"].code,
        olaf["same customer"].code,
    }
    response = client.get("/licenses/", {"search": "olaf", "product": "C01", "size": 100})
    assert {lic.code for lic in response.context["page"]} == {olaf["olaf"].code}


def queries_of(client, url) -> int:
    client.get(url)  # warm: sessions, caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def many_matches(world, n):
    cust = factories.customer(world.org, f"Olaf Clinic {n}")
    made = [
        factories.registered(
            world.org, cust=cust, description="radiology", grant_to=[world.license_user]
        )
        for _ in range(n)
    ]
    group(world.org, f"Radiology sites {n}", licenses=made)


@pytest.mark.parametrize("who", ["license_admin", "license_user"])
def test_a_search_and_the_whole_list_take_the_same_queries_whatever_the_number_of_rows(
    login, api, world, who
):
    # The Licenses page and the API (the group form's picker), searched or not: the rows,
    # their groups and the groups a search's words may name are read a page at a time.
    urls = [
        "/licenses/?size=100&search=olaf+radiology",
        "/licenses/?size=100",
        "/api/v1/licenses?limit=100&search=olaf+radiology",
        "/api/v1/licenses?limit=100",
    ]
    many_matches(world, 3)
    client, token = login(getattr(world, who)), api(getattr(world, who))
    few = [queries_of(token if "api" in url else client, url) for url in urls]
    many_matches(world, 40)
    assert [queries_of(token if "api" in url else client, url) for url in urls] == few
