"""A SiteBuilder made before fork keeps working in the child (Celery prefork), and in the parent."""

from __future__ import annotations

import json
import os

from sitebuilder import Offline, SiteBuilder, _native


def _in_child(fn) -> dict:  # type: ignore[no-untyped-def]
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read)
        try:
            result = {"ok": True, **fn()}
        except BaseException as err:  # report everything to the parent
            result = {"ok": False, "error": repr(err)}
        os.write(write, json.dumps(result).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    return json.loads(data)


def test_engine_survives_fork(pg_url: str) -> None:
    sb = SiteBuilder(pg_url, provider=Offline())
    parent_bp = sb.create_blueprint(1, "Parent")
    assert _native._runtime_pid() == os.getpid()
    assert sb._native.handle_pid() == os.getpid()

    def child() -> dict:
        bp = sb.create_blueprint(1, "Child", config={"business_brief": "Bakery in Porto"})
        sb.grant_credits(1, 50)
        outcome = sb.generate_structure(1, bp.id)
        return {
            "pid": os.getpid(),
            "runtime_pid": _native._runtime_pid(),
            "handle_pid": sb._native.handle_pid(),
            "seen_parent": sb.get_blueprint(1, parent_bp.id).name,
            "credits": outcome.credits_charged,
            "child_bp": bp.id,
        }

    result = _in_child(child)
    assert result["ok"], result
    assert result["runtime_pid"] == result["pid"] == result["handle_pid"] != os.getpid()
    assert result["seen_parent"] == "Parent" and result["credits"] == 50
    # The parent's pool and runtime are untouched by the child.
    assert sb.get_blueprint(1, result["child_bp"]).status == "ready"
    assert sb.balance(1) == 0
    assert sb._native.handle_pid() == os.getpid()


def test_many_children(sqlite_url: str) -> None:
    sb = SiteBuilder(sqlite_url, provider=Offline())
    sb.metadata()
    for _ in range(3):
        result = _in_child(lambda: {"n": len(sb.metadata()["business_types"])})
        assert result["ok"] and result["n"] > 0, result
