"""The Python API against SQLite and PostgreSQL: schema, metadata, CRUD, credits, generation."""

from __future__ import annotations

import asyncio
import logging
import threading
import time

import pytest

import sitebuilder
from sitebuilder import (
    Fallback,
    InsufficientCreditsError,
    InvalidInputError,
    NotFoundError,
    Offline,
    OpenAICompatible,
    PageBlueprint,
    Progress,
    ProviderUnavailableError,
    SiteBlueprint,
    SiteBuilder,
)
from support.openai_server import FakeModel


def test_migrate_status_and_metadata(db_url: str) -> None:
    sb = SiteBuilder(db_url, provider=Offline())
    states = sb.migration_status()
    assert states and all(s.applied for s in states)
    assert states[0].label == "0001_initial"
    assert sb.migrate().applied == []  # auto_migrate already applied everything

    meta = sb.metadata()
    assert sorted(meta) == ["audience_profiles", "brand_personalities", "business_types", "hero_imagery"]
    for options in meta.values():
        assert options, "seed rows are inserted by the migration"
        assert all(o.is_active and o.name for o in options)
    assert meta["business_types"][0].created_at is not None

    report = sb.doctor()
    assert report.ok, report.failed()
    assert any("migration" in c.name for c in report.checks)


def test_without_auto_migrate_calls_say_migrate(db_url: str) -> None:
    sb = SiteBuilder(db_url, provider=Offline(), auto_migrate=False)
    assert not any(s.applied for s in sb.migration_status())
    with pytest.raises(sitebuilder.MigrationRequiredError) as caught:
        sb.metadata()
    assert caught.value.code == "migration_required"
    assert "0001_initial" in caught.value.pending
    assert "migrate()" in str(caught.value)
    applied = sb.migrate().applied
    assert "0001_initial" in applied
    assert len(sb.metadata()["hero_imagery"]) > 0


def test_blueprint_and_page_crud(db_url: str) -> None:
    sb = SiteBuilder(db_url, provider=Offline())
    bp = sb.create_blueprint(7, "Bakery", description="d", config={"business_brief": "Family bakery", "wizard_step": 3})
    assert isinstance(bp, SiteBlueprint)
    assert (bp.account_id, bp.name, bp.status, bp.version) == (7, "Bakery", "draft", bp.version)
    assert bp.config["business_brief"] == "Family bakery"
    assert bp.config["wizard_step"] == 3, "host keys in config_json survive"
    assert bp.to_dict()["config"]["wizard_step"] == 3

    got = sb.get_blueprint(7, bp.id)
    assert got == bp
    updated = sb.update_blueprint(7, bp.id, name="Bakery & Cafe")
    assert updated.name == "Bakery & Cafe" and updated.status == "draft"
    with pytest.raises(InvalidInputError, match="status"):
        sb.update_blueprint(7, bp.id, status="ready")  # lifecycle: generation and publishing own it

    second = sb.create_blueprint(7, "Second")
    listing = sb.list_blueprints(7, limit=1)
    assert [b.id for b in listing.items] == [bp.id]
    assert listing.count == 2  # the total over every page, not the page's length
    rest = sb.list_blueprints(7, after_id=listing.next_after_id)
    assert [b.id for b in rest.items] == [second.id] and rest.count == 2
    assert sb.list_blueprints(8).items == []

    page = sb.create_page(7, bp.id, "about", "About", type="about", blocks=[{"type": "text", "data": {"body": "Hi"}}])
    assert isinstance(page, PageBlueprint)
    assert page.type == "about" and page.blocks[0]["data"]["body"] == "Hi"
    home = sb.create_page(7, bp.id, "home", "Home", type="home")
    assert [p.slug for p in sb.list_pages(7, bp.id)] == ["about", "home"]
    sb.reorder_pages(7, bp.id, [home.id, page.id])
    assert [p.slug for p in sb.list_pages(7, bp.id)] == ["home", "about"]
    assert sb.update_page(7, page.id, title="About us").title == "About us"
    sb.delete_page(7, page.id)
    with pytest.raises(NotFoundError):
        sb.get_page(7, page.id)

    sb.delete_blueprint(7, bp.id)
    with pytest.raises(NotFoundError) as caught:
        sb.get_blueprint(7, bp.id)
    assert isinstance(caught.value, LookupError)
    assert caught.value.code == "not_found"


def test_other_accounts_rows_are_invisible(db_url: str) -> None:
    sb = SiteBuilder(db_url, provider=Offline())
    bp = sb.create_blueprint(1, "Mine")
    with pytest.raises(NotFoundError):
        sb.get_blueprint(2, bp.id)
    with pytest.raises(NotFoundError):
        sb.update_blueprint(2, bp.id, name="stolen")
    with pytest.raises(NotFoundError):
        sb.delete_blueprint(2, bp.id)
    assert sb.get_blueprint(1, bp.id).name == "Mine"


def test_invalid_input_is_a_value_error(db_url: str) -> None:
    sb = SiteBuilder(db_url, provider=Offline())
    with pytest.raises(InvalidInputError) as caught:
        sb.create_blueprint(1, "x" * 300)
    assert isinstance(caught.value, ValueError)
    with pytest.raises(InvalidInputError):
        sb.update_blueprint(1, 1, status="archived")
    with pytest.raises(InvalidInputError):
        sb.create_blueprint(1, "ok", config={"when": object()})


def test_credits_and_offline_generation(db_url: str) -> None:
    sb = SiteBuilder(db_url, provider=Offline())
    bp = sb.create_blueprint(3, "Porto Bakery", config={"business_brief": "Family bakery in Porto selling sourdough"})
    with pytest.raises(InsufficientCreditsError) as caught:
        sb.generate_structure(3, bp.id)
    assert (caught.value.required, caught.value.available) == (50, 0)
    assert sb.get_blueprint(3, bp.id).status != "generating"

    tx = sb.grant_credits(3, 120, "purchase")
    assert tx.amount == 120 and tx.balance_after == 120
    events: list[Progress] = []
    outcome = sb.generate_structure(3, bp.id, on_progress=events.append)
    assert outcome.provider == "offline"
    assert outcome.credits_charged == 50
    assert sb.balance(3) == 70
    assert [e.phase for e in events][-1] == "DONE"
    assert [e.percent for e in events] == sorted(e.percent for e in events)
    assert all(e.task_id == outcome.task_id for e in events)

    saved = sb.get_blueprint(3, bp.id)
    assert saved.status == "ready" and saved.version >= 1
    assert saved.structure_json["pages"]
    pages = sb.list_pages(3, bp.id)
    assert sum(p.type == "home" for p in pages) == 1

    again = sb.generate_structure(3, bp.id, task_id=outcome.task_id)
    assert again.replayed and sb.balance(3) == 70, "the same task id is never charged twice"
    record = sb.task(3, outcome.task_id)
    assert record.status == "succeeded" and record.credits == 50


def test_openai_compatible_provider_over_http(pg_url: str, fake_model: FakeModel) -> None:
    provider = OpenAICompatible(fake_model.base_url, api_key="sk-test", model="fake-4o", generation="whole")
    sb = SiteBuilder(pg_url, provider=provider)
    assert "fake-4o" in sb.provider_label
    sb.grant_credits(5, 100)
    bp = sb.create_blueprint(5, "Bakery", config={"business_brief": "Bakery"})
    outcome = sb.generate_structure(5, bp.id)
    assert outcome.model == "fake-4o" and outcome.tokens_in >= 120
    assert fake_model.requests and fake_model.requests[0]["auth"] == "Bearer sk-test"
    saved = sb.get_blueprint(5, bp.id)
    assert saved.structure_json["site"]["name"] == "Porto Bakery"
    assert {p.slug for p in sb.list_pages(5, bp.id)} == {"home", "about"}

    about = next(p for p in sb.list_pages(5, bp.id) if p.slug == "about")
    page_outcome = sb.generate_page_content(5, about.id)
    assert page_outcome.credits_charged == 20
    assert sb.get_page(5, about.id).blocks[0]["data"]["heading"] == "Freshly written heading"
    assert sb.balance(5) == 30


def test_json_mode_reaches_the_wire(sqlite_url: str, fake_model: FakeModel) -> None:
    """llama.cpp's json_object + schema form can be chosen from Python; an unknown mode is refused."""
    provider = OpenAICompatible(fake_model.base_url, model="fake-4o", json_mode="json_object_schema", generation="whole")
    sb = SiteBuilder(sqlite_url, provider=provider)
    sb.grant_credits(1, 100)
    bp = sb.create_blueprint(1, "Bakery", config={"business_brief": "Bakery"})
    sb.generate_structure(1, bp.id)
    sent = fake_model.requests[-1]["body"]["response_format"]
    assert sent["type"] == "json_object" and sent["schema"]["type"] == "object"
    with pytest.raises(InvalidInputError):
        SiteBuilder(sqlite_url, provider=OpenAICompatible(fake_model.base_url, model="m", json_mode="grammar", generation="whole"))


def test_a_server_on_this_machine_is_asked_in_steps_unless_told_otherwise(sqlite_url: str, fake_model: FakeModel) -> None:
    """generation="auto" (the default) asks a loopback server for a sitemap, then each page;
    "whole" asks once; an unknown setting or an unknown provider key is refused up front."""
    def asked(provider: object) -> list[str]:
        before = len(fake_model.requests)
        sb = SiteBuilder(sqlite_url, provider=provider)
        sb.grant_credits(1, 100)
        bp = sb.create_blueprint(1, "Bakery", config={"business_brief": "Bakery"})
        assert sb.generate_structure(1, bp.id).status == "succeeded"
        return [r["body"]["response_format"]["json_schema"]["name"] for r in fake_model.requests[before:]]

    steps = asked(OpenAICompatible(fake_model.base_url, model="m"))
    assert steps[0] == "sitemap" and steps.count("page_blocks") >= 1, steps
    assert asked(OpenAICompatible(fake_model.base_url, model="m", generation="steps"))[0] == "sitemap"
    assert asked(OpenAICompatible(fake_model.base_url, model="m", generation="whole")) == ["site_structure"]
    with pytest.raises(InvalidInputError, match="generation|whole"):
        SiteBuilder(sqlite_url, provider=OpenAICompatible(fake_model.base_url, model="m", generation="pages"))
    with pytest.raises(InvalidInputError, match="modle"):
        SiteBuilder(sqlite_url, provider={"kind": "openai_compatible", "base_url": fake_model.base_url, "model": "m", "modle": "x"})


def test_fallback_chain_moves_past_an_endpoint_that_is_down(sqlite_url: str) -> None:
    dead = OpenAICompatible("http://127.0.0.1:9/v1", api_key="k", model="m", timeout_secs=2, max_retries=0, generation="whole")
    sb = SiteBuilder(sqlite_url, provider=Fallback(dead, Offline()))
    sb.grant_credits(1, 50)
    bp = sb.create_blueprint(1, "Bakery", config={"business_brief": "Bakery"})
    outcome = sb.generate_structure(1, bp.id)
    assert outcome.provider == "offline" and outcome.credits_charged == 50
    with pytest.raises(InvalidInputError):
        Fallback()


def test_provider_down_raises_provider_unavailable(sqlite_url: str) -> None:
    with FakeModel(mode="down") as model:
        sb = SiteBuilder(sqlite_url, provider=OpenAICompatible(model.base_url, api_key="k", model="m", max_retries=0, generation="whole"))
        sb.grant_credits(1, 100)
        bp = sb.create_blueprint(1, "Bakery", config={"business_brief": "Bakery"})
        with pytest.raises(ProviderUnavailableError) as caught:
            sb.generate_structure(1, bp.id)
    assert isinstance(caught.value, ConnectionError)
    assert isinstance(caught.value, sitebuilder.ProviderError)
    assert caught.value.code == "provider_unavailable"
    assert sb.balance(1) == 100, "a failed run releases its hold"
    assert sb.get_blueprint(1, bp.id).status != "generating"


def test_progress_callback_errors_are_logged_not_raised(sqlite_url: str, caplog: pytest.LogCaptureFixture) -> None:
    sb = SiteBuilder(sqlite_url, provider=Offline())
    sb.grant_credits(1, 50)
    bp = sb.create_blueprint(1, "Bakery", config={"business_brief": "Bakery"})

    def broken(_: Progress) -> None:
        raise RuntimeError("callback bug")

    with caplog.at_level(logging.WARNING, logger="sitebuilder"):
        outcome = sb.generate_structure(1, bp.id, on_progress=broken)
    assert outcome.credits_charged == 50
    assert "callback bug" in caplog.text


def test_sync_calls_release_the_gil(sqlite_url: str) -> None:
    """Another Python thread keeps running while a call blocks in Rust."""
    with FakeModel(delay=0.5) as model:
        sb = SiteBuilder(sqlite_url, provider=OpenAICompatible(model.base_url, api_key="k", model="m", generation="whole"))
        sb.grant_credits(1, 50)
        bp = sb.create_blueprint(1, "Bakery", config={"business_brief": "Bakery"})
        ticks = 0
        stop = threading.Event()

        def spin() -> None:
            nonlocal ticks
            while not stop.is_set():
                ticks += 1
                time.sleep(0.01)

        t = threading.Thread(target=spin)
        t.start()
        sb.generate_structure(1, bp.id)
        stop.set()
        t.join()
    assert ticks >= 20, f"the other thread ran only {ticks} times during a 0.5 s call"


def test_async_twins(db_url: str) -> None:
    async def main() -> None:
        sb = SiteBuilder(db_url, provider=Offline())
        meta, bp = await asyncio.gather(sb.ametadata(), sb.acreate_blueprint(4, "Async", config={"business_brief": "Shop"}))
        assert meta["business_types"]
        assert (await sb.aget_blueprint(4, bp.id)).name == "Async"
        await sb.agrant_credits(4, 60)
        seen: list[str] = []
        outcome = await sb.agenerate_structure(4, bp.id, on_progress=lambda p: seen.append(p.phase))
        assert outcome.credits_charged == 50 and "DONE" in seen
        assert await sb.abalance(4) == 10
        with pytest.raises(NotFoundError):
            await sb.aget_blueprint(99, bp.id)
        with pytest.raises(InsufficientCreditsError):
            await sb.agenerate_structure(4, bp.id)

    asyncio.run(main())


def test_async_cancellation_does_not_break_the_loop(sqlite_url: str) -> None:
    with FakeModel(delay=1.0) as model:
        sb = SiteBuilder(sqlite_url, provider=OpenAICompatible(model.base_url, api_key="k", model="m", generation="whole"))
        sb.grant_credits(1, 50)
        bp = sb.create_blueprint(1, "Bakery", config={"business_brief": "Bakery"})

        async def main() -> None:
            task = asyncio.ensure_future(sb.agenerate_structure(1, bp.id))
            await asyncio.sleep(0.2)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert (await sb.ametadata())["business_types"]

        asyncio.run(main())


def test_register_declarative_function(sqlite_url: str, fake_model: FakeModel) -> None:
    sb = SiteBuilder(sqlite_url, provider=OpenAICompatible(fake_model.base_url, api_key="k", model="m", generation="whole"))
    sb.register_function(
        "write_blocks",
        "Write blocks for {{topic}}",
        {"type": "object", "required": ["blocks", "seo"], "properties": {"blocks": {"type": "array"}, "seo": {"type": "object"}}},
        "site_page_generation",
    )
    assert "write_blocks" in sb.function_names()
    sb.grant_credits(2, 40)
    outcome = sb.run("write_blocks", {"topic": "bread"}, 2)
    assert outcome.function_name == "write_blocks"
    assert outcome.result["blocks"][0]["type"] == "hero"
    assert sb.balance(2) == 20


def test_dispatch_runs_in_the_background(sqlite_url: str) -> None:
    sb = SiteBuilder(sqlite_url, provider=Offline())
    sb.grant_credits(6, 50)
    bp = sb.create_blueprint(6, "Background", config={"business_brief": "Florist in Lisbon"})
    task_id = sb.dispatch("generate_site_structure", {"blueprint_id": bp.id}, 6)
    deadline = time.monotonic() + 30
    record = sb.task(6, task_id)
    while record.status not in ("succeeded", "failed"):
        assert time.monotonic() < deadline, record
        time.sleep(0.05)
        record = sb.task(6, task_id)
    assert record.status == "succeeded", record.error_message
    assert record.credits == 50 and sb.get_blueprint(6, bp.id).status == "ready"
    with pytest.raises(NotFoundError):
        sb.task(7, task_id)
