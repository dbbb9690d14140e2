#!/usr/bin/env bash
# Counts the hand-written binding glue (issue 11's measure): the Rust of both native modules, the
# Python client class and the native stub. Generated files (_ops.py, ops.d.ts, native/) are not
# glue. Prints one line per file and the total; run from anywhere inside the repository.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
wc -l bindings-python/src/*.rs \
  bindings-python/python/sitebuilder/_client.py \
  bindings-python/python/sitebuilder/_native.pyi \
  bindings-node/src/*.rs
