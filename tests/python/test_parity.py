"""Python against the core's operations catalogue: same operations, names, argument order and
response shapes, and the new operations working end to end."""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import sitebuilder
from sitebuilder import Offline, Scope, SiteBuilder, _native, _records

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = json.loads((ROOT / "core" / "catalogue.json").read_text())
OPS = CATALOGUE["operations"]
sys.path.insert(0, str(ROOT / "bindings-python" / "scripts"))
import gen_ops  # noqa: E402


def test_generated_methods_are_current() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "bindings-python" / "scripts" / "gen_ops.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_native_module_serves_the_same_catalogue() -> None:
    assert json.loads(_native.catalogue()) == CATALOGUE


@pytest.mark.parametrize("op", OPS, ids=[op["name"] for op in OPS])
def test_every_operation_has_a_method_and_async_twin_in_catalogue_order(op: dict[str, Any]) -> None:
    sync = getattr(SiteBuilder, op["name"], None)
    twin = getattr(SiteBuilder, "a" + op["name"], None)
    assert sync is not None, f"SiteBuilder.{op['name']} is missing"
    assert twin is not None and inspect.iscoroutinefunction(twin), f"SiteBuilder.a{op['name']} is missing"
    for method in (sync, twin):
        params = inspect.signature(method).parameters.values()
        positional = [p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD][1:]
        assert positional == op["args"], f"{method.__name__}: {positional} != {op['args']}"
        returns, _ = gen_ops.response(op["response"])
        assert inspect.signature(method).return_annotation == returns, method.__name__


@pytest.mark.parametrize("name", sorted(gen_ops.RECORDS))
def test_records_have_the_core_response_fields(name: str) -> None:
    """A record class has exactly the fields the core serialises, so nothing lands in ``extra``."""
    schema = next(
        candidate
        for op in OPS
        for candidate in [op["response"], op["response"].get("$defs", {}).get(name, {})]
        if candidate.get("title") == name or candidate is op["response"].get("$defs", {}).get(name)
    )
    record = getattr(_records, name)
    fields = {f.name for f in dataclasses.fields(record)} - {"extra"}
    renames = {record._renames.get(k, k) for k in schema.get("properties", {})}
    assert fields == renames, f"{name}: python {sorted(fields ^ renames)} differ from the core"


def test_new_operations_work_end_to_end(sqlite_url: str) -> None:
    sb = SiteBuilder(sqlite_url, provider=Offline())
    tx = sb.grant_credits(1, 100, "welcome")
    assert [t.id for t in sb.list_transactions(1)] == [tx.id]
    bp = sb.create_blueprint(Scope(1, site_id=3), "Scoped", config={"business_brief": "Florist in Faro"})
    assert bp.site_id == 3
    outcome = sb.generate_structure(1, bp.id, task_id="parity-structure")
    assert outcome.credits_charged == 50
    usage = sb.list_usage(1)
    assert usage[0].credits_used == 50 and usage[0].operation_type
    assert sb.wait_task(1, "parity-structure").status == "succeeded"
    pages = sb.list_pages(1, bp.id)
    reordered = sb.reorder_pages(1, bp.id, [p.id for p in reversed(pages)])
    assert [p.id for p in reordered] == [p.id for p in reversed(pages)]

    option = sb.create_option("business_type", "Parity bakery", description="test")
    assert option.name == "Parity bakery"
    hidden = sb.update_option("business_type", option.id, is_active=False)
    assert not hidden.is_active
    assert option.id not in [o.id for o in sb.list_options("business_type")]
    assert option.id in [o.id for o in sb.list_options("business_type", include_inactive=True)]

    sb.set_credit_cost("site_structure_generation", 7)
    assert sb.credit_policy()["costs"]["site_structure_generation"]["credits"] == 7
    sb.set_prompt_override(1, "site_structure_generation", "Plan {{ blueprint.name }} as JSON.")
    sb.set_prompt_override(1, "site_structure_generation", None)
    assert sb.doctor().ok in (True, False)
    assert "generate_site_structure" in sb.function_names()

    async def twins() -> None:
        assert await sb.abalance(1) == 50
        assert [t.id for t in await sb.alist_transactions(1)][0] == tx.id

    asyncio.run(twins())


def test_errors_carry_the_core_fields(sqlite_url: str) -> None:
    sb = SiteBuilder(sqlite_url, provider=Offline())
    bp = sb.create_blueprint(9, "Broke", config={"business_brief": "Cafe"})
    with pytest.raises(sitebuilder.InsufficientCreditsError) as caught:
        sb.generate_structure(9, bp.id)
    assert (caught.value.required, caught.value.available) == (50, 0)
    with pytest.raises(sitebuilder.NotFoundError) as missing:
        sb.get_blueprint(10, bp.id)
    assert missing.value.entity == "site_blueprint"
    with pytest.raises(sitebuilder.InvalidInputError):
        sb.list_options("no_such_kind")
