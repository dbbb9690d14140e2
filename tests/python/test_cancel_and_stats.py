"""Cancellation that leaves no state behind, run statistics, and the remaining async twins."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

import sitebuilder
from sitebuilder import CancelToken, Offline, OpenAICompatible, SiteBuilder, TaskRecord
from support.openai_server import FakeModel

DELAY = 4.0


def _slow_builder(url: str, model: FakeModel) -> SiteBuilder:
    return SiteBuilder(url, provider=OpenAICompatible(model.base_url, api_key="k", model="m", max_retries=0, generation="whole"))


def _finished(sb: SiteBuilder, task_id: str, account_id: int, within: float) -> TaskRecord:
    deadline = time.monotonic() + within
    record = sb.task(account_id, task_id)
    while record.status not in ("succeeded", "failed", "cancelled"):
        assert time.monotonic() < deadline, record
        time.sleep(0.05)
        record = sb.task(account_id, task_id)
    return record


def test_cancelling_an_async_run_cancels_the_run_itself(db_url: str) -> None:
    with FakeModel(delay=DELAY) as model:
        sb = _slow_builder(db_url, model)
        sb.grant_credits(1, 50)
        bp = sb.create_blueprint(1, "Bakery", config={"business_brief": "Bakery in Porto"})
        started = time.monotonic()

        async def main() -> None:
            task = asyncio.ensure_future(sb.agenerate_structure(1, bp.id, task_id="cancel-async"))
            while not model.requests:  # the run is waiting for the model now
                assert time.monotonic() - started < DELAY, "the model was never called"
                await asyncio.sleep(0.02)
            assert (await sb.atask(1, "cancel-async")).status == "running"
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

        asyncio.run(main())
        record = _finished(sb, "cancel-async", 1, within=DELAY)
        # It ended because it was cancelled, not because the model answered.
        assert time.monotonic() - started < DELAY, "the run waited for the model instead of stopping"
        assert record.status == "cancelled" and record.error_code == "cancelled", record
        assert sb.get_blueprint(1, bp.id).status != "generating"
        assert sb.get_blueprint(1, bp.id).structure_json in ({}, None)
        assert sb.balance(1) == 50
        assert sb.list_pages(1, bp.id) == []


def test_sync_run_stops_through_a_cancel_token(sqlite_url: str) -> None:
    with FakeModel(delay=DELAY) as model:
        sb = _slow_builder(sqlite_url, model)
        sb.grant_credits(2, 50)
        bp = sb.create_blueprint(2, "Bakery", config={"business_brief": "Bakery"})
        token = CancelToken()
        assert not token.cancelled and "cancelled=False" in repr(token)

        def cancel_when_asked() -> None:
            while not model.requests:
                time.sleep(0.02)
            token.cancel()

        threading.Thread(target=cancel_when_asked, daemon=True).start()
        started = time.monotonic()
        with pytest.raises(sitebuilder.CancelledError) as caught:
            sb.generate_structure(2, bp.id, task_id="cancel-sync", cancel=token)
        assert time.monotonic() - started < DELAY
        assert caught.value.code == "cancelled" and token.cancelled
        assert sb.task(2, "cancel-sync").status == "cancelled"
        assert sb.get_blueprint(2, bp.id).status != "generating"
        assert sb.balance(2) == 50

        # A token cancelled beforehand stops the run before the model is asked again.
        asked = len(model.requests)
        with pytest.raises(sitebuilder.CancelledError):
            sb.run("generate_site_structure", {"blueprint_id": bp.id}, 2, cancel=token)
        assert len(model.requests) == asked and sb.balance(2) == 50


def test_stats_count_outcomes_by_function(sqlite_url: str) -> None:
    sb = SiteBuilder(sqlite_url, provider=Offline())
    since = datetime.now(timezone.utc) - timedelta(seconds=5)
    sb.grant_credits(3, 50)
    bp = sb.create_blueprint(3, "Stats", config={"business_brief": "Florist"})
    sb.generate_structure(3, bp.id)
    with pytest.raises(sitebuilder.InsufficientCreditsError):
        sb.generate_structure(3, bp.id)
    token = CancelToken()
    token.cancel()
    with pytest.raises(sitebuilder.CancelledError):
        sb.generate_structure(3, bp.id, cancel=token)

    stats = {s.function_name: s for s in sb.stats(since)}
    structure = stats["generate_site_structure"]
    assert structure.succeeded == 1 and structure.cancelled == 1
    assert structure.finished == structure.succeeded + structure.cancelled + structure.failed
    assert structure.to_dict()["function_name"] == "generate_site_structure"
    # A naive datetime is read as UTC; a window in the future is empty.
    assert sb.stats(datetime.utcnow() + timedelta(hours=1)) == []
    assert [s.function_name for s in asyncio.run(sb.astats(since))] == list(stats)
    with pytest.raises(TypeError):
        sb.stats("yesterday")  # type: ignore[arg-type]


def test_async_twins_of_dispatch_recover_and_reorder(sqlite_url: str) -> None:
    sb = SiteBuilder(sqlite_url, provider=Offline())
    sb.grant_credits(4, 50)
    bp = sb.create_blueprint(4, "Twins", config={"business_brief": "Cafe in Braga"})
    a = sb.create_page(4, bp.id, "a", "A")
    b = sb.create_page(4, bp.id, "b", "B")

    async def main() -> str:
        await sb.areorder_pages(4, bp.id, [b.id, a.id])
        assert [p.slug for p in await sb.alist_pages(4, bp.id)] == ["b", "a"]
        with pytest.raises(sitebuilder.NotFoundError):
            await sb.areorder_pages(5, bp.id, [a.id, b.id])
        task_id = await sb.adispatch("generate_site_structure", {"blueprint_id": bp.id}, 4, task_id="twin-dispatch")
        assert await sb.arecover_stale(3600) == []
        return task_id

    task_id = asyncio.run(main())
    assert task_id == "twin-dispatch"
    record = _finished(sb, task_id, 4, within=30)
    assert record.status == "succeeded", record.error_message
    assert sb.balance(4) == 0
