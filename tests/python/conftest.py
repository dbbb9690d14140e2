"""Shared fixtures: backends (SQLite file, fresh PostgreSQL database) and the fake model server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support import pg
from support.openai_server import FakeModel


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test, dropped afterwards."""
    name = pg.create_database()
    try:
        yield pg.url_for(name)
    finally:
        pg.drop_database(name)


@pytest.fixture
def sqlite_url(tmp_path) -> str:  # type: ignore[no-untyped-def]
    """A SQLite file in the test's own directory."""
    return f"sqlite://{tmp_path / 'sitebuilder.db'}"


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest) -> str:
    """Each test using it runs once on SQLite and once on PostgreSQL."""
    name: str = request.param
    return request.getfixturevalue("sqlite_url" if name == "sqlite" else "pg_url")


@pytest.fixture
def fake_model() -> Iterator[FakeModel]:
    """A real OpenAI-compatible HTTP server on 127.0.0.1."""
    with FakeModel() as model:
        yield model


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker):  # type: ignore[no-untyped-def]
    """The Django tests' database: fresh per run, dropped with FORCE at the end.

    Django's own test database teardown cannot drop a database the engine's pool still holds
    connections to, so this run makes and drops its own.
    """
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    name = pg.create_database("sbpy_dj")
    settings.DATABASES["default"]["NAME"] = name
    connections["default"].settings_dict["NAME"] = name
    connections.close_all()
    with django_db_blocker.unblock():
        call_command("migrate", verbosity=0)
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            connections.close_all()
        pg.drop_database(name)
