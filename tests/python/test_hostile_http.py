"""Idempotency keys and the prompt-override permission on the Django app, over real HTTP, and
idempotency keys in the Python library."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from support.hostile import PNG, Session, changed_tables, django_server, login_session, multipart, table_snapshot

from sitebuilder import ConflictError, SiteBuilder

pytestmark = pytest.mark.django_db(transaction=True)

P = "/api/v1/site-builder/"


def _json(answer: tuple[int, str, bytes]) -> tuple[int, Any]:
    status, kind, raw = answer
    assert kind.startswith("application/json"), raw[:200]
    return status, json.loads(raw)


def _post(s: Session, path: str, body: dict[str, Any], key: str | None = None) -> tuple[int, Any]:
    headers = {"Idempotency-Key": key} if key is not None else None
    return _json(s.request("POST", P + path, raw=json.dumps(body).encode(), headers=headers))


@pytest.fixture
def app(settings):  # type: ignore[no-untyped-def]
    from sitebuilder.contrib.django import get_sitebuilder, reset_sitebuilder

    reset_sitebuilder()
    with django_server() as base:
        yield base, get_sitebuilder(), settings


def test_a_retried_generation_answers_the_first_result_and_charges_once(app) -> None:  # type: ignore[no-untyped-def]
    base, sb, _ = app
    s = login_session(base)
    sb.grant_credits(s.account_id, 120)
    _, bp = _post(s, "blueprints/", {"name": "Retry bakery", "description": "A family bakery in Porto selling bread and pastries."})
    first = _post(s, f"blueprints/{bp['id']}/generate_structure/", {}, key="gen-1")
    assert first[0] == 200, first
    again = _post(s, f"blueprints/{bp['id']}/generate_structure/", {}, key="gen-1")
    assert again == first
    assert sb.balance(s.account_id) == 70  # 50 credits, once
    # Without a key a second run is a second run.
    assert _post(s, f"blueprints/{bp['id']}/generate_structure/", {})[0] == 200
    assert sb.balance(s.account_id) == 20


def test_a_key_is_refused_for_another_request_and_belongs_to_one_account(app) -> None:  # type: ignore[no-untyped-def]
    base, sb, _ = app
    s = login_session(base)
    first = _post(s, "blueprints/", {"name": "Keyed"}, key="k-1")
    assert first[0] == 201
    assert _post(s, "blueprints/", {"name": "Keyed"}, key="k-1") == first
    before = table_snapshot()
    status, body = _post(s, "blueprints/", {"name": "Other"}, key="k-1")
    assert (status, body["code"]) == (409, "conflict"), body
    assert not changed_tables(before, table_snapshot())
    assert len(sb.list_blueprints(s.account_id).items) == 1
    # The same key in another account is that account's own.
    other = login_session(base)
    status, mine = _post(other, "blueprints/", {"name": "Keyed"}, key="k-1")
    assert status == 201 and mine["id"] != first[1]["id"]


def test_keyed_catalogue_route_and_upload(app) -> None:  # type: ignore[no-untyped-def]
    base, sb, _ = app
    s = login_session(base)
    _, bp = _post(s, "blueprints/", {"name": "Assets"})
    _, page = _post(s, f"blueprints/{bp['id']}/pages/", {"slug": "home", "title": "Home"})
    reorder = _post(s, f"blueprints/{bp['id']}/reorder_pages/", {"page_ids": [page["id"]]}, key="r-1")
    assert reorder[0] == 200 and _post(s, f"blueprints/{bp['id']}/reorder_pages/", {"page_ids": [page["id"]]}, key="r-1") == reorder
    body, kind = multipart({"site_blueprint": str(bp["id"])}, "logo.png", PNG)
    first = _json(s.request("POST", P + "assets/", raw=body, content_type=kind, headers={"Idempotency-Key": "up-1"}))
    assert first[0] == 201, first
    again = _json(s.request("POST", P + "assets/", raw=body, content_type=kind, headers={"Idempotency-Key": "up-1"}))
    assert again == first
    assert len(sb.list_assets(s.account_id, bp["id"])) == 1
    other, kind = multipart({"site_blueprint": str(bp["id"])}, "other.png", PNG)
    status, err = _json(s.request("POST", P + "assets/", raw=other, content_type=kind, headers={"Idempotency-Key": "up-1"}))
    assert (status, err["code"]) == (409, "conflict")


def test_prompt_overrides_are_refused_by_default(app) -> None:  # type: ignore[no-untyped-def]
    base, sb, _ = app
    s = login_session(base)
    sb.grant_credits(s.account_id, 500)
    _, bp = _post(s, "blueprints/", {"name": "Chatbot", "description": "A family bakery in Porto selling bread and pastries."})
    _, page = _post(s, f"blueprints/{bp['id']}/pages/", {"slug": "home", "title": "Home"})
    before = table_snapshot()
    for path, body in [
        (f"blueprints/{bp['id']}/generate_structure/", {"prompt_override": "Write me a poem"}),
        (f"pages/{page['id']}/generate_content/", {"prompt_override": "Write me a poem"}),
        (f"blueprints/{bp['id']}/generate_all_pages/", {"prompt_override": 5}),
    ]:
        status, err = _post(s, path, body)
        assert (status, err["code"]) == (403, "prompt_override_forbidden"), (path, err)
        assert err["message"] == err["error"] and "administrator" in err["message"]
    status, err = _json(s.request("PUT", P + "prompts/site_structure_generation/", raw=b'{"template": "Any {{ x }}"}'))
    assert (status, err["code"]) == (403, "prompt_override_forbidden")
    assert not changed_tables(before, table_snapshot())
    assert sb.balance(s.account_id) == 500


def test_prompt_overrides_for_callers_the_host_allows(app) -> None:  # type: ignore[no-untyped-def]
    base, sb, settings = app
    allowed = login_session(base)
    refused = login_session(base)
    settings.SITEBUILDER = {
        **settings.SITEBUILDER,
        "PROMPT_OVERRIDE": lambda request: request.user.username == allowed.user.username,
    }
    for s in (allowed, refused):
        sb.grant_credits(s.account_id, 100)
    template = {"template": "Plan the site for {{ blueprint.name }} as JSON."}
    ok = _json(allowed.request("PUT", P + "prompts/site_structure_generation/", raw=json.dumps(template).encode()))
    assert ok == (200, None)
    no = _json(refused.request("PUT", P + "prompts/site_structure_generation/", raw=json.dumps(template).encode()))
    assert no[0] == 403
    _, bp = _post(allowed, "blueprints/", {"name": "Allowed", "description": "A family bakery in Porto selling bread and pastries."})
    status, body = _post(allowed, f"blueprints/{bp['id']}/generate_structure/", {"prompt_override": "Plan {{ blueprint.name }}."})
    assert status != 403, body
    # "permission": Django's permission system decides (a superuser has every permission).
    settings.SITEBUILDER = {**settings.SITEBUILDER, "PROMPT_OVERRIDE": "permission"}
    assert _json(allowed.request("PUT", P + "prompts/site_structure_generation/", raw=json.dumps(template).encode()))[0] == 403
    allowed.user.is_superuser = True
    allowed.user.save()
    assert _json(allowed.request("PUT", P + "prompts/site_structure_generation/", raw=json.dumps(template).encode()))[0] == 200


def test_library_idempotency_keys(sqlite_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    sb = SiteBuilder(sqlite_url, provider="offline", asset_root=str(tmp_path / "assets"))
    account = uuid.uuid4().int % 10**9 + 1
    first = sb.create_blueprint(account, "Once", idempotency_key="lib-1")
    assert sb.create_blueprint(account, "Once", idempotency_key="lib-1").id == first.id
    with pytest.raises(ConflictError):
        sb.create_blueprint(account, "Twice", idempotency_key="lib-1")
    sb.grant_credits(account, 10, idempotency_key="grant-1")
    sb.grant_credits(account, 10, idempotency_key="grant-1")
    assert sb.balance(account) == 10
    asset = sb.upload_asset(account, first.id, "a.png", PNG, idempotency_key="lib-up")
    assert sb.upload_asset(account, first.id, "a.png", PNG, idempotency_key="lib-up").id == asset.id
    assert len(sb.list_assets(account, first.id)) == 1
