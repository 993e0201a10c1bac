"""Demo data: two partner companies with users of every role, the product catalog, and
licenses registered for customers. Idempotent."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from licensedesk.accounts.models import Organization, Role, User
from licensedesk.care.services import add_period
from licensedesk.catalog.models import Product, ProductVersion
from licensedesk.licenses import issuing, services
from licensedesk.licenses.models import License

DEMO_PASSWORD = "demo-licensedesk-2026"

COMPANIES = [
    ("northwind", "Northwind Security", "Denmark"),
    ("contoso", "Contoso Integrators", "Germany"),
]
PEOPLE = [
    ("admin", "Ada", "Admin", Role.LICENSE_ADMIN, True, "Managing director"),
    ("licenseadmin", "Lars", "Licenses", Role.LICENSE_ADMIN, False, "Sales engineer"),
    ("licenseuser", "Lina", "User", Role.LICENSE_USER, False, "Field technician"),
]


@transaction.atomic
def create_demo_data() -> list[tuple[str, str, str]]:
    """Create (or find) the demo companies and users; returns (company, email, role) rows."""
    logins = []
    for slug, name, country in COMPANIES:
        org, _ = Organization.objects.get_or_create(
            slug=slug, defaults={"name": name, "country": country}
        )
        for local, first, last, role, is_admin, title in PEOPLE:
            email = f"{local}@{slug}.example"
            user = User.objects.filter(email=email).first()
            if user is None:
                User.objects.create_user(
                    email=email,
                    password=DEMO_PASSWORD,
                    organization=org,
                    role=role,
                    is_company_admin=is_admin,
                    first_name=first,
                    last_name=last,
                    job_title=title,
                )
            label = Role(role).label + (" + company administrator" if is_admin else "")
            logins.append((org.name, email, label))
    return logins


PRODUCTS = [
    ("C01", "Corporate", Product.Kind.EDITION),
    ("E01", "Expert", Product.Kind.EDITION),
    ("P01", "Professional+", Product.Kind.EDITION),
    ("X01", "Express+", Product.Kind.EDITION),
    ("S01", "Essential+", Product.Kind.EDITION),
    ("LPR", "LPR", Product.Kind.ADDON),
    ("ACS", "Access", Product.Kind.ADDON),
]
VERSIONS = [("241", "2024 R1"), ("251", "2025 R1"), ("252", "2025 R2")]
CUSTOMERS = {
    "northwind": [
        "Harbor Logistics",
        "City of Aarhus Transit",
        "Nordic Retail Group",
        "St. Olaf Hospital",
    ],
    "contoso": ["Rheinland Stadium", "Bavarian Breweries"],
}


@transaction.atomic
def create_catalog() -> None:
    for code, name, kind in PRODUCTS:
        product, _ = Product.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})
        for vcode, vname in VERSIONS:
            ProductVersion.objects.get_or_create(
                product=product, code=vcode, defaults={"name": vname}
            )


@transaction.atomic
def create_demo_licenses() -> list[str]:
    """Registered licenses for each demo company (once), plus a few unregistered codes to try
    the registration with; returns those codes."""
    create_catalog()
    rng = random.Random(2026)  # noqa: S311 - demo data, not secrets
    today = timezone.localdate()
    editions = list(Product.objects.filter(kind=Product.Kind.EDITION))
    for slug, names in CUSTOMERS.items():
        org = Organization.objects.get(slug=slug)
        if License.objects.filter(organization=org).exists():
            continue
        admin = User.objects.get(email=f"licenseadmin@{slug}.example")
        lina = User.objects.get(email=f"licenseuser@{slug}.example")
        for i in range(12):
            product = editions[i % len(editions)]
            version = ProductVersion.objects.get(product=product, code="251")
            [lic] = issuing.issue(
                product=product,
                version=version,
                device_licenses=rng.choice([8, 16, 32, 64]),
                partner=org,
            )
            # A mix of Care tiers, each renewed on its own date (Basic only: no tier).
            for level in rng.choice(
                [(), ("Plus",), ("Premium",), ("Plus", "Premium"), ("Plus", "Premium")]
            ):
                care_end = today + timedelta(days=rng.choice([-40, 20, 75, 200, 400]))
                add_period(lic, level, care_end, starts_on=care_end - timedelta(days=365))
            customer = names[i % len(names)] if i % 6 else None
            services.register(
                admin,
                lic.code,
                new_customer=customer,
                description=rng.choice(
                    ["Main site", "Warehouse cameras", "Parking lot", "Head office", ""]
                ),
            )
            if i % 3 == 0:
                services.set_visibility(admin, lic, [lina.pk])
    unregistered = License.objects.filter(organization__isnull=True, sold_to__isnull=True)
    if unregistered.count() < 3:
        issuing.issue(
            product=editions[0],
            version=ProductVersion.objects.get(product=editions[0], code="252"),
            device_licenses=16,
            care=[("Plus", today + timedelta(days=365))],
            count=3,
        )
    return list(unregistered.values_list("code", flat=True)[:3])
