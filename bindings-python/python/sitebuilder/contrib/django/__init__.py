"""Django integration: the seed's ``/api/v1/site-builder/`` endpoints over the Rust engine.

    INSTALLED_APPS = [..., "sitebuilder.contrib.django"]
    SITEBUILDER = {
        "ACCOUNT_RESOLVER": "myproject.accounts.account_for_user",  # user -> account id
        # "DATABASE_URL": "postgres://...",   # default: built from DATABASES["default"]
        # "PROVIDER": sitebuilder.OpenAICompatible(...),  # default: from the environment
    }
    urlpatterns = [path("api/v1/site-builder/", include("sitebuilder.contrib.django.urls"))]

``python manage.py sitebuilder migrate|status|doctor`` manages the schema.
"""

from __future__ import annotations

from .conf import get_sitebuilder, reset_sitebuilder, resolve_scope

__all__ = ["get_sitebuilder", "reset_sitebuilder", "resolve_scope"]
