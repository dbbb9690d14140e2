"""How long `sitebuilder.contrib.celery.dispatch` takes to give up on a dead broker and run inline.

    python benches/broker_fallback.py            # (from the repository root, in the test venv)

Measures, with the offline planner on a SQLite file (so the run itself costs a few ms):
- before: what the previous `dispatch` did, `run_ai_task.apply_async(..., retry=False)` until it
  raised, with Celery's default connection settings;
- after: `broker_status` (the cached TCP probe) and the whole `dispatch` including the inline run;
for a port nothing listens on, and for a private redis-server that was started then stopped.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "python"))

from celery import Celery  # noqa: E402

from sitebuilder import SiteBuilder  # noqa: E402
from sitebuilder.contrib import celery as sb_celery  # noqa: E402
from support.redis_server import RedisServer, closed_port  # noqa: E402


def measure(label: str, broker: str, sb: SiteBuilder, runs: int) -> None:
    app = Celery("bench", broker=broker, backend=None)
    app.set_current()
    sb_celery.set_engine_factory(lambda: sb)
    started = time.monotonic()
    try:
        sb_celery.run_ai_task.apply_async(args=("generate_site_structure", {"blueprint_id": 1}, 1), retry=False)
        before = float("nan")
    except Exception:  # noqa: BLE001
        before = time.monotonic() - started
    cold, dispatches = [], []
    for _ in range(runs):
        sb_celery._probe_cache.clear()
        t = time.monotonic()
        sb_celery.broker_status(app)
        cold.append(time.monotonic() - t)
        bp = sb.create_blueprint(1, "Bench", config={"business_brief": "A bakery"})
        t = time.monotonic()
        handle = sb_celery.dispatch("generate_site_structure", {"blueprint_id": bp.id}, 1)
        dispatches.append(time.monotonic() - t)
        assert not handle.queued
    print(
        f"{label}: before {before:.2f} s until apply_async raised; after: probe {statistics.median(cold) * 1000:.2f} ms, "
        f"whole dispatch incl. the inline run {statistics.median(dispatches) * 1000:.1f} ms (median of {runs})"
    )


def main() -> None:
    import logging

    logging.getLogger("sitebuilder.celery").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        sb = SiteBuilder(f"sqlite://{tmp}/bench.db", provider="offline")
        sb.grant(1, 10**9)
        measure("closed port", f"redis://127.0.0.1:{closed_port()}/0", sb, 20)
        redis = RedisServer()
        redis.start()
        redis.stop()
        measure("stopped redis-server", redis.url(0), sb, 20)


if __name__ == "__main__":
    main()
