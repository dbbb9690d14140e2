"""Celery: a real prefork worker on Redis running generate_site_structure against the fake model,
progress seen from the caller, redelivery never charging twice, and the inline fallback."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from celery import Celery

from sitebuilder import OpenAICompatible, SiteBuilder
from support.openai_server import FakeModel

HERE = Path(__file__).parent
REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture
def queue() -> str:
    return f"sbtest-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def _start_worker(queue: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "support.celery_app", "worker",
            "--pool=prefork", "--concurrency=2", "-Q", queue, "-n", f"{queue}@%h",
            "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
        ],
        cwd=HERE,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=15)


def _wait_ready(worker: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace") if log.exists() else ""
        if " ready." in text:
            return
        if worker.poll() is not None:
            raise AssertionError(f"worker exited with {worker.returncode}:\n{text}")
        time.sleep(0.2)
    raise AssertionError(f"worker not ready after {timeout}s:\n{log.read_text(errors='replace')}")


def test_worker_runs_generate_site_structure(pg_url: str, queue: str, tmp_path: Path) -> None:
    from support import celery_app  # the caller's side of the same app

    with FakeModel(delay=0.8) as model:
        sb = SiteBuilder(pg_url, provider=OpenAICompatible(model.base_url, api_key="sk-celery", model="fake-4o", generation="whole"))
        account = 77
        sb.grant_credits(account, 120)
        bp = sb.create_blueprint(account, "Porto Bakery", config={"business_brief": "Family bakery"})

        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        env.update(
            SBTEST_BROKER=REDIS,
            SBTEST_BACKEND=REDIS,
            SBTEST_QUEUE=queue,
            SITEBUILDER_DATABASE_URL=pg_url,
            SITEBUILDER_AI_BASE_URL=model.base_url,
            SITEBUILDER_AI_GENERATION="whole",  # the scripted server answers whole sites
            SITEBUILDER_AI_API_KEY="sk-celery",
            SITEBUILDER_AI_MODEL="fake-4o",
            SBTEST_OPEN_BEFORE_FORK="1",
            PYTHONPATH=os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")]),
        )
        log = tmp_path / "worker.log"
        worker = _start_worker(queue, env, log)
        try:
            _wait_ready(worker, log)
            app = celery_app.app
            app.conf.update(broker_url=REDIS, result_backend=REDIS, task_default_queue=queue)
            task = app.tasks["igny8_core.ai.tasks.run_ai_task"]
            task_id = f"t-{uuid.uuid4()}"
            result = task.apply_async(args=("generate_site_structure", {"blueprint_id": bp.id}, account), task_id=task_id, queue=queue)
            seen: list[dict[str, Any]] = []
            deadline = time.monotonic() + 60
            while not result.ready():
                assert time.monotonic() < deadline, log.read_text(errors="replace")
                # One read of the backend: `state` and `info` fetched separately can straddle the
                # task's last PROGRESS update and its SUCCESS result.
                meta = app.backend.get_task_meta(task_id, cache=False)
                if meta.get("status") == "PROGRESS" and isinstance(meta.get("result"), dict):
                    if not seen or seen[-1] != meta["result"]:
                        seen.append(dict(meta["result"]))
                time.sleep(0.05)
            outcome = result.get(timeout=10)
            assert result.state == "SUCCESS"
            assert outcome["task_id"] == task_id
            assert outcome["credits_charged"] == 50 and outcome["model"] == "fake-4o"
            assert seen, "the caller saw PROGRESS states"
            assert {s["phase"] for s in seen} & {"AI_CALL", "PREP", "INIT", "PARSE", "SAVE"}
            assert all(0 <= s["percent"] <= 100 for s in seen)

            saved = sb.get_blueprint(account, bp.id)
            assert saved.status == "ready" and saved.structure_json["site"]["name"] == "Porto Bakery"
            assert sb.balance(account) == 70
            assert model.requests[0]["auth"] == "Bearer sk-celery"

            # A redelivered message (same task id) replays instead of charging again. The worker's
            # log shows the second execution (the result backend keeps the first result per id).
            task.apply_async(args=("generate_site_structure", {"blueprint_id": bp.id}, account), task_id=task_id, queue=queue)
            done_line = f"run_ai_task DONE: generate_site_structure task_id={task_id}"
            deadline = time.monotonic() + 60
            while log.read_text(errors="replace").count(done_line) < 2:
                assert time.monotonic() < deadline, log.read_text(errors="replace")
                time.sleep(0.1)
            runs = [line for line in log.read_text(errors="replace").splitlines() if done_line in line]
            assert "credits=50 replayed=False" in runs[0] and "credits=0 replayed=True" in runs[1], runs
            assert sb.balance(account) == 70
            record = sb.task(account, task_id)
            assert record.status == "succeeded" and record.credits == 50
        finally:
            _stop(worker)
        worker_log = log.read_text(errors="replace")
        assert "run_ai_task STARTED: generate_site_structure" in worker_log


def test_dispatch_falls_back_inline_when_broker_is_down(pg_url: str, caplog: pytest.LogCaptureFixture) -> None:
    from sitebuilder.contrib import celery as sb_celery

    dead = Celery("dead", broker="redis://127.0.0.1:1/0", backend="redis://127.0.0.1:1/0")
    dead.conf.update(broker_connection_timeout=1, broker_connection_retry=False, broker_connection_max_retries=0)
    sb = SiteBuilder(pg_url, provider="offline")
    sb.grant_credits(5, 50)
    bp = sb.create_blueprint(5, "Fallback", config={"business_brief": "Cafe"})
    from celery import current_app

    previous_app = current_app._get_current_object()
    sb_celery.set_engine_factory(lambda: sb)
    dead.set_current()
    try:
        with caplog.at_level(logging.WARNING, logger="sitebuilder.celery"):
            started = time.monotonic()
            handle = sb_celery.dispatch("generate_site_structure", {"blueprint_id": bp.id}, 5)
            elapsed = time.monotonic() - started
    finally:
        sb_celery.set_engine_factory(None)
        previous_app.set_current()
    assert handle.queued is False
    assert handle.outcome is not None and handle.outcome.credits_charged == 50
    assert "broker unreachable" in caplog.text
    assert elapsed < 30
    saved = sb.get_blueprint(5, bp.id)
    assert saved.status == "ready" and saved.structure_json["pages"]
    record = sb.task(5, handle.task_id)
    assert record.status == "succeeded"
    assert sb.balance(5) == 0
