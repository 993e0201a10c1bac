"""Sending deliveries: email over SMTP (HTML and text, with a mute link) and signed webhooks
(webhooks.py). At least once: a delivery is claimed with a lease, and only marked sent after
the SMTP server or the webhook accepted it; failures are retried with exponential backoff."""

import contextlib
import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from licensedesk import access
from licensedesk.care import tiers
from licensedesk.core import metrics
from licensedesk.licenses.models import License
from licensedesk.notifications import events, wording
from licensedesk.notifications.models import Delivery, Mute, NotificationProfile
from licensedesk.notifications.webhooks import WebhookFailed, send_webhook
from licensedesk.outbox.worker import backoff, claim_rows, worker_id

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=2)


class Skip(Exception):
    """Nothing to send any more (recipient removed, muted, or no visible license left)."""


def claim(limit=50, who=None) -> list[Delivery]:
    now = timezone.now()
    who = who or worker_id()
    due = Q(state__in=[Delivery.State.QUEUED, Delivery.State.RETRYING], next_attempt_at__lte=now)
    due |= Q(state=Delivery.State.SENDING, locked_until__lt=now)  # a worker died mid-send
    ids = claim_rows(
        Delivery,
        due,
        ("next_attempt_at", "id"),
        who,
        limit,
        state=Delivery.State.SENDING,
        locked_until=now + LEASE,
    )
    return list(
        Delivery.objects.filter(id__in=ids, locked_by=who).select_related(
            "organization", "profile", "reminder__owner", "recipient_user"
        )
    )


def mute_token(delivery: Delivery, profile_id: int | None = None) -> str:
    """The signed token of the link that stops emails to this address from the delivery's
    profile (or `profile_id`, one of the profiles it matched) or reminder."""
    profile_id = profile_id or delivery.profile_id
    source = {"p": profile_id} if profile_id else {"r": delivery.reminder_id}
    return signing.dumps({"e": delivery.recipient, **source}, salt="notifications.mute")


def _matched_profile_ids(delivery: Delivery) -> list[int]:
    """The profiles an email stands for: every profile that matched its event (one email per
    recipient), or the one it was made for."""
    matched = [m["profile_id"] for m in delivery.payload.get("matched", [])]
    return matched or ([delivery.profile_id] if delivery.profile_id else [])


def _licenses_for(delivery: Delivery) -> list[License]:
    """The licenses of the message that its recipient may still see."""
    ids = [item["license_id"] for item in delivery.payload.get("items", [])]
    licenses = access.licenses_of_company(delivery.organization_id).filter(pk__in=ids)
    viewer = delivery.recipient_user
    if delivery.reminder_id:
        viewer = delivery.reminder.owner  # extra addresses hear what the owner may see
    if viewer is not None:
        if not viewer.is_active:
            raise Skip("the recipient is no longer a user of the company")
        licenses = licenses.filter(pk__in=access.licenses_visible_to(viewer).values("pk"))
    found = list(licenses.select_related("product", "version", "customer").order_by("code"))
    if not found:
        raise Skip("no license of this message is visible to the recipient any more")
    return found


def _check_not_muted(delivery: Delivery) -> None:
    """Skip unless one of the delivery's profiles (or its reminder) still exists, is not muted
    and was not muted by the recipient."""
    if delivery.reminder_id:
        if delivery.reminder is None or delivery.reminder.muted:
            raise Skip("its profile or reminder is muted")
        if Mute.objects.filter(
            email__iexact=delivery.recipient, reminder_id=delivery.reminder_id
        ).exists():
            raise Skip("the recipient muted it")
        return
    profile_ids = _matched_profile_ids(delivery)
    profiles = NotificationProfile.objects.filter(pk__in=profile_ids)
    if not profiles.exists():
        raise Skip("its profile or reminder was deleted")
    profiles = profiles.filter(muted=False)
    if not profiles.exists():
        raise Skip("its profile or reminder is muted")
    muted_by_recipient = Mute.objects.filter(
        email__iexact=delivery.recipient, profile_id=OuterRef("pk")
    )
    if not profiles.exclude(Exists(muted_by_recipient)).exists():
        raise Skip("the recipient muted it")


def _items(delivery, licenses):
    by_id = {lic.pk: lic for lic in licenses}
    rows = []
    for item in delivery.payload.get("items", []):
        lic = by_id.get(item["license_id"])
        if lic is not None:
            rows.append(
                {
                    **item,
                    "license": lic,
                    "event_label": events.LABELS.get(item["event"]),
                    "care": _care_of_item(item, lic),
                }
            )
    return rows


def _care_of_item(item: dict, lic) -> list[str]:
    """What an email says of an item's Care: the tier a Care event is about, or else each
    tier the license has."""
    if item.get("tier") in tiers.LABELS and item.get("care_ends_on"):
        return [f"{tiers.LABELS[item['tier']]} ends {item['care_ends_on']}"]
    return [f"{c.label} ends {c.ends_on.isoformat()}" for c in lic.care_tiers if c.ends_on]


def send_email(delivery: Delivery, licenses, connection=None) -> None:
    url = settings.BASE_URL
    data = delivery.payload.get("data", {})
    matched = [
        {
            **m,
            "mute_url": url
            + reverse("notifications:mute", args=[mute_token(delivery, m["profile_id"])]),
        }
        for m in delivery.payload.get("matched", [])
    ]
    context = {
        "delivery": delivery,
        "items": _items(delivery, licenses),
        "event_label": events.LABELS.get(delivery.event, delivery.event),
        "source": delivery.profile or delivery.reminder,
        "base_url": url,
        "mute_url": url + reverse("notifications:mute", args=[mute_token(delivery)]),
        "alert_subject": wording.subject_of(delivery.event, data),
        "sentences": wording.sentences(delivery.event, data),
        "link": wording.link(delivery.event, data, url, licenses),
        "matched": matched,
    }
    subject = render_to_string("notifications/email/subject.txt", context).strip()
    text = render_to_string("notifications/email/message.txt", context)
    html = render_to_string("notifications/email/message.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [delivery.recipient],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{context['mute_url']}>",
            "X-Licensedesk-Delivery": str(delivery.uuid),
        },
    )
    message.attach_alternative(html, "text/html")
    message.send()


def deliver(delivery: Delivery, connection=None) -> str:
    """Send one claimed delivery; returns its new state."""
    now = timezone.now()
    try:
        _check_not_muted(delivery)
        licenses = _licenses_for(delivery)
        if delivery.channel == Delivery.Channel.WEBHOOK:
            send_webhook(delivery, licenses)
        else:
            send_email(delivery, licenses, connection)
    except Skip as exc:
        _finish(delivery, Delivery.State.SKIPPED, str(exc))
        return Delivery.State.SKIPPED
    except Exception as exc:  # SMTP down, webhook refused…: retry later
        attempts = delivery.attempts + 1
        final = attempts >= delivery.max_attempts
        error = detail = f"{type(exc).__name__}: {exc}"[:2000]
        if isinstance(exc, WebhookFailed):
            error = str(exc)
            if exc.__cause__ is not None:
                detail = f"{exc} ({type(exc.__cause__).__name__}: {exc.__cause__})"
        _owned(delivery).update(
            state=Delivery.State.FAILED if final else Delivery.State.RETRYING,
            attempts=attempts,
            last_error=error,
            locked_until=None,
            next_attempt_at=now + backoff(attempts),
        )
        log.warning("delivery %s failed (attempt %s): %s", delivery.pk, attempts, detail)
        return Delivery.State.FAILED if final else Delivery.State.RETRYING
    _owned(delivery).update(
        state=Delivery.State.SENT,
        attempts=delivery.attempts + 1,
        sent_at=now,
        locked_until=None,
        last_error="",
    )
    return Delivery.State.SENT


def _owned(delivery):
    """The delivery, as long as this worker still holds it: a worker whose lease ran out
    (and whose delivery another worker took) does not overwrite the newer outcome."""
    return Delivery.objects.filter(pk=delivery.pk, locked_by=delivery.locked_by)


def _finish(delivery, state, note):
    _owned(delivery).update(state=state, last_error=note, locked_until=None)


def send_due(limit=200) -> int:
    """Claim and send due deliveries (one SMTP connection for the batch); returns how many."""
    done = 0
    while done < limit:
        batch = claim(min(50, limit - done))
        if not batch:
            break
        connection = get_connection()
        with contextlib.suppress(Exception):  # SMTP down: each delivery fails and retries
            connection.open()  # once for the batch, or every message opens its own
        try:
            for delivery in batch:
                outcome = deliver(delivery, connection)
                metrics.DELIVERIES.labels(delivery.channel, outcome).inc()
                if outcome in (Delivery.State.RETRYING, Delivery.State.FAILED):
                    with contextlib.suppress(Exception):
                        connection.close()  # broken: the next messages open their own
                done += 1
        finally:
            with contextlib.suppress(Exception):  # closing a broken SMTP connection
                connection.close()
    return done
