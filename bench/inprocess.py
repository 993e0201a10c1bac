"""Serving pages in the benchmark's own process, through Django's test Client, as the
server would serve them.

`setup_test_environment()` is not used: it swaps in a template renderer that sends a signal
and copies the context for every template rendered (so that tests can inspect them), which
added 20 ms to a Licenses page on this machine, time no real request spends. The Client only
needs its host ("testserver") allowed, and pages render without a collectstatic manifest.
"""

from contextlib import contextmanager

from django.conf import settings
from django.test.utils import override_settings


def allow_test_client() -> None:
    """Call once, after django.setup()."""
    override_settings(
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ).enable()


@contextmanager
def templates_recorded():
    """For one request whose `response.context` is needed (not a timed one): the test
    renderer that records templates and their context."""
    from django.template import Template
    from django.test.utils import instrumented_test_render

    plain, Template._render = Template._render, instrumented_test_render
    try:
        yield
    finally:
        Template._render = plain
