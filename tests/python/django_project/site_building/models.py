"""The seed's ``site_building`` models (igny8_core.business.site_building), as a host has them."""

from django.db import models


class SiteSectorBaseModel(models.Model):
    account = models.ForeignKey("tenancy.Account", on_delete=models.CASCADE, db_column="tenant_id")
    site = models.ForeignKey("tenancy.Site", on_delete=models.CASCADE)
    sector = models.ForeignKey("tenancy.Sector", on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class SiteBlueprint(SiteSectorBaseModel):
    STATUS_CHOICES = [(s, s) for s in ("draft", "generating", "ready", "deployed", "failed")]
    HOSTING_CHOICES = [(s, s) for s in ("igny8_sites", "wordpress", "shopify", "multi")]

    name = models.CharField(max_length=255)
    description = models.TextField(blank=True, null=True)
    config_json = models.JSONField(default=dict)
    structure_json = models.JSONField(default=dict)
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default="draft")
    hosting_type = models.CharField(max_length=50, choices=HOSTING_CHOICES, default="igny8_sites")
    version = models.IntegerField(default=1)
    deployed_version = models.IntegerField(null=True, blank=True)

    class Meta:
        db_table = "igny8_site_blueprints"


class PageBlueprint(SiteSectorBaseModel):
    site_blueprint = models.ForeignKey(SiteBlueprint, on_delete=models.CASCADE, related_name="pages")
    slug = models.SlugField(max_length=255)
    title = models.CharField(max_length=255)
    type = models.CharField(max_length=50, default="custom")
    blocks_json = models.JSONField(default=list)
    status = models.CharField(max_length=20, default="draft")
    order = models.IntegerField(default=0)

    class Meta:
        db_table = "igny8_page_blueprints"
        unique_together = [("site_blueprint", "slug")]


class SiteBuilderOption(models.Model):
    name = models.CharField(max_length=120, unique=True)
    description = models.CharField(max_length=255, blank=True)
    is_active = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class BusinessType(SiteBuilderOption):
    class Meta:
        db_table = "igny8_site_builder_business_types"


class AudienceProfile(SiteBuilderOption):
    class Meta:
        db_table = "igny8_site_builder_audience_profiles"


class BrandPersonality(SiteBuilderOption):
    class Meta:
        db_table = "igny8_site_builder_brand_personalities"


class HeroImageryDirection(SiteBuilderOption):
    class Meta:
        db_table = "igny8_site_builder_hero_imagery"
