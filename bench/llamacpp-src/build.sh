#!/usr/bin/env bash
# Builds llama.cpp from source for this CPU into a cache folder outside the repository and prints its bin directory.
# Source: the llama-cpp-python source distribution on PyPI (its vendor/llama.cpp); none of its code is committed here.
# Usage: bench/llamacpp-src/build.sh            (cache: ${QUEST_LLAMACPP_CACHE:-$HOME/.cache/quest-llamacpp})
set -euo pipefail
VERSION="${LLAMA_CPP_PYTHON_VERSION:-0.3.36}"
CACHE="${QUEST_LLAMACPP_CACHE:-$HOME/.cache/quest-llamacpp}"
SRC="$CACHE/llama-cpp-python-$VERSION"
BUILD="$SRC/vendor/llama.cpp/build"
TARGETS=(llama-bench llama-batched-bench llama-simple llama-perplexity)
if [[ -x "$BUILD/bin/llama-batched-bench" && -x "$BUILD/bin/llama-bench" ]]; then
  echo "$BUILD/bin"
  exit 0
fi
mkdir -p "$CACHE"
if [[ ! -d "$SRC" ]]; then
  echo "downloading llama-cpp-python==$VERSION source distribution from PyPI" >&2
  python3 -m pip download --no-deps --no-binary :all: --dest "$CACHE" "llama-cpp-python==$VERSION" >&2
  tar -xzf "$CACHE/llama_cpp_python-$VERSION.tar.gz" -C "$CACHE" 2>/dev/null \
    || tar -xzf "$CACHE/llama-cpp-python-$VERSION.tar.gz" -C "$CACHE"
  [[ -d "$SRC" ]] || mv "$CACHE/llama_cpp_python-$VERSION" "$SRC"
fi
echo "building llama.cpp for this CPU (GGML_NATIVE=ON) in $BUILD; about 10 minutes on 2 cores" >&2
cmake -S "$SRC/vendor/llama.cpp" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=ON -DLLAMA_CURL=OFF \
  -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_SERVER=OFF >&2
cmake --build "$BUILD" --config Release -j "$(nproc)" --target "${TARGETS[@]}" >&2
echo "$BUILD/bin"
