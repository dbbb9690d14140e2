"""Run by test_adoption.py after `manage.py migrate` and `manage.py sitebuilder migrate` on the
seed's schema: the library serves the adopted tables through the Django endpoints."""

import json
import os


import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "testproject.settings_adopt")
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import Membership  # noqa: E402
from site_building import models as seed  # noqa: E402
from sitebuilder.contrib.django import get_sitebuilder  # noqa: E402
from tenancy.models import Account, Sector, Site  # noqa: E402

API = "/api/v1/site-builder"

account = Account.objects.create(name="Porto Bakery Lda")
site = Site.objects.create(account=account, name="bakery.example")
sector = Sector.objects.create(account=account, site=site, name="Food")
user = User.objects.create_user("owner", "owner@x.test", "pw")
Membership.objects.create(user=user, account_id=account.id)
client = Client()
client.force_login(user)


def post(url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


# The seed's options, inserted by the seed's own migration, are what the library serves.
meta = client.get(f"{API}/metadata/").json()
assert [o["name"] for o in meta["business_types"]] == ["Local service", "E-commerce", "SaaS"], meta

# The seed's tables demand site and sector: without them the library says so (400), not a DB error.
missing = post(f"{API}/blueprints/", {"name": "No site"})
assert missing.status_code == 400, missing.content
assert missing.json()["code"] == "invalid_input" and "site" in missing.json()["error"], missing.json()

created = post(f"{API}/blueprints/", {"name": "Bakery", "site_id": site.id, "sector_id": sector.id,
                                      "config_json": {"business_brief": "Family bakery"}})
assert created.status_code == 201, created.content
bp_id = created.json()["id"]

# The host's own ORM model reads the row the library wrote.
row = seed.SiteBlueprint.objects.get(id=bp_id)
assert (row.account_id, row.site_id, row.sector_id, row.name) == (account.id, site.id, sector.id, "Bakery")

get_sitebuilder().grant_credits(account.id, 50, "adoption test")
generated = post(f"{API}/blueprints/{bp_id}/generate_structure/", {})
assert generated.status_code == 200, generated.content
pages = list(seed.PageBlueprint.objects.filter(site_blueprint_id=bp_id))
assert pages and all(p.site_id == site.id and p.sector_id == sector.id for p in pages)
assert sum(p.type == "home" for p in pages) == 1
assert seed.SiteBlueprint.objects.get(id=bp_id).status == "ready"
print("adoption ok", bp_id, len(pages))
