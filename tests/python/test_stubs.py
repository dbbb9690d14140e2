"""The shipped stub matches the native module, and the package type-checks as a user sees it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import sitebuilder

HERE = Path(__file__).parent


def test_stubtest_passes() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "sitebuilder._native", "--mypy-config-file", str(HERE / "mypy.ini")],
        capture_output=True,
        text=True,
        cwd=HERE,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_package_is_strictly_typed() -> None:
    package = Path(sitebuilder.__file__).parent
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(HERE / "mypy.ini"), "-p", "sitebuilder"],
        capture_output=True,
        text=True,
        cwd=package.parent,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_py_typed_is_installed() -> None:
    assert (Path(sitebuilder.__file__).parent / "py.typed").is_file()
    assert (Path(sitebuilder.__file__).parent / "_native.pyi").is_file()


def test_user_code_type_checks(tmp_path: Path) -> None:
    code = tmp_path / "user.py"
    code.write_text(
        "from sitebuilder import SiteBuilder, Offline, NotFoundError, SiteBlueprint\n"
        "def use(sb: SiteBuilder) -> int:\n"
        "    bp: SiteBlueprint = sb.create_blueprint(1, 'x')\n"
        "    try:\n"
        "        sb.get_blueprint(2, bp.id)\n"
        "    except NotFoundError as e:\n"
        "        print(e.code)\n"
        "    return sb.balance(1)\n"
        "bad: str = SiteBuilder('memory:', provider=Offline()).balance(1)\n"
    )
    run = subprocess.run([sys.executable, "-m", "mypy", "--strict", str(code)], capture_output=True, text=True)
    # Exactly the deliberate error on the last line.
    assert "user.py:9: error: Incompatible types in assignment" in run.stdout, run.stdout
    assert run.stdout.count("error:") == 1, run.stdout


def test_native_stub_matches_the_module() -> None:
    """The hand-kept stub cannot drift from the native module: stubtest checks every signature;
    this checks what stubtest cannot see, the exception classes the module builds at import (names,
    bases in order, one per error code) and the exported names."""
    import ast

    from sitebuilder import _native

    stub = ast.parse((Path(_native.__file__).parent / "_native.pyi").read_text())
    declared = {node.name: [ast.unparse(b) for b in node.bases] for node in stub.body if isinstance(node, ast.ClassDef)}
    exceptions = {
        name: [b.__name__ for b in cls.__bases__]
        for name, cls in vars(_native).items()
        if isinstance(cls, type) and issubclass(cls, _native.SiteBuilderError)
    }
    assert {n: declared.get(n) for n in exceptions} == exceptions
    assert {n for n, bases in declared.items() if bases and n not in exceptions} == set()
    codes = {cls.code for cls in (getattr(_native, n) for n in exceptions)}
    assert set(_native.ERROR_CODES) <= codes
    exported = next(node for node in stub.body if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "__all__")
    names = {n for n in dir(_native) if not n.startswith("__") or n == "__version__"} - {"_complete", "_progress"}
    assert set(ast.literal_eval(exported.value)) == names
