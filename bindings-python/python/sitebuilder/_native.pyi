# Stub of the native extension (bindings-python/src); checked by `python -m mypy.stubtest`.
import asyncio
from collections.abc import Callable
from typing import Any, final

__all__ = [
    "AIOutputError",
    "AIOutputTruncatedError",
    "AIRefusedError",
    "Call",
    "CancelToken",
    "CancelledError",
    "ConfigurationError",
    "ConflictError",
    "DatabaseError",
    "ERROR_CODES",
    "FileStorageError",
    "InsufficientCreditsError",
    "InvalidAIOutputError",
    "InvalidInputError",
    "JSONError",
    "MigrationChecksumMismatchError",
    "MigrationRequiredError",
    "NotFoundError",
    "ProviderError",
    "ProviderRejectedError",
    "ProviderUnavailableError",
    "QuotaExceededError",
    "SchemaMismatchError",
    "SiteBuilder",
    "SiteBuilderError",
    "__version__",
    "_ensure_runtime",
    "_runtime_pid",
    "catalogue",
    "openapi",
    "error_for_code",
]

__version__: str
ERROR_CODES: list[str]

class SiteBuilderError(Exception):
    code: str
    message: str

class ProviderError(SiteBuilderError): ...
class AIOutputError(SiteBuilderError): ...
class InvalidInputError(SiteBuilderError, ValueError): ...

class NotFoundError(SiteBuilderError, LookupError):
    entity: str
    id: str

class InsufficientCreditsError(SiteBuilderError):
    required: int
    available: int

class MigrationRequiredError(SiteBuilderError, RuntimeError):
    pending: list[str]

class MigrationChecksumMismatchError(SiteBuilderError, RuntimeError): ...

class SchemaMismatchError(SiteBuilderError, RuntimeError):
    missing: list[str]

class ConflictError(SiteBuilderError, RuntimeError): ...

class ProviderUnavailableError(ProviderError, ConnectionError):
    provider: str

class ProviderRejectedError(ProviderError):
    provider: str
    status: int

class AIRefusedError(AIOutputError): ...
class AIOutputTruncatedError(AIOutputError): ...

class InvalidAIOutputError(AIOutputError, ValueError):
    attempts: int
    errors: list[str]

class CancelledError(SiteBuilderError): ...
class ConfigurationError(SiteBuilderError, ValueError): ...
class DatabaseError(SiteBuilderError, RuntimeError): ...
class JSONError(SiteBuilderError, ValueError): ...
class QuotaExceededError(SiteBuilderError): ...
class FileStorageError(SiteBuilderError, OSError): ...

def error_for_code(code: str, message: str, **fields: Any) -> SiteBuilderError: ...
def catalogue() -> str: ...
def openapi() -> str: ...
def _runtime_pid() -> int | None: ...
def _ensure_runtime() -> int: ...

@final
class Call:
    """A native operation that has not started yet; run it once."""

    def wait(self) -> Any: ...
    def start(self) -> asyncio.Future[Any]: ...

_Progress = Callable[[dict[str, Any]], object]

@final
class CancelToken:
    """Stops a run cooperatively; cancelling is permanent."""

    def __new__(cls) -> CancelToken: ...
    def cancel(self) -> None: ...
    @property
    def cancelled(self) -> bool: ...

@final
class SiteBuilder:
    def __new__(
        cls,
        database_url: str | None = None,
        provider: dict[str, Any] | None = None,
        table_prefix: str = "igny8_",
        auto_migrate: bool = True,
        asset_root: str | None = None,
        asset_url: str | None = None,
        max_file_bytes: int | None = None,
        account_quota_bytes: int | None = None,
        publish_url: str | None = None,
        render_options: dict[str, Any] | None = None,
    ) -> SiteBuilder: ...
    def open(self) -> Call: ...
    def handle_pid(self) -> int | None: ...
    def call(
        self,
        name: str,
        request: dict[str, Any],
        on_progress: _Progress | None = None,
        cancel: CancelToken | None = None,
        idempotency_key: str | None = None,
    ) -> Call: ...
    def register_function(self, spec: dict[str, Any]) -> Call: ...
    def upload_asset(
        self,
        account_id: int,
        blueprint_id: int,
        file_name: str,
        data: bytes,
        uploaded_by: str | None = None,
        site_id: int | None = None,
        sector_id: int | None = None,
        idempotency_key: str | None = None,
    ) -> Call: ...
    def download_asset(
        self, account_id: int, asset_id: int, site_id: int | None = None, sector_id: int | None = None
    ) -> Call: ...
    def asset_limits(self) -> tuple[int, int]: ...
