"""Making spreadsheets for the import tests."""

import csv
import io

import tablib

from licensedesk.imports import reading, services
from licensedesk.licenses.models import License

HEADER = ["slc", "customer", "description", "groups", "visible_to"]


def csv_bytes(rows, header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def xlsx_bytes(rows, header=HEADER) -> bytes:
    data = tablib.Dataset(headers=header)
    for row in rows:
        data.append(row)
    return data.export("xlsx")


def dry_run(user, content: bytes):
    return services.dry_run(user, reading.read(content))


def run(user, content: bytes, partial=False, filename="licenses.csv"):
    return services.import_sheet(user, reading.read(content), partial=partial, filename=filename)


def state(codes) -> dict:
    """What a partner can change of these licenses, to assert what moved and what did not."""
    found = {}
    for lic in License.objects.filter(code__in=codes).select_related("customer"):
        found[lic.code] = {
            "organization": lic.organization_id,
            "customer": lic.customer.name if lic.customer else None,
            "description": lic.description,
            "groups": sorted(lic.groups.values_list("name", flat=True)),
            "visible_to": sorted(lic.grants.values_list("user__email", flat=True)),
            "registered_by": lic.registered_by_id,
        }
    return found
