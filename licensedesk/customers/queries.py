from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from licensedesk import access
from licensedesk.care import status as care_status
from licensedesk.care import tiers
from licensedesk.core.ids import parse_id


def with_license_summary(customers, user):
    """Annotate each customer with counts of the licenses `user` may see, by Care status (of
    either tier):
    one small subquery per count and customer shown, not a grouping of every license."""
    licenses = access.licenses_visible_to(user).filter(customer=OuterRef("pk")).order_by()

    def count(condition=None):
        counted = licenses.filter(condition or Q()).values("customer").annotate(n=Count("pk"))
        return Coalesce(Subquery(counted.values("n")), 0)

    return customers.annotate(
        license_count=count(),
        care_active=count(tiers.status_q(care_status.ACTIVE)),
        care_ending=count(tiers.status_q(care_status.ENDING)),
        care_expired=count(tiers.status_q(care_status.EXPIRED)),
    )


def find_customers(user, search=""):
    customers = access.customers_visible_to(user)
    search = " ".join(str(search or "").split())[:100]
    if search:
        customers = customers.filter(name__icontains=search)
    return customers.order_by("name", "id")


def chosen_customer(user, value):
    """The customer a list is filtered by, for its filter menu: listing every customer would
    cost more than the list itself for a company with thousands (search finds them by name)."""
    customer_id = parse_id(value)
    if customer_id is None:
        return access.customers_visible_to(user).none()
    return access.customers_visible_to(user).filter(pk=customer_id).only("id", "name")
