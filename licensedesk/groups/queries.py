from django.db.models import Count, Q

from licensedesk import access
from licensedesk.accounts.models import Role


def find_groups(user, search=""):
    """The company's groups, each with the number of its licenses the user may see; searched
    by name and description."""
    groups = access.groups_visible_to(user)
    search = " ".join(str(search or "").split())[:100]
    if search:
        groups = groups.filter(Q(name__icontains=search) | Q(description__icontains=search))
    visible = Q()
    if user.role == Role.LICENSE_USER:
        visible = Q(memberships__license__grants__user_id=user.pk)
    return groups.annotate(
        license_count=Count("memberships", filter=visible, distinct=True)
    ).order_by("name", "id")
