#!/usr/bin/env bash
# Generated sites in a real browser: installs Debian's chromium when it is missing, npm installs
# puppeteer-core and axe-core (lockfile), builds the `sitebuilder` CLI and the Node binding (dev
# profile; the preview test serves a live preview through the Node router), then runs
# `node --test` over tests/browser/. Screenshots go to $CARGO_TARGET_DIR/browser-screenshots
# (default target/browser-screenshots). Exits non-zero on failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [ -n "${CARGO_TARGET_DIR:-}" ] && [ "${CARGO_TARGET_DIR#/}" = "$CARGO_TARGET_DIR" ]; then
  export CARGO_TARGET_DIR="$PWD/$CARGO_TARGET_DIR"
fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

if ! command -v chromium >/dev/null 2>&1; then
  echo "chromium is missing; installing Debian's package"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium
fi
export CHROMIUM="${CHROMIUM:-$(command -v chromium)}"

cd "$ROOT"
cargo build -p sitebuilder-examples --bin sitebuilder
export SITEBUILDER_CLI="$CARGO_TARGET_DIR/debug/sitebuilder"
# The preview test serves a live preview through the Node router: build the Node binding (dev
# profile; a no-op when the Node suite just built it).
(cd "$ROOT/bindings-node" && npm ci --no-audit --no-fund && npm run build)

cd "$ROOT/tests/browser"
npm ci --no-audit --no-fund
node --test --test-concurrency=1 "$ROOT/tests/browser/"
echo "screenshots: $CARGO_TARGET_DIR/browser-screenshots"
