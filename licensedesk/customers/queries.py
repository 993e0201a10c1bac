from django.db.models import Count, Q

from licensedesk import access
from licensedesk.accounts.models import Role
from licensedesk.care import status as care_status


def with_license_summary(customers, user):
    """Annotate each customer with counts of the licenses `user` may see, by Care status."""
    visible = Q()
    if user.role == Role.LICENSE_USER:
        visible = Q(licenses__grants__user_id=user.pk)

    def count(extra=None):
        return Count("licenses", filter=visible & (extra or Q()), distinct=True)

    return customers.annotate(
        license_count=count(),
        care_active=count(care_status.status_q(care_status.ACTIVE, "licenses__care_ends_on")),
        care_ending=count(care_status.status_q(care_status.ENDING, "licenses__care_ends_on")),
        care_expired=count(care_status.status_q(care_status.EXPIRED, "licenses__care_ends_on")),
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
    customer_id = int(value) if str(value or "").isdigit() else None
    if customer_id is None:
        return access.customers_visible_to(user).none()
    return access.customers_visible_to(user).filter(pk=customer_id).only("id", "name")
