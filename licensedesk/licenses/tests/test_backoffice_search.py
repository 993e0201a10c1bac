"""Vendor staff look SLCs up in the back office all day: a search there finds licenses by
every word across the SLC, product, version, customer, description and partner, and a list
of a million licenses is not counted to its end on every load."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from licensedesk.core import paging
from licensedesk.licenses.tests import factories

LIST = "/backoffice/licenses/license/"


@pytest.fixture
def staff(backoffice, world):
    return backoffice(world.staff)


def listed(response) -> set[str]:
    assert response.status_code == 200
    return {lic.code for lic in response.context["cl"].result_list}


@pytest.fixture
def licenses(world):
    hotel = factories.customer(world.org, "Harbour Hotel")
    clinic = factories.customer(world.other_org, "Olaf Praxis")
    return {
        "hotel": factories.registered(world.org, cust=hotel, description="Lobby cameras"),
        "clinic": factories.registered(world.other_org, cust=clinic, description="Radiology"),
        "unregistered": factories.issue(partner=world.other_org),
    }


def test_staff_find_a_license_by_a_piece_of_its_slc(staff, licenses):
    code = licenses["hotel"].code
    assert listed(staff.get(LIST, {"q": code[-6:].lower()})) == {code}


def test_every_word_must_match_somewhere_across_the_fields(staff, licenses):
    clinic = licenses["clinic"].code
    assert listed(staff.get(LIST, {"q": "olaf RADIOLOGY"})) == {clinic}
    assert listed(staff.get(LIST, {"q": "olaf lobby"})) == set()


def test_staff_find_a_partners_licenses_by_its_name_registered_or_sold_to(staff, world, licenses):
    found = listed(staff.get(LIST, {"q": world.other_org.name}))
    assert found == {licenses["clinic"].code, licenses["unregistered"].code}


def test_a_long_list_is_counted_only_up_to_the_cap(staff, licenses, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 2)
    response = staff.get(LIST)
    assert response.context["cl"].result_count == 3  # the cap + 1: "more than the cap"
    assert response.context["cl"].paginator.capped
    assert b"The count stops at" in response.content
    assert not staff.get(LIST, {"q": "olaf"}).context["cl"].paginator.capped


def test_the_list_asks_the_same_number_of_queries_for_few_or_many_licenses(staff, world, licenses):
    staff.get(LIST)  # the session's first request saves it: not what is measured
    with CaptureQueriesContext(connection) as few:
        staff.get(LIST, {"q": "harbour"})
    for _ in range(5):
        factories.registered(world.org, cust=licenses["hotel"].customer)
    with CaptureQueriesContext(connection) as many:
        staff.get(LIST, {"q": "harbour"})
    assert len(many.captured_queries) == len(few.captured_queries)
