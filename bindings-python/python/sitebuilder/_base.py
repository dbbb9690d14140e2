"""The one generic path under every typed method: a request dict in, the native ``call``, a
record out, errors raised as the core's exception classes (mapped once, in the native layer).
"""

from __future__ import annotations

import asyncio
import collections
import queue
import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ._native import CancelToken
from ._records import Paged, Progress, SiteBuilderOption

if TYPE_CHECKING:
    from ._native import SiteBuilder as NativeSiteBuilder

__all__ = ["Base", "ProgressHandler", "RunStream", "Scope"]

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

    def _stream(
        self, name: str, request: dict[str, Any], convert: Callable[[Any], R],
        on_progress: ProgressHandler | None = None, cancel: CancelToken | None = None,
        idempotency_key: str | None = None,
    ) -> RunStream[R]:
        return RunStream(self._native, name, request, convert, self._progress(on_progress), cancel, idempotency_key)




class _Inbox:
    """Where an async stream's events wait for the loop, and the future that wakes it."""

    def __init__(self) -> None:
        self.events: collections.deque[Progress] = collections.deque()
        self.wake: asyncio.Future[None] | None = None

    def ping(self, *_: Any) -> None:
        if self.wake is not None and not self.wake.done():
            self.wake.set_result(None)


class RunStream(Generic[R]):
    """One AI run watched as it happens: its progress events, then its outcome.

    Iterate it with ``async for`` (on the running event loop) or plain ``for`` (a worker thread
    waits on the run while the loop's thread takes the events). Every item is a
    :class:`~sitebuilder.Progress` (a streamed run's pages arrive as events whose ``partial`` is
    ``{"kind": "page", ...}``: see :attr:`Progress.page`) except the last, which is the run's
    outcome (what the non-streaming method returns); a failed run raises its typed exception
    instead of yielding an outcome. The run starts when the iteration does and runs once.

    Leaving the loop early (``break``, an exception in the loop body, the asyncio task cancelled),
    :meth:`close` or :meth:`aclose` cancels the run through its :class:`CancelToken`: it ends
    ``cancelled`` with nothing charged and no blueprint left ``generating``. ``on_progress``
    (the engine's default handler when not given) still sees every event too.
    """

    def __init__(
        self, native: NativeSiteBuilder, name: str, request: dict[str, Any], convert: Callable[[Any], R],
        on_progress: Callable[[dict[str, Any]], object] | None = None, cancel: CancelToken | None = None,
        idempotency_key: str | None = None,
    ) -> None:
        self._native = native
        self._name = name
        self._request = request
        self._convert = convert
        self._also = on_progress
        self._token = cancel if cancel is not None else CancelToken()
        self._idempotency_key = idempotency_key
        self._started = False
        self._finished = False
        self._inbox = _Inbox()
        self._future: asyncio.Future[Any] | None = None

    @property
    def cancel_token(self) -> CancelToken:
        """The token that stops this run (the caller's, or one of its own)."""
        return self._token

    def _begin(self, deliver: Callable[[dict[str, Any]], object]) -> Any:
        if self._started:
            raise RuntimeError("this stream was already iterated; each RunStream runs once")
        self._started = True
        also = self._also

        def on_event(event: dict[str, Any]) -> object:
            deliver(event)
            return also(event) if also is not None else None

        return self._native.call(self._name, self._request, on_event, self._token, self._idempotency_key)

    # ---- asyncio ----

    def __aiter__(self) -> RunStream[R]:
        return self

    async def __anext__(self) -> Progress | R:
        if self._finished:
            raise StopAsyncIteration
        inbox = self._inbox
        if self._future is None:
            # The callbacks hold the inbox, never the stream: dropping the stream (``break``)
            # must reach ``__del__`` while the run still goes on.
            def arrived(event: dict[str, Any]) -> None:
                inbox.events.append(Progress.from_dict(event))
                inbox.ping()

            future: asyncio.Future[Any] = self._begin(arrived).start()
            # A run left early still ends (cancelled); its error is retrieved, never logged as lost.
            future.add_done_callback(lambda f: None if f.cancelled() else f.exception())
            future.add_done_callback(inbox.ping)
            self._future = future
        try:
            while True:
                if inbox.events:
                    return inbox.events.popleft()
                if self._future.done():
                    self._finished = True
                    return self._convert(self._future.result())
                inbox.wake = asyncio.get_running_loop().create_future()
                await inbox.wake
        except asyncio.CancelledError:
            self._stop()
            raise

    async def aclose(self) -> None:
        """Stops the run if it is still going (it ends ``cancelled``, nothing charged)."""
        self._stop()

    async def __aenter__(self) -> RunStream[R]:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._stop()

    # ---- threads ----

    def __iter__(self) -> Generator[Progress | R, None, None]:
        for item in self.iter():
            if item is not None:
                yield item

    def iter(self, heartbeat: float | None = None) -> Generator[Progress | R | None, None, None]:
        """The events from a thread that waits on the run; with ``heartbeat``, ``None`` after
        that many seconds without news (a server writing to a client notices it left)."""
        inbox: queue.Queue[tuple[str, Any]] = queue.Queue()
        call = self._begin(lambda event: inbox.put(("progress", event)))

        def work() -> None:
            try:
                inbox.put(("done", call.wait()))
            except BaseException as err:  # handed to the iterating thread, raised there
                inbox.put(("error", err))

        threading.Thread(target=work, name=f"sitebuilder-{self._name}", daemon=True).start()
        try:
            while True:
                try:
                    kind, value = inbox.get(timeout=heartbeat)
                except queue.Empty:
                    yield None
                    continue
                if kind == "progress":
                    yield Progress.from_dict(value)
                    continue
                self._finished = True
                if kind == "error":
                    raise value
                yield self._convert(value)
                return
        finally:
            self._stop()

    def close(self) -> None:
        """Stops the run if it is still going (it ends ``cancelled``, nothing charged)."""
        self._stop()

    def _stop(self) -> None:
        if self._started and not self._finished:
            self._finished = True
            self._token.cancel()

    def __del__(self) -> None:
        # ``break`` out of ``async for`` drops the stream: the run stops now, not at shutdown.
        if getattr(self, "_started", False) and not getattr(self, "_finished", True):
            self._token.cancel()
