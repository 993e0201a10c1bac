from datetime import date, timedelta

import pytest

from licensedesk.care import status
from licensedesk.licenses.models import License
from licensedesk.licenses.tests import factories

ON = date(2026, 3, 1)


@pytest.mark.parametrize(
    ("ends_on", "expected"),
    [
        (None, "none"),
        (date(2026, 2, 28), "expired"),  # yesterday
        (date(2026, 3, 1), "ending"),  # Care still covers today
        (date(2026, 5, 30), "ending"),  # the 90th day
        (date(2026, 5, 31), "active"),  # the 91st day
        (date(2030, 1, 1), "active"),
    ],
)
def test_the_status_changes_exactly_at_its_boundaries(ends_on, expected):
    assert ON + timedelta(days=90) == date(2026, 5, 30)
    assert status.status_of(ends_on, on=ON) == expected


def test_every_status_has_a_label():
    assert set(status.LABELS) == {"active", "ending", "expired", "upcoming", "none"}


@pytest.mark.django_db
def test_the_query_agrees_with_the_rule_on_every_boundary():
    by_end = {}
    # Each end date with no start kept, a start before, on and after ON (Care not started).
    for days in (-1, 0, 1, 89, 90, 91, None):
        for start_days in (None, -1, 0, 1):
            ends_on = None if days is None else ON + timedelta(days=days)
            starts_on = None if start_days is None else ON + timedelta(days=start_days)
            if ends_on and starts_on and ends_on < starts_on:
                continue  # Care cannot end before it starts
            lic = factories.issue()
            lic.care_premium_starts_on, lic.care_premium_ends_on = starts_on, ends_on
            lic.save()
            by_end[lic.pk] = status.status_of(ends_on, on=ON, starts_on=starts_on)
    assert set(by_end.values()) == set(status.LABELS)
    for key in status.LABELS:
        matched = set(
            License.objects.filter(
                status.status_q(key, "care_premium_ends_on", ON, "care_premium_starts_on")
            ).values_list("pk", flat=True)
        )
        assert matched == {pk for pk, s in by_end.items() if s == key}, key


def test_an_unknown_status_is_an_error():
    with pytest.raises(ValueError):
        status.status_q("bogus", "care_plus_ends_on", ON, "care_plus_starts_on")


def test_today_follows_the_clock(monkeypatch):
    monkeypatch.setattr(status, "today", lambda: ON)
    assert status.status_of(ON - timedelta(days=1)) == "expired"
