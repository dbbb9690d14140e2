from django.conf import settings
from django.db import models


class Membership(models.Model):
    """The host's own link from a user to the account they act for."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    account_id = models.BigIntegerField()
    site_id = models.BigIntegerField(null=True, blank=True)
    sector_id = models.BigIntegerField(null=True, blank=True)
