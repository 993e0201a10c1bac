"""The events notification profiles can subscribe to."""

CARE_ENDING = "care_ending"
CARE_ENDED = "care_ended"
LICENSE_REGISTERED = "license_registered"
DEVICES_ACTIVATED = "devices_activated"
ACTIVATION_REFUSED = "activation_refused"
INSTALLATION_OFFLINE = "installation_offline"
INSTALLATION_ONLINE = "installation_online"
INSTALLATION_CRITICAL = "installation_critical"
INSTALLATION_RECOVERED = "installation_recovered"
GRACE_ENDING = "grace_ending"
GRACE_EXPIRED = "grace_expired"
CHANGES_USED_UP = "changes_used_up"

LABELS = {
    CARE_ENDING: "Care ending",
    CARE_ENDED: "Care ended",
    LICENSE_REGISTERED: "License registered",
    DEVICES_ACTIVATED: "Device licenses activated",
    ACTIVATION_REFUSED: "Activation refused for lack of device licenses",
    INSTALLATION_OFFLINE: "Installation offline",
    INSTALLATION_ONLINE: "Installation back online",
    INSTALLATION_CRITICAL: "Installation critical",
    INSTALLATION_RECOVERED: "Installation recovered",
    GRACE_ENDING: "Devices in grace: grace ending",
    GRACE_EXPIRED: "Grace expired: devices stopped recording",
    CHANGES_USED_UP: "Changes without activation used up",
}
CHOICES = list(LABELS.items())
DEFAULT_LEAD_TIMES = [90, 30, 7, 0]
MAX_LEAD_DAYS = 730
DEFAULT_GRACE_LEAD_DAYS = [7, 1]
MAX_GRACE_LEAD_DAYS = 90
