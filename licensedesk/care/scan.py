"""Finding due Care reminders and profile events, set-based: one INSERT … SELECT per distinct
lead time (never a Python loop over licenses), then one delivery per recipient and source."""

from collections import defaultdict
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from licensedesk import access
from licensedesk.care.models import CareFiring, CareReminder, ReminderLead
from licensedesk.core import plans
from licensedesk.groups.models import Membership
from licensedesk.licenses.models import License
from licensedesk.notifications import events
from licensedesk.notifications.models import NotificationProfile, ProfileLead

# A lead time missed while no worker ran still fires within this many days.
CATCH_UP_DAYS = 3
CARE_ENDED_LEAD = -1


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _window(lead: int, today: date) -> tuple[date, date]:
    """Care end dates for which `lead` is due today (or was, within the catch-up)."""
    target = today + timedelta(days=lead)
    return target - timedelta(days=CATCH_UP_DAYS), target


def _fire_reminders(cursor, lead: int, today: date) -> int:
    lo, hi = _window(lead, today)
    users = connection.ops.quote_name("accounts_user")
    # Table names and the visibility rule are ours; every value is a parameter.
    sql = f"""
        INSERT INTO {_t(CareFiring)}
            (reminder_id, profile_id, license_id, care_ends_on, lead_days, fired_on, queued)
        SELECT r.id, NULL, l.id, l.care_ends_on, %s, %s, %s
        FROM {_t(CareReminder)} r
        JOIN {_t(ReminderLead)} rl ON rl.reminder_id = r.id AND rl.days = %s
        JOIN {users} u ON u.id = r.owner_id
        JOIN {_t(License)} l ON l.organization_id = r.organization_id
        WHERE r.muted = %s
          AND l.care_ends_on >= %s AND l.care_ends_on <= %s
          AND (r.scope = 'all'
               OR (r.scope = 'license' AND l.id = r.license_id)
               OR (r.scope = 'group' AND EXISTS (
                    SELECT 1 FROM {_t(Membership)} m
                    WHERE m.group_id = r.group_id AND m.license_id = l.id)))
          AND {access.license_visible_sql("l", "u")}
          AND NOT EXISTS (
                SELECT 1 FROM {_t(CareFiring)} f
                WHERE f.reminder_id = r.id AND f.license_id = l.id
                  AND f.care_ends_on = l.care_ends_on AND f.lead_days = %s)
    """
    cursor.execute(sql, [lead, today, False, lead, False, lo, hi, lead])  # noqa: S608
    return cursor.rowcount


def _fire_profiles(cursor, lead: int, today: date) -> int:
    if lead == CARE_ENDED_LEAD:
        hi = today - timedelta(days=1)
        lo = hi - timedelta(days=CATCH_UP_DAYS)
    else:
        lo, hi = _window(lead, today)
    groups = _t(NotificationProfile.groups.through)
    customers = _t(NotificationProfile.customers.through)
    # Table names and the visibility rule are ours; every value is a parameter.
    sql = f"""
        INSERT INTO {_t(CareFiring)}
            (reminder_id, profile_id, license_id, care_ends_on, lead_days, fired_on, queued)
        SELECT NULL, p.id, l.id, l.care_ends_on, %s, %s, %s
        FROM {_t(NotificationProfile)} p
        JOIN {_t(ProfileLead)} pl ON pl.profile_id = p.id AND pl.days = %s
        JOIN {_t(License)} l ON l.organization_id = p.organization_id
        WHERE p.muted = %s
          AND l.care_ends_on >= %s AND l.care_ends_on <= %s
          AND (p.scope = 'all'
               OR (p.scope = 'groups' AND EXISTS (
                    SELECT 1 FROM {groups} pg
                    JOIN {_t(Membership)} m ON m.group_id = pg.licensegroup_id
                    WHERE pg.notificationprofile_id = p.id AND m.license_id = l.id))
               OR (p.scope = 'customers' AND EXISTS (
                    SELECT 1 FROM {customers} pc
                    WHERE pc.notificationprofile_id = p.id AND pc.customer_id = l.customer_id)))
          AND NOT EXISTS (
                SELECT 1 FROM {_t(CareFiring)} f
                WHERE f.profile_id = p.id AND f.license_id = l.id
                  AND f.care_ends_on = l.care_ends_on AND f.lead_days = %s)
    """
    cursor.execute(sql, [lead, today, False, lead, False, lo, hi, lead])  # noqa: S608
    return cursor.rowcount


@transaction.atomic
def scan(today: date | None = None) -> dict:
    """Fire every due lead time and queue the deliveries; safe to run often and from several
    workers (each lead fires once per Care period)."""
    from licensedesk.notifications.services import queue_care_deliveries

    today = today or timezone.localdate()
    fired = 0
    with connection.cursor() as cursor:
        for lead in ReminderLead.objects.values_list("days", flat=True).distinct():
            fired += _fire_reminders(cursor, lead, today)
        for lead in ProfileLead.objects.values_list("days", flat=True).distinct():
            fired += _fire_profiles(cursor, lead, today)
    firings = list(
        CareFiring.objects.filter(queued=False).values(
            "id", "reminder_id", "profile_id", "license_id", "care_ends_on", "lead_days"
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
    deliveries = queue_care_deliveries(by_source, today)
    if firings:
        last = max(f["id"] for f in firings)
        CareFiring.objects.filter(queued=False, id__lte=last).update(queued=True)
    # Last, so that the scan's own statements keep plans for their values: the foreign-key
    # checks of the firings and deliveries run at COMMIT, one prepared plan per row.
    plans.generic_plans_until_commit()
    return {"fired": fired, "deliveries": deliveries}


def event_for(lead_days: int) -> str:
    return events.CARE_ENDED if lead_days == CARE_ENDED_LEAD else events.CARE_ENDING
