"""The typed Python API over the native engine: construction, declarative functions and assets
by hand; every catalogue operation generated in ``_ops``."""

from __future__ import annotations

import os
from typing import Any

from . import _native
from ._assets import AssetMethods
from ._base import ProgressHandler, Scope
from ._ops import Operations
from .providers import Provider, provider_spec

__all__ = ["ProgressHandler", "Scope", "SiteBuilder"]


class SiteBuilder(Operations, AssetMethods):
    """The engine: blueprints, pages, AI generation and credits over one database.

    Every method blocks with the GIL released while the Rust core works; its ``a``-prefixed twin
    (``ametadata``, ``agenerate_structure``...) returns an awaitable for asyncio instead. One
    instance can be shared by threads; in a forked child (Celery prefork) it reopens its own
    connection pool on first use.

    ``database_url`` is ``postgres://...``, ``sqlite://path`` or ``memory:``; when omitted,
    ``SITEBUILDER_DATABASE_URL`` is used. ``provider`` is an :mod:`sitebuilder.providers` object
    (default :class:`~sitebuilder.providers.FromEnv`). ``on_progress`` receives progress events of
    every run that does not pass its own. With ``lazy=True`` nothing is opened until the first call.

    Site assets (:meth:`upload_asset`...) are stored under ``asset_root`` (default
    ``./sitebuilder-assets``) or in the object store at ``asset_url`` (``file:///...``,
    ``memory:///``); ``max_file_bytes`` (10 MiB) and ``account_quota_bytes`` (200 MiB) bound them.

    :meth:`publish` uploads sites of hosting type ``igny8_sites`` to ``publish_url``, an object
    store URL (``file:///srv/sites``, ``s3://bucket/sites`` when compiled in). ``base_url`` (the
    address the site is served from: canonical URLs, Open Graph, ``sitemap.xml``),
    ``form_action`` (where forms post) and ``template_dir`` (a folder of templates overriding the
    shipped ones) tune rendering.

    AI runs stop cleanly when cancelled: pass ``cancel=CancelToken()`` and call its ``cancel()``
    from anywhere, or cancel the asyncio task of an ``a``-twin. The run then ends as
    ``cancelled`` with nothing charged and the blueprint not left ``generating``.
    """

    def __init__(
        self,
        database_url: str | None = None,
        provider: Provider | str | dict[str, Any] | None = None,
        *,
        table_prefix: str = "igny8_",
        auto_migrate: bool = True,
        on_progress: ProgressHandler | None = None,
        lazy: bool = False,
        asset_root: str | os.PathLike[str] | None = None,
        asset_url: str | None = None,
        max_file_bytes: int | None = None,
        account_quota_bytes: int | None = None,
        publish_url: str | None = None,
        base_url: str | None = None,
        form_action: str | None = None,
        template_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        url = database_url if database_url is not None else os.environ.get("SITEBUILDER_DATABASE_URL")
        self.database_url = url
        self.table_prefix = table_prefix
        self.on_progress = on_progress
        self._native = _native.SiteBuilder(
            url,
            provider_spec(provider),
            table_prefix,
            auto_migrate,
            os.fspath(asset_root) if asset_root is not None else None,
            asset_url,
            max_file_bytes,
            account_quota_bytes,
            publish_url,
            {
                "base_url": base_url,
                "form_action": form_action,
                "template_dir": os.fspath(template_dir) if template_dir is not None else None,
            },
        )
        if not lazy:
            self._native.open().wait()

    def __repr__(self) -> str:
        return f"SiteBuilder(database_url={_redact(self.database_url)!r}, table_prefix={self.table_prefix!r})"

    @property
    def provider_label(self) -> str:
        """Which provider answers: ``offline``, ``openai:<model>@<base_url>``..."""
        label: str = self._native.open().wait()
        return label

    def register_function(
        self,
        name: str,
        prompt_template: str,
        output_schema: dict[str, Any],
        credit_operation: str,
        credit_cost: int | None = None,
    ) -> None:
        """Registers a declarative AI function (prompt + JSON schema + credit operation) for :meth:`run`."""
        spec = {
            "name": name,
            "prompt_template": prompt_template,
            "output_schema": output_schema,
            "credit_operation": credit_operation,
            "credit_cost": credit_cost,
        }
        self._native.register_function(spec).wait()


def _redact(url: str | None) -> str | None:
    """Hides a password in a database URL."""
    if url is None or "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in creds else url
