"""The rendered site through the Django app over real HTTP (a WSGI server on 127.0.0.1) on PostgreSQL: the
HTML preview and its links, the site's 404 page, the zip download, publishing to the
``PUBLISH_URL`` target, and isolation between accounts."""

from __future__ import annotations

import io
import json
import threading
import urllib.error
import urllib.request
import uuid
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from sitebuilder.contrib.django import get_sitebuilder, reset_sitebuilder

pytestmark = pytest.mark.django_db(transaction=True)

API = "/api/v1/site-builder"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.srcs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.hrefs.append(str(values["href"]))
        if tag == "img" and values.get("src"):
            self.srcs.append(str(values["src"]))


def _links(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def _user(account_id: int) -> tuple[Client, str]:
    """A logged-in test client and its session cookie, for real HTTP requests."""
    from accounts.models import Membership

    name = f"u{uuid.uuid4().hex[:8]}"
    user = User.objects.create_user(name, f"{name}@x.test", "pw")
    Membership.objects.create(user=user, account_id=account_id)
    client = Client()
    client.force_login(user)
    return client, f"sessionid={client.cookies['sessionid'].value}"


def _get(url: str, cookie: str | None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


@pytest.fixture
def http_server() -> Iterator[str]:
    """The test project served over real HTTP by a WSGI server in a thread."""
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from django.core.handlers.wsgi import WSGIHandler

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = make_server("127.0.0.1", 0, WSGIHandler(), handler_class=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def hosting(settings: Any, tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "hosting"
    settings.SITEBUILDER = {
        **settings.SITEBUILDER,
        "PUBLISH_URL": f"file://{folder}",
        "SITE_BASE_URL": "https://bakery.example",
    }
    reset_sitebuilder()
    yield folder
    reset_sitebuilder()


def _generated_blueprint(client: Client, account: int) -> dict[str, Any]:
    bp = client.post(
        f"{API}/blueprints/",
        data=json.dumps({"name": "Porto Bakery", "config_json": {"business_brief": "A family bakery in Porto"}}),
        content_type="application/json",
    ).json()
    get_sitebuilder().grant_credits(account, 100, "test")
    response = client.post(f"{API}/blueprints/{bp['id']}/generate_structure/", content_type="application/json")
    assert response.status_code == 200, response.content
    result: dict[str, Any] = client.get(f"{API}/blueprints/{bp['id']}/").json()
    return result


def test_preview_is_html_whose_links_resolve(http_server: str, hosting: Path) -> None:
    account = uuid.uuid4().int % 10**9 + 1000
    client, cookie = _user(account)
    bp = _generated_blueprint(client, account)
    base = f"{API}/blueprints/{bp['id']}/preview/"

    status, headers, body = _get(f"{http_server}{base}", cookie)
    assert status == 200, body[:300]
    assert headers["content-type"].startswith("text/html")
    assert "script-src" not in headers["content-security-policy"] and "default-src 'none'" in headers["content-security-policy"]
    html = body.decode()
    assert html.startswith("<!doctype html>") and "<style>" in html
    links = _links(html)
    internal = {h.split("#")[0] for h in links.hrefs if not h.startswith(("http:", "https:", "mailto:", "tel:", "#"))}
    pages = client.get(f"{API}/pages/?site_blueprint={bp['id']}").json()["results"]
    assert len(internal) >= len(pages), internal
    for href in sorted(internal):
        assert href.startswith(base), f"{href} stays in the preview"
        status, headers, body = _get(f"{http_server}{href}", cookie)
        assert status == 200, (href, body[:200])
        assert headers["content-type"].startswith("text/html")
    for src in links.srcs:
        if src.startswith("/"):
            assert _get(f"{http_server}{src}", cookie)[0] == 200, src

    status, headers, body = _get(f"{http_server}{base}no-such-page/", cookie)
    assert status == 404 and headers["content-type"].startswith("text/html")
    assert "could not be found" in body.decode() and f'href="{base}"' in body.decode()

    # Not logged in: 401; another account: the JSON 404 every route answers.
    assert _get(f"{http_server}{base}", None)[0] == 401
    _, stranger = _user(account + 1)
    for path in (base, f"{base}about/", f"{API}/blueprints/{bp['id']}/export/"):
        status, headers, body = _get(f"{http_server}{path}", stranger)
        assert status == 404, path
        assert json.loads(body)["code"] == "not_found"


def test_export_downloads_a_zip(http_server: str, hosting: Path) -> None:
    account = uuid.uuid4().int % 10**9 + 1000
    client, cookie = _user(account)
    bp = _generated_blueprint(client, account)
    status, headers, body = _get(f"{http_server}{API}/blueprints/{bp['id']}/export/", cookie)
    assert status == 200
    assert headers["content-type"] == "application/zip"
    assert headers["content-disposition"].startswith("attachment;")
    assert f'filename="porto-bakery-v{bp["version"]}.zip"' in headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        names = set(archive.namelist())
        assert {"index.html", "404.html", "sitemap.xml", "robots.txt", "assets/site.css"} <= names
        assert "https://bakery.example/" in archive.read("sitemap.xml").decode()
        index = archive.read("index.html").decode()
    # An export links files, not preview URLs.
    assert "/preview/" not in index and '.html"' in index
    assert len(headers["x-checksum-sha256"]) == 64


def test_publish_and_unpublish(hosting: Path) -> None:
    account = uuid.uuid4().int % 10**9 + 1000
    client, _ = _user(account)
    bp = _generated_blueprint(client, account)
    url = f"{API}/blueprints/{bp['id']}"
    response = client.post(f"{url}/publish/", content_type="application/json")
    assert response.status_code == 200, response.content
    out = response.json()
    deployment = out["deployment"]
    assert out["no_op"] is False and deployment["status"] == "deployed"
    assert deployment["files"] >= 6 and deployment["bytes"] > 0 and len(deployment["checksum"]) == 64
    root = hosting / str(account) / str(bp["id"])
    release = root / json.loads((root / "current.json").read_text())["release"]
    assert (release / "index.html").is_file() and (release / "sitemap.xml").is_file()
    detail = client.get(f"{url}/").json()
    assert detail["status"] == "deployed" and detail["deployed_version"] == detail["version"]

    again = client.post(f"{url}/publish/", content_type="application/json").json()
    assert again["no_op"] is True and again["deployment"]["id"] == deployment["id"]
    listed = client.get(f"{url}/deployments/").json()
    assert [d["status"] for d in listed["results"]] == ["deployed"]

    stranger, _ = _user(account + 1)
    assert stranger.post(f"{url}/publish/", content_type="application/json").status_code == 404

    down = client.post(f"{url}/unpublish/", content_type="application/json")
    assert down.status_code == 200, down.content
    assert down.json()["deployment"]["status"] == "unpublished"
    assert not (root / "current.json").exists()
    assert client.get(f"{url}/").json()["status"] == "ready"

    patched = client.patch(f"{url}/", data=json.dumps({"hosting_type": "shopify"}), content_type="application/json")
    assert patched.status_code == 200, patched.content
    refused = client.post(f"{url}/publish/", content_type="application/json")
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "conflict" and "export" in body["error"] and "shopify" in body["error"]
