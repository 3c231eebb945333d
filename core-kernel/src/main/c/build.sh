#!/usr/bin/env bash
# Builds libquestkernel.so from every C file beside this script: the files compile side by side (the AVX-512
# matmul alone takes a third of the time), then link.
# Usage: build.sh JNI_HEADER_DIR OUTPUT_DIR
# No global -march: ISA-specific functions carry __attribute__((target(...))) and are picked at run time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
include_dir=$1
out_dir=$2
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
mkdir -p "$out_dir"
objs=$(mktemp -d)
trap 'rm -rf "$objs"' EXIT
cflags=(-O3 -std=gnu11 -fPIC -Wall -Wextra -Wno-unused-parameter -fno-strict-aliasing
  -I"$here" -I"$include_dir" -I"$java_home/include" -I"$java_home/include/linux")
pids=()
for c in "$here"/*.c; do
  gcc "${cflags[@]}" -c "$c" -o "$objs/$(basename "$c" .c).o" &
  pids+=($!)
done
for p in "${pids[@]}"; do
  wait "$p"
done
gcc -shared "$objs"/*.o -lm -Wl,--no-undefined -o "$out_dir/libquestkernel.so"
