#!/usr/bin/env bash
# Python binding tests: builds the extension (dev profile) into a venv and runs pytest.
# Called from the repository root by the top-level test script, which starts PostgreSQL and Redis.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
case "$TARGET" in /*) ;; *) TARGET="$ROOT/$TARGET" ;; esac
VENV="$TARGET/py-venv"
PYTHON="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
# Pinned majors, PyPI only; a no-op when already satisfied.
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "maturin>=1.16,<2" "django>=5.2,<6" "celery>=5.4,<6" "redis>=5,<7" "pytest>=8,<9" \
    "pytest-django>=4.9,<5" "mypy>=1.10,<2" "psycopg[binary]>=3.2,<4"

# Services are started by the caller; fail early and clearly when they are not there.
check_port() {
    "$VENV/bin/python" - "$1" "$2" <<'PY'
import socket, sys
host, port = sys.argv[1], int(sys.argv[2])
try:
    socket.create_connection((host, port), timeout=3).close()
except OSError as err:
    sys.exit(f"{host}:{port} is not reachable ({err}); start it before running the Python tests")
PY
}
check_port 127.0.0.1 5432
check_port 127.0.0.1 6379

# Dev profile only; maturin builds incrementally into the shared target dir.
export CARGO_TARGET_DIR="$TARGET"
(cd bindings-python && VIRTUAL_ENV="$VENV" PATH="$VENV/bin:$PATH" "$VENV/bin/maturin" develop --quiet)

set +e
"$VENV/bin/python" -m pytest -c tests/python/pytest.ini tests/python -p no:cacheprovider "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: counting that as a failure" >&2
    exit 1
fi
exit "$status"
