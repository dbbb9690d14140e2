"""A real HTTP server on 127.0.0.1 speaking the OpenAI chat completions wire format.

It answers ``POST /v1/chat/completions`` like a model that follows the requested JSON schema: a
site structure when the schema asks for ``site`` + ``pages``, page content when it asks for
``blocks`` + ``seo``. ``mode`` switches it to failing (``"down"``: HTTP 503 on every call).
Every request body is recorded so tests can check what the engine sent.

A request with ``"stream": true`` is answered as OpenAI streams: server-sent events of
``chat.completion.chunk`` objects, the answer's text cut into ``chunk_size`` characters (one
event each, ``chunk_delay`` seconds apart), then a chunk with ``finish_reason``, one with
``usage`` (asked for or not) and ``data: [DONE]``. Without ``stream`` the answer is one JSON body.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def structure_answer(name: str) -> dict[str, Any]:
    """A valid structure: a home page with a hero and an about page."""
    return {
        "site": {
            "name": name,
            "tagline": "Fresh bread every morning",
            "tone": "warm",
            "layout": "default",
            "primary_navigation": ["home", "about"],
            "secondary_navigation": [],
            "hero_message": "Baked before sunrise, sold by noon",
        },
        "pages": [
            {
                "slug": "home",
                "title": "Home",
                "type": "home",
                "objective": "Bring visitors to the shop",
                "primary_cta": "Visit us",
                "seo": {"meta_title": f"{name} - bakery", "meta_description": "Family bakery with fresh bread daily."},
                "blocks": [
                    {
                        "type": "hero",
                        "data": {
                            "heading": "Bread worth waking up for",
                            "subheading": "Sourdough and pastries baked every morning.",
                            "cta": {"label": "Visit us", "href": "/about"},
                        },
                        "id": None,
                        "variant": None,
                        "locked": None,
                    }
                ],
            },
            {
                "slug": "about",
                "title": "About us",
                "type": "about",
                "objective": "Tell the family story",
                "primary_cta": "Visit us",
                "seo": {"meta_title": "About us", "meta_description": "Three generations of bakers."},
                "blocks": [
                    {
                        "type": "text",
                        "data": {"heading": "Our story", "body": "Three generations of bakers."},
                        "id": None,
                        "variant": None,
                        "locked": None,
                    }
                ],
            },
        ],
    }


def page_answer() -> dict[str, Any]:
    """Valid page content: a hero and a text block."""
    return {
        "blocks": [
            {
                "type": "hero",
                "data": {"heading": "Freshly written heading", "subheading": "Copy from the model."},
                "id": None,
                "variant": None,
                "locked": None,
            },
            {
                "type": "text",
                "data": {"heading": "More", "body": "Body text written by the model."},
                "id": None,
                "variant": None,
                "locked": None,
            },
        ],
        "seo": {"meta_title": "Page title", "meta_description": "Page description."},
    }


class FakeModel:
    """The server and what it has seen; use as a context manager."""

    def __init__(
        self, mode: str = "ok", site_name: str = "Porto Bakery", delay: float = 0.0,
        chunk_size: int = 40, chunk_delay: float = 0.0,
    ) -> None:
        self.mode = mode
        self.site_name = site_name
        self.delay = delay
        self.chunk_size = chunk_size
        self.chunk_delay = chunk_delay
        self.streamed = 0
        """How many answers went out as server-sent events."""
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        model = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with model._lock:
                    model.requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
                if not self.path.endswith("/chat/completions"):
                    self._send(404, {"error": {"message": "not found"}})
                    return
                if model.mode == "down":
                    self._send(503, {"error": {"message": "overloaded", "type": "server_error"}})
                    return
                if model.delay:
                    time.sleep(model.delay)
                answer = model.answer_for(body)
                if body.get("stream") is True:
                    self._stream(body, json.dumps(answer))
                    return
                self._send(
                    200,
                    {
                        "id": f"chatcmpl-{len(model.requests)}",
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": body.get("model", "fake"),
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": json.dumps(answer), "refusal": None},
                                "finish_reason": "stop",
                                "logprobs": None,
                            }
                        ],
                        "usage": {"prompt_tokens": 120, "completion_tokens": 80, "total_tokens": 200},
                    },
                )

            def _stream(self, body: dict[str, Any], content: str) -> None:
                with model._lock:
                    model.streamed += 1
                    ident = f"chatcmpl-{len(model.requests)}"
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                base = {"id": ident, "object": "chat.completion.chunk", "created": int(time.time()),
                        "model": body.get("model", "fake")}

                def event(choices: list[dict[str, Any]], **extra: Any) -> None:
                    self.wfile.write(f"data: {json.dumps({**base, 'choices': choices, **extra})}\n\n".encode())
                    self.wfile.flush()

                try:
                    event([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}])
                    for start in range(0, len(content), model.chunk_size):
                        if model.chunk_delay:
                            time.sleep(model.chunk_delay)
                        piece = content[start : start + model.chunk_size]
                        event([{"index": 0, "delta": {"content": piece}, "finish_reason": None}])
                    event([{"index": 0, "delta": {}, "finish_reason": "stop"}])
                    event([], usage={"prompt_tokens": 120, "completion_tokens": 80, "total_tokens": 200})
                    self.wfile.write(b"data: [DONE]\n\n")
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading (a cancelled run)

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/v1``."""
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def answer_for(self, body: dict[str, Any]) -> dict[str, Any]:
        """Follows the requested schema: structure or page content."""
        schema = ((body.get("response_format") or {}).get("json_schema") or {}).get("schema") or {}
        required = schema.get("required") or []
        if "site" in required or "pages" in required:
            answer = structure_answer(self.site_name)
            page_fields = (((schema.get("properties") or {}).get("pages") or {}).get("items") or {}).get("properties")
            if page_fields is not None and "blocks" not in page_fields:
                # A sitemap (the first step of generation in steps): pages without their blocks.
                for page in answer["pages"]:
                    page.pop("blocks", None)
            return answer
        if "blocks" in required:
            return page_answer()
        text = json.dumps(body.get("messages", []))
        return page_answer() if "page" in text.lower() and "structure" not in text.lower() else structure_answer(self.site_name)

    def __enter__(self) -> FakeModel:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


def main() -> None:
    """Runs the server in the foreground (for the Celery worker test), printing its base URL."""
    import sys

    with FakeModel(site_name=sys.argv[1] if len(sys.argv) > 1 else "Porto Bakery") as model:
        print(model.base_url, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
