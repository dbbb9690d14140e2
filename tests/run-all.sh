#!/usr/bin/env bash
# Every check and test of the project, as CI and a reviewer run them: the repository stands alone,
# formatting, clippy, rustdoc, each storage feature on its own, then the Rust (core, CLI, README's
# Rust example), Python (package, stubs, Django, Celery) and Node (package, types, BullMQ) suites.
# Builds what it needs from nothing, in the dev profile, into one target dir; prints the time of
# each stage at the end, pass or fail.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
export CARGO_TERM_COLOR=never
export CARGO_INCREMENTAL=0

STAGES=()
RUN_START=$(date +%s)
report() {
  local status=$?
  echo
  echo "== stage times"
  for line in "${STAGES[@]}"; do echo "   $line"; done
  echo "   total $(($(date +%s) - RUN_START)) s"
  return $status
}
trap report EXIT

# stage NAME COMMAND...: runs one stage, records how long it took.
stage() {
  local name=$1
  shift
  echo "== $name"
  local start
  start=$(date +%s)
  "$@"
  STAGES+=("$(printf '%-28s %5d s' "$name" $(($(date +%s) - start)))")
}

stage "self-contained" bash tests/self-contained.sh
stage "services" bash tests/services.sh
stage "cargo fmt --check" cargo fmt --all --check
stage "cargo clippy" cargo clippy --workspace --all-targets -- -D warnings
stage "cargo doc" env RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --quiet
stage "core: sqlite only" cargo check --quiet -p sitebuilder --no-default-features --features sqlite --all-targets
stage "core: postgres only" cargo check --quiet -p sitebuilder --no-default-features --features postgres --all-targets
# Includes the doctests: README.md's Rust example is one (core/src/lib.rs includes it).
stage "Rust tests" cargo test --workspace --no-fail-fast

for suite in python node browser fuzz; do
  if [ -f "tests/$suite/run.sh" ]; then
    stage "$suite tests" bash "tests/$suite/run.sh"
  fi
done
echo "== all checks and test suites passed"
