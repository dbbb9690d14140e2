"""Unmanaged models over the engine's tables, so admin and the ORM can read them.

The engine owns the schema (``python manage.py sitebuilder migrate``); Django never creates or
alters these tables. Write through :class:`sitebuilder.SiteBuilder` so credits, validation and
versioning stay consistent; reading (reports, admin lists, joins with host models) is what these
are for. Table names follow ``SITEBUILDER["TABLE_PREFIX"]`` (default ``igny8_``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

PREFIX: str = str((getattr(settings, "SITEBUILDER", None) or {}).get("TABLE_PREFIX", "igny8_"))


class SiteBlueprint(models.Model):
    """A site blueprint; ``account_id`` is the seed's ``tenant_id`` column."""

    account_id = models.BigIntegerField(db_column="tenant_id")
    site_id = models.BigIntegerField(null=True)
    sector_id = models.BigIntegerField(null=True)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    config_json = models.JSONField(default=dict)
    structure_json = models.JSONField(default=dict)
    status = models.CharField(max_length=20)
    hosting_type = models.CharField(max_length=50)
    version = models.IntegerField()
    deployed_version = models.IntegerField(null=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = f"{PREFIX}site_blueprints"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class PageBlueprint(models.Model):
    """A page of a blueprint."""

    site_blueprint = models.ForeignKey(SiteBlueprint, on_delete=models.DO_NOTHING, related_name="pages")
    account_id = models.BigIntegerField(db_column="tenant_id")
    site_id = models.BigIntegerField(null=True)
    sector_id = models.BigIntegerField(null=True)
    slug = models.CharField(max_length=255)
    title = models.CharField(max_length=255)
    type = models.CharField(max_length=50)
    blocks_json = models.JSONField(default=list)
    status = models.CharField(max_length=20)
    order = models.IntegerField()
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = f"{PREFIX}page_blueprints"
        ordering = ["site_blueprint_id", "order", "id"]

    def __str__(self) -> str:
        return f"{self.title} (/{self.slug})"


class SiteBuilderOption(models.Model):
    """Columns shared by the four option catalogues."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    order = models.IntegerField(default=0)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class BusinessType(SiteBuilderOption):
    """``business_types`` dropdown."""

    class Meta(SiteBuilderOption.Meta):
        managed = False
        db_table = f"{PREFIX}site_builder_business_types"


class AudienceProfile(SiteBuilderOption):
    """``audience_profiles`` dropdown."""

    class Meta(SiteBuilderOption.Meta):
        managed = False
        db_table = f"{PREFIX}site_builder_audience_profiles"


class BrandPersonality(SiteBuilderOption):
    """``brand_personalities`` dropdown."""

    class Meta(SiteBuilderOption.Meta):
        managed = False
        db_table = f"{PREFIX}site_builder_brand_personalities"
        verbose_name_plural = "brand personalities"


class HeroImageryDirection(SiteBuilderOption):
    """``hero_imagery`` dropdown."""

    class Meta(SiteBuilderOption.Meta):
        managed = False
        db_table = f"{PREFIX}site_builder_hero_imagery"
        verbose_name_plural = "hero imagery directions"
