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
}
CHOICES = list(LABELS.items())
DEFAULT_LEAD_TIMES = [90, 30, 7, 0]
MAX_LEAD_DAYS = 730
