"""Streaming generation on every Python surface: ``stream_generate_structure`` (``async for`` and
plain ``for``) and the progress callback against the offline planner and a streaming
OpenAI-wire server; leaving the loop cancels and charges nothing; a failure raises its typed error.
Then the Django server-sent-events route over real HTTP (a WSGI server on 127.0.0.1), and the
Celery task's pages in its ``PROGRESS`` meta from a real worker on Redis."""

from __future__ import annotations

import asyncio
import http.client
import json
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

import sitebuilder
from sitebuilder import Offline, OpenAICompatible, Progress, RunOutcome, SiteBuilder, TaskRecord
from support.openai_server import FakeModel

CREDITS = 100


def _builder(url: str, model: FakeModel | None = None) -> SiteBuilder:
    if model is None:
        return SiteBuilder(url, provider=Offline())
    return SiteBuilder(url, provider=OpenAICompatible(model.base_url, api_key="k", model="m", max_retries=0, generation="whole"))


def _blueprint(sb: SiteBuilder, account: int) -> int:
    sb.grant_credits(account, CREDITS)
    return sb.create_blueprint(account, "Porto Bakery", config={"business_brief": "A family bakery in Porto"}).id


def _finished(sb: SiteBuilder, account: int, task_id: str, within: float = 60) -> TaskRecord:
    """The task row once the run has ended (a cancelled run ends shortly after its cancel)."""
    deadline = time.monotonic() + within
    record = sb.task(account, task_id)
    while record.status not in ("succeeded", "failed", "cancelled"):
        assert time.monotonic() < deadline, record
        time.sleep(0.05)
        record = sb.task(account, task_id)
    return record


def _check_stream(items: list[Any], sb: SiteBuilder, account: int, blueprint_id: int) -> None:
    """Progress events with the pages one by one, in order, then the outcome, last; the pages
    are the ones saved."""
    assert items, "the stream yielded nothing"
    outcome = items[-1]
    assert isinstance(outcome, RunOutcome) and outcome.status == "succeeded", outcome
    events = items[:-1]
    assert events and all(isinstance(e, Progress) for e in events)
    pages = [e.partial for e in events if e.partial is not None and e.partial["kind"] == "page"]
    assert pages, "no page arrived while the run went on"
    assert [p["index"] for p in pages] == list(range(len(pages))), "pages arrive once each, in answer order"
    for partial in pages:
        assert partial["page"]["slug"] and isinstance(partial["page"]["blocks"], list) and partial["page"]["blocks"]
    # The pages came before the run was saved and done.
    last_page = max(i for i, e in enumerate(events) if e.page is not None)
    phases_after = [e.phase for e in events[last_page + 1 :]]
    assert "DONE" in phases_after or "SAVE" in phases_after, phases_after
    assert all(e.phase != "DONE" for e in events[: last_page + 1])
    saved = [p.slug for p in sb.list_pages(account, blueprint_id)]
    assert [p["page"]["slug"] for p in pages] == saved
    assert sb.balance(account) == CREDITS - outcome.credits_charged and outcome.credits_charged > 0


@pytest.mark.parametrize("loop", ["async", "threads"])
def test_offline_planner_streams_pages_then_the_outcome(sqlite_url: str, loop: str) -> None:
    sb = _builder(sqlite_url)
    bp = _blueprint(sb, 1)
    seen: list[Progress] = []
    stream = sb.stream_generate_structure(1, bp, on_progress=seen.append)
    if loop == "async":

        async def collect() -> list[Any]:
            return [item async for item in stream]

        items = asyncio.run(collect())
    else:
        items = list(stream)
    _check_stream(items, sb, 1, bp)
    # The callback saw the same events as the loop.
    assert [e.to_dict() for e in seen] == [e.to_dict() for e in items[:-1]]
    with pytest.raises(RuntimeError):
        list(stream)


def test_callback_sees_partials(pg_url: str) -> None:
    sb = _builder(pg_url)
    bp = _blueprint(sb, 2)
    seen: list[Progress] = []
    outcome = sb.generate_structure(2, bp, on_progress=seen.append)
    kinds = [e.partial["kind"] for e in seen if e.partial is not None]
    assert "site" in kinds and "page" in kinds, kinds
    assert kinds.index("site") < kinds.index("page")
    assert sum(1 for k in kinds if k == "page") == len(sb.list_pages(2, bp))
    assert outcome.status == "succeeded"


def test_streaming_openai_server_pages_arrive_before_done(db_url: str) -> None:
    with FakeModel(chunk_size=40) as model:
        sb = _builder(db_url, model)
        bp = _blueprint(sb, 3)

        async def collect() -> list[Any]:
            return [item async for item in sb.stream_generate_structure(3, bp)]

        items = asyncio.run(collect())
        assert model.streamed >= 1, "the provider asked for a streamed answer"
        assert model.requests[-1]["body"].get("stream") is True
    _check_stream(items, sb, 3, bp)
    assert [p.slug for p in sb.list_pages(3, bp)] == ["home", "about"]


def test_plain_json_still_answered_without_stream(sqlite_url: str) -> None:
    """The test server answers one JSON body when ``stream`` is absent (a non-streaming client)."""
    with FakeModel() as model:
        connection = http.client.HTTPConnection("127.0.0.1", model.server.server_address[1], timeout=10)
        schema = {"required": ["site", "pages"]}
        body = {"model": "m", "messages": [], "response_format": {"json_schema": {"schema": schema}}}
        connection.request("POST", "/v1/chat/completions", json.dumps(body), {"Content-Type": "application/json"})
        response = connection.getresponse()
        answer = json.loads(response.read())
        assert response.getheader("Content-Type") == "application/json"
        assert json.loads(answer["choices"][0]["message"]["content"])["pages"][0]["slug"] == "home"
        assert model.streamed == 0


def test_break_cancels_the_run_and_charges_nothing(db_url: str) -> None:
    with FakeModel(chunk_size=20, chunk_delay=0.05) as model:
        sb = _builder(db_url, model)
        bp = _blueprint(sb, 4)

        async def first_page() -> str:
            async for event in sb.stream_generate_structure(4, bp, task_id="stream-break"):
                assert isinstance(event, Progress)
                if event.page is not None:
                    break
            return "left"

        assert asyncio.run(first_page()) == "left"
        record = _finished(sb, 4, "stream-break")
    assert record.status == "cancelled" and record.error_code == "cancelled", record
    assert sb.balance(4) == CREDITS
    assert sb.get_blueprint(4, bp).status != "generating"
    assert sb.list_pages(4, bp) == [], "a cancelled stream saves nothing"


def test_closing_a_thread_stream_cancels(sqlite_url: str) -> None:
    with FakeModel(chunk_size=20, chunk_delay=0.05) as model:
        sb = _builder(sqlite_url, model)
        bp = _blueprint(sb, 5)
        stream = sb.stream_generate_structure(5, bp, task_id="stream-close")
        events = iter(stream)
        for event in events:
            assert isinstance(event, Progress)
            if event.phase == "AI_CALL":
                break
        stream.close()
        record = _finished(sb, 5, "stream-close")
    assert record.status == "cancelled", record
    assert sb.balance(5) == CREDITS


def test_failing_run_raises_its_typed_error(sqlite_url: str) -> None:
    with FakeModel(mode="down") as model:
        sb = _builder(sqlite_url, model)
        bp = _blueprint(sb, 6)
        seen: list[Any] = []

        async def run() -> None:
            async for item in sb.stream_generate_structure(6, bp):
                seen.append(item)

        with pytest.raises(sitebuilder.ProviderUnavailableError) as caught:
            asyncio.run(run())
    assert caught.value.code == "provider_unavailable"
    assert seen and all(isinstance(e, Progress) for e in seen), "progress came before the error, no outcome"
    assert sb.balance(6) == CREDITS


# ---- Django: server-sent events over real HTTP ----

API = "/api/v1/site-builder"


@pytest.fixture
def http_server() -> Iterator[tuple[str, int]]:
    """The test project over real HTTP (a WSGI server in a thread)."""
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from django.core.handlers.wsgi import WSGIHandler

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = make_server("127.0.0.1", 0, WSGIHandler(), handler_class=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", server.server_port
    finally:
        server.shutdown()
        server.server_close()


def _session(account: int | None) -> dict[str, str]:
    """Headers of a logged-in user of ``account`` (session and CSRF pair)."""
    from accounts.models import Membership
    from django.contrib.auth.models import User
    from django.test import Client

    name = f"u{uuid.uuid4().hex[:8]}"
    user = User.objects.create_user(name, f"{name}@x.test", "pw")
    if account is not None:
        Membership.objects.create(user=user, account_id=account)
    client = Client()
    client.force_login(user)
    csrf = uuid.uuid4().hex
    return {
        "Cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={csrf}",
        "X-CSRFToken": csrf,
        "Content-Type": "application/json",
    }


def _events(response: http.client.HTTPResponse) -> Iterator[tuple[str, Any]]:
    """The server-sent events of ``response`` as (event, JSON data), comments skipped."""
    event, data = "message", []
    for raw in response:
        line = raw.decode().rstrip("\r\n")
        if not line:
            if data:
                yield event, json.loads("\n".join(data))
            event, data = "message", []
        elif line.startswith(":"):
            continue
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].strip())


def _post(server: tuple[str, int], path: str, headers: dict[str, str], body: dict[str, Any] | None = None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection(*server, timeout=60)
    connection.request("POST", f"{API}/{path}", json.dumps(body or {}), headers)
    return connection.getresponse()


def _check_sse(events: list[tuple[str, Any]]) -> None:
    names = [name for name, _ in events]
    assert names[-1] == "done" and names.count("done") == 1, names
    assert set(names) <= {"progress", "page", "done"}, names
    pages = [data for name, data in events if name == "page"]
    assert pages, names
    assert [p["partial"]["index"] for p in pages] == list(range(len(pages)))
    assert all(p["partial"]["page"]["slug"] and p["partial"]["page"]["blocks"] for p in pages)
    assert events[-1][1]["status"] == "succeeded" and events[-1][1]["credits_charged"] > 0
    progress = [data for name, data in events if name == "progress"]
    assert all({"task_id", "phase", "percent", "message"} <= set(d) for d in progress)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("provider", ["offline", "streaming-server"])
def test_django_stream_route(http_server: tuple[str, int], settings: Any, provider: str) -> None:
    from sitebuilder.contrib.django import get_sitebuilder, reset_sitebuilder

    with FakeModel(chunk_size=40) as model:
        if provider != "offline":
            settings.SITEBUILDER = {
                **settings.SITEBUILDER,
                "PROVIDER": OpenAICompatible(model.base_url, api_key="k", model="m", max_retries=0, generation="whole"),
            }
        reset_sitebuilder()
        try:
            account = uuid.uuid4().int % 10**9 + 1000
            headers = _session(account)
            sb = get_sitebuilder()
            bp = sb.create_blueprint(account, "Porto Bakery", config={"business_brief": "A bakery in Porto"})
            sb.grant_credits(account, CREDITS)
            response = _post(http_server, f"blueprints/{bp.id}/generate_structure/stream/", headers)
            assert response.status == 200
            assert response.getheader("Content-Type", "").startswith("text/event-stream")
            events = list(_events(response))
            _check_sse(events)
            if provider != "offline":
                assert model.streamed >= 1
            saved = [p.slug for p in sb.list_pages(account, bp.id)]
            assert [d["partial"]["page"]["slug"] for n, d in events if n == "page"] == saved
            assert sb.balance(account) == CREDITS - events[-1][1]["credits_charged"]
        finally:
            reset_sitebuilder()


@pytest.mark.django_db(transaction=True)
def test_django_stream_refusals_are_the_plain_routes(http_server: tuple[str, int], settings: Any) -> None:
    from sitebuilder.contrib.django import get_sitebuilder, reset_sitebuilder

    reset_sitebuilder()
    account = uuid.uuid4().int % 10**9 + 1000
    headers = _session(account)
    sb = get_sitebuilder()
    bp = sb.create_blueprint(account, "Porto Bakery", config={"business_brief": "A bakery in Porto"})
    route = f"blueprints/{bp.id}/generate_structure/stream/"

    def refused(response: http.client.HTTPResponse) -> tuple[int, str]:
        assert response.getheader("Content-Type", "").startswith("application/json")
        return response.status, json.loads(response.read())["code"]

    # Not logged in: the CSRF pair still goes along, so the app (not the CSRF check) answers.
    no_login = {k: v for k, v in headers.items() if k != "Cookie"}
    no_login["Cookie"] = headers["Cookie"].split("; ", 1)[1]
    assert refused(_post(http_server, route, no_login)) == (401, "not_authenticated")
    assert refused(_post(http_server, route, _session(None))) == (403, "no_account")
    # No credits yet: 402, as the plain route; nothing left generating.
    assert refused(_post(http_server, route, headers)) == (402, "insufficient_credits")
    assert sb.get_blueprint(account, bp.id).status != "generating"
    sb.grant_credits(account, CREDITS)
    # Another account's blueprint is not there.
    other = sb.create_blueprint(account + 1, "Theirs")
    assert refused(_post(http_server, f"blueprints/{other.id}/generate_structure/stream/", headers)) == (404, "not_found")
    assert refused(_post(http_server, route, headers, {"prompt_override": "Say hi"})) == (403, "prompt_override_forbidden")
    assert sb.balance(account) == CREDITS
    reset_sitebuilder()


@pytest.mark.django_db(transaction=True)
def test_django_stream_failure_ends_with_an_error_event(http_server: tuple[str, int], settings: Any) -> None:
    from sitebuilder.contrib.django import get_sitebuilder, reset_sitebuilder

    with FakeModel(mode="down") as model:
        settings.SITEBUILDER = {
            **settings.SITEBUILDER,
            "PROVIDER": OpenAICompatible(model.base_url, api_key="k", model="m", max_retries=0, generation="whole"),
        }
        reset_sitebuilder()
        try:
            account = uuid.uuid4().int % 10**9 + 1000
            headers = _session(account)
            sb = get_sitebuilder()
            bp = sb.create_blueprint(account, "Porto Bakery", config={"business_brief": "A bakery in Porto"})
            sb.grant_credits(account, CREDITS)
            response = _post(http_server, f"blueprints/{bp.id}/generate_structure/stream/", headers)
            assert response.status == 200
            events = list(_events(response))
            assert events[-1][0] == "error", events
            error = events[-1][1]
            assert error["success"] is False and error["code"] == "provider_unavailable" and error["message"]
            assert all(name == "progress" for name, _ in events[:-1])
            assert sb.balance(account) == CREDITS
            assert sb.get_blueprint(account, bp.id).status != "generating"
        finally:
            reset_sitebuilder()


@pytest.mark.django_db(transaction=True)
def test_django_client_disconnect_cancels_the_run(http_server: tuple[str, int], settings: Any) -> None:
    from sitebuilder.contrib.django import get_sitebuilder, reset_sitebuilder

    with FakeModel(delay=1.0, chunk_size=10, chunk_delay=0.2) as model:
        settings.SITEBUILDER = {
            **settings.SITEBUILDER,
            "PROVIDER": OpenAICompatible(model.base_url, api_key="k", model="m", max_retries=0, timeout_secs=120, generation="whole"),
        }
        reset_sitebuilder()
        try:
            account = uuid.uuid4().int % 10**9 + 1000
            headers = _session(account)
            sb = get_sitebuilder()
            bp = sb.create_blueprint(account, "Porto Bakery", config={"business_brief": "A bakery in Porto"})
            sb.grant_credits(account, CREDITS)
            response = _post(http_server, f"blueprints/{bp.id}/generate_structure/stream/", headers)
            assert response.status == 200
            task_id = None
            for name, data in _events(response):
                task_id = data["task_id"]
                if data["phase"] == "AI_CALL":
                    break
            assert task_id is not None
            # The client goes away mid-run.
            response.close()
            record = _finished(sb, account, task_id)
            assert record.status == "cancelled", record
            assert sb.balance(account) == CREDITS
            assert sb.list_pages(account, bp.id) == []
        finally:
            reset_sitebuilder()


def test_every_streaming_operation_has_a_stream_method() -> None:
    catalogue = json.loads(sitebuilder._native.catalogue())
    streaming = [op["name"] for op in catalogue["operations"] if op.get("streams")]
    assert "generate_structure" in streaming
    for name in streaming:
        assert callable(getattr(SiteBuilder, f"stream_{name}", None)), name
    assert not hasattr(SiteBuilder, "stream_list_pages")


def test_openapi_documents_the_stream_routes() -> None:
    doc = json.loads(sitebuilder._native.openapi())
    item = doc["paths"]["/api/v1/site-builder/blueprints/{blueprint_id}/generate_structure/stream/"]["post"]
    assert "text/event-stream" in item["responses"]["200"]["content"]
    assert any(p["name"] == "Idempotency-Key" for p in item["parameters"])
    assert "/api/v1/site-builder/pages/{page_id}/generate_content/stream/" in doc["paths"]


# ---- Celery: the pages so far in the task's PROGRESS meta ----


def test_celery_progress_meta_carries_the_pages_so_far(pg_url: str, tmp_path: Any) -> None:
    import os
    from pathlib import Path

    from support import celery_app
    from test_celery import REDIS, _start_worker, _stop, _wait_ready

    here = Path(__file__).parent
    queue = f"sbstream-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    # Slow chunks: the run spends a while between its first page and its end, so a poller sees it.
    with FakeModel(chunk_size=20, chunk_delay=0.05) as model:
        sb = SiteBuilder(pg_url, provider=OpenAICompatible(model.base_url, api_key="sk-celery", model="fake-4o", generation="whole"))
        account = 78
        sb.grant_credits(account, CREDITS)
        bp = sb.create_blueprint(account, "Porto Bakery", config={"business_brief": "Family bakery"})
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        env.update(
            SBTEST_BROKER=REDIS, SBTEST_BACKEND=REDIS, SBTEST_QUEUE=queue, SITEBUILDER_DATABASE_URL=pg_url,
            SITEBUILDER_AI_BASE_URL=model.base_url, SITEBUILDER_AI_GENERATION="whole", SITEBUILDER_AI_API_KEY="sk-celery", SITEBUILDER_AI_MODEL="fake-4o",
            PYTHONPATH=os.pathsep.join([str(here), env.get("PYTHONPATH", "")]),
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
            counts: list[int] = []
            metas: list[dict[str, Any]] = []
            deadline = time.monotonic() + 60
            while not result.ready():
                assert time.monotonic() < deadline, log.read_text(errors="replace")
                meta = app.backend.get_task_meta(task_id, cache=False)
                if meta.get("status") == "PROGRESS" and isinstance(meta.get("result"), dict):
                    pages = meta["result"].get("pages")
                    assert isinstance(pages, list), meta
                    if not counts or counts[-1] != len(pages):
                        counts.append(len(pages))
                        metas.append(dict(meta["result"]))
                time.sleep(0.02)
            assert result.get(timeout=10)["task_id"] == task_id
        finally:
            _stop(worker)
    saved = [p.slug for p in sb.list_pages(account, bp.id)]
    assert counts == sorted(counts), "pages only ever grow"
    with_pages = [m for m in metas if m["pages"]]
    assert with_pages, f"no PROGRESS meta carried pages while the run went on: {counts}"
    for meta in with_pages:
        assert [p["slug"] for p in meta["pages"]] == saved[: len(meta["pages"])]
        assert all(p["blocks"] for p in meta["pages"])
    assert with_pages[-1]["site"]["name"] == "Porto Bakery"
