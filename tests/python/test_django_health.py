"""The Django app's health and metrics endpoints, and the doctor command with the Celery checks."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from sitebuilder.contrib import celery as sb_celery
from sitebuilder.contrib.django import get_sitebuilder, reset_sitebuilder
from support.redis_server import closed_port

pytestmark = pytest.mark.django_db(transaction=True)

API = "/api/v1/site-builder"


@pytest.fixture(autouse=True)
def _fresh_engine() -> Iterator[None]:
    reset_sitebuilder()
    sb_celery._probe_cache.clear()
    yield
    reset_sitebuilder()


@pytest.fixture
def dead_broker() -> Iterator[None]:
    from celery import Celery, current_app

    previous = current_app._get_current_object()
    Celery("dead-broker", broker=f"redis://127.0.0.1:{closed_port()}/0").set_current()
    try:
        yield
    finally:
        previous.set_current()


def _checks(response: Any) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in response.json()["checks"]}


def test_health_is_200_when_every_check_passes() -> None:
    response = Client().get(f"{API}/health/")
    assert response.status_code == 200, response.content
    assert response.json()["ok"] is True
    assert {"database", "migrations", "queue", "provider"} <= set(_checks(response))
    assert Client().post(f"{API}/health/").status_code == 405


def test_health_is_503_with_the_fix_when_the_broker_is_down(settings: Any, dead_broker: None) -> None:
    settings.SITEBUILDER = {**settings.SITEBUILDER, "ASYNC_GENERATION": True, "HEALTH_PING_TIMEOUT": 0.2}
    response = Client().get(f"{API}/health/")
    assert response.status_code == 503
    checks = _checks(response)
    assert checks["broker"]["ok"] is False and "redis-server" in checks["broker"]["fix"]
    assert checks["workers"]["ok"] is False
    assert checks["database"]["ok"] is True

    with pytest.raises(CommandError):
        call_command("sitebuilder", "doctor")


def test_health_fails_on_a_task_no_worker_takes_and_metrics_count_it(settings: Any, capsys: pytest.CaptureFixture[str]) -> None:
    settings.SITEBUILDER = {**settings.SITEBUILDER, "HEALTH_STUCK_AFTER": 0}
    sb = get_sitebuilder()
    account = uuid.uuid4().int % 10**9 + 1000
    bp = sb.create_blueprint(account, "Waiting", config={"business_brief": "Cafe"})
    queued = sb.queue_task("generate_site_structure", {"blueprint_id": bp.id}, account)
    try:
        # The task answers at once through the API, as queued, with its function and time.
        from accounts.models import Membership
        from django.contrib.auth.models import User

        user = User.objects.create_user(f"u{uuid.uuid4().hex[:8]}", "u@x.test", "pw")
        Membership.objects.create(user=user, account_id=account)
        client = Client()
        client.force_login(user)
        task = client.get(f"{API}/tasks/{queued.task_id}/")
        assert task.status_code == 200, task.content
        body = task.json()
        assert body["status"] == "queued" and body["function_name"] == "generate_site_structure"
        assert body["created_at"] and body["payload"] == {"blueprint_id": bp.id}

        response = Client().get(f"{API}/health/")
        assert response.status_code == 503
        queue = _checks(response)["queue"]
        assert queue["ok"] is False and queued.task_id in queue["detail"] and "worker" in queue["fix"]

        metrics = Client().get(f"{API}/metrics/")
        assert metrics.status_code == 200
        assert metrics["Content-Type"].startswith("text/plain; version=0.0.4")
        text = metrics.content.decode()
        assert "# TYPE sitebuilder_tasks_queued gauge" in text
        assert "sitebuilder_tasks_oldest_queued_seconds" in text

        with pytest.raises(CommandError):
            call_command("sitebuilder", "doctor")
        assert "fix: start a worker" in capsys.readouterr().out
    finally:
        # Leave nothing queued for the other tests sharing this database.
        sb.grant_credits(account, 50)
        sb.run("generate_site_structure", {"blueprint_id": bp.id}, account, task_id=queued.task_id)
    assert Client().get(f"{API}/health/").status_code == 200
    text = Client().get(f"{API}/metrics/").content.decode()
    assert 'sitebuilder_task_wait_seconds' in text
