"""Typed records returned by :class:`sitebuilder.SiteBuilder`.

The native layer hands over plain JSON-shaped values; these dataclasses give them names and types.
Timestamps become timezone-aware :class:`datetime.datetime`; JSON columns (``config``,
``structure_json``, ``blocks``, ``result``...) stay Python dicts and lists. ``to_dict()`` gives a
JSON-serialisable dict again (timestamps as ISO 8601 strings), ready for ``json.dumps`` or a
``JsonResponse``.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, ClassVar, Generic, TypeVar

__all__ = [
    "AssetUsage",
    "CreditTransaction",
    "DoctorCheck",
    "DoctorReport",
    "MigrationReport",
    "MigrationState",
    "PageBlueprint",
    "Paged",
    "Progress",
    "QueueStatus",
    "RunOutcome",
    "SiteAsset",
    "SiteBlueprint",
    "SiteBuilderOption",
    "TaskRecord",
    "TaskStats",
    "UsageLogEntry",
    "parse_datetime",
]

T = TypeVar("T")

_FRACTION = re.compile(r"\.(\d+)")


def parse_datetime(value: str | None) -> datetime | None:
    """Parses an RFC 3339 timestamp as the core writes it (``...T12:00:00.123456789Z``)."""
    if value is None:
        return None
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    # Python 3.10's fromisoformat takes exactly 3 or 6 fractional digits.
    text = _FRACTION.sub(lambda m: "." + (m.group(1) + "000000")[:6], text, count=1)
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, _Record):
        return value.to_dict()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


_R = TypeVar("_R", bound="_Record")


@dataclass
class _Record:
    """Shared conversion: unknown keys from a newer core are kept in ``extra``, not lost."""

    _datetimes: ClassVar[tuple[str, ...]] = ()
    _renames: ClassVar[dict[str, str]] = {}

    extra: dict[str, Any] = field(default_factory=dict, repr=False, kw_only=True)
    """Keys a newer core sent that this version does not know; kept for ``to_dict()``."""

    @classmethod
    def _field_names(cls) -> set[str]:
        return {f.name for f in dataclasses.fields(cls) if f.name != "extra"}

    @classmethod
    def _convert(cls, data: dict[str, Any]) -> dict[str, Any]:
        return data

    @classmethod
    def from_dict(cls: type[_R], data: dict[str, Any]) -> _R:
        """Builds the record from the JSON shape the core serialises."""
        data = cls._convert(dict(data))
        names = cls._field_names()
        known: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for key, value in data.items():
            name = cls._renames.get(key, key)
            if name in names:
                known[name] = parse_datetime(value) if name in cls._datetimes else value
            else:
                extra[key] = value
        for f in dataclasses.fields(cls):
            if f.name not in known and f.name != "extra":
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                    known[f.name] = None
        return cls(**known, extra=extra)

    def to_dict(self) -> dict[str, Any]:
        """The record as a JSON-serialisable dict (timestamps as ISO 8601 strings)."""
        out: dict[str, Any] = {}
        inverse = {v: k for k, v in self._renames.items()}
        for f in dataclasses.fields(self):
            if f.name == "extra":
                continue
            out[inverse.get(f.name, f.name)] = _plain(getattr(self, f.name))
        extra = getattr(self, "extra", None) or {}
        out.update({k: _plain(v) for k, v in extra.items()})
        return out


@dataclass
class SiteBuilderOption(_Record):
    """One entry of a wizard dropdown (business type, audience profile...)."""

    _datetimes: ClassVar[tuple[str, ...]] = ("created_at", "updated_at")

    id: int
    kind: str
    name: str
    description: str
    is_active: bool
    order: int
    created_at: datetime | None
    updated_at: datetime | None


@dataclass
class SiteBlueprint(_Record):
    """A site blueprint (``igny8_site_blueprints``); ``config`` is the stored ``config_json``."""

    _datetimes: ClassVar[tuple[str, ...]] = ("created_at", "updated_at")

    id: int
    account_id: int
    site_id: int | None
    sector_id: int | None
    name: str
    description: str
    config: dict[str, Any]
    structure_json: dict[str, Any]
    status: str
    hosting_type: str
    version: int
    deployed_version: int | None
    created_at: datetime | None
    updated_at: datetime | None

    @property
    def config_json(self) -> dict[str, Any]:
        """The seed's name for ``config``."""
        return self.config


@dataclass
class PageBlueprint(_Record):
    """A page of a blueprint (``igny8_page_blueprints``); ``blocks`` is ``blocks_json``."""

    _datetimes: ClassVar[tuple[str, ...]] = ("created_at", "updated_at")

    id: int
    site_blueprint_id: int
    account_id: int
    site_id: int | None
    sector_id: int | None
    slug: str
    title: str
    type: str
    blocks: list[dict[str, Any]]
    status: str
    order: int
    created_at: datetime | None
    updated_at: datetime | None

    @property
    def blocks_json(self) -> list[dict[str, Any]]:
        """The seed's name for ``blocks``."""
        return self.blocks




@dataclass
class Paged(Generic[T]):
    """One page of a listing; pass ``next_after_id`` as ``after_id`` for the next one."""

    items: list[T]
    next_after_id: int | None
    count: int = 0
    """Rows matching the filters over all pages (the real total of a DRF ``count``)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {"items": _plain(self.items), "next_after_id": self.next_after_id, "count": self.count}


@dataclass
class Progress(_Record):
    """A progress event of a run: phase (``INIT``...``DONE``), percent, message.

    In a streamed run ``partial`` carries what just arrived, as the core serialises it:
    ``{"kind": "site", "site": {...}}`` (the site settings are complete), ``{"kind": "page",
    "index": 0, "page": {...}}`` (one page is complete and valid, ``index`` its position) or
    ``{"kind": "tokens", "completion_tokens": 123}``; ``None`` on plain phase events.
    """

    task_id: str
    phase: str
    percent: int
    message: str
    current: int | None = None
    total: int | None = None
    partial: dict[str, Any] | None = None

    @property
    def page(self) -> dict[str, Any] | None:
        """The page that arrived with this event (``partial`` of kind ``page``), else ``None``."""
        if self.partial is not None and self.partial.get("kind") == "page":
            page: dict[str, Any] | None = self.partial.get("page")
            return page
        return None


@dataclass
class RunOutcome(_Record):
    """Result of an AI function run; ``replayed`` is true when a finished task id was run again."""

    task_id: str
    function_name: str
    status: str
    result: Any
    provider: str
    model: str
    tokens_in: int
    tokens_out: int
    cost_usd: float
    credits_charged: int
    replayed: bool
    repairs: list[str] = field(default_factory=list)
    """What the lenient parser fixed in the model's answer (empty for a clean answer)."""


@dataclass
class TaskRecord(_Record):
    """A row of the AI task log, readable while the task runs and after."""

    _datetimes: ClassVar[tuple[str, ...]] = ("created_at", "started_at", "finished_at", "updated_at")

    task_id: str
    account_id: int
    function_name: str
    status: str
    phase: str
    progress: int
    message: str
    prompt_type: str | None
    prompt_hash: str | None
    provider: str | None
    model: str | None
    tokens_in: int
    tokens_out: int
    cost_usd: float
    credits: int
    error_code: str | None
    error_message: str | None
    payload: Any
    result: Any
    phase_timings: dict[str, int]
    attempts: int
    created_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    updated_at: datetime | None


@dataclass
class QueueStatus(_Record):
    """Tasks waiting for a worker, read from the task log; ``stuck`` lists the oldest ids."""

    queued: int
    oldest_wait_secs: float
    stuck_after_secs: float
    stuck: list[str]
    stuck_count: int


@dataclass
class CreditTransaction(_Record):
    """An append-only ledger row; ``reference`` is the idempotency key (the task id)."""

    _datetimes: ClassVar[tuple[str, ...]] = ("created_at",)

    id: int
    account_id: int
    transaction_type: str
    amount: int
    balance_after: int
    description: str
    metadata: Any
    reference: str | None
    created_at: datetime | None


@dataclass
class MigrationReport(_Record):
    """What one ``migrate()`` call did (``NNNN_name`` labels)."""

    applied: list[str]
    adopted: list[str]
    already_applied: list[str]


@dataclass
class MigrationState(_Record):
    """One migration's state in the database (the seed's ``showmigrations``)."""

    _datetimes: ClassVar[tuple[str, ...]] = ("applied_at",)

    version: int
    name: str
    applied: bool
    applied_at: datetime | None
    adopted: bool
    checksum_mismatch: dict[str, str] | None

    @property
    def label(self) -> str:
        """``NNNN_name``."""
        return f"{self.version:04d}_{self.name}"


@dataclass
class DoctorCheck(_Record):
    """One line of the doctor's report, with a fix when it failed."""

    name: str
    ok: bool
    detail: str
    fix: str | None = None


@dataclass
class DoctorReport(_Record):
    """The seed's verification checklist as data."""

    ok: bool
    checks: list[DoctorCheck]

    @classmethod
    def _convert(cls, data: dict[str, Any]) -> dict[str, Any]:
        data["checks"] = [DoctorCheck.from_dict(c) for c in data.get("checks") or []]
        return data

    def failed(self) -> list[DoctorCheck]:
        """The checks that did not pass."""
        return [c for c in self.checks if not c.ok]


@dataclass
class SiteAsset(_Record):
    """A stored file of a blueprint (``{prefix}sb_site_assets``).

    ``content_type`` is what the core detected from the content, not what the uploader claimed;
    ``checksum_sha256`` lets a host verify or deduplicate downloads.
    """

    _datetimes: ClassVar[tuple[str, ...]] = ("created_at",)

    id: int
    account_id: int
    site_id: int | None
    sector_id: int | None
    site_blueprint_id: int
    key: str
    file_name: str
    content_type: str
    size_bytes: int
    checksum_sha256: str
    uploaded_by: str | None
    created_at: datetime | None


@dataclass
class TaskStats(_Record):
    """Runs of one AI function finished in a window (see :meth:`SiteBuilder.stats`)."""

    function_name: str
    finished: int
    succeeded: int
    failed_by_code: dict[str, int]
    cancelled: int

    @property
    def failed(self) -> int:
        """Failed runs, all codes together."""
        return sum(self.failed_by_code.values())


@dataclass
class UsageLogEntry(_Record):
    """A usage row: what one paid run used (model, tokens, cost) and what it was for."""

    _datetimes: ClassVar[tuple[str, ...]] = ("created_at",)

    id: int
    account_id: int
    operation_type: str
    credits_used: int
    cost_usd: float
    model_used: str
    tokens_input: int
    tokens_output: int
    related_object_type: str | None
    related_object_id: int | None
    metadata: Any
    created_at: datetime | None


@dataclass
class AssetUsage(_Record):
    """Bytes an account's site assets take, and its quota."""

    used_bytes: int
    quota_bytes: int
