"""The seed's outage made loud: a stopped broker (a private redis-server, never the shared one)
or a closed port means a fast inline fallback and a failing doctor; a queued task is on record
before any worker runs; a broker that comes back is used again; a worker killed mid-run is
cleaned up by the scheduled recovery (Celery beat), its hold released, its blueprint as before."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery import Celery, current_app

from sitebuilder import OpenAICompatible, SiteBuilder
from sitebuilder.contrib import celery as sb_celery
from support.openai_server import FakeModel
from support.redis_server import RedisServer, closed_port

HERE = Path(__file__).parent


@pytest.fixture
def redis() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


@pytest.fixture
def queue() -> str:
    return f"sbout-{os.getpid()}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(autouse=True)
def fresh_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no cached broker answer."""
    monkeypatch.setattr(sb_celery, "_probe_cache", {})


def _use_app(app: Celery, sb: SiteBuilder) -> Iterator[None]:
    previous = current_app._get_current_object()
    sb_celery.set_engine_factory(lambda: sb)
    app.set_current()
    try:
        yield
    finally:
        sb_celery.set_engine_factory(None)
        previous.set_current()


def _app(broker: str, queue: str = "celery") -> Celery:
    app = Celery(f"outage-{uuid.uuid4().hex[:6]}", broker=broker, backend=broker)
    app.conf.update(task_default_queue=queue, broker_connection_timeout=1)
    return app


def _worker(queue: str, env: dict[str, str], log: Path, *extra: str, concurrency: int = 1) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "support.celery_app", "worker",
            "--pool=prefork", f"--concurrency={concurrency}", "-Q", queue, "-n", f"{queue}-{uuid.uuid4().hex[:4]}@%h",
            "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat", *extra,
        ],
        cwd=HERE,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait_for(what: str, predicate, timeout: float, log: Path | None = None) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            text = log.read_text(errors="replace") if log and log.exists() else ""
            raise AssertionError(f"timed out waiting for {what}\n{text}")
        time.sleep(0.1)


def _stop(worker: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=15)


def _worker_env(redis: RedisServer, queue: str, pg_url: str, model: FakeModel) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        SBTEST_BROKER=redis.url(1),
        SBTEST_BACKEND=redis.url(1),
        SBTEST_QUEUE=queue,
        SITEBUILDER_DATABASE_URL=pg_url,
        SITEBUILDER_AI_BASE_URL=model.base_url,
        SITEBUILDER_AI_GENERATION="whole",  # the scripted server answers whole sites
        SITEBUILDER_AI_API_KEY="sk-outage",
        SITEBUILDER_AI_MODEL="fake-4o",
        PYTHONPATH=os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")]),
    )
    return env


def _check(report, name):  # type: ignore[no-untyped-def]
    return next(c for c in report.checks if c.name == name)


def test_broker_down_falls_back_inline_and_doctor_says_so_then_the_broker_is_used_again(
    pg_url: str,
    redis: RedisServer,
    queue: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sb = SiteBuilder(pg_url, provider="offline")
    sb.grant_credits(8, 1000)
    app = _app(redis.url(1), queue)
    with FakeModel() as model:
        gen = _use_app(app, sb)
        next(gen)
        try:
            # Stopped Redis, then a port nothing ever listened on: inline, with the warning.
            redis.stop()
            for broker_app in (app, _app(f"redis://127.0.0.1:{closed_port()}/0")):
                broker_app.set_current()
                sb_celery._probe_cache.clear()
                bp = sb.create_blueprint(8, "Inline", config={"business_brief": "Cafe"})
                caplog.clear()
                with caplog.at_level(logging.WARNING, logger="sitebuilder.celery"):
                    handle = sb_celery.dispatch("generate_site_structure", {"blueprint_id": bp.id}, 8)
                assert handle.queued is False and handle.outcome is not None
                assert handle.outcome.credits_charged == 50
                assert "broker unreachable" in caplog.text
                assert sb.task(8, handle.task_id).status == "succeeded"
                assert sb.get_blueprint(8, bp.id).status == "ready"

                report = sb_celery.doctor(broker_app, engine=sb)
                assert not report.ok
                broker = _check(report, "broker")
                assert not broker.ok and "redis-server" in (broker.fix or "")
                assert not _check(report, "workers").ok
            app.set_current()

            # Within the cache's lifetime the dead answer is reused: no probe, no wait.
            up, _ = sb_celery.broker_status(app)
            assert up is False

            # Redis is back: used again, without a restart, once the cached answer expires.
            redis.start()
            monkeypatch.setattr(sb_celery, "BROKER_STATE_TTL", 0.2)
            time.sleep(0.3)
            bp = sb.create_blueprint(8, "Queued", config={"business_brief": "Cafe"})
            handle = sb_celery.dispatch("generate_site_structure", {"blueprint_id": bp.id}, 8)
            assert handle.queued is True

            # No worker yet: the task is on record, queued, with its function, account and payload.
            record = sb.task(8, handle.task_id)
            assert record.status == "queued"
            assert record.function_name == "generate_site_structure"
            assert record.payload == {"blueprint_id": bp.id}
            assert record.created_at is not None and record.started_at is None
            report = sb_celery.doctor(app, engine=sb, ping_timeout=0.5, stuck_after_secs=0)
            assert _check(report, "broker").ok
            workers = _check(report, "workers")
            assert not workers.ok and "celery" in (workers.fix or "")
            stuck = _check(report, "queue")
            assert not stuck.ok and handle.task_id in stuck.detail and "worker" in (stuck.fix or "")
            assert not report.ok
            assert "sitebuilder_tasks_queued" in sb.metrics()

            # A worker starts: the queued task runs, and doctor passes its Celery checks.
            log = tmp_path / "worker.log"
            worker = _worker(queue, _worker_env(redis, queue, pg_url, model), log)
            try:
                _wait_for("the queued task to finish", lambda: sb.task(8, handle.task_id).status == "succeeded", 60, log)
                report = sb_celery.doctor(app, engine=sb, ping_timeout=2)
                assert _check(report, "workers").ok, report
                assert _check(report, "broker").ok and _check(report, "queue").ok
            finally:
                _stop(worker)
        finally:
            next(gen, None)
    assert sb.balance(8) == 1000 - 3 * 50


def test_worker_killed_mid_run_is_recovered_by_the_beat_schedule(
    pg_url: str, redis: RedisServer, queue: str, tmp_path: Path
) -> None:
    sb = SiteBuilder(pg_url, provider="offline")
    sb.grant_credits(9, 200)
    bp = sb.create_blueprint(9, "Killed", config={"business_brief": "A bakery in Porto"})
    sb.generate_structure(9, bp.id)  # a first structure: the blueprint is `ready`, version 1
    before = sb.get_blueprint(9, bp.id)
    app = _app(redis.url(1), queue)
    with FakeModel(delay=120) as model:
        env = _worker_env(redis, queue, pg_url, model)
        log = tmp_path / "worker.log"
        worker = _worker(queue, env, log)
        gen = _use_app(app, sb)
        next(gen)
        try:
            handle = sb_celery.dispatch("generate_site_structure", {"blueprint_id": bp.id}, 9)
            assert handle.queued
            _wait_for("the run to reach the model", lambda: len(model.requests) > 0, 60, log)
            assert sb.task(9, handle.task_id).status == "running"
            assert sb.get_blueprint(9, bp.id).status == "generating"
            assert sb.balance(9) == 100, "50 held for the run"
            _stop(worker, signal.SIGKILL)  # the worker dies mid-run: no cleanup of its own

            beat_log = tmp_path / "beat.log"
            env.update(SBTEST_RECOVER_EVERY="1", SBTEST_RECOVER_OLDER_THAN="2")
            beat = _worker(queue, env, beat_log, "-B", "--schedule", str(tmp_path / "beat-schedule"))
            try:
                _wait_for("the scheduled recovery", lambda: sb.task(9, handle.task_id).status == "failed", 90, beat_log)
            finally:
                _stop(beat)
        finally:
            next(gen, None)
    record = sb.task(9, handle.task_id)
    assert "abandoned" in (record.error_message or "")
    after = sb.get_blueprint(9, bp.id)
    assert after.status == "ready", "back to the status it had before the run"
    assert after.version == before.version and after.structure_json == before.structure_json
    assert sb.balance(9) == 150, "the hold was released"
    assert "recover_stale: released 1 abandoned task(s)" in beat_log.read_text(errors="replace")


def test_a_duplicated_message_runs_once_and_charges_once(pg_url: str, redis: RedisServer, queue: str, tmp_path: Path) -> None:
    sb = SiteBuilder(pg_url, provider="offline")
    sb.grant_credits(10, 100)
    bp = sb.create_blueprint(10, "Twice", config={"business_brief": "A bakery in Porto"})
    app = _app(redis.url(1), queue)
    with FakeModel(delay=2) as model:
        log = tmp_path / "worker.log"
        worker = _worker(queue, _worker_env(redis, queue, pg_url, model), log, concurrency=2)
        gen = _use_app(app, sb)
        next(gen)
        try:
            handle = sb_celery.dispatch("generate_site_structure", {"blueprint_id": bp.id}, 10)
            assert handle.queued
            # The same message again while the first delivery runs (a broker redelivery, a retry
            # by the caller): the second worker process waits for the first and replays it.
            sb_celery.run_ai_task.apply_async(
                args=("generate_site_structure", {"blueprint_id": bp.id}, 10), task_id=handle.task_id, retry=False
            )
            done = f"run_ai_task DONE: generate_site_structure task_id={handle.task_id}"
            _wait_for("both deliveries", lambda: log.read_text(errors="replace").count(done) >= 2, 60, log)
        finally:
            next(gen, None)
            _stop(worker)
    runs = sorted(line.split("credits=")[1] for line in log.read_text(errors="replace").splitlines() if done in line)
    assert runs == ["0 replayed=True", "50 replayed=False"], runs
    assert len(model.requests) == 1, "the model was asked once"
    assert sb.balance(10) == 50
    assert sb.task(10, handle.task_id).status == "succeeded"
