#!/usr/bin/env bash
# Fails when a tracked file reads or names a folder outside the repository: a user clones this
# repository and nothing else, so every test, script and doc must work from the clone alone.
# A cheap grep over what git tracks (this file excepted); vendor what a test needs instead.
set -euo pipefail
cd "$(dirname "$0")/.."

# ../shared and shared/specs: the steering folder beside a checkout; /work/: this machine's layout;
# three or more "../" in a row climb out of any folder of this tree.
pattern='(\.\./)+shared/|shared/specs|/work/|(\.\./){3,}'
if hits=$(git grep -nE "$pattern" -- . ':!tests/self-contained.sh'); then
  echo "self-contained: these tracked lines refer to a path outside the repository:" >&2
  echo "$hits" >&2
  echo "self-contained: vendor what they need into the repository (with its source and licence)" >&2
  exit 1
fi
echo "self-contained: no tracked file refers to a path outside the repository"
