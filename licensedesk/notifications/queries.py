from django.db.models import Q

from licensedesk import access


def find_profiles(user, search=""):
    profiles = access.profiles_visible_to(user)
    search = " ".join(str(search or "").split())[:100]
    if search:
        profiles = profiles.filter(
            Q(name__icontains=search)
            | Q(description__icontains=search)
            | Q(groups__name__icontains=search)
        ).distinct()
    return profiles.order_by("name", "id")
