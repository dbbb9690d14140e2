"""The shared HTTP cases (tests/http/cases.json) against the Django app over real HTTP."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from collections.abc import Iterator
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils.crypto import get_random_string

CASES = json.loads((Path(__file__).resolve().parents[1] / "http" / "cases.json").read_text())

pytestmark = pytest.mark.django_db(transaction=True)

TYPES = {"number": (int, float), "string": str, "array": list, "object": dict, "boolean": bool, "null": type(None)}


def _fill(value: Any, saved: dict[str, Any]) -> Any:
    if isinstance(value, str):
        whole = re.fullmatch(r"\{(\w+)\.(\w+)\}", value)
        if whole:
            return saved[whole[1]][whole[2]]
        return re.sub(r"\{(\w+)\.(\w+)\}", lambda m: str(saved[m[1]][m[2]]), value)
    if isinstance(value, list):
        return [_fill(v, saved) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, saved) for k, v in value.items()}
    return value


def check(case: dict[str, Any], status: int, data: Any) -> None:
    """One case's expectations; shared wording so every surface fails the same way."""
    assert status == case["status"], f"{case['name']}: HTTP {status}, expected {case['status']}: {data!r}"
    if "json" in case:
        assert data == case["json"], case["name"]
    for key, kind in case.get("shape", {}).items():
        assert isinstance(data.get(key), TYPES[kind]), f"{case['name']}: {key} is not {kind}: {data!r}"
    for key, value in case.get("values", {}).items():
        assert data.get(key) == value, f"{case['name']}: {key} = {data.get(key)!r}, expected {value!r}"
    if "length" in case:
        assert len(data["results"]) == case["length"], case["name"]


@pytest.fixture
def server_url() -> Iterator[str]:
    """The Django app behind a real HTTP server (wsgiref) on 127.0.0.1, in a thread."""
    from django.core.handlers.wsgi import WSGIHandler

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = make_server("127.0.0.1", 0, WSGIHandler(), handler_class=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def test_shared_http_cases(server_url: str) -> None:
    from accounts.models import Membership
    from sitebuilder.contrib.django import reset_sitebuilder

    reset_sitebuilder()
    name = f"h{uuid.uuid4().hex[:8]}"
    user = User.objects.create_user(name, f"{name}@x.test", "pw")
    Membership.objects.create(user=user, account_id=uuid.uuid4().int % 10**9 + 1000)
    client = Client()
    client.force_login(user)
    csrf = get_random_string(32)  # a session-authenticated client sends Django's CSRF pair
    cookie = f"sessionid={client.cookies['sessionid'].value}; csrftoken={csrf}"
    saved: dict[str, Any] = {}
    for case in CASES["cases"]:
        url = server_url + CASES["prefix"] + _fill(case["path"], saved)
        body = json.dumps(_fill(case["body"], saved)).encode() if "body" in case else None
        request = urllib.request.Request(
            url, data=body, method=case["method"], headers={"Cookie": cookie, "X-CSRFToken": csrf, "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as err:
            status, raw = err.code, err.read()
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            pytest.fail(f"{case['name']}: HTTP {status} is not JSON: {raw[:300]!r}")
        check(case, status, data)
        if "save" in case:
            saved[case["save"]] = data
