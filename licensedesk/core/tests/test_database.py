"""core.database.insert_rows stores rows exactly as given and fails as the ORM fails, on
whichever database the suite runs (COPY on PostgreSQL, bulk_create elsewhere)."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from licensedesk.activation.models import ActiveDevice
from licensedesk.activation.tests.factories import activatable
from licensedesk.core import database
from licensedesk.monitoring.models import Installation

FIELDS = (
    "installation",
    "activated_at",
    "hardware_id",
    "name",
    "model",
    "mac",
    "manufacturer",
    "type",
)


@pytest.fixture
def installation(world):
    lic = activatable(world.org)
    return Installation.objects.create(license=lic, uuid="6f1c2a4e-0d3b-4c5a-9e8f-1a2b3c4d5e6f")


def test_rows_are_stored_exactly_as_given(installation):
    now = timezone.now()
    texts = ['quote " and \\ backslash', "tab\tand\nnewline", "Åxis — entrée ✓", "\\N", ""]
    rows = [
        (installation.pk, now, f"cam-{i}", text, "P3265", "00:40:8C:12:34:56", "Axis", "camera")
        for i, text in enumerate(texts)
    ]
    database.insert_rows(ActiveDevice, FIELDS, iter(rows))
    stored = ActiveDevice.objects.order_by("hardware_id").values_list(
        "installation_id",
        "activated_at",
        "hardware_id",
        "name",
        "model",
        "mac",
        "manufacturer",
        "type",
    )
    assert list(stored) == rows


def test_no_rows_insert_nothing(installation):
    database.insert_rows(ActiveDevice, FIELDS, [])
    assert not ActiveDevice.objects.exists()


def test_a_broken_constraint_is_an_integrity_error_and_leaves_nothing(installation):
    now = timezone.now()
    rows = [(installation.pk, now, "cam-1", "", "", "", "", "")] * 2
    with pytest.raises(IntegrityError), transaction.atomic():
        database.insert_rows(ActiveDevice, FIELDS, rows)
    assert not ActiveDevice.objects.exists()


def test_every_column_but_the_key_must_be_given(installation):
    with pytest.raises(ValueError, match="every column"):
        database.insert_rows(ActiveDevice, ("installation", "hardware_id"), [])
