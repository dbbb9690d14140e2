"""Read-only admin over the engine's tables (writes go through the engine)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from . import models


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lists and shows rows; adding, changing and deleting belong to the engine's API."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.SiteBlueprint)
class SiteBlueprintAdmin(ReadOnlyAdmin):
    list_display = ("id", "name", "account_id", "status", "version", "updated_at")
    list_filter = ("status", "hosting_type")
    search_fields = ("name",)


@admin.register(models.PageBlueprint)
class PageBlueprintAdmin(ReadOnlyAdmin):
    list_display = ("id", "title", "slug", "type", "status", "site_blueprint_id")
    list_filter = ("type", "status")


for option_model in (models.BusinessType, models.AudienceProfile, models.BrandPersonality, models.HeroImageryDirection):
    admin.site.register(option_model, ReadOnlyAdmin)
