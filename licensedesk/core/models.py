from django.db import models


class RateLimitBucket(models.Model):
    """A token bucket kept in the database, so limits hold across processes."""

    key = models.CharField(max_length=200, unique=True)
    tokens = models.FloatField()
    # When `tokens` was last counted, in seconds since the epoch: plain arithmetic in SQL on
    # every database, so a request is counted in one statement.
    stamp = models.FloatField()

    def __str__(self):
        return self.key
