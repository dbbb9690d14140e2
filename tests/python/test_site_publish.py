"""Seeing and shipping a site from Python, on SQLite and PostgreSQL: publishing to a ``file://``
target configured with ``publish_url`` (files, deployment row, no-op, unpublish), the other
hosting types' conflict, a preview with links into the preview, and a zip export."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from sitebuilder import ConfigurationError, ConflictError, Offline, SiteBuilder


def _generated(sb: SiteBuilder, account: int) -> int:
    sb.grant_credits(account, 500, "test")
    bp = sb.create_blueprint(account, "Porto Bakery", description="A family bakery in Porto selling sourdough")
    sb.generate_structure(account, bp.id)
    return bp.id


def test_publish_to_a_file_target(db_url: str, tmp_path: Path) -> None:
    hosting = tmp_path / "hosting"
    sb = SiteBuilder(
        db_url,
        provider=Offline(),
        publish_url=f"file://{hosting}",
        base_url="https://bakery.example",
        asset_root=tmp_path / "assets",
    )
    bp_id = _generated(sb, 41)
    first = sb.publish(41, bp_id)
    assert first["no_op"] is False
    deployment = first["deployment"]
    assert deployment["status"] == "deployed"
    assert deployment["files"] >= 6 and deployment["bytes"] > 0
    assert len(deployment["checksum"]) == 64
    assert deployment["target"] == f"file://{hosting}"

    root = hosting / "41" / str(bp_id)
    pointer = json.loads((root / "current.json").read_text())
    release = root / pointer["release"]
    for name in ("index.html", "404.html", "sitemap.xml", "robots.txt", "assets/site.css"):
        assert (release / name).is_file(), name
    assert "https://bakery.example/" in (release / "sitemap.xml").read_text()
    assert sum(1 for p in release.rglob("*") if p.is_file()) == deployment["files"]

    bp = sb.get_blueprint(41, bp_id)
    assert bp.status == "deployed" and bp.deployed_version == bp.version

    again = sb.publish(41, bp_id)
    assert again["no_op"] is True and again["deployment"]["id"] == deployment["id"]
    assert [d["status"] for d in sb.list_deployments(41, bp_id)] == ["deployed"]

    down = sb.unpublish(41, bp_id)
    assert down["deployment"]["status"] == "unpublished" and down["removed_objects"] >= deployment["files"]
    assert not (root / "current.json").exists()
    assert sb.get_blueprint(41, bp_id).status == "ready"

    # Another account's blueprint does not exist for it.
    with pytest.raises(Exception) as caught:
        sb.publish(42, bp_id)
    assert getattr(caught.value, "code", None) == "not_found"

    # Other hosting types: a clear conflict that says how to ship the files.
    sb.update_blueprint(41, bp_id, hosting_type="wordpress")
    with pytest.raises(ConflictError) as refused:
        sb.publish(41, bp_id)
    assert "static hosting" in str(refused.value) and "export" in str(refused.value)


def test_without_a_publish_url_publishing_says_how_to_configure_it(sqlite_url: str) -> None:
    sb = SiteBuilder(sqlite_url, provider=Offline())
    bp_id = _generated(sb, 43)
    with pytest.raises(ConfigurationError) as caught:
        sb.publish(43, bp_id)
    assert "publish_url" in str(caught.value)


def test_preview_links_and_zip_export(sqlite_url: str, tmp_path: Path) -> None:
    sb = SiteBuilder(sqlite_url, provider=Offline(), base_url="https://bakery.example")
    bp_id = _generated(sb, 44)
    base = f"/preview/{bp_id}/"
    home = sb.render_page(44, bp_id, "", link_base=base)
    assert home["found"] is True
    assert "<style>" in home["html"]
    slugs = [p.slug for p in sb.list_pages(44, bp_id) if p.type != "home"]
    assert slugs
    for slug in slugs:
        assert f'href="{base}{slug}/"' in home["html"], slug
    assert ".html\"" not in home["html"].split("<main", 1)[0], "menus link the preview, not files"
    missing = sb.render_page(44, bp_id, "no-such-page", link_base=base, missing_as_404=True)
    assert missing["found"] is False and "could not be found" in missing["html"]

    out = sb.export_site(44, bp_id, str(tmp_path / "site.zip"))
    assert out["format"] == "zip"
    with zipfile.ZipFile(tmp_path / "site.zip") as archive:
        assert sorted(archive.namelist()) == sorted(out["files"])
        index = archive.read("index.html").decode()
    assert f'href="{slugs[0]}.html"' in index
