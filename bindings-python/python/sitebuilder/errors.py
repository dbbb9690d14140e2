"""The exception hierarchy: one class per stable core error code, all under SiteBuilderError.

Catch ``SiteBuilderError`` for everything, a subclass for one case, or the builtin it also derives
from (``NotFoundError`` is a ``LookupError``, ``InvalidInputError`` a ``ValueError``,
``ProviderUnavailableError`` a ``ConnectionError``). ``err.code`` is stable; the message may change.
"""

from __future__ import annotations

from ._native import (
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
    error_for_code,
)

__all__ = [
    "ERROR_CODES",
    "AIOutputError",
    "AIOutputTruncatedError",
    "AIRefusedError",
    "CancelledError",
    "ConfigurationError",
    "ConflictError",
    "DatabaseError",
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
    "SiteBuilderError",
    "error_class",
    "error_for_code",
]


def error_class(code: str) -> type[SiteBuilderError]:
    """The exception class for a stable code (``SiteBuilderError`` for an unknown one)."""
    for cls in _all_classes():
        if getattr(cls, "code", None) == code:
            return cls
    return SiteBuilderError


def _all_classes() -> list[type[SiteBuilderError]]:
    seen: list[type[SiteBuilderError]] = []
    stack: list[type[SiteBuilderError]] = [SiteBuilderError]
    while stack:
        cls = stack.pop()
        seen.append(cls)
        stack.extend(cls.__subclasses__())
    return seen
