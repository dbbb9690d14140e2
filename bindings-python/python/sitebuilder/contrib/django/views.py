"""The seed's site builder endpoints (``/api/v1/site-builder/...``) as plain Django views.

Every request acts for the account the host's resolver returns for ``request.user`` (see
``conf``); a record of another account is a 404, exactly as if it did not exist. Bodies are JSON
(multipart for asset uploads, which the engine stores: see ``SiteAssetListView``); errors are ``{"success": false, "code", "error"}`` with the status
from ``errors.HTTP_STATUS`` (402 insufficient credits, 404, 400, 503 provider down...).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from ..._records import PageBlueprint, SiteAsset, SiteBlueprint
from ...errors import SiteBuilderError
from .conf import AccountScope, get_sitebuilder, options, prompt_override_allowed, resolve_scope
from .errors import error_response, from_exception

logger = logging.getLogger("sitebuilder.django")

F = TypeVar("F", bound=Callable[..., HttpResponse])


class BadRequest(Exception):
    """A malformed request the view rejects with 400 before calling the engine."""


class PromptOverrideForbidden(Exception):
    """A prompt override from a caller the host has not allowed (``SITEBUILDER["PROMPT_OVERRIDE"]``)."""


I64_MAX = 2**63 - 1


def _check_path_ints(kwargs: dict[str, Any]) -> None:
    """Ids in the URL within the engine's range: past it no record can exist (400, not a crash)."""
    for name, value in kwargs.items():
        if isinstance(value, int) and not 0 <= value <= I64_MAX:
            raise BadRequest(f"invalid input: {name}: must be at most {I64_MAX}")


def idempotency_key(request: HttpRequest) -> str | None:
    """The request's ``Idempotency-Key`` header: a retry with it answers the first result."""
    return request.headers.get("Idempotency-Key")


def check_prompt_override(request: HttpRequest, body: dict[str, Any]) -> None:
    """Refuses a ``prompt_override`` the host has not allowed this caller."""
    if body.get("prompt_override") is not None and not prompt_override_allowed(request):
        raise PromptOverrideForbidden()


def api(view: F) -> F:
    """Resolves the account and turns library errors into JSON responses."""

    @wraps(view)
    def wrapper(self: View, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return error_response("not_authenticated", "log in to use the site builder", status=401)
        scope = resolve_scope(user)
        if scope is None:
            return error_response("no_account", "this user has no account; ask an administrator to add you to one", status=403)
        request.sitebuilder_scope = scope
        try:
            _check_path_ints(kwargs)
            return view(self, request, *args, **kwargs)
        except SiteBuilderError as err:
            if err.code not in ("not_found", "invalid_input", "insufficient_credits", "quota_exceeded"):
                logger.warning("site builder request failed: %s", err, exc_info=err)
            return from_exception(err)
        except BadRequest as err:
            return error_response("invalid_input", str(err), status=400)
        except PromptOverrideForbidden:
            return error_response(
                "prompt_override_forbidden",
                "overriding prompts is not enabled for this user; ask the site's administrator",
                status=403,
            )

    return wrapper  # type: ignore[return-value]


def _csrf_enforced() -> bool:
    from django.conf import settings

    return "django.middleware.csrf.CsrfViewMiddleware" in getattr(settings, "MIDDLEWARE", ())


def json_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Every route's refusals in the JSON error shape, including the ones Django makes before a
    view runs: the host's CSRF check (run here, as DRF does, when the host has the middleware),
    a body Django cannot parse (malformed multipart, over ``DATA_UPLOAD_MAX_MEMORY_SIZE``), and an
    unserved method."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from django.core.exceptions import BadRequest as DjangoBadRequest
        from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
        from django.http import UnreadablePostError
        from django.http.multipartparser import MultiPartParserError
        from django.middleware.csrf import CsrfViewMiddleware

        try:
            if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE") and _csrf_enforced():
                refused = CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, view, args, kwargs)
                if refused is not None:
                    return error_response(
                        "csrf_failed", "the CSRF check failed: send Django's csrftoken cookie and X-CSRFToken header",
                        status=403,
                    )
            response = view(request, *args, **kwargs)
        except RequestDataTooBig:
            return error_response("quota_exceeded", "the request body is too large", status=413)
        except (MultiPartParserError, UnreadablePostError, DjangoBadRequest, SuspiciousOperation):
            return error_response("invalid_input", "invalid input: the request body cannot be read", status=400)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            allowed = response.get("Allow", "")
            refused = error_response("method_not_allowed", f"{request.method} is not served here", status=405)
            if allowed:
                refused["Allow"] = allowed
            return refused
        return response

    return csrf_exempt(wrapper)


def no_route(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """A path under the app's prefix that no route serves."""
    return error_response("not_found", f"no route {request.method} {request.path}", status=404)


def _body(request: HttpRequest) -> dict[str, Any]:
    if not request.body:
        return {}
    try:
        data = json.loads(request.body)
    except ValueError as err:
        raise BadRequest(f"the request body is not valid JSON: {err}") from err
    except RecursionError as err:
        # Python's parser gives up on deep nesting; the engine's own limit is far shallower.
        raise BadRequest("invalid input: the request body is nested too deeply") from err
    if not isinstance(data, dict):
        raise BadRequest("the request body must be a JSON object")
    return data


def _int(value: Any, name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError) as err:
        raise BadRequest(f"{name} must be an integer, got {value!r}") from err
    if not -I64_MAX - 1 <= number <= I64_MAX:
        raise BadRequest(f"invalid input: {name}: must be at most {I64_MAX}")
    return number


def _scope(request: HttpRequest, body: dict[str, Any] | None = None) -> AccountScope:
    """The resolver's scope; site and sector may come from the request when the resolver has none."""
    base: AccountScope = request.sitebuilder_scope
    body = body or {}
    site = base.site_id if base.site_id is not None else _int(body.get("site_id", request.GET.get("site_id")), "site_id")
    sector = (
        base.sector_id
        if base.sector_id is not None
        else _int(body.get("sector_id", request.GET.get("sector_id")), "sector_id")
    )
    return AccountScope(base.account_id, site, sector)


def paged(request: HttpRequest, results: list[Any], next_after_id: int | None, count: int) -> dict[str, Any]:
    """A keyset page as a DRF envelope: ``count`` is the real total, ``next`` this path with
    ``after_id`` moved on (``None`` at the end); keyset pages have no ``previous``. The Node router
    answers the same."""
    following = None
    if next_after_id is not None:
        query = request.GET.copy()
        query["after_id"] = str(next_after_id)
        following = f"{request.path}?{query.urlencode()}"
    return {"count": count, "next": following, "previous": None, "next_after_id": next_after_id, "results": results}


def blueprint_json(bp: SiteBlueprint) -> dict[str, Any]:
    """A blueprint in the core's field names plus the seed serializer's (``config_json``), so the
    answer matches the OpenAPI document and the seed's clients alike."""
    data = bp.to_dict()
    data["config_json"] = data["config"]
    return data


def page_json(page: PageBlueprint) -> dict[str, Any]:
    """A page in the core's field names plus the seed serializer's (``blocks_json``,
    ``site_blueprint``)."""
    data = page.to_dict()
    data["blocks_json"] = data["blocks"]
    data["site_blueprint"] = page.site_blueprint_id
    return data


def _blueprint_fields(body: dict[str, Any]) -> dict[str, Any]:
    fields = {k: body[k] for k in ("name", "description", "status", "hosting_type", "deployed_version") if k in body}
    if "config_json" in body or "config" in body:
        fields["config"] = body.get("config_json", body.get("config"))
    return fields


def _page_fields(body: dict[str, Any]) -> dict[str, Any]:
    fields = {k: body[k] for k in ("slug", "title", "type", "status", "order") if k in body}
    if "blocks_json" in body or "blocks" in body:
        fields["blocks"] = body.get("blocks_json", body.get("blocks"))
    return fields


def _queue_or_run(request: HttpRequest, function_name: str, payload: dict[str, Any], scope: AccountScope) -> HttpResponse:
    """Runs a generation in the request, or queues it through Celery with ``ASYNC_GENERATION``."""
    body = _body(request)
    check_prompt_override(request, body)
    key = idempotency_key(request)
    if options().get("ASYNC_GENERATION"):
        from ..celery import dispatch

        handle = dispatch(function_name, payload, scope.account_id, idempotency_key=key)
        status = 202 if handle.queued else 200
        return JsonResponse({"success": True, "task_id": handle.task_id, "queued": handle.queued}, status=status)
    outcome = get_sitebuilder().run(
        function_name, payload, scope.account_id, prompt_override=body.get("prompt_override"), idempotency_key=key
    )
    return JsonResponse({"success": True, "task_id": outcome.task_id, "queued": False, "outcome": outcome.to_dict()})


class BlueprintListView(View):
    """``GET`` lists the account's blueprints; ``POST`` creates one."""

    @api
    def get(self, request: HttpRequest) -> HttpResponse:
        scope = _scope(request)
        page = get_sitebuilder().list_blueprints(
            scope.account_id,
            status=request.GET.get("status") or None,
            site_id=scope.site_id,
            sector_id=scope.sector_id,
            after_id=_int(request.GET.get("after_id"), "after_id"),
            limit=_int(request.GET.get("limit"), "limit") or 50,
        )
        return JsonResponse(paged(request, [blueprint_json(b) for b in page.items], page.next_after_id, page.count))

    @api
    def post(self, request: HttpRequest) -> HttpResponse:
        body = _body(request)
        scope = _scope(request, body)
        fields = _blueprint_fields(body)
        if not fields.get("name"):
            raise BadRequest("name is required")
        bp = get_sitebuilder().create_blueprint(
            scope.account_id,
            fields["name"],
            description=fields.get("description", ""),
            config=fields.get("config"),
            hosting_type=fields.get("hosting_type"),
            site_id=scope.site_id,
            sector_id=scope.sector_id,
            idempotency_key=idempotency_key(request),
        )
        return JsonResponse(blueprint_json(bp), status=201)


class BlueprintDetailView(View):
    """``GET``, ``PUT``/``PATCH`` and ``DELETE`` one blueprint of the account."""

    @api
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        scope = _scope(request)
        bp = get_sitebuilder().get_blueprint(scope.account_id, pk, site_id=scope.site_id, sector_id=scope.sector_id)
        return JsonResponse(blueprint_json(bp))

    @api
    def patch(self, request: HttpRequest, pk: int) -> HttpResponse:
        body = _body(request)
        scope = _scope(request, body)
        bp = get_sitebuilder().update_blueprint(
            scope.account_id, pk, site_id=scope.site_id, sector_id=scope.sector_id,
            idempotency_key=idempotency_key(request), **_blueprint_fields(body)
        )
        return JsonResponse(blueprint_json(bp))

    put = patch

    @api
    def delete(self, request: HttpRequest, pk: int) -> HttpResponse:
        scope = _scope(request)
        get_sitebuilder().delete_blueprint(
            scope.account_id, pk, site_id=scope.site_id, sector_id=scope.sector_id, idempotency_key=idempotency_key(request)
        )
        return HttpResponse(status=204)


class BlueprintGenerateStructureView(View):
    """``POST blueprints/<id>/generate_structure/``: the seed's action (50 credits)."""

    @api
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        scope = _scope(request)
        sb = get_sitebuilder()
        # Checked here so that a queued run of another account's blueprint is a 404 now, not later.
        bp = sb.get_blueprint(scope.account_id, pk, site_id=scope.site_id, sector_id=scope.sector_id)
        payload: dict[str, Any] = {"blueprint_id": bp.id}
        if bp.site_id is not None:
            payload["site_id"] = bp.site_id
        if bp.sector_id is not None:
            payload["sector_id"] = bp.sector_id
        return _queue_or_run(request, "generate_site_structure", payload, scope)


class PageListView(View):
    """``GET ?site_blueprint=<id>`` lists a blueprint's pages; ``POST`` adds one."""

    @api
    def get(self, request: HttpRequest) -> HttpResponse:
        scope = _scope(request)
        blueprint_id = _int(request.GET.get("site_blueprint") or request.GET.get("site_blueprint_id"), "site_blueprint")
        if blueprint_id is None:
            raise BadRequest("pass ?site_blueprint=<id> to list its pages")
        pages = get_sitebuilder().list_pages(
            scope.account_id, blueprint_id, site_id=scope.site_id, sector_id=scope.sector_id
        )
        results = [page_json(p) for p in pages]
        return JsonResponse({"count": len(results), "results": results})

    @api
    def post(self, request: HttpRequest) -> HttpResponse:
        body = _body(request)
        scope = _scope(request, body)
        blueprint_id = _int(body.get("site_blueprint", body.get("site_blueprint_id")), "site_blueprint")
        if blueprint_id is None:
            raise BadRequest("site_blueprint is required")
        fields = _page_fields(body)
        for required in ("slug", "title"):
            if not fields.get(required):
                raise BadRequest(f"{required} is required")
        page = get_sitebuilder().create_page(
            scope.account_id,
            blueprint_id,
            fields.pop("slug"),
            fields.pop("title"),
            site_id=scope.site_id,
            sector_id=scope.sector_id,
            idempotency_key=idempotency_key(request),
            **fields,
        )
        return JsonResponse(page_json(page), status=201)


class PageDetailView(View):
    """``GET``, ``PUT``/``PATCH`` and ``DELETE`` one page of the account."""

    @api
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        scope = _scope(request)
        page = get_sitebuilder().get_page(scope.account_id, pk, site_id=scope.site_id, sector_id=scope.sector_id)
        return JsonResponse(page_json(page))

    @api
    def patch(self, request: HttpRequest, pk: int) -> HttpResponse:
        body = _body(request)
        scope = _scope(request, body)
        page = get_sitebuilder().update_page(
            scope.account_id, pk, site_id=scope.site_id, sector_id=scope.sector_id,
            idempotency_key=idempotency_key(request), **_page_fields(body)
        )
        return JsonResponse(page_json(page))

    put = patch

    @api
    def delete(self, request: HttpRequest, pk: int) -> HttpResponse:
        scope = _scope(request)
        get_sitebuilder().delete_page(
            scope.account_id, pk, site_id=scope.site_id, sector_id=scope.sector_id, idempotency_key=idempotency_key(request)
        )
        return HttpResponse(status=204)


class PageGenerateContentView(View):
    """``POST pages/<id>/generate_content/``: the seed's action (20 credits)."""

    @api
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        scope = _scope(request)
        page = get_sitebuilder().get_page(scope.account_id, pk, site_id=scope.site_id, sector_id=scope.sector_id)
        return _queue_or_run(request, "generate_page_content", {"page_id": page.id}, scope)


class MetadataView(View):
    """``GET metadata/``: the wizard's four option lists."""

    @api
    def get(self, request: HttpRequest) -> HttpResponse:
        data = get_sitebuilder().metadata()
        return JsonResponse({key: [o.to_dict() for o in values] for key, values in data.items()})


class TaskView(View):
    """``GET tasks/<task_id>/``: progress and result of a queued generation."""

    @api
    def get(self, request: HttpRequest, task_id: str) -> HttpResponse:
        scope = _scope(request)
        return JsonResponse(get_sitebuilder().task(scope.account_id, task_id).to_dict())


def asset_json(asset: SiteAsset) -> dict[str, Any]:
    """An asset record, with the URL that downloads it."""
    data = asset.to_dict()
    data["download_url"] = reverse("sitebuilder:asset-detail", kwargs={"pk": asset.id})
    return data


def _read_upload(upload: UploadedFile, limit: int) -> bytes:
    """At most ``limit + 1`` bytes: enough for the engine to refuse a file over its limit without
    the request holding a file of any size in memory."""
    parts: list[bytes] = []
    remaining = limit + 1
    for chunk in upload.chunks():
        parts.append(chunk[:remaining])
        remaining -= len(parts[-1])
        if remaining <= 0:
            break
    return b"".join(parts)


class SiteAssetListView(View):
    """``GET ?site_blueprint=<id>`` lists a blueprint's assets; ``POST`` (multipart ``file`` and
    ``site_blueprint``) uploads one.

    The engine checks the name, sniffs the content (PNG, JPEG, GIF, WebP, clean SVG, PDF), and
    enforces the per-file limit and the account's quota: 400 ``invalid_input``, 413
    ``quota_exceeded``, 404 for a blueprint of another account.
    """

    @api
    def get(self, request: HttpRequest) -> HttpResponse:
        scope = _scope(request)
        blueprint_id = _int(request.GET.get("site_blueprint"), "site_blueprint")
        if blueprint_id is None:
            raise BadRequest("pass ?site_blueprint=<id> to list its assets")
        assets = get_sitebuilder().list_assets(
            scope.account_id, blueprint_id, site_id=scope.site_id, sector_id=scope.sector_id
        )
        results = [asset_json(a) for a in assets]
        return JsonResponse({"count": len(results), "results": results})

    @api
    def post(self, request: HttpRequest) -> HttpResponse:
        scope = _scope(request)
        blueprint_id = _int(request.POST.get("site_blueprint"), "site_blueprint")
        if blueprint_id is None:
            raise BadRequest("site_blueprint is required")
        upload = request.FILES.get("file")
        if upload is None:
            raise BadRequest("attach the file as multipart field 'file'")
        sb = get_sitebuilder()
        user = getattr(request, "user", None)
        asset = sb.upload_asset(
            scope.account_id,
            blueprint_id,
            upload.name or "",
            _read_upload(upload, sb.max_file_bytes),
            user.get_username() if user is not None else None,
            site_id=scope.site_id,
            sector_id=scope.sector_id,
            idempotency_key=idempotency_key(request),
        )
        return JsonResponse(asset_json(asset), status=201)


class SiteAssetDetailView(View):
    """``GET assets/<id>/`` downloads an asset (as an attachment, with its sniffed type);
    ``DELETE`` removes it. Another account's asset is a 404."""

    @api
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        scope = _scope(request)
        asset, content = get_sitebuilder().download_asset(
            scope.account_id, pk, site_id=scope.site_id, sector_id=scope.sector_id
        )
        response = HttpResponse(content, content_type=asset.content_type)
        # Attachment + nosniff: an uploaded SVG is never rendered inline on the host's origin.
        response["Content-Disposition"] = content_disposition_header(True, asset.file_name)
        response["X-Content-Type-Options"] = "nosniff"
        response["X-Checksum-SHA256"] = asset.checksum_sha256
        return response

    @api
    def delete(self, request: HttpRequest, pk: int) -> HttpResponse:
        scope = _scope(request)
        get_sitebuilder().delete_asset(
            scope.account_id, pk, site_id=scope.site_id, sector_id=scope.sector_id, idempotency_key=idempotency_key(request)
        )
        return HttpResponse(status=204)


class SiteAssetUsageView(View):
    """``GET assets/usage/``: bytes the account's assets use and its quota."""

    @api
    def get(self, request: HttpRequest) -> HttpResponse:
        return JsonResponse(get_sitebuilder().asset_usage(_scope(request).account_id).to_dict())
