"""The seed's situation: the host's own ``site_building`` app (with the seed's migrations and
tables, NOT NULL site/sector foreign keys) exists first; the library adopts its tables."""

import os

from .settings import *  # noqa: F403

INSTALLED_APPS = INSTALLED_APPS + ["tenancy", "site_building"]  # noqa: F405
DATABASES["default"]["NAME"] = os.environ["SBPY_DJANGO_DB"]  # noqa: F405
