from django.db import models


class RateLimitBucket(models.Model):
    """A token bucket kept in the database, so limits hold across processes."""

    key = models.CharField(max_length=200, unique=True)
    tokens = models.FloatField()
    updated_at = models.DateTimeField()

    def __str__(self):
        return self.key
