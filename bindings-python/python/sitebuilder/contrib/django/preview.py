"""The rendered site over HTTP: a live preview someone can browse, and the export as a download.

- ``GET blueprints/<id>/preview/`` and ``GET blueprints/<id>/preview/<slug>/`` answer the page as
  ``text/html``, rendered by the core's ``render_page`` with ``link_base`` set to this preview's
  URL: menus and buttons lead to the other preview pages, the stylesheet is inline, images come
  from ``preview/assets/<file>``. An unknown slug answers the site's own 404 page with status 404.
- ``GET blueprints/<id>/export/`` answers every file of the site as one zip attachment, built by
  the core's ``export_site``.

Auth and isolation are the other routes' (``views.api``): not logged in is 401, another account's
blueprint a JSON 404. The Node router (``router.js``) serves the same routes the same way.
"""

from __future__ import annotations

import os
import re
import tempfile
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views import View

from .conf import get_sitebuilder
from .errors import error_response
from .views import _scope, api

__all__ = ["PREVIEW_CSP", "ExportDownloadView", "PreviewAssetView", "PreviewView"]

#: A preview is generated content shown on the host's origin: it may style itself and show
#: images, never run a script (the rendered site needs none).
PREVIEW_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; "
    "font-src 'self' https: data:; form-action 'none'; base-uri 'none'; frame-ancestors 'self'"
)

_ASSET_FILE = re.compile(r"^(\d+)-[^/]+$")


def _scope_fields(request: HttpRequest) -> dict[str, Any]:
    scope = _scope(request)
    fields: dict[str, Any] = {"account_id": scope.account_id}
    if scope.site_id is not None:
        fields["site_id"] = scope.site_id
    if scope.sector_id is not None:
        fields["sector_id"] = scope.sector_id
    return fields


class PreviewView(View):
    """``GET blueprints/<id>/preview/[<slug>/]``: one page of the site as HTML."""

    @api
    def get(self, request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
        base = reverse("sitebuilder:blueprint-preview", kwargs={"pk": pk})
        page = get_sitebuilder()._native.call(
            "render_page",
            {**_scope_fields(request), "blueprint_id": pk, "slug": slug, "link_base": base, "missing_as_404": True},
            None,
            None,
        ).wait()
        response = HttpResponse(
            page["html"], content_type="text/html; charset=utf-8", status=200 if page["found"] else 404
        )
        response["Content-Security-Policy"] = PREVIEW_CSP
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "no-store"
        return response


class PreviewAssetView(View):
    """``GET blueprints/<id>/preview/assets/<file>``: an image of the site, for its preview."""

    @api
    def get(self, request: HttpRequest, pk: int, name: str) -> HttpResponse:
        scope = _scope(request)
        match = _ASSET_FILE.match(name)
        if match is None:
            return error_response("not_found", f"no preview file {name!r}", status=404)
        asset, content = get_sitebuilder().download_asset(
            scope.account_id, int(match.group(1)), site_id=scope.site_id, sector_id=scope.sector_id
        )
        if asset.site_blueprint_id != pk or not asset.content_type.startswith("image/"):
            return error_response("not_found", f"no preview file {name!r}", status=404)
        response = HttpResponse(content, content_type=asset.content_type)
        # An image opened on its own (an SVG) must not run anything on the host's origin.
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class ExportDownloadView(View):
    """``GET blueprints/<id>/export/``: every file of the site as one zip attachment."""

    @api
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        fields = _scope_fields(request)
        sb = get_sitebuilder()
        blueprint = sb.get_blueprint(
            fields["account_id"], pk, site_id=fields.get("site_id"), sector_id=fields.get("sector_id")
        )
        with tempfile.TemporaryDirectory(prefix="sitebuilder-export-") as folder:
            target = os.path.join(folder, "site.zip")
            summary = sb._native.call(
                "export_site", {**fields, "blueprint_id": pk, "target": target, "format": "zip"}, None, None
            ).wait()
            with open(target, "rb") as archive:
                content = archive.read()
        name = f"{slugify(blueprint.name) or 'site'}-v{blueprint.version}.zip"
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = content_disposition_header(True, name)
        response["X-Checksum-SHA256"] = summary["checksum"]
        response["Cache-Control"] = "no-store"
        return response
