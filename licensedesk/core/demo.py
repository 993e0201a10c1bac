"""Demo data: two partner companies with users of every role. Idempotent."""

from django.db import transaction

from licensedesk.accounts.models import Organization, Role, User

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
                    email=email, password=DEMO_PASSWORD, organization=org, role=role,
                    is_company_admin=is_admin, first_name=first, last_name=last, job_title=title,
                )
            label = Role(role).label + (" + company administrator" if is_admin else "")
            logins.append((org.name, email, label))
    return logins
