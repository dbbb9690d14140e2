"""Adoption: the host's own `site_building` migrations (the seed's) create the tables first; the
library adopts them, records them as applied, and serves them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from support import pg

PROJECT = Path(__file__).parent / "django_project"


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, *args], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_library_adopts_seed_tables(tmp_path: Path) -> None:
    name = pg.create_database("sbpy_adopt")
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="testproject.settings_adopt",
        SBPY_DJANGO_DB=name,
        SBPY_ASSET_ROOT=str(tmp_path),
        PYTHONPATH=os.pathsep.join([str(PROJECT), str(PROJECT.parent), env.get("PYTHONPATH", "")]),
    )
    try:
        out = _run(["manage.py", "migrate", "--noinput"], env)
        assert "site_building.0002_sitebuilder_metadata" in out
        status = _run(["manage.py", "sitebuilder", "status"], env)
        assert "[ ] 0001_initial" in status, status
        migrated = _run(["manage.py", "sitebuilder", "migrate"], env)
        assert "Adopting 0001_initial" in migrated and "Adopting 0002_sitebuilder_metadata" in migrated, migrated
        status = _run(["manage.py", "sitebuilder", "status"], env)
        assert "[X] 0001_initial (adopted)" in status and "[X] 0002_sitebuilder_metadata (adopted)" in status, status
        assert "[ ]" not in status, status
        assert "adoption ok" in _run(["adopt_check.py"], env)
    finally:
        pg.drop_database(name)
