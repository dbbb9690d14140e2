"""The typed Python API over the native engine."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import Any, TypeVar

from . import _native
from ._assets import AssetMethods
from ._native import CancelToken
from ._records import (
    CreditTransaction,
    DoctorReport,
    MigrationReport,
    MigrationState,
    PageBlueprint,
    Paged,
    Progress,
    QueueStatus,
    RunOutcome,
    SiteBlueprint,
    SiteBuilderOption,
    TaskRecord,
    TaskStats,
)
from .providers import Provider, provider_spec

__all__ = ["ProgressHandler", "SiteBuilder"]

ProgressHandler = Callable[[Progress], object]
"""Receives each progress event; exceptions it raises are logged, never propagated."""

R = TypeVar("R")

METADATA_KEYS = ("business_types", "audience_profiles", "brand_personalities", "hero_imagery")


def _none(_: Any) -> None:
    return None


def _metadata(data: dict[str, Any]) -> dict[str, list[SiteBuilderOption]]:
    return {key: [SiteBuilderOption.from_dict(o) for o in data.get(key) or []] for key in METADATA_KEYS}


def _blueprints(data: dict[str, Any]) -> Paged[SiteBlueprint]:
    return Paged([SiteBlueprint.from_dict(b) for b in data["items"]], data.get("next_after_id"))


def _pages(data: list[dict[str, Any]]) -> list[PageBlueprint]:
    return [PageBlueprint.from_dict(p) for p in data]


def _outcomes(data: list[dict[str, Any]]) -> list[RunOutcome]:
    return [RunOutcome.from_dict(o) for o in data]


def _states(data: list[dict[str, Any]]) -> list[MigrationState]:
    return [MigrationState.from_dict(s) for s in data]


def _stats(data: list[dict[str, Any]]) -> list[TaskStats]:
    return [TaskStats.from_dict(s) for s in data]


def _given(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


class SiteBuilder(AssetMethods):
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
        )
        if not lazy:
            self._native.open().wait()

    def __repr__(self) -> str:
        return f"SiteBuilder(database_url={_redact(self.database_url)!r}, table_prefix={self.table_prefix!r})"

    # -- plumbing ---------------------------------------------------------------------------

    def _progress(self, on_progress: ProgressHandler | None) -> Callable[[dict[str, Any]], object] | None:
        handler = on_progress if on_progress is not None else self.on_progress
        if handler is None:
            return None

        def deliver(event: dict[str, Any]) -> object:
            return handler(Progress.from_dict(event))

        return deliver

    @staticmethod
    def _wait(call: _native.Call, convert: Callable[[Any], R]) -> R:
        return convert(call.wait())

    @staticmethod
    async def _await(call: _native.Call, convert: Callable[[Any], R]) -> R:
        return convert(await call.start())

    # -- schema and health ------------------------------------------------------------------

    @property
    def provider_label(self) -> str:
        """Which provider answers: ``offline``, ``openai:<model>@<base_url>``..."""
        label: str = self._native.open().wait()
        return label

    def migrate(self) -> MigrationReport:
        """Applies pending migrations (adopting the seed's Django tables where they exist)."""
        return self._wait(self._native.migrate(), MigrationReport.from_dict)

    async def amigrate(self) -> MigrationReport:
        """Async twin of :meth:`migrate`."""
        return await self._await(self._native.migrate(), MigrationReport.from_dict)

    def migration_status(self) -> list[MigrationState]:
        """Each migration, applied or pending (the seed's ``showmigrations``)."""
        return self._wait(self._native.migration_status(), _states)

    async def amigration_status(self) -> list[MigrationState]:
        """Async twin of :meth:`migration_status`."""
        return await self._await(self._native.migration_status(), _states)

    def doctor(self, *, stuck_after_secs: float | None = None) -> DoctorReport:
        """The seed's verification checklist: database, migrations, seed data, tasks waiting for a
        worker longer than ``stuck_after_secs`` (default 60), provider."""
        return self._wait(self._native.doctor(stuck_after_secs), DoctorReport.from_dict)

    async def adoctor(self, *, stuck_after_secs: float | None = None) -> DoctorReport:
        """Async twin of :meth:`doctor`."""
        return await self._await(self._native.doctor(stuck_after_secs), DoctorReport.from_dict)

    def metadata(self) -> dict[str, list[SiteBuilderOption]]:
        """The wizard's dropdowns: ``business_types``, ``audience_profiles``, ``brand_personalities``, ``hero_imagery``."""
        return self._wait(self._native.metadata(), _metadata)

    async def ametadata(self) -> dict[str, list[SiteBuilderOption]]:
        """Async twin of :meth:`metadata`."""
        return await self._await(self._native.metadata(), _metadata)

    def function_names(self) -> list[str]:
        """Names of the registered AI functions."""
        return self._wait(self._native.function_names(), list)

    # -- blueprints ---------------------------------------------------------------------------

    def _create_blueprint(
        self, account_id: int, name: str, description: str, config: dict[str, Any] | None,
        hosting_type: str | None, site_id: int | None, sector_id: int | None,
    ) -> _native.Call:
        data = _given(name=name, description=description, config=config, hosting_type=hosting_type)
        return self._native.create_blueprint(account_id, data, site_id, sector_id)

    def create_blueprint(
        self,
        account_id: int,
        name: str,
        *,
        description: str = "",
        config: dict[str, Any] | None = None,
        hosting_type: str | None = None,
        site_id: int | None = None,
        sector_id: int | None = None,
    ) -> SiteBlueprint:
        """Creates a draft blueprint; ``config`` is the wizard's answers (``business_brief``...)."""
        call = self._create_blueprint(account_id, name, description, config, hosting_type, site_id, sector_id)
        return self._wait(call, SiteBlueprint.from_dict)

    async def acreate_blueprint(
        self,
        account_id: int,
        name: str,
        *,
        description: str = "",
        config: dict[str, Any] | None = None,
        hosting_type: str | None = None,
        site_id: int | None = None,
        sector_id: int | None = None,
    ) -> SiteBlueprint:
        """Async twin of :meth:`create_blueprint`."""
        call = self._create_blueprint(account_id, name, description, config, hosting_type, site_id, sector_id)
        return await self._await(call, SiteBlueprint.from_dict)

    def get_blueprint(
        self, account_id: int, blueprint_id: int, *, site_id: int | None = None, sector_id: int | None = None
    ) -> SiteBlueprint:
        """One blueprint of the account; ``NotFoundError`` for another account's."""
        return self._wait(self._native.get_blueprint(account_id, blueprint_id, site_id, sector_id), SiteBlueprint.from_dict)

    async def aget_blueprint(
        self, account_id: int, blueprint_id: int, *, site_id: int | None = None, sector_id: int | None = None
    ) -> SiteBlueprint:
        """Async twin of :meth:`get_blueprint`."""
        call = self._native.get_blueprint(account_id, blueprint_id, site_id, sector_id)
        return await self._await(call, SiteBlueprint.from_dict)

    def _list_blueprints(
        self, account_id: int, status: str | None, site_id: int | None, sector_id: int | None,
        after_id: int | None, limit: int,
    ) -> _native.Call:
        query = _given(status=status, site_id=site_id, sector_id=sector_id, after_id=after_id, limit=limit)
        return self._native.list_blueprints(account_id, query)

    def list_blueprints(
        self,
        account_id: int,
        *,
        status: str | None = None,
        site_id: int | None = None,
        sector_id: int | None = None,
        after_id: int | None = None,
        limit: int = 50,
    ) -> Paged[SiteBlueprint]:
        """The account's blueprints by id; page on with ``after_id=page.next_after_id``."""
        return self._wait(self._list_blueprints(account_id, status, site_id, sector_id, after_id, limit), _blueprints)

    async def alist_blueprints(
        self,
        account_id: int,
        *,
        status: str | None = None,
        site_id: int | None = None,
        sector_id: int | None = None,
        after_id: int | None = None,
        limit: int = 50,
    ) -> Paged[SiteBlueprint]:
        """Async twin of :meth:`list_blueprints`."""
        call = self._list_blueprints(account_id, status, site_id, sector_id, after_id, limit)
        return await self._await(call, _blueprints)

    def update_blueprint(self, account_id: int, blueprint_id: int, **changes: Any) -> SiteBlueprint:
        """Changes ``name``, ``description``, ``config``, ``status``, ``hosting_type`` or ``deployed_version``."""
        site_id, sector_id = changes.pop("site_id", None), changes.pop("sector_id", None)
        call = self._native.update_blueprint(account_id, blueprint_id, changes, site_id, sector_id)
        return self._wait(call, SiteBlueprint.from_dict)

    async def aupdate_blueprint(self, account_id: int, blueprint_id: int, **changes: Any) -> SiteBlueprint:
        """Async twin of :meth:`update_blueprint`."""
        site_id, sector_id = changes.pop("site_id", None), changes.pop("sector_id", None)
        call = self._native.update_blueprint(account_id, blueprint_id, changes, site_id, sector_id)
        return await self._await(call, SiteBlueprint.from_dict)

    def delete_blueprint(
        self, account_id: int, blueprint_id: int, *, site_id: int | None = None, sector_id: int | None = None
    ) -> None:
        """Deletes a blueprint and its pages."""
        self._wait(self._native.delete_blueprint(account_id, blueprint_id, site_id, sector_id), _none)

    async def adelete_blueprint(
        self, account_id: int, blueprint_id: int, *, site_id: int | None = None, sector_id: int | None = None
    ) -> None:
        """Async twin of :meth:`delete_blueprint`."""
        await self._await(self._native.delete_blueprint(account_id, blueprint_id, site_id, sector_id), _none)

    # -- pages --------------------------------------------------------------------------------

    def _create_page(
        self, account_id: int, blueprint_id: int, slug: str, title: str, type: str | None,
        blocks: list[dict[str, Any]] | None, status: str | None, order: int | None,
        site_id: int | None, sector_id: int | None,
    ) -> _native.Call:
        data = _given(slug=slug, title=title, type=type, blocks=blocks, status=status, order=order)
        return self._native.create_page(account_id, blueprint_id, data, site_id, sector_id)

    def create_page(
        self,
        account_id: int,
        blueprint_id: int,
        slug: str,
        title: str,
        *,
        type: str | None = None,
        blocks: list[dict[str, Any]] | None = None,
        status: str | None = None,
        order: int | None = None,
        site_id: int | None = None,
        sector_id: int | None = None,
    ) -> PageBlueprint:
        """Adds a page to a blueprint; ``order=None`` appends it."""
        call = self._create_page(account_id, blueprint_id, slug, title, type, blocks, status, order, site_id, sector_id)
        return self._wait(call, PageBlueprint.from_dict)

    async def acreate_page(
        self,
        account_id: int,
        blueprint_id: int,
        slug: str,
        title: str,
        *,
        type: str | None = None,
        blocks: list[dict[str, Any]] | None = None,
        status: str | None = None,
        order: int | None = None,
        site_id: int | None = None,
        sector_id: int | None = None,
    ) -> PageBlueprint:
        """Async twin of :meth:`create_page`."""
        call = self._create_page(account_id, blueprint_id, slug, title, type, blocks, status, order, site_id, sector_id)
        return await self._await(call, PageBlueprint.from_dict)

    def get_page(
        self, account_id: int, page_id: int, *, site_id: int | None = None, sector_id: int | None = None
    ) -> PageBlueprint:
        """One page of the account."""
        return self._wait(self._native.get_page(account_id, page_id, site_id, sector_id), PageBlueprint.from_dict)

    async def aget_page(
        self, account_id: int, page_id: int, *, site_id: int | None = None, sector_id: int | None = None
    ) -> PageBlueprint:
        """Async twin of :meth:`get_page`."""
        return await self._await(self._native.get_page(account_id, page_id, site_id, sector_id), PageBlueprint.from_dict)

    def list_pages(
        self, account_id: int, blueprint_id: int, *, site_id: int | None = None, sector_id: int | None = None
    ) -> list[PageBlueprint]:
        """A blueprint's pages in sitemap order."""
        return self._wait(self._native.list_pages(account_id, blueprint_id, site_id, sector_id), _pages)

    async def alist_pages(
        self, account_id: int, blueprint_id: int, *, site_id: int | None = None, sector_id: int | None = None
    ) -> list[PageBlueprint]:
        """Async twin of :meth:`list_pages`."""
        return await self._await(self._native.list_pages(account_id, blueprint_id, site_id, sector_id), _pages)

    def update_page(self, account_id: int, page_id: int, **changes: Any) -> PageBlueprint:
        """Changes ``slug``, ``title``, ``type``, ``blocks``, ``status`` or ``order``."""
        site_id, sector_id = changes.pop("site_id", None), changes.pop("sector_id", None)
        return self._wait(self._native.update_page(account_id, page_id, changes, site_id, sector_id), PageBlueprint.from_dict)

    async def aupdate_page(self, account_id: int, page_id: int, **changes: Any) -> PageBlueprint:
        """Async twin of :meth:`update_page`."""
        site_id, sector_id = changes.pop("site_id", None), changes.pop("sector_id", None)
        call = self._native.update_page(account_id, page_id, changes, site_id, sector_id)
        return await self._await(call, PageBlueprint.from_dict)

    def delete_page(
        self, account_id: int, page_id: int, *, site_id: int | None = None, sector_id: int | None = None
    ) -> None:
        """Deletes a page."""
        self._wait(self._native.delete_page(account_id, page_id, site_id, sector_id), _none)

    async def adelete_page(
        self, account_id: int, page_id: int, *, site_id: int | None = None, sector_id: int | None = None
    ) -> None:
        """Async twin of :meth:`delete_page`."""
        await self._await(self._native.delete_page(account_id, page_id, site_id, sector_id), _none)

    def reorder_pages(
        self, account_id: int, blueprint_id: int, page_ids: Sequence[int], *,
        site_id: int | None = None, sector_id: int | None = None,
    ) -> None:
        """Sets the sitemap order to ``page_ids``."""
        call = self._native.reorder_pages(account_id, blueprint_id, list(page_ids), site_id, sector_id)
        self._wait(call, _none)

    async def areorder_pages(
        self, account_id: int, blueprint_id: int, page_ids: Sequence[int], *,
        site_id: int | None = None, sector_id: int | None = None,
    ) -> None:
        """Async twin of :meth:`reorder_pages`."""
        call = self._native.reorder_pages(account_id, blueprint_id, list(page_ids), site_id, sector_id)
        await self._await(call, _none)

    # -- AI generation ------------------------------------------------------------------------

    def generate_structure(
        self,
        account_id: int,
        blueprint_id: int,
        *,
        site_id: int | None = None,
        sector_id: int | None = None,
        task_id: str | None = None,
        prompt_override: str | None = None,
        on_progress: ProgressHandler | None = None,
        cancel: CancelToken | None = None,
    ) -> RunOutcome:
        """Generates and saves the blueprint's structure and pages (50 credits, charged once per task id).

        ``cancel``: a :class:`CancelToken` whose ``cancel()`` stops the run (``CancelledError``);
        every run method takes one.
        """
        call = self._native.generate_structure(
            account_id, blueprint_id, site_id, sector_id, task_id, prompt_override, self._progress(on_progress), cancel
        )
        return self._wait(call, RunOutcome.from_dict)

    async def agenerate_structure(
        self,
        account_id: int,
        blueprint_id: int,
        *,
        site_id: int | None = None,
        sector_id: int | None = None,
        task_id: str | None = None,
        prompt_override: str | None = None,
        on_progress: ProgressHandler | None = None,
        cancel: CancelToken | None = None,
    ) -> RunOutcome:
        """Async twin of :meth:`generate_structure`; progress arrives on the event loop.

        Cancelling the awaiting task cancels the run itself (through a token of its own), so it
        ends as ``cancelled`` with nothing charged; it is never cut off between two steps.
        """
        call = self._native.generate_structure(
            account_id, blueprint_id, site_id, sector_id, task_id, prompt_override, self._progress(on_progress), cancel
        )
        return await self._await(call, RunOutcome.from_dict)

    def generate_page_content(
        self,
        account_id: int,
        page_id: int,
        *,
        site_id: int | None = None,
        sector_id: int | None = None,
        task_id: str | None = None,
        prompt_override: str | None = None,
        on_progress: ProgressHandler | None = None,
        cancel: CancelToken | None = None,
    ) -> RunOutcome:
        """Generates one page's blocks (20 credits)."""
        call = self._native.generate_page_content(
            account_id, page_id, site_id, sector_id, task_id, prompt_override, self._progress(on_progress), cancel
        )
        return self._wait(call, RunOutcome.from_dict)

    async def agenerate_page_content(
        self,
        account_id: int,
        page_id: int,
        *,
        site_id: int | None = None,
        sector_id: int | None = None,
        task_id: str | None = None,
        prompt_override: str | None = None,
        on_progress: ProgressHandler | None = None,
        cancel: CancelToken | None = None,
    ) -> RunOutcome:
        """Async twin of :meth:`generate_page_content`."""
        call = self._native.generate_page_content(
            account_id, page_id, site_id, sector_id, task_id, prompt_override, self._progress(on_progress), cancel
        )
        return await self._await(call, RunOutcome.from_dict)

    def generate_all_pages(
        self,
        account_id: int,
        blueprint_id: int,
        *,
        site_id: int | None = None,
        sector_id: int | None = None,
        task_id: str | None = None,
        on_progress: ProgressHandler | None = None,
        cancel: CancelToken | None = None,
    ) -> list[RunOutcome]:
        """Generates the content of every page of a blueprint, reporting ``current``/``total``."""
        call = self._native.generate_all_pages(
            account_id, blueprint_id, site_id, sector_id, task_id, None, self._progress(on_progress), cancel
        )
        return self._wait(call, _outcomes)

    async def agenerate_all_pages(
        self,
        account_id: int,
        blueprint_id: int,
        *,
        site_id: int | None = None,
        sector_id: int | None = None,
        task_id: str | None = None,
        on_progress: ProgressHandler | None = None,
        cancel: CancelToken | None = None,
    ) -> list[RunOutcome]:
        """Async twin of :meth:`generate_all_pages`."""
        call = self._native.generate_all_pages(
            account_id, blueprint_id, site_id, sector_id, task_id, None, self._progress(on_progress), cancel
        )
        return await self._await(call, _outcomes)

    def run(
        self,
        function_name: str,
        payload: dict[str, Any],
        account_id: int,
        *,
        task_id: str | None = None,
        prompt_override: str | None = None,
        on_progress: ProgressHandler | None = None,
        cancel: CancelToken | None = None,
    ) -> RunOutcome:
        """Runs any registered AI function by name (the seed's ``run_ai_task`` body)."""
        call = self._native.run(function_name, payload, account_id, task_id, prompt_override, self._progress(on_progress), cancel)
        return self._wait(call, RunOutcome.from_dict)

    async def arun(
        self,
        function_name: str,
        payload: dict[str, Any],
        account_id: int,
        *,
        task_id: str | None = None,
        prompt_override: str | None = None,
        on_progress: ProgressHandler | None = None,
        cancel: CancelToken | None = None,
    ) -> RunOutcome:
        """Async twin of :meth:`run`."""
        call = self._native.run(function_name, payload, account_id, task_id, prompt_override, self._progress(on_progress), cancel)
        return await self._await(call, RunOutcome.from_dict)

    def dispatch(
        self, function_name: str, payload: dict[str, Any], account_id: int, *, task_id: str | None = None
    ) -> str:
        """Starts a run in the background of this process and returns its task id (see :meth:`task`)."""
        return self._wait(self._native.dispatch(function_name, payload, account_id, task_id), str)

    async def adispatch(
        self, function_name: str, payload: dict[str, Any], account_id: int, *, task_id: str | None = None
    ) -> str:
        """Async twin of :meth:`dispatch`."""
        return await self._await(self._native.dispatch(function_name, payload, account_id, task_id), str)

    def task(self, task_id: str, account_id: int | None = None) -> TaskRecord:
        """The task log row of a run (progress while it runs, result or error after)."""
        return self._wait(self._native.task(task_id, account_id), TaskRecord.from_dict)

    async def atask(self, task_id: str, account_id: int | None = None) -> TaskRecord:
        """Async twin of :meth:`task`."""
        return await self._await(self._native.task(task_id, account_id), TaskRecord.from_dict)

    def queue_task(
        self, function_name: str, payload: dict[str, Any], account_id: int, *, task_id: str | None = None
    ) -> TaskRecord:
        """Records a task as ``queued`` before its message goes to a broker, so :meth:`task` answers at
        once; the worker's :meth:`run` with the same task id claims it, exactly once."""
        return self._wait(self._native.queue_task(function_name, payload, account_id, task_id), TaskRecord.from_dict)

    async def aqueue_task(
        self, function_name: str, payload: dict[str, Any], account_id: int, *, task_id: str | None = None
    ) -> TaskRecord:
        """Async twin of :meth:`queue_task`."""
        return await self._await(self._native.queue_task(function_name, payload, account_id, task_id), TaskRecord.from_dict)

    def queue_status(self, stuck_after_secs: float = 60.0) -> QueueStatus:
        """Tasks waiting for a worker, the oldest wait, and those waiting over ``stuck_after_secs``."""
        return self._wait(self._native.queue_status(stuck_after_secs), QueueStatus.from_dict)

    async def aqueue_status(self, stuck_after_secs: float = 60.0) -> QueueStatus:
        """Async twin of :meth:`queue_status`."""
        return await self._await(self._native.queue_status(stuck_after_secs), QueueStatus.from_dict)

    def metrics(self) -> str:
        """Every metric in the Prometheus text format (runs, phases, credits, queue depth, waits)."""
        return self._wait(self._native.metrics(), str)

    async def ametrics(self) -> str:
        """Async twin of :meth:`metrics`."""
        return await self._await(self._native.metrics(), str)

    def recover_stale(self, older_than_secs: float) -> list[str]:
        """Marks runs without a heartbeat for ``older_than_secs`` as failed, releasing their credits."""
        return self._wait(self._native.recover_stale(older_than_secs), list)

    async def arecover_stale(self, older_than_secs: float) -> list[str]:
        """Async twin of :meth:`recover_stale`."""
        return await self._await(self._native.recover_stale(older_than_secs), list)

    def stats(self, since: datetime) -> list[TaskStats]:
        """Per function: runs finished since ``since`` (a naive datetime is taken as UTC)."""
        return self._wait(self._native.stats(_rfc3339(since)), _stats)

    async def astats(self, since: datetime) -> list[TaskStats]:
        """Async twin of :meth:`stats`."""
        return await self._await(self._native.stats(_rfc3339(since)), _stats)

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
        self._wait(self._native.register_function(spec), _none)

    # -- credits ------------------------------------------------------------------------------

    def balance(self, account_id: int) -> int:
        """The account's credit balance."""
        return self._wait(self._native.balance(account_id), int)

    async def abalance(self, account_id: int) -> int:
        """Async twin of :meth:`balance`."""
        return await self._await(self._native.balance(account_id), int)

    def grant(self, account_id: int, amount: int, description: str = "grant") -> CreditTransaction:
        """Adds credits to an account (a purchase or adjustment ledger row)."""
        return self._wait(self._native.grant(account_id, amount, description), CreditTransaction.from_dict)

    async def agrant(self, account_id: int, amount: int, description: str = "grant") -> CreditTransaction:
        """Async twin of :meth:`grant`."""
        return await self._await(self._native.grant(account_id, amount, description), CreditTransaction.from_dict)


def _rfc3339(when: datetime) -> str:
    """``when`` as RFC 3339; the core's timestamps are UTC, so a naive value is read as UTC."""
    if not isinstance(when, datetime):
        raise TypeError(f"since must be a datetime, not {type(when).__name__}")
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.isoformat()


def _redact(url: str | None) -> str | None:
    """Hides a password in a database URL."""
    if url is None or "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in creds else url
