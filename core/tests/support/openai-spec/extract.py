"""Extracts the chat-completions part of OpenAI's OpenAPI description into `chat-completions.json`.

Usage: python3 extract.py PATH/TO/openai-openapi.yaml

Keeps the named root schemas and every schema they reference, transitively, under
`components.schemas`, so `#/components/schemas/...` references resolve as in the full document.
"""

from __future__ import annotations

import json
import pathlib
import sys

import yaml

ROOTS = [
    "CreateChatCompletionRequest",
    "CreateChatCompletionResponse",
    "CreateChatCompletionStreamResponse",
    "ChatCompletionStreamOptions",
    "CompletionUsage",
    "ResponseFormatJsonSchema",
    "ErrorResponse",
]
PREFIX = "#/components/schemas/"


def refs(node: object) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(PREFIX):
            found.add(ref[len(PREFIX):])
        for value in node.values():
            found |= refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= refs(value)
    return found


def main() -> None:
    spec = yaml.safe_load(pathlib.Path(sys.argv[1]).read_text())
    schemas = spec["components"]["schemas"]
    keep: dict[str, object] = {}
    todo = list(ROOTS)
    while todo:
        name = todo.pop()
        if name in keep:
            continue
        keep[name] = schemas[name]
        todo.extend(sorted(refs(schemas[name]) - keep.keys()))
    out = {
        "openapi": spec["openapi"],
        "info": {
            "title": spec["info"]["title"] + " (chat completions subset)",
            "version": spec["info"]["version"],
            "license": spec["info"]["license"],
        },
        "components": {"schemas": dict(sorted(keep.items()))},
    }
    target = pathlib.Path(__file__).with_name("chat-completions.json")
    target.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
    print(f"{len(keep)} schemas -> {target}")


if __name__ == "__main__":
    main()
