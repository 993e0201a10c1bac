"""What screen readers and keyboards rely on, in the served HTML: a skip link to the page's
content, and the sorted column of the Licenses table named by `aria-sort`."""

import re

import pytest


def headers_of(html: str) -> dict[str, str]:
    """{column label: its aria-sort, or ""} of the sortable headers."""
    found = re.findall(r'<th(?: aria-sort="(\w+)")?><a href="\?[^"]*">([^<]+?)\s*(?:<|</a>)', html)
    return {label: sort for sort, label in found}


def test_every_page_starts_with_a_link_to_its_main_content(login, world, client):
    for html in (
        client.get("/accounts/login/").content.decode(),
        login(world.license_user).get("/licenses/").content.decode(),
    ):
        body = html[html.index("<body") :]
        first_link = re.search(r"<a [^>]*>[^<]*", body).group(0)
        assert 'href="#content"' in first_link and "Skip to content" in first_link
        assert re.search(r'<main [^>]*id="content"', html)


@pytest.mark.parametrize(("ordering", "expected"), [("slc", "ascending"), ("-slc", "descending")])
def test_the_sorted_column_says_how_it_is_sorted(login, world, ordering, expected):
    html = login(world.license_admin).get(f"/licenses/?ordering={ordering}").content.decode()
    headers = headers_of(html)
    assert headers["SLC"] == expected
    assert {label: sort for label, sort in headers.items() if label != "SLC"} == {
        "Product": "",
        "Customer": "",
        "Device licenses": "",
        "Care Plus": "",
        "Care Premium": "",
    }


def test_no_column_claims_the_default_order_newest_first(login, world):
    html = login(world.license_admin).get("/licenses/").content.decode()
    assert "aria-sort" not in html
    assert set(headers_of(html)) == {
        "SLC",
        "Product",
        "Customer",
        "Device licenses",
        "Care Plus",
        "Care Premium",
    }
