"""Integrations with host frameworks: ``sitebuilder.contrib.django`` and ``sitebuilder.contrib.celery``."""
