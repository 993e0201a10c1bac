"""Finding due Care reminders and profile events, set-based: one INSERT … SELECT of firings per
Care tier and distinct lead time (never a Python loop over licenses), then one delivery per
recipient and source. Each tier fires on its own end date, for the reminders and profiles that
follow it: renewing one tier never silences the other's."""

from collections import defaultdict
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Q, Value
from django.utils import timezone

from licensedesk import access
from licensedesk.accounts.models import User
from licensedesk.care import tiers
from licensedesk.care.models import CareFiring, CareReminder, ReminderLead
from licensedesk.core.inserts import insert_from
from licensedesk.groups.models import Membership
from licensedesk.notifications import events
from licensedesk.notifications.deliveries import new_delivery, recipients_of_profile
from licensedesk.notifications.models import Delivery, NotificationProfile, ProfileLead

# A lead time missed while no worker ran still fires within this many days.
CATCH_UP_DAYS = 3
CARE_ENDED_LEAD = -1

# The scans pair each reminder or profile with its company's licenses through this path.
LICENSE = "organization__licenses"


def _window(lead: int, today: date) -> tuple[date, date]:
    """Care end dates for which `lead` is due today (or was, within the catch-up); "Care
    ended" (-1) is due the day after."""
    target = today + timedelta(days=lead)
    return target - timedelta(days=CATCH_UP_DAYS), target


def _ends(tier: str) -> str:
    """The path from a reminder or profile to the end of its licenses' `tier`."""
    return f"{LICENSE}__{tiers.ends_field(tier)}"


def _not_fired(source: str, tier: str, lead: int) -> Q:
    """Not fired yet for this source, license, tier, Care period and lead."""
    fired = CareFiring.objects.filter(
        **{source: OuterRef("pk")},
        license=OuterRef(LICENSE),
        tier=tier,
        care_ends_on=OuterRef(_ends(tier)),
        lead_days=lead,
    )
    return ~Exists(fired)


def _due_reminders(tier: str, lead: int, today: date):
    """Reminders following `tier` with `lead` due today, one row per license due, which the
    owner may see."""
    in_group = Membership.objects.filter(group=OuterRef("group"), license=OuterRef(LICENSE))
    in_scope = (
        Q(scope=CareReminder.Scope.ALL)
        | Q(scope=CareReminder.Scope.LICENSE, license=F(LICENSE))
        | Q(Exists(in_group), scope=CareReminder.Scope.GROUP)
    )
    # One filter() call: every condition on the company's licenses is about the same license.
    return CareReminder.objects.filter(
        in_scope,
        access.license_visible_q("owner", LICENSE),
        tiers.followed_q(tier),
        _not_fired("reminder", tier, lead),
        muted=False,
        leads__days=lead,
        **{f"{_ends(tier)}__range": _window(lead, today)},
    )


def _due_profiles(tier: str, lead: int, today: date):
    """Profiles following `tier` with `lead` due today, one row per license due in their
    scope."""
    groups = NotificationProfile.groups.through.objects.filter(
        notificationprofile=OuterRef("pk"),
        licensegroup__memberships__license=OuterRef(LICENSE),
    )
    customers = NotificationProfile.customers.through.objects.filter(
        notificationprofile=OuterRef("pk"), customer=OuterRef(f"{LICENSE}__customer")
    )
    in_scope = (
        Q(scope=NotificationProfile.Scope.ALL)
        | Q(Exists(groups), scope=NotificationProfile.Scope.GROUPS)
        | Q(Exists(customers), scope=NotificationProfile.Scope.CUSTOMERS)
    )
    return NotificationProfile.objects.filter(
        in_scope,
        tiers.followed_q(tier),
        _not_fired("profile", tier, lead),
        muted=False,
        leads__days=lead,
        **{f"{_ends(tier)}__range": _window(lead, today)},
    )


def _fire(source: str, due, tier: str, lead: int, today: date) -> int:
    return insert_from(
        CareFiring,
        due,
        **{source: F("pk")},
        license=F(LICENSE),
        tier=Value(tier),
        care_ends_on=F(_ends(tier)),
        lead_days=Value(lead),
        fired_on=Value(today),
        queued=Value(False),
    )


@transaction.atomic
def scan(today: date | None = None) -> dict:
    """Fire every due lead time and queue the deliveries; safe to run often and from several
    workers (each lead fires once per Care period)."""
    today = today or timezone.localdate()
    fired = 0
    reminder_leads = list(ReminderLead.objects.values_list("days", flat=True).distinct())
    profile_leads = list(ProfileLead.objects.values_list("days", flat=True).distinct())
    for tier in tiers.TIERS:
        for lead in reminder_leads:
            fired += _fire("reminder", _due_reminders(tier, lead, today), tier, lead, today)
        for lead in profile_leads:
            fired += _fire("profile", _due_profiles(tier, lead, today), tier, lead, today)
    firings = list(
        CareFiring.objects.filter(queued=False).values(
            "id", "reminder_id", "profile_id", "license_id", "tier", "care_ends_on", "lead_days"
        )
    )
    by_source = defaultdict(list)
    for firing in firings:
        key = (
            ("reminder", firing["reminder_id"])
            if firing["reminder_id"]
            else ("profile", firing["profile_id"])
        )
        by_source[key].append(firing)
    deliveries = queue_deliveries(by_source, today)
    if firings:
        last = max(f["id"] for f in firings)
        CareFiring.objects.filter(queued=False, id__lte=last).update(queued=True)
    return {"fired": fired, "deliveries": deliveries}


def event_for(lead_days: int) -> str:
    return events.CARE_ENDED if lead_days == CARE_ENDED_LEAD else events.CARE_ENDING


def queue_deliveries(by_source: dict, today: date) -> int:
    """One email per recipient and source (a digest of that day's due licenses) and one
    webhook call per profile."""
    # Every source in two queries (and its active users in a third), not two per source.
    reminders = CareReminder.objects.select_related("owner").in_bulk(
        [source_id for kind, source_id in by_source if kind == "reminder"]
    )
    profiles = NotificationProfile.objects.prefetch_related(
        Prefetch("users", queryset=User.objects.filter(is_active=True), to_attr="active_users")
    ).in_bulk([source_id for kind, source_id in by_source if kind == "profile"])
    new = []
    for (kind, source_id), firings in by_source.items():
        items = [
            {
                "license_id": f["license_id"],
                "tier": f["tier"],
                "care_ends_on": f["care_ends_on"].isoformat(),
                "lead_days": f["lead_days"],
                "event": event_for(f["lead_days"]),
            }
            for f in firings
        ]
        payload = {"date": today.isoformat(), "items": items}
        if kind == "reminder":
            new += _reminder_deliveries(reminders[source_id], payload)
        else:
            event = items[0]["event"] if len({i["event"] for i in items}) == 1 else None
            new += _profile_deliveries(profiles[source_id], event or events.CARE_ENDING, payload)
    Delivery.objects.bulk_create(new, batch_size=1000)
    return len(new)


def _reminder_deliveries(reminder, payload) -> list[Delivery]:
    recipients = [(reminder.owner.email, reminder.owner)] if reminder.notify_me else []
    recipients += [(email, None) for email in reminder.extra_emails]
    return [
        new_delivery(
            reminder.organization_id,
            events.CARE_ENDING,
            "email",
            email,
            payload,
            reminder=reminder,
            user=user,
        )
        for email, user in recipients
    ]


def _profile_deliveries(profile, event, payload) -> list[Delivery]:
    new = []
    if profile.email_enabled:
        for email, user in recipients_of_profile(profile):
            new.append(
                new_delivery(
                    profile.organization_id,
                    event,
                    "email",
                    email,
                    payload,
                    profile=profile,
                    user=user,
                )
            )
    if profile.webhook_url:
        new.append(
            new_delivery(
                profile.organization_id,
                event,
                "webhook",
                profile.webhook_url,
                payload,
                profile=profile,
            )
        )
    return new
