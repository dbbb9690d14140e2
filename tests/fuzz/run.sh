#!/usr/bin/env bash
# Fuzzes both HTTP surfaces from their own OpenAPI document (`openapi/`) with Schemathesis: the
# Django app (PostgreSQL) and the Node router in Express and in Fastify (SQLite), each as a
# logged-in user of one account and unauthenticated. Checks: no 5xx, every 4xx is the JSON error
# shape (hooks.py), content types and bodies match the schema. Bounded and deterministic: a fixed
# seed, few examples per operation. Builds the Python extension and the Node package when stale
# (no-ops after tests/python/run.sh and tests/node/run.sh). Called from the repository root.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
case "$TARGET" in /*) ;; *) TARGET="$ROOT/$TARGET" ;; esac
export CARGO_TARGET_DIR="$TARGET"
VENV="$TARGET/py-venv"
MAX_EXAMPLES="${FUZZ_MAX_EXAMPLES:-5}"
SEED="${FUZZ_SEED:-16}"

if [ ! -x "$VENV/bin/python" ]; then
    "${PYTHON:-python3}" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "maturin>=1.16,<2" "django>=5.2,<6" "celery>=5.4,<6" "redis>=5,<7" "psycopg[binary]>=3.2,<4" \
    "schemathesis>=4.3,<5"
(cd bindings-python && VIRTUAL_ENV="$VENV" PATH="$VENV/bin:$PATH" "$VENV/bin/maturin" develop --quiet)
if [ ! -d bindings-node/node_modules ]; then (cd bindings-node && npm ci --no-audit --no-fund); fi
(cd bindings-node && npm run build --silent >/dev/null)


WORK="$(mktemp -d)"
HOST_PID=""
stop_host() {
    if [ -n "$HOST_PID" ]; then
        kill "$HOST_PID" 2>/dev/null || true
        wait "$HOST_PID" 2>/dev/null || true
        HOST_PID=""
    fi
}
trap 'stop_host; rm -rf "$WORK"' EXIT

# start_host NAME COMMAND...: starts a host in the background and waits for its JSON line.
start_host() {
    local name=$1
    shift
    "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
    HOST_PID=$!
    for _ in $(seq 1 300); do
        if [ -s "$WORK/$name.out" ]; then return 0; fi
        if ! kill -0 "$HOST_PID" 2>/dev/null; then break; fi
        sleep 0.1
    done
    echo "$name did not start:" >&2
    cat "$WORK/$name.err" >&2
    exit 1
}
field() { "$VENV/bin/python" -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())[sys.argv[2]])' "$WORK/$1.out" "$2"; }

# fuzz LABEL BASE [HEADER...]: one Schemathesis run against BASE's own openapi/.
fuzz() {
    local label=$1 base=$2
    shift 2
    local headers=()
    for h in "$@"; do headers+=(-H "$h"); done
    echo "== fuzz: $label"
    PYTHONPATH="$ROOT/tests/fuzz" SCHEMATHESIS_HOOKS=hooks "$VENV/bin/schemathesis" run \
        "$base/api/v1/site-builder/openapi/" --url "$base" \
        --checks not_a_server_error,content_type_conformance,response_schema_conformance,error_shape \
        --phases examples,coverage,fuzzing --max-examples "$MAX_EXAMPLES" --seed "$SEED" \
        --generation-deterministic --workers 1 --no-color \
        --request-timeout 30 "${headers[@]}"
}

start_host django "$VENV/bin/python" tests/fuzz/django_host.py
BASE="$(field django base)"
COOKIE="$(field django cookie)"
CSRF="$(field django csrf)"
fuzz "Django, a user of one account" "$BASE" "Cookie: $COOKIE" "X-CSRFToken: $CSRF"
# Unauthenticated: Django's CSRF pair still goes along, so the app (not CSRF) answers.
fuzz "Django, unauthenticated" "$BASE" "Cookie: csrftoken=$CSRF" "X-CSRFToken: $CSRF"
stop_host

for framework in express fastify; do
    start_host "$framework" node tests/fuzz/node_host.mjs "$framework"
    BASE="$(field "$framework" base)"
    fuzz "Node router in $framework, a user of one account" "$BASE" "X-Account-Id: 4242"
    fuzz "Node router in $framework, unauthenticated" "$BASE"
    stop_host
done
echo "== fuzz: both HTTP surfaces clean"
