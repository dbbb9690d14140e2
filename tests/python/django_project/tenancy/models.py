"""The seed's tenancy tables that its site builder rows point at."""

from django.db import models


class Account(models.Model):
    name = models.CharField(max_length=255)

    class Meta:
        db_table = "igny8_tenants"


class Site(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, db_column="tenant_id")
    name = models.CharField(max_length=255)

    class Meta:
        db_table = "igny8_sites"


class Sector(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, db_column="tenant_id")
    site = models.ForeignKey(Site, on_delete=models.CASCADE)
    name = models.CharField(max_length=255)

    class Meta:
        db_table = "igny8_sectors"
