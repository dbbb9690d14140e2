"""Schemathesis hooks of tests/fuzz/run.sh: the error-shape check both HTTP surfaces must pass."""

from __future__ import annotations

import json
from typing import Any

import schemathesis


def _documented_kinds(case: Any, status: int) -> set[str]:
    """The content types the operation's OpenAPI entry documents for ``status``."""
    definition = getattr(getattr(case, "operation", None), "definition", None)
    raw = getattr(definition, "raw", None) or getattr(definition, "resolved", None) or {}
    entry = (raw.get("responses") or {}).get(str(status)) or {}
    return set((entry.get("content") or {}).keys())


@schemathesis.check
def error_shape(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx is JSON ``{success: false, code, error, message}`` with a non-empty message."""
    if not 400 <= response.status_code < 500:
        return None
    kind = response.headers.get("content-type", [""])
    kind = kind[0] if isinstance(kind, list) else kind
    if kind.split(";")[0].strip() in _documented_kinds(case, response.status_code) - {"application/json"}:
        # An answer the OpenAPI document promises for this status (a preview's own 404 page is HTML).
        return None
    if not kind.startswith("application/json"):
        raise AssertionError(f"a {response.status_code} answered {kind or 'no content type'}, not JSON")
    try:
        body = json.loads(response.content)
    except ValueError as err:
        raise AssertionError(f"a {response.status_code} body is not JSON: {err}") from err
    if not isinstance(body, dict) or body.get("success") is not False:
        raise AssertionError(f"a {response.status_code} body is not the error shape: {body!r}")
    for key in ("code", "error", "message"):
        if not isinstance(body.get(key), str) or not body[key]:
            raise AssertionError(f"a {response.status_code} body lacks {key!r}: {body!r}")
    return None
