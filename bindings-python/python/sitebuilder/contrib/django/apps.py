"""App config of ``sitebuilder.contrib.django``."""

from __future__ import annotations

from django.apps import AppConfig


class SiteBuilderConfig(AppConfig):
    """Registers the unmanaged models, admin and the ``sitebuilder`` management command."""

    name = "sitebuilder.contrib.django"
    label = "sitebuilder"
    verbose_name = "Site Builder"
    default_auto_field = "django.db.models.BigAutoField"
