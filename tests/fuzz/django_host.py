"""The Django test project on a fresh PostgreSQL database behind a real HTTP server, for
Schemathesis (tests/fuzz/run.sh). Prints one JSON line, ``{"base", "cookie", "csrf"}``: the
session of a user of one account; serves until killed, then drops the database."""

from __future__ import annotations

import json
import os
import signal
import sys
import uuid
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "python"), str(HERE.parent / "python" / "django_project")]

from support import pg  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "testproject.settings")
NAME = pg.create_database("sbfuzz")
os.environ["SBPY_DJANGO_DB"] = NAME


class Quiet(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


class Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def main() -> None:
    import django

    django.setup()
    from accounts.models import Membership
    from django.contrib.auth.models import User
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.test import Client
    from django.utils.crypto import get_random_string

    import tempfile

    from django.conf import settings

    # A publishing target of its own, so publish/ and unpublish/ are fuzzed too.
    published = tempfile.mkdtemp(prefix="sitebuilder-fuzz-")
    settings.SITEBUILDER = {**settings.SITEBUILDER, "PUBLISH_URL": Path(published).as_uri()}
    call_command("migrate", verbosity=0)
    user = User.objects.create_user(f"fuzz{uuid.uuid4().hex[:6]}", "fuzz@x.test", "pw")
    Membership.objects.create(user=user, account_id=4242)
    # Records for the generated ids to find (1, 2...), so routes get past their 404.
    from sitebuilder.contrib.django import get_sitebuilder

    sb = get_sitebuilder()
    bp = sb.create_blueprint(4242, "Fuzzed bakery", description="A bakery in Porto.")
    sb.create_page(4242, bp.id, "home", "Home")
    sb.create_page(4242, bp.id, "about", "About")
    client = Client()
    client.force_login(user)
    csrf = get_random_string(32)
    server = make_server("127.0.0.1", 0, WSGIHandler(), server_class=Server, handler_class=Quiet)
    cookie = f"sessionid={client.cookies['sessionid'].value}; csrftoken={csrf}"
    print(json.dumps({"base": f"http://127.0.0.1:{server.server_port}", "cookie": cookie, "csrf": csrf}), flush=True)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    try:
        main()
    finally:
        from django.db import connections

        connections.close_all()
        pg.drop_database(NAME)
