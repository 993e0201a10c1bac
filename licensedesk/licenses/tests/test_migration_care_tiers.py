"""The migration to Care tiers, on data made the old way (one chain of Care periods and one
level and end per license): each period's level decides its tier, Basic stays history, and
firings keep the tier they were about (Basic's are dropped)."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("licenses", "0008_license_org_figures_idx"),
    ("care", "0004_carefiring_profile_carereminder_group_and_more"),
    ("notifications", "0003_grace_lead_days"),
]
AFTER = [
    ("licenses", "0012_drop_one_care_level"),
    ("care", "0005_care_tiers"),
    ("notifications", "0004_notificationprofile_care_tiers"),
]
FAR = date(2099, 1, 1)  # "later" whatever day the test runs


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_world(transactional_db):
    """Licenses as the old code left them: care_level/care_ends_on the last period added."""
    apps = migrate(BEFORE)
    Organization = apps.get_model("accounts", "Organization")
    Product = apps.get_model("catalog", "Product")
    Version = apps.get_model("catalog", "ProductVersion")
    License = apps.get_model("licenses", "License")
    CarePeriod = apps.get_model("care", "CarePeriod")
    CareFiring = apps.get_model("care", "CareFiring")
    Profile = apps.get_model("notifications", "NotificationProfile")
    org = Organization.objects.create(name="Northwind", slug="northwind", country="DK")
    product = Product.objects.create(code="C01", name="Corporate", kind="edition")
    version = Version.objects.create(product=product, code="251", name="2025 R1")
    profile = Profile.objects.create(organization=org, name="Care", events=["care_ending"])

    def license_with(sequence, periods, current, starts=None):
        lic = License.objects.create(
            code=f"M01-C01-251-{sequence:02d}-AAAAAA",
            product=product,
            version=version,
            sequence=sequence,
            organization=org,
            care_level=current[0] if current else "",
            care_ends_on=current[1] if current else None,
            care_starts_on=starts,
        )
        for level, starts_on, ends_on in periods:
            CarePeriod.objects.create(
                license=lic, level=level, starts_on=starts_on, ends_on=ends_on
            )
        return lic

    made = {
        "basic": license_with(
            1, [("Basic", date(2024, 1, 1), date(2024, 12, 31))], ("Basic", date(2024, 12, 31))
        ),
        # Plus, then upgraded to Premium: each tier keeps its own end.
        "upgraded": license_with(
            2,
            [
                ("Plus", date(2024, 1, 1), date(2024, 12, 31)),
                ("Plus", date(2025, 1, 1), date(2025, 12, 31)),
                ("Premium", date(2026, 1, 1), date(2026, 12, 31)),
            ],
            ("Premium", date(2026, 12, 31)),
        ),
        # Current Plus that starts later: its start is kept as it was.
        "later": license_with(
            3,
            [("Plus", FAR, date(2099, 12, 31))],
            ("Plus", date(2099, 12, 31)),
            starts=FAR,
        ),
        # Premium booked to start later, then Plus added last (the old "current").
        "premium_later": license_with(
            4,
            [
                ("Premium", FAR, date(2099, 6, 30)),
                ("Plus", date(2025, 1, 1), date(2025, 12, 31)),
            ],
            ("Plus", date(2025, 12, 31)),
        ),
        "none": license_with(5, [], None),
    }
    for key, ends_on in (
        ("basic", date(2024, 12, 31)),
        ("upgraded", date(2025, 12, 31)),  # a Plus period's end
        ("upgraded", date(2026, 12, 31)),  # the Premium period's end
    ):
        CareFiring.objects.create(
            profile=profile,
            license=made[key],
            care_ends_on=ends_on,
            lead_days=30,
            fired_on=date(2024, 12, 1),
        )
    yield {key: lic.pk for key, lic in made.items()}
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    migrate(latest)  # whatever the test did: the other tests need today's schema


def test_each_period_s_level_decides_its_tier(old_world):
    apps = migrate(AFTER)
    License = apps.get_model("licenses", "License")
    tiers = {
        key: License.objects.values_list(
            "care_plus_ends_on",
            "care_plus_starts_on",
            "care_premium_ends_on",
            "care_premium_starts_on",
        ).get(pk=pk)
        for key, pk in old_world.items()
    }
    assert tiers == {
        "basic": (None, None, None, None),  # Basic is no tier
        "upgraded": (date(2025, 12, 31), None, date(2026, 12, 31), None),
        "later": (date(2099, 12, 31), FAR, None, None),
        "premium_later": (date(2025, 12, 31), None, date(2099, 6, 30), FAR),
        "none": (None, None, None, None),
    }


def test_the_history_is_kept_with_basic_as_it_was(old_world):
    apps = migrate(AFTER)
    CarePeriod = apps.get_model("care", "CarePeriod")
    levels = list(
        CarePeriod.objects.filter(license_id=old_world["upgraded"])
        .order_by("starts_on")
        .values_list("level", flat=True)
    )
    assert levels == ["Plus", "Plus", "Premium"]
    basic = CarePeriod.objects.get(license_id=old_world["basic"])
    assert (basic.level, basic.ends_on) == ("Basic", date(2024, 12, 31))


def test_firings_keep_their_tier_and_basic_ones_go(old_world):
    apps = migrate(AFTER)
    CareFiring = apps.get_model("care", "CareFiring")
    assert sorted(CareFiring.objects.values_list("license_id", "tier", "care_ends_on")) == [
        (old_world["upgraded"], "plus", date(2025, 12, 31)),
        (old_world["upgraded"], "premium", date(2026, 12, 31)),
    ]


def test_reminders_and_profiles_follow_both_tiers(old_world):
    apps = migrate(AFTER)
    Profile = apps.get_model("notifications", "NotificationProfile")
    assert list(Profile.objects.values_list("care_tiers", flat=True)) == ["both"]


def test_it_migrates_back_to_one_level_per_license(old_world):
    migrate(AFTER)
    apps = migrate(BEFORE)
    License = apps.get_model("licenses", "License")
    back = License.objects.values_list("care_level", "care_ends_on").get(pk=old_world["upgraded"])
    assert back == ("Premium", date(2026, 12, 31))
