"""Fresh PostgreSQL databases on 127.0.0.1:5432 (user postgres, trust auth), one per test."""

from __future__ import annotations

import os
import uuid

import psycopg

ADMIN_DSN = os.environ.get("SITEBUILDER_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")


def url_for(name: str) -> str:
    """The engine's URL of database ``name``."""
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def create_database(prefix: str = "sbpy") -> str:
    """Creates a uniquely named database and returns its name."""
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def drop_database(name: str) -> None:
    """Drops the database, disconnecting whoever is still connected."""
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
