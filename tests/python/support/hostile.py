"""Shared parts of the hostile-input tests: the Django app behind a real HTTP server, a logged-in
client of one fresh account, raw requests, and a snapshot of every table of the engine."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

CORPUS_TOKENS = {
    "@NEST_ARRAY@": "[" * 100_000 + "]" * 100_000,
    "@NEST_OBJECTS@": '{"a":' * 5_000 + "1" + "}" * 5_000,
    "@BLOCKS_20000@": json.dumps([{"type": "text", "data": {"body": "x"}}] * 20_000),
}

# A PNG header: enough for the engine to sniff the type of a generated upload.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17


@contextmanager
def django_server() -> Iterator[str]:
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


@dataclass
class Session:
    """A logged-in user of one fresh account, talking raw HTTP to ``base``."""

    base: str
    account_id: int
    cookie: str
    csrf: str
    user: Any = field(default=None)

    def request(
        self, method: str, path: str, *, raw: bytes | None = None, content_type: str = "application/json",
        headers: dict[str, str] | None = None, login: bool = True,
    ) -> tuple[int, str, bytes]:
        """``(status, content type, body)`` of one request; never raises for an HTTP error."""
        sent = {"Content-Type": content_type, **(headers or {})}
        if login:
            sent.update({"Cookie": self.cookie, "X-CSRFToken": self.csrf})
        req = urllib.request.Request(self.base + path, data=raw, method=method, headers=sent)
        try:
            with urllib.request.urlopen(req) as response:
                return response.status, response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as err:
            return err.code, err.headers.get("Content-Type", ""), err.read()


def login_session(base: str) -> Session:
    """A fresh user of a fresh account, logged in with a session cookie and Django's CSRF pair."""
    from accounts.models import Membership
    from django.contrib.auth.models import User
    from django.test import Client
    from django.utils.crypto import get_random_string

    name = f"h{uuid.uuid4().hex[:8]}"
    user = User.objects.create_user(name, f"{name}@x.test", "pw")
    account_id = uuid.uuid4().int % 10**9 + 1000
    Membership.objects.create(user=user, account_id=account_id)
    client = Client()
    client.force_login(user)
    csrf = get_random_string(32)
    cookie = f"sessionid={client.cookies['sessionid'].value}; csrftoken={csrf}"
    return Session(base, account_id, cookie, csrf, user)


def multipart(fields: dict[str, str], file_name: str, content: bytes) -> tuple[bytes, str]:
    """A ``multipart/form-data`` body with ``fields`` and one ``file``."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def table_snapshot() -> dict[str, list[str]]:
    """Every row of every table of the engine (prefix ``igny8_``), as text, in a stable order."""
    from django.db import connection

    snapshot: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        for table in sorted(t for t in connection.introspection.table_names(cursor) if t.startswith("igny8_")):
            cursor.execute(f'SELECT * FROM "{table}"')
            snapshot[table] = sorted(repr(row) for row in cursor.fetchall())
    return snapshot


def changed_tables(before: dict[str, list[str]], after: dict[str, list[str]]) -> list[str]:
    return [t for t in sorted(set(before) | set(after)) if before.get(t) != after.get(t)]
