"""Settings, the per-process engine, and account resolution for the Django integration.

``settings.SITEBUILDER`` keys (all optional):

- ``DATABASE_URL``: the engine's database; default: built from ``DATABASES[DATABASE_ALIAS]``.
- ``DATABASE_ALIAS``: which Django database to reuse (``"default"``).
- ``PROVIDER``: a provider object, ``"offline"``, ``"env"`` or a dict (default: from the environment).
- ``TABLE_PREFIX`` (``"igny8_"``), ``AUTO_MIGRATE`` (``True``).
- ``ACCOUNT_RESOLVER``: dotted path or callable taking ``request.user`` and returning the account id
  (an ``int``), a mapping with ``account_id``/``site_id``/``sector_id``, or ``None`` (403). Default:
  ``user.account_id``, else ``user.account.id``.
- ``ASYNC_GENERATION``: ``True`` to queue generation through Celery (``sitebuilder.contrib.celery``)
  and answer 202 with the task id; default ``False`` runs it in the request.
- Site assets, handed to the engine (which enforces them): ``ASSET_ROOT`` (folder, default
  ``MEDIA_ROOT/site_builder``), ``ASSET_URL`` (an object store URL instead of the folder),
  ``MAX_ASSET_BYTES`` (per file, 10 MiB) and ``ASSET_QUOTA_BYTES`` (per account, 200 MiB).
- ``PROMPT_OVERRIDE``: who may send a ``prompt_override`` with a generation or store an account's
  own prompt (``PUT prompts/<type>/``): a free prompt turns the platform's model and credits into
  a general-purpose chatbot, so it is a permission. ``False`` (default): nobody; ``True``: every
  account user; ``"permission"``: users with the Django permission ``sitebuilder.override_prompt``
  (``user.has_perm``); or a callable / dotted path taking the request and returning a bool.
  Refused: 403 ``prompt_override_forbidden``, nothing run or charged.
- Rendering and publishing, handed to the engine: ``PUBLISH_URL`` (object store URL that
  ``blueprints/<id>/publish/`` uploads ``igny8_sites`` sites to, e.g. ``file:///srv/sites``),
  ``SITE_BASE_URL`` (the address published sites are served from, for canonical URLs and
  ``sitemap.xml``), ``FORM_ACTION`` (where site forms post) and ``TEMPLATE_DIR`` (templates
  overriding the shipped ones).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from ..._client import SiteBuilder

__all__ = [
    "AccountScope", "asset_settings", "database_url", "get_sitebuilder", "options", "prompt_override_allowed",
    "reset_sitebuilder", "resolve_scope", "site_settings",
]


def options() -> dict[str, Any]:
    """``settings.SITEBUILDER`` (an empty dict when unset)."""
    value = getattr(settings, "SITEBUILDER", None) or {}
    if not isinstance(value, Mapping):
        raise ImproperlyConfigured("settings.SITEBUILDER must be a dict")
    return dict(value)


def database_url() -> str:
    """The engine's database URL: ``SITEBUILDER["DATABASE_URL"]`` or Django's own database."""
    opts = options()
    if opts.get("DATABASE_URL"):
        return str(opts["DATABASE_URL"])
    alias = opts.get("DATABASE_ALIAS", "default")
    from django.db import connections

    db = connections[alias].settings_dict
    engine = db.get("ENGINE", "")
    if "postgresql" in engine:
        user = quote(db.get("USER") or "", safe="")
        password = db.get("PASSWORD") or ""
        auth = f"{user}:{quote(password, safe='')}@" if password else (f"{user}@" if user else "")
        host = db.get("HOST") or "localhost"
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return f"postgres://{auth}{host}{port}/{quote(str(db['NAME']), safe='')}"
    if "sqlite3" in engine:
        name = str(db["NAME"])
        if name in ("", ":memory:") or name.startswith("file:"):
            raise ImproperlyConfigured(
                "SITEBUILDER cannot share an in-memory SQLite database; set SITEBUILDER['DATABASE_URL']"
            )
        return f"sqlite://{name}"
    raise ImproperlyConfigured(
        f"SITEBUILDER cannot reuse a {engine} database; set SITEBUILDER['DATABASE_URL'] (postgres:// or sqlite://)"
    )


def asset_settings() -> dict[str, Any]:
    """The ``SiteBuilder(...)`` asset arguments from ``settings.SITEBUILDER``."""
    opts = options()
    root = opts.get("ASSET_ROOT") or os.path.join(str(getattr(settings, "MEDIA_ROOT", "") or "media"), "site_builder")

    def size(key: str) -> int | None:
        value = opts.get(key)
        return None if value is None else int(value)

    return {
        "asset_root": str(root),
        "asset_url": opts.get("ASSET_URL") or None,
        "max_file_bytes": size("MAX_ASSET_BYTES"),
        "account_quota_bytes": size("ASSET_QUOTA_BYTES"),
    }


def site_settings() -> dict[str, Any]:
    """The ``SiteBuilder(...)`` rendering and publishing arguments from ``settings.SITEBUILDER``."""
    opts = options()
    return {
        "publish_url": opts.get("PUBLISH_URL") or None,
        "base_url": opts.get("SITE_BASE_URL") or None,
        "form_action": opts.get("FORM_ACTION") or None,
        "template_dir": str(opts["TEMPLATE_DIR"]) if opts.get("TEMPLATE_DIR") else None,
    }


_lock = threading.Lock()
_engines: dict[tuple[Any, ...], SiteBuilder] = {}


def get_sitebuilder(auto_migrate: bool | None = None) -> SiteBuilder:
    """The engine for the configured database, opened once per process and database URL.

    Keyed by URL so that a test run, which renames the database to ``test_...`` after settings
    load, gets an engine on the test database. ``auto_migrate`` overrides the setting (the
    management command's ``status`` and ``doctor`` must not migrate).
    """
    opts = options()
    url = database_url()
    prefix = str(opts.get("TABLE_PREFIX", "igny8_"))
    migrate_on_open = bool(opts.get("AUTO_MIGRATE", True)) if auto_migrate is None else auto_migrate
    assets = asset_settings()
    site = site_settings()
    key = (url, prefix, migrate_on_open, *sorted(assets.items()), *sorted(site.items()))
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            engine = SiteBuilder(
                url,
                provider=opts.get("PROVIDER"),
                table_prefix=prefix,
                auto_migrate=migrate_on_open,
                lazy=True,
                **assets,
                **site,
            )
            _engines[key] = engine
        return engine


def reset_sitebuilder() -> None:
    """Forgets the cached engines (after changing settings in tests)."""
    with _lock:
        _engines.clear()


@dataclass(frozen=True)
class AccountScope:
    """Whom a request acts for: the account, and the host's site and sector when it has them."""

    account_id: int
    site_id: int | None = None
    sector_id: int | None = None


def _default_resolver(user: Any) -> Any:
    if getattr(user, "account_id", None) is not None:
        return user.account_id
    account = getattr(user, "account", None)
    return getattr(account, "id", None)


def _resolver() -> Callable[[Any], Any]:
    configured = options().get("ACCOUNT_RESOLVER")
    if configured is None:
        return _default_resolver
    if isinstance(configured, str):
        resolver: Callable[[Any], Any] = import_string(configured)
        return resolver
    if callable(configured):
        resolver_fn: Callable[[Any], Any] = configured
        return resolver_fn
    raise ImproperlyConfigured("SITEBUILDER['ACCOUNT_RESOLVER'] must be a callable or a dotted path")


def resolve_scope(user: Any) -> AccountScope | None:
    """The scope the host's resolver returns for ``user``, or ``None`` when it has no account."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    value = _resolver()(user)
    if value is None:
        return None
    if isinstance(value, AccountScope):
        return value
    if isinstance(value, Mapping):
        return AccountScope(int(value["account_id"]), value.get("site_id"), value.get("sector_id"))
    return AccountScope(int(value))


def prompt_override_allowed(request: Any) -> bool:
    """Whether ``request``'s user may override prompts (``SITEBUILDER["PROMPT_OVERRIDE"]``)."""
    configured = options().get("PROMPT_OVERRIDE", False)
    if isinstance(configured, bool):
        return configured
    if configured == "permission":
        user = getattr(request, "user", None)
        return bool(user is not None and user.has_perm("sitebuilder.override_prompt"))
    if isinstance(configured, str):
        configured = import_string(configured)
    if callable(configured):
        return bool(configured(request))
    raise ImproperlyConfigured(
        "SITEBUILDER['PROMPT_OVERRIDE'] must be a bool, 'permission', a callable or a dotted path"
    )
