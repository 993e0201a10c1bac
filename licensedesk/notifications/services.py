"""Turning license events into deliveries, and managing notification profiles."""

import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from licensedesk import access
from licensedesk.audit.services import record
from licensedesk.care import tiers
from licensedesk.core.errors import Conflict, ServiceError
from licensedesk.licenses.models import License
from licensedesk.notifications import events, wording
from licensedesk.notifications.deliveries import new_delivery, recipients_of_profile
from licensedesk.notifications.models import Delivery, NotificationProfile, ProfileLead
from licensedesk.notifications.validation import (
    clean_emails,
    clean_grace_lead_days,
    clean_lead_times,
    clean_webhook_url,
)
from licensedesk.outbox.registry import enqueue, enqueue_many


def _event_payload(event: str, lic, data: dict | None, at: str) -> dict:
    """What the fan-out job of one event needs to know (`fan_out` reads it)."""
    return {
        "event": event,
        "license_id": lic.pk,
        "organization_id": lic.organization_id,
        "at": at,
        "data": data or {},
    }


def emit(event: str, lic, data: dict | None = None, profile_ids=None) -> None:
    """Record that `event` happened to `lic`. Call it inside the transaction of the change:
    the fan-out to profiles runs in the worker, and nothing is lost if it is down.
    `profile_ids`: only these of the profiles it matches (whose own lead time is due)."""
    payload = _event_payload(event, lic, data, timezone.now().isoformat())
    if profile_ids is not None:
        payload["profile_ids"] = list(profile_ids)
    enqueue("notifications.fanout", payload)


def emit_many(event: str, licenses, data: dict | None = None) -> None:
    """`emit` for many licenses at once (an import), in a few INSERTs."""
    at = timezone.now().isoformat()
    enqueue_many("notifications.fanout", (_event_payload(event, lic, data, at) for lic in licenses))


def profiles_for(event: str, lic, only=None):
    """The company's unmuted profiles subscribed to `event` whose scope holds `lic` (of the
    profiles `only`, if given)."""
    profiles = access.profiles_of_company(lic.organization_id).filter(muted=False)
    if only is not None:
        profiles = profiles.filter(pk__in=only)
    in_scope = Q(scope=NotificationProfile.Scope.ALL) | Q(
        scope=NotificationProfile.Scope.GROUPS, groups__memberships__license=lic
    )
    if lic.customer_id:
        in_scope |= Q(scope=NotificationProfile.Scope.CUSTOMERS, customers=lic.customer_id)
    return [p for p in profiles.filter(in_scope).distinct() if event in p.events]


def fan_out(payload: dict) -> int:
    """Deliveries for one event: one email per recipient, however many of the matching
    profiles name them (it says which profiles and why), and each profile's webhook."""
    lic = License.objects.filter(pk=payload["license_id"]).first()
    if lic is None or lic.organization_id != payload["organization_id"]:
        return 0  # gone, or changed hands: tell nobody
    event = payload["event"]
    body = {
        "items": [{"license_id": lic.pk, "event": event}],
        "data": payload.get("data", {}),
        "at": payload.get("at"),
    }
    emails: dict[str, dict] = {}  # by address, as the recipient reads it: one email each
    new = []
    for profile in profiles_for(event, lic, payload.get("profile_ids")):
        if profile.email_enabled:
            matched = {
                "profile_id": profile.pk,
                "profile": profile.name,
                "why": wording.why_it_matched(profile, lic),
            }
            for email, user in recipients_of_profile(profile):
                if user is not None and not access.user_can_see_license(user, lic.pk):
                    continue
                recipient = emails.setdefault(
                    email.lower(), {"email": email, "user": None, "profiles": [], "matched": []}
                )
                recipient["user"] = recipient["user"] or user
                if profile not in recipient["profiles"]:
                    recipient["profiles"].append(profile)
                    recipient["matched"].append(matched)
        if profile.webhook_url:
            new.append(
                new_delivery(
                    lic.organization_id,
                    event,
                    "webhook",
                    profile.webhook_url,
                    body,
                    profile=profile,
                )
            )
    for recipient in emails.values():
        new.append(
            new_delivery(
                lic.organization_id,
                event,
                "email",
                recipient["email"],
                {**body, "matched": recipient["matched"]},
                profile=recipient["profiles"][0],
                user=recipient["user"],
            )
        )
    with transaction.atomic():
        Delivery.objects.bulk_create(new)
    return len(new)


# --- profiles -----------------------------------------------------------------------------


def _require_admin(user):
    if not access.is_license_admin(user):
        access.refuse("notification_profiles", "Only License Admins manage notification profiles.")


def _clean(user, data: dict, profile=None) -> dict:
    cleaned = {}
    if "name" in data or profile is None:
        name = " ".join(str(data.get("name") or "").split())
        if not name or len(name) > 100:
            raise ServiceError(
                "Give the profile a name (100 characters at most).",
                code="invalid_name",
                field="name",
            )
        clash = access.profiles_visible_to(user).filter(name__iexact=name)
        if profile is not None:
            clash = clash.exclude(pk=profile.pk)
        if clash.exists():
            raise Conflict(
                "A profile with this name already exists.", code="name_taken", field="name"
            )
        cleaned["name"] = name
    if "description" in data:
        description = str(data.get("description") or "").strip()
        if len(description) > 500:
            raise ServiceError("The description is too long.", field="description")
        cleaned["description"] = description
    if "scope" in data:
        if data["scope"] not in NotificationProfile.Scope.values:
            raise ServiceError("Choose a scope: all, groups or customers.", field="scope")
        cleaned["scope"] = data["scope"]
    if "events" in data:
        chosen = list(dict.fromkeys(data.get("events") or []))
        if not chosen or any(e not in events.LABELS for e in chosen):
            raise ServiceError(
                "Choose one or more known events.", code="invalid_events", field="events"
            )
        cleaned["events"] = chosen
    if "lead_times" in data:
        cleaned["lead_times"] = clean_lead_times(
            data.get("lead_times") or events.DEFAULT_LEAD_TIMES
        )
    if "care_tiers" in data:
        cleaned["care_tiers"] = tiers.clean_followed(data["care_tiers"])
    if "grace_lead_days" in data:
        cleaned["grace_lead_days"] = clean_grace_lead_days(
            data.get("grace_lead_days") or events.DEFAULT_GRACE_LEAD_DAYS
        )
    if "extra_emails" in data:
        cleaned["extra_emails"] = clean_emails(data.get("extra_emails"))
    if "webhook_url" in data:
        cleaned["webhook_url"] = clean_webhook_url(data.get("webhook_url"))
    for flag in ("email_enabled", "muted"):
        if flag in data:
            cleaned[flag] = bool(data[flag])
    if "group_ids" in data:
        ids = set(data.get("group_ids") or [])
        groups = list(access.groups_visible_to(user).filter(pk__in=ids))
        if len(groups) != len(ids):
            raise ServiceError(
                "Choose license groups of your company.", code="unknown_groups", field="group_ids"
            )
        cleaned["groups"] = groups
    if "customer_ids" in data:
        ids = set(data.get("customer_ids") or [])
        customers = list(access.customers_visible_to(user).filter(pk__in=ids))
        if len(customers) != len(ids):
            raise ServiceError(
                "Choose customers of your company.", code="unknown_customers", field="customer_ids"
            )
        cleaned["customers"] = customers
    if "user_ids" in data:
        ids = set(data.get("user_ids") or [])
        users = list(access.users_visible_to(user).filter(pk__in=ids, is_active=True))
        if len(users) != len(ids):
            raise ServiceError(
                "Recipients must be active users of your company.",
                code="unknown_users",
                field="user_ids",
            )
        cleaned["users"] = users
    return cleaned


def _apply(profile, cleaned):
    relations = {k: cleaned.pop(k) for k in ("groups", "customers", "users") if k in cleaned}
    for key, value in cleaned.items():
        setattr(profile, key, value)
    if not profile.webhook_secret:
        profile.webhook_secret = secrets.token_urlsafe(32)
    profile.save()
    for key, value in relations.items():
        getattr(profile, key).set(value)
    if profile.scope == NotificationProfile.Scope.GROUPS and not profile.groups.exists():
        raise ServiceError(
            "Choose at least one license group for this scope.",
            code="invalid_scope",
            field="group_ids",
        )
    if profile.scope == NotificationProfile.Scope.CUSTOMERS and not profile.customers.exists():
        raise ServiceError(
            "Choose at least one customer for this scope.",
            code="invalid_scope",
            field="customer_ids",
        )
    # Lead times as rows for the set-based Care scan; -1 stands for "Care ended".
    leads = set(profile.lead_times) if events.CARE_ENDING in profile.events else set()
    if events.CARE_ENDED in profile.events:
        leads.add(-1)
    ProfileLead.objects.filter(profile=profile).exclude(days__in=leads).delete()
    ProfileLead.objects.bulk_create(
        [ProfileLead(profile=profile, days=d) for d in leads], ignore_conflicts=True
    )
    return profile


@transaction.atomic
def create_profile(user, data: dict, request=None) -> NotificationProfile:
    _require_admin(user)
    data = {"lead_times": events.DEFAULT_LEAD_TIMES, "events": [], **data}
    cleaned = _clean(user, data)
    if (
        not cleaned.get("extra_emails")
        and not cleaned.get("users")
        and not cleaned.get("webhook_url")
    ):
        raise ServiceError(
            "Add at least one recipient or a webhook.", code="no_recipients", field="user_ids"
        )
    profile = _apply(
        NotificationProfile(organization_id=user.organization_id, created_by=user), cleaned
    )
    record("profile.create", request=request, actor=user, target=profile)
    return profile


@transaction.atomic
def update_profile(user, profile, data: dict, request=None) -> NotificationProfile:
    _require_admin(user)
    profile = NotificationProfile.objects.select_for_update().get(pk=profile.pk)
    cleaned = _clean(user, data, profile)
    _apply(profile, cleaned)
    record(
        "profile.update",
        request=request,
        actor=user,
        target=profile,
        changes={k: str(v)[:200] for k, v in data.items()},
    )
    return profile


@transaction.atomic
def delete_profile(user, profile, request=None) -> None:
    _require_admin(user)
    record("profile.delete", request=request, actor=user, target=profile)
    profile.delete()


@transaction.atomic
def retry_delivery(user, delivery, request=None) -> Delivery:
    if delivery.state not in (Delivery.State.FAILED, Delivery.State.RETRYING):
        raise ServiceError("Only failed or retrying deliveries can be retried.", code="not_failed")
    Delivery.objects.filter(pk=delivery.pk).update(
        state=Delivery.State.QUEUED,
        next_attempt_at=timezone.now(),
        attempts=0,
        locked_until=None,
    )
    record("delivery.retry", request=request, actor=user, target=delivery)
    delivery.refresh_from_db()
    return delivery
