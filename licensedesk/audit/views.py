from django.core.paginator import Paginator
from django.shortcuts import render

from licensedesk import access
from licensedesk.audit import export
from licensedesk.audit.filters import filter_events
from licensedesk.exports import formats

ACTION_GROUPS = [
    ("login", "Logins and failed logins"),
    ("user.", "User administration"),
    ("token.", "Access tokens"),
    ("password.", "Passwords"),
    ("profile.", "Profiles"),
    ("access.denied", "Denied access"),
]


@access.company_admin_required
def activity(request):
    events = filter_events(access.audit_events_visible_to(request.user), request.GET)
    page = Paginator(events.select_related("actor").order_by("-created_at", "-id"), 50).get_page(
        request.GET.get("page")
    )
    users = access.users_visible_to(request.user).order_by("last_name", "first_name")
    return render(
        request,
        "audit/activity.html",
        {"page": page, "users": users, "action_groups": ACTION_GROUPS, "params": request.GET},
    )


@access.company_admin_required
def activity_export(request):
    """The audit log as the page filters it (`?format=csv|xlsx|json`)."""
    return formats.download(request, export.TABLE)
