"""Side by side: the Python binding vs the same flow written with Django's ORM and `json`.

Both sides work on the same PostgreSQL tables: the seed's `site_building` app (the Django test
project under tests/python/django_project) creates them, the library adopts them. Measured:

- `metadata()`: the four option lists as dicts (binding) vs four ORM queries + dict building.
- blueprint get: `get_blueprint(account, id)` vs `SiteBlueprint.objects.get(...)` + a dict.
- `generate_structure` with a model that answers at once (a local OpenAI-wire server): the engine's
  whole run (hold, prompt, HTTP call, lenient parse, validation, transactional save, capture, task
  log) vs a hand-written Django flow (HTTP call with urllib, json.loads, pages upserted in one
  transaction). The Django flow does less (no ledger, no validation, no task log): it is the floor.

Run: target/py-venv/bin/python benches/python_side_by_side.py [iterations]
(after tests/python/run.sh has built the extension; PostgreSQL on 127.0.0.1:5432).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "python" / "django_project"), str(ROOT / "tests" / "python")]

from support import pg  # noqa: E402
from support.openai_server import FakeModel  # noqa: E402

DB = pg.create_database("sbpy_bench")
os.environ["SBPY_DJANGO_DB"] = DB
os.environ["DJANGO_SETTINGS_MODULE"] = "testproject.settings_adopt"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from site_building import models as seed  # noqa: E402
from sitebuilder import OpenAICompatible, SiteBuilder  # noqa: E402
from tenancy.models import Account, Sector, Site  # noqa: E402


def timeit(fn: Callable[[], object], n: int) -> tuple[float, float]:
    for _ in range(min(20, n)):
        fn()
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1e6)
    return statistics.median(samples), statistics.mean(samples)


def orm_metadata() -> dict[str, list[dict[str, object]]]:
    out = {}
    for key, model in (
        ("business_types", seed.BusinessType),
        ("audience_profiles", seed.AudienceProfile),
        ("brand_personalities", seed.BrandPersonality),
        ("hero_imagery", seed.HeroImageryDirection),
    ):
        out[key] = [
            {"id": o.id, "name": o.name, "description": o.description, "order": o.order}
            for o in model.objects.filter(is_active=True).order_by("order", "name")
        ]
    return out


def orm_get(account_id: int, bp_id: int) -> dict[str, object]:
    bp = seed.SiteBlueprint.objects.get(id=bp_id, account_id=account_id)
    return {
        "id": bp.id, "name": bp.name, "description": bp.description, "config_json": bp.config_json,
        "structure_json": bp.structure_json, "status": bp.status, "version": bp.version,
        "created_at": bp.created_at.isoformat(), "updated_at": bp.updated_at.isoformat(),
    }


def orm_generate(base_url: str, account: Account, site: Site, sector: Sector, bp_id: int) -> None:
    bp = seed.SiteBlueprint.objects.get(id=bp_id, account_id=account.id)
    body = json.dumps({
        "model": "fake",
        "messages": [{"role": "user", "content": json.dumps(bp.config_json)}],
        "response_format": {"type": "json_schema", "json_schema": {"name": "s", "schema": {"required": ["site", "pages"]}}},
    }).encode()
    request = urllib.request.Request(f"{base_url}/chat/completions", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        answer = json.loads(json.loads(response.read())["choices"][0]["message"]["content"])
    with transaction.atomic():
        slugs = []
        for order, page in enumerate(answer["pages"]):
            slugs.append(page["slug"])
            seed.PageBlueprint.objects.update_or_create(
                site_blueprint=bp, slug=page["slug"],
                defaults={"title": page["title"], "type": page["type"], "blocks_json": page["blocks"],
                          "order": order, "status": "ready", "account": account, "site": site, "sector": sector},
            )
        seed.PageBlueprint.objects.filter(site_blueprint=bp).exclude(slug__in=slugs).delete()
        bp.structure_json = answer
        bp.status = "ready"
        bp.version += 1
        bp.save()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    call_command("migrate", verbosity=0)
    account = Account.objects.create(name="bench")
    site = Site.objects.create(account=account, name="s")
    sector = Sector.objects.create(account=account, site=site, name="x")
    url = f"postgres://postgres@127.0.0.1:5432/{DB}"
    with FakeModel() as model:
        sb = SiteBuilder(url, provider=OpenAICompatible(model.base_url, api_key="k", model="fake", generation="whole"))
        bp = sb.create_blueprint(account.id, "Bench", config={"business_brief": "Bakery"}, site_id=site.id, sector_id=sector.id)
        sb.grant_credits(account.id, 50 * (n // 5 + 50))
        rows = [
            ("metadata()", timeit(sb.metadata, n), timeit(orm_metadata, n)),
            ("blueprint get", timeit(lambda: sb.get_blueprint(account.id, bp.id), n), timeit(lambda: orm_get(account.id, bp.id), n)),
        ]
        g = max(10, n // 5)
        rows.append((
            "generate_structure",
            timeit(lambda: sb.generate_structure(account.id, bp.id, site_id=site.id, sector_id=sector.id), g),
            timeit(lambda: orm_generate(model.base_url, account, site, sector, bp.id), g),
        ))
    print(f"PostgreSQL 127.0.0.1, {n} iterations ({g} for generate_structure); microseconds per call")
    print(f"| operation | binding median | binding mean | Django ORM median | Django ORM mean |")
    print(f"|---|---:|---:|---:|---:|")
    for name, (bm, ba), (om, oa) in rows:
        print(f"| {name} | {bm:.0f} | {ba:.0f} | {om:.0f} | {oa:.0f} |")


if __name__ == "__main__":
    try:
        main()
    finally:
        connection.close()
        pg.drop_database(DB)
