"""Care tiers: Care Plus (upgrades) and Care Premium (support) are two subscriptions, each with
its own periods, end date and status. Care Basic comes with every license and never ends: it
is no tier (old Basic periods stay in the history, without reminders).

A license keeps each tier's current end (and unbroken start) in its own columns,
`care_<tier>_ends_on` and `care_<tier>_starts_on`, indexed for the lists."""

import operator
from dataclasses import dataclass
from datetime import date
from functools import reduce

from django.db.models import Q

from licensedesk.care import status as care_status
from licensedesk.care.models import CareLevel, CareTier, FollowedTiers
from licensedesk.core.errors import ServiceError

PLUS, PREMIUM = CareTier.PLUS.value, CareTier.PREMIUM.value
TIERS = (PLUS, PREMIUM)
LEVEL_OF = {PLUS: CareLevel.PLUS, PREMIUM: CareLevel.PREMIUM}
TIER_OF_LEVEL = {level: tier for tier, level in LEVEL_OF.items()}
LABELS = dict(CareTier.choices)
CHOICES = CareTier.choices
Followed = FollowedTiers


def ends_field(tier: str) -> str:
    return f"care_{tier}_ends_on"


def starts_field(tier: str) -> str:
    return f"care_{tier}_starts_on"


def tier_of(value) -> str | None:
    """The tier named by `value` ("plus", "Premium"), or None."""
    value = str(value or "").strip().lower()
    return value if value in TIERS else None


def level_of(text) -> str:
    """The Care level (Plus, Premium) named by `text`, any case, "Care " before it allowed.
    Basic is refused: it comes with every license and does not end."""
    name = " ".join(str(text or "").split()).lower().removeprefix("care ").strip()
    for level in LEVEL_OF.values():
        if name == level.lower():
            return level
    if name == CareLevel.BASIC.lower():
        raise ServiceError(
            "Care Basic comes with every license and does not end; choose Plus or Premium.",
            code="invalid_care_level",
        )
    raise ServiceError("Care level must be Plus or Premium.", code="invalid_care_level")


def clean_followed(value) -> str:
    """The tiers a reminder or profile follows, checked: both, plus or premium."""
    if value not in Followed.values:
        raise ServiceError(
            "Choose the Care tiers to follow: both, plus or premium.",
            code="invalid_care_tiers",
            field="care_tiers",
        )
    return value


def followed_q(tier: str, field: str = "care_tiers") -> Q:
    """Reminders or profiles (whose `field` says what they follow) that follow `tier`."""
    return Q(**{f"{field}__in": [Followed.BOTH, tier]})


@dataclass(frozen=True)
class TierCare:
    """One tier of a license's Care, as pages, exports and the API show it."""

    tier: str
    ends_on: date | None
    starts_on: date | None

    @property
    def label(self) -> str:
        return LABELS[self.tier]

    @property
    def level(self) -> str:
        return LEVEL_OF[self.tier]

    @property
    def status(self) -> str:
        return care_status.status_of(self.ends_on, starts_on=self.starts_on)

    @property
    def status_label(self) -> str:
        return care_status.label_of(self.status, self.starts_on)

    @property
    def upcoming_start(self) -> date | None:
        """When Care that has not started yet starts (None otherwise)."""
        return self.starts_on if self.status == care_status.UPCOMING else None


def of(lic, tier: str) -> TierCare:
    return TierCare(tier, getattr(lic, ends_field(tier)), getattr(lic, starts_field(tier)))


def all_of(lic) -> list[TierCare]:
    return [of(lic, tier) for tier in TIERS]


def status_q(status: str, tier: str | None = None, on: date | None = None) -> Q:
    """Licenses whose `tier` (either tier if None) has Care `status`. "none" with no tier:
    neither tier has Care."""
    tiers = [tier] if tier else TIERS
    conditions = [care_status.status_q(status, ends_field(t), on, starts_field(t)) for t in tiers]
    return reduce(operator.and_ if status == care_status.NONE else operator.or_, conditions)


def ends_between_q(start: date | None, end: date | None, tier: str | None = None) -> Q:
    """Licenses whose `tier` (either tier if None) ends on or after `start` and before `end`."""
    conditions = []
    for t in [tier] if tier else TIERS:
        bounds = {f"{ends_field(t)}__gte": start} if start else {}
        bounds |= {f"{ends_field(t)}__lt": end} if end else {}
        conditions.append(Q(**bounds))
    return reduce(operator.or_, conditions)
