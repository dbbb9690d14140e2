"""Site assets through the Python API, on SQLite and PostgreSQL, stored by the Rust core."""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path

import pytest

from sitebuilder import (
    InvalidInputError,
    NotFoundError,
    Offline,
    QuotaExceededError,
    SiteAsset,
    SiteBuilder,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><rect width="1" height="1"/></svg>'


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_round_trip_list_delete_and_usage(db_url: str, tmp_path: Path) -> None:
    root = tmp_path / "assets"
    sb = SiteBuilder(db_url, provider=Offline(), asset_root=root)
    bp = sb.create_blueprint(1, "Bakery")

    asset = sb.upload_asset(1, bp.id, "logo.png", PNG, "alice")
    assert isinstance(asset, SiteAsset)
    assert (asset.content_type, asset.size_bytes, asset.uploaded_by) == ("image/png", len(PNG), "alice")
    assert asset.checksum_sha256 == hashlib.sha256(PNG).hexdigest()
    assert asset.site_blueprint_id == bp.id and asset.account_id == 1
    assert asset.created_at is not None and asset.created_at.tzinfo is not None
    json.dumps(asset.to_dict())  # ready for a JsonResponse

    # bytearray and memoryview are accepted as they are.
    pdf = sb.upload_asset(1, bp.id, "menu.pdf", bytearray(PDF))
    svg = sb.upload_asset(1, bp.id, "icon.svg", memoryview(SVG))
    assert (pdf.content_type, svg.content_type) == ("application/pdf", "image/svg+xml")

    record, content = sb.download_asset(1, asset.id)
    assert content == PNG and isinstance(content, bytes) and record == asset
    assert [a.id for a in sb.list_assets(1, bp.id)] == [asset.id, pdf.id, svg.id]
    usage = sb.asset_usage(1)
    assert (usage.used_bytes, usage.quota_bytes) == (len(PNG) + len(PDF) + len(SVG), 200 * 1024 * 1024)
    assert len(_files(root)) == 3

    sb.delete_asset(1, asset.id)
    with pytest.raises(NotFoundError):
        sb.download_asset(1, asset.id)
    assert sb.asset_usage(1).used_bytes == len(PDF) + len(SVG)
    assert len(_files(root)) == 2


def test_core_rules_reach_python_as_typed_errors(db_url: str, tmp_path: Path) -> None:
    root = tmp_path / "assets"
    sb = SiteBuilder(db_url, provider=Offline(), asset_root=root, max_file_bytes=256, account_quota_bytes=200)
    assert (sb.max_file_bytes, sb.account_quota_bytes) == (256, 200)
    bp = sb.create_blueprint(2, "Rules")

    with pytest.raises(InvalidInputError) as caught:
        sb.upload_asset(2, bp.id, "page.png", b"<html><body>not an image</body></html>")
    assert caught.value.code == "invalid_input" and isinstance(caught.value, ValueError)
    with pytest.raises(InvalidInputError):
        sb.upload_asset(2, bp.id, "photo.jpg", PNG)  # the extension names another kind
    with pytest.raises(InvalidInputError):
        sb.upload_asset(2, bp.id, "../escape.png", PNG)
    with pytest.raises(InvalidInputError):
        sb.upload_asset(2, bp.id, "x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    with pytest.raises(QuotaExceededError) as too_big:
        sb.upload_asset(2, bp.id, "big.png", PNG + b"\x00" * 300)
    assert too_big.value.code == "quota_exceeded" and "256" in str(too_big.value)

    sb.upload_asset(2, bp.id, "one.png", PNG)
    with pytest.raises(QuotaExceededError):
        sb.upload_asset(2, bp.id, "two.png", PNG + PNG)  # fits one file, not the account's quota
    with pytest.raises(TypeError):
        sb.upload_asset(2, bp.id, "text.png", "not bytes")  # type: ignore[arg-type]
    assert (sb.asset_usage(2).used_bytes, sb.asset_usage(2).quota_bytes) == (len(PNG), 200)
    assert len(_files(root)) == 1


def test_other_accounts_never_see_assets(db_url: str, tmp_path: Path) -> None:
    sb = SiteBuilder(db_url, provider=Offline(), asset_root=tmp_path)
    bp = sb.create_blueprint(3, "Mine")
    asset = sb.upload_asset(3, bp.id, "logo.png", PNG)
    with pytest.raises(NotFoundError):
        sb.download_asset(4, asset.id)
    with pytest.raises(NotFoundError):
        sb.delete_asset(4, asset.id)
    with pytest.raises(NotFoundError):
        sb.list_assets(4, bp.id)
    with pytest.raises(NotFoundError):
        sb.upload_asset(4, bp.id, "intruder.png", PNG)
    assert sb.download_asset(3, asset.id)[1] == PNG
    assert sb.asset_usage(4).used_bytes == 0


def test_async_twins_and_object_store_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the default local folder would be ./sitebuilder-assets
    sb = SiteBuilder("memory:", provider=Offline(), asset_url="memory:///")
    bp = sb.create_blueprint(5, "Async")

    async def main() -> None:
        asset = await sb.aupload_asset(5, bp.id, "logo.png", PNG)
        record, content = await sb.adownload_asset(5, asset.id)
        assert content == PNG and record.id == asset.id
        assert [a.id for a in await sb.alist_assets(5, bp.id)] == [asset.id]
        assert (await sb.aasset_usage(5)).used_bytes == len(PNG)
        await sb.adelete_asset(5, asset.id)
        assert await sb.alist_assets(5, bp.id) == []
        with pytest.raises(InvalidInputError):
            await sb.aupload_asset(5, bp.id, "a.png", b"GIF89a not a png")

    asyncio.run(main())
    assert not _files(tmp_path)  # memory:/// wrote nothing to disk
