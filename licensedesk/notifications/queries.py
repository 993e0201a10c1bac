from django.db.models import Q

from licensedesk import access
from licensedesk.notifications.models import Delivery, NotificationProfile


def profiles_visible_to(user):
    """Profiles are the company's, managed by License Admins."""
    if not access.is_license_admin(user):
        return NotificationProfile.objects.none()
    return NotificationProfile.objects.filter(organization_id=user.organization_id)


def find_profiles(user, search=""):
    profiles = profiles_visible_to(user)
    search = " ".join(str(search or "").split())[:100]
    if search:
        profiles = profiles.filter(
            Q(name__icontains=search)
            | Q(description__icontains=search)
            | Q(groups__name__icontains=search)
        ).distinct()
    return profiles.order_by("name", "id")


def deliveries_visible_to(user):
    """License Admins see the company's delivery log; License Users their reminders'."""
    if not access.has_license_role(user):
        return Delivery.objects.none()
    deliveries = Delivery.objects.filter(organization_id=user.organization_id)
    if not access.is_license_admin(user):
        deliveries = deliveries.filter(reminder__owner=user)
    return deliveries
