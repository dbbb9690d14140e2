"""Site asset methods of :class:`sitebuilder.SiteBuilder` (a mixin, to keep each module small).

Every decision about a file (allowed names, content sniffing, the per-file limit, the per-account
quota, tenant isolation) is the Rust core's; these methods only translate arguments and results.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._records import SiteAsset

if TYPE_CHECKING:
    from ._native import Call
    from ._native import SiteBuilder as NativeSiteBuilder

__all__ = ["AssetMethods", "Bytes"]

Bytes = bytes | bytearray | memoryview
"""What an upload accepts; anything else is refused by the type checker and at run time."""


def _asset(data: dict[str, Any]) -> SiteAsset:
    return SiteAsset.from_dict(data)


def _download(data: tuple[dict[str, Any], bytes]) -> tuple[SiteAsset, bytes]:
    record, content = data
    return SiteAsset.from_dict(record), content


class AssetMethods:
    """Upload and download the files of site blueprints (listing, deleting and usage are catalogue
    operations, see ``_ops``)."""

    _native: NativeSiteBuilder

    def _upload(
        self, account_id: int, blueprint_id: int, file_name: str, data: Bytes, uploaded_by: str | None,
        site_id: int | None, sector_id: int | None, idempotency_key: str | None = None,
    ) -> Call:
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data must be bytes, bytearray or memoryview, not {type(data).__name__}")
        return self._native.upload_asset(
            account_id, blueprint_id, file_name, bytes(data), uploaded_by, site_id, sector_id, idempotency_key
        )

    @property
    def max_file_bytes(self) -> int:
        """Largest file :meth:`upload_asset` accepts (the configured value or the core's default)."""
        return self._native.asset_limits()[0]

    @property
    def account_quota_bytes(self) -> int:
        """Bytes one account may store across its assets."""
        return self._native.asset_limits()[1]

    def upload_asset(
        self,
        account_id: int,
        blueprint_id: int,
        file_name: str,
        data: Bytes,
        uploaded_by: str | None = None,
        *,
        site_id: int | None = None,
        sector_id: int | None = None,
        idempotency_key: str | None = None,
    ) -> SiteAsset:
        """Stores a file of a blueprint.

        Raises ``InvalidInputError`` for a bad name or content that is not an allowed kind (PNG,
        JPEG, GIF, WebP, clean SVG, PDF) or does not match its extension, ``QuotaExceededError``
        over the per-file limit or the account's quota, ``NotFoundError`` for a blueprint the
        account cannot see. Nothing is stored when it raises. A retry with the same
        ``idempotency_key`` answers the first upload's record without storing the file again.
        """
        call = self._upload(account_id, blueprint_id, file_name, data, uploaded_by, site_id, sector_id, idempotency_key)
        return _asset(call.wait())

    async def aupload_asset(
        self,
        account_id: int,
        blueprint_id: int,
        file_name: str,
        data: Bytes,
        uploaded_by: str | None = None,
        *,
        site_id: int | None = None,
        sector_id: int | None = None,
        idempotency_key: str | None = None,
    ) -> SiteAsset:
        """Async twin of :meth:`upload_asset`."""
        call = self._upload(account_id, blueprint_id, file_name, data, uploaded_by, site_id, sector_id, idempotency_key)
        return _asset(await call.start())

    def download_asset(
        self, account_id: int, asset_id: int, *, site_id: int | None = None, sector_id: int | None = None
    ) -> tuple[SiteAsset, bytes]:
        """An asset's record and content (checked against its recorded checksum)."""
        return _download(self._native.download_asset(account_id, asset_id, site_id, sector_id).wait())

    async def adownload_asset(
        self, account_id: int, asset_id: int, *, site_id: int | None = None, sector_id: int | None = None
    ) -> tuple[SiteAsset, bytes]:
        """Async twin of :meth:`download_asset`."""
        return _download(await self._native.download_asset(account_id, asset_id, site_id, sector_id).start())
