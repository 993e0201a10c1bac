"""The Care overview: how many Care subscriptions of each tier end in each of the next 12
months, counting only the licenses the viewer may see."""

from datetime import date

import pytest

from licensedesk.care import overview
from licensedesk.licenses.tests.factories import registered

TODAY = date(2026, 3, 15)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(overview, "today", lambda: TODAY)


@pytest.fixture
def licenses(world):
    granted = [world.license_user]
    registered(world.org, care_ends_on=date(2026, 3, 1), grant_to=granted)  # this month, ended
    registered(world.org, care_ends_on=date(2026, 3, 31), grant_to=granted)
    registered(world.org, care_ends_on=date(2026, 4, 1))
    registered(world.org, care_ends_on=date(2026, 4, 30), grant_to=granted)
    registered(world.org, care_ends_on=date(2027, 2, 28))  # the 12th month
    registered(world.org, care_ends_on=date(2027, 3, 1))  # the 13th: not shown
    registered(world.org, care_ends_on=date(2026, 2, 28), grant_to=granted)  # ended: renew
    registered(world.org, care_ends_on=date(2025, 12, 15))  # ended 90 days ago: renew
    registered(world.org, care_ends_on=date(2025, 12, 14))  # 91 days ago: not counted
    registered(world.org)  # no Care
    registered(world.other_org, care_ends_on=date(2026, 4, 15))
    # Care Premium: counted apart from Care Plus.
    registered(world.org, care_level="Premium", care_ends_on=date(2026, 4, 10))
    registered(world.org, care_level="Premium", care_ends_on=date(2026, 1, 10), grant_to=granted)
    registered(world.other_org, care_level="Premium", care_ends_on=date(2026, 1, 10))


def counts(user, tier="plus") -> dict:
    return {row["month"]: row["count"] for row in overview.care_endings_by_month(user, tier)}


def test_it_counts_care_endings_per_month_for_twelve_months(world, licenses):
    months = counts(world.license_admin)
    assert list(months) == [date(2026 + (2 + i) // 12, (2 + i) % 12 + 1, 1) for i in range(12)]
    assert months[date(2026, 3, 1)] == 2
    assert months[date(2026, 4, 1)] == 2
    assert months[date(2027, 2, 1)] == 1
    assert sum(months.values()) == 5


def test_a_license_user_counts_only_granted_licenses(world, licenses):
    months = counts(world.license_user)
    assert (months[date(2026, 3, 1)], months[date(2026, 4, 1)]) == (2, 1)
    assert sum(months.values()) == 3


def test_another_company_counts_only_its_own(world, licenses):
    assert sum(counts(world.outsider).values()) == 1
    assert sum(counts(world.outsider, "premium").values()) == 0


def test_care_premium_is_counted_apart(world, licenses):
    premium = counts(world.license_admin, "premium")
    assert premium[date(2026, 4, 1)] == 1 and sum(premium.values()) == 1
    assert sum(counts(world.license_user, "premium").values()) == 0


def test_the_page_shows_the_counts_and_links_each_month_to_the_license_list(world, login, licenses):
    page = login(world.license_user).get("/care/").content.decode()
    assert "3 Care Plus subscriptions end in the next 12 months" in page
    assert "0 Care Premium subscriptions end in the next 12 months" in page
    assert (
        "care_tier=plus&amp;care_ends_from=2026-04-01&amp;care_ends_until=2026-05-01"
        "&amp;ordering=care_plus_end"
    ) in page
    assert "1 Care Plus ending in April 2026" in page


def test_care_ended_in_the_last_90_days_is_counted_as_renewal_opportunities(world, licenses):
    def ended(user, tier="plus"):
        return overview.care_windows(user, TODAY)[tier]["ended_90"]["count"]

    assert (ended(world.license_admin), ended(world.license_admin, "premium")) == (3, 1)
    assert (ended(world.license_user), ended(world.license_user, "premium")) == (2, 1)
    assert (ended(world.outsider), ended(world.outsider, "premium")) == (0, 1)


def test_the_page_links_care_ended_to_the_licenses_it_counts(world, login, licenses):
    client = login(world.license_admin)
    page = client.get("/care/").content.decode()
    for tier, count in (("plus", 3), ("premium", 1)):
        url = (
            f"/licenses/?care_tier={tier}&amp;care_ends_from=2025-12-15"
            f"&amp;care_ends_until=2026-03-15&amp;ordering=-care_{tier}_end"
        )
        assert f'<a href="{url}"><strong>{count}</strong> ended in the last 90 days' in page
        listed = client.get(url.replace("&amp;", "&")).context["page"].paginator.count
        assert listed == count


def test_months_run_across_the_new_year(world, db):
    months = overview.month_starts(date(2026, 11, 30))
    assert months[:3] == [date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)]
    assert months[-1] == date(2027, 10, 1)
