"""The one generic path under every typed method: a request dict in, the native ``call``, a
record out, errors raised as the core's exception classes (mapped once, in the native layer).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, TypeVar

from ._records import Paged, Progress, SiteBuilderOption

if TYPE_CHECKING:
    from ._native import CancelToken
    from ._native import SiteBuilder as NativeSiteBuilder

__all__ = ["Base", "ProgressHandler", "Scope"]

ProgressHandler = Callable[[Progress], object]
"""Receives each progress event; exceptions it raises are logged, never propagated."""

R = TypeVar("R")
T = TypeVar("T")

METADATA_KEYS = ("business_types", "audience_profiles", "brand_personalities", "hero_imagery")


@dataclass(frozen=True)
class Scope:
    """Which account (and optionally site and sector) a call acts for; a plain ``int`` is an
    account. Node takes the same first argument (a number or ``{accountId, siteId, sectorId}``)."""

    account_id: int
    site_id: int | None = None
    sector_id: int | None = None


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        when = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
        return when.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _request(base: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """The request: ``base`` (the scope) plus every field given (``None`` = the core's default)."""
    out = dict(base)
    out.update({k: _plain(v) for k, v in fields.items() if v is not None})
    return out


def _rfc3339(when: datetime) -> str:
    """``when`` as RFC 3339; the core's timestamps are UTC, so a naive value is read as UTC."""
    if not isinstance(when, datetime):
        raise TypeError(f"expected a datetime, not {type(when).__name__}")
    return str(_plain(when))


def _none(_: Any) -> None:
    return None


def _list(convert: Callable[[Any], T]) -> Callable[[list[Any]], list[T]]:
    return lambda data: [convert(item) for item in data]


def _paged(convert: Callable[[Any], T]) -> Callable[[dict[str, Any]], Paged[T]]:
    return lambda data: Paged([convert(item) for item in data["items"]], data.get("next_after_id"), data.get("count", 0))


def _metadata(data: dict[str, Any]) -> dict[str, list[SiteBuilderOption]]:
    return {key: [SiteBuilderOption.from_dict(o) for o in data.get(key) or []] for key in METADATA_KEYS}


class Base:
    """Plumbing shared by the generated operations and the hand-written methods."""

    _native: NativeSiteBuilder
    on_progress: ProgressHandler | None

    @staticmethod
    def _scope(scope: int | Scope, site_id: int | None, sector_id: int | None) -> dict[str, Any]:
        if isinstance(scope, Scope):
            site_id = scope.site_id if site_id is None else site_id
            sector_id = scope.sector_id if sector_id is None else sector_id
            scope = scope.account_id
        return _request({"account_id": scope}, site_id=site_id, sector_id=sector_id)

    def _progress(self, on_progress: ProgressHandler | None) -> Callable[[dict[str, Any]], object] | None:
        handler = on_progress if on_progress is not None else self.on_progress
        if handler is None:
            return None

        def deliver(event: dict[str, Any]) -> object:
            return handler(Progress.from_dict(event))

        return deliver

    def _call(
        self, name: str, request: dict[str, Any], convert: Callable[[Any], R],
        on_progress: ProgressHandler | None = None, cancel: CancelToken | None = None,
        idempotency_key: str | None = None,
    ) -> R:
        call = self._native.call(name, request, self._progress(on_progress), cancel, idempotency_key)
        return convert(call.wait())

    async def _acall(
        self, name: str, request: dict[str, Any], convert: Callable[[Any], R],
        on_progress: ProgressHandler | None = None, cancel: CancelToken | None = None,
        idempotency_key: str | None = None,
    ) -> R:
        call = self._native.call(name, request, self._progress(on_progress), cancel, idempotency_key)
        return convert(await call.start())


