"""Helpers for the Care reminder and notification tests: reminders and profiles made through
the real services, a real SMTP server (aiosmtpd) and a webhook receiver on 127.0.0.1."""

import hashlib
import hmac
import json
import socket
import threading
import time
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller
from django.utils import timezone

from licensedesk.care import reminders
from licensedesk.notifications import events, services
from licensedesk.notifications.models import Delivery


def reminder(user, **data):
    """A Care reminder of `user` (all their licenses, 90/30/7/0 days, unless told)."""
    return reminders.create_reminder(user, data)


def profile(admin, name="Care desk", **data):
    """A notification profile of `admin`'s company; Care ending and ended unless told."""
    data = {
        "name": name,
        "events": [events.CARE_ENDING, events.CARE_ENDED],
        "extra_emails": ["desk@northwind.example"],
        **data,
    }
    return services.create_profile(admin, data)


def delivery(prof, lic, recipient="desk@northwind.example", **fields) -> Delivery:
    """A queued email delivery of `prof` about `lic`, due now."""
    return Delivery.objects.create(
        organization_id=prof.organization_id,
        profile=prof,
        event=fields.pop("event", events.LICENSE_REGISTERED),
        channel=fields.pop("channel", Delivery.Channel.EMAIL),
        recipient=recipient,
        payload={"items": [{"license_id": lic.pk, "event": events.LICENSE_REGISTERED}]},
        next_attempt_at=fields.pop("next_attempt_at", timezone.now()),
        **fields,
    )


def states(*deliveries) -> list[str]:
    return [Delivery.objects.get(pk=d.pk).state for d in deliveries]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpSink:
    """A real SMTP server on 127.0.0.1 that keeps every message it accepts. `stop()` and
    `start()` again on the same port, to play an outage."""

    def __init__(self):
        self.port = free_port()
        self.messages: list[Message] = []
        self.envelopes = []
        self.sessions = set()  # one per SMTP connection
        self._lock = threading.Lock()
        self._controller = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        with self._lock:
            self.envelopes.append(envelope)
            self.sessions.add(id(session))
            self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def start(self):
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def recipients(self) -> list[str]:
        with self._lock:
            return [rcpt for e in self.envelopes for rcpt in e.rcpt_tos]

    def use(self, settings):
        """Point Django's email at this server."""
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = self.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 5
        return self


class WebhookReceiver:
    """An HTTP receiver on 127.0.0.1 that checks the signature and timestamp of each call the
    way a customer's receiver would, and answers `status` (204 unless told)."""

    MAX_AGE = 300

    def __init__(self, secret: str = "", status: int = 204):
        self.secret = secret
        self.status = status
        self.calls: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                timestamp = self.headers.get("X-Licensedesk-Timestamp", "")
                expected = (
                    "sha256="
                    + hmac.new(
                        receiver.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
                    ).hexdigest()
                )
                given = self.headers.get("X-Licensedesk-Signature", "")
                fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) < receiver.MAX_AGE
                receiver.calls.append(
                    {
                        "headers": dict(self.headers),
                        "body": json.loads(body),
                        "valid": hmac.compare_digest(expected, given) and fresh,
                    }
                )
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/licensedesk"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
