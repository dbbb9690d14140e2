"""The Python examples in the READMEs run as tests (the Django/Celery snippets are configuration,
exercised by test_django_api.py and test_celery.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
READMES = [ROOT / "bindings-python" / "README.md", ROOT / "README.md"]


def _examples() -> list[tuple[str, int, str]]:
    found = []
    for readme in READMES:
        if not readme.exists():
            continue
        text = readme.read_text()
        for i, match in enumerate(re.finditer(r"```python\n(.*?)```", text, re.S)):
            code = match.group(1)
            # Runnable examples build an engine; settings fragments and imports for frameworks don't.
            if "SiteBuilder(" in code:
                found.append((readme.name, i, code))
    return found


EXAMPLES = _examples()


def test_there_are_examples() -> None:
    sources = {readme.parent.name for readme in READMES if readme.exists() and "```python" in readme.read_text()}
    assert sources == {"bindings-python", ROOT.name}, sources


@pytest.mark.parametrize("readme,index,code", EXAMPLES, ids=[f"{n}-{i}" for n, i, _ in EXAMPLES])
def test_readme_example_runs(readme: str, index: int, code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    exec(compile(code, f"{readme}[{index}]", "exec"), {"__name__": "__readme__"})
