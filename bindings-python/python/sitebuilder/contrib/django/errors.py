"""Library errors as JSON responses with fitting HTTP statuses."""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse

from ...errors import SiteBuilderError

__all__ = ["HTTP_STATUS", "error_response", "status_for"]

HTTP_STATUS: dict[str, int] = {
    "invalid_input": 400,
    "json": 400,
    "not_found": 404,
    "insufficient_credits": 402,
    "conflict": 409,
    "cancelled": 409,
    "quota_exceeded": 413,
    "provider_unavailable": 503,
    "migration_required": 503,
    "provider_rejected": 502,
    "ai_refused": 502,
    "ai_output_truncated": 502,
    "invalid_ai_output": 502,
    "schema_mismatch": 500,
    "migration_checksum_mismatch": 500,
    "configuration": 500,
    "database": 500,
    "file_storage": 500,
}

_OWN = ("code", "message", "args")


def status_for(code: str) -> int:
    """HTTP status for a library error code (500 for an unknown one)."""
    return HTTP_STATUS.get(code, 500)


def error_response(code: str, message: str, status: int | None = None, **extra: Any) -> JsonResponse:
    """``{"success": false, "code": ..., "error": ..., "message": ...}`` (``message`` repeats
    ``error``, the name the OpenAPI error schema and most clients expect) with the code's status."""
    body: dict[str, Any] = {"success": False, "code": code, "error": message, "message": message}
    body.update(extra)
    return JsonResponse(body, status=status if status is not None else status_for(code))


def from_exception(err: SiteBuilderError) -> JsonResponse:
    """The response for a library exception, with its actionable fields (``required``...)."""
    # Every field the core serialised for the variant (`Error::fields`), set on the exception.
    extra = {name: value for name, value in vars(err).items() if name not in _OWN and not name.startswith("_")}
    if "status" in extra:
        extra["provider_status"] = extra.pop("status")
    return error_response(err.code, getattr(err, "message", str(err)), **extra)
