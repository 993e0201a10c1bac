"""Ids from outside stay within what both databases store (1 to 2^63 - 1): a longer number
in a path is 404, in a body 422, in a page's filter or page number it is ignored. Before,
SQLite raised OverflowError (a 500) where PostgreSQL answered."""

import pytest

from licensedesk.api.tests.test_problem_details import assert_problem
from licensedesk.licenses.models import License
from licensedesk.licenses.tests import factories

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "path",
    [f"/api/v1/customers/{HUGE}", f"/api/v1/license-groups/{HUGE}", f"/api/v1/users/{HUGE}"],
)
def test_a_huge_id_in_a_path_is_404(world, api, path):
    assert_problem(api(world.company_admin).get(path), 404)


def test_a_huge_id_in_a_body_is_422_and_nothing_is_registered(world, api):
    lic = factories.issue(partner=world.org)
    r = api(world.license_admin).post_json(
        "/api/v1/licenses", {"slc": lic.code, "group_ids": [2**63]}
    )
    body = assert_problem(r, 422)
    assert body["errors"][0]["loc"][-2:] == ["group_ids", "0"]
    assert License.objects.get(pk=lic.pk).organization is None


@pytest.mark.parametrize("param", [f"customer={HUGE}", "customer=²", f"group={HUGE}", "group=²"])
def test_huge_or_strange_ids_in_a_filter_are_ignored(world, login, param):
    factories.registered(world.org)
    r = login(world.license_admin).get(f"/licenses/?{param}")
    assert r.status_code == 200


@pytest.mark.parametrize("page", [HUGE, "999999999", "-3", "²"])
def test_a_page_past_any_end_shows_the_last_page(world, login, page):
    factories.registered(world.org)
    r = login(world.license_admin).get(f"/licenses/?page={page}")
    assert r.status_code == 200
    assert r.context["page"].number == 1


@pytest.mark.parametrize(
    "query", [f"customer={HUGE}", "customer=²", "group=²", f"group={HUGE}", f"page={HUGE}"]
)
def test_the_installations_page_ignores_strange_ids_and_pages(world, login, query):
    assert login(world.license_admin).get(f"/installations/?{query}").status_code == 200


def test_a_huge_installation_id_is_404(world, api):
    assert_problem(api(world.license_admin).get(f"/api/v1/installations/{HUGE}"), 404)
