#!/usr/bin/env bash
# Every test of the project: Rust (core, CLI), Python (package, Django, Celery), Node (package,
# BullMQ). Builds what the tests need from nothing, in the dev profile, into one target dir.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
export CARGO_TERM_COLOR=never
export CARGO_INCREMENTAL=0

bash tests/services.sh

echo "== Rust: cargo test --workspace"
cargo test --workspace --no-fail-fast

if [ -f tests/python/run.sh ]; then
  echo "== Python"
  bash tests/python/run.sh
fi

if [ -f tests/node/run.sh ]; then
  echo "== Node"
  bash tests/node/run.sh
fi
echo "== all test suites passed"
