"""`insert_from` writes the rows a queryset selects, in one statement, on either database."""

from django.db.models import F, Value

from licensedesk.core.inserts import insert_from
from licensedesk.groups.models import LicenseGroup, Membership
from licensedesk.licenses.models import License
from licensedesk.licenses.tests.factories import registered


def test_it_inserts_one_row_per_selected_row_and_counts_them(world):
    ours = [registered(world.org) for _ in range(3)]
    registered(world.other_org)
    group = LicenseGroup.objects.create(organization=world.org, name="North")
    added = insert_from(
        Membership,
        License.objects.filter(organization=world.org),
        group=Value(group.pk),
        license=F("pk"),
        added_at=Value(group.created_at),
    )
    assert added == 3
    rows = Membership.objects.filter(group=group)
    assert set(rows.values_list("license_id", flat=True)) == {lic.pk for lic in ours}
    assert {m.added_at for m in rows} == {group.created_at}


def test_a_queryset_that_can_match_nothing_inserts_nothing(world):
    group = LicenseGroup.objects.create(organization=world.org, name="North")
    empty = License.objects.filter(pk__in=[])
    assert insert_from(Membership, empty, group=Value(group.pk), license=F("pk")) == 0
    assert not Membership.objects.exists()
