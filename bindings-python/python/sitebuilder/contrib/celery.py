"""Celery integration: the seed's ``run_ai_task`` over the engine, with the seed's fallback.

    # celery app module
    app = Celery("proj")
    app.autodiscover_tasks(["sitebuilder.contrib"])   # or: import sitebuilder.contrib.celery

    from sitebuilder.contrib.celery import dispatch
    handle = dispatch("generate_site_structure", {"blueprint_id": 7}, account_id=1)

The task keeps the seed's name (``igny8_core.ai.tasks.run_ai_task``) and arguments, so messages a
seed deployment left in the queue still run. It passes Celery's task id to the engine as the run's
task id: credits are idempotent per task id, so a redelivered message (``acks_late``, a worker lost
mid-run) never charges twice. Progress goes to ``update_state(state="PROGRESS", meta=...)``.

The engine comes from ``set_engine_factory(...)``; by default from the Django integration when
Django is configured, else ``SiteBuilder()`` from ``SITEBUILDER_DATABASE_URL``.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from celery import shared_task
from celery.result import AsyncResult

from .._client import SiteBuilder
from .._records import Progress, RunOutcome

__all__ = ["TASK_NAME", "Dispatched", "dispatch", "get_engine", "run_ai_task", "set_engine_factory"]

logger = logging.getLogger("sitebuilder.celery")

TASK_NAME = "igny8_core.ai.tasks.run_ai_task"
"""The seed's task name (``backend/igny8_core/ai/tasks.py``)."""

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


def _progress_meta(progress: Progress, function_name: str) -> dict[str, Any]:
    return {
        "function_name": function_name,
        "phase": progress.phase,
        "percent": progress.percent,
        "message": progress.message,
        "current": progress.current,
        "total": progress.total,
    }


@shared_task(bind=True, name=TASK_NAME, acks_late=True)
def run_ai_task(self: Any, function_name: str, payload: dict[str, Any], account_id: int | None = None) -> dict[str, Any]:
    """Runs an AI function for an account; the result is the run outcome as a dict."""
    if account_id is None:
        from ..errors import InvalidInputError

        raise InvalidInputError("run_ai_task needs account_id: every run is charged to an account")
    task_id = self.request.id or str(uuid.uuid4())

    def on_progress(progress: Progress) -> None:
        if self.request.id is not None and not self.request.is_eager:
            self.update_state(state="PROGRESS", meta=_progress_meta(progress, function_name))

    logger.info("run_ai_task STARTED: %s task_id=%s account_id=%s", function_name, task_id, account_id)
    outcome = get_engine().run(function_name, payload, int(account_id), task_id=task_id, on_progress=on_progress)
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
) -> Dispatched:
    """Queues ``run_ai_task``; when the broker is unreachable, runs it inline with a warning.

    The inline run uses the same task id, so if the message did reach a queue after all, the worker
    that picks it up replays the stored result instead of charging again.
    """
    task_id = task_id or str(uuid.uuid4())
    try:
        result = run_ai_task.apply_async(args=(function_name, payload, account_id), task_id=task_id, retry=False)
        return Dispatched(task_id=task_id, queued=True, async_result=result)
    except Exception as err:  # kombu raises OperationalError, redis ConnectionError, or OSError
        if not _is_broker_error(err):
            raise
        logger.warning(
            "Celery broker unreachable (%s); running %s inline for account %s (task %s)",
            err,
            function_name,
            account_id,
            task_id,
        )
    sb = engine if engine is not None else get_engine()
    outcome = sb.run(function_name, payload, account_id, task_id=task_id)
    return Dispatched(task_id=task_id, queued=False, outcome=outcome)


def _is_broker_error(err: BaseException) -> bool:
    from kombu.exceptions import OperationalError

    seen: BaseException | None = err
    while seen is not None:
        if isinstance(seen, (OperationalError, ConnectionError, OSError, TimeoutError)):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
