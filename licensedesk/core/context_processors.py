from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, reverse

# The links of the top bar and the sidebar of every page, by a short name.
NAV = {
    "home": "dashboard:home",
    "licenses": "licenses:list",
    "customers": "customers:list",
    "groups": "groups:list",
    "installations": "monitoring:list",
    "care": "care:overview",
    "care_reminders": "care:reminders",
    "notification_profiles": "notifications:profiles",
    "deliveries": "notifications:deliveries",
    "users": "accounts:user_list",
    "activity": "audit:activity",
    "company": "accounts:company",
    "profile": "accounts:profile",
    "tokens": "accounts:token_list",
    "api_docs": "api:openapi-view",
    "back_office": "admin:index",
    "logout": "accounts:logout",
}


@cache  # keyed by the script prefix: reverse() puts the current one in front of each link
def _nav(script_prefix: str) -> dict[str, str]:
    return {key: reverse(name) for key, name in NAV.items()}


def site(request):
    # The links are reversed once per process (and script prefix), not at every page: the
    # sidebar's {% url %} tags were a noticeable part of rendering a short page.
    return {"BASE_URL": settings.BASE_URL, "nav": _nav(get_script_prefix())}
