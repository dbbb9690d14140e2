"""Health and metrics endpoints for the Django app, fit for a container's probes.

``health/`` answers the doctor's report as JSON: 200 when every check passed, 503 (with each
failure and its fix) when one did, so a liveness or readiness probe needs no parsing. With
``SITEBUILDER["ASYNC_GENERATION"]`` (or ``"HEALTH_CELERY": True``) it adds the Celery side:
broker reachable and a worker answering a ping (``"HEALTH_PING_TIMEOUT"``, default 1 s).
Tasks waiting for a worker longer than ``"HEALTH_STUCK_AFTER"`` seconds (default 60) fail it.

``metrics/`` serves every metric in the Prometheus text format: runs, phases, tokens, credits,
the queue's depth and the time tasks waited for a worker.

Neither needs a login: probes and scrapers have none. Route them away from the public internet
(or wrap the views) when the check details should stay private.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from ..._records import DoctorCheck, DoctorReport
from ...errors import SiteBuilderError
from .conf import get_sitebuilder, options

__all__ = ["full_report", "health", "metrics"]

PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def full_report(sb: Any = None) -> DoctorReport:
    """The engine's doctor, plus the Celery checks when generation goes through Celery."""
    opts = options()
    try:
        sb = sb if sb is not None else get_sitebuilder()
    except SiteBuilderError as err:
        check = DoctorCheck(name="database", ok=False, detail=f"[{err.code}] {err}", fix="start the database or fix SITEBUILDER['DATABASE_URL'] / DATABASES")
        return DoctorReport(ok=False, checks=[check])
    stuck_after = opts.get("HEALTH_STUCK_AFTER")
    stuck = float(stuck_after) if stuck_after is not None else None
    if opts.get("HEALTH_CELERY", bool(opts.get("ASYNC_GENERATION"))):
        from ..celery import doctor

        return doctor(engine=sb, ping_timeout=float(opts.get("HEALTH_PING_TIMEOUT", 1.0)), stuck_after_secs=stuck)
    return sb.doctor(stuck_after_secs=stuck)


@require_GET
def health(request: HttpRequest) -> HttpResponse:
    report = full_report()
    body = {"ok": report.ok, "checks": [c.to_dict() for c in report.checks]}
    return HttpResponse(json.dumps(body), status=200 if report.ok else 503, content_type="application/json")


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    try:
        text = get_sitebuilder().metrics()
    except SiteBuilderError as err:
        return HttpResponse(f"# sitebuilder metrics unavailable: [{err.code}] {err}\n", status=503, content_type=PROMETHEUS_CONTENT_TYPE)
    return HttpResponse(text, content_type=PROMETHEUS_CONTENT_TYPE)
