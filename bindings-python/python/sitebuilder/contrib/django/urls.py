"""URLs of the seed's site builder API; include under ``api/v1/site-builder/``."""

from __future__ import annotations

from django.urls import path, re_path

from . import health, preview, views
from .operations import catalogue_urlpatterns
from .stream import stream_urlpatterns

app_name = "sitebuilder"

urlpatterns = [
    path("blueprints/", views.BlueprintListView.as_view(), name="blueprint-list"),
    path("blueprints/<int:pk>/", views.BlueprintDetailView.as_view(), name="blueprint-detail"),
    path(
        "blueprints/<int:pk>/generate_structure/",
        views.BlueprintGenerateStructureView.as_view(),
        name="blueprint-generate-structure",
    ),
    path("pages/", views.PageListView.as_view(), name="page-list"),
    path("pages/<int:pk>/", views.PageDetailView.as_view(), name="page-detail"),
    path("pages/<int:pk>/generate_content/", views.PageGenerateContentView.as_view(), name="page-generate-content"),
    path("metadata/", views.MetadataView.as_view(), name="metadata"),
    path("tasks/<str:task_id>/", views.TaskView.as_view(), name="task"),
    path("assets/", views.SiteAssetListView.as_view(), name="asset-list"),
    path("assets/usage/", views.SiteAssetUsageView.as_view(), name="asset-usage"),
    path("assets/<int:pk>/", views.SiteAssetDetailView.as_view(), name="asset-detail"),
    path("blueprints/<int:pk>/preview/", preview.PreviewView.as_view(), name="blueprint-preview"),
    path(
        "blueprints/<int:pk>/preview/assets/<str:name>",
        preview.PreviewAssetView.as_view(),
        name="blueprint-preview-asset",
    ),
    path("blueprints/<int:pk>/preview/<str:slug>/", preview.PreviewView.as_view(), name="blueprint-preview-page"),
    path("blueprints/<int:pk>/export/", preview.ExportDownloadView.as_view(), name="blueprint-export"),
    path("health/", health.health, name="health"),
    path("metrics/", health.metrics, name="metrics"),
]

# Every other operation of the core's catalogue, from the catalogue.
urlpatterns += catalogue_urlpatterns(urlpatterns)

# The AI runs' server-sent-events twins (``.../generate_structure/stream/``), see ``stream``.
urlpatterns += stream_urlpatterns()

# Anything else under the prefix (an id out of a converter's range, a mistyped path): the JSON
# 404 every other error has, not the host's HTML page.
urlpatterns.append(re_path(r"^.*$", views.no_route, name="no-route"))

# Every refusal in the JSON error shape, the host's CSRF check and body parsing included.
for _pattern in urlpatterns:
    if _pattern.callback not in (health.health, health.metrics):
        _pattern.callback = views.json_errors(_pattern.callback)
