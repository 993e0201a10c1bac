"""Care reminders: a user's own reminders on licenses they can see (`access.care_reminders_of`
lists them)."""

from django.db import transaction

from licensedesk import access
from licensedesk.audit.services import record
from licensedesk.care import tiers
from licensedesk.care.models import CareReminder, ReminderLead
from licensedesk.core.errors import ServiceError
from licensedesk.licenses.codes import normalize
from licensedesk.notifications.events import DEFAULT_LEAD_TIMES
from licensedesk.notifications.validation import clean_emails, clean_lead_times


def _apply(user, reminder: CareReminder, data: dict) -> CareReminder:
    if "scope" in data:
        if data["scope"] not in CareReminder.Scope.values:
            raise ServiceError("Choose all, group or license.", code="invalid_scope", field="scope")
        reminder.scope = data["scope"]
    group_id = data.get("group_id", reminder.group_id)  # before the scope's reset below
    reminder.group = reminder.license = None
    if reminder.scope == CareReminder.Scope.GROUP:
        reminder.group = access.groups_visible_to(user).filter(pk=group_id or 0).first()
        if reminder.group is None:
            raise ServiceError(
                "Choose one of your company's license groups.",
                code="unknown_group",
                field="group_id",
            )
    elif reminder.scope == CareReminder.Scope.LICENSE:
        slc = normalize(data.get("slc", ""))
        reminder.license = access.licenses_visible_to(user).filter(code=slc).first()
        if reminder.license is None:
            raise ServiceError(
                "Choose one of the licenses you can see.", code="unknown_license", field="slc"
            )
    if "lead_times" in data:
        reminder.lead_times = clean_lead_times(data["lead_times"])
    if "care_tiers" in data:
        reminder.care_tiers = tiers.clean_followed(data["care_tiers"])
    if "notify_me" in data:
        reminder.notify_me = bool(data["notify_me"])
    if "extra_emails" in data:
        reminder.extra_emails = clean_emails(data["extra_emails"])
    if "muted" in data:
        reminder.muted = bool(data["muted"])
    if not reminder.notify_me and not reminder.extra_emails:
        raise ServiceError(
            "Choose who is reminded: you, or extra addresses.",
            code="no_recipients",
            field="notify_me",
        )
    reminder.save()
    ReminderLead.objects.filter(reminder=reminder).exclude(days__in=reminder.lead_times).delete()
    ReminderLead.objects.bulk_create(
        [ReminderLead(reminder=reminder, days=d) for d in reminder.lead_times],
        ignore_conflicts=True,
    )
    return reminder


@transaction.atomic
def create_reminder(user, data: dict, request=None) -> CareReminder:
    if not access.has_license_role(user):
        access.refuse("license_role")
    data = {"lead_times": DEFAULT_LEAD_TIMES, "scope": CareReminder.Scope.ALL, **data}
    reminder = _apply(user, CareReminder(owner=user, organization_id=user.organization_id), data)
    record(
        "reminder.create",
        request=request,
        actor=user,
        target=reminder,
        changes={"scope": reminder.scope, "lead_times": reminder.lead_times},
    )
    return reminder


@transaction.atomic
def update_reminder(user, reminder, data: dict, request=None) -> CareReminder:
    if "slc" not in data and reminder.license_id:
        data = {**data, "slc": reminder.license.code}
    reminder = _apply(user, reminder, data)
    record("reminder.update", request=request, actor=user, target=reminder)
    return reminder


@transaction.atomic
def delete_reminder(user, reminder, request=None) -> None:
    record("reminder.delete", request=request, actor=user, target=reminder)
    reminder.delete()
