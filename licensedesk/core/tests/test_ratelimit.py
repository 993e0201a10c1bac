from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from licensedesk.core import ratelimit
from licensedesk.core.models import RateLimitBucket

LIMIT = ratelimit.Limit(capacity=3, per_seconds=60)  # one token back every 20 s


@pytest.fixture
def clock():
    """Freeze the limiter's clock; `clock.advance(seconds)` moves it on."""
    now = [timezone.now()]
    with mock.patch("licensedesk.core.ratelimit.timezone.now", side_effect=lambda: now[0]):

        class Clock:
            @staticmethod
            def advance(seconds):
                now[0] += timedelta(seconds=seconds)

        yield Clock


def take(n, ident="alice"):
    for _ in range(n):
        ratelimit.consume("test", ident, LIMIT)


@pytest.mark.django_db
def test_it_allows_up_to_the_capacity(clock):
    take(3)
    with pytest.raises(ratelimit.RateLimited) as exc:
        take(1)
    assert exc.value.retry_after == 20


@pytest.mark.django_db
def test_it_refills_over_time(clock):
    take(3)
    clock.advance(19)
    with pytest.raises(ratelimit.RateLimited) as exc:
        take(1)
    assert exc.value.retry_after == 1
    clock.advance(1)
    take(1)
    with pytest.raises(ratelimit.RateLimited):
        take(1)


@pytest.mark.django_db
def test_it_never_refills_beyond_the_capacity(clock):
    take(1)
    clock.advance(3600)
    take(3)
    with pytest.raises(ratelimit.RateLimited):
        take(1)


@pytest.mark.django_db
def test_a_refused_request_costs_nothing(clock):
    take(3)
    for _ in range(5):
        with pytest.raises(ratelimit.RateLimited):
            take(1)
    clock.advance(20)
    take(1)


@pytest.mark.django_db
def test_keys_and_scopes_are_separate(clock):
    take(3, "alice")
    take(3, "bob")
    ratelimit.consume("other-scope", "alice", LIMIT)
    with pytest.raises(ratelimit.RateLimited):
        take(1, "alice")


@pytest.mark.django_db
def test_identifiers_are_case_insensitive_and_not_stored_in_clear(clock):
    take(2, "Alice@Example.com")
    with pytest.raises(ratelimit.RateLimited):
        take(2, "alice@example.com")
    keys = list(RateLimitBucket.objects.values_list("key", flat=True))
    assert len(keys) == 1
    assert "alice" not in keys[0].lower()


@pytest.mark.django_db
def test_a_token_given_back_can_be_taken_again_but_never_past_the_capacity(clock):
    take(3)
    ratelimit.give_back("test", "alice", LIMIT)
    take(1)
    with pytest.raises(ratelimit.RateLimited):
        take(1)
    for _ in range(5):
        ratelimit.give_back("test", "alice", LIMIT)
    take(3)
    with pytest.raises(ratelimit.RateLimited):
        take(1)


@pytest.mark.django_db
def test_reset_empties_the_bucket(clock):
    take(3)
    ratelimit.reset("test", "alice")
    take(3)
