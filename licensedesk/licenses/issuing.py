"""The vendor issues SLCs (back office and `licensedesk issue-slc`)."""

from collections.abc import Sequence
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max

from licensedesk.care import tiers
from licensedesk.care.services import add_period
from licensedesk.catalog.models import Product, ProductVersion
from licensedesk.core.errors import ServiceError
from licensedesk.licenses import codes, search
from licensedesk.licenses.models import License

MAX_DEVICES = 1_000_000
MAX_COUNT = 10_000


def issuer() -> str:
    return getattr(settings, "LICENSEDESK_ISSUER", "M01")


def _next_sequence(product, version) -> int:
    top = License.objects.filter(product=product, version=version).aggregate(m=Max("sequence"))
    return (top["m"] or 0) + 1


@transaction.atomic
def issue(
    *,
    product: Product,
    version: ProductVersion,
    device_licenses: int,
    care: Sequence[tuple[str, date]] = (),
    partner=None,
    expires_on: date | None = None,
    addons=(),
    count: int = 1,
) -> list[License]:
    """Issue `count` new codes for a product version, each with the Care tiers `care` gives
    ((level, last day) pairs, one per tier); returns them."""
    if version.product_id != product.pk:
        raise ServiceError(f"{version} is not a version of {product}.", code="invalid_version")
    if not 0 <= device_licenses <= MAX_DEVICES:
        raise ServiceError(
            "Device licenses must be between 0 and 1,000,000.", code="invalid_devices"
        )
    if not 1 <= count <= MAX_COUNT:
        raise ServiceError("Issue between 1 and 10,000 codes at a time.", code="invalid_count")
    care = [(tiers.level_of(level), until) for level, until in care]
    if len({level for level, _ in care}) < len(care):
        raise ServiceError("Give each Care tier once.", code="invalid_care_level")
    issued = []
    for _ in range(count):
        for _attempt in range(5):
            sequence = _next_sequence(product, version)
            code = codes.make_code(issuer(), product.code, version.code, sequence)
            try:
                with transaction.atomic():
                    lic = License.objects.create(
                        code=code,
                        product=product,
                        version=version,
                        sequence=sequence,
                        device_licenses=device_licenses,
                        sold_to=partner,
                        expires_on=expires_on,
                    )
                break
            except IntegrityError:
                continue  # a concurrent issue took the sequence or the code: draw again
        else:
            raise ServiceError("Could not draw a unique code; try again.", code="code_clash")
        if addons:
            lic.addons.set(addons)
        for level, until in care:
            add_period(lic, level, until)
        issued.append(lic)
    search.refresh_ids([lic.pk for lic in issued])
    return issued
