"""A host Django project using sitebuilder.contrib.django on PostgreSQL.

The database name is unique per process (``SBPY_DJANGO_DB`` overrides it), so Django's test
runner creates a ``test_...`` database no other run uses.
"""

import os

SECRET_KEY = "tests-only"
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
ROOT_URLCONF = "testproject.urls"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "accounts",
    "sitebuilder.contrib.django",
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("SBPY_DJANGO_DB", f"sbpy_dj_{os.getpid()}"),
        "USER": "postgres",
        "HOST": "127.0.0.1",
        "PORT": "5432",
    }
}

SITEBUILDER = {
    "ACCOUNT_RESOLVER": "accounts.resolver.account_for_user",
    "PROVIDER": os.environ.get("SBPY_PROVIDER", "offline"),
    "ASSET_ROOT": os.environ.get("SBPY_ASSET_ROOT", f"/tmp/sbpy-assets-{os.getpid()}"),
    "MAX_ASSET_BYTES": 1024 * 1024,
}
