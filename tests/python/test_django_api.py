"""The seed's endpoints through Django's test client, on PostgreSQL."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from sitebuilder import OpenAICompatible
from sitebuilder.contrib.django import get_sitebuilder, reset_sitebuilder
from support.openai_server import FakeModel

pytestmark = pytest.mark.django_db(transaction=True)

API = "/api/v1/site-builder"


def _account() -> int:
    return uuid.uuid4().int % 10**9 + 1000


def _client(account_id: int | None, superuser: bool = False) -> Client:
    from accounts.models import Membership

    name = f"u{uuid.uuid4().hex[:8]}"
    user = (User.objects.create_superuser if superuser else User.objects.create_user)(name, f"{name}@x.test", "pw")
    if account_id is not None:
        Membership.objects.create(user=user, account_id=account_id)
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def _patch(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.patch(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture(autouse=True)
def _fresh_engine() -> Iterator[None]:
    reset_sitebuilder()
    yield
    reset_sitebuilder()


def test_metadata_endpoint() -> None:
    response = _client(_account()).get(f"{API}/metadata/")
    assert response.status_code == 200
    data = response.json()
    assert sorted(data) == ["audience_profiles", "brand_personalities", "business_types", "hero_imagery"]
    assert all(data[k] and data[k][0]["name"] for k in data)


def test_authentication_and_account_resolution() -> None:
    assert Client().get(f"{API}/metadata/").status_code == 401
    response = _client(None).get(f"{API}/blueprints/")
    assert response.status_code == 403
    assert response.json()["code"] == "no_account"


def test_blueprint_crud_and_pages() -> None:
    account = _account()
    client = _client(account)
    created = _post(client, f"{API}/blueprints/", {"name": "Bakery", "config_json": {"business_brief": "Bread"}})
    assert created.status_code == 201, created.content
    bp = created.json()
    assert bp["config_json"]["business_brief"] == "Bread" and bp["status"] == "draft"
    assert bp["account_id"] == account

    listing = client.get(f"{API}/blueprints/").json()
    assert [b["id"] for b in listing["results"]] == [bp["id"]]
    detail = client.get(f"{API}/blueprints/{bp['id']}/")
    assert detail.status_code == 200 and detail.json()["name"] == "Bakery"
    patched = _patch(client, f"{API}/blueprints/{bp['id']}/", {"name": "Bakery & Cafe"})
    assert patched.status_code == 200 and patched.json()["name"] == "Bakery & Cafe"

    page = _post(client, f"{API}/pages/", {"site_blueprint": bp["id"], "slug": "about", "title": "About", "type": "about"})
    assert page.status_code == 201, page.content
    page_id = page.json()["id"]
    pages = client.get(f"{API}/pages/?site_blueprint={bp['id']}").json()
    assert [p["slug"] for p in pages["results"]] == ["about"]
    assert _patch(client, f"{API}/pages/{page_id}/", {"title": "About us"}).json()["title"] == "About us"
    assert client.delete(f"{API}/pages/{page_id}/").status_code == 204
    assert client.get(f"{API}/pages/{page_id}/").status_code == 404

    # The unmanaged models read the same rows.
    from sitebuilder.contrib.django.models import SiteBlueprint

    row = SiteBlueprint.objects.get(id=bp["id"])
    assert row.name == "Bakery & Cafe" and row.account_id == account
    assert row.config_json["business_brief"] == "Bread"

    assert client.delete(f"{API}/blueprints/{bp['id']}/").status_code == 204
    assert client.get(f"{API}/blueprints/{bp['id']}/").status_code == 404


def test_bad_requests_are_400_with_a_code() -> None:
    client = _client(_account())
    response = client.post(f"{API}/blueprints/", data="{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"
    assert _post(client, f"{API}/blueprints/", {"description": "no name"}).status_code == 400
    bp = _post(client, f"{API}/blueprints/", {"name": "X"}).json()
    response = _patch(client, f"{API}/blueprints/{bp['id']}/", {"status": "archived"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input" and "archived" in body["error"]


def test_cross_account_access_is_404() -> None:
    owner, other = _client(_account()), _client(_account())
    bp = _post(owner, f"{API}/blueprints/", {"name": "Mine"}).json()
    page = _post(owner, f"{API}/pages/", {"site_blueprint": bp["id"], "slug": "home", "title": "Home", "type": "home"}).json()
    for response in (
        other.get(f"{API}/blueprints/{bp['id']}/"),
        _patch(other, f"{API}/blueprints/{bp['id']}/", {"name": "stolen"}),
        other.delete(f"{API}/blueprints/{bp['id']}/"),
        _post(other, f"{API}/blueprints/{bp['id']}/generate_structure/"),
        other.get(f"{API}/pages/{page['id']}/"),
        _post(other, f"{API}/pages/{page['id']}/generate_content/"),
        other.get(f"{API}/assets/?site_blueprint={bp['id']}"),
    ):
        assert response.status_code == 404, response.content
        assert response.json()["code"] == "not_found"
    assert owner.get(f"{API}/blueprints/{bp['id']}/").json()["name"] == "Mine"
    assert other.get(f"{API}/blueprints/").json()["results"] == []


def test_generate_structure_402_then_success() -> None:
    account = _account()
    client = _client(account)
    bp = _post(client, f"{API}/blueprints/", {"name": "Bakery", "config_json": {"business_brief": "Family bakery"}}).json()
    response = _post(client, f"{API}/blueprints/{bp['id']}/generate_structure/")
    assert response.status_code == 402
    body = response.json()
    assert body["code"] == "insufficient_credits"
    assert (body["required"], body["available"]) == (50, 0)
    assert "credits" in body["error"]

    get_sitebuilder().grant_credits(account, 70, "test purchase")
    response = _post(client, f"{API}/blueprints/{bp['id']}/generate_structure/")
    assert response.status_code == 200, response.content
    outcome = response.json()["outcome"]
    assert outcome["credits_charged"] == 50 and outcome["function_name"] == "generate_site_structure"
    detail = client.get(f"{API}/blueprints/{bp['id']}/").json()
    assert detail["status"] == "ready" and detail["structure_json"]["pages"]
    pages = client.get(f"{API}/pages/?site_blueprint={bp['id']}").json()["results"]
    assert sum(p["type"] == "home" for p in pages) == 1

    task = client.get(f"{API}/tasks/{outcome['task_id']}/")
    assert task.status_code == 200 and task.json()["status"] == "succeeded"

    # 20 left: one page's content, then 402 again.
    response = _post(client, f"{API}/pages/{pages[0]['id']}/generate_content/")
    assert response.status_code == 200, response.content
    assert _post(client, f"{API}/pages/{pages[0]['id']}/generate_content/").status_code == 402


def test_provider_down_is_503(settings: Any) -> None:
    with FakeModel(mode="down") as model:
        settings.SITEBUILDER = {
            **settings.SITEBUILDER,
            "PROVIDER": OpenAICompatible(model.base_url, api_key="k", model="m", max_retries=0, generation="whole"),
        }
        reset_sitebuilder()
        account = _account()
        client = _client(account)
        bp = _post(client, f"{API}/blueprints/", {"name": "Bakery", "config_json": {"business_brief": "Bread"}}).json()
        get_sitebuilder().grant_credits(account, 50)
        response = _post(client, f"{API}/blueprints/{bp['id']}/generate_structure/")
    assert response.status_code == 503
    assert response.json()["code"] == "provider_unavailable"
    assert get_sitebuilder().balance(account) == 50


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))


def _upload(client: Client, blueprint_id: int, name: str, content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    # The client's claimed content type is deliberately wrong: the engine sniffs the bytes.
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(f"{API}/assets/", {"site_blueprint": blueprint_id, "file": upload})


def _asset_settings(settings: Any, tmp_path: Any, **extra: Any) -> None:
    settings.SITEBUILDER = {**settings.SITEBUILDER, "ASSET_ROOT": str(tmp_path), **extra}
    reset_sitebuilder()


def test_site_assets_round_trip_through_the_engine(tmp_path: Any, settings: Any) -> None:
    _asset_settings(settings, tmp_path)
    account = _account()
    client = _client(account)
    bp = _post(client, f"{API}/blueprints/", {"name": "Assets"}).json()

    response = _upload(client, bp["id"], "logo.png", PNG)
    assert response.status_code == 201, response.content
    asset = response.json()
    assert asset["content_type"] == "image/png" and asset["size_bytes"] == len(PNG)
    assert asset["file_name"] == "logo.png" and asset["site_blueprint_id"] == bp["id"]
    assert asset["account_id"] == account and asset["uploaded_by"]
    assert asset["download_url"] == f"{API}/assets/{asset['id']}/"

    listing = client.get(f"{API}/assets/?site_blueprint={bp['id']}").json()
    assert [a["id"] for a in listing["results"]] == [asset["id"]]

    download = client.get(asset["download_url"])
    assert download.status_code == 200
    assert download.content == PNG
    assert download["Content-Type"] == "image/png"
    assert "attachment" in download["Content-Disposition"] and "logo.png" in download["Content-Disposition"]
    assert download["X-Checksum-SHA256"] == asset["checksum_sha256"]

    # Stored by the engine under its own key layout, inside ASSET_ROOT.
    stored = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(stored) == 1 and stored[0].read_bytes() == PNG
    assert client.get(f"{API}/assets/usage/").json()["used_bytes"] == len(PNG)

    assert client.delete(asset["download_url"]).status_code == 204
    assert client.get(asset["download_url"]).status_code == 404
    assert client.get(f"{API}/assets/?site_blueprint={bp['id']}").json()["results"] == []
    assert client.get(f"{API}/assets/usage/").json()["used_bytes"] == 0
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_site_asset_content_must_match_its_name(tmp_path: Any, settings: Any) -> None:
    _asset_settings(settings, tmp_path)
    client = _client(_account())
    bp = _post(client, f"{API}/blueprints/", {"name": "Assets"}).json()
    response = _upload(client, bp["id"], "innocent.png", b"<html><script>alert(1)</script></html>")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid_input" and body["success"] is False
    assert "png" in body["error"].lower()
    # Refused before anything was written or counted.
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
    assert client.get(f"{API}/assets/usage/").json()["used_bytes"] == 0
    assert client.get(f"{API}/assets/?site_blueprint={bp['id']}").json()["results"] == []


def test_site_asset_limits_are_413(tmp_path: Any, settings: Any) -> None:
    _asset_settings(settings, tmp_path, MAX_ASSET_BYTES=1024, ASSET_QUOTA_BYTES=2 * len(PNG) + 10)
    account = _account()
    client = _client(account)
    bp = _post(client, f"{API}/blueprints/", {"name": "Assets"}).json()
    too_big = PNG + b"\x00" * 2048
    response = _upload(client, bp["id"], "big.png", too_big)
    assert response.status_code == 413, response.content
    assert response.json()["code"] == "quota_exceeded"

    assert _upload(client, bp["id"], "one.png", PNG).status_code == 201
    assert _upload(client, bp["id"], "two.png", PNG).status_code == 201
    response = _upload(client, bp["id"], "three.png", PNG)
    assert response.status_code == 413, response.content
    assert response.json()["code"] == "quota_exceeded"
    usage = client.get(f"{API}/assets/usage/").json()
    assert usage == {"used_bytes": 2 * len(PNG), "quota_bytes": 2 * len(PNG) + 10}
    assert len(client.get(f"{API}/assets/?site_blueprint={bp['id']}").json()["results"]) == 2


def test_site_assets_of_another_account_are_404(tmp_path: Any, settings: Any) -> None:
    _asset_settings(settings, tmp_path)
    owner, other = _client(_account()), _client(_account())
    bp = _post(owner, f"{API}/blueprints/", {"name": "Mine"}).json()
    asset = _upload(owner, bp["id"], "logo.png", PNG).json()
    for response in (
        other.get(f"{API}/assets/{asset['id']}/"),
        other.delete(f"{API}/assets/{asset['id']}/"),
        other.get(f"{API}/assets/?site_blueprint={bp['id']}"),
        _upload(other, bp["id"], "mine-now.png", PNG),
    ):
        assert response.status_code == 404, response.content
        assert response.json()["code"] == "not_found"
    assert owner.get(f"{API}/assets/{asset['id']}/").content == PNG


def test_admin_lists_engine_rows() -> None:
    account = _account()
    get_sitebuilder().create_blueprint(account, "Shown in admin")
    response = _client(account, superuser=True).get("/admin/sitebuilder/siteblueprint/")
    assert response.status_code == 200
    assert b"Shown in admin" in response.content


def test_management_command(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("sitebuilder", "migrate")
    capsys.readouterr()
    call_command("sitebuilder", "status")
    out = capsys.readouterr().out
    assert "[X] 0001_initial" in out
    call_command("sitebuilder", "migrate")
    assert "No migrations to apply" in capsys.readouterr().out
    call_command("sitebuilder", "doctor")
    assert "[ok]" in capsys.readouterr().out


def test_async_generation_falls_back_inline_without_broker(settings: Any) -> None:
    from celery import Celery, current_app

    settings.SITEBUILDER = {**settings.SITEBUILDER, "ASYNC_GENERATION": True}
    previous = current_app._get_current_object()
    dead = Celery("dead-broker", broker="redis://127.0.0.1:1/0", backend="redis://127.0.0.1:1/0")
    dead.conf.update(broker_connection_timeout=1, broker_connection_retry=False)
    dead.set_current()
    try:
        account = _account()
        client = _client(account)
        bp = _post(client, f"{API}/blueprints/", {"name": "Queued", "config_json": {"business_brief": "Cafe"}}).json()
        get_sitebuilder().grant_credits(account, 50)
        response = _post(client, f"{API}/blueprints/{bp['id']}/generate_structure/")
    finally:
        previous.set_current()
    assert response.status_code == 200, response.content
    assert response.json()["queued"] is False
    assert client.get(f"{API}/blueprints/{bp['id']}/").json()["status"] == "ready"
    task = client.get(f"{API}/tasks/{response.json()['task_id']}/").json()
    assert task["status"] == "succeeded" and task["credits"] == 50
