"""Celery integration: the seed's ``run_ai_task`` over the engine, with the seed's fallback.

    # celery app module
    app = Celery("proj")
    app.autodiscover_tasks(["sitebuilder.contrib"])   # or: import sitebuilder.contrib.celery

    from sitebuilder.contrib.celery import dispatch
    handle = dispatch("generate_site_structure", {"blueprint_id": 7}, account_id=1)

The task keeps the seed's name (``igny8_core.ai.tasks.run_ai_task``) and arguments, so messages a
seed deployment left in the queue still run. It passes Celery's task id to the engine as the run's
task id: credits are idempotent per task id, so a redelivered message (``acks_late``, a worker lost
mid-run) never charges twice. Progress goes to ``update_state(state="PROGRESS", meta=...)``: phase,
percent and message, and for a streamed run the pages so far (``meta["pages"]``, in answer order),
the site settings (``meta["site"]``) and ``meta["completion_tokens"]``.

The engine comes from ``set_engine_factory(...)``; by default from the Django integration when
Django is configured, else ``SiteBuilder()`` from ``SITEBUILDER_DATABASE_URL``.

The seed's outage (no Redis, no worker, nothing said so) cannot pass unnoticed here:

- ``dispatch`` records the task as ``queued`` first, so its id answers at once; then it asks a
  short TCP probe whether the broker is there (cached a few seconds), and runs inline with a
  warning when it is not, in well under a second instead of kombu's ~20 s of retries.
- ``doctor()`` adds the broker, a worker ping and the queue's stuck tasks to the engine's checks.
- ``schedule_recovery(app)`` is the one line that runs ``recover_stale`` from Celery beat.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from celery import shared_task
from celery.result import AsyncResult

from .._client import SiteBuilder
from .._records import DoctorCheck, DoctorReport, Progress, RunOutcome
from ..errors import ConflictError

__all__ = [
    "RECOVER_TASK_NAME",
    "TASK_NAME",
    "Dispatched",
    "broker_status",
    "dispatch",
    "doctor",
    "get_engine",
    "recover_stale_task",
    "run_ai_task",
    "schedule_recovery",
    "set_engine_factory",
]

logger = logging.getLogger("sitebuilder.celery")

TASK_NAME = "igny8_core.ai.tasks.run_ai_task"
"""The seed's task name (``backend/igny8_core/ai/tasks.py``)."""

RECOVER_TASK_NAME = "sitebuilder.recover_stale"
"""The periodic task that releases what dead workers left behind."""

BROKER_PROBE_TIMEOUT = 0.5
"""Seconds the broker's TCP port may take to accept before it counts as down."""

BROKER_STATE_TTL = 3.0
"""Seconds a probe's answer is reused; a broker that comes back is used again after this."""

RECOVER_OLDER_THAN = 900.0
"""Default age (seconds without progress) after which a running task counts as abandoned."""

_factory: Callable[[], SiteBuilder] | None = None
_engine: SiteBuilder | None = None
_engine_lock = threading.Lock()


def set_engine_factory(factory: Callable[[], SiteBuilder] | None) -> None:
    """Sets how workers get their engine (called once, lazily, per process)."""
    global _factory, _engine
    with _engine_lock:
        _factory = factory
        _engine = None


def _default_engine() -> SiteBuilder:
    try:
        from django.conf import settings

        if settings.configured:
            from .django.conf import get_sitebuilder

            return get_sitebuilder()
    except ImportError:
        pass
    return SiteBuilder(lazy=True)


def get_engine() -> SiteBuilder:
    """The engine tasks use. It is safe to build before the prefork pool forks: it reopens itself."""
    global _engine
    with _engine_lock:
        if _factory is not None:
            if _engine is None:
                _engine = _factory()
            return _engine
    return _default_engine()


class _Arrived:
    """What a streamed run has produced so far, for the task's ``PROGRESS`` meta: the site
    settings, the pages in answer order, the completion tokens counted."""

    def __init__(self) -> None:
        self.site: dict[str, Any] | None = None
        self.pages: dict[int, Any] = {}
        self.completion_tokens: int | None = None

    def add(self, progress: Progress) -> None:
        partial = progress.partial or {}
        kind = partial.get("kind")
        if kind == "site":
            self.site = partial.get("site")
        elif kind == "page" and isinstance(partial.get("index"), int):
            self.pages[partial["index"]] = partial.get("page")
        elif kind == "tokens":
            self.completion_tokens = partial.get("completion_tokens")


def _progress_meta(progress: Progress, function_name: str, arrived: _Arrived | None = None) -> dict[str, Any]:
    meta = {
        "function_name": function_name,
        "phase": progress.phase,
        "percent": progress.percent,
        "message": progress.message,
        "current": progress.current,
        "total": progress.total,
    }
    if arrived is not None:
        # A caller polling ``AsyncResult.info`` watches the sitemap appear, as a streaming client does.
        meta["site"] = arrived.site
        meta["pages"] = [arrived.pages[i] for i in sorted(arrived.pages)]
        meta["completion_tokens"] = arrived.completion_tokens
    return meta


@shared_task(bind=True, name=TASK_NAME, acks_late=True)
def run_ai_task(self: Any, function_name: str, payload: dict[str, Any], account_id: int | None = None) -> dict[str, Any]:
    """Runs an AI function for an account; the result is the run outcome as a dict."""
    if account_id is None:
        from ..errors import InvalidInputError

        raise InvalidInputError("run_ai_task needs account_id: every run is charged to an account")
    task_id = self.request.id or str(uuid.uuid4())

    arrived = _Arrived()

    def on_progress(progress: Progress) -> None:
        arrived.add(progress)
        if self.request.id is not None and not self.request.is_eager:
            self.update_state(state="PROGRESS", meta=_progress_meta(progress, function_name, arrived))

    logger.info("run_ai_task STARTED: %s task_id=%s account_id=%s", function_name, task_id, account_id)
    sb = get_engine()
    try:
        outcome = sb.run(function_name, payload, int(account_id), task_id=task_id, on_progress=on_progress)
    except ConflictError:
        # A duplicate of a message another worker is running: wait for that run and replay it,
        # so every delivery reports the one outcome and nothing runs or charges twice.
        if not _wait_running(sb, task_id, int(account_id)):
            raise
        outcome = sb.run(function_name, payload, int(account_id), task_id=task_id)
    logger.info(
        "run_ai_task DONE: %s task_id=%s credits=%s replayed=%s",
        function_name,
        task_id,
        outcome.credits_charged,
        outcome.replayed,
    )
    return outcome.to_dict()


@dataclass
class Dispatched:
    """What :func:`dispatch` did: queued (``async_result`` set) or ran inline (``outcome`` set)."""

    task_id: str
    queued: bool
    async_result: AsyncResult | None = None
    outcome: RunOutcome | None = None


def dispatch(
    function_name: str,
    payload: dict[str, Any],
    account_id: int,
    *,
    task_id: str | None = None,
    engine: SiteBuilder | None = None,
    idempotency_key: str | None = None,
) -> Dispatched:
    """Queues ``run_ai_task``; when the broker is unreachable, runs it inline with a warning.

    The task is on record as ``queued`` (function, payload, account, time) before its message is
    sent, so ``task(id)`` answers while it waits for a worker; a bad call raises here. Whether the
    broker is up comes from :func:`broker_status` (a sub-second probe, cached for
    :data:`BROKER_STATE_TTL`), so a dead broker costs a web request well under a second, and a
    broker that comes back is used again without a restart. The inline run uses the same task id:
    if the message did reach a queue after all, the worker replays the stored result.

    With ``idempotency_key`` (a client's retry), the task id comes from the account and the key:
    the retry records nothing new, and its message replays the first run instead of charging again;
    the same key with another request raises ``ConflictError``.
    """
    if task_id is None and idempotency_key is not None:
        task_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"sitebuilder-idempotency:{account_id}:{idempotency_key}"))
    task_id = task_id or str(uuid.uuid4())
    sb = engine if engine is not None else get_engine()
    sb.queue_task(function_name, payload, account_id, task_id=task_id, idempotency_key=idempotency_key)
    app = run_ai_task.app
    up, detail = broker_status(app)
    if up:
        try:
            result = run_ai_task.apply_async(args=(function_name, payload, account_id), task_id=task_id, retry=False)
            return Dispatched(task_id=task_id, queued=True, async_result=result)
        except Exception as err:  # kombu raises OperationalError, redis ConnectionError, or OSError
            if not _is_broker_error(err):
                raise
            _mark_down(app, str(err))
            detail = str(err)
    logger.warning(
        "Celery broker unreachable (%s); running %s inline for account %s (task %s)",
        detail,
        function_name,
        account_id,
        task_id,
    )
    outcome = sb.run(function_name, payload, account_id, task_id=task_id)
    return Dispatched(task_id=task_id, queued=False, outcome=outcome)


# ---- broker probe ----

_probe_lock = threading.Lock()
_probe_cache: dict[str, tuple[float, bool, str]] = {}


def _broker_address(app: Any) -> tuple[str, str | None, int | None]:
    """(broker URL, host, port) of the app's broker; host is None for in-process transports."""
    conn = app.connection_for_write()
    try:
        url = conn.as_uri()
        transport = conn.transport_cls if isinstance(conn.transport_cls, str) else type(conn.transport).__name__
        if str(transport).lower().startswith(("memory", "filesystem")) or not conn.hostname:
            return url, None, None
        port = conn.port or getattr(conn.transport, "default_port", None)
        return url, conn.hostname, int(port) if port else None
    finally:
        conn.release()


def broker_status(app: Any = None, *, fresh: bool = False, timeout: float = BROKER_PROBE_TIMEOUT) -> tuple[bool, str]:
    """Whether the broker accepts a TCP connection within ``timeout``, and what was seen.

    The answer is cached per broker URL for :data:`BROKER_STATE_TTL` seconds (``fresh=True`` asks
    again), so a burst of dispatches against a dead broker pays for one probe, not one each.
    """
    if app is None:
        from celery import current_app

        app = current_app
    url, host, port = _broker_address(app)
    now = time.monotonic()
    with _probe_lock:
        cached = _probe_cache.get(url)
    if cached is not None and not fresh and now - cached[0] < BROKER_STATE_TTL:
        return cached[1], cached[2]
    if host is None or port is None:
        up, detail = True, f"{url.split('://')[0]} transport (in process)"
    else:
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            up, detail = True, f"{host}:{port} accepts connections"
        except OSError as err:
            up, detail = False, f"{host}:{port}: {err}"
    with _probe_lock:
        _probe_cache[url] = (time.monotonic(), up, detail)
    return up, detail


def _mark_down(app: Any, detail: str) -> None:
    url, _, _ = _broker_address(app)
    with _probe_lock:
        _probe_cache[url] = (time.monotonic(), False, detail)


def _wait_running(sb: SiteBuilder, task_id: str, account_id: int, timeout: float = RECOVER_OLDER_THAN) -> bool:
    """Waits until the task's running delivery ends; False when the row is not a running twin."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        record = sb.task(account_id, task_id)
        if record.status != "running":
            return record.status == "succeeded"
        time.sleep(0.25)
    return False


def _is_broker_error(err: BaseException) -> bool:
    from kombu.exceptions import OperationalError

    seen: BaseException | None = err
    while seen is not None:
        if isinstance(seen, (OperationalError, ConnectionError, OSError, TimeoutError)):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


# ---- scheduled recovery ----


@shared_task(name=RECOVER_TASK_NAME)
def recover_stale_task(older_than_secs: float = RECOVER_OLDER_THAN) -> list[str]:
    """Fails runs whose worker died, releases their credit holds, puts their blueprints back."""
    recovered = get_engine().recover_stale(float(older_than_secs))
    if recovered:
        logger.warning("recover_stale: released %d abandoned task(s): %s", len(recovered), ", ".join(recovered))
    return recovered


def schedule_recovery(app: Any, *, every_secs: float = 60.0, older_than_secs: float = RECOVER_OLDER_THAN) -> None:
    """Adds the beat entry running :func:`recover_stale_task` every ``every_secs``: the one line a
    host adds next to its Celery app (beat must run: ``celery -A proj beat`` or ``worker -B``).

    Pick ``older_than_secs`` above the provider's timeout × retries: a healthy run writes its task
    row at every phase, but one model call may take that long.
    """
    app.add_periodic_task(every_secs, recover_stale_task.s(older_than_secs), name="sitebuilder-recover-stale")


# ---- doctor ----


def doctor(
    app: Any = None,
    *,
    engine: SiteBuilder | None = None,
    ping_timeout: float = 1.0,
    stuck_after_secs: float | None = None,
) -> DoctorReport:
    """The engine's checks plus the Celery side: broker reachable, a worker answering a ping
    within ``ping_timeout`` seconds. ``ok`` is False when any fails (each with its fix); the
    engine's own ``queue`` check reports tasks waiting longer than ``stuck_after_secs``."""
    if app is None:
        from celery import current_app

        app = current_app
    sb = engine if engine is not None else get_engine()
    report = sb.doctor(stuck_after_secs=stuck_after_secs)
    checks = list(report.checks)
    up, detail = broker_status(app, fresh=True)
    checks.append(
        DoctorCheck(
            name="broker",
            ok=up,
            detail=detail,
            fix=None
            if up
            else "start the broker (redis-server) or fix Celery's broker_url; until then dispatch() runs tasks inline in the caller",
        )
    )
    if up:
        try:
            replies = app.control.ping(timeout=ping_timeout) or []
        except Exception as err:  # a broker that accepts TCP but not the protocol
            replies, detail = [], f"ping failed: {err}"
        else:
            names = sorted(name for reply in replies for name in reply)
            detail = f"{len(names)} worker(s) answered: {', '.join(names)}" if names else f"no worker answered a ping within {ping_timeout}s"
        checks.append(
            DoctorCheck(
                name="workers",
                ok=bool(replies),
                detail=detail,
                fix=None if replies else "start a worker: celery -A <your app> worker (on the queue run_ai_task is routed to)",
            )
        )
    else:
        checks.append(
            DoctorCheck(
                name="workers",
                ok=False,
                detail="not asked: the broker is unreachable",
                fix="start the broker, then a worker: celery -A <your app> worker",
            )
        )
    return DoctorReport(ok=all(c.ok for c in checks), checks=checks)
