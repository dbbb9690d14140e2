"""AI provider settings for :class:`sitebuilder.SiteBuilder`.

Small value classes, translated to the core's ``ProviderConfig``. ``FromEnv()`` (the default) reads
``SITEBUILDER_AI_BASE_URL``, ``SITEBUILDER_AI_API_KEY`` or ``OPENAI_API_KEY`` and
``SITEBUILDER_AI_MODEL``, and falls back to the offline planner when no key is set.

The dicts ``to_native()`` returns deserialise straight into the core's ``ProviderConfig``: an
unknown key is an ``InvalidInputError``, never a setting silently ignored.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Union

__all__ = ["Fallback", "FromEnv", "Offline", "OpenAICompatible", "Provider", "Replay", "provider_spec"]


@dataclass(frozen=True)
class OpenAICompatible:
    """Any OpenAI-compatible chat completions endpoint (OpenAI, Azure, OpenRouter, vLLM, Ollama...)."""

    base_url: str
    api_key: str | None = field(default=None, repr=False)
    model: str = "gpt-4o-mini"
    timeout_secs: float | None = None
    max_retries: int | None = None
    #: How JSON is asked for: "auto" (default), "json_schema", "json_object_schema"
    #: (llama.cpp's server and llama-cpp-python), "json_object" or "off".
    json_mode: str | None = None
    #: Stream answers so pages show while the model writes (default on); ``False`` for servers
    #: whose streams misbehave.
    stream: bool | None = None
    #: "auto" (default: in steps for a server on this machine, where small models run, one
    #: answer for a hosted one), "whole", "steps" (sitemap first, then each page) or "planned"
    #: (pages and block types from the embedded planner, every word from the model).
    generation: str | None = None

    def to_native(self) -> dict[str, Any]:
        """The shape the native layer takes."""
        return {
            "kind": "openai_compatible",
            "base_url": self.base_url,
            "api_key": self.api_key,
            "model": self.model,
            "timeout_secs": self.timeout_secs,
            "max_retries": self.max_retries,
            "json_mode": self.json_mode,
            "stream": self.stream,
            "generation": self.generation,
        }


@dataclass(frozen=True)
class Offline:
    """The deterministic offline planner: no network, results labelled ``offline``."""

    def to_native(self) -> dict[str, Any]:
        """The shape the native layer takes."""
        return {"kind": "offline"}


@dataclass(frozen=True)
class Replay:
    """Recorded answers from ``path`` (for tests and demos)."""

    path: str | os.PathLike[str]

    def to_native(self) -> dict[str, Any]:
        """The shape the native layer takes."""
        return {"kind": "replay", "path": os.fspath(self.path)}


@dataclass(frozen=True)
class FromEnv:
    """Provider from the environment, else offline (the default)."""

    def to_native(self) -> dict[str, Any]:
        """The shape the native layer takes."""
        return {"kind": "from_env"}


@dataclass(frozen=True, init=False)
class Fallback:
    """Each provider in turn, first choice first, moving on when one is unavailable or rejects
    the request: ``Fallback(OpenAICompatible(...), Offline())``."""

    providers: tuple[Provider, ...]

    def __init__(self, *providers: Provider) -> None:
        if not providers:
            from ._native import InvalidInputError

            raise InvalidInputError("Fallback needs at least one provider")
        object.__setattr__(self, "providers", tuple(providers))

    def to_native(self) -> dict[str, Any]:
        """The shape the native layer takes."""
        return {"kind": "fallback", "providers": [p.to_native() for p in self.providers]}


Provider = Union[OpenAICompatible, Offline, Replay, FromEnv, Fallback]


def provider_spec(provider: Provider | str | dict[str, Any] | None) -> dict[str, Any]:
    """Normalises a provider object, a name (``"offline"``, ``"env"``) or a dict for the native layer."""
    if provider is None:
        return FromEnv().to_native()
    if isinstance(provider, str):
        names: dict[str, Provider] = {"offline": Offline(), "env": FromEnv(), "from_env": FromEnv()}
        if provider not in names:
            from ._native import InvalidInputError

            raise InvalidInputError(f"unknown provider {provider!r}; use 'offline', 'env' or a provider object")
        return names[provider].to_native()
    if isinstance(provider, dict):
        return dict(provider)
    return provider.to_native()
