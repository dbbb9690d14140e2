#!/usr/bin/env bash
# What a new user does: clone HEAD into an empty temporary folder and run README.md's two commands
# (the first two ```sh blocks: the main job, then every test) exactly as written, nothing beside the
# clone. Prints the time of each. Not part of CI (it builds everything a second time); run it before
# every stop. Keeps the clone when a command fails (its path is printed); KEEP=1 keeps it always.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/sitebuilder-fresh.XXXXXX")"
CLONE="$WORK/sitebuilder"

git clone --quiet --no-hardlinks "$ROOT" "$CLONE"
cd "$CLONE"
echo "fresh-clone: $(git log -1 --format='%h %s') in $CLONE"

# The commands are read from the README, so this script and the README cannot disagree.
mapfile -t COMMANDS < <(awk '/^```sh$/ {inside=1; next} /^```$/ {inside=0} inside' README.md | head -n 2)
[ "${#COMMANDS[@]}" -eq 2 ] || { echo "fresh-clone: README.md does not lead with two sh commands" >&2; exit 1; }

TIMES=()
for cmd in "${COMMANDS[@]}"; do
  echo "fresh-clone: \$ $cmd"
  start=$(date +%s)
  if ! bash -c "$cmd"; then
    echo "fresh-clone: FAILED after $(($(date +%s) - start)) s: $cmd (clone kept in $CLONE)" >&2
    exit 1
  fi
  TIMES+=("$(printf '%5d s  %s' $(($(date +%s) - start)) "$cmd")")
done

echo "fresh-clone: both README commands passed on a clone with nothing beside it"
for t in "${TIMES[@]}"; do echo "   $t"; done
if [ "${KEEP:-0}" = 1 ]; then echo "fresh-clone: kept $CLONE"; else rm -rf "$WORK"; fi
