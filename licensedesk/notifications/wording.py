"""What a notification says, in sentences people read: what happened, why it reached them,
and where to look (no raw data). Used by the emails; webhooks keep the data as it is."""

from datetime import datetime

from django.urls import reverse

from licensedesk.notifications import events

INSTALLATION_EVENTS = {
    events.INSTALLATION_OFFLINE,
    events.INSTALLATION_ONLINE,
    events.INSTALLATION_CRITICAL,
    events.INSTALLATION_RECOVERED,
    events.GRACE_ENDING,
    events.GRACE_EXPIRED,
    events.CHANGES_USED_UP,
}


def _state(value) -> str:
    return str(value or "unknown").capitalize()


def _when(value) -> str:
    try:
        return datetime.fromisoformat(str(value)).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return ""


def _count(n, one: str, many: str) -> str:
    n = int(n or 0)
    return f"{n} {one if n == 1 else many}"


def hours_ahead(hours) -> str:
    """ "in 3 days", "in 20 hours", "within the hour": how soon, as people say it."""
    hours = max(0, int(hours or 0))
    if hours >= 48:
        return f"in {round(hours / 24)} days"
    if hours >= 1:
        return f"in {_count(hours, 'hour', 'hours')}"
    return "within the hour"


def _grace(event: str, data: dict, name: str) -> list[str]:
    devices = data.get("devices") or {}
    if event == events.GRACE_ENDING:
        in_grace = _count(devices.get("in_grace"), "device runs", "devices run")
        ends = _when(data.get("grace_ends_at"))
        return [
            f"{in_grace} in grace on the installation {name}: cameras stop recording "
            f"{hours_ahead(data.get('hours_left'))} ({ends}) unless their licenses are "
            "activated.",
            "Activate them from the installation's page: upload a license request (.lrq) "
            "from the customer's VMS, or activate online with licensedesk-client.",
        ]
    if event == events.GRACE_EXPIRED:
        stopped = _count(devices.get("grace_expired"), "device's", "devices'")
        return [
            f"The grace period of {stopped} licenses ran out on the installation {name}: "
            "they stopped recording.",
            "Activate their licenses from the installation's page to record again.",
        ]
    changes = data.get("changes_without_activation") or {}
    return [
        f"The installation {name} used all {_count(changes.get('allowed'), 'change', 'changes')}"
        " it may make without activation: the next device replaced or added needs an "
        "activated license.",
        "Activate its device licenses from the installation's page.",
    ]


def _reasons(data) -> str:
    reasons = [str(r) for r in data.get("reasons") or []]
    return "; ".join(reasons)


def installation_name(data) -> str:
    return str(data.get("installation") or "an installation")


def subject_of(event: str, data: dict) -> str | None:
    """The subject of an installation's alert (None: the event's usual subject)."""
    if event in INSTALLATION_EVENTS:
        return f"{events.LABELS[event]}: {installation_name(data)}"
    return None


def sentences(event: str, data: dict) -> list[str]:
    """What happened, in one or two sentences."""
    name = f"“{installation_name(data)}”"
    since = _when(data.get("since"))
    at = f" since {since}" if since else ""
    why = _reasons(data)
    if event == events.INSTALLATION_OFFLINE:
        said = [f"The installation {name} stopped reporting: it is Offline{at}."]
        return said + ([f"Why: {why}."] if why else [])
    if event == events.INSTALLATION_CRITICAL:
        said = [f"The installation {name} is Critical{at}."]
        return said + ([f"Why: {why}."] if why else [])
    if event == events.INSTALLATION_ONLINE:
        return [f"The installation {name} is reporting again; it is {_state(data.get('state'))}."]
    if event == events.INSTALLATION_RECOVERED:
        said = [
            f"The installation {name} is no longer Critical; it is {_state(data.get('state'))}."
        ]
        return said + ([f"Still to look at: {why}."] if why else [])
    if event in (events.GRACE_ENDING, events.GRACE_EXPIRED, events.CHANGES_USED_UP):
        return _grace(event, data, name)
    if event == events.LICENSE_REGISTERED:
        who = data.get("registered_by")
        return [f"{who} registered the license." if who else "The license was registered."]
    if event in (events.DEVICES_ACTIVATED, events.ACTIVATION_REFUSED):
        activated = _count(data.get("activated"), "device license was", "device licenses were")
        said = [f"{activated} activated for the installation {name}."]
        if data.get("refused"):
            refused = _count(data["refused"], "device was", "devices were")
            said.append(f"{refused} refused: the license has no device licenses left for them.")
        return said
    return []


def link(event: str, data: dict, base_url: str, licenses) -> tuple[str, str] | None:
    """(label, address) of the page to look at."""
    installation_id = data.get("installation_id")
    if event in INSTALLATION_EVENTS and installation_id:
        return "Open the installation", base_url + reverse(
            "monitoring:detail", args=[installation_id]
        )
    if len(licenses) == 1:
        return "Open the license", base_url + reverse("licenses:detail", args=[licenses[0].code])
    return None


def why_it_matched(profile, lic) -> str:
    """Why `profile` covers `lic`, to tell the recipient why the message reached them."""
    if profile.scope == profile.Scope.GROUPS:
        names = list(profile.groups.filter(memberships__license=lic).values_list("name", flat=True))
        groups = ", ".join(f"“{name}”" for name in names)
        return f"the license is in its license group{'s' if len(names) > 1 else ''} {groups}"
    if profile.scope == profile.Scope.CUSTOMERS:
        return f"it covers the customer “{lic.customer.name}”"
    return "it covers all licenses"
