"""Deliveries in the making: one message to one recipient over one channel."""

from django.utils import timezone

from licensedesk.notifications.models import Delivery


def new_delivery(
    org_id, event, channel, recipient, payload, *, profile=None, reminder=None, user=None
) -> Delivery:
    """A delivery due now, not saved yet (callers save theirs in one `bulk_create`)."""
    return Delivery(
        organization_id=org_id,
        event=event,
        channel=channel,
        recipient=recipient,
        recipient_user=user,
        payload=payload,
        profile=profile,
        reminder=reminder,
        next_attempt_at=timezone.now(),
    )


def recipients_of_profile(profile) -> list[tuple]:
    """(email, user) pairs: the profile's active users and its extra addresses."""
    users = getattr(profile, "active_users", None)  # prefetched by the Care scan
    if users is None:
        users = profile.users.filter(is_active=True)
    pairs = [(u.email, u) for u in users]
    pairs += [(email, None) for email in profile.extra_emails]
    return pairs
