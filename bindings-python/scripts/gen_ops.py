"""Generates ``python/sitebuilder/_ops.py`` from the core's operations catalogue.

    python bindings-python/scripts/gen_ops.py          # rewrite the file
    python bindings-python/scripts/gen_ops.py --check  # exit 1 when it is out of date

The catalogue (``core/catalogue.json``, kept current by the core's tests) lists every operation
with its positional arguments and JSON Schemas. Each becomes a typed sync method and its
``a``-prefixed async twin, both one call into the native generic path (AI runs also a
``stream_``-prefixed :class:`RunStream` of their progress and outcome), so Python cannot drift
from the core: ``tests/python/test_parity.py`` runs ``--check``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "core" / "catalogue.json"
TARGET = ROOT / "bindings-python" / "python" / "sitebuilder" / "_ops.py"

SCOPE_FIELDS = ("account_id", "site_id", "sector_id")
# Response types that have a record class in ``_records``.
RECORDS = {
    "SiteBlueprint", "PageBlueprint", "RunOutcome", "TaskRecord", "CreditTransaction",
    "MigrationReport", "MigrationState", "DoctorReport", "SiteBuilderOption", "SiteAsset",
    "TaskStats", "UsageLogEntry", "AssetUsage", "QueueStatus",
}


def ref_name(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def non_null(schema: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The schema without its ``null`` alternative, and whether it had one."""
    if "anyOf" in schema:
        rest = [s for s in schema["anyOf"] if s.get("type") != "null"]
        if len(rest) == 1 and len(rest) < len(schema["anyOf"]):
            return rest[0], True
    types = schema.get("type")
    if isinstance(types, list) and "null" in types:
        left = [t for t in types if t != "null"]
        return {**schema, "type": left[0] if len(left) == 1 else left}, True
    return schema, False


def param_type(schema: dict[str, Any], defs: dict[str, Any]) -> str:
    schema, nullable = non_null(schema)
    name = ref_name(schema)
    if name is not None:
        target = defs.get(name, {})
        # A string enum (its variants documented: a oneOf of strings), or a tagged union of objects.
        stringy = target.get("type") == "string" or "enum" in target or (
            "oneOf" in target and all(alt.get("type") == "string" for alt in target["oneOf"])
        )
        text = "str" if stringy else "dict[str, Any]"
    else:
        kind = schema.get("type")
        if kind == "integer":
            text = "int"
        elif kind == "number":
            text = "float"
        elif kind == "boolean":
            text = "bool"
        elif kind == "string":
            text = "datetime" if schema.get("format") == "date-time" else "str"
        elif kind == "array":
            text = f"Sequence[{param_type(schema.get('items', {}), defs)}]"
        elif kind == "object":
            text = "dict[str, Any]"
        else:
            text = "Any"
    return f"{text} | None" if nullable else text


def response(schema: dict[str, Any]) -> tuple[str, str]:
    """The return annotation and the converter of a response schema."""
    title = schema.get("title")
    kind = schema.get("type")
    if title == "Metadata":
        return "dict[str, list[SiteBuilderOption]]", "_metadata"
    if title == "Paged":
        item = ref_name(schema["properties"]["items"]["items"])
        return f"Paged[{item}]", f"_paged({item}.from_dict)"
    if title in RECORDS:
        return title, f"{title}.from_dict"
    if kind == "array":
        item = schema.get("items", {})
        name = ref_name(item)
        if name in RECORDS:
            return f"list[{name}]", f"_list({name}.from_dict)"
        if item.get("type") == "string":
            return "list[str]", "_list(str)"
        # Records without a Python class (deployments...) stay dicts, one per item.
        return "list[dict[str, Any]]", "_list(dict)"
    if kind == "null":
        return "None", "_none"
    if kind == "integer":
        return "int", "int"
    if kind == "string":
        return "str", "str"
    return "dict[str, Any]", "dict"


def is_run(op: dict[str, Any]) -> bool:
    """AI runs whose progress and cancellation a caller follows (not a background dispatch)."""
    return "task_id" in op["request"].get("properties", {}) and op["response"].get("title") in (
        "RunOutcome",
        "Array_of_RunOutcome",
    )


def method(op: dict[str, Any]) -> str:
    request = op["request"]
    props: dict[str, Any] = request.get("properties", {})
    defs: dict[str, Any] = request.get("$defs", {})
    required = set(request.get("required", []))
    args: list[str] = op["args"]
    scoped = "scope" in args
    positional: list[str] = []
    fields: list[str] = []
    # Only trailing optional arguments can have a default.
    trailing = len(args)
    while trailing > 0 and args[trailing - 1] != "scope" and args[trailing - 1] not in required:
        trailing -= 1
    for index, arg in enumerate(args):
        if arg == "scope":
            positional.append("scope: int | Scope")
        else:
            hint = param_type(props[arg], defs)
            if index < trailing:
                positional.append(f"{arg}: {hint}")
            else:
                positional.append(f"{arg}: {hint.removesuffix(' | None')} | None = None")
            fields.append(arg)
    taken = set(args) | (set(SCOPE_FIELDS) if scoped else set())
    keywords = [f"{name}: {param_type(props[name], defs).removesuffix(' | None')} | None = None"
                for name in props if name not in taken]
    if scoped:
        keywords += ["site_id: int | None = None", "sector_id: int | None = None"]
    options = [name for name in props if name not in taken]
    run = is_run(op)
    if run:
        keywords += ["on_progress: ProgressHandler | None = None", "cancel: CancelToken | None = None"]
    # Writes of an account can be retried safely: the same key answers the first result.
    keyed = not op["read_only"] and "account_id" in props
    if keyed:
        keywords.append("idempotency_key: str | None = None")
    params = ", ".join(["self", *positional, *(["*", *keywords] if keywords else [])])
    returns, convert = response(op["response"])
    def value(name: str) -> str:
        wanted = param_type(props[name], defs)
        return f"_rfc3339({name})" if wanted.startswith("datetime") else name

    parts = [f"{name}={value(name)}" for name in fields] + [f"{name}={value(name)}" for name in options]
    base = "self._scope(scope, site_id, sector_id)" if scoped else "{}"
    request_expr = f"_request({base}, {', '.join(parts)})" if parts else base
    extra = (", on_progress, cancel" if run else "") + (", idempotency_key=idempotency_key" if keyed else "")
    doc = op["doc"].replace("\\", "\\\\").replace('"""', "'''").replace("\n", " ")
    name = op["name"]
    lines = [
        f"    def {name}({params}) -> {returns}:",
        f'        """{doc}"""',
        f"        return self._call({name!r}, {request_expr}, {convert}{extra})",
        "",
        f"    async def a{name}({params}) -> {returns}:",
        f'        """Async twin of :meth:`{name}`."""',
        f"        return await self._acall({name!r}, {request_expr}, {convert}{extra})",
        "",
    ]
    if op.get("streams"):
        lines += [
            f"    def stream_{name}({params}) -> RunStream[{returns}]:",
            f'        """:meth:`{name}` watched as it happens: ``async for`` (or ``for``) over its progress events '
            f'(pages as they arrive), then its outcome; leaving the loop early cancels the run. See :class:`RunStream`."""',
            f"        return self._stream({name!r}, {request_expr}, {convert}{extra})",
            "",
        ]
    return "\n".join(lines)


HEADER = '''"""Every operation of the core's catalogue as a typed method and its async twin.

GENERATED by ``bindings-python/scripts/gen_ops.py`` from ``core/catalogue.json``: do not edit.
AI runs also get ``stream_<name>``: a :class:`RunStream` of their progress, then their outcome.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ._base import (
    Base,
    ProgressHandler,
    RunStream,
    Scope,
    _list,
    _metadata,
    _none,
    _paged,
    _request,
    _rfc3339,
)
from ._native import CancelToken
from ._records import (
{records}
)

__all__ = ["Operations"]


class Operations(Base):
    """The catalogue's operations; :class:`sitebuilder.SiteBuilder` adds construction and assets."""

'''


def render(catalogue: dict[str, Any]) -> str:
    records = sorted(RECORDS | {"Paged", "SiteBuilderOption"})
    body = "\n".join(method(op) for op in catalogue["operations"])
    return HEADER.format(records="\n".join(f"    {r}," for r in records)) + body.rstrip() + "\n"


def main() -> int:
    fresh = render(json.loads(CATALOGUE.read_text()))
    if "--check" in sys.argv:
        if TARGET.read_text() != fresh:
            print(f"{TARGET} is out of date: run python {Path(__file__).relative_to(ROOT)}")
            return 1
        return 0
    TARGET.write_text(fresh)
    return 0


if __name__ == "__main__":
    sys.exit(main())
