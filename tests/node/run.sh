#!/usr/bin/env bash
# Builds the Node package from nothing and runs its tests: npm install, napi build (dev profile),
# type-check of the TypeScript example, then `node --test tests/node/`. Exits non-zero on failure.
# Called from the repo root by the top-level test script; CARGO_TARGET_DIR is honoured.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# A relative CARGO_TARGET_DIR means relative to the caller's directory; keep it so after `cd`.
if [ -n "${CARGO_TARGET_DIR:-}" ] && [ "${CARGO_TARGET_DIR#/}" = "$CARGO_TARGET_DIR" ]; then
  export CARGO_TARGET_DIR="$PWD/$CARGO_TARGET_DIR"
fi
PKG="$ROOT/bindings-node"
cd "$PKG"

if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund
else
  npm install --no-audit --no-fund
fi

# The drift check compares what the build generates with the file as it was in the tree.
GENERATED="native/index.d.ts"
SNAPSHOT="$(mktemp)"
trap 'rm -f "$SNAPSHOT"' EXIT
if [ -f "$GENERATED" ]; then cp "$GENERATED" "$SNAPSHOT"; fi
export SITEBUILDER_DTS_BEFORE_BUILD="$SNAPSHOT"

npm run build

# Tests import the package by its name, as users do.
mkdir -p "$ROOT/tests/node/node_modules"
ln -sfn "$PKG" "$ROOT/tests/node/node_modules/sitebuilder"

"$PKG/node_modules/.bin/tsc" --noEmit -p "$ROOT/tests/node"

cd "$ROOT"
node --test --test-concurrency=1 tests/node/
