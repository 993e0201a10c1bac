from datetime import datetime
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from licensedesk import access
from licensedesk.api.openapi import errors
from licensedesk.care import reminders
from licensedesk.core.ids import Id
from licensedesk.notifications import queries, services

router = Router()

Scope = Literal["all", "group", "license"]
ProfileScope = Literal["all", "groups", "customers"]
# The Care tiers a reminder's or profile's Care events follow.
CareTiers = Literal["both", "plus", "premium"]


class ReminderOut(Schema):
    id: int
    scope: str
    group_id: int | None
    slc: str | None
    lead_times: list[int]
    care_tiers: str
    notify_me: bool
    extra_emails: list[str]
    muted: bool
    created_at: datetime

    @staticmethod
    def resolve_slc(obj):
        return obj.license.code if obj.license_id else None


class ReminderIn(Schema):
    model_config = {"extra": "forbid"}
    scope: Scope = "all"
    group_id: Id | None = None
    slc: str | None = Field(None, max_length=100)
    lead_times: list[int] = Field(default_factory=lambda: [90, 30, 7, 0], max_length=20)
    care_tiers: CareTiers = "both"
    notify_me: bool = True
    extra_emails: list[str] = Field(default_factory=list, max_length=50)
    muted: bool = False


class ReminderPatch(Schema):
    model_config = {"extra": "forbid"}
    scope: Scope | None = None
    group_id: Id | None = None
    slc: str | None = Field(None, max_length=100)
    lead_times: list[int] | None = Field(None, max_length=20)
    care_tiers: CareTiers | None = None
    notify_me: bool | None = None
    extra_emails: list[str] | None = Field(None, max_length=50)
    muted: bool | None = None


def _license_role(request):
    access.require(request, access.has_license_role(request.auth), "license_role")


def _reminder(request, reminder_id):
    _license_role(request)
    return get_object_or_404(
        access.care_reminders_of(request.auth).select_related("license"), pk=reminder_id
    )


@router.get("/care-reminders", response=list[ReminderOut], tags=["care reminders"])
@paginate
def list_reminders(request):
    """Your own Care reminders."""
    _license_role(request)
    return access.care_reminders_of(request.auth).select_related("license")


@router.post("/care-reminders", response={201: ReminderOut}, tags=["care reminders"])
def create_reminder(request, payload: ReminderIn):
    _license_role(request)
    reminder = reminders.create_reminder(request.auth, payload.dict(), request=request)
    return 201, _reminder(request, reminder.pk)


@router.get("/care-reminders/{id:reminder_id}", response=ReminderOut, tags=["care reminders"])
def get_reminder(request, reminder_id: int):
    return _reminder(request, reminder_id)


@router.patch("/care-reminders/{id:reminder_id}", response=ReminderOut, tags=["care reminders"])
def patch_reminder(request, reminder_id: int, payload: ReminderPatch):
    reminder = _reminder(request, reminder_id)
    reminders.update_reminder(request.auth, reminder, payload.dict(exclude_unset=True), request)
    return _reminder(request, reminder_id)


@router.delete("/care-reminders/{id:reminder_id}", response={204: None}, tags=["care reminders"])
def delete_reminder(request, reminder_id: int):
    reminders.delete_reminder(request.auth, _reminder(request, reminder_id), request=request)
    return 204, None


class ProfileOut(Schema):
    id: int
    name: str
    description: str
    scope: str
    group_ids: list[int]
    customer_ids: list[int]
    events: list[str]
    lead_times: list[int]
    care_tiers: str
    grace_lead_days: list[int]
    user_ids: list[int]
    extra_emails: list[str]
    email_enabled: bool
    webhook_url: str
    webhook_secret: str
    muted: bool

    @staticmethod
    def resolve_group_ids(obj):
        return [g.pk for g in obj.groups.all()]

    @staticmethod
    def resolve_customer_ids(obj):
        return [c.pk for c in obj.customers.all()]

    @staticmethod
    def resolve_user_ids(obj):
        return [u.pk for u in obj.users.all()]


class ProfileIn(Schema):
    model_config = {"extra": "forbid"}
    name: str = Field(max_length=100)
    description: str = Field("", max_length=500)
    scope: ProfileScope = "all"
    group_ids: list[Id] = Field(default_factory=list, max_length=1000)
    customer_ids: list[Id] = Field(default_factory=list, max_length=1000)
    events: list[str] = Field(max_length=20)
    lead_times: list[int] = Field(default_factory=lambda: [90, 30, 7, 0], max_length=20)
    care_tiers: CareTiers = "both"
    grace_lead_days: list[int] = Field(default_factory=lambda: [7, 1], max_length=10)
    user_ids: list[Id] = Field(default_factory=list, max_length=1000)
    extra_emails: list[str] = Field(default_factory=list, max_length=50)
    email_enabled: bool = True
    webhook_url: str = Field("", max_length=500)
    muted: bool = False


class ProfilePatch(Schema):
    model_config = {"extra": "forbid"}
    name: str | None = Field(None, max_length=100)
    description: str | None = Field(None, max_length=500)
    scope: ProfileScope | None = None
    group_ids: list[Id] | None = Field(None, max_length=1000)
    customer_ids: list[Id] | None = Field(None, max_length=1000)
    events: list[str] | None = Field(None, max_length=20)
    lead_times: list[int] | None = Field(None, max_length=20)
    care_tiers: CareTiers | None = None
    grace_lead_days: list[int] | None = Field(None, max_length=10)
    user_ids: list[Id] | None = Field(None, max_length=1000)
    extra_emails: list[str] | None = Field(None, max_length=50)
    email_enabled: bool | None = None
    webhook_url: str | None = Field(None, max_length=500)
    muted: bool | None = None


def _admin(request):
    _license_role(request)
    access.require(request, access.is_license_admin(request.auth), "notification_profiles")


def _profile(request, profile_id):
    _admin(request)
    return get_object_or_404(
        access.profiles_visible_to(request.auth).prefetch_related("groups", "customers", "users"),
        pk=profile_id,
    )


@router.get("/notification-profiles", response=list[ProfileOut], tags=["notification profiles"])
@paginate
def list_profiles(request, search: str = ""):
    """The company's notification profiles, searched by name, description and group name."""
    _admin(request)
    return queries.find_profiles(request.auth, search).prefetch_related(
        "groups", "customers", "users"
    )


@router.post(
    "/notification-profiles",
    response={201: ProfileOut},
    tags=["notification profiles"],
    openapi_extra=errors(409),
)
def create_profile(request, payload: ProfileIn):
    _admin(request)
    profile = services.create_profile(request.auth, payload.dict(), request)
    return 201, _profile(request, profile.pk)


@router.get(
    "/notification-profiles/{id:profile_id}", response=ProfileOut, tags=["notification profiles"]
)
def get_profile(request, profile_id: int):
    return _profile(request, profile_id)


@router.patch(
    "/notification-profiles/{id:profile_id}",
    response=ProfileOut,
    tags=["notification profiles"],
    openapi_extra=errors(409),
)
def patch_profile(request, profile_id: int, payload: ProfilePatch):
    profile = _profile(request, profile_id)
    services.update_profile(request.auth, profile, payload.dict(exclude_unset=True), request)
    return _profile(request, profile_id)


@router.delete(
    "/notification-profiles/{id:profile_id}", response={204: None}, tags=["notification profiles"]
)
def delete_profile(request, profile_id: int):
    services.delete_profile(request.auth, _profile(request, profile_id), request)
    return 204, None


class DeliveryOut(Schema):
    id: int
    uuid: str
    event: str
    channel: str
    recipient: str
    state: str
    attempts: int
    last_error: str
    profile_id: int | None
    reminder_id: int | None
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime

    @staticmethod
    def resolve_uuid(obj):
        return str(obj.uuid)


@router.get("/deliveries", response=list[DeliveryOut], tags=["deliveries"])
@paginate
def list_deliveries(request, state: str = ""):
    """The delivery log: License Admins see the company's, License Users their reminders'."""
    _license_role(request)
    deliveries = access.deliveries_visible_to(request.auth)
    if state:
        deliveries = deliveries.filter(state=state)
    return deliveries


@router.post(
    "/deliveries/{id:delivery_id}/retry",
    response=DeliveryOut,
    tags=["deliveries"],
    openapi_extra=errors(400),
)
def retry_delivery(request, delivery_id: int):
    _license_role(request)
    delivery = get_object_or_404(access.deliveries_visible_to(request.auth), pk=delivery_id)
    return services.retry_delivery(request.auth, delivery, request)
