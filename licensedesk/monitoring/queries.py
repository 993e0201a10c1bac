from django.db.models import F, Q

from licensedesk import access
from licensedesk.monitoring.models import State


def find_installations(user, params):
    """Installations the user may see, with their health, filtered by state, customer, group
    and search; "worst first" (the default) puts Critical and Offline on top."""
    installations = access.installations_visible_to(user).select_related(
        "license", "license__customer", "license__product", "health"
    )
    state = params.get("state")
    if state == "unmonitored":
        installations = installations.filter(health__isnull=True)
    elif state in State.values:
        installations = installations.filter(health__state=state)
    customer = str(params.get("customer") or "")
    if customer.isdigit():
        installations = installations.filter(license__customer_id=int(customer))
    group = str(params.get("group") or "")
    if group.isdigit():
        installations = installations.filter(license__memberships__group_id=int(group))
    search = " ".join(str(params.get("search") or "").split())[:100]
    if search:
        installations = installations.filter(
            Q(hostname__icontains=search)
            | Q(license__code__icontains=search)
            | Q(license__customer__name__icontains=search)
        )
    if params.get("ordering") == "hostname":
        return installations.order_by("hostname", "id")
    return installations.order_by(
        F("health__severity").asc(nulls_last=True),
        F("health__last_report_at").desc(nulls_last=True),
        "hostname",
        "id",
    )
