"""Server-sent events of an AI run: ``POST <run route>stream/`` (for instance
``blueprints/<id>/generate_structure/stream/``) answers ``text/event-stream``.

Every catalogue operation marked ``streams`` (its route runs an AI run in the request) gets the
twin route. It takes what the plain route takes (the same JSON body, account scope from the
user, ``Idempotency-Key``, the prompt-override permission) and sends, as the run goes on:

- ``event: progress``: a progress event (``task_id``, ``phase``, ``percent``, ``message``,
  ``current``, ``total``, and ``partial`` of kind ``site`` or ``tokens`` when one arrived);
- ``event: page``: a progress event whose ``partial`` is ``{"kind": "page", "index", "page"}``,
  one per page as soon as the model finished writing it, in answer order;
- ``event: done``: the outcome, the JSON the plain route answers; the stream ends;
- ``event: error``: the error JSON of every other route (``{"success": false, "code", ...}``)
  when the run fails once it has reached the model; the stream ends.

The response starts only once the run has reached the model (or ended): a refusal before that
(unknown blueprint, missing credits, bad input) is the plain route's status and JSON error, so a
client tells "not accepted" from "failed while generating" by the status alone. Comment lines
(``: keep-alive``) go out while the model is quiet, so a client that left is noticed: its
disconnect cancels the run (nothing charged, nothing left ``generating``). The Node router
serves the same (``bindings-node/router.js``).
"""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import URLPattern, path
from django.views import View

from ..._base import RunStream
from ..._records import Progress
from ...errors import SiteBuilderError
from .conf import get_sitebuilder
from .errors import from_exception
from .operations import CATALOGUE, _django_path, _request
from .views import api, check_prompt_override, idempotency_key

__all__ = ["HEARTBEAT_SECS", "StreamView", "sse_event", "stream_urlpatterns"]

logger = logging.getLogger("sitebuilder.django")

HEARTBEAT_SECS = 1.0
"""Seconds without news after which a ``: keep-alive`` comment goes out (how soon a gone client
is noticed and its run cancelled)."""

BEFORE_MODEL = ("INIT", "PREP")
"""Phases in which a run can still be refused as a request (the response has not started)."""


def sse_event(event: str, data: Any) -> bytes:
    """One server-sent event with JSON data."""
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


def progress_json(progress: Progress) -> dict[str, Any]:
    """A progress event as the core serialises it (``partial`` only when present)."""
    data = progress.to_dict()
    if data.get("partial") is None:
        data.pop("partial", None)
    return data


def _error_json(err: SiteBuilderError) -> Any:
    return json.loads(from_exception(err).content)


def _events(head: list[Any], rest: Iterator[Any]) -> Iterator[bytes]:
    try:
        for item in itertools.chain(head, rest):
            if item is None:
                yield b": keep-alive\n\n"
            elif isinstance(item, Progress):
                kind = (item.partial or {}).get("kind")
                yield sse_event("page" if kind == "page" else "progress", progress_json(item))
            else:
                yield sse_event("done", item)
    except SiteBuilderError as err:
        yield sse_event("error", _error_json(err))
    except Exception as err:  # the stream has started: the error goes in it, never a broken 200
        logger.exception("site builder stream failed")
        message = f"the run failed: {type(err).__name__}"
        yield sse_event("error", {"success": False, "code": "internal", "error": message, "message": message})
    finally:
        # A client that left (the server closes this generator) cancels a run still going.
        close = getattr(rest, "close", None)
        if close is not None:
            close()


class StreamView(View):
    """``POST <run route>stream/``: one catalogue operation's run as server-sent events."""

    op: dict[str, Any] = {}

    @api
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        op = self.op
        fields = _request(op, request, kwargs)
        check_prompt_override(request, fields)
        sb = get_sitebuilder()
        stream: RunStream[Any] = RunStream(
            sb._native, op["name"], fields, lambda value: value, idempotency_key=idempotency_key(request)
        )
        events = stream.iter(heartbeat=HEARTBEAT_SECS)
        head: list[Any] = []
        # Errors before the model is asked raise here: the api decorator answers them as JSON.
        for item in events:
            if item is None:
                continue
            head.append(item)
            if not isinstance(item, Progress) or item.phase not in BEFORE_MODEL:
                break
        response = StreamingHttpResponse(_events(head, events), content_type="text/event-stream")
        response["Cache-Control"] = "no-store"
        response["X-Accel-Buffering"] = "no"
        return response


def stream_operations() -> Iterable[dict[str, Any]]:
    """The catalogue operations whose route has a ``stream/`` twin."""
    return [op for op in CATALOGUE["operations"] if op.get("streams") and op.get("http")]


def stream_urlpatterns() -> list[URLPattern]:
    """A ``stream/`` route for every streaming operation."""
    patterns = []
    for op in stream_operations():
        props: dict[str, Any] = op["request"].get("properties", {})
        route = _django_path(op["http"]["path"], props) + "stream/"
        patterns.append(path(route, StreamView.as_view(op=op), name="stream-" + op["name"].replace("_", "-")))
    return patterns
