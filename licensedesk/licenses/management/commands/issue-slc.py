import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from licensedesk.accounts.models import Organization
from licensedesk.audit.services import record
from licensedesk.catalog.models import Product, ProductVersion
from licensedesk.core.errors import ServiceError
from licensedesk.licenses import issuing


def parse_care(value: str):
    """(level, last day) of one `--care LEVEL:YYYY-MM-DD` (level in any case)."""
    try:
        level, until = value.split(":", 1)
        return level, date.fromisoformat(until.strip())
    except ValueError as exc:
        raise CommandError("--care takes LEVEL:YYYY-MM-DD, e.g. Plus:2027-12-31") from exc


COMMAND = "licensedesk issue-slc"  # the actor of its audit events


class Command(BaseCommand):
    help = "Issue new software license codes (SLCs) and print them."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # Our --version is the product version, not Django's.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("--product", required=True, help="Product code, e.g. C01.")
        parser.add_argument(
            "--version", required=True, help="Version code (251) or name (2025 R1)."
        )
        parser.add_argument("--devices", type=int, required=True, help="Device licenses.")
        parser.add_argument(
            "--care",
            action="append",
            default=[],
            help="LEVEL:YYYY-MM-DD, once per Care tier (Plus, Premium; any case).",
        )
        parser.add_argument("--partner", help="Slug of the partner company it is sold to.")
        parser.add_argument("--expires", type=date.fromisoformat, help="License expiry date.")
        parser.add_argument("--addon", action="append", default=[], help="Add-on product code.")
        parser.add_argument("--count", type=int, default=1)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **o):
        product = Product.objects.filter(code=o["product"].upper()).first()
        if product is None:
            raise CommandError(f"No product with the code {o['product']!r}.")
        version = (
            ProductVersion.objects.filter(product=product, code=o["version"]).first()
            or ProductVersion.objects.filter(product=product, name=o["version"]).first()
        )
        if version is None:
            raise CommandError(f"{product} has no version {o['version']!r}.")
        partner = None
        if o["partner"]:
            partner = Organization.objects.filter(slug=o["partner"]).first()
            if partner is None:
                raise CommandError(f"No partner company with the slug {o['partner']!r}.")
        addons = list(Product.objects.filter(code__in=[a.upper() for a in o["addon"]]))
        if len(addons) != len(set(o["addon"])):
            raise CommandError("Unknown add-on product code.")
        try:
            with transaction.atomic():
                issued = issuing.issue(
                    product=product,
                    version=version,
                    device_licenses=o["devices"],
                    care=[parse_care(value) for value in o["care"]],
                    partner=partner,
                    expires_on=o["expires"],
                    addons=addons,
                    count=o["count"],
                )
                for lic in issued:
                    record(
                        "license.issue",
                        actor_label=COMMAND,
                        target=lic,
                        changes={"sold_to": partner.slug if partner else None},
                    )
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        if o["json"]:
            self.stdout.write(
                json.dumps(
                    [
                        {
                            "slc": lic.code,
                            "product": product.code,
                            "version": version.name,
                            "device_licenses": lic.device_licenses,
                            "care": {
                                care.tier: care.ends_on.isoformat() if care.ends_on else None
                                for care in lic.care_tiers
                            },
                            "partner": partner.slug if partner else None,
                        }
                        for lic in issued
                    ],
                    indent=2,
                )
            )
        else:
            for lic in issued:
                self.stdout.write(lic.code)
