"""Issue 16's attack corpus (tests/http/attack-corpus.json) against the Django app over real HTTP:
no 5xx, no HTML, the JSON error shape with the expected code, no driver text, and no row of the
engine's tables changed by a refused request."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from support.hostile import CORPUS_TOKENS, PNG, Session, changed_tables, django_server, login_session, multipart, table_snapshot

CORPUS = json.loads((Path(__file__).resolve().parents[1] / "http" / "attack-corpus.json").read_text())

pytestmark = pytest.mark.django_db(transaction=True)


def _fill(value: Any, saved: dict[str, Any]) -> Any:
    if isinstance(value, str):
        whole = re.fullmatch(r"\{(\w+)\.(\w+)\}", value)
        if whole:
            return saved[whole[1]][whole[2]]
        return re.sub(r"\{(\w+)\.(\w+)\}", lambda m: str(saved[m[1]][m[2]]), value)
    if isinstance(value, list):
        return [_fill(v, saved) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, saved) for k, v in value.items()}
    return value


def _send(session: Session, case: dict[str, Any], saved: dict[str, Any]) -> tuple[int, str, bytes]:
    path = CORPUS["prefix"] + _fill(case["path"], saved)
    headers = case.get("headers")
    if "multipart" in case:
        form = _fill(case["multipart"], saved)
        size = int(form.pop("file_size"))
        name = form.pop("file_name")
        body, kind = multipart(form, name, (PNG + b"\x00" * size)[:size])
        return session.request(case["method"], path, raw=body, content_type=kind, headers=headers)
    if "raw" in case:
        raw = case["raw"]
        for token, text in CORPUS_TOKENS.items():
            raw = raw.replace(token, text)
        return session.request(case["method"], path, raw=_fill(raw, saved).encode("utf-8", "surrogatepass"), headers=headers)
    body = json.dumps(_fill(case["body"], saved)).encode() if "body" in case else None
    return session.request(case["method"], path, raw=body, headers=headers)


def check_answer(case: dict[str, Any], status: int, kind: str, raw: bytes, answers: dict[str, Any]) -> Any:
    """One case's expectations (the Node runner checks the same)."""
    name = case["name"]
    assert status < 500, f"{name}: HTTP {status}: {raw[:300]!r}"
    assert status == case["status"], f"{name}: HTTP {status}, expected {case['status']}: {raw[:300]!r}"
    if status == 204:
        return None
    assert kind.startswith("application/json"), f"{name}: {kind}: {raw[:200]!r}"
    data = json.loads(raw)
    if status >= 400:
        assert data.get("success") is False and isinstance(data.get("message"), str), f"{name}: {data}"
        assert data.get("code") == case["code"], f"{name}: code {data.get('code')!r}: {data}"
        assert data["error"] == data["message"] and data["message"].strip(), f"{name}: {data}"
        for text in CORPUS["driver_text"] + case.get("message_excludes", []):
            assert text not in json.dumps(data), f"{name}: the answer holds {text!r}: {data}"
    for key, value in case.get("values", {}).items():
        assert data.get(key) == value, f"{name}: {key} = {data.get(key)!r}"
    if "same_as" in case:
        assert (status, data) == answers[case["same_as"]], f"{name}: differs from {case['same_as']}"
    return data


def test_attack_corpus_against_django(settings) -> None:  # type: ignore[no-untyped-def]
    from sitebuilder.contrib.django import reset_sitebuilder

    # Prompt overrides are allowed here so that their contents are checked; refusing them is
    # test_hostile_http.py's.
    settings.SITEBUILDER = {**settings.SITEBUILDER, "PROMPT_OVERRIDE": True}
    reset_sitebuilder()
    with django_server() as base:
        session = login_session(base)
        saved: dict[str, Any] = {}
        answers: dict[str, Any] = {}
        failures: list[str] = []
        for case in CORPUS["cases"]:
            if "django" not in case.get("surfaces", ["django"]):
                continue
            refused = case.get("refused", case["status"] >= 400)
            before = table_snapshot() if refused else None
            status, kind, raw = _send(session, case, saved)
            try:
                data = check_answer(case, status, kind, raw, answers)
                if before is not None:
                    changed = changed_tables(before, table_snapshot())
                    assert not changed, f"{case['name']}: rows changed in {changed}"
            except AssertionError as err:  # every case runs; all failures are reported at once
                failures.append(str(err).split("\n")[0])
                continue
            answers[case["name"]] = (status, data)
            if "save" in case:
                saved[case["save"]] = data
        assert not failures, "\n".join(failures)
