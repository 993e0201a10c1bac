"""Where a webhook connects: only to the address checked when it is sent (one DNS lookup, no
redirect followed), with the URL's host name for TLS and the Host header. The delivery log
says what went wrong in a few fixed words, never the socket's own error text.

A tiny internet plays DNS and routing: made-up names resolve to what a test says, and
connections to made-up public addresses reach servers on 127.0.0.1, so nothing leaves the
machine and every test sees which address the sender connected to."""

import errno
import logging
import socket
import ssl
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from licensedesk.licenses.tests.factories import registered
from licensedesk.notifications import events, webhooks
from licensedesk.notifications.models import Delivery
from licensedesk.notifications.sender import send_due
from licensedesk.notifications.tests.helpers import delivery, free_port, profile

PUBLIC = "93.184.216.34"


class Internet:
    """Made-up names and public addresses, routed to servers on 127.0.0.1."""

    def __init__(self, monkeypatch):
        self.names: dict[str, list[list[str]]] = {}
        self.routes: dict[tuple[str, int], int] = {}
        self.lookups: list[str] = []
        self.connections: list[tuple[str, int]] = []
        self._getaddrinfo = socket.getaddrinfo
        self._create_connection = socket.create_connection
        monkeypatch.setattr(socket, "getaddrinfo", self.getaddrinfo)
        monkeypatch.setattr(socket, "create_connection", self.create_connection)

    def name(self, host: str, *answers: list[str]):
        """`host` answers each lookup with the next of `answers` (the last one repeats)."""
        self.names[host] = list(answers)

    def route(self, address: str, port: int, local_port: int):
        self.routes[(address, port)] = local_port

    def getaddrinfo(self, host, port, *args, **kwargs):
        if host not in self.names:
            return self._getaddrinfo(host, port, *args, **kwargs)
        self.lookups.append(host)
        answers = self.names[host]
        addresses = answers.pop(0) if len(answers) > 1 else answers[0]
        if not addresses:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (a, port, 0, 0))
            if ":" in a
            else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]

    def create_connection(self, address, *args, **kwargs):
        host, port = address[:2]
        self.connections.append((host, port))
        if (host, port) in self.routes:
            return self._create_connection(("127.0.0.1", self.routes[(host, port)]), *args)
        if host in ("127.0.0.1", "::1"):
            return self._create_connection(address, *args, **kwargs)
        raise ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")


class Receiver:
    """An HTTP(S) server on 127.0.0.1 that records every request, whatever its method, and
    answers `status` with `headers`; over TLS it also records the server name (SNI) asked."""

    def __init__(self, status=204, headers=None, tls: ssl.SSLContext | None = None):
        self.calls: list[dict] = []
        self.server_names: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def handle_one_request(self):
                self.raw_requestline = self.rfile.readline(65537)
                if not self.raw_requestline or not self.parse_request():
                    return
                length = int(self.headers.get("Content-Length") or 0)
                receiver.calls.append(
                    {"method": self.command, "path": self.path, "headers": dict(self.headers)}
                )
                self.rfile.read(length)
                self.send_response(status)
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Length", "0")
                self.end_headers()
                self.wfile.flush()
                self.close_connection = True

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hooks/licensedesk"
        if tls is not None:
            tls.sni_callback = lambda sock, name, ctx: self.server_names.append(name)
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def certificate(tmp_path, name: str) -> tuple[str, str]:
    """A self-signed certificate for `name` and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_file), str(key_file)


@pytest.fixture
def internet(monkeypatch):
    return Internet(monkeypatch)


@pytest.fixture
def private_ok(settings):
    settings.ALLOW_PRIVATE_WEBHOOKS = True


@pytest.fixture
def tls_site(tmp_path, monkeypatch):
    """tls_site(name) -> a server context with a certificate for `name`, which the sender
    trusts (as if a public CA had signed it)."""
    real = ssl.create_default_context

    def make(name):
        cert_file, key_file = certificate(tmp_path, name)
        monkeypatch.setattr(ssl, "create_default_context", lambda *a, **k: real(cafile=cert_file))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        return context

    return make


def queue_webhook(world, url) -> Delivery:
    """A profile with this webhook (its URL checked on save) and one delivery due to it."""
    prof = profile(
        world.license_admin,
        "Ticketing",
        events=[events.LICENSE_REGISTERED],
        webhook_url=url,
        email_enabled=False,
        extra_emails=[],
    )
    return delivery(prof, registered(world.org), recipient=url, channel=Delivery.Channel.WEBHOOK)


def outcome(d: Delivery) -> tuple[str, str]:
    d.refresh_from_db()
    return d.state, d.last_error


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_not_followed(world, private_ok, internet, status):
    internet.name("internal.example", ["127.0.0.1"])
    with Receiver() as inside:
        location = f"http://internal.example:{inside.port}/internal?token=s3cret"
        with Receiver(status, {"Location": location}) as outside:
            d = queue_webhook(world, outside.url)
            send_due()
    assert [c["method"] for c in outside.calls] == ["POST"]
    assert inside.calls == []  # neither the POST nor a GET, nor the signature headers
    assert outcome(d) == ("retrying", "redirect to internal.example not followed")


def test_the_connection_goes_to_the_address_checked_without_a_second_lookup(
    world, internet, tls_site
):
    internet.name("hooks.example.com", [PUBLIC])
    d = queue_webhook(world, "https://hooks.example.com/licensedesk")
    internet.lookups.clear()
    internet.name("hooks.example.com", [PUBLIC], ["127.0.0.1"])  # rebinds after one answer
    with Receiver(tls=tls_site("hooks.example.com")) as receiver:
        internet.route(PUBLIC, 443, receiver.port)
        send_due()
    assert internet.lookups == ["hooks.example.com"]
    assert internet.connections == [(PUBLIC, 443)]
    assert outcome(d) == ("sent", "")


def test_https_to_the_pinned_address_still_names_the_host_for_tls_and_http(
    world, internet, tls_site
):
    internet.name("hooks.example.com", [PUBLIC])
    d = queue_webhook(world, "https://hooks.example.com:8443/licensedesk?team=care")
    with Receiver(tls=tls_site("hooks.example.com")) as receiver:
        internet.route(PUBLIC, 8443, receiver.port)
        send_due()
    assert receiver.server_names == ["hooks.example.com"]
    [call] = receiver.calls
    assert (call["method"], call["path"]) == ("POST", "/licensedesk?team=care")
    assert call["headers"]["Host"] == "hooks.example.com:8443"
    assert outcome(d) == ("sent", "")


def test_a_certificate_for_another_name_is_a_tls_error(world, internet, tls_site):
    internet.name("hooks.example.com", [PUBLIC])
    d = queue_webhook(world, "https://hooks.example.com/licensedesk")
    with Receiver(tls=tls_site("other.example")) as receiver:
        internet.route(PUBLIC, 443, receiver.port)
        send_due()
    assert receiver.calls == []
    assert outcome(d) == ("retrying", "TLS error")


@pytest.mark.parametrize(
    "answer",
    [
        ["127.0.0.1"],
        [PUBLIC, "10.0.0.7"],  # every address counts, not only the first
        ["64:ff9b::7f00:1"],  # NAT64 of loopback
        ["2002:a9fe:a9fe::1"],  # 6to4 of the cloud metadata service
    ],
)
def test_a_name_resolving_to_a_refused_address_at_send_time_gets_no_connection(
    world, internet, answer
):
    internet.name("hooks.example.com", [PUBLIC], answer)
    d = queue_webhook(world, "https://hooks.example.com/licensedesk")
    send_due()
    assert internet.connections == []
    assert outcome(d) == ("retrying", "address not allowed")


def test_a_name_that_stopped_resolving_says_so(world, internet):
    internet.name("hooks.example.com", [PUBLIC], [])
    d = queue_webhook(world, "https://hooks.example.com/licensedesk")
    send_due()
    assert outcome(d) == ("retrying", "name not resolved")


def test_a_refused_connection_shows_no_socket_details_in_the_log(world, private_ok, caplog):
    port = free_port()  # bound once, now nobody listens there
    d = queue_webhook(world, f"http://127.0.0.1:{port}/hook")
    with caplog.at_level(logging.WARNING, logger="licensedesk.notifications.sender"):
        send_due()
    assert outcome(d) == ("retrying", "connection refused")
    assert "Errno" in caplog.text  # the details are for the server's log only


def test_a_receiver_that_never_answers_timed_out(world, private_ok, monkeypatch):
    monkeypatch.setattr(webhooks, "WEBHOOK_TIMEOUT", 0.3)
    with socket.socket() as silent:  # accepts connections (the backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        d = queue_webhook(world, f"http://127.0.0.1:{silent.getsockname()[1]}/hook")
        send_due()
    assert outcome(d) == ("retrying", "timed out")


def test_an_error_status_is_logged_as_its_code(world, private_ok):
    with Receiver(404) as receiver:
        d = queue_webhook(world, receiver.url)
        send_due()
    assert outcome(d) == ("retrying", "HTTP 404")
