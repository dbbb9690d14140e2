"""sitebuilder: embeddable AI site generation, backed by a Rust core.

    from sitebuilder import SiteBuilder, Offline

    sb = SiteBuilder("sqlite://site.db", provider=Offline())
    sb.grant_credits(1, 100)
    bp = sb.create_blueprint(1, "Bakery", config={"business_brief": "Family bakery in Porto"})
    outcome = sb.generate_structure(1, bp.id)

    async for event in sb.stream_generate_structure(1, bp.id):   # or plain ``for``
        print(event)   # Progress events (pages as they arrive), then the RunOutcome

Django: ``sitebuilder.contrib.django``; Celery: ``sitebuilder.contrib.celery``.
"""

from __future__ import annotations

from ._base import RunStream
from ._client import ProgressHandler, Scope, SiteBuilder
from ._native import CancelToken, __version__
from ._records import (
    AssetUsage,
    CreditTransaction,
    DoctorCheck,
    DoctorReport,
    MigrationReport,
    MigrationState,
    PageBlueprint,
    Paged,
    Progress,
    QueueStatus,
    RunOutcome,
    SiteAsset,
    SiteBlueprint,
    SiteBuilderOption,
    TaskRecord,
    TaskStats,
    UsageLogEntry,
)
from .errors import (
    ERROR_CODES,
    AIOutputError,
    AIOutputTruncatedError,
    AIRefusedError,
    CancelledError,
    ConfigurationError,
    ConflictError,
    DatabaseError,
    FileStorageError,
    InsufficientCreditsError,
    InvalidAIOutputError,
    InvalidInputError,
    JSONError,
    MigrationChecksumMismatchError,
    MigrationRequiredError,
    NotFoundError,
    ProviderError,
    ProviderRejectedError,
    ProviderUnavailableError,
    QuotaExceededError,
    SchemaMismatchError,
    SiteBuilderError,
    error_class,
)
from .providers import Fallback, FromEnv, Offline, OpenAICompatible, Provider, Replay

__all__ = [
    "AssetUsage",
    "ERROR_CODES",
    "AIOutputError",
    "AIOutputTruncatedError",
    "AIRefusedError",
    "CancelToken",
    "CancelledError",
    "ConfigurationError",
    "ConflictError",
    "CreditTransaction",
    "DatabaseError",
    "DoctorCheck",
    "DoctorReport",
    "FileStorageError",
    "FromEnv",
    "InsufficientCreditsError",
    "InvalidAIOutputError",
    "InvalidInputError",
    "JSONError",
    "MigrationChecksumMismatchError",
    "MigrationReport",
    "MigrationRequiredError",
    "MigrationState",
    "NotFoundError",
    "Fallback",
    "Offline",
    "OpenAICompatible",
    "PageBlueprint",
    "Paged",
    "Progress",
    "ProgressHandler",
    "Provider",
    "ProviderError",
    "ProviderRejectedError",
    "ProviderUnavailableError",
    "QueueStatus",
    "QuotaExceededError",
    "Replay",
    "RunOutcome",
    "RunStream",
    "SchemaMismatchError",
    "SiteAsset",
    "SiteBlueprint",
    "Scope",
    "SiteBuilder",
    "SiteBuilderError",
    "SiteBuilderOption",
    "TaskRecord",
    "TaskStats",
    "UsageLogEntry",
    "__version__",
    "error_class",
]
