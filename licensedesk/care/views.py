from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from licensedesk import access
from licensedesk.care import calendar, overview, reminders, tiers
from licensedesk.care.forms import ReminderForm
from licensedesk.core import secrets_flash
from licensedesk.core.errors import ServiceError

NEW_FEED_COOKIE = "ld_new_calendar"


@access.license_role_required
def care_overview(request):
    path = reverse("care:overview")
    feed_secret = secrets_flash.take(request, NEW_FEED_COOKIE)
    feed_url = (
        request.build_absolute_uri(reverse("care:calendar", args=[feed_secret]))
        if feed_secret
        else None
    )
    windows = overview.care_windows(request.user)
    charts = []
    for tier in tiers.TIERS:
        months = overview.care_endings_by_month(request.user, tier)
        charts.append(
            {
                "tier": tier,
                "label": tiers.LABELS[tier],
                "months": months,
                "total": sum(m["count"] for m in months),
                "ended": windows[tier]["ended_90"],
            }
        )
    has_feed = calendar.CalendarFeed.objects.filter(
        user=request.user, revoked_at__isnull=True
    ).exists()
    response = render(
        request,
        "care/overview.html",
        {
            "charts": charts,
            "feed_url": feed_url,
            "has_feed": has_feed,
        },
    )
    secrets_flash.clear(request, response, NEW_FEED_COOKIE, path)
    return response


@require_POST
@access.license_role_required
def calendar_new(request):
    path = reverse("care:overview")
    response = redirect(path + "#calendar")
    secrets_flash.flash(response, NEW_FEED_COOKIE, calendar.new_feed(request.user, request), path)
    return response


@require_POST
@access.license_role_required
def calendar_revoke(request):
    calendar.revoke_feed(request.user, request=request)
    messages.success(request, "The calendar link was revoked; calendars using it stop updating.")
    return redirect(reverse("care:overview") + "#calendar")


@login_not_required
def calendar_feed(request, secret):
    user = calendar.user_for_feed(secret)
    if user is None or not access.has_license_role(user):
        raise Http404
    base = request.build_absolute_uri("/").rstrip("/")
    response = StreamingHttpResponse(
        calendar.feed(user, base),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="care.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


@access.license_role_required
def reminder_list(request):
    items = access.care_reminders_of(request.user).select_related("group", "license")
    return render(request, "care/reminder_list.html", {"reminders": items})


def _form(request, initial=None):
    form = ReminderForm(request.POST or None, initial=initial)
    return form.set_groups(access.groups_visible_to(request.user).only("id", "name"))


@access.license_role_required
def reminder_create(request):
    initial = {}
    if request.GET.get("slc"):
        initial = {"scope": "license", "slc": request.GET["slc"]}
    elif request.GET.get("group"):
        initial = {"scope": "group", "group_id": request.GET["group"]}
    form = _form(request, initial)
    if request.method == "POST" and form.is_valid():
        try:
            reminders.create_reminder(request.user, form.service_data(), request=request)
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "Your Care reminder is set.")
            return redirect("care:reminders")
    return render(request, "care/reminder_form.html", {"form": form, "adding": True})


@access.license_role_required
def reminder_edit(request, reminder_id):
    reminder = get_object_or_404(access.care_reminders_of(request.user), pk=reminder_id)
    standard = {90, 30, 7, 0}
    other = [d for d in reminder.lead_times if d not in standard]
    form = _form(
        request,
        {
            "scope": reminder.scope,
            "group_id": reminder.group_id,
            "slc": reminder.license.code if reminder.license_id else "",
            "lead_times": [d for d in reminder.lead_times if d in standard],
            "other_lead": other[0] if other else None,
            "care_tiers": reminder.care_tiers,
            "notify_me": reminder.notify_me,
            "extra_emails": "\n".join(reminder.extra_emails),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            reminders.update_reminder(request.user, reminder, form.service_data(), request)
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "Your Care reminder was saved.")
            return redirect("care:reminders")
    return render(
        request, "care/reminder_form.html", {"form": form, "adding": False, "reminder": reminder}
    )


@require_POST
@access.license_role_required
def reminder_delete(request, reminder_id):
    reminder = get_object_or_404(access.care_reminders_of(request.user), pk=reminder_id)
    reminders.delete_reminder(request.user, reminder, request=request)
    messages.success(request, "The reminder was deleted.")
    return redirect("care:reminders")
