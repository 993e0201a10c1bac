"""Webhooks: the signed JSON body of a delivery, and its POST to the address checked when it
is sent (never following a redirect). A receiver recomputes `signature` to trust the body."""

import hashlib
import hmac
import http.client
import json
import re
import socket
import ssl
import time
from urllib.parse import urlsplit

from licensedesk.notifications.models import Delivery
from licensedesk.notifications.validation import Target, TargetRefused, webhook_target

WEBHOOK_TIMEOUT = 10


class WebhookFailed(Exception):
    """A webhook was not accepted. Its text is short and fixed per kind of failure (what the
    delivery log shows); the socket's own error, a port-scan oracle, goes to the server log."""


def _care_data(delivery: Delivery, licenses) -> dict:
    """What a Care event is about: each license's tier and the end date that fired (only of
    the licenses the message still shows)."""
    codes = {lic.pk: lic.code for lic in licenses}
    care = [
        {
            "slc": codes[item["license_id"]],
            "tier": item["tier"],
            "ends_on": item["care_ends_on"],
            "lead_days": item["lead_days"],
        }
        for item in delivery.payload.get("items", [])
        if item.get("tier") and item["license_id"] in codes
    ]
    return {"care": care} if care else {}


def webhook_body(delivery: Delivery, licenses) -> bytes:
    return json.dumps(
        {
            "id": str(delivery.uuid),
            "event": delivery.event,
            "organization": delivery.organization.slug,
            "created": delivery.created_at.isoformat(),
            "data": delivery.payload.get("data") or _care_data(delivery, licenses),
            "licenses": [
                {
                    "slc": lic.code,
                    "product": lic.product.name,
                    "version": lic.version.name,
                    "customer": lic.customer.name if lic.customer_id else None,
                    "care": {
                        care.tier: {"level": care.level, "ends_on": care.ends_on.isoformat()}
                        if care.ends_on
                        else None
                        for care in lic.care_tiers
                    },
                }
                for lic in licenses
            ],
        },
        separators=(",", ":"),
    ).encode()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>", hex: what a receiver recomputes."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _connect(addresses, port, timeout) -> socket.socket:
    """A TCP connection to the first of the checked addresses that answers."""
    error = OSError("no address to connect to")
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout)
        except OSError as exc:
            error = exc
    raise error


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to the checked addresses; the Host header still names the URL's host."""

    def __init__(self, target: Target, timeout):
        super().__init__(target.host, target.port, timeout=timeout)
        self.addresses = target.addresses

    def connect(self):
        self.sock = _connect(self.addresses, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the checked addresses, with the URL's host name as TLS server name and as the
    name the certificate must carry."""

    def __init__(self, target: Target, timeout):
        self.tls = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=timeout, context=self.tls)
        self.addresses = target.addresses

    def connect(self):
        sock = _connect(self.addresses, self.port, self.timeout)
        try:
            self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


def _failure(exc: Exception) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, ssl.SSLError):  # certificate errors included
        return "TLS error"
    return "connection failed"


def _host_of(location: str | None, default: str) -> str:
    """The host a redirect points to, for the log: no path or query, printable, short."""
    try:
        host = urlsplit(location or "").hostname or default
    except ValueError:
        host = "?"
    return re.sub(r"[^A-Za-z0-9.:_-]", "?", host)[:100]


def send_webhook(delivery: Delivery, licenses) -> None:
    try:
        target = webhook_target(delivery.recipient)
    except TargetRefused as exc:
        raise WebhookFailed(exc.reason) from exc
    body = webhook_body(delivery, licenses)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "licensedesk-webhooks/1",
        "X-Licensedesk-Delivery": str(delivery.uuid),
        "X-Licensedesk-Event": delivery.event,
        "X-Licensedesk-Timestamp": timestamp,
        "X-Licensedesk-Signature": signature(delivery.profile.webhook_secret, timestamp, body),
    }
    https = target.scheme == "https"
    connection = (_PinnedHTTPSConnection if https else _PinnedHTTPConnection)(
        target, WEBHOOK_TIMEOUT
    )
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        status, location = response.status, response.getheader("Location")
    except (OSError, http.client.HTTPException) as exc:
        raise WebhookFailed(_failure(exc)) from exc
    finally:
        connection.close()
    if 300 <= status < 400:  # followed, it could lead anywhere, signature included
        raise WebhookFailed(f"redirect to {_host_of(location, target.host)} not followed")
    if not 200 <= status < 300:
        raise WebhookFailed(f"HTTP {status}")
