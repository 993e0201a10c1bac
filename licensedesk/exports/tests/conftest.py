"""A company with an object of every exported kind, and a reader for each format."""

import csv
import io
import json
import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from licensedesk.activation.models import Activation
from licensedesk.audit.services import record
from licensedesk.exports.formats import CONTENT_TYPES
from licensedesk.groups.models import LicenseGroup, Membership
from licensedesk.licenses.models import License
from licensedesk.licenses.tests import factories
from licensedesk.monitoring.models import SEVERITY, Health, Installation

FORMATS = ("csv", "xlsx", "json")


def body_of(response, fmt: str) -> bytes:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].split(";")[0] == CONTENT_TYPES[fmt].split(";")[0]
    assert response["Content-Disposition"].startswith("attachment;")
    return b"".join(response.streaming_content)


def read(response, fmt: str) -> list[dict]:
    """The rows of an export as dicts: CSV as text, XLSX and JSON as typed values."""
    body = body_of(response, fmt)
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(body.decode())))
    if fmt == "json":
        return json.loads(body)
    return [{k: cell.value for k, cell in row.items()} for row in xlsx_cells(body)]


def xlsx_cells(body: bytes) -> list[dict]:
    """The rows of an XLSX export as dicts of openpyxl cells (with their types and styles)."""
    sheet = load_workbook(io.BytesIO(body)).worksheets[0]
    rows = list(sheet.iter_rows())
    header = [cell.value for cell in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


@dataclass
class Company:
    license: License
    hidden: License  # not granted to the License User
    group: LicenseGroup
    installation: Installation
    activation: Activation


def installation(lic, hostname, state=None, minutes_ago=5) -> Installation:
    inst = Installation.objects.create(license=lic, uuid=uuid.uuid4(), hostname=hostname)
    if state is not None:
        at = timezone.now() - timedelta(minutes=minutes_ago)
        Health.objects.create(
            installation=inst,
            organization_id=lic.organization_id,
            state=state,
            severity=SEVERITY[state],
            state_since=at,
            last_report_at=at,
        )
    return inst


def activation(inst, **counts) -> Activation:
    return Activation.objects.create(
        license=inst.license,
        installation=inst,
        request_id=uuid.uuid4(),
        request_digest="0" * 64,
        license_file="<license/>",
        **counts,
    )


def company(world, org, text: str, license_user=None) -> Company:
    """A customer, license, group, installation, activation and audit event of `org`, each
    named or described by `text`; the license granted to `license_user`, another not."""
    cust = factories.customer(org, text)
    grant = (license_user,) if license_user else ()
    lic = factories.registered(org, cust=cust, description=text, grant_to=grant)
    hidden = factories.registered(org, cust=factories.customer(org, f"Hidden {text}"))
    group = LicenseGroup.objects.create(organization=org, name=text)
    Membership.objects.create(group=group, license=lic)
    Membership.objects.create(group=group, license=hidden)
    inst = installation(lic, text, state="healthy")
    installation(hidden, f"hidden-{text}")
    admin = world.company_admin if org == world.org else world.outsider
    record("customer.rename", actor=admin, target=cust, changes={"name": [text, text]})
    return Company(lic, hidden, group, inst, activation(inst, activated=2))


@pytest.fixture
def ours(world):
    return company(world, world.org, "Harbour Hotel", world.license_user)


@pytest.fixture
def theirs(world):
    return company(world, world.other_org, "Contoso Secret Site")
