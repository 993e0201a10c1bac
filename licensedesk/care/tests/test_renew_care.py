from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from licensedesk.care import services, status
from licensedesk.care.models import CarePeriod
from licensedesk.licenses.tests import factories

TODAY = date(2026, 3, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(status, "today", lambda: TODAY)


def history(lic):
    return list(
        CarePeriod.objects.filter(license=lic)
        .order_by("id")
        .values_list("id", "level", "starts_on", "ends_on")
    )


def renew(*args):
    out = StringIO()
    call_command("renew-care", *args, stdout=out)
    return out.getvalue()


def tiers_of(lic):
    lic.refresh_from_db()
    return (lic.care_plus_ends_on, lic.care_premium_ends_on)


@pytest.fixture
def lic(db):
    return factories.issue(care=[("Plus", date(2026, 6, 30))])


def test_issuing_with_care_starts_a_period_today(lic):
    assert history(lic) == [(history(lic)[0][0], "Plus", TODAY, date(2026, 6, 30))]
    assert tiers_of(lic) == (date(2026, 6, 30), None)


def test_renewing_adds_a_period_after_the_current_one(lic):
    before = history(lic)
    out = renew(lic.code, "--level", "Plus", "--until", "2027-06-30")
    assert "Care Plus from 2026-07-01 until 2027-06-30" in out
    after = history(lic)
    assert after[0] == before[0]  # history is never edited
    assert after[1][1:] == ("Plus", date(2026, 7, 1), date(2027, 6, 30))
    assert tiers_of(lic) == (date(2027, 6, 30), None)


def test_renewing_one_tier_leaves_the_other_alone(lic):
    renew(lic.code, "--level", "premium", "--until", "2027-02-28")
    # Premium starts today, not after Plus: the tiers are independent.
    assert history(lic)[-1][1:] == ("Premium", TODAY, date(2027, 2, 28))
    assert tiers_of(lic) == (date(2026, 6, 30), date(2027, 2, 28))
    renew(lic.code, "--level", "PLUS", "--until", "2026-12-31")
    assert tiers_of(lic) == (date(2026, 12, 31), date(2027, 2, 28))


def test_renewing_lapsed_care_starts_today(db):
    lic = factories.issue()
    services.add_period(lic, "Premium", date(2025, 12, 31), starts_on=date(2025, 1, 1))
    renew(lic.code, "--level", "Premium", "--until", "2027-02-28")
    assert history(lic)[-1][1:] == ("Premium", TODAY, date(2027, 2, 28))


def test_it_starts_care_on_a_license_without_it(db):
    lic = factories.issue()
    renew(lic.code, "--level", "Care Premium", "--until", "2026-12-31")
    assert history(lic)[0][1:] == ("Premium", TODAY, date(2026, 12, 31))
    assert tiers_of(lic) == (None, date(2026, 12, 31))


def test_it_forgives_spaces_and_case_in_the_code(lic):
    renew(f" {lic.code.lower()} ", "--level", "Plus", "--until", "2027-06-30")
    assert len(history(lic)) == 2


def test_a_registered_license_keeps_its_owner(world):
    lic = factories.registered(world.org, care_ends_on=date(2026, 6, 30))
    renew(lic.code, "--level", "Plus", "--until", "2027-06-30")
    lic.refresh_from_db()
    assert lic.organization == world.org


@pytest.mark.parametrize(
    "args",
    [
        ["--level", "Gold", "--until", "2027-06-30"],
        ["--level", "Basic", "--until", "2027-06-30"],  # Basic does not end: no tier
        ["--level", "Plus", "--until", "2026-06-30"],  # before the renewal would start
        ["--level", "Premium", "--until", "2026-02-28"],  # before today
    ],
)
def test_it_refuses_bad_renewals_and_writes_nothing(lic, args):
    before = history(lic)
    with pytest.raises(CommandError):
        renew(lic.code, *args)
    assert history(lic) == before
    assert tiers_of(lic) == (date(2026, 6, 30), None)


def test_it_refuses_an_unknown_code(db):
    with pytest.raises(CommandError):
        renew("M01-C01-251-01-7K3QF9", "--level", "Plus", "--until", "2027-06-30")
    assert not CarePeriod.objects.exists()


def test_the_back_office_cannot_add_or_delete_care_periods(lic):
    from django.contrib.admin.sites import site

    from licensedesk.licenses.admin import CarePlusInline, CarePremiumInline
    from licensedesk.licenses.models import License

    for inline_class in (CarePlusInline, CarePremiumInline):
        inline = inline_class(License, site)
        assert inline.has_add_permission(None, lic) is False
        assert inline.can_delete is False
        assert set(inline.readonly_fields) >= {"level", "starts_on", "ends_on"}
