"""The Celery app the worker test starts (``celery -A support.celery_app worker``).

Broker, result backend and queue come from the environment so each test run has its own queue.
The engine is opened in the parent worker process before the prefork pool forks, as a host's
import-time setup would; the children must reopen it.
"""

from __future__ import annotations

import os

from celery import Celery

from sitebuilder import FromEnv, SiteBuilder

app = Celery("sbtest")
app.conf.update(
    broker_url=os.environ.get("SBTEST_BROKER", "redis://127.0.0.1:6379/15"),
    result_backend=os.environ.get("SBTEST_BACKEND", "redis://127.0.0.1:6379/15"),
    task_default_queue=os.environ.get("SBTEST_QUEUE", "sbtest"),
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    broker_connection_timeout=2,
    task_track_started=True,
    result_expires=600,
)

import sitebuilder.contrib.celery as sb_celery  # noqa: E402  (registers run_ai_task on this app)

if os.environ.get("SBTEST_RECOVER_EVERY"):
    # The one line a host adds for scheduled recovery (run with beat: `worker -B`).
    sb_celery.schedule_recovery(
        app,
        every_secs=float(os.environ["SBTEST_RECOVER_EVERY"]),
        older_than_secs=float(os.environ.get("SBTEST_RECOVER_OLDER_THAN", "900")),
    )

if os.environ.get("SITEBUILDER_DATABASE_URL"):
    sb_celery.set_engine_factory(lambda: SiteBuilder(os.environ["SITEBUILDER_DATABASE_URL"], provider=FromEnv()))
    if os.environ.get("SBTEST_OPEN_BEFORE_FORK"):
        sb_celery.get_engine().metadata()
